"""GUS BDL responses, from the recorded files in tests/indicators/data/bdl: parsed, paged
through and imported by BDL's own unit and variable ids; a live fetch goes to a local
server that plays the recorded pages, never to the network."""

import http.server
import json
import threading
from decimal import Decimal as D
from pathlib import Path

import pytest

from indicators import bdl, imports
from indicators.models import Value, ValueSource, ValueStatus

DATA = Path(__file__).parent / "data" / "bdl"


def _payload(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def test_a_page_by_variable_gives_one_record_per_unit_and_year():
    page = bdl.parse(_payload("by-variable-60559-page0.json"))
    assert page.total == 3
    assert page.next_url.endswith("page=1")
    assert [(r.unit_id, r.unit_name, r.variable_id, r.year, r.value) for r in page.records] == [
        ("011212661011", "Kielce", "60559", 2023, D(402)),
        ("011212661011", "Kielce", "60559", 2024, D(368)),
        ("030612663011", "Lublin", "60559", 2023, D(511)),
        ("030612663011", "Lublin", "60559", 2024, None),  # attrId 6: not an ordinary value
    ]
    assert page.records[3].attribute == 6


def test_a_response_by_unit_gives_one_record_per_variable():
    page = bdl.parse(_payload("by-unit-011212661011.json"))
    assert page.next_url == ""
    assert [(r.unit_id, r.variable_id, r.year, r.value) for r in page.records] == [
        ("011212661011", "60559", 2024, D(368)),
        ("011212661011", "72305", 2024, D(183412)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        b"not json",
        b"[]",
        b'{"results": {}}',
        b'{"results": [], "other": 1}',
        b'{"variableId": 1, "results": [{"id": "1", "values": [{"val": 3}]}]}',
    ],
)
def test_what_is_not_a_bdl_response_is_refused_with_a_reason(text):
    with pytest.raises(bdl.BdlError) as error:
        bdl.parse_text(text)
    assert error.value.message


@pytest.mark.django_db
def test_the_import_matches_bdl_ids_and_reports_every_record(group, facilitator, cities, catalogue):
    records = bdl.parse(_payload("by-variable-60559-page0.json")).records
    records += bdl.parse(_payload("by-variable-60559-page1.json")).records
    result = imports.bdl_import(
        actor=facilitator,
        group=group,
        group_indicators=list(catalogue.values()),
        units=list(cities.values()),
        records=records,
        source_detail="by-variable-60559",
    )
    outcomes = [(row.unit, row.outcome) for row in result.rows]
    assert outcomes == [
        ("Kielce (011212661011)", imports.ACCEPTED),
        ("Kielce (011212661011)", imports.ACCEPTED),
        ("Lublin (030612663011)", imports.ACCEPTED),
        ("Lublin (030612663011)", imports.NOT_ORDINARY),
        ("Radom (071412865011)", imports.UNKNOWN_UNIT),  # not a member of the group
    ]
    stored = Value.objects.get(unit=cities["kielce"], indicator=catalogue["accidents"], year=2024)
    assert (stored.value, stored.status, stored.source) == (
        D(368),
        ValueStatus.VERIFIED,
        ValueSource.BDL,
    )
    assert stored.source_detail == "by-variable-60559"


class _Recorded(http.server.BaseHTTPRequestHandler):
    base = ""
    seen: list[str] = []

    def do_GET(self):
        self.seen.append(self.path)
        if "status500" in self.path:
            self.send_response(503, "Service Unavailable")
            self.end_headers()
            return
        name = (
            "by-variable-60559-page1.json"
            if "page=1" in self.path
            else "by-variable-60559-page0.json"
        )
        payload = _payload(name)
        if payload["links"].get("next"):
            payload["links"]["next"] = self.base + "/data/by-variable/60559?format=json&page=1"
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def recorded_bdl(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorded)
    _Recorded.base = f"http://127.0.0.1:{server.server_port}"
    _Recorded.seen = []
    settings.BDL_API_URL = _Recorded.base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Recorded
    server.shutdown()
    server.server_close()


def test_a_live_fetch_follows_the_pages_and_is_cached(recorded_bdl):
    url = bdl.variable_url("60559", unit_level=6, years=[2023, 2024])
    records, pages = bdl.fetch_all(url)
    assert pages == 2 and len(records) == 5
    assert len(recorded_bdl.seen) == 2
    bdl.fetch_all(url)
    assert len(recorded_bdl.seen) == 2  # both pages came from the cache


def test_a_failing_bdl_is_reported_not_swallowed(recorded_bdl):
    with pytest.raises(bdl.BdlError) as error:
        bdl.fetch_all(recorded_bdl.base + "/data/by-variable/1?status500")
    assert "503" in error.value.message


def test_an_unreachable_bdl_is_reported(settings):
    settings.BDL_API_URL = "http://127.0.0.1:9"
    with pytest.raises(bdl.BdlError) as error:
        bdl.fetch_all("http://127.0.0.1:9/data/by-variable/1")
    assert error.value.message


def test_the_site_stays_under_bdl_s_rate_limit(recorded_bdl, settings):
    settings.BDL_RATE = "2/minute"  # the first fetch reads two pages
    bdl.fetch_all(recorded_bdl.base + "/data/by-unit/011212661011")
    with pytest.raises(bdl.BdlError) as error:
        bdl.fetch_all(recorded_bdl.base + "/data/by-unit/other")
    assert "BDL" in error.value.message


def test_live_requests_can_be_turned_off(settings):
    settings.BDL_API_URL = ""
    with pytest.raises(bdl.BdlError):
        bdl.fetch_all("http://127.0.0.1:9/x")
