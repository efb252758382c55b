"""The cache as a saving, not a need: what is kept there can always be made again, so an
unreachable cache is logged and the work done, never an error page."""

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def kept(keys: list[str], what: str) -> dict[str, Any]:
    """The values kept under `keys`, or none when the cache cannot be read."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("%s not read from the cache", what, exc_info=True)
        return {}


def keep(values: dict[str, Any], seconds: int, what: str) -> None:
    """Keep `values` for `seconds`, or nothing when the cache cannot be written."""
    try:
        cache.set_many(values, seconds)
    except Exception:
        logger.warning("%s not kept in the cache", what, exc_info=True)
