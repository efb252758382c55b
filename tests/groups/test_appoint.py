"""Appointing a co-facilitator: members are promoted, everyone else is invited and must
accept; the answer never tells whether an address has an account."""

from django.core import mail
from django.urls import reverse

from groups import services
from groups.models import Invitation, Membership, Role


def appoint(client, group, email: str, capture):
    """Post the form; the pages it leads to and the messages shown there."""
    with capture(execute=True):
        response = client.post(
            reverse("groups:facilitator-appoint", kwargs={"slug": group.slug}),
            {"email": email},
            follow=True,
        )
    return response, [str(m) for m in response.context["messages"]]


def test_an_active_member_is_promoted_at_once(
    client, login, facilitator, observer, group, django_capture_on_commit_callbacks
):
    login(facilitator)
    appoint(client, group, observer.email, django_capture_on_commit_callbacks)
    assert Membership.objects.get(user=observer, group=group).role == Role.FACILITATOR
    assert not Invitation.objects.exists()


def test_an_account_from_another_group_is_invited_not_appointed(
    client,
    login,
    facilitator,
    group,
    other_group,
    member_factory,
    django_capture_on_commit_callbacks,
):
    stranger = member_factory(other_group, email="obcy@sopot.gwd.test")
    login(facilitator)
    appoint(client, group, stranger.email, django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user=stranger, group=group).exists()
    invitation = Invitation.objects.get(group=group)
    assert (invitation.email, invitation.role) == (stranger.email, Role.FACILITATOR)
    assert [m.to for m in mail.outbox] == [[stranger.email]]
    # Accepting is the person's own choice; then they are a facilitator.
    services.invitation_accept(actor=stranger, token=invitation.token)
    assert Membership.objects.get(user=stranger, group=group).role == Role.FACILITATOR


def test_a_removed_member_is_invited_back_not_reinstated(
    client, login, facilitator, member, group, django_capture_on_commit_callbacks
):
    services.membership_remove(actor=facilitator, membership=member.memberships.get())
    login(facilitator)
    appoint(client, group, member.email, django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=member, group=group)
    assert (membership.status, membership.role) == (Membership.Status.REMOVED, Role.MEMBER)
    assert Invitation.objects.get(group=group).role == Role.FACILITATOR


def test_the_answer_is_the_same_with_or_without_an_account(
    client, login, facilitator, group, outsider, django_capture_on_commit_callbacks
):
    facilitator.language = "en"
    facilitator.save(update_fields=["language"])
    login(facilitator)
    unknown = "nikt@goleniow.gwd.test"
    with_account, said_with = appoint(
        client, group, outsider.email, django_capture_on_commit_callbacks
    )
    without_account, said_without = appoint(
        client, group, unknown, django_capture_on_commit_callbacks
    )
    assert with_account.redirect_chain == without_account.redirect_chain
    assert [m.replace(outsider.email, "@") for m in said_with] == [
        m.replace(unknown, "@") for m in said_without
    ]
    assert len(said_with) == 1 and "account" not in said_with[0]
    assert Invitation.objects.filter(group=group, role=Role.FACILITATOR).count() == 2
    assert not Membership.objects.filter(user=outsider).exists()


def test_site_staff_also_invite_people_who_are_not_members(site_staff, outsider, group):
    result = services.facilitator_appoint(actor=site_staff, group=group, email=outsider.email)
    assert isinstance(result, Invitation)
    assert not Membership.objects.filter(user=outsider, group=group).exists()
