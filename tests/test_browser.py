"""End to end in a real browser: Playwright drives Debian's chromium against Daphne.

Signs up, uploads a resume file, picks a job, sees streamed text before the turn is
complete, answers three questions with a reload in between, ends, and opens the report.
With REQUIRE_BROWSER=1 (CI) a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import docfactory
from tests.servers import uses_postgres

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
pytestmark = pytest.mark.browser


def _browser_or_skip():  # type: ignore[no-untyped-def]
    required = os.getenv("REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("REQUIRE_BROWSER=1 but Python Playwright is not installed")
        pytest.skip("Python Playwright is not installed")
    if not Path(CHROMIUM).exists():
        if required:
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):  # type: ignore[no-untyped-def]
    """Daphne serving the app on a fresh database (PostgreSQL when DATABASE_URL says so)."""
    env = {
        **os.environ,
        "FAKE_MODELS": "1",
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "MODEL_DIR": str(tmp_path / "models"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if uses_postgres():
        import psycopg

        name = f"interviewer_browser_{uuid.uuid4().hex[:8]}"
        admin_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    else:
        name = None
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        manage + ["import_documents", "jobs", "fixtures/jobs/software-j1.md", "fixtures/jobs/nursing-j1.md"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(tmp_path / "daphne.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "webapp.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()
    if name:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


RECORD_STREAMING = """
window.__partial = [];
new MutationObserver(() => {
  for (const li of document.querySelectorAll('#log li.streaming')) window.__partial.push(li.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def test_it_runs_a_whole_interview_in_a_real_browser(server, tmp_path):
    sync_playwright = _browser_or_skip()
    resume = tmp_path / "my-resume.pdf"
    resume.write_bytes(docfactory.pdf_bytes())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        # Playwright's wait_for_function evaluates with eval(), which the app's CSP forbids;
        # tests/test_deploy_settings.py drives the pages with the CSP enforced.
        page = browser.new_page(viewport={"width": 1100, "height": 900}, bypass_csp=True)
        page.add_init_script(RECORD_STREAMING)
        page.on("dialog", lambda dialog: dialog.accept())

        page.goto(f"{server}/")
        assert "/login/" in page.url  # sign-in required
        page.click("text=Sign up")
        page.fill("#id_username", "casey")
        page.fill("#id_password1", "a-long-passphrase-42")
        page.fill("#id_password2", "a-long-passphrase-42")
        page.click("button:has-text('Sign up')")
        page.wait_for_url(f"{server}/")

        page.set_input_files("#id_file", str(resume))
        page.click("button:has-text('Upload')")
        page.wait_for_selector("text=facts found")

        page.fill("#q", "Backend")
        page.click("button:has-text('Search')")
        page.click("ul.jobs a >> nth=0")
        page.wait_for_selector("text=How your resume matches")
        assert page.locator("text=Gaps to prepare for").is_visible()
        _accessible(page)
        start = page.locator("#start").bounding_box()
        assert start is not None and start["y"] + start["height"] <= 900, start  # no scrolling past the match
        page.fill("#id_questions", "4")
        page.click("#start")
        page.wait_for_url("**/interviews/*/")

        def interviewer_turns() -> int:
            return page.locator("#log li.interviewer:not(.streaming)").count()

        page.wait_for_function("document.querySelectorAll('#log li.interviewer:not(.streaming)').length >= 1")
        partial = page.evaluate("window.__partial")
        final = page.locator("#log li.interviewer .text").first.inner_text()
        assert partial and any(0 < len(p) < len(final) for p in partial), "no streamed text before the turn completed"

        answers = [
            "At Dana's last job I migrated the ledger service from MySQL to PostgreSQL 15 with zero downtime.",
            "I added Redis caching to our busiest API, which cut p95 latency by 35% for 2 million requests a day.",
            "I would pair with a senior engineer and ship a small change to production in my first two weeks.",
        ]
        for number, answer in enumerate(answers, start=1):
            page.wait_for_selector("#answer:enabled")
            page.fill("#answer", answer)
            page.press("#answer", "Enter")
            page.wait_for_function(f"document.querySelectorAll('#log li.candidate').length >= {number}")
            page.wait_for_function(
                f"document.querySelectorAll('#log li.interviewer:not(.streaming)').length >= {number + 1}"
            )
            assert "question" in page.locator("#progress").inner_text().lower()
            if number == 2:
                before = page.locator("#log li").count()
                page.wait_for_selector("#answer:enabled")
                page.fill("#answer", "An unsent draft that must survive the reload")
                page.reload()
                page.wait_for_function(f"document.querySelectorAll('#log li').length >= {before}")
                page.wait_for_selector("#answer:enabled")
                assert page.locator("#log li").count() == before  # nothing lost, nothing duplicated
                assert page.locator("#log li.candidate").count() == 2
                assert page.input_value("#answer") == "An unsent draft that must survive the reload"
                page.fill("#answer", "")
        assert interviewer_turns() >= 4
        page.locator("#log li.interviewer details summary").first.click()
        assert page.locator("#log li.interviewer details li").first.is_visible()
        if os.getenv("SCREENSHOT"):
            page.screenshot(path=os.environ["SCREENSHOT"], full_page=False)

        assert page.eval_on_selector(".chat-head", "e => getComputedStyle(e).position") == "sticky"
        assert page.locator("#answer-form").is_visible() and page.locator("#record").is_visible()
        _accessible(page)
        page.click("#end")
        page.wait_for_selector("#report-link:visible")  # the page stays on the interview: a step, not a jump
        assert "/report/" not in page.url
        page.wait_for_selector("#answer-form", state="hidden")  # an ended interview takes no answer
        assert not page.locator("#record").is_visible()
        page.click("#report-link")
        page.wait_for_url("**/report/")
        assert page.locator("h1:has-text('Interview report')").is_visible()
        assert page.locator("text=Download transcript (Markdown)").is_visible()
        assert page.locator("table.verdicts tbody tr").count() == 3  # one row per answered question
        _accessible(page)
        number = "e => getComputedStyle(e).whiteSpace"
        assert page.eval_on_selector("table.verdicts tbody td:first-child", number) == "nowrap"  # "10", never "1/0"
        assert page.locator(".strengths li").first.inner_text().startswith("Your strongest answer, to “")
        browser.close()


def _accessible(page: Page) -> None:
    """axe-core (axe-playwright-python) finds no serious or critical violation on the page as shown."""
    from axe_playwright_python.sync_playwright import Axe

    found = [
        (v["id"], v["impact"], v["nodes"][0]["target"])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not found, found
