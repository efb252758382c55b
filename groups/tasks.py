"""E-mail about groups, sent as background tasks after the writing transaction commits."""

from django.tasks import task
from django.urls import reverse

from groups.models import Invitation, JoinRequest, Membership
from gwd.mail import absolute_url, send_templated_email


@task
def invitation_email(*, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("group", "inviter").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_pending:
        return
    send_templated_email(
        to=invitation.email,
        template="groups/email/invitation",
        language=invitation.language,
        context={
            "invitation": invitation,
            "group": invitation.group,
            "inviter": invitation.inviter,
            "accept_url": absolute_url(
                reverse("groups:invitation-accept", kwargs={"token": invitation.token})
            ),
        },
    )


@task
def join_request_decided_email(*, join_request_id: int) -> None:
    join_request = (
        JoinRequest.objects.select_related("user", "group").filter(pk=join_request_id).first()
    )
    if join_request is None:
        return
    user = join_request.user
    send_templated_email(
        to=user.email,
        template="groups/email/join_request_decided",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "join_request": join_request,
            "group": join_request.group,
            "user": user,
            "approved": join_request.status == JoinRequest.Status.APPROVED,
            "group_url": absolute_url(join_request.group.get_absolute_url()),
        },
    )


@task
def facilitator_appointed_email(*, membership_id: int) -> None:
    membership = Membership.objects.select_related("user", "group").filter(pk=membership_id).first()
    if membership is None or not membership.is_active:
        return
    user = membership.user
    send_templated_email(
        to=user.email,
        template="groups/email/facilitator_appointed",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "group": membership.group,
            "user": user,
            "group_url": absolute_url(membership.group.get_absolute_url()),
        },
    )
