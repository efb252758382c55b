"""GWD's middleware, each usable on the async road as well as the sync one.

daphne serves HTTP through gwd.handlers, which runs the stack on the sync road, one
worker-thread call per request. The async road remains for Django's ASGIHandler and
its AsyncClient: there, a sync-only middleware would cost a thread hop on every request.
"""

import zoneinfo

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gwd.gate import MFA_REQUIRED, site_refusal


class Middleware:
    """A middleware with `process(request, user)` run before the view, sync or async.

    `process` returns a response to answer at once, or None to go on. The user is read
    once (with `auser` on the async road) and set on the request, so the view does not
    read it again."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return self.process(request, request.user) or self.get_response(request)

    async def __acall__(self, request):
        user = await request.auser()
        request.user = user
        if self.needs_database(user):
            answer = await sync_to_async(self.process)(request, user)
        else:
            answer = self.process(request, user)
        return answer or await self.get_response(request)

    def needs_database(self, user) -> bool:
        """Whether `process` reads the database for this user (then it runs on a thread)."""
        return False

    def process(self, request, user):
        raise NotImplementedError


class UserPreferencesMiddleware(Middleware):
    """The interface follows the signed-in person's language and time zone.

    LocaleMiddleware has already chosen a language from the cookie or the browser; a
    signed-in official's profile wins over both.
    """

    def process(self, request, user):
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return None


class StaffMFAMiddleware(Middleware):
    """Site staff must turn on two-factor authentication before they do anything else."""

    def needs_database(self, user) -> bool:
        return user.is_authenticated and user.is_staff

    def process(self, request, user):
        if (
            user.is_authenticated
            and user.is_staff
            and not self._allowed(request.path)
            and site_refusal(user) == MFA_REQUIRED
        ):
            messages.warning(
                request,
                _("Staff accounts must use two-factor authentication. Set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return None

    @staticmethod
    def _allowed(path: str) -> bool:
        allowed = (
            reverse("mfa_index"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            reverse("set-language"),
            "/static/",
        )
        return path.startswith(allowed)
