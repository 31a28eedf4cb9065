"""HTTP plumbing: WhiteNoise that can sit in an async middleware chain, a refusal of NUL in
addresses, and a log filter.

WhiteNoise 6's middleware is sync-only, and one sync-only middleware makes Django run the whole
chain, async views included, on the one thread that ASGI sync code (and the consumers'
database calls) share: an async upload view would then hold that thread for the whole upload.
This subclass keeps both modes; its lookup is an in-memory dict (a stat with autorefresh).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware

# The next handler: returns a response, or (in an async chain) an awaitable of one.
GetResponse: TypeAlias = Callable[[HttpRequest], Any]


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]  # whitenoise has no types
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse | None = None, settings: object = None) -> None:
        if settings is None:
            from django.conf import settings
        super().__init__(get_response, settings)
        self.is_async = get_response is not None and iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        return cast(HttpResponseBase, super().__call__(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        static_file = self.find_file(request.path_info) if self.autorefresh else self.files.get(request.path_info)
        if static_file is not None:
            return cast(HttpResponseBase, self.serve(static_file, request))
        return cast(HttpResponseBase, await self.get_response(request))


class SecurityNoticeFilter(logging.Filter):
    """Logs Django's ``django.security.*`` refusals (a bad Host header, too many fields...) and every
    request answered with a 4xx (a multipart body that cannot be parsed, say: a file name of 1,000
    characters) as one line with the reason: they are the client's error, not a crash worth a
    traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        client_error = record.name == "django.request" and 400 <= getattr(record, "status_code", 500) < 500
        if record.name.startswith("django.security.") or client_error:
            if client_error and record.exc_info and record.exc_info[1] is not None:
                record.msg, record.args = f"{record.getMessage()} ({record.exc_info[1]})", None
            record.exc_info = None
            record.exc_text = None
        return True


class RefuseNulMiddleware:
    """400 for a NUL character in the path or a query parameter, before any view sees it.

    PostgreSQL refuses NUL in text (``DataError``), so ``/?q=%00`` or an admin filter with one
    would be a 500 wherever a view passes the value to a query; no address needs one.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        return self._refusal(request) or self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        return self._refusal(request) or await self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponseBase | None:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("NUL characters are not allowed in addresses.", content_type="text/plain")
        return None
