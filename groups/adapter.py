"""How allauth fits GWD: sign-up is closed except through an invitation."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation

# The invitation view puts the token here before it sends a new person to sign up.
INVITATION_SESSION_KEY = "gwd_invitation_token"


def signup_invitation_token(request: HttpRequest) -> str | None:
    """The invitation token this visitor arrived with, if any."""
    session = getattr(request, "session", None)
    return session.get(INVITATION_SESSION_KEY) if session is not None else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody signs up on their own: officials join GWD because a facilitator or the
        # Association invited them.
        return signup_invitation_token(request) is not None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "pl"
        user.language = language if language in {"pl", "uk", "en"} else "pl"
        if commit:
            user.save()
        return user
