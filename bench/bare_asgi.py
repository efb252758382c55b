"""The server's floor for bench/pages.py: an ASGI application that answers every request
with a two-byte "ok", nothing else. What daphne itself costs per request here.

    daphne bare_asgi:application   (run from bench/)
"""


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            pass
        return
    while (await receive()).get("more_body"):
        pass
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})
