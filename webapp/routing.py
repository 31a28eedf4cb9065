"""WebSocket routes and worker channels. Ids are 1-18 ASCII digits (a bigint); any other WebSocket path is refused cleanly."""

from __future__ import annotations

from channels.security.websocket import WebsocketDenier
from django.urls import path, re_path

from webapp import consumers, workers

websocket_urlpatterns = [
    path("ws/health/", consumers.HealthConsumer.as_asgi()),
    re_path(r"^ws/interview/(?P<session_id>[0-9]{1,18})/$", consumers.InterviewConsumer.as_asgi()),
    # Anything else (/ws/interview/abc/, a 5000-digit id, /ws/nonexistent/): closed before the
    # handshake completes (HTTP 403), instead of URLRouter's "No route found" error and traceback.
    re_path(r"", WebsocketDenier.as_asgi()),
]


# Channels served by `manage.py runworker <name>` processes.
worker_channels = {
    "imports": workers.ImportWorker.as_asgi(),
    "generation": workers.GenerationWorker.as_asgi(),
}
