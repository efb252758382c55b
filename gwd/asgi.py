"""ASGI entry point: Django for HTTP (static files included), Channels for websockets."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwd.settings")

# Django must be set up before anything imports models, the consumers included.
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from gwd.handlers import HTTPHandler  # noqa: E402

django_http = HTTPHandler(threads=settings.HTTP_THREADS)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from gwd.origins import SiteOriginValidator  # noqa: E402
from gwd.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

from django.urls import reverse  # noqa: E402

from search.lemmas import warm  # noqa: E402

# Loaded here, before the process listens, what the first request or message would load
# with the interpreter lock held while every socket of the process waits: the URLconf
# with the views and all they import (2 s of CPU, on the first link a message's
# notification builds) and the search index's lemmatisers (4 s, on the first message
# indexed).
reverse("home")
warm()

# A process holding a thousand sockets keeps a large heap of long-lived objects, and with
# the default thresholds Python scanned all of it every few seconds: 240 ms pauses under
# the fan-out benchmark (docs/performance.md). What exists once the application is loaded
# is frozen out of collection, and young collections run less often, so fewer short-lived
# frames survive into the old generation and trigger full scans.
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 10)
