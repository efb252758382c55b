import re
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.adapter import INVITATION_SESSION_KEY
from groups.models import Group, Invitation, User
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def totp_code(secret: str) -> str:
    """The code of the current 30 s window, taken with at least 5 s of it left: a code
    read just before the window turns would be stale by the time a busy machine posts it
    (the site accepts no earlier window)."""
    while (remaining := 30 - time.time() % 30) < 5:
        time.sleep(remaining + 0.05)  # wait for the next window, not a guess
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_a_verified_user_logs_in_with_email_and_password(client, alice):
    response = login(client, "alice@kielce.gwd.test")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_the_email_is_matched_without_regard_to_case(client, alice):
    response = login(client, "Alice@Kielce.GWD.test")
    assert response.status_code == 302


def test_a_wrong_password_is_refused_without_saying_whether_the_account_exists(client, alice):
    wrong = login(client, "alice@kielce.gwd.test", "not-the-password")
    unknown = login(client, "nobody@gwd.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, alice):
    login(client, "alice@kielce.gwd.test")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_pages_need_a_signed_in_user(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_an_unverified_user_is_sent_to_verify_the_email_first(client, user_factory):
    user_factory(email="new@lublin.gwd.test", verified=False)
    response = login(client, "new@lublin.gwd.test")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@lublin.gwd.test"]


def test_following_the_verification_link_verifies_and_signs_in(client, user_factory):
    user = user_factory(email="new@lublin.gwd.test", verified=False)
    login(client, "new@lublin.gwd.test")
    link = re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_by_email_link(client, alice):
    client.post(reverse("account_reset_password"), {"email": "alice@kielce.gwd.test"})
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://testserver(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body
    )
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-new-long-password-42", "password2": "a-new-long-password-42"},
    )
    assert response.status_code == 302
    assert login(client, "alice@kielce.gwd.test", "a-new-long-password-42").status_code == 302


def test_sign_up_is_closed_without_an_invitation(client, db):
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in page.templates]
    client.post(
        reverse("account_signup"),
        {
            "email": "stranger@gwd.test",
            "password1": "a-long-password-77",
            "password2": "a-long-password-77",
            "full_name": "Stranger",
        },
    )
    assert not User.objects.filter(email="stranger@gwd.test").exists()


def test_sign_up_opens_for_a_visitor_who_came_through_an_invitation(client, db):
    group = Group.objects.create(slug="gwd-miejska", name_pl="GWD miejska", kind="urban")
    Invitation.objects.create(
        group=group,
        email="someone@goleniow.gwd.test",
        token="token-from-an-invitation",
        expires_at=timezone.now() + timedelta(days=1),
    )
    session = client.session
    session[INVITATION_SESSION_KEY] = "token-from-an-invitation"
    session.save()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "invited@goleniow.gwd.test",
            "password1": "a-long-password-77",
            "password2": "a-long-password-77",
            "full_name": "Zofia Invited",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="invited@goleniow.gwd.test")
    assert user.full_name == "Zofia Invited"
    assert user.language == "pl"
    assert len(mail.outbox) == 1  # the verification e-mail: another address was typed


def test_a_forged_invitation_token_does_not_open_sign_up(client, db):
    session = client.session
    session[INVITATION_SESSION_KEY] = "made-up"
    session.save()
    page = client.get(reverse("account_signup"))
    assert "account/signup_closed.html" in [t.name for t in page.templates]


def test_repeated_failed_logins_lock_the_account_out(client, alice):
    for _ in range(5):
        login(client, "alice@kielce.gwd.test", "wrong-password")
    response = login(client, "alice@kielce.gwd.test")  # even the right password now
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_setting_up_totp_and_signing_in_with_it(client, alice):
    login(client, "alice@kielce.gwd.test")
    activate = reverse("mfa_activate_totp")
    # Right after signing in, the password just typed counts: nobody is asked again.
    page = client.get(activate)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(activate, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.RECOVERY_CODES).exists()
    # The codes of the factor just made open without the password typed a minute ago.
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200

    client.post(reverse("account_logout"))
    response = login(client, "alice@kielce.gwd.test")
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_changing_the_second_factor_later_asks_for_the_password_again(client, alice, settings):
    login(client, "alice@kielce.gwd.test")
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the sign-in is no longer recent
    activate = reverse("mfa_activate_totp")
    assert client.get(activate).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 600
    assert client.get(activate).status_code == 200


def test_staff_set_up_two_factor_authentication_without_typing_the_password_twice(client, staff):
    login(client, staff.email)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200


@pytest.fixture
def alice_with_totp(alice):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(alice, secret)
    RecoveryCodes.activate(alice)
    return alice, secret


def test_signing_in_with_a_totp_code(client, alice_with_totp):
    alice, secret = alice_with_totp
    login(client, alice.email)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_signing_in_with_a_recovery_code_uses_it_up(client, alice_with_totp):
    alice, _ = alice_with_totp
    codes = RecoveryCodes(
        Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    )
    code = codes.get_unused_codes()[0]
    login(client, alice.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)

    client.post(reverse("account_logout"))
    login(client, alice.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in client.session


def test_staff_must_set_up_two_factor_authentication_first(client, staff):
    login(client, staff.email)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert client.get(reverse("admin:index")).url == reverse("mfa_activate_totp")


def test_staff_with_totp_reach_the_admin(client, staff):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(staff, secret)
    login(client, staff.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_members_who_are_not_staff_cannot_enter_the_admin(client, alice):
    login(client, alice.email)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_the_sign_in_page_offers_the_password_reset_once(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert page.count(reverse("account_reset_password")) == 1


def test_the_recovery_codes_page_has_a_way_on(client, alice_with_totp):
    alice, secret = alice_with_totp
    login(client, alice.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    # The factor existed before this sign-in: its codes need the password again.
    codes = reverse("mfa_view_recovery_codes")
    assert client.get(codes).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(codes)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("home")}"' in html and 'data-next="home"' in html
    assert f'href="{reverse("mfa_index")}"' in html
