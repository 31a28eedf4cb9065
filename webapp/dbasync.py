"""Database work from async code: one wrapper, so every caller runs it the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar, cast

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings

_caller_thread: ContextVar[bool] = ContextVar("caller_thread", default=False)
P = ParamSpec("P")
R = TypeVar("R")


def db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` as an awaitable that runs in a worker thread and tidies database connections.

    On PostgreSQL each call may use any thread of the pool, so a slow request in one interview
    (or a sync view) never queues the others behind it. SQLite allows one writer at a time
    anyway (the others wait for its lock, see ``SQLITE_OPTIONS`` in webapp/env.py), so there
    every call runs on Django's one shared thread (``settings.DB_SHARED_THREAD``). Inside
    :func:`in_caller_thread` every call runs in the synchronous caller's thread, on the caller's
    own connection (which may be inside a transaction, so it is not tidied).
    """
    if _caller_thread.get():
        return sync_to_async(func, thread_sensitive=True)  # the caller's connection, left as it is
    # channels' wrapper is a class without type parameters: it takes and gives what ``func`` does
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(func, thread_sensitive=settings.DB_SHARED_THREAD))


@contextmanager
def in_caller_thread() -> Iterator[None]:
    """Run the database work of async code driven from sync code (``async_to_sync``) in the
    caller's own thread: the terminal, and tests that hold a transaction open."""
    token = _caller_thread.set(True)
    try:
        yield
    finally:
        _caller_thread.reset(token)
