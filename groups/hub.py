"""One subscription per group and process: the channel layer carries a group's frame to
each daphne process once, and the process hands the same text to each of its sockets.

Why not put every socket in the layer's group, as the Channels tutorial does: then an
event is copied N times through the layer (N list pushes and N reads from Redis), and
each copy is dispatched through the consumer, which in Channels 4.2+ hops to the database
thread to close old connections before every handler — N thread hops per event, all
queued on one thread. With a thousand members online that is the whole budget.

Frames for particular people (their bell, a mention, why a message of theirs was hidden)
take the same road: one message per process for all the people it names, on a channel
every process subscribes to once, instead of one per person and socket.

The hub also keeps per process and group what does not need to be per socket: presence
broadcasts, coalesced to one per PRESENCE_DELAY, and the group's latest event number for
heartbeats, read from the database at most once per fifth of the heartbeat interval. A
socket that connects is told who is online and the latest event number at once; the
sockets that connect together (a meeting's start) share those reads (SharedReads).
"""

import asyncio
import contextlib
import itertools
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from groups import events
from groups.presence import presence

PRESENCE_DELAY = 1.0
RETRY_CAP = 5.0

logger = logging.getLogger(__name__)


class Socket(Protocol):
    async def group_frame(self, event: dict) -> None: ...

    def group_frame_now(self, frame: "Frame") -> bool: ...


class Frame:
    """One layer message on its way to many sockets, framed at most once (by the first
    socket that can take it straight to its transport, see gwd.server.Wire)."""

    __slots__ = ("message", "prepared")

    def __init__(self, message: dict):
        self.message = message
        self.prepared = None

    def prepared_by(self, wire):
        if self.prepared is None:
            self.prepared = wire.prepare(self.message["text"])
        return self.prepared


USERS = None  # the key of the people channel's subscription (groups have int keys)


class SharedReads[V]:
    """One read per group at a time, shared by every socket of the process that asks while
    it runs, and never older than the asker: `get(group, after=ticket)` answers from a
    read that began after the ticket was taken. A socket takes its ticket once it has
    joined, so the list of who is online that it gets has it in, and the event number it
    gets has every event it will not be sent.

    A thousand members arriving at once then cost a read of the store per round trip,
    not one each: each read of who is online returns everyone there, so a read per
    arrival was a thousand times a thousand names to fetch and decode."""

    def __init__(self, read: Callable[[int], Awaitable[V]], tickets: itertools.count):
        self._read = read
        self._tickets = tickets
        self._done: dict[int, tuple[int, V]] = {}
        self._running: dict[int, tuple[int, asyncio.Future[V]]] = {}

    async def get(self, group_id: int, *, after: int) -> V:
        while True:
            done = self._done.get(group_id)
            if done is not None and done[0] > after:
                return done[1]
            running = self._running.get(group_id)
            # A read that has ended is done with, though its callback may not have run
            # yet: awaiting it again would return at once, and this loop never yield.
            if running is None or running[1].done():
                running = self._start(group_id)
            started, future = running
            if started > after:
                return await asyncio.shield(future)
            # Begun before the asker was there: wait for it to end, then share the next.
            with contextlib.suppress(Exception):
                await asyncio.shield(future)

    def _start(self, group_id: int) -> tuple[int, asyncio.Future[V]]:
        running = self._running[group_id] = (
            next(self._tickets),
            asyncio.ensure_future(self._read(group_id)),
        )
        running[1].add_done_callback(lambda _: self._finished(group_id, running))
        return running

    def _finished(self, group_id: int, running: tuple[int, asyncio.Future[V]]) -> None:
        if self._running.get(group_id) is running:
            del self._running[group_id]
        started, future = running
        if future.cancelled() or future.exception() is not None:
            return
        done = self._done.get(group_id)
        if done is None or done[0] < started:
            self._done[group_id] = (started, future.result())

    def forget(self, group_id: int) -> None:
        self._done.pop(group_id, None)


class Subscription:
    """The process's place in one channel group of the layer (a group's channel, or the
    channel of frames for particular people), and the task that reads it."""

    def __init__(self, hub: "Hub", key: int | None, name: str, channel: str):
        self.hub = hub
        self.key = key
        self.name = name
        self.channel = channel
        self.task = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, hub: "Hub", key: int | None) -> "Subscription":
        name = events.users_channel() if key is USERS else events.group_channel(key)
        # The default prefix: channels-redis reads all of a process's channels with one
        # receive loop only when they share it (another prefix would wait on its lock).
        channel = await hub.layer.new_channel()
        await hub.layer.group_add(name, channel)
        return cls(hub, key, name, channel)

    async def close(self) -> None:
        self.task.cancel()
        try:
            await self.hub.layer.group_discard(self.name, self.channel)
        except Exception:  # the group entry expires by itself; nothing is lost
            logger.warning("could not leave %s", self.name, exc_info=True)

    async def _read(self) -> None:
        delay = 0.1
        while True:
            try:
                message = await self.hub.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer is down (Redis restarting). Clients notice missed events by
                # the heartbeat and resume; rejoin in case the group entry was lost.
                logger.warning("%s unreadable; retrying", self.name, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_CAP)
                with contextlib.suppress(Exception):  # still down: the next receive says so
                    await self.hub.layer.group_add(self.name, self.channel)
                continue
            delay = 0.1
            if self.key is USERS:
                await self.hub.deliver_to_users(message)
            else:
                await self.hub.deliver(self.key, message)


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.sockets: dict[int, set[Socket]] = {}
        self.by_user: dict[int, set[Socket]] = {}
        self.subscriptions: dict[int | None, Subscription] = {}
        self.lock = asyncio.Lock()
        self.presence_pending: dict[int, asyncio.Task] = {}
        self.seqs: dict[int, tuple[float, int]] = {}
        self.seq_reads: dict[int, asyncio.Future] = {}
        self.group_locks: dict[int, asyncio.Lock] = {}
        self.tickets = itertools.count()
        self.online_reads: SharedReads[list[int]] = SharedReads(
            lambda group_id: presence().online(group_id), self.tickets
        )
        self.connect_seqs: SharedReads[int] = SharedReads(
            lambda group_id: database_sync_to_async(events.latest_seq)(group_id), self.tickets
        )

    async def attach(self, group_id: int | None, user_id: int, socket: Socket) -> None:
        """From now on the socket gets the group's frames and those sent to its person
        (the layer has the process in both before this returns). A socket of no group
        (`group_id` None: the bell of a page outside the discussions) gets only the
        person's."""
        async with self.lock:
            for key in (USERS,) if group_id is None else (USERS, group_id):
                if key not in self.subscriptions:
                    self.subscriptions[key] = await Subscription.open(self, key)
            if group_id is not None:
                self.sockets.setdefault(group_id, set()).add(socket)
            self.by_user.setdefault(user_id, set()).add(socket)

    async def detach(self, group_id: int | None, user_id: int, socket: Socket) -> None:
        async with self.lock:
            for index, key in ((self.sockets, group_id), (self.by_user, user_id)):
                if key is None:
                    continue
                index.get(key, set()).discard(socket)
                if not index.get(key, True):
                    del index[key]
            closing: list[int | None] = []
            if group_id is not None and group_id not in self.sockets:
                closing.append(group_id)
            if not self.by_user:  # every socket, of a group or not, is someone's
                closing.append(USERS)
            for subscription_key in closing:
                if subscription := self.subscriptions.pop(subscription_key, None):
                    await subscription.close()
                if subscription_key is not USERS:
                    self.online_reads.forget(subscription_key)
                    self.connect_seqs.forget(subscription_key)

    def group_lock(self, group_id: int) -> asyncio.Lock:
        """Held by a socket of the group while its action runs (groups.consumers)."""
        if (lock := self.group_locks.get(group_id)) is None:
            lock = self.group_locks[group_id] = asyncio.Lock()
        return lock

    async def deliver(self, group_id: int, message: dict) -> None:
        if (seq := message.get("seq")) is not None:
            self._saw_seq(group_id, seq)
        await self._hand(self.sockets.get(group_id, ()), message)

    async def deliver_to_users(self, message: dict) -> None:
        """{"frames": {user id: text}}: each text to every socket of that person here."""
        for user_id, text in message["frames"].items():
            sockets = self.by_user.get(int(user_id))
            if sockets:
                await self._hand(sockets, {"type": "group.frame", "text": text})

    @staticmethod
    async def _hand(sockets, message: dict) -> None:
        frame = Frame(message)
        for socket in list(sockets):
            try:
                # Straight to the transport when the socket can take it now; otherwise
                # (held while it answers a frame, or not served by gwd.server) the
                # consumer's own road.
                if not socket.group_frame_now(frame):
                    await socket.group_frame(message)
            except Exception:  # one broken socket must not starve the others
                logger.warning("could not deliver a frame to a socket", exc_info=True)

    # --- What a socket is told when it connects -----------------------------------

    def ticket(self) -> int:
        """A point in the process's time: what is asked for `after` it is read later."""
        return next(self.tickets)

    async def online(self, group_id: int, *, after: int) -> list[int]:
        """Who is online in the group, by a read of the store begun after `after`."""
        return await self.online_reads.get(group_id, after=after)

    async def seq_now(self, group_id: int, *, after: int) -> int:
        """The group's latest seq, by a read of the database begun after `after`."""
        self._saw_seq(group_id, await self.connect_seqs.get(group_id, after=after), fresh=True)
        return self.seqs[group_id][1]

    # --- Presence -----------------------------------------------------------------

    def presence_changed(self, group_id: int) -> None:
        """Someone came or went: tell the group once PRESENCE_DELAY has gathered the
        other comings and goings (a meeting's start brings hundreds at once)."""
        if group_id not in self.presence_pending:
            self.presence_pending[group_id] = asyncio.create_task(self._announce(group_id))

    async def _announce(self, group_id: int) -> None:
        try:
            await asyncio.sleep(PRESENCE_DELAY)
        finally:
            self.presence_pending.pop(group_id, None)
        online = await self.online(group_id, after=self.ticket())
        text = events.frame_text({"type": "presence", "online": online})
        try:
            await self.layer.group_send(
                events.group_channel(group_id), {"type": "group.frame", "text": text}
            )
        except Exception:
            logger.warning("presence not announced", exc_info=True)

    # --- The latest event number, for heartbeats ----------------------------------

    async def latest_seq(self, group_id: int) -> int:
        """The group's latest seq, read from the database at most once per fifth of the
        heartbeat interval per process (5 s by default). Stale by that much at worst: a
        client then notices a lost event at the next heartbeat instead of this one."""
        cached = self.seqs.get(group_id)
        if cached and time.monotonic() - cached[0] < settings.HEARTBEAT_SECONDS / 5:
            return cached[1]
        if (reading := self.seq_reads.get(group_id)) is None:
            reading = self.seq_reads[group_id] = asyncio.ensure_future(
                database_sync_to_async(events.latest_seq)(group_id)
            )
            reading.add_done_callback(lambda _: self.seq_reads.pop(group_id, None))
        seq = await asyncio.shield(reading)
        self._saw_seq(group_id, seq, fresh=True)
        return self.seqs[group_id][1]

    def _saw_seq(self, group_id: int, seq: int, *, fresh: bool = False) -> None:
        read_at, known = self.seqs.get(group_id, (0.0, 0))
        self.seqs[group_id] = (time.monotonic() if fresh else read_at, max(known, seq))


# A hub per event loop and channel layer: tests run many loops and fresh layers.
_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub_for(layer) -> Hub:
    loop = asyncio.get_running_loop()
    hubs = _hubs.setdefault(loop, weakref.WeakKeyDictionary())
    if (hub := hubs.get(layer)) is None:
        hub = hubs[layer] = Hub(layer)
    return hub
