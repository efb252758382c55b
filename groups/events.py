"""The per-group event log and its doorbell.

Inside a writing transaction `event_record` stores which message or thread the event
with the group's next sequence number is about; after commit the frame, serialised
once, is handed to the channel layer for the whole group. The layer may drop it — a
client that notices a gap asks to `resume`, and `events_replay` rebuilds the frames it
missed from what the objects are now: never text that was since deleted, hidden or
edited away, nor the name of a deleted account.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from groups.attachments import attachments_by_message
from groups.models import Event, EventSequence, Group, Message, Thread
from groups.payloads import (
    message_payload,
    message_tombstone,
    reactions_by_message,
    thread_payload,
)
from gwd.commit import after_commit

# Numbered events of higher apps (a poll's, from decisions), by type: the function that
# rebuilds their frames for a replay from what their objects are now. It takes the
# group's id and the events' (seq, type, object id) and returns a frame (without its
# seq) for every one of them — a number is never skipped. Filled from AppConfig.ready().
EventReplay = Callable[[int, list[tuple[int, str, int | None]]], dict[int, dict[str, Any]]]
_replays: dict[str, EventReplay] = {}


def event_types_register(types: Iterable[str], replay: EventReplay) -> None:
    """Let a higher app number its own events in the group's sequence: `event_record`
    stores them with the id of what they are about, `events_replay` asks `replay`."""
    for type in types:
        _replays[type] = replay


def group_channel(group_id: int) -> str:
    return f"group.{group_id}"


def users_channel() -> str:
    """Every process's hub listens here for frames meant for particular people."""
    return "users"


def member_channel(group_id: int, user_id: int) -> str:
    """The sockets one person has open on one group (to close them on removal)."""
    return f"group.{group_id}.user.{user_id}"


def frame_text(frame: dict[str, Any]) -> str:
    return json.dumps(frame, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def next_seq(group: Group) -> int:
    """Lock the group's sequence and return the next number; call inside atomic().

    One statement: UPDATE … RETURNING takes the row's lock (held until commit, which is
    what serialises a group's writers) and reads the number it wrote. Only a group's
    first event also creates the row."""
    table = connection.ops.quote_name(EventSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE group_id = %s "  # noqa: S608
            "RETURNING last_seq",
            [group.pk],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    EventSequence.objects.get_or_create(group=group)
    return next_seq(group)


def event_record(
    *,
    group: Group,
    seq: int,
    type: str,
    payload: dict[str, Any],
    message: Message | None = None,
    thread: Thread | None = None,
    object_id: int | None = None,
) -> Event:
    """Store the event with number `seq` about `message` or `thread` (or, for a type of
    another app, the row `object_id`), and announce `payload` once the transaction
    commits."""
    text = frame_text({"type": type, "seq": seq, **payload})
    event = Event.objects.create(
        group=group,
        seq=seq,
        type=type,
        message_id=message.pk if message is not None else None,
        thread_id=message.thread_id if message is not None else thread.pk if thread else None,
        object_id=object_id,
    )
    after_commit(lambda: send_to_group(group.pk, text, seq=seq))
    return event


def latest_seq(group_id: int) -> int:
    return (
        EventSequence.objects.filter(group_id=group_id).values_list("last_seq", flat=True).first()
        or 0
    )


def events_replay(group_id: int, after: int, limit: int) -> list[tuple[int, str]]:
    """(seq, frame) of the events after `after`, in order, at most `limit`, each
    carrying the current state of its message or thread (or a tombstone).

    Four queries however many events: the events, their messages with authors (and
    their institutions), the reactions and the attachments (none without messages).
    """
    rows = list(
        Event.objects.filter(group_id=group_id, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "type", "message_id", "thread_id", "object_id")[:limit]
    )
    others = _replayed_elsewhere(group_id, rows)
    own = [row[:4] for row in rows if row[0] not in others]
    message_ids = {message_id for _s, _t, message_id, _th in own if message_id is not None}
    thread_ids = {
        thread_id for _s, kind, _m, thread_id in own if kind == "thread.updated" and thread_id
    }
    messages = {
        m.pk: m
        for m in Message.objects.filter(group_id=group_id, pk__in=message_ids).select_related(
            "author__institution", "reply_to__author"
        )
    }
    reactions = reactions_by_message(messages) if messages else {}
    attachments = attachments_by_message(list(messages.values()))
    threads = {t.pk: t for t in Thread.objects.filter(group_id=group_id, pk__in=thread_ids)}
    replay = []
    for seq, kind, message_id, thread_id, _object_id in rows:
        if seq in others:
            replay.append((seq, frame_text({"seq": seq, **others[seq]})))
            continue
        frame = _replayed(kind, messages, reactions, attachments, threads, message_id, thread_id)
        replay.append((seq, frame_text({"seq": seq, **frame})))
    return replay


def _replayed_elsewhere(group_id: int, rows: list) -> dict[int, dict[str, Any]]:
    """{seq: frame} of the events whose type another app registered, one call to each
    app's replay for all of its events (no query when there are none)."""
    by_replay: dict[EventReplay, list[tuple[int, str, int | None]]] = {}
    for seq, kind, _message_id, _thread_id, object_id in rows:
        if (replay := _replays.get(kind)) is not None:
            by_replay.setdefault(replay, []).append((seq, kind, object_id))
    frames: dict[int, dict[str, Any]] = {}
    for replay, events in by_replay.items():
        frames.update(replay(group_id, events))
    return frames


def _replayed(kind, messages, reactions, attachments, threads, message_id, thread_id) -> dict:
    if kind == "thread.updated":
        thread = threads.get(thread_id)
        if thread is None:  # gone with everything in it; the number still counts
            return {"type": "thread.gone", "thread": thread_id}
        return {"type": kind, "thread": thread_payload(thread)}
    message = messages.get(message_id)
    if message is None:
        # Removed for good: an update to a tombstone, whatever the event first was.
        return {"type": "message.updated", "message": message_tombstone(message_id, thread_id)}
    if kind == "message.hidden" and message.is_hidden:
        return {"type": kind, "id": message.pk, "thread": message.thread_id}
    if kind == "message.hidden":
        kind = "message.updated"  # unhidden since: what it shows now
    payload = message_payload(
        message,
        reactions=reactions.get(message.pk, {}),
        attachments=attachments.get(message.pk, []),
    )
    return {"type": kind, "message": payload}


def send_to_group(group_id: int, text: str, *, seq: int | None = None) -> None:
    """Ring the doorbell: one serialised frame for every socket of the group."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            group_channel(group_id), {"type": "group.frame", "text": text, "seq": seq}
        )


def send_to_users(frames: dict[int, dict[str, Any]]) -> None:
    """A frame for each of these people, to every socket they have open, in one message
    to each process however many people it names."""
    layer = get_channel_layer()
    if layer is not None and frames:
        texts = {str(user_id): frame_text(frame) for user_id, frame in frames.items()}
        async_to_sync(layer.group_send)(users_channel(), {"type": "users.frames", "frames": texts})


def send_to_user(user_id: int, frame: dict[str, Any]) -> None:
    send_to_users({user_id: frame})


def close_member_sockets(group_id: int, user_id: int) -> None:
    """Close every socket `user_id` has open on the group, in every process."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            member_channel(group_id, user_id), {"type": "group.close", "code": 4404}
        )
