"""A Channels round trip through the configured layer (Redis when REDIS_URL is set)."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from tests.conftest import uses_redis
from webapp.asgi import application


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_round_trips_a_message_through_the_channel_layer():
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", b"http://127.0.0.1")])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"echo": "hello"})
    reply = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    expected = "RedisChannelLayer" if uses_redis() else "InMemoryChannelLayer"
    assert reply == {"type": "pong", "echo": "hello", "layer": expected}
    assert type(get_channel_layer()).__name__ == expected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_a_websocket_from_a_foreign_origin():
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()
