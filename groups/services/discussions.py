"""Writes to discussions. Each takes the next event number of the group inside its
transaction and announces the event after commit; nothing is announced on rollback.

Callers have checked the capability with groups.access (post for writing, view for
reading); these functions check what depends on the data: the author, a locked
thread, a muted member, slow mode, the pace of one member's messages.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import events
from groups.attachments import attachments_link, clean_ids
from groups.audit import moderation_log
from groups.models import (
    REACTIONS,
    BlockedPhrase,
    Group,
    Membership,
    Mention,
    Message,
    MessageRevision,
    Reaction,
    ReadPosition,
    Thread,
    User,
)
from groups.payloads import message_payload, message_text, thread_payload
from groups.services.notifications import Notice, notify, notify_many
from gwd import markdown, ratelimit
from gwd.commit import after_commit
from gwd.errors import ServiceError
from gwd.indexing import index_changed
from gwd.text import clean_text, strip_bidi

__all__ = [
    "message_delete",
    "message_edit",
    "message_payload",
    "message_send",
    "publish_held",
    "reaction_toggle",
    "thread_create",
    "thread_payload",
    "thread_read",
]

CLIENT_ID_MAX = 64
QUOTE_MAX = 500
TITLE_MAX = 200


# --- Rules shared by sending and editing ------------------------------------------


def _clean_body(body: object) -> str:
    if not isinstance(body, str):
        raise ServiceError(_("The message must be text."), code="invalid")
    body = strip_bidi(body).strip()
    if not body:
        raise ServiceError(_("The message is empty."), code="empty")
    if len(body) > settings.MESSAGE_MAX_LENGTH:
        raise ServiceError(
            _("The message is too long: at most %(limit)d characters.")
            % {"limit": settings.MESSAGE_MAX_LENGTH},
            code="too_long",
        )
    return body


def _render(body: str, group: Group) -> tuple[str, list[int]]:
    """HTML of `body`, resolving @**Name** mentions among the group's active members."""
    names: dict[str, list[User]] = {}

    def resolve(name: str, user_id: int | None):
        if not names:
            members = Membership.objects.active().filter(group=group).select_related("user")
            for membership in members:
                names.setdefault(membership.user.full_name.casefold(), []).append(membership.user)
                names.setdefault(f"#{membership.user_id}", [membership.user])
        if user_id is not None:
            found = names.get(f"#{user_id}", [])
        else:
            found = names.get(name.casefold(), [])
        if len(found) != 1:
            return None
        return found[0].pk, found[0].full_name

    return markdown.render(body, mention=resolve, context=group)


def _require_can_write(actor: User, thread: Thread) -> Membership | None:
    membership = Membership.objects.filter(
        user=actor, group_id=thread.group_id, status=Membership.Status.ACTIVE
    ).first()
    if membership is not None and membership.is_muted:
        muted_until = membership.muted_until
        assert muted_until is not None  # is_muted says so
        raise ServiceError(
            _("You are muted in this group until %(time)s.")
            % {"time": timezone.localtime(muted_until).strftime("%H:%M, %d.%m.%Y")},
            code="muted",
            retry_after=int((muted_until - timezone.now()).total_seconds()) + 1,
        )
    if thread.locked:
        raise ServiceError(_("This thread is locked."), code="locked")
    return membership


def _require_pace(actor: User, thread: Thread) -> None:
    wait = ratelimit.hit(settings.MESSAGE_RATE, "message", str(actor.pk))
    if wait is not None:
        raise ServiceError(
            _("You are sending messages too fast. Wait %(seconds)d s.") % {"seconds": wait},
            code="rate_limited",
            retry_after=wait,
        )
    if thread.slow_mode_seconds:
        last = (
            Message.objects.filter(thread=thread, author=actor, deleted_at=None)
            .order_by("-seq")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None:
            passed = (timezone.now() - last).total_seconds()
            if passed < thread.slow_mode_seconds:
                wait = int(thread.slow_mode_seconds - passed) + 1
                raise ServiceError(
                    _("Slow mode: wait %(seconds)d s before your next message.")
                    % {"seconds": wait},
                    code="slow_mode",
                    retry_after=wait,
                )


def _clean_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_MAX:
        raise ServiceError(_("The message has no valid client id."), code="invalid")
    return client_id


def _mention(message: Message, user_ids: list[int], already: set[int]) -> list[int]:
    """Store the new mentions of `message` and ring them live; the ids, for notify."""
    new = [uid for uid in user_ids if uid not in already and uid != message.author_id]
    if not new:
        return []
    Mention.objects.bulk_create(
        [Mention(message=message, user_id=uid) for uid in new], ignore_conflicts=True
    )
    frame = {
        "type": "mention",
        "message": message.pk,
        "thread": message.thread_id,
        "group": message.group_id,
        "author": message.author.full_name if message.author else "",
    }
    after_commit(lambda: events.send_to_users(dict.fromkeys(new, frame)))
    return new


def _notify_mentions(message: Message, user_ids: list[int], already: set[int]) -> None:
    """An edit's new mentions."""
    if new := _mention(message, user_ids, already):
        notify(
            kind="mention",
            group=message.group,
            users=new,
            actor=message.author,
            params=_about(message),
            url=_link(message),
        )


def _notify_new(message: Message, mentioned: list[int]) -> None:
    """A new message tells the people it mentions, and those who wrote in the thread
    before (mentions are told apart), in one pass of notify."""
    earlier = (
        Message.objects.filter(thread_id=message.thread_id, seq__lt=message.seq, seq__gt=0)
        .exclude(author=None)
        .values("author_id")
    )
    params, url = _about(message), _link(message)
    notify_many(
        group=message.group,
        actor=message.author,
        notices=[
            Notice("mention", _mention(message, mentioned, already=set()), params, url),
            Notice("reply", earlier, params, url),
        ],
    )


def _about(message: Message) -> dict:
    return {
        "actor": message.author.full_name if message.author else "",
        "thread": message.thread.title,
    }


def _link(message: Message) -> str:
    return f"{message.thread.get_absolute_url()}#m{message.pk}"


# --- Threads ----------------------------------------------------------------------


@transaction.atomic
def thread_create(
    *, actor: User, group: Group, title: str, body: str, client_id: str
) -> tuple[Thread, Message]:
    """Start a thread with its first message."""
    title = clean_text(title) if isinstance(title, str) else ""
    if not title:
        raise ServiceError(_("Give the thread a title."), code="empty")
    if len(title) > TITLE_MAX:
        raise ServiceError(_("The title is too long."), code="too_long")
    thread = Thread.objects.create(group=group, title=title, author=actor)
    seq = events.next_seq(group)
    thread.last_seq = seq
    thread.save(update_fields=["last_seq"])
    events.event_record(
        group=group,
        seq=seq,
        type="thread.updated",
        payload={"thread": thread_payload(thread)},
        thread=thread,
    )
    index_changed("thread", thread.pk)
    message, _created = message_send(actor=actor, thread=thread, body=body, client_id=client_id)
    return thread, message


# --- Messages ---------------------------------------------------------------------


def message_send(
    *,
    actor: User,
    thread: Thread,
    body: object,
    client_id: object,
    reply_to: object = None,
    quote: object = None,
    uploads: object = None,
    documents: object = None,
) -> tuple[Message, bool]:
    """Post a message, or return the one already stored for this client_id.

    Returns (message, created). Sending is idempotent: a client that retries after a
    lost acknowledgement gets the stored message back and nothing is posted twice.

    `reply_to` is the id of the message this one answers: a message of the same thread
    that every member can read (not deleted, hidden or held). `quote` is the part of
    its text the author chose to show above the answer, as plain text.

    `uploads` are ids of files the author sent first (resources: attachment_upload) to
    go under this message, `documents` ids of documents of the group's library to link;
    a wrong one refuses the whole message (groups/attachments.py).

    The path of every message, so it counts its statements: the thread locked with
    what the checks need, the number, the row, the thread's counters, the event, who
    hears, their notifications and bells, the author's read position (ten for a
    message after others; an answer adds one, reading the original; attachments add
    three: reading them, storing the links, reading what they are).
    """
    client_id = _clean_client_id(client_id)
    reply_to = _clean_reply_to(reply_to)
    quote = _clean_quote(quote, reply_to)
    carried = (clean_ids(uploads, field="attachments"), clean_ids(documents, field="documents"))
    try:
        with transaction.atomic():
            return _message_store(actor, thread, body, client_id, reply_to, quote, carried)
    except IntegrityError:
        # The same client_id raced in from another socket (the lock of another thread):
        # that one won.
        return Message.objects.get(author=actor, client_id=client_id), False


def _clean_reply_to(reply_to: object) -> int | None:
    if reply_to is None:
        return None
    if isinstance(reply_to, bool) or not isinstance(reply_to, int) or not 0 < reply_to < 2**63:
        raise ServiceError(_("The message you answer is not valid."), code="invalid")
    return reply_to


def _clean_quote(quote: object, reply_to: int | None) -> str:
    if quote is None or quote == "":
        return ""
    if not isinstance(quote, str):
        raise ServiceError(_("The quote must be text."), code="invalid")
    if reply_to is None:
        raise ServiceError(_("A quote needs the message it comes from."), code="invalid")
    quote = " ".join(strip_bidi(quote).split())
    if len(quote) > QUOTE_MAX:
        raise ServiceError(
            _("The quote is too long: at most %(limit)d characters.") % {"limit": QUOTE_MAX},
            code="too_long",
        )
    return quote


def _original(thread: Thread, reply_to: int, quote: str) -> Message:
    """The message answered: of this thread and visible to every member. A quote must
    be a part of its text as the page shows it (or of what its author typed)."""
    original = (
        Message.objects.select_related("author")
        .filter(
            pk=reply_to, thread=thread, deleted_at=None, hidden_at=None, held_at=None, seq__gt=0
        )
        .first()
    )
    if original is None:
        raise ServiceError(
            _("The message you answer is not in this thread, or is no longer shown."),
            code="not_found",
        )
    shown, typed = message_text(original), " ".join(original.body.split())
    if quote and not any(quote.casefold() in text.casefold() for text in (shown, typed)):
        raise ServiceError(_("The quote is not a part of the message you answer."), code="invalid")
    return original


def _message_store(
    actor: User,
    thread: Thread,
    body: object,
    client_id: str,
    reply_to: int | None = None,
    quote: str = "",
    carried: tuple[list[int], list[int]] = ([], []),
) -> tuple[Message, bool]:
    # The thread's row is locked; its group comes along (unlocked) for what follows,
    # with whether this client_id is stored already and whether the group blocks words.
    thread = (
        Thread.objects.select_related("group")
        .select_for_update(of=("self",))
        .annotate(
            stored=Subquery(
                Message.objects.filter(author=actor, client_id=client_id).values("pk")[:1]
            ),
            blocks_phrases=Exists(BlockedPhrase.objects.filter(group_id=OuterRef("group_id"))),
        )
        .get(pk=thread.pk)
    )
    if thread.stored is not None:
        return Message.objects.get(pk=thread.stored), False
    body = _clean_body(body)
    _require_can_write(actor, thread)
    original = _original(thread, reply_to, quote) if reply_to is not None else None
    _require_pace(actor, thread)
    html, mentioned = _render(body, thread.group)
    blocked = _blocked_phrase(body, thread.group_id) if thread.blocks_phrases else None
    now = timezone.now()
    fields = {
        "thread": thread,
        "group": thread.group,
        "author": actor,
        "body": body,
        "html": html,
        "client_id": client_id,
        "created_at": now,
        "reply_to": original,
        "is_reply": original is not None,
        "reply_quote": quote,
    }
    if blocked:
        # Held for a facilitator: no number, no event, nobody else sees it until it is
        # released.
        message = Message.objects.create(**fields, seq=0, held_at=now)
        _attach(actor, message, carried)
        moderation_log(
            actor=actor,
            group=thread.group,
            kind="hold",
            target=message,
            label=f"{actor.full_name}: {body[:120]}",
            reason=blocked,
        )
        return message, True
    # Numbered before the insert, so the row is written once.
    message = Message.objects.create(**fields, seq=events.next_seq(thread.group))
    _announce(message, thread, mentioned, attachments=_attach(actor, message, carried))
    return message, True


def _attach(actor: User, message: Message, carried: tuple[list[int], list[int]]) -> list[dict]:
    uploads, documents = carried
    return attachments_link(actor=actor, message=message, uploads=uploads, documents=documents)


def _blocked_phrase(body: str, group_id: int) -> str | None:
    """The first blocked phrase of the group that `body` contains, if any."""
    folded = " ".join(body.split()).casefold()
    for phrase in BlockedPhrase.objects.filter(group_id=group_id).values_list("phrase", flat=True):
        if phrase in folded:
            return phrase
    return None


def _publish(message: Message, thread: Thread, mentioned: list[int]) -> None:
    """Give a stored (held) message its event number and announce it."""
    message.seq = events.next_seq(thread.group)
    message.save(update_fields=["seq"])
    _announce(message, thread, mentioned)


def _announce(
    message: Message, thread: Thread, mentioned: list[int], attachments: list[dict] | None = None
) -> None:
    """A numbered message: the thread's counters, its event, who hears of it."""
    seq = message.seq
    Thread.objects.filter(pk=thread.pk).update(
        last_activity_at=message.created_at, last_seq=seq, message_count=F("message_count") + 1
    )
    payload = message_payload(message, reactions={}, attachments=attachments)
    events.event_record(
        group=thread.group,
        seq=seq,
        type="message.new",
        payload={"message": payload},
        message=message,
    )
    _notify_new(message, mentioned)
    index_changed("message", message.pk)
    # The author has read what they wrote. Set, not advanced: with the group's sequence
    # locked no position of this thread can be past the newest number, and the upsert
    # is one statement for a first message and a next one alike.
    if message.author is not None:
        ReadPosition.objects.bulk_create(
            [ReadPosition(user=message.author, thread=thread, last_read_seq=seq)],
            update_conflicts=True,
            unique_fields=["user", "thread"],
            update_fields=["last_read_seq", "updated_at"],
        )


def publish_held(message: Message) -> None:
    """Release a held message: it is published now, as a new message of its thread."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=message.thread_id)
    )
    message.held_at = None
    message.created_at = timezone.now()
    message.save(update_fields=["held_at", "created_at"])
    _html, mentioned = _render(message.body, thread.group)
    _publish(message, thread, mentioned)


def _editable(actor: User, message: Message) -> None:
    if message.author_id != actor.pk:
        raise ServiceError(_("You can change only your own messages."), code="forbidden")
    if message.is_deleted:
        raise ServiceError(_("This message has been deleted."), code="deleted")
    if message.is_hidden:
        raise ServiceError(_("This message has been hidden by a facilitator."), code="hidden")
    if message.is_held:
        raise ServiceError(_("This message is waiting for a facilitator's review."), code="held")


@transaction.atomic
def message_edit(*, actor: User, message: Message, body: object) -> Message:
    """Change the text of one's own message; the previous text is kept in its history."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("thread", "group", "author__institution")
        .get(pk=message.pk)
    )
    _editable(actor, message)
    # An edit publishes text: a mute, a lock and the blocked phrases stop it as they stop
    # a new message.
    _require_can_write(actor, message.thread)
    body = _clean_body(body)
    if body == message.body:
        return message
    if _blocked_phrase(body, message.group_id):
        raise ServiceError(
            _(
                "This text contains a phrase the group's facilitators review before it "
                "is published. Your change was not saved; post it as a new message to "
                "have it reviewed."
            ),
            code="blocked_phrase",
        )
    previously = set(message.mentions.values_list("user_id", flat=True))
    MessageRevision.objects.create(
        message=message,
        body=message.body,
        html=message.html,
        created_at=message.edited_at or message.created_at,
    )
    message.html, mentioned = _render(body, message.group)
    message.body = body
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "html", "edited_at"])
    _announce_update(message)
    index_changed("message", message.pk)
    _notify_mentions(message, mentioned, already=previously)
    return message


@transaction.atomic
def message_delete(*, actor: User, message: Message) -> Message:
    """Delete one's own message: its text and history go, a placeholder stays."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("group", "author__institution")
        .get(pk=message.pk)
    )
    _editable(actor, message)
    message.deleted_at = timezone.now()
    message.body = ""
    message.html = ""
    message.save(update_fields=["deleted_at", "body", "html"])
    message.revisions.all().delete()
    message.reactions.all().delete()
    _announce_update(message)
    index_changed("message", message.pk, now=True)
    return message


def _announce_update(message: Message) -> None:
    seq = events.next_seq(message.group)
    events.event_record(
        group=message.group,
        seq=seq,
        type="message.updated",
        payload={"message": message_payload(message)},
        message=message,
    )


@transaction.atomic
def reaction_toggle(*, actor: User, message: Message, emoji: object) -> Message:
    """Add the actor's reaction, or take it back if it is there."""
    if emoji not in REACTIONS:
        raise ServiceError(_("This reaction is not available."), code="invalid")
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("group", "thread", "author__institution")
        .get(pk=message.pk)
    )
    if message.is_deleted or message.is_hidden or message.is_held:
        raise ServiceError(_("This message cannot take reactions."), code="deleted")
    membership = Membership.objects.filter(
        user=actor, group_id=message.group_id, status=Membership.Status.ACTIVE
    ).first()
    if membership is not None and membership.is_muted:
        raise ServiceError(_("You are muted in this group."), code="muted")
    removed, _per_model = Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    if not removed:
        Reaction.objects.create(message=message, user=actor, emoji=emoji)
    _announce_update(message)
    return message


# --- Reading ----------------------------------------------------------------------


def _read_position_advance(user: User, thread: Thread, seq: int | None) -> None:
    """Move the user's read position in `thread` to `seq`, at most the thread's last
    message (None: that last message), never back. The clamp is part of the UPDATE: a
    page that marks its thread read costs one statement, not a read and a write."""
    last = Subquery(Thread.objects.filter(pk=thread.pk).order_by().values("last_seq")[:1])
    target = last if seq is None else Least(Value(seq), last)
    updated = ReadPosition.objects.filter(user=user, thread=thread).update(
        last_read_seq=Greatest("last_read_seq", Coalesce(target, Value(0)))
    )
    if not updated:
        last_seq = (
            Thread.objects.filter(pk=thread.pk)
            .order_by()
            .values_list("last_seq", flat=True)
            .first()
            or 0
        )
        try:
            with transaction.atomic():
                ReadPosition.objects.create(
                    user=user,
                    thread=thread,
                    last_read_seq=min(seq, last_seq) if seq is not None else last_seq,
                )
        except IntegrityError:  # created meanwhile by another tab
            _read_position_advance(user, thread, seq)


def thread_read(*, actor: User, thread: Thread, seq: int | None = None) -> None:
    """Mark the thread read up to `seq` (default: its last message). Never moves back."""
    if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0):
        raise ServiceError(_("Invalid position."), code="invalid")
    _read_position_advance(actor, thread, seq)
