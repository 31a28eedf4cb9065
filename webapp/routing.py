"""WebSocket routes and worker channels. Ids are 1-18 ASCII digits (a bigint); any other WebSocket path is refused cleanly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from channels.security.websocket import WebsocketDenier
from django.urls import path, re_path

from webapp.interviews import consumers
from webapp.serving import workers

if TYPE_CHECKING:
    from asgiref.typing import ASGIApplication

websocket_urlpatterns = [
    path("ws/health/", consumers.HealthConsumer.as_asgi()),  # type: ignore[arg-type]  # Channels routes ASGI apps with path(); django-stubs type it for views
    re_path(r"^ws/interview/(?P<session_id>[0-9]{1,18})/$", consumers.InterviewConsumer.as_asgi()),  # type: ignore[arg-type]  # Channels routes ASGI apps with path(); django-stubs type it for views
    # Anything else (/ws/interview/abc/, a 5000-digit id, /ws/nonexistent/): closed before the
    # handshake completes (HTTP 403), instead of URLRouter's "No route found" error and traceback.
    re_path(r"", WebsocketDenier.as_asgi()),  # type: ignore[arg-type]  # Channels routes ASGI apps with path(); django-stubs type it for views
]


# Channels served by `manage.py runworker <name>` processes.
worker_channels: dict[str, ASGIApplication] = {
    "imports": workers.ImportWorker.as_asgi(),
    "generation": workers.GenerationWorker.as_asgi(),
}
