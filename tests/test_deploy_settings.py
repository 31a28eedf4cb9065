"""Production settings (issue 8): SECURE_* from the environment, `check --deploy` clean with the
documented values (README "Production"), and a same-origin Content-Security-Policy that the
pages (WebSocket included) and the admin live with in chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.test_browser import CHROMIUM, FLAGS, _browser_or_skip, server  # noqa: F401 - server is a fixture
from webapp import env

ROOT = Path(__file__).resolve().parent.parent

# The values README "Production" documents (the secret is any 50+ random characters).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3v9-Qx7pL2mW8nR4tY6uI0oP5aS1dF3gH7jK9lZ2xC4vB6nM8qE0wT5yU1iO3pA7sD",
    "ALLOWED_HOSTS": "interview.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://interview.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def check_deploy(extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "VAR_DIR": str(tmp_path), **extra}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_the_documented_production_values(tmp_path):
    result = check_deploy(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readme_lists_every_production_value_the_check_needs():
    production = (ROOT / "README.md").read_text(encoding="utf-8").split("## Production", 1)[1].split("\n## ", 1)[0]
    for name, value in PRODUCTION.items():
        if name not in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"):  # site-specific
            assert f"`{name}={value}`" in production, f"README's Production section lacks {name}={value}"


def test_it_warns_without_them(tmp_path):
    bare = {k: v for k, v in PRODUCTION.items() if k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    result = check_deploy(bare, tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["HTTP_X_FORWARDED_PROTO", "a,b,c", ",https"])
def test_it_names_a_malformed_proxy_header(monkeypatch, value):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", value)
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        env.envpair("SECURE_PROXY_SSL_HEADER")


def test_it_reads_the_proxy_header_pair(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO, https")
    assert env.envpair("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_it_sends_a_same_origin_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    assert directives["connect-src"] == "'self'"  # the page's own ws:/wss: origin included (CSP 3)
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.browser
def test_it_runs_the_pages_websocket_and_admin_under_the_csp_in_chromium(server, tmp_path):  # noqa: F811
    """The CSP enforced (no bypass): sign up, upload, start, a streamed question arrives over the
    WebSocket; then the admin pages. No CSP violation is reported on the way."""
    sync_playwright = _browser_or_skip()
    base = server
    admin = {**os.environ, "ADMIN_USER": "root", "ADMIN_PASSWORD": "root-password-1", "VAR_DIR": str(tmp_path / "var")}
    admin["DATABASE_URL"] = (
        f"sqlite:///{tmp_path / 'browser.sqlite3'}" if "postgres" not in os.getenv("DATABASE_URL", "") else ""
    )
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{base}/signup/")
        page.fill("#id_username", "casey")
        page.fill("#id_password1", "a-long-passphrase-42")
        page.fill("#id_password2", "a-long-passphrase-42")
        page.click("button:has-text('Sign up')")
        page.wait_for_url(f"{base}/")
        page.fill(
            "#id_text", "EXPERIENCE\n- Built REST APIs in Python for 2 million users\n- Ran PostgreSQL in production"
        )
        page.click("button:has-text('Upload')")
        page.wait_for_selector("text=facts found")
        page.click("ul.jobs a >> nth=0")
        page.click("#start")
        page.wait_for_url("**/interviews/*/")
        page.wait_for_selector("#log li.interviewer:not(.streaming)", timeout=30_000)  # over the WebSocket
        assert not violations, violations
        browser.close()
    if admin["DATABASE_URL"]:
        subprocess.run(
            [sys.executable, "manage.py", "ensure_admin"], cwd=ROOT, env=admin, check=True, capture_output=True
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", "root")
            page.fill("#id_password", "root-password-1")
            page.click("input[type=submit]")
            for path in (
                "/admin/",
                "/admin/documents/jobposting/",
                "/admin/documents/jobposting/add/",
                "/admin/documents/resume/import/",
            ):
                page.goto(f"{base}{path}")
                page.wait_for_load_state("load")
            browser.close()
        assert not violations, violations
