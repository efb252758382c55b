"""A live BDL fetch reads BDL and nothing else: a `links.next` that names another
address, a redirect or a page of more than 5 MB is refused with a reason; plain http is
accepted only to this machine (a local mirror or a test's recorded server)."""

import http.server
import json
import threading

import pytest

from indicators import bdl

PAGE = {"variableId": "60559", "totalRecords": 1, "results": [], "links": {}}


class _Bdl(http.server.BaseHTTPRequestHandler):
    base = ""
    seen: list[str] = []

    def do_GET(self):
        self.seen.append(self.path)
        if "redirect" in self.path:
            self.send_response(302)
            self.send_header("Location", self.base + "/data/by-variable/60559?moved")
            self.end_headers()
            return
        payload = dict(PAGE)
        if "next=" in self.path:
            payload["links"] = {"next": self.path.split("next=", 1)[1]}
        if "huge" in self.path:
            payload["padding"] = "x" * (6 * 1024 * 1024)
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_bdl(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Bdl)
    _Bdl.base = f"http://127.0.0.1:{server.server_port}"
    _Bdl.seen = []
    settings.BDL_API_URL = _Bdl.base + "/api/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Bdl
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "next_url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:9/api/v1/data",  # the same host, another port
        "API_BASE/../../admin",
    ],
)
def test_a_next_page_outside_bdl_is_refused_and_not_fetched(local_bdl, next_url):
    next_url = next_url.replace("API_BASE", local_bdl.base + "/api/v1")
    with pytest.raises(bdl.BdlError) as raised:
        bdl.fetch_all(f"{local_bdl.base}/api/v1/data/by-variable/60559?next={next_url}")
    assert "BDL" in raised.value.message
    assert len(local_bdl.seen) == 1


def test_a_next_page_of_bdl_itself_is_followed(local_bdl):
    following = f"{local_bdl.base}/api/v1/data/by-variable/60559?page=1"
    _records, pages = bdl.fetch_all(
        f"{local_bdl.base}/api/v1/data/by-variable/60559?next={following}"
    )
    assert pages == 2


def test_a_first_address_outside_bdl_is_refused(local_bdl):
    with pytest.raises(bdl.BdlError):
        bdl.fetch_all("file:///etc/passwd")
    assert local_bdl.seen == []


def test_a_redirect_is_not_followed(local_bdl):
    with pytest.raises(bdl.BdlError):
        bdl.fetch_all(f"{local_bdl.base}/api/v1/data/by-variable/60559?redirect")
    assert len(local_bdl.seen) == 1


def test_a_page_larger_than_5_mb_is_refused(local_bdl):
    with pytest.raises(bdl.BdlError) as raised:
        bdl.fetch_all(f"{local_bdl.base}/api/v1/data/by-variable/60559?huge")
    assert "MB" in raised.value.message


def test_plain_http_to_another_machine_is_refused(settings):
    settings.BDL_API_URL = "http://bdl.example.invalid/api/v1"
    with pytest.raises(bdl.BdlError) as raised:
        bdl.fetch_all("http://bdl.example.invalid/api/v1/data/by-variable/1")
    assert "https" in raised.value.message
