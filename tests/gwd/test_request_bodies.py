"""Request bodies on a real server started the way GWD starts it (`python -m gwd.server`):
no body costs the process much more than a block of itself, whoever sends it and
wherever, and a body over its URL's limit is answered with 413 without being stored.

Plain daphne let Twisted parse every multipart body whole with the e-mail parser: one
anonymous 50 MB POST to the sign-in page cost the process about 650 MB.
"""

import contextlib
import http.client
import re
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.groups.cluster import Cluster
from tests.resources.test_library import make_pdf

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
BLOCK = 256 * 1024
# What a 50 MB body may add to the server's memory at most (it cost +650 MB before).
GROWTH_LIMIT_MB = 80


class GWDServer(Cluster):
    """One server on the embedded defaults (SQLite, in-memory layer), started as the
    Makefile and deploy/systemd start it; members and sessions as in Cluster."""

    def __init__(self, work: Path):
        super().__init__(work, redis_url="", processes=1)
        # Pages are rendered as in production, from a collected static manifest.
        self.env["STATIC_ROOT"] = str(work / "static")

    def prepare(self) -> None:
        super().prepare()
        self.manage("collectstatic", "--no-input", "-v0")

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def pid(self) -> int:
        return self.processes[0].pid


@pytest.fixture(scope="module")
def gwd_server(tmp_path_factory):
    server = GWDServer(tmp_path_factory.mktemp("gwd-server"))
    server.prepare()
    server.start(0)
    yield server
    server.stop_all()


# --- A client ------------------------------------------------------------------------


class Visitor:
    """A browser in plain HTTP: cookies, the CSRF token of the last form, streamed bodies."""

    def __init__(self, port: int, session: str = ""):
        self.port = port
        self.cookies = {"sessionid": session} if session else {}
        self.csrf = ""

    def request(self, method, path, body=None, length=None, headers=None):
        """(status, headers, body). `body`: bytes, or an iterable of bytes sent with
        `length` as Content-Length, or chunked when `length` is None."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            sent = {"Origin": f"http://127.0.0.1:{self.port}", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if self.csrf:
                sent["X-CSRFToken"] = self.csrf
            if length is not None:
                sent["Content-Length"] = str(length)
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def open_form(self, path: str) -> None:
        status, _, page = self.request("GET", path)
        assert status == 200, status
        self.csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()


def multipart(fields: dict[str, str], file_name: str, content_type: str, size: int, data=None):
    """(content type, length, body blocks) of a multipart form with one file: `data`, or
    `size` bytes that repeat one block."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    if data is not None:
        size = len(data)
    block = bytes(range(256)) * (BLOCK // 256)

    def blocks():
        yield head
        if data is not None:
            yield data
        else:
            left = size
            while left:
                yield block[: min(BLOCK, left)]
                left -= min(BLOCK, left)
        yield tail

    return f"multipart/form-data; boundary={boundary}", len(head) + size + len(tail), blocks()


def post_multipart(visitor: Visitor, path: str, size: int) -> tuple[int, bytes]:
    content_type, length, blocks = multipart(
        {"login": "someone@example.test", "password": "guess"},
        "big.bin",
        "application/octet-stream",
        size,
    )
    status, _, page = visitor.request(
        "POST", path, blocks, length, headers={"Content-Type": content_type}
    )
    return status, page


# --- Memory ----------------------------------------------------------------------------


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


@contextlib.contextmanager
def rss_growth(pid: int):
    """Yields a dict whose "growth" is, afterwards, the process's peak RSS while the
    block ran minus its RSS before, in MB: from the kernel's high-water mark (reset
    first), and from samples in case the mark cannot be reset."""
    result = {"growth": 0.0}
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
        high_water = True
    except OSError:
        high_water = False
    before = peak = _status_mb(pid, "VmRSS")
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.wait(0.01):
            peak = max(peak, _status_mb(pid, "VmRSS"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()
        peak = max(peak, _status_mb(pid, "VmRSS"))
        if high_water:
            peak = max(peak, _status_mb(pid, "VmHWM"))
        result["growth"] = peak - before


# --- The tests --------------------------------------------------------------------------


def test_an_anonymous_50_mb_multipart_post_to_sign_in_costs_little_and_gets_413(gwd_server):
    visitor = Visitor(gwd_server.port)
    visitor.open_form("/accounts/login/")
    # The same request once, small, so that what the first one loads is not counted.
    assert post_multipart(visitor, "/accounts/login/", 64 * 1024)[0] == 200
    with rss_growth(gwd_server.pid) as memory:
        status, page = post_multipart(visitor, "/accounts/login/", 50 * MB)
    assert status == 413
    assert b"Content Too Large" in page
    assert memory["growth"] < GROWTH_LIMIT_MB
    # The server is unharmed and the same connection's successor is served as usual.
    assert visitor.request("GET", "/accounts/login/")[0] == 200


def test_a_50_mb_body_under_its_limit_reaches_gwd_without_costing_its_size(gwd_server):
    """The upload form takes a whole document: the body reaches Django, which parses it
    from disk; Twisted does not parse it and daphne does not queue it whole."""
    visitor = Visitor(gwd_server.port)
    visitor.open_form("/accounts/login/")
    path = "/groups/ppp/library/upload/"
    assert post_multipart(visitor, path, 64 * 1024)[0] == 302  # to the sign-in page
    with rss_growth(gwd_server.pid) as memory:
        status, _ = post_multipart(visitor, path, 50 * MB)
    assert status == 302
    assert memory["growth"] < GROWTH_LIMIT_MB


def test_six_anonymous_50_mb_posts_at_once_cost_little(gwd_server):
    visitors = [Visitor(gwd_server.port) for _ in range(6)]
    for visitor in visitors:
        visitor.open_form("/accounts/login/")
    statuses: list[int] = []
    with rss_growth(gwd_server.pid) as memory:
        threads = [
            threading.Thread(
                target=lambda v=v: statuses.append(
                    post_multipart(v, "/accounts/login/", 50 * MB)[0]
                )
            )
            for v in visitors
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [413] * 6
    assert memory["growth"] < GROWTH_LIMIT_MB


def test_a_form_body_of_exactly_the_limit_reaches_gwd_and_one_byte_more_does_not(gwd_server):
    limit = settings.REQUEST_BODY_MAX_BYTES
    visitor = Visitor(gwd_server.port)  # no CSRF cookie: Django refuses it, unread
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = visitor.request(
        "POST", "/accounts/login/", b"a=" + b"x" * (limit - 2), None, form
    )
    assert status == 403
    status, _, _ = visitor.request(
        "POST", "/accounts/login/", b"a=" + b"x" * (limit - 1), None, form
    )
    assert status == 413


def test_a_chunked_body_is_refused_when_it_passes_the_limit(gwd_server):
    visitor = Visitor(gwd_server.port)
    block = b"x" * BLOCK
    blocks = (block for _ in range(settings.REQUEST_BODY_MAX_BYTES // BLOCK + 2))
    headers = {"Content-Type": "application/octet-stream"}
    assert visitor.request("POST", "/accounts/login/", blocks, None, headers)[0] == 413
    small = (block for _ in range(2))
    assert visitor.request("POST", "/accounts/login/", small, None, headers)[0] == 403


# An anonymous visitor's post that Django answered: the CSRF check, or the sign-in page.
REACHED_GWD = (302, 403)


def test_each_location_has_its_own_limit(gwd_server):
    visitor = Visitor(gwd_server.port)
    headers = {"Content-Type": "application/octet-stream"}

    def answer(path: str, size: int) -> int:
        blocks = (b"x" * min(BLOCK, size - n) for n in range(0, size, BLOCK))
        return visitor.request("POST", path, blocks, size, headers)[0]

    chunk = settings.REQUEST_BODY_LIMITS["resources:upload-session"]
    assert chunk >= settings.UPLOAD_CHUNK_BYTES
    assert answer("/groups/ppp/library/uploads/1/", chunk + 1) == 413
    assert answer("/groups/ppp/library/uploads/1/", chunk) in REACHED_GWD
    document = settings.REQUEST_BODY_LIMITS["resources:document-upload"]
    assert document >= settings.UPLOAD_MAX_BYTES
    assert answer("/groups/ppp/library/upload/", document + 1) == 413
    assert answer("/groups/ppp/library/42/versions/new/", document + 1) == 413
    # The form limit elsewhere, also for a URL that does not exist.
    assert answer("/groups/ppp/library/upload/", settings.REQUEST_BODY_MAX_BYTES + 1) in REACHED_GWD
    assert answer("/nowhere/", settings.REQUEST_BODY_MAX_BYTES + 1) == 413


def test_a_member_still_uploads_through_the_form_without_javascript(gwd_server):
    member = Visitor(gwd_server.port, gwd_server.data["sessions"]["plock"])
    member.open_form("/groups/ppp/library/")
    pdf = make_pdf("Umowa ESCO bez JavaScriptu")
    content = pdf + b"%" + b"x" * (3 * MB)  # past Django's in-memory size: a temporary file
    content_type, length, blocks = multipart(
        {"csrfmiddlewaretoken": member.csrf, "title": "Bez JavaScriptu", "language": "pl"},
        "umowa.pdf",
        "application/pdf",
        0,
        data=content,
    )
    status, headers, _ = member.request(
        "POST", "/groups/ppp/library/upload/", blocks, length, {"Content-Type": content_type}
    )
    assert status == 302
    status, _, page = member.request("GET", headers["Location"])
    assert status == 200
    assert b"Bez JavaScriptu" in page
