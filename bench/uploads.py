"""Hostile uploads (issue 8): time and peak memory of each, and interview latency during one.

Each file is posted to the candidate upload view (the real path: multipart parsing, the async
view, the throw-away reader process, embedding, the store) in a fresh subprocess, so one file's
memory never hides another's. Then one more subprocess measures another candidate's
answer-to-next-turn time over the WebSocket, idle and while a 10 MB resume is being uploaded.

Run: .venv/bin/python bench/uploads.py [--fake-models]   (last line: one JSON object of figures)
Target: every file refused or stored within 10 s and +300 MB RSS; turns during an upload within 2x of idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.interviews.protocol import Event, Message  # noqa: E402

# What each hostile file is called and how tests/docfactory.py builds it.
FILES: dict[str, tuple[str, Callable[[Any], bytes]]] = {
    "docx_20000_paragraphs": ("resume.docx", lambda f: f.many_paragraphs_docx(20_000, styled_every=4)),
    "docx_341kb_many_paragraphs": ("long.docx", lambda f: f.many_paragraphs_docx(95_000, styled_every=4)),
    "docx_zip_bomb": ("bomb.docx", lambda f: f.zip_bomb_docx(1300)),
    "txt_10mb_resume": ("resume.txt", lambda f: f.big_text_resume(9.9)),
    "pdf_oversized_stream": ("stream.pdf", lambda f: f.pdf_with_oversized_stream(80)),
}


def _django(var_dir: str, fake: bool) -> None:
    os.environ.update({"VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "webapp.settings", "LOG_LEVEL": "ERROR"})
    os.environ["FAKE_MODELS"] = "1" if fake else "0"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class PeakRss:
    """Samples this process's RSS every 10 ms (ru_maxrss is a high-water mark since start-up)."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.base = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return float(self.peak - self.base) / 1024 / 1024


def one_upload(path: str, fake: bool) -> dict[str, object]:
    """(In a subprocess.) Post one file to the upload view; the outcome, seconds and memory."""
    with tempfile.TemporaryDirectory() as var_dir:
        _django(var_dir, fake)
        from django.contrib.auth import get_user_model
        from django.contrib.messages import get_messages
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        from webapp.documents import isolated
        from webapp.documents.models import Fact, Resume
        from webapp.serving import models_registry

        models_registry.encoder().encode(["warm up"])  # loaded once per process, as in a server
        client = Client()
        client.force_login(get_user_model().objects.create_user("mallory", password="x-password-1"))
        data = Path(path).read_bytes()
        meter = PeakRss()
        start = time.perf_counter()
        response = client.post("/resumes/upload/", {"file": SimpleUploadedFile(Path(path).name, data)})
        seconds = time.perf_counter() - start
        growth = meter.stop()
        notes = [str(m) for m in get_messages(response.wsgi_request)]
        return {
            "bytes": len(data),
            "status": response.status_code,
            "stored": Resume.objects.count(),
            "facts": Fact.objects.count(),
            "seconds": round(seconds, 2),
            "server_rss_growth_mb": round(growth, 1),
            "reader_peak_rss_mb": round(isolated.last_reader_peak_kb / 1024, 1),
            "messages": [m[:160] for m in notes],
        }


async def _interview_socket() -> Any:
    """A new candidate's interview (30 questions) and its connected WebSocket."""
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.interview_helpers import start
    from webapp.asgi import application

    @sync_to_async
    def setup(name: str):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.create_user(name, password="x-password-1")
        session = start(user, questions=30)
        client = Client()
        client.force_login(user)
        return session, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    session, cookie = await setup(f"cand{time.monotonic_ns()}")
    headers = [(b"origin", b"http://127.0.0.1"), (b"cookie", cookie.encode())]
    ws = WebsocketCommunicator(application, f"/ws/interview/{session.pk}/", headers=headers)
    await ws.connect()
    return ws


async def _next_turn(ws: Any) -> None:
    """Wait for the interviewer's next turn to be saved and announced."""
    while True:
        message = await ws.receive_json_from(timeout=60)
        if message["type"] == Event.TURN and message["role"] == "interviewer":
            return


async def _keep_uploading(upload: bytes, stop: asyncio.Event) -> int:
    """Another candidate uploads the 10 MB resume back to back (body encoded once, outside the loop)
    until ``stop``; returns how many uploads were made."""
    from asgiref.sync import sync_to_async
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import AsyncClient
    from django.test.client import BOUNDARY, encode_multipart

    uploader = AsyncClient()
    other = await sync_to_async(get_user_model().objects.create_user)("uploader", password="x-password-1")
    await sync_to_async(uploader.force_login)(other)
    body = await sync_to_async(encode_multipart, thread_sensitive=False)(
        BOUNDARY, {"file": SimpleUploadedFile("big.txt", upload)}
    )
    uploads = 0
    while not stop.is_set():
        # a new string, not MULTIPART_CONTENT itself: the client re-encodes only for that object
        await uploader.post("/resumes/upload/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
        uploads += 1
    return uploads


async def _turn_times(fake: bool, upload: bytes | None) -> tuple[list[float], int]:
    """Answer-to-next-turn times of one interview; with ``upload``, another user uploads meanwhile."""
    ws = await _interview_socket()
    await _next_turn(ws)
    stop = asyncio.Event()
    task = asyncio.ensure_future(_keep_uploading(upload, stop)) if upload is not None else None
    if task is not None:
        await asyncio.sleep(0.3)
    times = []
    for i in range(12):
        start_time = time.perf_counter()
        await ws.send_json_to(
            {"type": Message.ANSWER, "text": f"I migrated the ledger to PostgreSQL in 2021, step {i}."}
        )
        await _next_turn(ws)
        times.append(time.perf_counter() - start_time)
    uploads = 0
    if task is not None:
        stop.set()
        uploads = await task
    await ws.disconnect()
    return times, uploads


def latency(fake: bool) -> dict[str, object]:
    """(In a subprocess.) Turn times idle, then while a 10 MB resume is uploaded."""
    import statistics

    with tempfile.TemporaryDirectory() as var_dir:
        _django(var_dir, fake)
        from tests import docfactory

        big = docfactory.big_text_resume(9.9)
        idle, _ = asyncio.run(_turn_times(fake, None))
        busy, uploads = asyncio.run(_turn_times(fake, big))
        return {
            "idle_median_s": round(statistics.median(idle), 3),
            "during_uploads_median_s": round(statistics.median(busy), 3),
            "during_uploads_max_s": round(max(busy), 3),
            "ratio_median": round(statistics.median(busy) / statistics.median(idle), 2),
            "turns": len(busy),
            "uploads_meanwhile": uploads,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fake-models", action="store_true", help="hashing encoder instead of MiniLM")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, path = args.child
        result = latency(args.fake_models) if what == "latency" else one_upload(path, args.fake_models)
        print(json.dumps(result))
        return

    from tests import docfactory

    figures: dict[str, object] = {"fake_models": args.fake_models}
    extra = ["--fake-models"] if args.fake_models else []
    with tempfile.TemporaryDirectory() as folder:
        for key, (name, build) in FILES.items():
            path = Path(folder) / name
            path.write_bytes(build(docfactory))
            out = subprocess.run(
                [sys.executable, __file__, "--child", "upload", str(path), *extra],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=600,
            )
            figures[key] = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else out.stderr[-800:]
            print(key, figures[key], flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--child", "latency", "-", *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        )
        figures["interview_turns"] = (
            json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else out.stderr[-800:]
        )
        print("interview_turns", figures["interview_turns"], flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
