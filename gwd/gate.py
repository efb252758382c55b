"""Who may use the site at all, whatever the page or socket: decided here, once.

HTTP pages ask through gwd.middleware.StaffMFAMiddleware (which sends the person to put
things right), the group socket's handshake and every socket action ask through
groups.access. Accounts that are deactivated, or whose login has not finished its stages
(a second factor, a verified address), never get as far: Django's and Channels' session
authentication leave them anonymous.
"""

from allauth.mfa.models import Authenticator

MFA_REQUIRED = "mfa_required"


def site_refusal(user) -> str | None:
    """Why `user` may not use the site now (a stable code), or None if they may."""
    if not user.is_authenticated or not user.is_active:
        return "anonymous"
    if user.is_staff and not (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        # Site staff act in every group: without a second factor, a stolen password
        # would open them all.
        return MFA_REQUIRED
    return None
