"""Settings from the environment: defaults, and malformed values that name the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from webapp import env

ROOT = Path(__file__).resolve().parent.parent


def test_it_parses_database_urls(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://bob:s%40fe@db.local:6543/interviews")
    db = env.database_from_url("DATABASE_URL", "sqlite:///x")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "interviews",
        "bob",
        "s@fe",
        "db.local",
        "6543",
    )
    monkeypatch.delenv("DATABASE_URL")
    sqlite = env.database_from_url("DATABASE_URL", "sqlite:////tmp/a.sqlite3")
    assert sqlite["NAME"] == "/tmp/a.sqlite3"
    assert sqlite["OPTIONS"] == {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


@pytest.mark.parametrize(
    "name, value, call",
    [
        ("DATABASE_URL", "mysql://root@localhost/db", lambda: env.database_from_url("DATABASE_URL", "")),
        ("DATABASE_URL", "postgres://host:notaport/db", lambda: env.database_from_url("DATABASE_URL", "")),
        ("REDIS_URL", "localhost:6379", lambda: env.redis_url("REDIS_URL")),
        ("MAX_UPLOAD_MB", "ten", lambda: env.envint("MAX_UPLOAD_MB", "10", minimum=1)),
        ("MAX_UPLOAD_MB", "0", lambda: env.envint("MAX_UPLOAD_MB", "10", minimum=1)),
        ("DEBUG", "maybe", lambda: env.envbool("DEBUG", "0")),
        ("GENERATOR_BACKEND", "llama", lambda: env.envchoice("GENERATOR_BACKEND", "ctranslate2", ("ctranslate2",))),
    ],
)
def test_it_names_the_variable_when_a_value_is_malformed(monkeypatch, name, value, call):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        call()


def test_it_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.envsecret("SECRET_KEY", "") == "from-file"


def test_it_stops_start_up_with_a_message_naming_the_variable():
    environment = {**os.environ, "MAX_UPLOAD_MB": "lots", "DJANGO_SETTINGS_MODULE": "webapp.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "MAX_UPLOAD_MB must be an integer, got 'lots'" in result.stderr
