"""Two Daphne processes sharing PostgreSQL and Redis, as deployed: a second tab on the other
process mid-turn, and a process killed while it holds the turn.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets both.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid
from pathlib import Path

import pytest

from tests.servers import (
    base_env,
    daphnes,
    interview_tab,
    manage,
    scratch_database,
    started_interview,
    uses_postgres,
    uses_redis,
    worker,
)

pytestmark = pytest.mark.skipif(
    not (uses_postgres() and uses_redis()), reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI sets them"
)
ANSWER = "I moved our billing database to PostgreSQL 15 in 2023 with zero downtime, as the lead."


@pytest.fixture
def stack(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two processes with a slow reveal (time to join or die mid-turn) and a short lease."""
    with scratch_database(os.environ["DATABASE_URL"], tmp_path) as url:
        env = base_env(
            DATABASE_URL=url,
            FAKE_MODELS="1",
            REVEAL_WORD_MS="150",
            TURN_LEASE_SECONDS="2",
            VAR_DIR=str(tmp_path / "var"),
            MODEL_DIR=str(tmp_path / "models"),
        )
        manage(env, "migrate", "-v0")
        session, cookie = started_interview(env)
        with daphnes(env, 2, tmp_path) as servers:
            yield env, servers, session, cookie


async def read_until_turn(ws, index: int, seconds: float = 30) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """Messages up to and including the interviewer turn ``index`` (and the state after it)."""
    seen: list[dict] = []  # type: ignore[type-arg]
    async with asyncio.timeout(seconds):
        while True:
            seen.append(json.loads(await ws.recv()))
            if seen[-1]["type"] == "state" and any(m["type"] == "turn" and m["index"] == index for m in seen):
                return seen


def assert_consistent(messages: list[dict], index: int, attempts: int = 1) -> str:  # type: ignore[type-arg]
    """Tokens (de-duplicated by offset) agree with the turn; nothing follows the final state;
    at most ``attempts`` starts of the turn were announced (a lost turn is started again)."""
    turn = next(m for m in messages if m["type"] == "turn" and m["index"] == index)
    text = ""
    for m in messages:
        if m["type"] == "token" and m["index"] == index and m["offset"] <= len(text):
            text = text[: m["offset"]] + m["text"]
    assert turn["text"].startswith(text)  # a late joiner may miss the head, never gets other words
    assert [m["type"] for m in messages].count("thinking") <= attempts
    assert messages[-1]["type"] == "state"
    return str(turn["text"])


def interviewer_turns(env: dict[str, str], session: int) -> list[int]:
    code = f"from webapp.interviews.models import Turn; print('ROWS', list(Turn.objects.filter(session_id={session}, role='interviewer').values_list('index', flat=True)))"  # noqa: E501
    return json.loads(manage(env, "shell", "-c", code).split("ROWS", 1)[1].strip())


def test_it_generates_each_turn_once_when_a_second_tab_joins_on_another_process(stack):
    env, servers, session, cookie = stack
    urls = [s.url for s in servers]

    async def scenario() -> None:
        async with interview_tab(urls[0], session, cookie) as one:
            await read_until_turn(one, 0)
            await one.send(json.dumps({"type": "answer", "text": ANSWER, "id": uuid.uuid4().hex}))
            await asyncio.sleep(0.3)  # the next turn is under way on process one
            async with interview_tab(urls[1], session, cookie) as two:
                first, second = await asyncio.gather(read_until_turn(one, 2), read_until_turn(two, 2))
        assert assert_consistent(first, 2) == assert_consistent(second, 2)

    asyncio.run(scenario())
    assert interviewer_turns(env, session) == [0, 2]


@pytest.mark.parametrize("moment", ["thinking", "token"])  # while it decodes, or while it reveals the saved words
def test_it_takes_over_the_turn_of_a_process_killed_mid_turn(stack, moment):
    env, servers, session, cookie = stack
    urls = [s.url for s in servers]

    async def scenario() -> None:
        async with interview_tab(urls[0], session, cookie) as one, interview_tab(urls[1], session, cookie) as two:
            await read_until_turn(one, 0)
            await read_until_turn(two, 0)
            await one.send(json.dumps({"type": "answer", "text": ANSWER, "id": uuid.uuid4().hex}))
            async with asyncio.timeout(10):  # turn 2 is under way (turn 0's reveal may still be arriving)
                while (m := json.loads(await two.recv()))["type"] != moment or m["index"] != 2:
                    pass
            os.kill(servers[0].process.pid, signal.SIGKILL)  # process one dies holding (or revealing) turn 2
            messages = await read_until_turn(two, 2, seconds=45)
        assert_consistent(messages, 2)

    asyncio.run(scenario())
    assert interviewer_turns(env, session) == [0, 2]


def test_it_serves_two_web_processes_from_a_generation_worker_and_survives_its_death(tmp_path):
    """Web processes with GENERATOR_MODE=remote; a worker killed mid-turn: the turn's claim lapses
    and a second worker regenerates it, once."""
    with scratch_database(os.environ["DATABASE_URL"], tmp_path) as url:
        env = base_env(
            DATABASE_URL=url,
            FAKE_MODELS="1",
            FAKE_MODELS_DELAY_MS="60",
            GENERATOR_CANDIDATES="1",
            REVEAL_WORD_MS="0",
            TURN_LEASE_SECONDS="2",
            GENERATION_TIMEOUT_S="3",
            VAR_DIR=str(tmp_path / "var"),
            MODEL_DIR=str(tmp_path / "models"),
        )
        manage(env, "migrate", "-v0")
        session, cookie = started_interview(env)
        web = {**env, "GENERATOR_MODE": "remote"}
        with daphnes(web, 2, tmp_path) as servers, worker(env, "generation", tmp_path, "first") as first:

            async def scenario() -> None:
                async with interview_tab(servers[0].url, session, cookie) as one:
                    async with interview_tab(servers[1].url, session, cookie) as two:
                        await read_until_turn(one, 0)
                        await read_until_turn(two, 0)
                        await one.send(json.dumps({"type": "answer", "text": ANSWER, "id": uuid.uuid4().hex}))
                        async with asyncio.timeout(10):
                            while json.loads(await two.recv())["type"] != "thinking":
                                pass
                        first.kill()  # the worker dies while it decodes turn 2
                        with worker(env, "generation", tmp_path, "second"):
                            messages = await read_until_turn(two, 2, seconds=60)
                        assert_consistent(messages, 2, attempts=2)

            asyncio.run(scenario())
        assert interviewer_turns(env, int(session)) == [0, 2]
