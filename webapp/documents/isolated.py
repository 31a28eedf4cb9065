"""Reading a document in a throw-away process: a hostile file can neither stall nor bloat the server.

:func:`run_isolated` starts a reader (interviewer.documents.reading) in a process of its own, killed
after a timeout, and turns every way it can end (a reply, an error, a crash, a kill for memory, a
reply that cannot be read) into its result or a :class:`DocumentError` that says which. webapp.documents.services
reads every upload through it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from interviewer.documents import reading as documents
from interviewer.documents.base import DocumentError

log = logging.getLogger(__name__)
T = TypeVar("T")

_context: Any = None
last_reader_peak_kb = 0  # peak RSS of the latest reader process (bench/uploads.py reports it)


def _process_context() -> Any:
    """A forkserver context: forking a threaded server (Daphne, torch) directly is unsafe."""
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["interviewer.documents.reading", "pypdf", "docx"])
        _context = context
    return _context


_main_lock = threading.Lock()


@contextmanager
def _main_without_a_file() -> Iterator[None]:
    """Start a reader from a program read from stdin or ``-c`` too: its ``__main__.__file__`` names
    no file ("<stdin>"), which a new process would run again first and die on (every document then
    read as too big for memory). Such a name is hidden while the process starts."""
    main = sys.modules["__main__"]
    path = getattr(main, "__file__", None)
    if path is None or os.path.isfile(path):
        yield
        return
    with _main_lock:
        del main.__file__
        try:
            yield
        finally:
            main.__file__ = path


def _died(name: str, exitcode: int | None) -> DocumentError:
    """What a reader process that ended without answering means: killed (the memory limit or the
    kernel's), crashed on another signal, or stopped before reading (it could not start)."""
    if exitcode == -signal.SIGKILL:
        log.warning("reading %s: the reader process was killed (out of memory)", name)
        return DocumentError(f"{name} could not be read within the memory a document may use.")
    if exitcode is not None and exitcode < 0:
        log.warning("reading %s: the reader process crashed (signal %s)", name, -exitcode)
        return DocumentError(f"{name} could not be read (the file is damaged or in an unexpected format).")
    log.error("reading %s: the reader process stopped before answering (exit code %s)", name, exitcode)
    return DocumentError(
        f"{name} could not be read: the document reader stopped before reading it (exit code {exitcode})."
    )


def run_isolated(
    target: Callable[..., None], args: tuple[object, ...], name: str, timeout: float, expect: type[T]
) -> T:
    """Run ``target(connection, *args)`` in a throw-away process; return the result of the
    :class:`~interviewer.documents.reading.Reply` it sends, which must be an ``expect``.

    The process is killed after ``timeout`` seconds. An ``error`` reply becomes a DocumentError
    with its message; a ``crash``, a reply of another shape or one that cannot be unpickled, and
    a process that ends without answering become one that says which way it ended (:func:`_died`;
    logged on one line).
    """
    global last_reader_peak_kb
    context = _process_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(sender, *args), daemon=True)
    try:
        with _main_without_a_file():
            process.start()
    except OSError as exc:  # no process to start (a dead fork server, no memory for one)
        sender.close()
        receiver.close()
        log.warning("the reader of %s could not start: %s", name, exc)
        raise DocumentError(f"{name} could not be read now: the document reader did not start. Try again.") from None
    try:
        sender.close()
        if not receiver.poll(timeout):
            raise DocumentError(
                f"{name} took longer than {timeout:g} s to read (PARSE_TIMEOUT_S); simplify or split the file."
            )
        reply = receiver.recv()
    except EOFError:
        process.join(5)
        raise _died(name, process.exitcode) from None
    except (AttributeError, ImportError, pickle.UnpicklingError) as exc:
        # a reply this process cannot unpickle: the reader ran other code (a deploy under way)
        reply = documents.Reply("crash", message=f"the reply could not be read: {type(exc).__name__}: {exc}"[:500])
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if not isinstance(reply, documents.Reply):
        reply = documents.Reply("crash", message=f"the reader sent a {type(reply).__name__}, not a Reply")
    last_reader_peak_kb = reply.peak_kb
    if reply.status == "ok" and isinstance(reply.result, expect):
        return reply.result
    if reply.status == "error":
        raise DocumentError(reply.message)
    log.warning("reading %s failed unexpectedly: %s", name, reply.message or f"no {expect.__name__} in the reply")
    raise DocumentError(f"{name} could not be read (the file is damaged or in an unexpected format).")
