"""How long a turn waits when the process generating it is killed (kill -9), for each lease length.

Two Daphne processes on PostgreSQL and Redis (as deployed), the stand-in generator, one interview
open in a tab on each. Once process one announces that it is thinking about turn 2, it is killed;
the bench measures, on the tab of process two, the seconds until turn 2 starts again there (its
"thinking") and until the whole turn has arrived. Each lease runs the same scenario ``--runs``
times, side by side in one run; the last line printed is one JSON object.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/takeover.py --leases 10 3 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import base_env, daphnes, interview_tab, manage, scratch_database, started_interview  # noqa: E402
from training.tables import table  # noqa: E402
from webapp.interviews.protocol import Message  # noqa: E402

ANSWER = "I moved our billing database to PostgreSQL 15 in 2023 with zero downtime, as the lead."


async def until(ws, kind: str, index: int, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(seconds):
        while True:
            message = json.loads(await ws.recv())
            if message.get("type") == kind and message.get("index") == index:
                return


async def scenario(urls: list[str], pid: int, session: int, cookie: str) -> tuple[float, float]:
    async with interview_tab(urls[0], session, cookie) as one, interview_tab(urls[1], session, cookie) as two:
        await until(one, "turn", 0)
        await until(two, "turn", 0)
        await one.send(json.dumps({"type": Message.ANSWER, "text": ANSWER, "id": uuid.uuid4().hex}))
        await until(two, "thinking", 2)  # process one holds turn 2
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        await until(two, "thinking", 2)  # process two took it over
        restarted = time.monotonic() - killed
        await until(two, "turn", 2)
        return restarted, time.monotonic() - killed


def run(lease: float, folder: Path) -> tuple[float, float]:
    with scratch_database(os.environ["DATABASE_URL"], folder) as url:
        env = base_env(
            DATABASE_URL=url,
            FAKE_MODELS="1",
            FAKE_MODELS_DELAY_MS="100",
            TURN_LEASE_SECONDS=str(lease),
            VAR_DIR=str(folder / "var"),
            MODEL_DIR=str(folder / "models"),
        )
        manage(env, "migrate", "-v0")
        session, cookie = started_interview(env)
        with daphnes(env, 2, folder) as servers:
            urls = [s.url for s in servers]
            return asyncio.run(scenario(urls, servers[0].process.pid, session, cookie))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leases", type=float, nargs="+", default=[10.0, 3.0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
        sys.exit("bench/takeover.py needs DATABASE_URL (PostgreSQL) and REDIS_URL, as deployed")
    results: dict[str, dict[str, float]] = {}
    rows = []
    for lease in args.leases:
        restarts, turns = [], []
        for n in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                restarted, whole = run(lease, Path(folder))
            restarts.append(restarted)
            turns.append(whole)
            print(f"lease {lease:g} s, run {n + 1}: restarted after {restarted:.1f} s, whole turn {whole:.1f} s")
        key = f"lease_{lease:g}s"
        results[key] = {
            "restart_median_s": round(statistics.median(restarts), 2),
            "restart_max_s": round(max(restarts), 2),
            "turn_median_s": round(statistics.median(turns), 2),
        }
        rows.append([f"{lease:g} s", *results[key].values()])
    print(table(rows, ["lease", "restarted after (median s)", "(max s)", "whole turn (median s)"], floatfmt=".2f"))
    print(json.dumps({"cores": os.cpu_count(), "runs": args.runs, **results}))


if __name__ == "__main__":
    main()
