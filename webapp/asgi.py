"""ASGI entry point: HTTP through Django, WebSockets through Channels (see webapp/routing.py).

Request bodies are bounded here (issue 8), per URL: uploads may send ``MAX_UPLOAD_MB`` (+1 MB
of form), bulk imports ``MAX_IMPORT_MB``, everything else ``MAX_REQUEST_KB``. Twisted (under
Daphne) buffers a whole body before the application sees the request, and Daphne then queues
all of it at once, so the limit is enforced twice: by the Content-Length header and the bytes
actually received inside Daphne's request (413 and the connection closed before buffering), and
by :class:`BodyLimit` around the Django app for any other server (and for tests). Recordings
(the transcribe view, issue 14) may send ``VOICE_MAX_MB``.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs Django set up first
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from webapp.routing import websocket_urlpatterns, worker_channels  # noqa: E402

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_UPLOAD_URLS = {
    "upload_resume",
    "documents_resume_add",
    "documents_resume_change",
    "documents_jobposting_add",
    "documents_jobposting_change",
}
_IMPORT_URLS = {"documents_resume_import", "documents_jobposting_import"}
_VOICE_URLS = {"transcribe"}  # a recording, sent as the raw body


def body_limit(path: str) -> int:
    """The largest request body, in bytes, that ``path`` accepts."""
    try:
        name = resolve(path).url_name
    except (Resolver404, ValueError, TypeError, UnicodeError):
        name = None
    if name in _UPLOAD_URLS:
        return (settings.MAX_UPLOAD_MB + 1) * 1024 * 1024
    if name in _IMPORT_URLS:
        return settings.MAX_IMPORT_MB * 1024 * 1024
    if name in _VOICE_URLS:
        return settings.VOICE_MAX_MB * 1024 * 1024
    return settings.MAX_REQUEST_KB * 1024


def _too_large_text(limit: int) -> bytes:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"Request body too large: this address accepts at most {size}.\n".encode()


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a body over :func:`body_limit`, by header or by bytes received."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", "/"))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit() or not declared.strip().isascii():
                await _respond(send, 400, b"Malformed Content-Length header.\n")
                return
            if int(declared) > limit:
                await _respond(send, 413, _too_large_text(limit))
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _respond(send, 413, _too_large_text(limit))


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _bound_daphne_bodies() -> None:
    """Refuse over-limit bodies inside Daphne's Twisted request, before they are buffered."""
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # another ASGI server: BodyLimit alone applies
        return
    if getattr(WebRequest, "_body_limited", False):
        return
    got_length, content_chunk = WebRequest.gotLength, WebRequest.handleContentChunk

    def refuse(request: Any) -> None:
        request._body_refused = True
        body = _too_large_text(request._body_limit)
        head = f"HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        request.channel.transport.write(head.encode() + body)
        request.channel.transport.loseConnection()

    def gotLength(self: Any, length: int | None) -> None:  # noqa: N802 - Twisted's name
        raw = getattr(self.channel, "_path", b"/") or b"/"
        self._body_limit = body_limit(raw.split(b"?", 1)[0].decode("latin-1"))
        self._body_seen, self._body_refused = 0, False
        if length is not None and length > self._body_limit:
            got_length(self, 0)
            refuse(self)
            return
        got_length(self, length)

    def handleContentChunk(self: Any, data: bytes) -> None:  # noqa: N802 - Twisted's name
        if getattr(self, "_body_refused", False):
            return
        self._body_seen = getattr(self, "_body_seen", 0) + len(data)
        if self._body_seen > getattr(self, "_body_limit", self._body_seen):
            refuse(self)
            return
        content_chunk(self, data)

    WebRequest.gotLength = gotLength
    WebRequest.handleContentChunk = handleContentChunk
    WebRequest._body_limited = True


_bound_daphne_bodies()

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),  # type: ignore[arg-type]  # Django URLPatterns holding ASGI apps (see routing)
        "channel": ChannelNameRouter(worker_channels),  # `manage.py runworker <channel>`
    }
)
