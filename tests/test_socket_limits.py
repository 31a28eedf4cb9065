"""An oversized WebSocket message, sent to Daphne as `make run` serves it: an error message, and the
socket stays open (at Daphne's default limit a 2 MB message dropped it with 1006 and no word)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

from tests.servers import base_env, daphnes, interview_tab, manage, scratch_database, started_interview
from webapp.interviews.protocol import MAX_MESSAGE_CHARS, MAX_SOCKET_BYTES


async def read_until(ws, wanted, seconds: float = 30) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """Messages up to the first one ``wanted`` accepts."""
    seen: list[dict] = []  # type: ignore[type-arg]
    async with asyncio.timeout(seconds):
        while not seen or not wanted(seen[-1]):
            seen.append(json.loads(await ws.recv()))
    return seen


def test_a_message_of_two_megabytes_gets_an_error_and_the_interview_goes_on(tmp_path: Path) -> None:
    with scratch_database(None, tmp_path) as url:
        env = base_env(DATABASE_URL=url, FAKE_MODELS="1", REDIS_URL="", VAR_DIR=str(tmp_path / "var"))
        manage(env, "migrate", "-v0")
        session, cookie = started_interview(env)
        huge = json.dumps({"type": "answer", "text": "x" * 2_000_000})
        assert MAX_MESSAGE_CHARS < len(huge) < MAX_SOCKET_BYTES

        async def scenario() -> None:
            with daphnes(env, 1, tmp_path) as (server,):
                async with interview_tab(server.url, session, cookie) as tab:
                    await read_until(tab, lambda m: m["type"] == "state" and m.get("awaiting") == "answer")
                    await tab.send(huge)
                    error = (await read_until(tab, lambda m: m["type"] == "error"))[-1]
                    assert error["code"] == "bad_message" and "too large" in error["message"]
                    answer = {"type": "answer", "text": "I led the move to PostgreSQL 15.", "id": uuid.uuid4().hex}
                    await tab.send(json.dumps(answer))  # the same socket still serves the interview
                    turn = (await read_until(tab, lambda m: m["type"] == "turn" and m["index"] == 2))[-1]
                    assert turn["role"] == "interviewer" and turn["text"]

        asyncio.run(scenario())
