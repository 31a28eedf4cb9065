"""In a real browser (Playwright + Debian's chromium, FAKE_MODELS=1): job search by company and
by skill, a guessed title for a posting pasted without one, a resume fact deleted by its owner
that stays deleted after the admin re-parses the resume, the start form's default and layout at
desktop and phone widths, exports that mark each turn's source, and the practice features of
issue 25 walked from the first question to *My progress*.

One Daphne and one browser serve the whole module; each test opens its own browser context.
Set SCREENSHOT_DIR to keep screenshots of the start form, the resume facts page, and the practice
walk's chat, report, retry and progress pages.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import base_env, daphnes, manage, scratch_database
from tests.test_browser import CHROMIUM, FLAGS, _browser_or_skip

pytestmark = pytest.mark.browser
PASSWORD = "a-long-passphrase-42"
CANDIDATE, ADMIN = "casey", "robin"

JOBS_CSV = """title,company,location,seniority,text
Web Developer,Harbor Lane Studio,Leeds,junior,"Requirements
- Two years building sites in HTML, CSS and JavaScript
- Accessibility testing with screen readers"
Frontend Engineer,Northwind Analytics,Remote,mid,"Requirements
- Three years of web development with React and TypeScript
- Writing unit tests for user interfaces"
Ward Clerk,Cedar Hollow Hospital,Boise,,"Responsibilities
- Keep patient records up to date on the ward"
"""
PASTED_WITHOUT_TITLE = """About the job

Tidewater Labs is hiring a Data Engineer to build the pipelines behind our water-quality dashboards.

Requirements
- Three years writing Python data pipelines
- Running Airflow in production
"""
RESUME = """Casey Morgan
Backend Engineer
Leeds · casey@example.com

Experience
Backend Engineer, Acme Freight | 2020 - Present
- Migrated the production PostgreSQL database to version 15 with zero downtime
- Built REST APIs in Python for 2 million users
- Won the regional chess championship in 2019
"""
WRONG = "Won the regional chess championship in 2019"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Daphne on a scratch database with a few postings, a candidate and an admin."""
    folder = tmp_path_factory.mktemp("chat-browser")
    (folder / "jobs.csv").write_text(JOBS_CSV)
    with scratch_database(os.getenv("DATABASE_URL"), folder) as url:
        env = base_env(FAKE_MODELS="1", DATABASE_URL=url, VAR_DIR=str(folder / "var"), MODEL_DIR=str(folder / "models"))
        env.pop("REDIS_URL", None)  # one process: the in-memory layer
        manage(env, "migrate", "-v0")
        manage(env, "import_documents", "jobs", str(folder / "jobs.csv"), "--title-column", "title")
        manage(env, "import_documents", "jobs", "fixtures/jobs/software-j3.md", "fixtures/jobs/data-j3.md")
        users = (
            "from django.contrib.auth import get_user_model; U = get_user_model(); "
            f"U.objects.create_user({CANDIDATE!r}, password={PASSWORD!r}); "
            f"U.objects.create_superuser({ADMIN!r}, password={PASSWORD!r})"
        )
        manage(env, "shell", "-c", users)
        with daphnes(env, 1, folder) as servers:
            yield servers[0].url


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, server):  # type: ignore[no-untyped-def]
    """``open_page(user, width)``: a signed-in page in its own context (cookies apart)."""
    contexts = []

    def open_(user: str, width: int = 1100):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        login = f"{server}/admin/login/" if user == ADMIN else f"{server}/login/"
        page.goto(login)
        page.fill("#id_username", user)
        page.fill("#id_password", PASSWORD)
        page.click("form [type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_
    for context in contexts:
        context.close()


def upload_resume(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/")
    if page.locator("#id_text:visible").count() == 0:
        page.click("summary:has-text('Upload a resume')")
    page.fill("#id_text", RESUME)
    page.click("button:has-text('Upload')")
    page.wait_for_selector("text=facts found")


def search(page, server: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/")
    page.fill("#q", query)
    page.click("button:has-text('Search')")
    page.wait_for_load_state()
    return [a.inner_text() for a in page.locator("ul.jobs li a").all()]


def test_it_searches_jobs_by_company_and_by_skill(open_page, server):
    page = open_page(CANDIDATE)

    assert search(page, server, "Northwind") == ["Frontend Engineer"]
    assert search(page, server, "harbor lane") == ["Web Developer"]
    by_skill = search(page, server, "Kubernetes")
    assert sorted(by_skill) == ["SENIOR PLATFORM ENGINEER", "Senior Machine Learning Engineer, Recommendations"]
    assert search(page, server, "web developer") == ["Web Developer", "Frontend Engineer"]
    assert search(page, server, "kubernetes northwind") == []
    assert page.locator("text=No job posting matches.").is_visible()


def test_it_guesses_the_title_of_a_posting_pasted_without_one(open_page, server):
    page = open_page(ADMIN)
    page.goto(f"{server}/admin/documents/jobposting/add/")
    page.fill("#id_company", "Tidewater Labs")
    page.fill("#id_text", PASTED_WITHOUT_TITLE)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")

    titles = page.locator("#result_list th a").all_inner_texts()
    assert "Data Engineer" in titles
    assert not any(t.startswith("About the job") for t in titles)
    candidate = open_page(CANDIDATE)
    assert search(candidate, server, "tidewater") == ["Data Engineer"]


def test_the_admin_says_at_once_that_a_document_is_being_saved(open_page, server):
    page = open_page(ADMIN)
    page.goto(f"{server}/admin/documents/jobposting/add/")
    page.fill("#id_text", PASTED_WITHOUT_TITLE)
    # Hold the form here (a listener after the page's own): what the page shows while a save runs.
    page.evaluate("document.querySelector('#content-main form').addEventListener('submit', e => e.preventDefault())")
    page.click("input[name=_save]")
    assert page.locator("#saving-note").inner_text().startswith("Saving: the document is being read")
    page.click("input[name=_save]")  # a second click sends nothing more and says nothing twice
    assert page.locator("#saving-note").count() == 1


def test_it_keeps_a_deleted_resume_fact_deleted_after_a_reparse(open_page, server):
    page = open_page(CANDIDATE)
    upload_resume(page, server)
    page.click("a:has-text('Review facts') >> nth=-1")
    page.wait_for_selector("h1:has-text('What we read')")
    assert page.locator("text=Backend Engineer, Acme Freight").first.is_visible()  # a claim's context

    page.click(f".facts li:has-text('{WRONG}') button:has-text('Delete')")
    page.wait_for_selector("text=your interviews will not use it")
    assert page.locator(f".facts-page > ul.facts li:has-text('{WRONG}')").count() == 0
    assert page.locator("details.deleted-facts summary").inner_text() == "Deleted facts (1)"
    facts_url = page.url
    resume_id = facts_url.split("/resumes/")[1].split("/")[0]

    admin = open_page(ADMIN)
    admin.goto(f"{server}/admin/documents/resume/")
    admin.check(f"#result_list input.action-select[value='{resume_id}']")
    admin.select_option("select[name=action]", "reparse_documents")
    admin.click("button[name=index]")
    admin.wait_for_selector("text=Re-parsed 1 document(s)")

    page.goto(facts_url)
    assert page.locator(f".facts-page > ul.facts li:has-text('{WRONG}')").count() == 0
    page.click("details.deleted-facts summary")
    assert page.locator(f"details.deleted-facts li:has-text('{WRONG}')").is_visible()
    assert page.locator(
        ".facts-page > ul.facts .fact:has-text('Migrated the production PostgreSQL database')"
    ).is_visible()
    if os.getenv("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / "resume-facts.png"), full_page=True)


def test_it_corrects_and_adds_resume_facts_in_the_browser(open_page, server):
    page = open_page(CANDIDATE)
    upload_resume(page, server)
    page.click("a:has-text('Review facts') >> nth=-1")
    page.wait_for_selector("h1:has-text('What we read')")
    item = page.locator(f".facts-page > ul.facts li:has-text('{WRONG}')")
    item.locator("summary:has-text('Edit')").click()
    item.locator("textarea[name=text]").fill("Won the regional chess championship in 2021")
    item.locator("button:has-text('Save')").click()
    page.wait_for_selector("text=your interviews will use it as you wrote it")
    corrected = page.locator(".facts-page > ul.facts li:has-text('championship in 2021')")
    assert corrected.locator("small:has-text('Corrected by you')").is_visible()

    page.select_option("#add-section", "skills")
    page.fill("#add-text", "Tableau dashboards for the sales team")
    page.click("form.add-fact button:has-text('Add')")
    page.wait_for_selector("text=Added “Tableau dashboards for the sales team” to Skills")
    assert page.locator(
        ".fact:has-text('Tableau dashboards for the sales team') small:has-text('Added by you')"
    ).is_visible()


@pytest.mark.parametrize("width", [1100, 390], ids=["desktop", "phone"])
def test_it_shows_the_start_form_with_its_default_and_a_clear_layout(open_page, server, width):
    page = open_page(CANDIDATE, width)
    upload_resume(page, server)
    page.goto(f"{server}/")
    page.click("ul.jobs a:has-text('Web Developer')")
    page.wait_for_selector("fieldset.length")

    assert page.input_value("#id_questions") == "8"
    assert page.is_checked("#id_length_0")
    rows = []
    for radio, amount in (("#id_length_0", "#id_questions"), ("#id_length_1", "#id_minutes")):
        label = page.locator(f"label[for={radio[1:]}]").bounding_box()
        number = page.locator(amount).bounding_box()
        dot = page.locator(radio).bounding_box()
        assert not _overlap(label, number), f"{radio}'s label runs into {amount} at {width}px"
        assert not _overlap(dot, label)
        assert number["x"] + number["width"] <= width  # nothing off the screen
        rows.append((min(dot["y"], number["y"]), max(dot["y"] + dot["height"], number["y"] + number["height"])))
    assert rows[0][1] <= rows[1][0], "the two lengths share a row"
    page.fill("#id_minutes", "10")
    assert page.is_checked("#id_length_1")  # typing minutes chooses "By time"
    if os.getenv("SCREENSHOT_DIR"):
        page.locator("form.start").screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / f"start-{width}.png"))


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def start_interview(page, server: str, job: str, answer_seconds: str = "") -> None:  # type: ignore[no-untyped-def]
    """Upload the resume, open ``job`` and start an interview of two questions."""
    upload_resume(page, server)
    page.goto(f"{server}/")
    page.click(f"ul.jobs a:has-text('{job}')")
    page.fill("#id_questions", "2")
    if answer_seconds:
        page.select_option("#id_answer_seconds", answer_seconds)
    page.click("#start")
    page.wait_for_url("**/interviews/*/")
    page.wait_for_selector("#answer:enabled")


def test_it_marks_each_turns_source_in_the_exports(open_page, server):
    page = open_page(CANDIDATE)
    start_interview(page, server, "Frontend Engineer")
    page.fill("#answer", "I moved our PostgreSQL database to version 15 with zero downtime in six weeks.")
    page.press("#answer", "Enter")
    page.wait_for_function("document.querySelectorAll('#log li.interviewer:not(.streaming)').length >= 2")
    page.click("#end")
    page.click("#report-link")
    page.wait_for_url("**/report/")

    with page.expect_download() as download:
        page.click("text=Download transcript (Markdown)")
    markdown = Path(download.value.path()).read_text()
    data = json.loads(page.request.get(page.url.replace("/report/", "/transcript.json")).text())

    spoken = [t for t in data["turns"] if t["role"] == "interviewer"]
    assert len(spoken) >= 2
    assert {t["source"] for t in spoken} <= {"template", "model"}
    assert [t["source"] for t in data["turns"] if t["role"] == "candidate"] == [None]
    for turn in spoken:
        written = "template question" if turn["source"] == "template" else "written by the model"
        assert f"{turn['text']} _({turn['act'].replace('_', ' ')}; {written})_" in markdown


ANSWER = "At Acme Freight I built REST APIs in Python for 2 million users and cut response times by 30% in a quarter."
SHOTS = Path(os.environ["SCREENSHOT_DIR"]) if os.getenv("SCREENSHOT_DIR") else None


def test_it_walks_the_practice_features_from_the_first_question_to_my_progress(open_page, server):
    """Issue 25 with the stand-in models: the answer timer, talking points (and hints), practice
    mode's line, an answer given again beside the first, an answer to the candidate's question from
    the posting, the report's timer note, practising a question again, and the progress charts; axe
    on the pages it opens."""
    page = open_page(CANDIDATE)
    start_interview(page, server, "Web Developer", answer_seconds="120")
    _timer_and_hints(page)
    _answer_until_invited(page)
    _answer_again(page)
    _ask_about_the_job(page)
    first_question = _report_of_the_interview(page)
    _practise_again(page, first_question)
    _my_progress(page)


def _timer_and_hints(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#answer", "Three words here")
    page.dispatch_event("#answer", "input")
    timer = page.locator("#answer-timer").inner_text()
    assert timer.startswith("0:") and timer.endswith("/ 2:00 · 3 / ~150 words"), timer
    waiting = page.locator("#log li.interviewer .talking-points").first
    assert not waiting.is_visible()  # hints off: not before the answer
    page.check("#hints")
    assert waiting.is_visible() and waiting.get_attribute("open") is not None
    assert waiting.locator("li:has-text('Why: ')").is_visible()  # the opening's outline
    page.uncheck("#hints")


def _answer_until_invited(page) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):  # the opening, a question, perhaps a follow-up: then the invitation to ask
        page.wait_for_selector("#answer:enabled")
        last = page.locator("#log li.interviewer:not(.streaming) .text").last.inner_text()
        if "would you like to" in last.lower():
            break
        spoken = page.locator("#log li.interviewer:not(.streaming)").count()
        page.fill("#answer", ANSWER)
        page.press("#answer", "Enter")
        page.wait_for_function(f"document.querySelectorAll('#log li.interviewer:not(.streaming)').length > {spoken}")
    # Talking points: under each question once it is answered.
    answered = page.locator("#log li.interviewer .talking-points")
    assert answered.count() >= 2 and all(answered.nth(i).is_visible() for i in range(answered.count()))
    assert answered.first.locator("li:has-text('Now: ')").is_visible()  # the opening: now, past, why
    assert (
        answered.nth(1).locator("li:has-text('Situation: '), li:has-text('Plan: ')").count() == 1
    )  # a story or a plan
    note = page.locator("#log li.candidate .feedback").first  # practice mode, the default: a line per answer
    said = note.inner_text()
    assert note.is_visible() and ("Next: " in said or "Strong answer" in said)


def _answer_again(page) -> None:  # type: ignore[no-untyped-def]
    """Practice mode: the first answer given again, kept beside it with its own line."""
    first = page.locator("#log li.candidate").first
    first.locator("button.again").click()
    first.locator(".again-form textarea").fill("I rebuilt our booking site's checkout in JavaScript; sales rose 12%.")
    first.locator(".again-form button[type=submit]").click()
    page.wait_for_selector("#log li.candidate .attempts")
    cells = first.locator(".attempts > div")
    assert cells.count() == 2 and cells.nth(1).inner_text().startswith("Again (1)")
    assert "sales rose 12%" in cells.nth(1).inner_text() and cells.nth(1).locator(".feedback").inner_text()
    from tests.test_browser import _accessible

    _accessible(page)
    if SHOTS:
        page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top of the picture
        page.screenshot(path=str(SHOTS / "chat.png"), full_page=True)


def _ask_about_the_job(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#answer", "Where is this job based?")
    page.press("#answer", "Enter")
    page.wait_for_selector("#log li.interviewer:not(.streaming) .text:has-text('the location as')")
    reply = page.locator("#log li.interviewer:not(.streaming) .text").last.inner_text()
    assert reply == "Good question. The posting gives the location as: “Leeds”. What else would you like to know?"
    page.locator("#log li.interviewer details summary").last.click()
    assert page.locator("#log li.interviewer details li:has-text('Leeds')").last.is_visible()  # the line it used
    page.fill("#answer", "No, that's everything, thank you.")
    page.press("#answer", "Enter")
    page.wait_for_selector("#report-link:visible")


def _report_of_the_interview(page) -> str:  # type: ignore[no-untyped-def]
    page.click("#report-link")
    page.wait_for_url("**/report/")
    assert page.locator(".asked li").all_inner_texts() == ["Where is this job based?"]  # "No, that's all" asks nothing
    noted = page.locator("small.timing").first.inner_text()  # the answer timer's note
    assert re.fullmatch(r"Timer: 22 words in 0:\d\d; target about 150 words", noted), noted
    if SHOTS:
        page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    return str(page.locator("table.verdicts tbody tr").first.locator("td").nth(1).inner_text())


def _practise_again(page, first_question: str) -> None:  # type: ignore[no-untyped-def]
    """The first question again: the same words, then both answers side by side."""
    from tests.test_browser import _accessible

    page.locator("table.verdicts form.again button").first.click()
    page.wait_for_url("**/interviews/*/")
    page.wait_for_selector("#answer:enabled")
    assert page.locator("#log li.interviewer .text").first.inner_text() == first_question
    page.fill("#answer", "I led the rebuild of our booking site in HTML, CSS and JavaScript and cut load time by 40%.")
    page.press("#answer", "Enter")
    page.wait_for_selector("#report-link:visible")
    page.click("#report-link")
    page.wait_for_url("**/report/")
    assert page.locator(".retry .attempt").count() == 2
    assert page.locator(".retry .attempt").nth(1).inner_text().count("cut load time by 40%") == 1
    _accessible(page)
    if SHOTS:
        page.locator(".retry").screenshot(path=str(SHOTS / "retry.png"))


def _my_progress(page) -> None:  # type: ignore[no-untyped-def]
    from tests.test_browser import _accessible

    page.click("nav a:has-text('My progress')")
    page.wait_for_url("**/progress/")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart [data-series='overall'] circle").count() >= 1
    assert page.locator("h3:has-text('Web Developer')").is_visible()
    _accessible(page)
    if SHOTS:
        page.screenshot(path=str(SHOTS / "progress.png"), full_page=True)
