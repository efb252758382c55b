"""How GWD runs daphne: `python -m gwd.server`, with daphne's own command line.

    python -m gwd.server -b 127.0.0.1 -p 8000 gwd.asgi:application

It is daphne, with six differences. The first three bound what a request costs before
GWD sees it; the fourth tells a websocket client why it was cut off; the fifth lets one
frame for a thousand sockets be framed once; the last gives a handshake 20 s, not 5, to
be answered while a thousand members connect at once:

- Twisted does not parse request bodies. Left to itself, twisted.web parses every
  multipart/form-data POST whole with the e-mail parser, about 13 times the body in
  memory, before daphne or Django run, for anyone and on any URL. Django parses the
  body itself, streaming files to disk, so nothing needs Twisted's copy.
- Every URL has a body limit (settings.REQUEST_BODY_LIMITS by URL name, otherwise
  settings.REQUEST_BODY_MAX_BYTES). A larger body, declared in Content-Length or counted
  as a chunked body arrives, is read and thrown away, never stored, and answered with
  413; the application never runs for it.
- The body goes to the application a block at a time, as it reads it. daphne itself
  puts the whole body into the request's queue at once, so the body sat in memory,
  once more, until Django had copied it out.
- A websocket frame or message over daphne's limit (--websocket-max-frame-size,
  --websocket-max-message-size, 1 MiB by default) is refused with close code 1009
  (message too big), as docs/protocol.md says, instead of a dropped TCP connection.
- A websocket's scope carries the ASGI extension "gwd.wire": a `Wire` to that socket's
  transport. The hub (groups.hub) frames a group's event once with autobahn's
  PreparedMessage and writes the same bytes to each socket's transport, where the
  ASGI road would frame it again per socket and pass each copy through Channels' send
  and daphne's reply handling.
- A websocket handshake waits up to 20 s for the application (daphne's command line:
  5 s), unless --websocket_connect_timeout says otherwise.

Up to its limit a body is spooled to a temporary file by Twisted (above 100 kB) and then
by Django (above FILE_UPLOAD_MAX_MEMORY_SIZE), so memory holds a block or two of it.
"""

# daphne.server installs Twisted's asyncio reactor: it is imported before anything else
# from Twisted.
import daphne.server  # isort:skip

import asyncio
import io
import sys
from functools import partial
from urllib.parse import unquote, urlsplit

from autobahn.websocket.protocol import PreparedMessage
from daphne import cli, http_protocol
from daphne.utils import parse_x_forwarded_for

# What the application receives of a body at a time.
BODY_BLOCK = 256 * 1024


def body_limit(target: bytes) -> int:
    """The largest body, in bytes, that the URL in a request line may receive."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    try:
        path = unquote(urlsplit(target.decode("ascii")).path, errors="strict")
        view_name = resolve(path).view_name
    except (Resolver404, UnicodeError, ValueError):
        view_name = ""
    return settings.REQUEST_BODY_LIMITS.get(view_name, settings.REQUEST_BODY_MAX_BYTES)


class Request(http_protocol.WebRequest):
    """daphne's request without Twisted's form parsing, with a body limit per URL."""

    def __init__(self, *args, **kwargs):
        kwargs["parsePOSTFormSubmission"] = False
        super().__init__(*args, **kwargs)
        self.body_limit = 0
        self.body_received = 0
        self.body_refused = False

    def gotLength(self, length):
        # The request line and the headers have been read, the body not yet. `length` is
        # Content-Length, or None for a chunked body.
        if length == 0:
            super().gotLength(length)
            return
        self.body_limit = body_limit(getattr(self.channel, "_path", b""))
        if length is not None and length > self.body_limit:
            self.body_refused = True
            self.content = io.BytesIO()
            return
        super().gotLength(length)

    def handleContentChunk(self, data):
        if self.body_refused:
            return
        self.body_received += len(data)
        if self.body_received > self.body_limit:
            # A chunked body, whose length nobody declared, has just passed the limit.
            self.body_refused = True
            self.content.close()
            self.content = io.BytesIO()
            return
        super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        if not self.body_refused:
            super().requestReceived(command, path, version)
            return
        # What Twisted would have set, for the access log.
        self.method, self.uri, self.clientproto = command, path, version
        self.path = path.split(b"?", 1)[0]
        self.args = {}
        if hasattr(self.client, "host") and hasattr(self.client, "port"):
            self.client_addr = [str(self.client.host), self.client.port]
        if self.server.proxy_forwarded_address_header:
            self.client_addr, _scheme = parse_x_forwarded_for(
                self.requestHeaders,
                self.server.proxy_forwarded_address_header,
                self.server.proxy_forwarded_port_header,
                self.server.proxy_forwarded_proto_header,
                self.client_addr,
                "http",
            )
        limit = f"{self.body_limit / (1024 * 1024):.1f}".removesuffix(".0")
        body = f"413 Content Too Large: this address takes at most {limit} MB.\n".encode()
        self.handle_reply(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        self.handle_reply({"type": "http.response.body", "body": body})

    def take_body(self):
        """The body, for BodyQueue. daphne finds a closed file in its place and leaves
        the body to the queue (it sends nothing for a request whose body is closed)."""
        body = self.content
        self.content = io.BytesIO()
        self.content.close()
        return body


class BodyQueue(asyncio.Queue):
    """A request's ASGI receive queue that reads the next block of the body, from the
    file Twisted spooled it to, when the application asks for it; daphne's own
    messages (http.disconnect) come after the body."""

    def __init__(self, body):
        super().__init__()
        self.body = body
        self.left = body.seek(0, io.SEEK_END)
        body.seek(0)
        self.body_done = False

    async def get(self):
        if self.body_done:
            return await super().get()
        block = b""
        if self.body is not None and not self.body.closed:
            block = self.body.read(min(BODY_BLOCK, self.left))
            self.left -= len(block)
        more = self.left > 0 and bool(block)
        if not more:
            self.close_body()
        return {"type": "http.request", "body": block, "more_body": more}

    def put_nowait(self, message):
        if message.get("type") == "http.disconnect":
            # The client left or the response is complete: no more of the body.
            self.close_body()
        super().put_nowait(message)

    def close_body(self):
        self.body_done = True
        if self.body is not None:
            self.body.close()
            self.body = None


class HTTPFactory(http_protocol.HTTPFactory):
    def buildProtocol(self, addr):
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = Request
        return protocol


class Wire:
    """Frames prepared once, written straight to one websocket's transport.

    `send` is synchronous and writes in call order with daphne's own replies (which also
    reach the transport synchronously), so frames keep their order whichever road each
    took."""

    __slots__ = ("protocol",)

    def __init__(self, protocol):
        self.protocol = protocol

    @staticmethod
    def prepare(text: str) -> PreparedMessage:
        # A server's frames are not masked, so one framing suits every socket.
        return PreparedMessage(text.encode(), False, False, False)

    def send(self, prepared: PreparedMessage) -> bool:
        """Write the frame; False when the socket is not open (nothing is written).

        When nothing waits in the transport's buffer the bytes go to the socket at once,
        as asyncio's own transports do. Twisted's write() would instead buffer them and
        register the socket with epoll for one writable event, then unregister it: two
        system calls and a turn of the loop per socket and frame, and autobahn builds
        its debug line's arguments on every send even with debug off. What the socket
        does not take at once (a slow reader) goes through Twisted's buffer as usual."""
        protocol = self.protocol
        if protocol.state != protocol.STATE_OPEN:
            return False
        transport = protocol.transport
        if (
            protocol._perMessageCompress is not None
            or protocol.send_queue
            or getattr(transport, "TLS", True)
            or transport._tempDataBuffer
            or len(transport.dataBuffer) > transport.offset
            or transport._writeDisconnected
            or not transport.connected
        ):
            protocol.sendPreparedMessage(prepared)
            return True
        data = prepared.payloadHybi
        try:
            sent = transport.socket.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:  # the connection is failing: Twisted's write reports it its way
            sent = 0
        if sent < len(data):
            transport.write(data[sent:])
        return True


class Server(daphne.server.Server):
    """daphne's server with GWD's request class, body queue and websocket failure mode."""

    # daphne's run() builds its two factories and listens with them; these setters put
    # GWD's HTTP factory in place of daphne's and set the websocket factory to fail a
    # connection with a close frame carrying the reason's code, not by dropping TCP.
    @property
    def http_factory(self):
        return self._http_factory

    @http_factory.setter
    def http_factory(self, factory):
        if type(factory) is http_protocol.HTTPFactory:
            factory = HTTPFactory(self)
        self._http_factory = factory

    @property
    def ws_factory(self):
        return self._ws_factory

    @ws_factory.setter
    def ws_factory(self, factory):
        factory.setProtocolOptions(failByDrop=False)
        self._ws_factory = factory

    def create_application(self, protocol, scope):
        if scope["type"] == "websocket":
            scope.setdefault("extensions", {})["gwd.wire"] = {"wire": Wire(protocol)}
        if scope["type"] != "http" or not isinstance(protocol, Request):
            return super().create_application(protocol, scope)
        # daphne's own steps, with a BodyQueue in place of a plain asyncio.Queue.
        assert "application_instance" not in self.connections[protocol]
        queue = BodyQueue(protocol.take_body())
        scope.setdefault("asgi", {"version": "3.0"})
        instance = self.application(
            scope=scope, receive=queue.get, send=partial(self.handle_reply, protocol)
        )
        if protocol not in self.connections:
            return None
        self.connections[protocol]["application_instance"] = asyncio.ensure_future(
            instance, loop=asyncio.get_event_loop()
        )
        return queue


# How long a websocket handshake may wait for the application before daphne refuses it.
# daphne's command line says 5 s (its Server class 20 s): when a thousand members
# connect at once, as after a restart, on Redis a slower machine took longer than that
# for the last of them, and 475 of 1,000 were refused (docs/performance.md, (a)); a
# refused client comes back and adds to the storm.
WEBSOCKET_CONNECT_TIMEOUT = 20


class CommandLineInterface(cli.CommandLineInterface):
    description = "GWD's HTTP/WebSocket server (daphne with bounded request bodies)"
    server_class = Server

    def __init__(self) -> None:
        super().__init__()
        self.parser.set_defaults(websocket_connect_timeout=WEBSOCKET_CONNECT_TIMEOUT)


def main(argv: list[str] | None = None) -> None:
    CommandLineInterface().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    # Run as gwd.server, not as __main__, so that there is one copy of these classes.
    from gwd.server import main as gwd_main

    gwd_main()
