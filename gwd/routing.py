"""Websocket routes. Each app that speaks websockets adds its patterns here."""

from django.urls import path

from groups.consumers import GroupConsumer, NotificationConsumer

websocket_urlpatterns = [
    path("ws/groups/<slug:slug>/", GroupConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
