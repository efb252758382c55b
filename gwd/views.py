import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language
from django.views.decorators.http import require_POST

from groups.services import user_language_set


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's profile remembers the choice."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated:
            user_language_set(actor=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """Database, cache (Redis), file storage and task-worker lag, with delivery counters.
    200 when everything answers, 503 otherwise (for the load balancer and monitoring).

    Only `ok` for the public: timings, counters and which dependency failed tell an
    attacker how the site is built and how it is doing. The details go to callers from
    HEALTHZ_DETAIL_FROM (loopback by default) and to signed-in staff."""
    from django.http import JsonResponse

    from gwd.health import detail_allowed, report

    result = report()
    status = 200 if result["ok"] else 503
    if not detail_allowed(request):
        return JsonResponse({"ok": result["ok"]}, status=status)
    return JsonResponse(result, status=status)


logger = logging.getLogger("gwd.errors")


def server_error(request: HttpRequest) -> HttpResponse:
    """Whatever went wrong, no trace reaches the user. When the database is unreachable
    the page says so with 503 and Retry-After; every write is one transaction, so nothing
    was half-saved. Rendered without the request: its context may need the database."""
    error = sys.exception()
    context = {"LANGUAGE_CODE": get_language() or "pl"}
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("database unavailable: %s", error)
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html", context), status=500)
