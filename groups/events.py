"""The per-group event log and its doorbell.

Inside a writing transaction `event_record` takes the group's next sequence number and
stores the frame clients will receive; after commit the same text is handed to the
channel layer once for the whole group. The layer may drop it — a client that notices
a gap asks to `resume` and gets the stored frames from the database.
"""

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from groups.models import Event, EventSequence, Group
from gwd.commit import after_commit


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
    """Lock the group's sequence and return the next number; call inside atomic()."""
    sequence, _ = EventSequence.objects.select_for_update().get_or_create(group=group)
    sequence.last_seq += 1
    sequence.save(update_fields=["last_seq"])
    return sequence.last_seq


def event_record(*, group: Group, seq: int, type: str, payload: dict[str, Any]) -> Event:
    """Store the event with number `seq` and announce it once the transaction commits."""
    text = frame_text({"type": type, "seq": seq, **payload})
    event = Event.objects.create(group=group, seq=seq, type=type, frame=text)
    after_commit(lambda: send_to_group(group.pk, text, seq=seq))
    return event


def latest_seq(group_id: int) -> int:
    return (
        EventSequence.objects.filter(group_id=group_id).values_list("last_seq", flat=True).first()
        or 0
    )


def events_after(group_id: int, after: int, limit: int) -> list[tuple[int, str]]:
    """(seq, frame) of the events after `after`, in order; at most `limit`."""
    return list(
        Event.objects.filter(group_id=group_id, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "frame")[:limit]
    )


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
