"""Fixtures every test reaches, in tests/ and in each app's tests/ folder."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):  # type: ignore[no-untyped-def]
    """On SQLite, test on a file as the app runs, not Django's default shared-cache in-memory
    database: that one locks whole tables between connections and fails at once ("database table
    is locked") instead of waiting, and knows neither WAL nor the busy timeout, so a background
    import thread and a request collided there as they never do on the configured file. A fresh
    folder per run, so no WAL file of an earlier, killed run is ever replayed into it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Async code reaches the database from worker threads whose connections outlive the tests;
    end them before pytest-django drops the PostgreSQL test database."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def fake_models(request, settings):  # type: ignore[no-untyped-def]
    """Unit tests use the deterministic hashing encoder; ``real_models`` tests the packaged ones."""
    from webapp.serving import models_registry

    settings.FAKE_MODELS = request.node.get_closest_marker("real_models") is None
    models_registry.reset()
    yield
    models_registry.reset()


@pytest.fixture(autouse=True)
def isolated_dirs(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    settings.MODEL_DIR = tmp_path / "models"
    settings.REVEAL_WORD_MS = 0  # reveal a turn's words without the cosmetic pause


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
