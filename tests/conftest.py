from __future__ import annotations

import os

import pytest

from webapp import models_registry


@pytest.fixture(autouse=True)
def fake_models(request, settings):  # type: ignore[no-untyped-def]
    """Unit tests use the deterministic hashing encoder; ``real_models`` tests the packaged ones."""
    settings.FAKE_MODELS = request.node.get_closest_marker("real_models") is None
    models_registry.reset()
    yield
    models_registry.reset()


@pytest.fixture(autouse=True)
def isolated_dirs(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    settings.MODEL_DIR = tmp_path / "models"


@pytest.fixture
def users(db):  # type: ignore[no-untyped-def]
    """A small cast: alice and bob are candidates, charlie is staff."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    alice = User.objects.create_user("alice", password="alice-password-1")
    bob = User.objects.create_user("bob", password="bob-password-1")
    charlie = User.objects.create_superuser("charlie", password="charlie-password-1")
    return alice, bob, charlie


@pytest.fixture
def admin_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[2])
    return client


def uses_postgres() -> bool:
    return os.getenv("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def uses_redis() -> bool:
    return bool(os.getenv("REDIS_URL"))
