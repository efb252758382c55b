"""Pages of the discussions: the thread list, a thread with its live socket, posting
without JavaScript, edit history and mention search."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from groups import attachments, events, message_rows, sections, services
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
    message_get,
)
from groups.forms import MessageForm, ThreadForm
from groups.models import REACTIONS, Membership, Message, Reaction, ReadPosition, Thread
from groups.payloads import message_excerpt
from gwd.errors import ServiceError
from gwd.http import parse_id, parse_ids
from gwd.text import clean_text

THREADS_PER_PAGE = 30


SLOW_MODE_LABELS = [
    (0, gettext_lazy("off")),
    (10, gettext_lazy("10 seconds")),
    (30, gettext_lazy("30 seconds")),
    (60, gettext_lazy("1 minute")),
    (300, gettext_lazy("5 minutes")),
    (900, gettext_lazy("15 minutes")),
]


MESSAGES_PER_PAGE = 50


@group_view(Capability.VIEW)
def thread_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Threads of the group, pinned first, with how many messages each has unread."""
    user = request.user
    group_seq = events.latest_seq(access.group.pk)
    read_seq = ReadPosition.objects.filter(thread=OuterRef("pk"), user=user).values(
        "last_read_seq"
    )[:1]
    # Who wrote last, in the same query: the newest published message of each thread.
    last_author = (
        Message.objects.filter(thread=OuterRef("pk"), held_at=None, seq__gt=0)
        .order_by("-seq")
        .values("author__full_name")[:1]
    )
    threads = (
        Thread.objects.filter(group=access.group)
        .select_related("author", "group")
        .annotate(read_seq=Coalesce(Subquery(read_seq), Value(0)))
        .annotate(last_author_name=Subquery(last_author))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__seq__gt=F("read_seq"), messages__deleted_at=None)
                & ~Q(messages__author=user),
            )
        )
        .order_by("-pinned", "-last_activity_at", "-pk")
    )
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/thread_list.html",
        {
            "access": access,
            "group": access.group,
            "page": page,
            "form": ThreadForm(),
            "socket": _socket_config(request, access, seq=group_seq),
        },
    )


@group_view(Capability.POST)
@require_POST
def thread_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    form = ThreadForm(request.POST)
    if form.is_valid():
        try:
            thread, _message = services.thread_create(
                actor=request.user,
                group=access.group,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"] or uuid.uuid4().hex,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect(thread)
    return render(
        request,
        "groups/thread_list.html",
        {
            "access": access,
            "group": access.group,
            "page": None,
            "form": form,
            "socket": _socket_config(request, access),
        },
        status=400,
    )


def _socket_config(request: AuthenticatedHttpRequest, access: GroupAccess, **extra) -> dict:
    return {
        "url": f"/ws/groups/{access.group.slug}/",
        "group": access.group.slug,
        "groupId": access.group.pk,
        "user": {"id": request.user.pk, "name": request.user.full_name},
        "timeZone": request.user.time_zone,
        "canPost": access.can_post,
        "canModerate": access.can_moderate,
        "reactions": REACTIONS,
        "membersUrl": reverse("groups:member-search", kwargs={"slug": access.group.slug}),
        **extra,
    }


@group_view(Capability.VIEW)
def thread_detail(
    request: AuthenticatedHttpRequest, access: GroupAccess, thread_id: int
) -> HttpResponse:
    """A thread: its latest messages (or those before ?before=seq) and the reply form,
    answering the message ?reply_to=id when it is given."""
    thread = group_object_get(
        access,
        Thread.objects.select_related("author").annotate(**sections.thread_annotations()),
        thread_id,
    )
    if "reply_to" not in request.GET:
        return _thread_page(request, access, thread, form=MessageForm())
    reply_to = parse_id(request.GET["reply_to"])
    if reply_to is None or _answered(thread, reply_to) is None:
        return _thread_page(
            request, access, thread, form=MessageForm(), status=400, error=str(_NOT_ANSWERABLE)
        )
    return _thread_page(request, access, thread, form=MessageForm(initial={"reply_to": reply_to}))


_NOT_ANSWERABLE = gettext_lazy(
    "The message you answer is not in this thread, or is no longer shown."
)


def _answered(thread: Thread, reply_to: int | None) -> Message | None:
    """The message answered, if it is one of the thread every member can read."""
    if reply_to is None:
        return None
    return (
        Message.objects.filter(
            thread=thread, pk=reply_to, deleted_at=None, hidden_at=None, held_at=None, seq__gt=0
        )
        .select_related("author")
        .first()
    )


def _thread_page(
    request: AuthenticatedHttpRequest,
    access: GroupAccess,
    thread: Thread,
    *,
    form: MessageForm,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    """The thread page.

    It records the group's event number before it reads the messages, so the socket's
    resume from that number cannot miss anything written in between.
    """
    group_seq = events.latest_seq(access.group.pk)
    messages_qs = Message.objects.filter(thread=thread, held_at=None).select_related(
        "author__institution", "reply_to__author"
    )
    before = parse_id(request.GET.get("before"))
    if before is not None:
        messages_qs = messages_qs.filter(seq__lt=before)
    batch = list(messages_qs.order_by("-seq")[: MESSAGES_PER_PAGE + 1])
    has_earlier = len(batch) > MESSAGES_PER_PAGE
    messages_page = list(reversed(batch[:MESSAGES_PER_PAGE]))
    if before is None:
        # The reader's own messages held for review show at the end, marked as waiting.
        messages_page += list(
            Message.objects.filter(thread=thread, author=request.user, held_at__isnull=False)
            .select_related("author__institution", "reply_to__author")
            .order_by("held_at")
        )
    reactions: dict[int, dict[str, list[int]]] = {}
    for message_id, emoji, user_id in (
        Reaction.objects.filter(message__in=messages_page)
        .order_by("created_at")
        .values_list("message_id", "emoji", "user_id")
    ):
        reactions.setdefault(message_id, {}).setdefault(emoji, []).append(user_id)
    carried = attachments.attachments_by_message(messages_page)
    payloads = [
        services.message_payload(
            m, reactions=_ordered(reactions.get(m.pk, {})), attachments=carried.get(m.pk, [])
        )
        for m in messages_page
    ]
    rows = list(zip(messages_page, payloads, strict=True))
    if before is None:
        services.thread_read(actor=request.user, thread=thread)
    muted_until = (
        access.membership.muted_until if access.membership and access.membership.is_muted else None
    )
    answered = None if form.is_bound else _answered(thread, form.initial.get("reply_to"))
    return render(
        request,
        "groups/thread_detail.html",
        {
            "access": access,
            "group": access.group,
            "thread": thread,
            "message_rows": [
                (message, payload, html)
                for (message, payload), html in zip(
                    rows,
                    message_rows.rendered_rows(
                        user=request.user, access=access, thread=thread, rows=rows
                    ),
                    strict=True,
                )
            ],
            "has_earlier": has_earlier,
            "earliest_seq": messages_page[0].seq if messages_page else 0,
            "form": form,
            "answered": answered,
            "answered_excerpt": message_excerpt(answered) if answered else "",
            "reply_error": error,
            "slow_mode_choices": SLOW_MODE_LABELS,
            "thread_sections": sections.thread_sections(request, access, thread),
            # ?library= searches the library for a document to link, without the script.
            **(
                attachments.composer_context(access, query=request.GET.get("library"))
                if access.can_post
                else {}
            ),
            "socket": _socket_config(
                request,
                access,
                thread=thread.pk,
                seq=group_seq,
                locked=thread.locked,
                slowMode=thread.slow_mode_seconds,
                mutedUntil=muted_until.isoformat() if muted_until else None,
            ),
        },
        status=status,
    )


@group_view(Capability.VIEW)
def message_link(
    request: AuthenticatedHttpRequest, access: GroupAccess, message_id: int
) -> HttpResponse:
    """A message's lasting address: the thread at the page that holds it."""
    message = message_get(access, Message.objects.select_related("thread__group"), message_id)
    thread = message.thread
    later = Message.objects.filter(thread=thread, held_at=None, seq__gt=message.seq).count()
    # The thread page shows the newest page without ?before; an older message is the
    # last one of the page that ends with it.
    query = "" if message.is_held or later < MESSAGES_PER_PAGE else f"?before={message.seq + 1}"
    return redirect(f"{thread.get_absolute_url()}{query}#m{message.pk}")


def _ordered(reactions: dict[str, list[int]]) -> dict[str, list[int]]:
    return {emoji: reactions[emoji] for emoji in REACTIONS if emoji in reactions}


@group_view(Capability.POST)
@require_POST
def message_post(
    request: AuthenticatedHttpRequest, access: GroupAccess, thread_id: int
) -> HttpResponse:
    """The reply form without JavaScript: same service as the socket, then back to the
    thread at the new message."""
    thread = group_object_get(
        access, Thread.objects.annotate(**sections.thread_annotations()), thread_id
    )
    form = MessageForm(request.POST)
    if not form.is_valid():
        if "reply_to" in form.errors or "quote" in form.errors:
            form.add_error(None, _NOT_ANSWERABLE)
            return _thread_page(request, access, thread, form=form, status=400)
        messages.error(request, _("Write a message first."))
        return redirect(thread)
    documents = parse_ids(request.POST.getlist("documents"))
    uploads: list[int] = []
    try:
        # Files sent with the form are stored first, as the script sends them first.
        uploads = attachments.files_store(
            actor=request.user, group=access.group, files=request.FILES.getlist("files")
        )
        message, _created = services.message_send(
            actor=request.user,
            thread=thread,
            body=form.cleaned_data["body"],
            client_id=form.cleaned_data["client_id"] or uuid.uuid4().hex,
            reply_to=form.cleaned_data["reply_to"],
            quote=form.cleaned_data["quote"],
            uploads=uploads,
            documents=documents,
        )
    except ServiceError as error:
        attachments.uploads_discard(actor=request.user, uploads=uploads)
        if form.cleaned_data["reply_to"] is not None and error.code in ("not_found", "invalid"):
            # The answered message is wrong (or went meanwhile): the page says so above the
            # text, which is kept.
            form.add_error(None, error.message)
            return _thread_page(request, access, thread, form=form, status=400)
        messages.error(request, error.message)
        return redirect(thread)
    return redirect(f"{thread.get_absolute_url()}#m{message.pk}")


@group_view(Capability.VIEW)
def member_search(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Members for @mention autocomplete (?q=) or to name people online (?ids=1,2)."""
    members = Membership.objects.active().filter(group=access.group).select_related("user")
    ids = parse_ids(request.GET.get("ids", "").split(","))[:200]
    query = clean_text(request.GET.get("q", ""))[:50]
    if ids:
        members = members.filter(user_id__in=ids)
    elif query:
        members = members.filter(user__full_name__icontains=query)
    results = [
        {"id": m.user_id, "name": m.user.full_name}
        for m in members.order_by("user__full_name")[: 20 if not ids else 200]
    ]
    return JsonResponse({"members": results})


@group_view(Capability.MODERATE)
def message_history(
    request: AuthenticatedHttpRequest, access: GroupAccess, message_id: int
) -> HttpResponse:
    """Earlier texts of an edited message, for facilitators."""
    message = group_object_get(
        access, Message.objects.select_related("author", "thread"), message_id
    )
    return render(
        request,
        "groups/message_history.html",
        {
            "access": access,
            "group": access.group,
            "message": message,
            "revisions": list(message.revisions.order_by("-replaced_at")),
        },
    )
