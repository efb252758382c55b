"""Pages that gather several apps (home, the group dashboard, the personal-data export)
and the site's own: language switch, health check, the error page."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.access import AuthenticatedHttpRequest, Capability, GroupAccess, group_view
from groups.models import JoinRequest, Membership, Role, Thread
from groups.selectors import group_sort_key
from groups.services import user_language_set
from gwd.health import detail_allowed, report
from gwd.personal_data import export as personal_data_export
from meetings.models import ActionItem, Meeting
from resources.models import Document


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


# --- The site's own pages: privacy, accessibility, help -----------------------------
# Long texts are written whole in each language, one template per language, rather
# than cut into hundreds of catalogue entries: a legal text reads as one document.
# Everyone may read them, signed in or not.


def _text_page(request: HttpRequest, name: str, title: str) -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return render(
        request,
        "pages/text_page.html",
        {
            "title": title,
            "text": f"pages/{name}.{language}.html",
            "operator": {
                "name": settings.GWD_OPERATOR_NAME,
                "address": settings.GWD_OPERATOR_ADDRESS,
                "email": settings.GWD_CONTACT_EMAIL,
                "phone": settings.GWD_CONTACT_PHONE,
                "privacy_officer": settings.GWD_PRIVACY_OFFICER_EMAIL,
                "accessibility_contact": settings.GWD_ACCESSIBILITY_CONTACT,
                "log_retention_days": settings.GWD_LOG_RETENTION_DAYS,
            },
            "published_on": settings.GWD_PUBLISHED_ON,
            "updated_on": settings.GWD_STATEMENT_UPDATED_ON,
            "site_url": request.build_absolute_uri("/"),
        },
    )


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return _text_page(request, "privacy_notice", _("Privacy notice"))


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return _text_page(request, "accessibility_statement", _("Accessibility statement"))


def help_page(request: HttpRequest) -> HttpResponse:
    return _text_page(request, "help", _("Help"))


# --- Pages that gather several apps ------------------------------------------------


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "My groups": the groups the person belongs to, with what waits for them there."""
    memberships = list(
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("group")
        .annotate(
            member_count=Count(
                "group__memberships",
                filter=Q(group__memberships__status=Membership.Status.ACTIVE),
            ),
            pending_requests=Count(
                "group__join_requests",
                filter=Q(group__join_requests__status=JoinRequest.Status.PENDING),
                distinct=True,
            ),
        )
    )
    memberships.sort(key=lambda membership: group_sort_key(membership.group))
    pending = list(
        JoinRequest.objects.filter(user=request.user, status=JoinRequest.Status.PENDING)
        .select_related("group")
        .order_by("created_at")
    )
    upcoming = list(
        Meeting.objects.upcoming()
        .filter(group__in=[m.group_id for m in memberships])
        .select_related("group")[:10]
    )
    return render(
        request,
        "groups/home.html",
        {"memberships": memberships, "pending_requests": pending, "upcoming_meetings": upcoming},
    )


@login_required
def personal_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download everything GWD keeps about oneself, as JSON."""
    data = personal_data_export(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="gwd-my-data.json"'
    return response


@group_view(Capability.VIEW)
def group_detail(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """The group dashboard: meetings, documents and discussions (filled by their apps)."""
    group = access.group
    counts = (
        Membership.objects.active()
        .filter(group=group)
        .aggregate(
            members=Count("pk"),
            facilitators=Count("pk", filter=Q(role=Role.FACILITATOR)),
        )
    )
    pending_requests = (
        JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING).count()
        if access.can(Capability.MANAGE)
        else 0
    )
    facilitators = list(
        Membership.objects.active()
        .filter(group=group, role=Role.FACILITATOR)
        .select_related("user", "institution")
        .order_by("user__full_name")[:10]
    )
    return render(
        request,
        "groups/group_detail.html",
        {
            "access": access,
            "group": group,
            "counts": counts,
            "pending_requests": pending_requests,
            "facilitators": facilitators,
            "latest_documents": list(
                Document.objects.readable().filter(group=group).select_related("group")[:5]
            ),
            "upcoming_meetings": list(
                Meeting.objects.upcoming().filter(group=group).select_related("group")[:5]
            ),
            "open_actions": list(
                ActionItem.objects.filter(group=group, status=ActionItem.Status.OPEN)
                .select_related("owner", "owner_institution")
                .order_by("due_date", "pk")[:10]
            ),
            "threads": list(
                Thread.objects.filter(group=group)
                .select_related("group")
                .order_by("-last_activity_at", "-pk")[:5]
            ),
        },
    )
