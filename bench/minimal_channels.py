"""The reference most projects write first: a Channels consumer that joins one group and
group_sends every frame it receives to it. BENCH_LAYER=memory or redis (with REDIS_URL);
the layers keep their default settings.

    daphne minimal_channels:application   (run from bench/)
"""

import os

import django
from django.conf import settings

if os.environ.get("BENCH_LAYER") == "redis":
    layer = {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": os.environ["CHANNEL_PREFIX"]},
    }
else:
    layer = {"BACKEND": "channels.layers.InMemoryChannelLayer"}
settings.configure(INSTALLED_APPS=["channels"], CHANNEL_LAYERS={"default": layer})
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402


class Room(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add("room", self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard("room", self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send("room", {"type": "room.message", "text": text_data})

    async def room_message(self, event):
        await self.send(text_data=event["text"])


application = Room.as_asgi()
