"""Counters of delivery, kept in the cache (Redis in production, shared by processes):
how often clients resumed and how many events were replayed to them, resyncs, and
frames refused for flooding or pace. /healthz shows them."""

from django.core.cache import cache

NAMES = ("resumes", "events_replayed", "resyncs", "frames_flood", "messages_rate_limited")
PREFIX = "gwd:metrics:"


def count(name: str, amount: int = 1) -> None:
    key = PREFIX + name
    try:
        if not cache.add(key, amount, timeout=None):
            cache.incr(key, amount)
    except Exception:  # noqa: S110 — counting must never break delivery
        pass


def snapshot() -> dict[str, int]:
    try:
        values = cache.get_many([PREFIX + name for name in NAMES])
    except Exception:
        return {}
    return {name: int(values.get(PREFIX + name, 0)) for name in NAMES}
