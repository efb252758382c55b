"""What clients receive of messages and threads: the one form that live frames, replays
and the thread page's data all carry.

A payload never holds more than the thread page shows every member now: a deleted or
hidden message has no text, a deleted account no name.
"""

import html
from collections.abc import Iterable
from datetime import datetime

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import ngettext

from groups.attachments import attachments_by_message
from groups.models import REACTIONS, Message, Reaction, Thread, User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def message_payload(
    message: Message,
    reactions: dict[str, list[int]] | None = None,
    attachments: list[dict] | None = None,
) -> dict:
    """The public form of a message, as frames and the thread page's data carry it.
    `reactions` and `attachments`, when the caller has them (read for a whole page at
    once), spare a query each; a deleted or hidden message carries no attachments."""
    author = message.author
    gone = message.is_deleted or message.is_hidden
    if gone:
        attachments = []
    elif attachments is None:
        attachments = attachments_by_message([message]).get(message.pk, [])
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "seq": message.seq,
        "author": author_payload(author) if author else None,
        "body": "" if gone else message.body,
        "html": "" if gone else message.html,
        "created": _iso(message.created_at),
        "edited": _iso(message.edited_at),
        "deleted": message.is_deleted,
        "hidden": message.is_hidden,
        "held": message.is_held,
        "reactions": reactions if reactions is not None else reactions_of(message),
        "reply_to": reply_payload(message),
        "attachments": attachments,
    }


EXCERPT_WORDS = 30


def reply_payload(message: Message) -> dict | None:
    """What a reply shows of the message it answers: who wrote it, an excerpt and the
    link to it, or only that it is gone. The original comes with the reply's row
    (select_related("reply_to__author")), never by a query of its own.

    The excerpt is the quote the author chose or the start of the original's text, and
    only while the original is visible to every member: a deleted, hidden or held
    original shows as such, never its text (nor the quote taken from it). The link is
    the page's to make (groups:message-link), from the id."""
    if not message.is_reply:
        return None
    original = message.reply_to
    if original is None or original.is_deleted:
        return {"id": original.pk if original else None, "state": "deleted"}
    if original.is_hidden or original.is_held:
        return {"id": original.pk, "state": "hidden"}
    author = original.author
    return {
        "id": original.pk,
        "state": "visible",
        "author": author.full_name if author else None,
        "quote": bool(message.reply_quote),
        "excerpt": message.reply_quote or message_excerpt(original),
    }


def message_text(message: Message) -> str:
    """A message's text as the page shows it, as plain text on one line."""
    return " ".join(html.unescape(strip_tags(message.html)).split())


def message_excerpt(message: Message) -> str:
    """The start of a message's visible text."""
    return Truncator(message_text(message)).words(EXCERPT_WORDS, truncate="…")


def author_payload(author: User) -> dict:
    """Who wrote it, as the page shows it: the name and the institution they work for.
    The institution comes with the author's row (select_related, or the socket's own
    user loaded once), never by a query of its own for each message."""
    institution = author.institution if author.institution_id else None
    return {
        "id": author.pk,
        "name": author.full_name,
        "institution": institution.name if institution else "",
    }


def message_tombstone(message_id: int, thread_id: int | None) -> dict:
    """What is left of a message removed for good: that it was there, nothing else."""
    return {
        "id": message_id,
        "thread": thread_id,
        "seq": 0,
        "author": None,
        "body": "",
        "html": "",
        "created": None,
        "edited": None,
        "deleted": True,
        "hidden": False,
        "held": False,
        "removed": True,
        "reactions": {},
        "reply_to": None,
        "attachments": [],
    }


def reactions_of(message: Message) -> dict[str, list[int]]:
    return reactions_by_message([message.pk]).get(message.pk, {})


def reactions_by_message(message_ids: Iterable[int]) -> dict[int, dict[str, list[int]]]:
    """{message id: {emoji: [user ids in the order they reacted]}} in one query, the
    emoji in the fixed order of REACTIONS."""
    grouped: dict[int, dict[str, list[int]]] = {}
    rows = (
        Reaction.objects.filter(message_id__in=list(message_ids))
        .order_by("created_at", "pk")
        .values_list("message_id", "emoji", "user_id")
    )
    for message_id, emoji, user_id in rows:
        grouped.setdefault(message_id, {}).setdefault(emoji, []).append(user_id)
    return {
        message_id: {emoji: by_emoji[emoji] for emoji in REACTIONS if emoji in by_emoji}
        for message_id, by_emoji in grouped.items()
    }


def thread_payload(thread: Thread) -> dict:
    return {
        "id": thread.pk,
        "title": thread.title,
        "pinned": thread.pinned,
        "locked": thread.locked,
        "slow_mode": thread.slow_mode_seconds,
        "messages": thread.message_count,
        "last_activity": _iso(thread.last_activity_at),
    }


def notification_frame(unread: int) -> dict:
    """The bell's frame for one person: the count, and the words the page reads out
    for it, in the active language (the same text the header renders)."""
    text = ngettext("%(counter)s unread", "%(counter)s unread", unread) % {"counter": unread}
    return {"type": "notification", "unread": unread, "text": text}
