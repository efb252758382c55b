"""The JSON of the GUS Local Data Bank API (BDL, ``https://bdl.stat.gov.pl/api/v1/``).

Two responses carry values, both paginated (``page`` counts from 0, ``page-size`` at
most 100, ``links.next`` names the following page until the last):

- ``data/by-variable/{varId}``: ``{"totalRecords", "page", "pageSize", "links",
  "variableId", "measureUnitId", "lastUpdate", "results": [{"id": unit id, "name",
  "values": [{"year", "val", "attrId"}]}]}`` — one variable, many units;
- ``data/by-unit/{unitId}``: ``{"totalRecords", "page", "pageSize", "links", "unitId",
  "unitName", "aggregateId", "results": [{"id": variable id, "values": [...]}]}`` — one
  unit, many variables.

BDL unit ids are its own 12-digit codes, not TERYT codes; GWD keeps them on the unit
(``TerritorialUnit.bdl_id``) and the variable id on the indicator
(``Indicator.bdl_variable_id``). ``attrId`` 1 marks an ordinary value; any other
attribute (no data, confidential, …) is reported and not imported.

Live requests (``fetch_all``) are optional: they are cached, paced by a rate limit and
fail with a ``BdlError`` that says why, which the page shows.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from gwd import ratelimit

ORDINARY_VALUE = 1
PAGE_SIZE = 100
MAX_PAGES = 50
TIMEOUT_SECONDS = 15
MAX_PAGE_BYTES = 5 * 1024 * 1024  # a page of 100 units is some 30 KB
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
CACHE_SECONDS = 24 * 3600


class BdlError(Exception):
    """`message` says, in the reader's language, what went wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Record:
    unit_id: str
    unit_name: str
    variable_id: str
    year: int
    value: Decimal | None  # None when the attribute says there is no ordinary value
    attribute: int


@dataclass(frozen=True)
class Page:
    records: list[Record]
    total: int
    next_url: str


def _values(unit_id: str, unit_name: str, variable_id: str, values: Any) -> Iterator[Record]:
    if not isinstance(values, list):
        raise BdlError(_("The BDL file has no list of values."))
    for item in values:
        if not isinstance(item, dict):
            raise BdlError(_("The BDL file has a value that is not an object."))
        try:
            year = int(item["year"])
            attribute = int(item.get("attrId", ORDINARY_VALUE))
            raw = item.get("val")
            value = None if raw is None else Decimal(str(raw))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise BdlError(_("The BDL file has a value without a year or a number.")) from None
        if value is not None and not value.is_finite():
            value = None
        if attribute != ORDINARY_VALUE:
            value = None
        yield Record(unit_id, unit_name, variable_id, year, value, attribute)


def parse(payload: Any) -> Page:
    """The records of one page of ``data/by-variable`` or ``data/by-unit``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise BdlError(_("This is not a BDL data response (no “results”)."))
    records: list[Record] = []
    if "unitId" in payload:
        unit_id = str(payload["unitId"])
        unit_name = str(payload.get("unitName") or "")
        for result in payload["results"]:
            if not isinstance(result, dict) or "id" not in result:
                raise BdlError(_("The BDL file has a result without an id."))
            records.extend(_values(unit_id, unit_name, str(result["id"]), result.get("values")))
    elif "variableId" in payload:
        variable_id = str(payload["variableId"])
        for result in payload["results"]:
            if not isinstance(result, dict) or "id" not in result:
                raise BdlError(_("The BDL file has a result without an id."))
            records.extend(
                _values(
                    str(result["id"]),
                    str(result.get("name") or ""),
                    variable_id,
                    result.get("values"),
                )
            )
    else:
        raise BdlError(_("This BDL response is neither by variable nor by unit."))
    links = payload.get("links")
    next_url = (links.get("next") if isinstance(links, dict) else None) or ""
    try:
        total = int(payload.get("totalRecords") or len(payload["results"]))
    except (TypeError, ValueError):
        total = len(payload["results"])
    return Page(records=records, total=total, next_url=str(next_url))


def parse_text(text: bytes | str) -> Page:
    """A saved response file, as bytes or text."""
    try:
        payload = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BdlError(_("The file is not JSON.")) from None
    return parse(payload)


def variable_url(variable_id: str, *, unit_level: int, years: list[int]) -> str:
    """The first page of ``data/by-variable`` for the units of one level."""
    query = [("format", "json"), ("unit-level", str(unit_level)), ("page-size", str(PAGE_SIZE))]
    query += [("year", str(year)) for year in years]
    base = settings.BDL_API_URL.rstrip("/")
    return f"{base}/data/by-variable/{urllib.parse.quote(variable_id)}?" + urllib.parse.urlencode(
        query
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # BDL answers where it is asked; a redirect could lead anywhere, file:// aside.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, msg, headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirect)


def _check_url(url: str) -> None:
    """Refuse an address that is not under settings.BDL_API_URL: a response's
    `links.next` is followed only within BDL, over https (plain http only to this
    machine, for a local mirror)."""
    base = urllib.parse.urlsplit(settings.BDL_API_URL.rstrip("/") + "/")
    asked = urllib.parse.urlsplit(url)
    segments = urllib.parse.unquote(asked.path).split("/")
    if (
        (asked.scheme, asked.netloc) != (base.scheme, base.netloc)
        or not asked.path.startswith(base.path)
        or ".." in segments
        or "." in segments
    ):
        raise BdlError(_("The BDL answer points to an address outside BDL."))
    if asked.scheme != "https" and not (
        asked.scheme == "http" and asked.netloc.rpartition(":")[0] in LOOPBACK_HOSTS
    ):
        raise BdlError(_("BDL is asked over https only."))


def _get(url: str) -> Any:
    _check_url(url)
    cached = cache.get(f"bdl:{url}")
    if cached is not None:
        return cached
    # BDL limits anonymous clients per address; the whole site counts as one.
    wait = ratelimit.hit(settings.BDL_RATE, "bdl")
    if wait is not None:
        raise BdlError(
            _("GWD has asked BDL too often; try again in %(seconds)s s.") % {"seconds": wait}
        )
    headers = {"Accept": "application/json"}
    if settings.BDL_CLIENT_ID:
        headers["X-ClientId"] = settings.BDL_CLIENT_ID
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (https from settings)
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise BdlError(
            _("BDL answered %(status)s %(reason)s.")
            % {"status": error.code, "reason": error.reason}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise BdlError(_("BDL cannot be reached: %(reason)s.") % {"reason": error}) from None
    if len(body) > MAX_PAGE_BYTES:
        raise BdlError(
            _("A page of the BDL answer is larger than %(mb)s MB.")
            % {"mb": MAX_PAGE_BYTES // (1024 * 1024)}
        )
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BdlError(_("BDL answered something that is not JSON.")) from None
    cache.set(f"bdl:{url}", payload, CACHE_SECONDS)
    return payload


def fetch_all(url: str) -> tuple[list[Record], int]:
    """Every page from ``url`` on, following ``links.next``; (records, pages read)."""
    if not settings.BDL_API_URL:
        raise BdlError(_("Live BDL requests are turned off on this server."))
    records: list[Record] = []
    pages = 0
    while url and pages < MAX_PAGES:
        page = parse(_get(url))
        records.extend(page.records)
        pages += 1
        url = page.next_url
    if url:
        raise BdlError(_("The BDL answer has more than %(pages)s pages.") % {"pages": MAX_PAGES})
    return records, pages
