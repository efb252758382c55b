"""File-transfer benchmark: the memory (RSS) of the daphne process while one member
uploads a large document and downloads it again, and while anonymous visitors send
large bodies.

For each storage (the local private directory, and S3 against a moto server this
script starts) it uploads a generated PDF through the library's single-request form
and through the chunked upload (upload session, chunks, then the same form), then
downloads each version and checks that the bytes' SHA-256 is the one uploaded. Every
operation runs on a freshly started daphne that has first served a small warm-up
upload and download, so what one operation leaves in memory does not hide the next.
The daphne process's RSS is sampled every 20 ms (and its high-water mark read from
/proc); the client streams bodies from and to disk, so its own memory is not in play.

    .venv/bin/python bench/files.py --mb 200 --slow 20 --nginx /usr/sbin/nginx
    .venv/bin/python bench/files.py --mb 4 --storage local       # seconds, not minutes

First, an anonymous visitor (with the CSRF cookie and token of the sign-in page, as a
hostile script would have) sends a multipart body of --anonymous-mb MB (default: 50, or
--mb if smaller) to the sign-in page and to the library's upload form, then
--concurrent of them send one each to the sign-in page at the same time. The check
column gives the HTTP status: a body over the URL's limit gets 413 without being stored.

--server daphne runs plain daphne instead of gwd/server.py, as GWD ran before, to
compare.

--slow adds a download by a client that reads at that many MB/s (local storage: daphne
cannot slow the file down to the client's pace); --nginx adds the same download through
nginx, as a buffering proxy and with X-Accel-Redirect (FILES_ACCEL_REDIRECT), as
deploy/nginx/gwd.conf sets it up.

Servers start on spare ports with a temporary SQLite database and var directory
(BENCH_DATABASE_URL for another database). The generated PDF is a scan-like document:
pages of text over large image streams, so text extraction walks every page.
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import common

MB = 1024 * 1024
BLOCK = MB  # what the client reads from disk or the socket at a time


# --- The document -----------------------------------------------------------------------


def make_pdf(path: Path, size: int, pages: int = 100) -> str:
    """Write a valid PDF of about `size` bytes to `path`; return its SHA-256.

    Each page shows a line of text over a grey image of random bytes, as a scan with a
    text layer would. Written in blocks: the whole file is never in memory."""
    digest = hashlib.sha256()
    rng = random.Random(size)
    pages = max(1, min(pages, size // (64 * 1024)))
    width = 1024
    height = max(1, (size // pages) // width)
    offsets: dict[int, int] = {}
    written = 0

    with path.open("wb") as out:

        def put(data: bytes) -> None:
            nonlocal written
            out.write(data)
            digest.update(data)
            written += len(data)

        def obj(number: int, head: bytes, stream_length: int = 0) -> None:
            offsets[number] = written
            put(b"%d 0 obj\n" % number + head)
            if stream_length:
                put(b"\nstream\n")
                left = stream_length
                while left:
                    n = min(BLOCK, left)
                    put(rng.randbytes(n))
                    left -= n
                put(b"\nendstream")
            put(b"\nendobj\n")

        put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        kids = " ".join(f"{4 + 3 * p} 0 R" for p in range(pages)).encode()
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
        obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        for p in range(pages):
            page, content, image = 4 + 3 * p, 5 + 3 * p, 6 + 3 * p
            obj(
                page,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im0 %d 0 R >> >> >>"
                % (content, image),
            )
            text = "q 400 0 0 300 100 300 cm /Im0 Do Q BT /F1 12 Tf 72 712 Td "
            text += f"(Strona {p + 1}: umowa ESCO termomodernizacja) Tj ET"
            obj(content, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode()))
            obj(
                image,
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>"
                % (width, height, width * height),
                stream_length=width * height,
            )
        count = 3 + 3 * pages
        xref = written
        put(b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1))
        for number in range(1, count + 1):
            put(b"%010d 00000 n \n" % offsets[number])
        put(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, xref))
    return digest.hexdigest()


# --- Measuring the server -----------------------------------------------------------------


class Memory:
    """The daphne process's RSS, sampled every 20 ms while an operation runs."""

    def __init__(self, pid: int):
        self.pid = pid
        self.before = self.peak = 0.0
        self._high_water = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _status(self, field: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def __enter__(self) -> "Memory":
        # "5" resets the kernel's high-water mark of the RSS (VmHWM) to the current RSS.
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
            self._high_water = True
        except OSError:
            self._high_water = False
        self.before = self.peak = self._status("VmRSS")

        def sample() -> None:
            while not self._stop.wait(0.02):
                with contextlib.suppress(OSError):
                    self.peak = max(self.peak, self._status("VmRSS"))

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        with contextlib.suppress(OSError):
            self.peak = max(self.peak, self._status("VmRSS"))
            if self._high_water:
                self.peak = max(self.peak, self._status("VmHWM"))


# --- A member's browser, in plain HTTP ------------------------------------------------


class Member:
    """One signed-in member talking to one daphne: cookies, CSRF token, streamed bodies."""

    def __init__(self, port: int, session: str, slug: str):
        self.port = port
        self.slug = slug
        self.cookies = {"sessionid": session}
        self.csrf = ""

    def request(self, method, path, body=None, length=None, headers=None, sink=None, block=BLOCK):
        """(status, headers, body). `body` may be bytes or an iterable of bytes (then
        `length` is required); with `sink` the response body goes there block by block."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.putrequest(method, path)
            sent = {
                "Origin": f"http://127.0.0.1:{self.port}",
                "Accept-Language": "en",
                **(headers or {}),
            }
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if self.csrf:
                sent["X-CSRFToken"] = self.csrf
            if body is not None:
                sent["Content-Length"] = str(len(body) if length is None else length)
            for name, value in sent.items():
                connection.putheader(name, value)
            connection.endheaders()
            if isinstance(body, bytes):
                connection.send(body)
            elif body is not None:
                for block in body:
                    connection.send(block)
            response = connection.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            if sink is None:
                return response.status, dict(response.getheaders()), response.read()
            while data := response.read(block):
                sink(data)
            return response.status, dict(response.getheaders()), b""
        finally:
            connection.close()

    def open_sign_in(self) -> None:
        """As an anonymous visitor: the sign-in page's CSRF cookie and token."""
        status, _, page = self.request("GET", "/accounts/login/")
        assert status == 200, f"the sign-in page answered {status}"
        self.csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()

    def post_multipart(self, path: str, size: int) -> int:
        """A multipart body of about `size` bytes (sign-in fields and one file of
        arbitrary bytes), streamed; returns the status of the answer."""
        boundary = uuid.uuid4().hex
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in {"login": "someone@example.test", "password": "guess"}.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        block = random.Random(size).randbytes(BLOCK)

        def body():
            yield head
            left = size
            while left:
                yield block[: min(BLOCK, left)]
                left -= min(BLOCK, left)
            yield tail

        status, _, _ = self.request(
            "POST",
            path,
            body(),
            length=len(head) + size + len(tail),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        return status

    def library_path(self, tail: str = "") -> str:
        return f"/groups/{self.slug}/library/{tail}"

    def open_library(self) -> None:
        status, _, page = self.request("GET", self.library_path())
        assert status == 200, f"the library answered {status}"
        self.csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()

    def upload_classic(self, path: Path, title: str) -> str:
        """The single-request form: one multipart body. Returns the document's path."""
        boundary = uuid.uuid4().hex
        # The same file goes up again and again: the library's warning about a file it
        # already holds is answered at once.
        fields = {
            "csrfmiddlewaretoken": self.csrf,
            "title": title,
            "language": "pl",
            "duplicate_ok": "1",
        }
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = path.stat().st_size

        def body():
            yield head
            with path.open("rb") as source:
                while block := source.read(BLOCK):
                    yield block
            yield tail

        status, headers, page = self.request(
            "POST",
            self.library_path("upload/"),
            body(),
            length=len(head) + size + len(tail),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert status == 302, f"the upload answered {status}: {page[:300]!r}"
        return headers["Location"]

    def upload_chunked(self, path: Path, title: str) -> str:
        """An upload session: chunks of the size the server asks for, each at its offset,
        then the form without the file, naming the session."""
        size = path.stat().st_size
        form = {"csrfmiddlewaretoken": self.csrf, "name": path.name, "size": size}
        status, _, answer = self.request(
            "POST",
            self.library_path("uploads/"),
            urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 201, f"starting the session answered {status}: {answer[:300]!r}"
        session = json.loads(answer)
        received = session["received"]
        with path.open("rb") as source:
            while received < size:
                source.seek(received)
                length = min(session["chunk_size"], size - received)

                def chunk(left=length):
                    while left:
                        block = source.read(min(BLOCK, left))
                        left -= len(block)
                        yield block

                status, _, answer = self.request(
                    "POST",
                    f"{session['url']}?offset={received}",
                    chunk(),
                    length=length,
                    headers={"Content-Type": "application/octet-stream"},
                )
                assert status == 200, f"a chunk answered {status}: {answer[:300]!r}"
                received = json.loads(answer)["received"]
        form = {
            "csrfmiddlewaretoken": self.csrf,
            "title": title,
            "language": "pl",
            "upload": session["id"],
            "duplicate_ok": "1",
        }
        status, headers, page = self.request(
            "POST",
            self.library_path("upload/"),
            urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, f"finishing the upload answered {status}: {page[:300]!r}"
        return headers["Location"]

    def version_download_path(self, document_path: str) -> str:
        status, _, page = self.request("GET", document_path)
        assert status == 200, f"the document page answered {status}"
        return re.search(rb'href="([^"?]+/versions/\d+/download/)"', page)[1].decode()

    def download(self, path: str, rate: float = 0.0) -> tuple[str, int]:
        """(SHA-256, bytes) of a download, following a redirect to S3; with `rate`, read
        no faster than that many MB a second, like a client on a slow line."""
        digest = hashlib.sha256()
        count = 0
        started = time.perf_counter()

        def sink(block: bytes) -> None:
            nonlocal count
            digest.update(block)
            count += len(block)
            if rate:
                time.sleep(max(0.0, started + count / (rate * MB) - time.perf_counter()))

        status, headers, _ = self.request("GET", path, sink=sink, block=64 * 1024)
        if status == 302:
            target = urlsplit(headers["Location"])
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
            connection.request("GET", f"{target.path}?{target.query}")
            response = connection.getresponse()
            status = response.status
            while block := response.read(BLOCK):
                sink(block)
            connection.close()
        assert status == 200, f"the download answered {status}"
        return digest.hexdigest(), count


# --- Servers --------------------------------------------------------------------------


@contextlib.contextmanager
def moto_server():
    """A local S3 (moto in server mode) with one bucket; yields the settings for GWD."""
    import boto3

    port = common.free_port()
    credentials = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **credentials},
    )
    try:
        common.wait_for(port, process)
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="eu-central-1",
        ).create_bucket(
            Bucket="gwd-bench", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        yield {
            "S3_BUCKET": "gwd-bench",
            "S3_ENDPOINT_URL": endpoint,
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
            "S3_REGION": "eu-central-1",
            "S3_ADDRESSING_STYLE": "path",
        }
    finally:
        process.terminate()
        process.wait()


@contextlib.contextmanager
def nginx_in_front(binary: str, upstream: int, files_root: Path, work: Path):
    """nginx proxying to one daphne, with the internal location for X-Accel-Redirect as
    in deploy/nginx/gwd.conf; yields its port."""
    port = common.free_port()
    prefix = work / f"nginx-{port}"
    (prefix / "logs").mkdir(parents=True)
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Run as root, nginx's workers would be "nobody", who cannot read the files.
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""{user} daemon off; pid {prefix / "nginx.pid"}; error_log {prefix / "error.log"};
events {{}}
http {{
  access_log off; {temp}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream}; proxy_http_version 1.1;
      proxy_set_header Connection ""; proxy_set_header Host 127.0.0.1;
    }}
    location /_files/ {{ internal; alias {files_root}/; }}
  }}
}}"""
    )
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        common.wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait()


@dataclass
class Row:
    operation: str
    storage: str
    seconds: float
    megabytes: float
    before: float
    peak: float
    check: str

    @property
    def failed(self) -> bool:
        """A download with other bytes, or a server error."""
        return self.check == "DIFFERENT" or self.check.startswith("HTTP 5")

    def line(self) -> str:
        rate = self.megabytes / self.seconds if self.seconds else float("nan")
        return (
            f"| {self.operation:<34} | {self.storage:<5} | {self.seconds:7.2f} | {rate:7.1f} "
            f"| {self.before:6.0f} | {self.peak:6.0f} | {self.peak - self.before:+6.0f} "
            f"| {self.check} |"
        )


HEADER = (
    "| operation                          | store | seconds |    MB/s "
    "| RSS MB | peak   | growth | check |\n"
    "|---|---|---:|---:|---:|---:|---:|---|"
)


@contextlib.contextmanager
def fresh_daphne(env: dict, data: dict, warm_up: Path, command: list[str] | None = None):
    """A new daphne and a member who has already uploaded and downloaded a small file on
    it, so that imports and first-use caches are not counted as growth."""
    servers = common.start_daphnes(env, 1, "gwd.asgi:application", common.ROOT, command)
    try:
        group = data["groups"][0]
        member = Member(servers.ports[0], group["sessions"][0], group["slug"])
        member.open_library()
        for upload in (member.upload_classic, member.upload_chunked):
            member.download(member.version_download_path(upload(warm_up, "warm-up")))
        # And what an anonymous visitor's post goes through.
        visitor = Member(servers.ports[0], "", group["slug"])
        visitor.cookies = {}
        visitor.open_sign_in()
        visitor.post_multipart("/accounts/login/", 64 * 1024)
        time.sleep(0.5)
        yield member, servers.processes[0].pid
    finally:
        servers.stop()


def measure(rows, operation, storage, megabytes, pid, work) -> object:
    with Memory(pid) as memory:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    rows.append(Row(operation, storage, seconds, megabytes, memory.before, memory.peak, ""))
    return result


def post_at_once(visitors: list[Member], path: str, size: int) -> list[int]:
    """Each visitor posts a multipart body of `size` bytes to `path`, all at the same
    time; the statuses of the answers."""
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda v=v: statuses.append(v.post_multipart(path, size)))
        for v in visitors
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def run_anonymous(env, data, warm_up, args, rows) -> None:
    """Anonymous visitors' large multipart bodies: to the sign-in page (a form), to the
    library's upload form, and several at once to the sign-in page."""
    size = args.anonymous_mb * MB
    slug = data["groups"][0]["slug"]
    targets = [
        ("sign-in page", "/accounts/login/", 1),
        ("upload form", f"/groups/{slug}/library/upload/", 1),
    ]
    if args.concurrent > 1:
        targets.append((f"sign-in page, {args.concurrent} at once", "/accounts/login/", 0))
    for name, path, single in targets:
        with fresh_daphne(env, data, warm_up, args.command) as (member, pid):
            count = 1 if single else args.concurrent
            visitors = []
            for _ in range(count):
                visitor = Member(member.port, "", slug)
                visitor.cookies = {}
                visitor.open_sign_in()
                visitors.append(visitor)
            operation = f"anonymous {args.anonymous_mb} MB, {name}"
            statuses = measure(
                rows,
                operation,
                "-",
                args.anonymous_mb * count,
                pid,
                lambda visitors=visitors, path=path: post_at_once(visitors, path, size),
            )
            rows[-1].check = "HTTP " + ",".join(str(s) for s in sorted(set(statuses)))
            print(rows[-1].line(), flush=True)


def run_storage(storage, env, data, document, sha, warm_up, args, rows) -> None:
    megabytes = document.stat().st_size / MB
    with contextlib.ExitStack() as stack:
        servers: dict = {}

        def server(environment=env):
            """A fresh daphne for each operation, or with --one-server one per settings."""
            if not args.one_server:
                return fresh_daphne(environment, data, warm_up, args.command)
            key = tuple(sorted(environment.items()))
            if key not in servers:
                servers[key] = stack.enter_context(
                    fresh_daphne(environment, data, warm_up, args.command)
                )
            return contextlib.nullcontext(servers[key])

        def row(operation, pid, work, check=None):
            result = measure(rows, operation, storage, megabytes, pid, work)
            if check is not None:
                rows[-1].check = "same" if result[0] == check else "DIFFERENT"
            print(rows[-1].line(), flush=True)
            return result

        uploaded = {}
        for path in args.path:
            with server() as (member, pid):
                upload = member.upload_classic if path == "classic" else member.upload_chunked
                name = "single request" if path == "classic" else "chunked"
                uploaded[path] = row(
                    f"upload, {name}",
                    pid,
                    lambda upload=upload, title=f"Bench {path}": upload(document, title),
                )
        for path, document_path in uploaded.items():
            with server() as (member, pid):
                target = member.version_download_path(document_path)
                name = "single" if path == "classic" else "chunked"
                row(f"download ({name} upload)", pid, lambda t=target: member.download(t), sha)
        if storage != "local" or not uploaded or not args.slow:
            return
        document_path = next(iter(uploaded.values()))
        with server() as (member, pid):
            target = member.version_download_path(document_path)
            row(
                f"download at {args.slow:g} MB/s",
                pid,
                lambda: member.download(target, rate=args.slow),
                sha,
            )
        if not args.nginx:
            return
        work = Path(env["GWD_VAR_DIR"])
        for how, environment in (
            ("nginx proxy", env),
            ("nginx X-Accel", {**env, "FILES_ACCEL_REDIRECT": "/_files/"}),
        ):
            with server(environment) as (member, pid):
                target = member.version_download_path(document_path)
                with nginx_in_front(args.nginx, member.port, work / "files", work) as port:
                    direct, member.port = member.port, port
                    row(
                        f"download at {args.slow:g} MB/s, {how}",
                        pid,
                        lambda t=target: member.download(t, rate=args.slow),
                        sha,
                    )
                    member.port = direct


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the document in MB")
    parser.add_argument("--storage", nargs="+", choices=["local", "s3"], default=["local", "s3"])
    parser.add_argument(
        "--path", nargs="+", choices=["classic", "chunked"], default=["classic", "chunked"]
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=0,
        metavar="MBPS",
        help="also download (local storage) as a client reading MBPS megabytes a second",
    )
    parser.add_argument(
        "--anonymous-mb",
        type=int,
        metavar="MB",
        help="size of the anonymous visitors' bodies (default 50, or --mb if smaller; 0: none)",
    )
    parser.add_argument(
        "--concurrent",
        type=int,
        default=6,
        help="anonymous visitors posting to the sign-in page at the same time",
    )
    parser.add_argument(
        "--server",
        choices=["gwd", "daphne"],
        default="gwd",
        help="how to run daphne: as GWD does (gwd/server.py), or plain daphne to compare",
    )
    parser.add_argument(
        "--one-server",
        action="store_true",
        help="one daphne per storage for every operation: quicker, to check that nothing is "
        "lost (each operation's memory then starts where the last one left it)",
    )
    parser.add_argument(
        "--nginx",
        metavar="BINARY",
        help="with --slow, also download through this nginx (proxy, and X-Accel-Redirect)",
    )
    args = parser.parse_args()
    if args.anonymous_mb is None:
        args.anonymous_mb = min(50, args.mb)
    args.command = common.GWD_SERVER if args.server == "gwd" else [common.DAPHNE]

    work = Path(tempfile.mkdtemp(prefix="gwd-bench-files-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # several copies of the document


def run(args, work: Path) -> int:
    document = work / "Bench.pdf"
    warm_up = work / "warm-up.pdf"
    sha = make_pdf(document, args.mb * MB)
    make_pdf(warm_up, 256 * 1024, pages=2)
    base = common.gwd_env(
        work,
        "",
        "",
        UPLOAD_MAX_MB=str(min(2048, max(50, args.mb + 10))),
        STATIC_ROOT=str(work / "static"),
        LOG_LEVEL="ERROR",
    )
    data = common.prepare_gwd(base, 1, 1)
    # The pages are rendered as in production, from the collected static manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=base,
        cwd=common.ROOT,
        check=True,
    )
    print(f"{args.mb} MB document, sha256 {sha[:16]}…, {args.server} server", flush=True)
    print(HEADER, flush=True)
    rows: list[Row] = []
    if args.anonymous_mb:
        run_anonymous(base, data, warm_up, args, rows)
    for storage in args.storage:
        if storage == "local":
            run_storage("local", base, data, document, sha, warm_up, args, rows)
        else:
            with moto_server() as s3:
                run_storage("S3", {**base, **s3}, data, document, sha, warm_up, args, rows)
    return 1 if any(row.failed for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
