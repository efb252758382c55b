import io
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import Invitation, Membership, Role, User


@pytest.fixture
def invite(facilitator, group, django_capture_on_commit_callbacks):
    """invite(email, role) as the facilitator, with the e-mail sent."""

    def make(email: str, role: str = Role.MEMBER, **kwargs) -> Invitation:
        with django_capture_on_commit_callbacks(execute=True):
            outcome, invitation = services.invitation_create(
                actor=facilitator, group=group, email=email, role=role, **kwargs
            )
        assert invitation is not None, outcome
        return invitation

    return make


def accept_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^\s/]+/)", message.body).group(1)


def test_a_facilitator_invites_by_email_and_the_mail_carries_the_link(
    client, login, facilitator, group, django_capture_on_commit_callbacks
):
    login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("groups:invitation-create", kwargs={"slug": group.slug}),
            {"email": "Nowa.Osoba@Goleniow.gwd.test", "role": "member"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nowa.osoba@goleniow.gwd.test"
    assert invitation.inviter == facilitator
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nowa.osoba@goleniow.gwd.test"]
    assert "GWD miejska" in mail.outbox[0].subject
    assert accept_link(mail.outbox[0]) == f"/invitations/{invitation.token}/"


def test_the_invitation_mail_is_in_the_invitees_language(invite, user_factory):
    user_factory(email="olena@zhytomyr.gwd.test", language="uk")
    invite("olena@zhytomyr.gwd.test")
    assert "Запрошення" in mail.outbox[0].subject


def test_a_new_person_is_invited_in_the_groups_working_language(invite, group):
    group.working_languages = ["uk", "pl"]
    group.save()
    invite("new@ternopil.gwd.test")
    assert "Запрошення" in mail.outbox[0].subject


def test_an_existing_user_joins_on_accept(client, login, invite, user_factory, group):
    person = user_factory(email="anna@lublin.gwd.test")
    invitation = invite("anna@lublin.gwd.test", role=Role.OBSERVER)
    login(person)
    page = client.get(accept_link(mail.outbox[0]))
    assert page.status_code == 200
    response = client.post(accept_link(mail.outbox[0]))
    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    membership = Membership.objects.get(user=person, group=group)
    assert membership.role == Role.OBSERVER and membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_a_new_person_signs_up_through_the_link_and_lands_in_the_group(client, invite, group):
    invite("zofia@goleniow.gwd.test")
    response = client.get(accept_link(mail.outbox[0]))
    assert response.url == reverse("account_signup")
    form = client.get(response.url)
    assert 'value="zofia@goleniow.gwd.test"' in form.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "zofia@goleniow.gwd.test",
            "full_name": "Zofia Nowicka",
            "password1": "a-long-password-77",
            "password2": "a-long-password-77",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="zofia@goleniow.gwd.test")
    # The link proved the address, so no second verification e-mail is needed.
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(user=user, group=group).is_active
    assert client.get(group.get_absolute_url()).status_code == 200


def test_an_existing_user_who_is_signed_out_is_asked_to_sign_in(client, invite, user_factory):
    user_factory(email="anna@lublin.gwd.test")
    invite("anna@lublin.gwd.test")
    response = client.get(accept_link(mail.outbox[0]))
    assert response.status_code == 200
    assert response.context["needs_login"]


def test_an_expired_invitation_is_refused(client, login, invite, user_factory, group):
    person = user_factory(email="anna@lublin.gwd.test")
    invitation = invite("anna@lublin.gwd.test")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    login(person)
    response = client.post(accept_link(mail.outbox[0]))
    assert response.status_code == 410
    assert response.context["error"]
    assert not Membership.objects.filter(user=person, group=group).exists()


def test_an_expired_invitation_does_not_open_sign_up(client, invite):
    invitation = invite("zofia@goleniow.gwd.test")
    client.get(accept_link(mail.outbox[0]))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    page = client.get(reverse("account_signup"))
    assert "account/signup_closed.html" in [t.name for t in page.templates]


def test_an_invitation_is_used_only_once(client, login, invite, user_factory, group):
    person = user_factory(email="anna@lublin.gwd.test")
    invite("anna@lublin.gwd.test")
    login(person)
    client.post(accept_link(mail.outbox[0]))
    services.membership_leave(actor=person, group=group)
    response = client.post(accept_link(mail.outbox[0]))
    assert response.status_code == 410
    assert not Membership.objects.get(user=person, group=group).is_active


def test_an_invitation_cannot_be_accepted_by_a_different_address(
    client, login, invite, user_factory, group
):
    invite("anna@lublin.gwd.test")
    someone_else = user_factory(email="piotr@poznan.gwd.test")
    login(someone_else)
    response = client.post(accept_link(mail.outbox[0]))
    assert response.status_code == 403
    assert "anna@lublin.gwd.test" in response.content.decode()
    assert not Membership.objects.filter(user=someone_else, group=group).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_signup_typing_another_address_keeps_the_invited_one_as_the_login(client, invite, group):
    """The link proved the invited address; an extra address typed at sign-up is added
    unverified, and the account still joins as the invited address."""
    invite("zofia@goleniow.gwd.test")
    client.get(accept_link(mail.outbox[0]))
    client.post(
        reverse("account_signup"),
        {
            "email": "zofia.private@gwd.test",
            "full_name": "Zofia Nowicka",
            "password1": "a-long-password-77",
            "password2": "a-long-password-77",
        },
    )
    user = User.objects.get(email="zofia@goleniow.gwd.test")
    addresses = dict(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    assert addresses == {"zofia@goleniow.gwd.test": True, "zofia.private@gwd.test": False}
    assert Membership.objects.get(user=user, group=group).is_active


def test_inviting_a_member_again_sends_nothing(facilitator, member, group):
    outcome, invitation = services.invitation_create(
        actor=facilitator, group=group, email="MEMBER@lublin.gwd.test"
    )
    assert outcome == services.InvitationOutcome.ALREADY_MEMBER
    assert invitation is None
    assert not Invitation.objects.exists()


def test_inviting_twice_renews_the_pending_invitation(invite):
    first = invite("anna@lublin.gwd.test")
    second = invite("anna@lublin.gwd.test", role=Role.OBSERVER)
    assert first.pk == second.pk
    assert Invitation.objects.get().role == Role.OBSERVER
    assert len(mail.outbox) == 2


def test_a_removed_member_can_be_invited_back(client, login, invite, facilitator, member, group):
    membership = Membership.objects.get(user=member, group=group)
    services.membership_remove(actor=facilitator, membership=membership)
    invite(member.email, role=Role.OBSERVER)
    login(member)
    client.post(accept_link(mail.outbox[0]))
    membership.refresh_from_db()
    assert membership.is_active
    assert membership.role == Role.OBSERVER
    assert Membership.objects.filter(user=member, group=group).count() == 1


def test_a_withdrawn_invitation_is_refused(client, login, invite, user_factory, facilitator):
    person = user_factory(email="anna@lublin.gwd.test")
    invitation = invite("anna@lublin.gwd.test")
    services.invitation_revoke(actor=facilitator, invitation=invitation)
    login(person)
    assert client.post(accept_link(mail.outbox[0])).status_code == 410


def test_an_unknown_token_is_not_found(client, db):
    assert client.get("/invitations/not-a-token/").status_code == 404


def test_a_bad_invitation_form_writes_nothing(client, login, facilitator, group):
    login(facilitator)
    response = client.post(
        reverse("groups:invitation-create", kwargs={"slug": group.slug}),
        {"email": "not an address", "role": "boss"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email", "role"}
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_bulk_invitation_reports_each_line(
    client, login, facilitator, member, group, django_capture_on_commit_callbacks
):
    login(facilitator)
    pasted = "\n".join(
        [
            "jan@kutno.gwd.test",
            "member@lublin.gwd.test",
            "not-an-address",
            "ewa@poznan.gwd.test; jan@kutno.gwd.test",
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("groups:invitation-bulk", kwargs={"slug": group.slug}),
            {"emails": pasted, "role": "member"},
        )
    assert response.status_code == 200
    outcomes = [(line.line, line.outcome) for line in response.context["results"]]
    assert outcomes == [
        ("jan@kutno.gwd.test", "invited"),
        ("member@lublin.gwd.test", "already_member"),
        ("not-an-address", "invalid"),
        ("ewa@poznan.gwd.test", "invited"),
        ("jan@kutno.gwd.test", "reinvited"),
    ]
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ewa@poznan.gwd.test",
        "jan@kutno.gwd.test",
    ]
    assert len(mail.outbox) == 2


def test_bulk_invitation_from_a_csv_file(client, login, facilitator, group):
    login(facilitator)
    csv = io.BytesIO(
        "Imię i nazwisko;E-mail;Miasto\n"
        "Jan Woźniak;jan@kutno.gwd.test;Kutno\n"
        "Ewa Nowak;ewa@poznan.gwd.test;Poznań\n".encode()
    )
    csv.name = "lista.csv"
    response = client.post(
        reverse("groups:invitation-bulk", kwargs={"slug": group.slug}),
        {"csv_file": csv, "role": "observer"},
    )
    outcomes = [(line.line, line.outcome) for line in response.context["results"]]
    assert outcomes == [("jan@kutno.gwd.test", "invited"), ("ewa@poznan.gwd.test", "invited")]
    assert set(Invitation.objects.values_list("role", flat=True)) == {"observer"}


def test_an_empty_bulk_invitation_is_refused(client, login, facilitator, group):
    login(facilitator)
    response = client.post(
        reverse("groups:invitation-bulk", kwargs={"slug": group.slug}), {"role": "member"}
    )
    assert response.status_code == 400
    assert response.context["bulk_form"].non_field_errors()
    assert not Invitation.objects.exists()


def test_a_bulk_invitation_over_the_limit_is_refused(client, login, facilitator, group):
    login(facilitator)
    pasted = "\n".join(f"p{i}@gwd.test" for i in range(services.BULK_INVITATION_LIMIT + 1))
    response = client.post(
        reverse("groups:invitation-bulk", kwargs={"slug": group.slug}),
        {"emails": pasted, "role": "member"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_the_sign_up_page_names_the_group_and_who_invited(client, invite, group):
    invite("zofia@goleniow.gwd.test")
    client.get(accept_link(mail.outbox[0]))
    page = client.get(reverse("account_signup")).content.decode()
    assert f'data-invitation-group="{group.slug}"' in page
    assert "Marek Kowalski" in page and "GWD miejska" in page


def test_the_sign_up_url_alone_names_no_group(client, invite, group):
    invite("zofia@goleniow.gwd.test")
    page = client.get(reverse("account_signup")).content.decode()
    assert "data-invitation-group" not in page
    assert "Marek Kowalski" not in page and "GWD miejska" not in page


def test_a_stale_invitation_names_no_group_on_the_sign_up_page(client, invite, group):
    invitation = invite("zofia@goleniow.gwd.test")
    client.get(accept_link(mail.outbox[0]))
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    page = client.get(reverse("account_signup")).content.decode()
    assert "Marek Kowalski" not in page and "GWD miejska" not in page
