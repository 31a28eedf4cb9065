"""An interview socket left idle on the real Redis layer stays open (django/channels_redis#422).

redis-py 8 times socket reads out after 5 s, shorter than channels-redis's blocking read, so
every idle socket used to be closed with 1011 after about 5.5 s. This test idles for 15 s.
"""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer

from tests.servers import uses_redis
from webapp.interviews.tests.test_interview_ws import alice_interview, connect, until

pytestmark = pytest.mark.skipif(not uses_redis(), reason="needs the Redis channel layer (REDIS_URL); CI sets it")
IDLE_SECONDS = 15


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_keeps_an_idle_interview_socket_open_on_redis():
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    alice, session = await alice_interview()
    ws = await connect(alice, session.pk)
    await until(ws, "state")
    question, _ = await until(ws, "turn")
    await until(ws, "state")

    await asyncio.sleep(IDLE_SECONDS)  # the candidate thinks; nothing crosses the layer
    assert await ws.receive_nothing(timeout=0.1)  # no close, no error while idle

    await ws.send_json_to({"type": "answer", "text": "I moved our billing database to PostgreSQL 15 in 2023."})
    echo, _ = await until(ws, "turn")
    assert echo["role"] == "candidate"
    following, _ = await until(ws, "turn", timeout=20)
    assert following["index"] == question["index"] + 2
    await ws.disconnect()
