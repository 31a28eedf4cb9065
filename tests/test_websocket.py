"""A Channels round trip through the configured layer (Redis when REDIS_URL is set)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.servers import uses_redis
from webapp.asgi import application


@sync_to_async
def login_cookie() -> bytes:
    client = Client()
    client.force_login(get_user_model().objects.create_user("hal", password="hal-password-1"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_round_trips_a_message_through_the_channel_layer():
    headers = [(b"origin", b"http://127.0.0.1"), (b"cookie", await login_cookie())]
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
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


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_the_health_socket_to_anonymous_users():
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", b"http://127.0.0.1")])
    connected, _ = await communicator.connect()
    assert connected  # accepted only to say why, as the interview socket does
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()
