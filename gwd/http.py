"""Values from a request that views must not trust: where to go next, and ids."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# The largest id any GWD table can hold (a 64-bit signed primary key). A larger number
# cannot name a row, and SQLite and PostgreSQL both fail on it instead of finding nothing.
MAX_ID = 2**63 - 1


def safe_next(request: HttpRequest, fallback: str, *, value: str | None = None) -> str:
    """Where to send the person after a form: the `next` the form carried (or `value`)
    when it points into this site, otherwise `fallback`. Nothing from a request is ever
    a redirect to another host, another scheme or a scheme-relative //host."""
    if value is None:
        value = request.POST.get("next") or request.GET.get("next")
    target = value or ""
    # Only a path or a URL of this host; printable, since a CR/LF cannot go in a header
    # and a bare word ("-1") would be taken for the name of a URL pattern by redirect().
    if (
        target.isprintable()
        and (target.startswith("/") or urlsplit(target).netloc)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def parse_int(value: str | None, *, minimum: int, maximum: int) -> int | None:
    """The whole number written in `value` in ASCII digits, between `minimum` and
    `maximum`, or None for anything else. "²" and "١" are digits to str.isdigit() but
    not to int(), which is why views must not test with isdigit()."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: str | None) -> int | None:
    """The id written in `value` (1 to MAX_ID), or None: 10**25 names no row."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def parse_ids(values: Iterable[str], *, limit: int | None = None) -> list[int]:
    """The ids in `values` (a form's list, or a comma-separated query split), in order,
    without repeats and empty entries. Anything that is not an id is a 400: a form or a
    client that sends it is broken or probing, and guessing what it meant writes rows
    nobody chose."""
    ids: dict[int, None] = {}
    for value in values:
        if not value.strip():
            continue
        number = parse_id(value)
        if number is None:
            raise BadRequest("not an id")
        ids[number] = None
    if limit is not None and len(ids) > limit:
        raise BadRequest("too many ids")
    return list(ids)
