"""Running the app as it is deployed, for browser tests, multi-process tests and benchmarks:
Daphne processes on loopback ports over one scratch database (PostgreSQL or SQLite); and which
servers this test run itself is configured for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from webapp.interviews.protocol import MAX_SOCKET_BYTES

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextmanager
def scratch_database(base_url: str | None, folder: Path) -> Iterator[str]:
    """A new, empty database: on the PostgreSQL server of ``base_url`` (dropped afterwards),
    or a SQLite file in ``folder`` when ``base_url`` is not a PostgreSQL URL."""
    if not base_url or not base_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / f'scratch-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    import psycopg

    name = f"interviewer_scratch_{uuid.uuid4().hex[:8]}"
    server = base_url.rsplit("/", 1)[0]
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str, capture: bool = True) -> str:
    """Run ``manage.py ARGS`` with ``env``; returns its stdout, raises with its stderr on failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# As the Makefile and README serve it: Daphne lets a message of up to MAX_SOCKET_BYTES reach the consumer.
DAPHNE_LIMITS = [f"--websocket-max-{what}-size={MAX_SOCKET_BYTES}" for what in ("message", "frame")]


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def daphnes(env: dict[str, str], count: int, log_dir: Path) -> Iterator[list[Server]]:
    """``count`` Daphne processes serving the app with ``env``."""
    servers: list[Server] = []
    logs: list[IO[str]] = []
    try:
        for i in range(count):
            port = free_port()
            logs.append(open(log_dir / f"daphne-{i}.log", "w"))  # noqa: SIM115 - closed below
            command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *DAPHNE_LIMITS]
            command.append("webapp.asgi:application")
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs[-1], stderr=subprocess.STDOUT)
            servers.append(Server(f"http://127.0.0.1:{port}", process))
        for server in servers:
            wait_for_port(int(server.url.rsplit(":", 1)[1]))
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
        for log in logs:
            log.close()


@contextmanager
def worker(env: dict[str, str], channel: str, log_dir: Path, name: str = "worker") -> Iterator[subprocess.Popen[bytes]]:
    """A `manage.py runworker CHANNEL` process (stopped, or killed, at the end)."""
    log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runworker", channel], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def base_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "DEBUG": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1"}
    env.update(overrides)
    return env


# A candidate "alice" with a started interview of four questions and a logged-in browser session.
_INTERVIEW_SETUP = """
from django.contrib.auth import get_user_model
from django.test import Client
from tests.interview_helpers import start
user = get_user_model().objects.create_user("alice", password="alice-password-1")
session = start(user, questions=4)
client = Client()
client.force_login(user)
print("SETUP", session.pk, client.cookies["sessionid"].value)
"""


def started_interview(env: dict[str, str]) -> tuple[int, str]:
    """An interview started in the (migrated) database of ``env``: its id and its owner's session cookie."""
    session, cookie = manage(env, "shell", "-c", _INTERVIEW_SETUP).split("SETUP", 1)[1].split()
    return int(session), cookie


def interview_tab(url: str, session: int, cookie: str):  # type: ignore[no-untyped-def]
    """A browser tab's WebSocket on interview ``session`` at the server ``url`` (an async context)."""
    import websockets

    headers = {"Cookie": f"sessionid={cookie}", "Origin": url}
    ws_url = url.replace("http://", "ws://") + f"/ws/interview/{session}/"
    return websockets.connect(ws_url, additional_headers=headers, ping_interval=None)


def uses_postgres() -> bool:
    """Whether this run tests on PostgreSQL (DATABASE_URL names one) rather than SQLite."""
    return os.getenv("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def uses_redis() -> bool:
    """Whether this run's channel layer is Redis (REDIS_URL) rather than the in-memory one."""
    return bool(os.getenv("REDIS_URL"))
