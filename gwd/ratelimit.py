"""Rate limits shared by every process: in memory on the embedded set-up, in Redis when
REDIS_URL is set (so two daphne processes count one member's messages together)."""

import logging
import math
import time
from functools import cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)


@cache
def _limiter() -> MovingWindowRateLimiter:
    storage: Storage
    if settings.REDIS_URL:
        storage = RedisStorage(settings.REDIS_URL, key_prefix=f"{settings.CACHE_PREFIX}-limits")
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage)


@cache
def _local_limiter() -> MovingWindowRateLimiter:
    """Counts in this process alone: what a limit falls back on while Redis is down."""
    return MovingWindowRateLimiter(MemoryStorage())


@cache
def _rate(rate: str) -> RateLimitItem:
    return parse(rate)


def hit(rate: str, *key: str) -> int | None:
    """Count one hit against `rate` (e.g. "10/10seconds") for `key`.

    Returns None when allowed, or the whole seconds to wait before trying again.
    """
    item = _rate(rate)
    try:
        return _hit(_limiter(), item, key)
    except Exception:
        # Fail safe, not open: while the shared store is down each process counts on
        # its own, so a member can at worst send once per process what the limit allows,
        # never without limit. The outage is logged.
        logger.warning("rate limit store unavailable; %s counted locally", rate, exc_info=True)
        return _hit(_local_limiter(), item, key)


def _hit(limiter: MovingWindowRateLimiter, item: RateLimitItem, key: tuple[str, ...]):
    if limiter.hit(item, *key):
        return None
    reset_at, _remaining = limiter.get_window_stats(item, *key)
    return max(1, math.ceil(reset_at - time.time()))


def reset() -> None:
    """Forget every count (tests)."""
    _limiter().storage.reset()
    _local_limiter().storage.reset()
