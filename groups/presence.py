"""Who is online in a group, across every daphne process.

Each open socket is an entry (user, socket) with an expiry that the heartbeat renews, so
a process that dies without saying goodbye stops counting once its entries expire.
Redis keeps the entries when REDIS_URL is set; otherwise this process's memory does.
"""

import logging
import time
import weakref
from functools import cache

from django.conf import settings

TTL_SECONDS = 90
logger = logging.getLogger(__name__)


class LocalPresence:
    def __init__(self) -> None:
        self._entries: dict[int, dict[str, float]] = {}

    async def join(self, group_id: int, user_id: int, socket: str) -> None:
        self._entries.setdefault(group_id, {})[f"{user_id}:{socket}"] = time.time() + TTL_SECONDS

    async def leave(self, group_id: int, user_id: int, socket: str) -> None:
        self._entries.get(group_id, {}).pop(f"{user_id}:{socket}", None)

    async def online(self, group_id: int) -> list[int]:
        now = time.time()
        entries = self._entries.get(group_id, {})
        for key in [k for k, expiry in entries.items() if expiry < now]:
            del entries[key]
        return sorted({int(key.split(":", 1)[0]) for key in entries})


class RedisPresence:
    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        # Keyed by the loop itself (weakly): a loop id can be reused once a loop is gone.
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @property
    def _redis(self):
        # A redis.asyncio client belongs to the event loop it was made in.
        import asyncio

        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            from redis.asyncio.retry import Retry
            from redis.backoff import ExponentialBackoff
            from redis.exceptions import ConnectionError as RedisConnectionError

            client = self._clients[loop] = redis.asyncio.Redis.from_url(
                self._url,
                health_check_interval=10,
                retry=Retry(ExponentialBackoff(cap=1, base=0.05), 3),
                retry_on_error=[RedisConnectionError],
            )
        return client

    def _key(self, group_id: int) -> str:
        return f"{self._prefix}:presence:{group_id}"

    async def join(self, group_id: int, user_id: int, socket: str) -> None:
        key = self._key(group_id)
        # One round trip: every socket joins at connect and again at each heartbeat.
        pipe = self._redis.pipeline(transaction=False)
        pipe.zadd(key, {f"{user_id}:{socket}": time.time() + TTL_SECONDS})
        pipe.expire(key, TTL_SECONDS * 2)
        await pipe.execute()

    async def leave(self, group_id: int, user_id: int, socket: str) -> None:
        await self._redis.zrem(self._key(group_id), f"{user_id}:{socket}")

    async def online(self, group_id: int) -> list[int]:
        key = self._key(group_id)
        pipe = self._redis.pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", time.time())
        pipe.zrange(key, 0, -1)
        _expired, members = await pipe.execute()
        return sorted({int(m.decode().split(":", 1)[0]) for m in members})


class Tolerant:
    """Presence is a courtesy: if its store fails, sockets keep working and nobody is
    listed as online until it is back."""

    def __init__(self, inner):
        self.inner = inner

    async def join(self, *args) -> None:
        try:
            await self.inner.join(*args)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)

    async def leave(self, *args) -> None:
        try:
            await self.inner.leave(*args)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)

    async def online(self, group_id: int) -> list[int]:
        try:
            return await self.inner.online(group_id)
        except Exception:
            logger.warning("presence unavailable", exc_info=True)
            return []


@cache
def presence() -> Tolerant:
    if settings.REDIS_URL:
        return Tolerant(RedisPresence(settings.REDIS_URL, settings.CACHE_PREFIX))
    return Tolerant(LocalPresence())
