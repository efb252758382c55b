"""Websocket routes. Each app that speaks websockets adds its patterns here."""

websocket_urlpatterns: list = []
