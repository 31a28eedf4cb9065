"""`make run`'s sign-in lines: the admin created once, and every address printed is the one served."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from webapp.management.commands.ensure_admin import Command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_prints_the_host_and_port_it_is_served_on(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a-long-passphrase-42")
    out = io.StringIO()

    Command(stdout=out).handle(host="0.0.0.0", port=8765)

    text = out.getvalue()
    assert "Admin: http://0.0.0.0:8765/admin/  user: admin  password: a-long-passphrase-42" in text
    assert "Demo candidate: http://0.0.0.0:8765/  user: demo" in text
    assert set(re.findall(r"http://[^/\s]+", text)) == {"http://0.0.0.0:8765"}
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_it_brackets_an_ipv6_address_and_defaults_to_make_runs_address(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a-long-passphrase-42")
    out = io.StringIO()
    Command(stdout=out).handle(host="::1", port=8001)
    assert "http://[::1]:8001/admin/" in out.getvalue()

    out = io.StringIO()
    call_command("ensure_admin", stdout=out)  # the Makefile's own defaults, HOST=127.0.0.1 PORT=8000
    assert set(re.findall(r"http://[^/\s]+", out.getvalue())) == {"http://127.0.0.1:8000"}


def test_make_run_hands_its_host_and_port_to_every_line_it_prints():
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    dry = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "HOST=0.0.0.0", "PORT=8765"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "manage.py ensure_admin --host 0.0.0.0 --port 8765" in dry
    assert "http://0.0.0.0:8765/" in dry and "-b 0.0.0.0 -p 8765" in dry
    assert "8000" not in dry and "127.0.0.1" not in dry
