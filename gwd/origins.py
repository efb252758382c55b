"""Which web pages may open a socket: exactly the site's own origins.

Channels' AllowedHostsOriginValidator compares only the host name, so a page served from
another port or scheme of the same host (`http://127.0.0.1:9999`, `https://127.0.0.1`)
was accepted. The rule here is the one Django's CSRF check applies to a form post: the
Origin must be, to the scheme and port, the origin the request was sent to (with a host
from ALLOWED_HOSTS), SITE_URL's, or one of CSRF_TRUSTED_ORIGINS.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def allowed_origins(scope: dict) -> set[str]:
    allowed = {_origin(settings.SITE_URL), *(_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS)}
    host = _header(scope, b"host")
    if host:
        domain, _port = split_domain_port(host)
        if domain and validate_host(domain, settings.ALLOWED_HOSTS):
            scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
            allowed.add(f"{scheme}://{host}".lower())
    return allowed


def origin_allowed(scope: dict) -> bool:
    origin = _header(scope, b"origin")
    return origin is not None and origin.lower() in allowed_origins(scope)


class SiteOriginValidator:
    """ASGI middleware for websockets: refuse the handshake unless origin_allowed."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
