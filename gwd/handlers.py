"""HTTP under daphne: a request crosses to a worker thread once, static files not at all.

Django's ASGIHandler runs each request in a ThreadSensitiveContext: a thread started and
joined per request, and a hop between the event loop and that thread at each change of
road: ServeStatic's middleware is async-only, so the whole stack was adapted to async,
and the session, the user and the view each went to the thread and back. On GWD's 404
page that machinery was half of the CPU a request cost (docs/performance.md, (c)).

Here the body is read on the event loop, then the whole synchronous stack (middleware,
view, template) runs in one call on a fixed pool of worker threads, and the response
returns to the loop to be sent. A worker's database connection goes back to the pool when
its request ends, as under WSGI. Code in a view that calls `async_to_sync` (the channel
layer's `group_send`) still runs on the server's loop: the worker is entered through
asgiref's `sync_to_async`, which records that loop.

Static files are answered on the loop from ServeStatic's table of files before Django
runs, with the headers SecurityMiddleware would have added.
"""

import asyncio
import contextvars
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.db import connections
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix
from servestatic.asgi import FileServerASGI
from servestatic.middleware import ServeStaticMiddleware
from servestatic.utils import decode_path_info, run_async_in_thread


async def _no_application(request):  # pragma: no cover - the table never calls it
    raise AssertionError("static files are looked up, never passed on")


class StaticFiles(ServeStaticMiddleware):
    """ServeStatic's table of files, read from its settings, the manifest and (with
    DEBUG) the finders, with what SecurityMiddleware adds to every response: the files
    are served before it runs."""

    def __init__(self) -> None:
        super().__init__(_no_application)

    def add_cache_headers(self, headers, path: str, url: str) -> None:
        super().add_cache_headers(headers, path, url)
        headers["X-Content-Type-Options"] = "nosniff"
        policy = settings.SECURE_REFERRER_POLICY
        if policy:
            headers["Referrer-Policy"] = policy if isinstance(policy, str) else ",".join(policy)


class HTTPHandler(ASGIHandler):
    """Django for HTTP with the synchronous middleware stack, one thread hop a request."""

    def __init__(self, *, threads: int) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")
        self.static = StaticFiles()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django serves HTTP, not {scope['type']}")
        static_file = await self.static_file(scope)
        if static_file is not None:
            await FileServerASGI(static_file)(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        with closing(body_file):
            response = await loop.run_in_executor(
                self.executor, self.in_worker, loop, scope, body_file, send
            )
        if response is None:
            return
        try:
            await send({"type": "http.response.start", **self.start(response)})
            if response.streaming:
                async for part in aiter(response):
                    for chunk, _last in self.chunk_bytes(part):
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body"})
            else:
                for chunk, last in self.chunk_bytes(response.content):
                    await send({"type": "http.response.body", "body": chunk, "more_body": not last})
        finally:
            if response.streaming:
                await sync_to_async(
                    response.close, thread_sensitive=False, executor=self.executor
                )()

    async def static_file(self, scope):
        path = decode_path_info(scope["path"])
        if self.static.autorefresh:
            return await run_async_in_thread(self.static.find_file, path)
        return self.static.files.get(path)

    def in_worker(self, loop, scope, body_file, send) -> Any:
        """`respond` in a context of its own, with asgiref told which loop is the
        server's: `async_to_sync` in a view (the channel layer's `group_send`) then runs
        its coroutine there, as under `sync_to_async`, without that wrapper's cost."""
        SyncToAsync.threadlocal.main_event_loop = loop
        SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
        return contextvars.Context().run(self.respond, scope, body_file, send)

    def respond(self, scope, body_file, send) -> Any:
        """Run the request through Django on this worker thread.

        Returns the response for the loop to send, or None when it was sent from here: a
        synchronous stream (an export, say) is iterated on this thread, where it may read
        the database, block by block."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        # HttpResponse or StreamingHttpResponse: which attributes it has depends on that.
        response: Any = error_response if request is None else self.get_response(request)
        response._handler_class = self.__class__
        if not response.streaming:
            response.close()  # request_finished: this thread's connections go back
            return response
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if response.is_async:
            # The loop streams it; this thread's connections are not needed for that.
            connections.close_all()
            return response
        try:
            self.stream(response, async_to_sync(send))
        finally:
            response.close()
        return None

    def stream(self, response: Any, send) -> None:
        send({"type": "http.response.start", **self.start(response)})
        for part in response:
            for chunk, _last in self.chunk_bytes(part):
                send({"type": "http.response.body", "body": chunk, "more_body": True})
        send({"type": "http.response.body"})

    @staticmethod
    def start(response: HttpResponseBase) -> dict:
        """The status and headers, cookies included, as Django's ASGIHandler sends them."""
        headers = [
            (name.encode("ascii"), value.encode("latin1")) for name, value in response.items()
        ]
        headers += [
            (b"Set-Cookie", cookie.OutputString().encode("ascii"))
            for cookie in response.cookies.values()
        ]
        return {"status": response.status_code, "headers": headers}
