"""Pages of notifications: the list, opening one, settings and the e-mail unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from groups import notices, services
from groups.access import AuthenticatedHttpRequest
from groups.forms import NotificationSettingsForm
from groups.models import Membership, Notification
from gwd.http import parse_ids, safe_next

NOTIFICATIONS_PER_PAGE = 30
NOTIFICATIONS_IN_THE_BELL = 5


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).select_related("group")
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(n, notices.notification_text(n)) for n in page]
    return render(request, "groups/notifications.html", {"page": page, "rows": rows})


@login_required
def notification_latest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The latest few notifications, the fragment the bell opens below itself."""
    latest = Notification.objects.filter(user=request.user).select_related("group")
    rows = [(n, notices.notification_text(n)) for n in latest[:NOTIFICATIONS_IN_THE_BELL]]
    return render(request, "groups/_bell_panel.html", {"rows": rows})


@login_required
@require_POST
def notifications_mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = parse_ids(request.POST.getlist("notification"))
    services.notifications_read(actor=request.user, ids=ids or None)
    # The bell's own form asks for its fragment back (`next`), so one request does both.
    return redirect(safe_next(request, reverse("groups:notifications")))


@login_required
def notification_open(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read and go where it points."""
    notification = Notification.objects.filter(user=request.user, pk=notification_id).first()
    if notification is None:
        raise Http404
    services.notifications_read(actor=request.user, ids=[notification.pk])
    return redirect(safe_next(request, reverse("groups:notifications"), value=notification.url))


@login_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """E-mail on or off, the digest's rhythm, and per group: everything, mentions, nothing."""
    memberships = list(
        Membership.objects.active().filter(user=request.user).select_related("group")
    )
    form = NotificationSettingsForm(
        request.POST or None,
        memberships=memberships,
        initial={
            "email_notifications": request.user.email_notifications,
            "digest": request.user.digest,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(
            actor=request.user,
            email_notifications=form.cleaned_data["email_notifications"],
            digest=form.cleaned_data["digest"],
            levels=form.levels(),
        )
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("groups:notification-settings")
    return render(request, "groups/notification_settings.html", {"form": form})


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification e-mail. GET asks; POST (the page's button, or a
    mail program's one-click request under RFC 8058) unsubscribes. The signed token is
    the credential, so no sign-in is needed."""
    try:
        signing.loads(token, salt=notices.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "groups/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        _user, group = services.unsubscribe_apply(token=token)
        return render(request, "groups/unsubscribe.html", {"done": True, "group": group})
    return render(request, "groups/unsubscribe.html", {"token": token})
