"""The real interviewer in a real browser: the default base (Qwen2.5-Coder-1.5B-Instruct), converted
to CTranslate2, serves two turns streamed sentence by sentence as they decode, and every text the page
ever showed for a turn is a beginning of what it finally says (the chat never shows words it then
takes back: a sentence is shown only once the gate passed it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.servers import base_env, daphnes, manage, scratch_database
from tests.test_browser import CHROMIUM, FLAGS, _browser_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.real_models]
ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "var" / "test-models"  # the real-model tests' cache: converted once per checkout

# Every text each interviewer bubble shows, in order, keyed by turn index.
RECORD_TEXTS = """
window.__texts = {};
new MutationObserver(() => {
  for (const li of document.querySelectorAll('#log li.interviewer')) {
    const seen = (window.__texts[li.dataset.index] ||= []);
    const text = li.querySelector('.text').textContent;
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def real_server(tmp_path):  # type: ignore[no-untyped-def]
    with scratch_database(os.getenv("DATABASE_URL"), tmp_path) as database:
        env = base_env(
            FAKE_MODELS="0",
            DATABASE_URL=database,
            VAR_DIR=str(tmp_path / "var"),
            MODEL_DIR=str(MODELS),
            DEMO_PASSWORD="rehearse-2026",
        )
        manage(env, "migrate", "-v0")
        manage(env, "load_fixtures")
        manage(env, "prepare_models")  # joins, checks and converts the default base once (cached)
        with daphnes(env, 1, tmp_path) as [server]:
            yield server.url


def test_the_real_interviewer_never_takes_back_streamed_words(real_server):
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900}, bypass_csp=True)
        page.add_init_script(RECORD_TEXTS)
        page.goto(f"{real_server}/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "rehearse-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{real_server}/")
        page.fill("#q", "engineer")
        page.click("button:has-text('Search')")
        page.click("ul.jobs a >> nth=0")
        page.wait_for_selector("text=How your resume matches")
        page.fill("#id_questions", "2")
        page.click("#start")
        page.wait_for_url("**/interviews/*/")

        done = "document.querySelectorAll('#log li.interviewer:not(.streaming)').length >= {n}"
        page.wait_for_function(done.format(n=1), timeout=120_000)
        page.wait_for_selector("#answer:enabled", timeout=60_000)
        page.fill("#answer", "I led the migration of our billing service to PostgreSQL, cutting query time by 40%.")
        page.press("#answer", "Enter")
        page.wait_for_function(done.format(n=2), timeout=120_000)

        texts = page.evaluate("window.__texts")
        finals = [li.inner_text() for li in page.locator("#log li.interviewer:not(.streaming) .text").all()]
        # The answered question shows its talking points, drawn from its own facts.
        points = page.locator("#log li.interviewer .talking-points").first
        assert points.is_visible() and points.locator("li:has-text('Why: ')").count() == 1
        replied = _ask_the_interviewer(page, done)
        browser.close()
    assert replied.startswith("Good question.") and "“" in replied, replied  # a posting line, quoted
    assert len(finals) >= 2 and all(finals)
    for index, seen in texts.items():
        final = seen[-1]
        taken_back = [text for text in seen if not final.startswith(text)]
        assert not taken_back, f"turn {index} showed text it then replaced: {taken_back!r} -> {final!r}"
    assert any(len(seen) > 1 for seen in texts.values()), "the words were revealed as they came, not all at once"


def _ask_the_interviewer(page, done: str) -> str:  # type: ignore[no-untyped-def]
    """Answer on to the invitation to ask, ask about the day's work, and return the reply."""
    for _ in range(4):
        page.wait_for_selector("#answer:enabled", timeout=60_000)
        last = page.locator("#log li.interviewer:not(.streaming) .text").last.inner_text()
        if re.search(r"like to (?:ask|know)|questions? (?:do you have|for me)", last, re.I):  # the invitation
            break
        spoken = page.locator("#log li.interviewer:not(.streaming)").count()
        page.fill(
            "#answer",
            "I rebuilt our deployment pipeline in GitHub Actions, cutting release time from 2 hours to 20 minutes.",
        )
        page.press("#answer", "Enter")
        page.wait_for_function(done.format(n=spoken + 1), timeout=120_000)
    spoken = page.locator("#log li.interviewer:not(.streaming)").count()
    page.fill("#answer", "What would I spend most of my time doing in this role?")
    page.press("#answer", "Enter")
    page.wait_for_function(done.format(n=spoken + 1), timeout=120_000)
    reply = page.locator("#log li.interviewer:not(.streaming)").last
    reply.locator("details summary").first.click()  # "From the posting": the lines it used
    assert reply.locator("details li:has-text('The job: ')").count() >= 1
    return str(reply.locator(".text").inner_text())
