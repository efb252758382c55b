"""The HTTP handler daphne runs (gwd.handlers): Django's whole stack in one worker call,
static files before Django. The test client bypasses it, so these drive the ASGI
application itself."""

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.db import connections
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from gwd.handlers import HTTPHandler

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def handler(settings):
    # The suite collects no static files: the handler's table reads the finders.
    settings.SERVESTATIC_USE_FINDERS = True
    handler = HTTPHandler(threads=2)
    yield handler
    # Each worker closes its connections when its request ends; what is left is closed
    # so that the test database can be dropped.
    for _ in range(2):
        handler.executor.submit(connections.close_all).result()
    handler.executor.shutdown()


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def call(
    handler, path: str, *, method="GET", body=b"", headers=()
) -> tuple[int, dict, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(handler, scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(timeout=20)
    assert start["type"] == "http.response.start"
    content = b""
    while True:
        message = await communicator.receive_output(timeout=20)
        content += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(timeout=20)
    names: dict[str, list[str]] = {}
    for name, value in start["headers"]:
        names.setdefault(name.decode().lower(), []).append(value.decode("latin1"))
    return start["status"], names, content


async def test_a_page_runs_its_middleware_and_view_on_a_worker_thread(handler, member, group):
    cookie = await sync_to_async(session_cookie)(member)
    status, headers, content = await call(
        handler,
        reverse("groups:group-detail", kwargs={"slug": group.slug}),
        headers=[(b"cookie", cookie)],
    )
    assert status == 200
    assert group.display_name.encode() in content
    assert len(headers["x-request-id"][0]) == 32
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["content-language"] == [member.language]


async def test_a_missing_page_is_the_sites_404(handler, member):
    cookie = await sync_to_async(session_cookie)(member)
    status, headers, content = await call(handler, "/no-such-page/", headers=[(b"cookie", cookie)])
    assert status == 404
    assert b"<html" in content
    # The language form's token: cookies travel as Set-Cookie headers.
    assert any(value.startswith("csrftoken=") for value in headers["set-cookie"])


async def test_a_form_post_has_its_body_read_and_its_token_checked(handler):
    status, _headers, _content = await call(
        handler,
        reverse("set-language"),
        method="POST",
        body=b"language=uk&next=/",
        headers=[(b"content-type", b"application/x-www-form-urlencoded")],
    )
    # No CSRF token: refused by the middleware that runs on the worker, not a 500.
    assert status == 403


async def test_a_streamed_export_is_sent_block_by_block_from_the_worker(
    handler, facilitator, group
):
    cookie = await sync_to_async(session_cookie)(facilitator)
    seen: list[str] = []
    original = handler.stream

    def stream(response, send):
        seen.append(threading.current_thread().name)
        original(response, send)

    handler.stream = stream
    status, headers, content = await call(
        handler,
        reverse("groups:moderation-log-csv", kwargs={"slug": group.slug}),
        headers=[(b"cookie", cookie)],
    )
    assert status == 200
    assert headers["content-type"][0].startswith("text/csv")
    assert content.startswith("\ufeff".encode())
    assert seen and seen[0].startswith("http")


async def test_static_files_are_served_before_django_with_security_headers(handler):
    status, headers, content = await call(handler, "/static/css/gwd.css")
    assert status == 200
    assert headers["content-type"][0].startswith("text/css")
    assert headers["x-content-type-options"] == ["nosniff"]
    assert "x-request-id" not in headers  # Django never ran
    assert b"{" in content


async def test_async_to_sync_in_a_view_runs_on_the_servers_loop(handler):
    """The channel layer's group_send from a view must reach the hub on daphne's loop."""
    server_loop = asyncio.get_running_loop()
    loops: list[asyncio.AbstractEventLoop] = []

    async def announce() -> None:
        loops.append(asyncio.get_running_loop())

    def view(request):
        async_to_sync(announce)()
        return HttpResponse("ok")

    handler.get_response = view
    status, _headers, content = await call(handler, "/anything/")
    assert (status, content) == (200, b"ok")
    assert loops == [server_loop]
