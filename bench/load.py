"""Load: concurrent scripted interviews against Daphne, on one process and on two processes
sharing Redis and PostgreSQL, as deployed.

Each interview connects its WebSocket, waits for the opening, answers ``--answers`` questions
(answer-to-next-turn is timed from sending the answer to the saved interviewer turn), then
every socket idles ``--idle`` seconds (longer than any layer timeout) and answers once more.
Afterwards the database is checked: every answer sent is stored exactly once, turn indexes are
contiguous, and no streamed text disagreed with the saved turn.

Loopback only, bounded: it creates a scratch database and drops it. Stand-in models by
default (the template generator: this measures the server, not the model); ``--real-models``
uses the prepared models (run `make prepare` first) and defaults to 8 interviews.

    .venv/bin/python bench/load.py                       # 50 x 5, one and two processes
    .venv/bin/python bench/load.py --real-models         # 8 x 5
    .venv/bin/python bench/load.py --real-models --at-once 1,4,8 --workers 2 --answers 3 --idle 2
                                                         # capacity: 1, 4, 8 interviews on one process,
                                                         # and on 2 generation workers over Redis
    BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... .venv/bin/python bench/load.py

Prints a table, then one JSON object of figures as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402

from tests.servers import base_env, daphnes, manage, scratch_database, worker  # noqa: E402
from training.tables import table  # noqa: E402
from webapp.interviews.protocol import Message  # noqa: E402

ANSWERS = [
    "At Acme I led the move of our billing service to PostgreSQL 15; I planned the cut-over and we had zero downtime.",
    "I built the REST API in Python with FastAPI, added caching with Redis and cut p95 latency from 800 ms to 250 ms.",
    "Honestly it was a team effort, but my part was the test suite: I wrote 300 tests and we caught two regressions.",
    "We had a deadline in six weeks; I split the work into three milestones and we shipped a week early.",
    "I mentored two junior engineers through code reviews and pairing; both now own services of their own.",
    "I measured the error rate before and after: it fell from 2% to 0.3% within a month of the change.",
]

SETUP = """
import json, os
from django.contrib.auth import get_user_model
from django.test import Client
from interviewer.dialog.policy import InterviewSettings
from webapp.documents import services
from webapp.interviews import interviews
n, questions = int(os.environ["BENCH_N"]), int(os.environ["BENCH_QUESTIONS"])
read = lambda path: open(path, "rb").read()
job = services.create_document(services.DocumentSpec(kind="job", data=read("fixtures/jobs/software-j1.md"),
                               filename="software-j1.md"))
out = []
for i in range(n):
    user = get_user_model().objects.create_user(f"load{i}", password="load-password-123")
    resume = services.create_document(services.DocumentSpec(kind="resume", data=read("fixtures/resumes/software-r1.md"),
                                      filename="software-r1.md", owner=user))
    session = interviews.start(user, resume, job, InterviewSettings(questions=questions))
    client = Client()
    client.force_login(user)
    out.append({"session": session.pk, "cookie": client.cookies["sessionid"].value})
print("BENCH" + json.dumps(out))
"""

CHECK = """
import json
from webapp.interviews.models import Turn
rows = list(Turn.objects.order_by("session_id", "index").values_list("session_id", "index", "role", "client_id"))
print("BENCH" + json.dumps(rows))
"""


@dataclass
class Client:
    """One scripted candidate's view of its interview."""

    url: str
    session: int
    cookie: str
    latencies: list[float] = field(default_factory=list)
    first_tokens: list[float] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # answer ids
    errors: list[str] = field(default_factory=list)
    disconnects: int = 0
    garbled: int = 0
    duplicates: int = 0


async def run_client(client: Client, answers: int, idle: float, timeout: float) -> None:
    ws_url = client.url.replace("http://", "ws://") + f"/ws/interview/{client.session}/"
    headers = {"Cookie": f"sessionid={client.cookie}", "Origin": client.url}
    streams: dict[int, str] = {}
    seen: dict[int, str] = {}
    try:
        async with websockets.connect(ws_url, additional_headers=headers, ping_interval=None, open_timeout=60) as ws:
            await next_question(ws, client, streams, seen, -1, timeout)
            for k in range(answers + 1):
                if k == answers:  # every socket idles before the last answer
                    if not await stays_open(ws, idle):
                        client.disconnects += 1
                        return
                if not await answer_once(ws, client, streams, seen, k, timeout):
                    return
    except (websockets.ConnectionClosed, OSError, TimeoutError) as exc:
        client.disconnects += 1
        client.errors.append(f"{type(exc).__name__}: {exc}")


async def answer_once(ws, client: Client, streams, seen, k: int, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    """Send answer k and wait for the next interviewer turn; False when the interview is over."""
    answer_id = uuid.uuid4().hex
    last = max(seen) if seen else -1
    await ws.send(json.dumps({"type": Message.ANSWER, "text": ANSWERS[k % len(ANSWERS)], "id": answer_id}))
    client.sent.append(answer_id)
    started = time.monotonic()
    got = await next_question(ws, client, streams, seen, last + 1, timeout, started)
    if got:
        client.latencies.append(time.monotonic() - started)
    return got


async def next_question(ws, client: Client, streams, seen, after: int, timeout: float, started: float = 0.0) -> bool:  # type: ignore[no-untyped-def]
    """Read until an interviewer turn with an index above ``after``; False on the report."""
    first_token = True
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            kind = message["type"]
            if kind == "token":
                streams[message["index"]] = streams.get(message["index"], "")[: message["offset"]] + message["text"]
                if first_token and started:
                    client.first_tokens.append(time.monotonic() - started)
                    first_token = False
            elif kind == "turn":
                index = message["index"]
                if index in seen and seen[index] != message["text"]:
                    client.duplicates += 1
                seen[index] = message["text"]
                if index in streams and streams.pop(index) != message["text"]:
                    client.garbled += 1
                if message["role"] == "interviewer" and index > after:
                    return True
            elif kind == "error":
                client.errors.append(message.get("code", "error"))
            elif kind == "report":
                return False


async def stays_open(ws, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    """True when nothing closed the socket during ``seconds`` of silence from the client."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            try:
                async with asyncio.timeout(left):
                    await ws.recv()  # a late state message is fine; a close is not
            except TimeoutError:
                return True
    except websockets.ConnectionClosed:
        return False
    return True


def check_database(env: dict[str, str], clients: list[Client]) -> dict[str, int]:
    rows = json.loads(manage(env, "shell", "-c", CHECK).split("BENCH", 1)[1])
    stored: dict[str, int] = {}
    broken = 0
    by_session: dict[int, list[tuple[int, str]]] = {}
    for session, index, role, client_id in rows:
        by_session.setdefault(session, []).append((index, role))
        if client_id:
            stored[client_id] = stored.get(client_id, 0) + 1
    for turns in by_session.values():
        indexes = [i for i, _ in turns]
        roles = [r for _, r in turns]
        alternating = all(roles[i] != roles[i + 1] for i in range(len(roles) - 1))
        broken += indexes != list(range(len(indexes))) or not alternating
    sent = [answer for c in clients for answer in c.sent]
    return {
        "lost_answers": sum(1 for a in sent if a not in stored),
        "duplicated_answers": sum(n - 1 for n in stored.values() if n > 1),
        "broken_transcripts": broken,
    }


async def drive(urls: list[str], sessions: list[dict[str, object]], args: argparse.Namespace) -> list[Client]:
    clients = [Client(urls[i % len(urls)], int(str(s["session"])), str(s["cookie"])) for i, s in enumerate(sessions)]
    await asyncio.gather(*(run_client(c, args.answers, args.idle, args.timeout) for c in clients))
    return clients


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def one_config(
    processes: int, args: argparse.Namespace, folder: Path, interviews: int = 0, workers: int = 0
) -> dict[str, object]:
    """``interviews`` at once on ``processes`` Daphne processes; with ``workers``, the web process
    decodes nothing (GENERATOR_MODE=remote) and that many `runworker generation` processes do."""
    folder.mkdir(parents=True, exist_ok=True)
    overrides = {"FAKE_MODELS": "0" if args.real_models else "1", "VAR_DIR": str(folder / "var")}
    if not args.real_models:  # measure the server: no model, no cosmetic pause between revealed words
        overrides.update(MODEL_DIR=str(folder / "models"), REVEAL_WORD_MS="0")
    if workers:
        overrides.update(GENERATOR_MODE="remote")
    interviews = interviews or args.interviews
    with scratch_database(args.database_url, folder) as database_url:
        layer = args.redis_url if processes > 1 or workers else ""
        env = base_env(DATABASE_URL=database_url, REDIS_URL=layer, **overrides)
        manage(env, "migrate", "-v0")
        setup_env = {**env, "BENCH_N": str(interviews), "BENCH_QUESTIONS": str(args.answers + 2)}
        sessions = json.loads(manage(setup_env, "shell", "-c", SETUP).split("BENCH", 1)[1])
        with contextlib.ExitStack() as stack:
            for k in range(workers):
                stack.enter_context(worker(env, "generation", folder, f"generation-{k}"))
            servers = stack.enter_context(daphnes(env, processes, folder))
            if workers:
                time.sleep(args.warm_s)  # the workers load the generator before the first request
            started = time.monotonic()
            clients = asyncio.run(drive([s.url for s in servers], sessions, args))
            wall = time.monotonic() - started
        checked = check_database(env, clients)
    latencies = [x for c in clients for x in c.latencies]
    tokens = [x for c in clients for x in c.first_tokens]
    return {
        "processes": processes,
        "generation_workers": workers,
        "interviews": len(clients),
        "answers_timed": len(latencies),
        "p50_answer_to_turn_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_answer_to_turn_s": round(percentile(latencies, 0.95), 3),
        "p50_answer_to_first_token_s": round(statistics.median(tokens), 3) if tokens else None,
        "p95_answer_to_first_token_s": round(percentile(tokens, 0.95), 3),
        "errors": sum(len(c.errors) for c in clients),
        "disconnects": sum(c.disconnects for c in clients),
        "garbled_streams": sum(c.garbled for c in clients),
        "duplicated_turns": sum(c.duplicates for c in clients) + checked["duplicated_answers"],
        "lost_answers": checked["lost_answers"],
        "broken_transcripts": checked["broken_transcripts"],
        "wall_s": round(wall, 1),
        "error_samples": sorted({e for c in clients for e in c.errors})[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interviews", type=int, default=0, help="concurrent interviews (50; 8 with real models)")
    parser.add_argument("--answers", type=int, default=5, help="timed answers per interview")
    parser.add_argument("--idle", type=float, default=15, help="seconds every socket idles before the last answer")
    parser.add_argument("--processes", choices=["1", "2", "both"], default="both")
    parser.add_argument("--real-models", action="store_true", help="the prepared models instead of stand-ins")
    parser.add_argument("--timeout", type=float, default=120, help="longest wait for one turn, in seconds")
    parser.add_argument(
        "--database-url", default=os.getenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis-url", default=os.getenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument(
        "--at-once", default="", help="capacity: comma-separated interview counts (1,4,8), one process each"
    )
    parser.add_argument("--workers", type=int, default=0, help="with --at-once: also N generation workers")
    parser.add_argument("--warm-s", type=float, default=40, help="seconds the generation workers get to load")
    args = parser.parse_args()
    args.interviews = args.interviews or (8 if args.real_models else 50)
    counts = [1, 2] if args.processes == "both" else [int(args.processes)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.at_once:
            for n in [int(x) for x in args.at_once.split(",")]:
                results.append(one_config(1, args, Path(tmp) / f"local-{n}", interviews=n))
                if args.workers:
                    results.append(one_config(1, args, Path(tmp) / f"workers-{n}", interviews=n, workers=args.workers))
        else:
            for count in counts:
                results.append(one_config(count, args, Path(tmp) / f"p{count}"))
    columns = ["processes", "generation_workers", "interviews", "p50_answer_to_turn_s", "p95_answer_to_turn_s"]
    columns += ["p50_answer_to_first_token_s", "p95_answer_to_first_token_s"]
    columns += ["errors", "disconnects", "lost_answers", "duplicated_turns", "garbled_streams", "broken_transcripts"]
    print(table([[r[c] for c in columns] for r in results], columns))
    for r in results:
        if r["error_samples"]:
            print(f"errors on {r['processes']} process(es): {r['error_samples']}")
    print(json.dumps({"models": "real" if args.real_models else "stand-in", "idle_s": args.idle, "runs": results}))


if __name__ == "__main__":
    main()
