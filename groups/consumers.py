"""The group socket: /ws/groups/<slug>/, and the bell's: /ws/notifications/ (the
protocol is docs/protocol.md).

Thin on purpose: connect → access check → join the group's channel → accept; each frame
is checked for shape, then goes through groups.access and one service. Events reach the
socket as text serialised once by the service that wrote them, through the process's hub
(groups.hub): one subscription per group and process, not one per socket.
"""

import asyncio
import json
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from groups import events, services
from groups.access import Capability, GroupAccess, group_access, group_object_get, message_get
from groups.attachments import clean_ids
from groups.hub import Frame, Hub, hub_for
from groups.models import Membership, Message, Thread, User
from groups.payloads import notification_frame
from groups.presence import presence
from gwd import metrics
from gwd.errors import ServiceError
from gwd.gate import site_refusal

# A client may send WEBSOCKET_FLOOD_FRAMES frames in FLOOD_WINDOW seconds; past twice as
# many the socket is closed (4008) — a well-behaved client never comes near.
FLOOD_WINDOW = 10.0
TYPING_INTERVAL = 2.0
# Threads for socket actions on PostgreSQL: at most four of a process's pooled connections
# (DATABASE_POOL_MAX, 20 by default) serve socket actions at once.
ACTION_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gwd-socket-action")

logger = logging.getLogger(__name__)

CLOSE_GONE = 4404  # no longer a member (or the group is gone)
CLOSE_FLOOD = 4008


class _Gone(Exception):
    """The socket's person is no longer a member (or the group is gone)."""


class FrameError(Exception):
    """A refused frame: answered by an `error` frame, then the socket closes with
    `close` if that is given (the reply goes first, so the client learns why)."""

    def __init__(
        self, code: str, detail: str, *, retry_after: int | None = None, close: int | None = None
    ):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.close = close


# Ids, sequence numbers and minutes fit a signed 64-bit column; anything larger is no id.
INT_MAX = 2**63 - 1
# Frames are flat objects; nothing a client needs to send nests deeper than this.
FRAME_DEPTH = 4


def _field[T: (int, str)](frame: dict, name: str, kind: type[T]) -> T:
    value = frame.get(name)
    if kind is int and (
        isinstance(value, bool) or not isinstance(value, int) or not -INT_MAX <= value <= INT_MAX
    ):
        raise FrameError("invalid", _("Field “%(name)s” must be a number.") % {"name": name})
    if kind is str and not isinstance(value, str):
        raise FrameError("invalid", _("Field “%(name)s” must be text.") % {"name": name})
    assert isinstance(value, kind)  # checked just above, for either kind
    return value


def _ids(frame: dict, name: str) -> list[int]:
    """An optional list of ids (at most groups.attachments.ATTACHMENTS_MAX)."""
    try:
        return clean_ids(frame.get(name), field=name)
    except ServiceError as error:
        raise FrameError(error.code, error.message) from None


def _parse(text: str) -> dict:
    """The frame as a JSON object whose every text can be stored and sent back, or a
    FrameError: no NUL (PostgreSQL refuses it in text), no lone surrogate (no encoding
    can write it), nothing nested deeper than a frame needs."""
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("bad_json", _("The frame is not valid JSON.")) from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("invalid", _("A frame is a JSON object with a “type”."))
    _check_values(frame, FRAME_DEPTH)
    return frame


def _check_values(value: object, depth: int) -> None:
    if isinstance(value, str):
        if "\x00" in value or (not value.isascii() and _has_surrogate(value)):
            raise FrameError("invalid", _("The frame contains characters that are not allowed."))
    elif isinstance(value, dict | list):
        if depth == 0:
            raise FrameError("invalid", _("The frame is nested too deeply."))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            _check_values(key, depth - 1)
            _check_values(item, depth - 1)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _releasing(function: Callable) -> Callable:
    """`function`, then its thread's connection back to the pool whatever happened, so
    that no pooled connection stays with an idle worker thread."""

    def run():
        try:
            return function()
        finally:
            connection.close()

    return run


async def check_flood(frame_times: deque[float]) -> None:
    """Count a frame a client sent; past the limit it is told to slow down, past twice
    the limit the socket closes (FrameError carries the reply)."""
    now = time.monotonic()
    frame_times.append(now)
    while frame_times and frame_times[0] < now - FLOOD_WINDOW:
        frame_times.popleft()
    limit = settings.WEBSOCKET_FLOOD_FRAMES
    if len(frame_times) > limit:
        await sync_to_async(metrics.count)("frames_flood")
    if len(frame_times) > 2 * limit:
        raise FrameError(
            "flood", _("Too many frames; the connection is closed."), close=CLOSE_FLOOD
        )
    if len(frame_times) > limit:
        raise FrameError("flood", _("Too many frames. Slow down."), retry_after=int(FLOOD_WINDOW))


def _admitted(user: User, slug: str) -> GroupAccess:
    """The socket's access to its group, and the member's institution with it: named in
    the payload of every message the socket posts, so loaded once, in the same trip to
    the database thread (a thousand members connect at a meeting's start)."""
    access = group_access(user=user, slug=slug, capability=Capability.VIEW)
    if user.institution_id:
        user.institution  # noqa: B018 — loads and caches the relation
    return access


class GroupConsumer(AsyncWebsocketConsumer):
    user: User
    group_id: int
    slug: str
    hub: Hub
    # Group frames that arrive while the socket is busy with a client frame (or still
    # connecting) wait here, so they follow the reply and any replay, as they would if
    # they came one by one through the consumer's own channel.
    held: list[dict] | None = None
    closing = False
    # The socket's transport when gwd.server serves it (the "gwd.wire" extension): the
    # hub then writes a group's frame, framed once for all, without the ASGI road.
    wire = None

    # --- Life of a socket ---------------------------------------------------------

    async def connect(self) -> None:
        user = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        try:
            access = await database_sync_to_async(_admitted)(user, slug)
        except (Http404, PermissionDenied):
            await self.close()  # refused before accept: the handshake fails with 403
            return
        self.user = user
        self.slug = slug
        self.group_id = access.group.pk
        self.language = user.language
        self.frame_times: deque[float] = deque()
        self.last_typing = 0.0
        self.replayed_up_to = 0
        self.held = []
        self.wire = self.scope.get("extensions", {}).get("gwd.wire", {}).get("wire")
        self.hub = hub_for(self.channel_layer)
        await self.channel_layer.group_add(
            events.member_channel(self.group_id, user.pk), self.channel_name
        )
        await self.hub.attach(self.group_id, user.pk, self)
        attached = self.hub.ticket()
        try:
            await self.accept()
            await presence().join(self.group_id, user.pk, self.channel_name)
            self.hub.presence_changed(self.group_id)
            online = await self.hub.online(self.group_id, after=self.hub.ticket())
            await self._send({"type": "presence", "online": online})
            # Fresh at connect: a list page takes its starting seq from this heartbeat.
            seq = await self.hub.seq_now(self.group_id, after=attached)
            await self._send({"type": "heartbeat", "seq": seq})
        except BaseException:
            await self.hub.detach(self.group_id, user.pk, self)  # nothing left behind
            raise
        await self._release_held()
        self.heartbeat_task = asyncio.create_task(self._heartbeat_loop())

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "group_id"):
            return  # refused at the handshake
        if task := getattr(self, "heartbeat_task", None):
            task.cancel()
        await self.hub.detach(self.group_id, self.user.pk, self)
        await self.channel_layer.group_discard(
            events.member_channel(self.group_id, self.user.pk), self.channel_name
        )
        await presence().leave(self.group_id, self.user.pk, self.channel_name)
        self.hub.presence_changed(self.group_id)

    async def _heartbeat_loop(self) -> None:
        # The first beat comes after a random part of the interval: sockets that connected
        # together (a meeting starting) do not all beat in the same instant ever after.
        await asyncio.sleep(settings.HEARTBEAT_SECONDS * random.uniform(0.5, 1))  # noqa: S311
        while True:
            try:
                await presence().join(self.group_id, self.user.pk, self.channel_name)
                seq = await self.hub.latest_seq(self.group_id)
                await self._send({"type": "heartbeat", "seq": seq})
            except asyncio.CancelledError:
                raise
            except Exception:  # an outage must not silence the socket for good
                logger.warning("heartbeat failed", exc_info=True)
            await asyncio.sleep(settings.HEARTBEAT_SECONDS)

    # --- Frames from the client ---------------------------------------------------

    async def close(self, code=None, reason=None) -> None:
        self.closing = True
        await super().close(code=code, reason=reason)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if self.closing:
            return  # frames still in flight after we closed: nobody to answer
        self.held = []
        try:
            await self._receive(text_data, bytes_data)
        finally:
            await self._release_held()

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        client_id = None
        try:
            if text_data is None:
                raise FrameError("bad_frame", _("Frames must be JSON text."))
            if len(text_data) > settings.WEBSOCKET_MAX_FRAME:
                raise FrameError("frame_too_large", _("The frame is too large."))
            await self._check_flood()
            frame = _parse(text_data)
            client_id = frame.get("client_id") if isinstance(frame.get("client_id"), str) else None
            handler = self.handlers.get(frame["type"])
            if handler is None:
                raise FrameError("unknown_type", _("Unknown frame type."))
            await handler(self, frame)
        except FrameError as error:
            reply: dict[str, str | int] = {
                "type": "error",
                "code": error.code,
                "detail": error.detail,
            }
            if client_id:
                reply["client_id"] = client_id
            if error.retry_after:
                reply["retry_after"] = error.retry_after
            await self._send(reply)
            if error.close:
                await self.close(code=error.close)

    async def _check_flood(self) -> None:
        await check_flood(self.frame_times)

    async def _call(self, function: Callable, **kwargs):
        """Run sync database work in the user's language; map refusals to error codes."""

        def run():
            with translation.override(self.language):
                return function(**kwargs)

        try:
            if connection.vendor == "sqlite":
                return await database_sync_to_async(run)()
            # PostgreSQL: an action mostly waits on the network, so actions of different
            # groups run side by side on a few threads of their own (each with a pooled
            # connection) instead of queuing behind every socket's work on the one
            # database thread. One action per group at a time in this process keeps the
            # group's events announced in order.
            async with self.hub.group_lock(self.group_id):
                return await database_sync_to_async(
                    _releasing(run), thread_sensitive=False, executor=ACTION_THREADS
                )()
        except Http404:
            raise FrameError("not_found", self._t(_("Not found."))) from None
        except PermissionDenied:
            raise FrameError("forbidden", self._t(_("Your role does not allow this."))) from None
        except services.ServiceError as error:
            if error.code == "rate_limited":
                await sync_to_async(metrics.count)("messages_rate_limited")
            raise FrameError(error.code, error.message, retry_after=error.retry_after) from None
        except (OperationalError, InterfaceError):
            logger.exception("database unavailable during a socket action")
            raise FrameError(
                "unavailable",
                self._t(_("GWD cannot save right now. Nothing was written; try again soon.")),
                retry_after=30,
            ) from None

    def _t(self, text: str) -> str:
        with translation.override(self.language):
            return str(text)

    async def _act(self, capability: Capability, work: Callable[[GroupAccess], object]):
        """Check the capability again, then run `work(access)`, in one trip to the
        database thread: each trip is a thread hop with Channels closing old connections
        on both sides. Losing access to the group closes the socket."""

        def run():
            try:
                access = group_access(user=self.user, slug=self.slug, capability=capability)
            except Http404:
                raise _Gone from None
            return work(access)

        try:
            return await self._call(run)
        except _Gone:
            raise FrameError("not_found", self._t(_("Not found.")), close=CLOSE_GONE) from None

    # --- Actions ------------------------------------------------------------------

    async def on_message_send(self, frame: dict) -> None:
        thread_id = _field(frame, "thread", int)
        body = _field(frame, "body", str)
        client_id = _field(frame, "client_id", str)
        # An answer names the message it answers, and may quote a part of it.
        reply_to = _field(frame, "reply_to", int) if frame.get("reply_to") is not None else None
        quote = _field(frame, "quote", str) if frame.get("quote") is not None else None
        # Files sent first over HTTP (their document ids) and documents of the library.
        uploads = _ids(frame, "attachments")
        documents = _ids(frame, "documents")

        def send(access):
            thread = group_object_get(
                access=access, queryset=Thread.objects.select_related("group"), pk=thread_id
            )
            return services.message_send(
                actor=self.user,
                thread=thread,
                body=body,
                client_id=client_id,
                reply_to=reply_to,
                quote=quote,
                uploads=uploads,
                documents=documents,
            )

        message, _created = await self._act(Capability.POST, send)
        ack = {"type": "message.ack", "client_id": client_id, "id": message.pk, "seq": message.seq}
        if message.is_held:
            ack["held"] = True
        await self._send(ack)

    async def _message_action(self, frame, capability, field, service, **kwargs) -> None:
        """Fetch the message named by `field` and call `service` on it."""
        message_id = _field(frame, field, int)

        def act(access):
            message = message_get(access, Message.objects.select_related("group"), message_id)
            return service(actor=self.user, message=message, **kwargs)

        await self._act(capability, act)

    async def on_message_edit(self, frame: dict) -> None:
        body = _field(frame, "body", str)
        await self._message_action(frame, Capability.POST, "id", services.message_edit, body=body)

    async def on_message_delete(self, frame: dict) -> None:
        await self._message_action(frame, Capability.VIEW, "id", services.message_delete)

    async def on_reaction_toggle(self, frame: dict) -> None:
        emoji = _field(frame, "emoji", str)
        await self._message_action(
            frame, Capability.POST, "message", services.reaction_toggle, emoji=emoji
        )

    async def on_typing(self, frame: dict) -> None:
        thread_id = _field(frame, "thread", int)
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL:
            return  # typing is a hint: extra ones are dropped, not refused
        self.last_typing = now
        await self._act(
            Capability.POST,
            lambda access: group_object_get(
                access=access, queryset=Thread.objects.all(), pk=thread_id
            ),
        )
        text = events.frame_text(
            {
                "type": "typing",
                "thread": thread_id,
                "user": {"id": self.user.pk, "name": self.user.full_name},
            }
        )
        await self.channel_layer.group_send(
            events.group_channel(self.group_id), {"type": "group.frame", "text": text}
        )

    async def _thread_action(self, frame, capability, service, **kwargs) -> None:
        """Fetch the thread named by "thread" and call `service` on it."""
        thread_id = _field(frame, "thread", int)

        def act(access):
            thread = group_object_get(access=access, queryset=Thread.objects.all(), pk=thread_id)
            return service(actor=self.user, thread=thread, **kwargs)

        await self._act(capability, act)

    async def on_read(self, frame: dict) -> None:
        seq = _field(frame, "seq", int)
        await self._thread_action(frame, Capability.VIEW, services.thread_read, seq=seq)

    async def on_resume(self, frame: dict) -> None:
        """Replay what the client missed after `after`, in order, or tell it to reload.

        The socket joined the group's channel before any replay, so nothing can fall
        between the replay and the live stream; live frames already replayed are
        dropped by seq in group_frame.
        """
        after = _field(frame, "after", int)
        if after < 0:
            raise FrameError("invalid", _("“after” cannot be negative."))
        limit = settings.RESUME_LIMIT
        missed = await self._act(
            Capability.VIEW, lambda access: events.events_replay(self.group_id, after, limit + 1)
        )
        await sync_to_async(metrics.count)("resumes")
        if len(missed) > limit:
            await sync_to_async(metrics.count)("resyncs")
            await self._send({"type": "resync"})
            return
        for seq, text in missed:
            await self.send(text_data=text)
            self.replayed_up_to = seq
        if missed:
            await sync_to_async(metrics.count)("events_replayed", len(missed))

    async def on_message_report(self, frame: dict) -> None:
        reason = _field(frame, "reason", str)
        text = frame.get("text", "")
        await self._message_action(
            frame, Capability.VIEW, "id", services.report_create, reason=reason, text=text
        )
        await self._send({"type": "report.ack", "id": frame["id"]})

    # --- Moderation (facilitators) ------------------------------------------------

    async def on_message_hide(self, frame: dict) -> None:
        reason = _field(frame, "reason", str)
        await self._message_action(
            frame, Capability.MODERATE, "id", services.message_hide, reason=reason
        )

    async def on_message_unhide(self, frame: dict) -> None:
        await self._message_action(frame, Capability.MODERATE, "id", services.message_unhide)

    async def on_thread_lock(self, frame: dict) -> None:
        await self._thread_action(
            frame, Capability.MODERATE, services.thread_moderate, action="lock"
        )

    async def on_thread_unlock(self, frame: dict) -> None:
        await self._thread_action(
            frame, Capability.MODERATE, services.thread_moderate, action="unlock"
        )

    async def on_thread_pin(self, frame: dict) -> None:
        await self._thread_action(
            frame, Capability.MODERATE, services.thread_moderate, action="pin"
        )

    async def on_thread_unpin(self, frame: dict) -> None:
        await self._thread_action(
            frame, Capability.MODERATE, services.thread_moderate, action="unpin"
        )

    async def on_member_mute(self, frame: dict) -> None:
        user_id = _field(frame, "user", int)
        minutes = _field(frame, "minutes", int)
        reason = frame.get("reason", "")

        def mute(access):
            membership = group_object_get(
                access=access,
                queryset=Membership.objects.active(),
                pk=user_id,
                pk_field="user_id",
            )
            return services.member_mute(
                actor=self.user, membership=membership, minutes=minutes, reason=reason
            )

        await self._act(Capability.MODERATE, mute)

    handlers: dict[str, Callable[["GroupConsumer", dict], Awaitable[None]]] = {
        "message.send": on_message_send,
        "message.edit": on_message_edit,
        "message.delete": on_message_delete,
        "reaction.toggle": on_reaction_toggle,
        "typing": on_typing,
        "read": on_read,
        "resume": on_resume,
        "message.report": on_message_report,
        "message.hide": on_message_hide,
        "message.unhide": on_message_unhide,
        "thread.lock": on_thread_lock,
        "thread.unlock": on_thread_unlock,
        "thread.pin": on_thread_pin,
        "thread.unpin": on_thread_unpin,
        "member.mute": on_member_mute,
    }

    # --- Frames from the channel layer --------------------------------------------

    async def group_frame(self, event: dict) -> None:
        if self.held is not None:
            self.held.append(event)
            return
        await self._deliver(event)

    def group_frame_now(self, frame: Frame) -> bool:
        """A group frame straight onto the wire, if this socket can take it now (nothing
        held). True when the frame needs nothing more; False sends it by group_frame."""
        if self.wire is None or self.held is not None:
            return False
        seq = frame.message.get("seq")
        if self.closing or (seq is not None and seq <= self.replayed_up_to):
            return True
        return self.wire.send(frame.prepared_by(self.wire))

    async def _release_held(self) -> None:
        while self.held:
            await self._deliver(self.held.pop(0))
        self.held = None

    async def _deliver(self, event: dict) -> None:
        seq = event.get("seq")
        if seq is not None and seq <= self.replayed_up_to:
            return  # already sent by a replay
        await self.send(text_data=event["text"])

    async def group_close(self, event: dict) -> None:
        await self.close(code=event.get("code", CLOSE_GONE))

    async def _send(self, frame: dict) -> None:
        await self.send(text_data=events.frame_text(frame))

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        if not self.closing:  # after close, daphne would raise for every frame
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)


def _unread_count(user_id: int) -> int:
    return User.objects.filter(pk=user_id).values_list("unread_notifications", flat=True)[0]


class NotificationConsumer(AsyncWebsocketConsumer):
    """The bell's socket on pages outside the discussions (a discussion page's group
    socket carries the same frames). It only listens: the person's `notification`
    frames reach it through the hub, like every socket of theirs; the first frame is
    the count as it is once the socket hears the rest."""

    user: User
    hub: Hub
    attached = False
    closing = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Who may use the site at all, as every page asks (gwd.gate); anyone refused
        # here fails the handshake with 403.
        if user is None or await database_sync_to_async(site_refusal)(user) is not None:
            await self.close()
            return
        self.user = user
        self.frame_times: deque[float] = deque()
        self.hub = hub_for(self.channel_layer)
        await self.hub.attach(None, user.pk, self)
        self.attached = True
        await self.accept()
        # Read after attaching: a notification in between is in the count or in a frame.
        unread = await database_sync_to_async(_unread_count)(user.pk)
        with translation.override(user.language):
            await self.send(text_data=events.frame_text(notification_frame(unread)))

    async def disconnect(self, code: int) -> None:
        if self.attached:
            await self.hub.detach(None, self.user.pk, self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        # It takes no frames: each is answered, and a flood is slowed and then closed.
        with translation.override(self.user.language):
            try:
                await check_flood(self.frame_times)
                raise FrameError("unknown_type", _("Unknown frame type."))
            except FrameError as error:
                reply: dict[str, str | int] = {
                    "type": "error",
                    "code": error.code,
                    "detail": str(error.detail),
                }
                if error.retry_after:
                    reply["retry_after"] = error.retry_after
                close = error.close
        await self.send(text_data=events.frame_text(reply))
        if close:
            await self.close(code=close)

    async def close(self, code=None, reason=None) -> None:
        self.closing = True
        await super().close(code=code, reason=reason)

    async def group_frame(self, event: dict) -> None:
        await self.send(text_data=event["text"])

    def group_frame_now(self, frame: Frame) -> bool:
        return False  # a frame now and then: the consumer's own road is fast enough

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        if not self.closing:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
