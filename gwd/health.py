"""What /healthz and `manage.py healthcheck` report: each dependency and the worker."""

import ipaddress
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gwd import metrics

WORKER_LAG_LIMIT = 300  # seconds a due task may wait before the worker counts as late


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    result = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    if detail is not None:
        result.update(detail)
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    key = f"gwd:health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)


def _storage():
    # A lookup, not a write: cheap enough for a load balancer to ask every few seconds,
    # and it leaves nothing behind in a versioned bucket.
    default_storage.exists("health-check")


def _worker():
    oldest = (
        DBTaskResult.objects.filter(status="READY", run_after__lte=timezone.now())
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    if lag > WORKER_LAG_LIMIT:
        raise RuntimeError(f"tasks wait {lag:.0f} s")
    return {"lag_seconds": round(lag, 1)}


def report() -> dict:
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "storage": _timed(_storage),
        "worker": _timed(_worker),
    }
    return {
        "ok": all(check["ok"] for check in checks.values()),
        "checks": checks,
        "redis": bool(settings.REDIS_URL),
        "counters": metrics.snapshot(),
    }


def detail_allowed(request) -> bool:
    """Whether this caller may see more of /healthz than `ok`."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _detail_networks())


def _detail_networks() -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.HEALTHZ_DETAIL_FROM]
