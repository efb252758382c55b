"""How allauth fits GWD: sign-up is closed except through an invitation."""

import datetime as dt
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils import timezone, translation

from groups import services
from groups.models import Invitation

# The invitation view puts the token here before it sends a new person to sign up.
INVITATION_SESSION_KEY = "gwd_invitation_token"


def signup_invitation(request: HttpRequest) -> Invitation | None:
    """The still-valid invitation this visitor arrived with (its link put the token in
    their session), with its group and inviter; None for anyone without one."""
    session = getattr(request, "session", None)
    token = session.get(INVITATION_SESSION_KEY) if session is not None else None
    if not token:
        return None
    return (
        Invitation.objects.select_related("group", "inviter")
        .filter(
            token=token,
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
            group__archived=False,
        )
        .first()
    )


def signup_invitation_token(request: HttpRequest) -> str | None:
    """The token of a still-valid invitation this visitor arrived with, if any."""
    invitation = signup_invitation(request)
    return invitation.token if invitation is not None else None


def _signed_in_recently_without_a_factor(request: HttpRequest | None) -> bool:
    """Whether this visitor signed in within allauth's reauthentication timeout and had
    no second factor then: any they have now was set up in this fresh sign-in."""
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    if not records:
        return False
    signed_in = records[-1]["at"]
    if time.time() - signed_in >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    earlier = dt.datetime.fromtimestamp(signed_in, tz=dt.UTC)
    return not Authenticator.objects.filter(user=user, created_at__lt=earlier).exists()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody signs up on their own: officials join GWD because a facilitator or the
        # Association invited them.
        return signup_invitation_token(request) is not None

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # allauth counts only a password entered on its "confirm access" page as recent:
        # someone who has just signed in to set up a second factor (staff go straight
        # there) would be asked for the password they typed a minute ago, and again for
        # the recovery codes of the factor they have just made. A factor that existed
        # before this sign-in is another matter: turning it off or reading its recovery
        # codes asks again, so a session taken over cannot carry them away.
        if _signed_in_recently_without_a_factor(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "pl"
        user.language = language if language in {"pl", "uk", "en"} else "pl"
        if commit:
            user.save()
        return user

    def post_login(self, request, user, **kwargs):
        # The invitation that opened sign-up is accepted as soon as the new person is
        # signed in with the invited address. People who already had an account accept
        # on the invitation page, where they see what they join.
        token = signup_invitation_token(request) if kwargs.get("signup") else None
        if token:
            try:
                services.invitation_accept(actor=user, token=token)
            except services.ServiceError:
                pass  # another address: the invitation page explains when they return
            else:
                request.session.pop(INVITATION_SESSION_KEY, None)
        return super().post_login(request, user, **kwargs)
