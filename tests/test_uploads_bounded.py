"""Bounded work per upload (issue 8): DOCX in linear time, zip bombs refused unread, PDF
limits as clear errors on every path, capped text and facts (and the uploader told), request
bodies bounded before buffering, and reading kept off the thread that serves interview sockets."""

from __future__ import annotations

import asyncio
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import AsyncClient, Client
from django.urls import reverse

from interviewer.documents.base import DocumentError
from interviewer.documents.extract import ExtractionLimits, extract
from interviewer.documents.reading import Digest
from tests import docfactory
from tests.interview_helpers import RESUME_TEXT
from webapp.documents import isolated, services
from webapp.documents.models import Fact, JobPosting, Resume

ROOT = Path(__file__).resolve().parent.parent


def messages_after(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------------------
# Extraction


def test_it_reads_a_20000_paragraph_docx_with_styles_resolved_once(monkeypatch):
    from docx.text.paragraph import Paragraph

    def scanning_style(self):  # type: ignore[no-untyped-def]
        raise AssertionError("paragraph.style scans every style on each call")

    monkeypatch.setattr(Paragraph, "style", property(scanning_style))
    result = extract(docfactory.many_paragraphs_docx(20_000, styled_every=4), "long.docx", ExtractionLimits())
    lines = result.text.splitlines()
    assert lines[0] == "## Experience" and lines[1].startswith("• ")  # heading and list styles resolved
    assert result.truncated  # 20,000 lines are more than max_chars: cut, and said so


def test_it_refuses_a_zip_bomb_before_inflating_any_member(monkeypatch):
    bomb = docfactory.zip_bomb_docx(60)

    def no_inflating(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a member was opened before the sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(DocumentError, match="unpacks to more than a document can hold"):
        extract(bomb, "bomb.docx", ExtractionLimits(max_unpacked_bytes=40 * 1024 * 1024))


def test_it_refuses_a_highly_compressed_member_even_under_the_size_limit():
    bomb = docfactory.zip_bomb_docx(5)
    with pytest.raises(DocumentError, match="compressed .*:1"):
        extract(bomb, "bomb.docx", ExtractionLimits())


def test_it_turns_a_pdf_stream_over_the_inflate_limit_into_a_clear_error():
    with pytest.raises(DocumentError, match="compressed stream that unpacks past the safe limit"):
        extract(docfactory.pdf_with_oversized_stream(), "stream.pdf")


def test_it_reads_only_the_first_pages_of_a_long_pdf():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for page in range(3):
        c.drawString(60, 700, f"Page {page} led the migration of service {page}")
        c.showPage()
    c.save()
    result = extract(buffer.getvalue(), "cv.pdf", ExtractionLimits(max_pdf_pages=1))
    assert result.truncated and "Page 0" in result.text and "Page 1" not in result.text


# ---------------------------------------------------------------------------
# Caps, and the uploader is told


@pytest.mark.django_db
def test_it_keeps_at_most_max_facts_and_says_so_on_the_page(client, users, settings):
    settings.MAX_FACTS_PER_DOCUMENT = 5
    client.force_login(users[0])
    r = client.post(reverse("upload_resume"), {"file": SimpleUploadedFile("cv.txt", docfactory.big_text_resume(0.01))})
    assert r.status_code == 302
    resume = Resume.objects.get()
    assert resume.facts.count() == 5
    notes = messages_after(r)
    assert any("Kept the first 5 of" in m and "MAX_FACTS_PER_DOCUMENT" in m for m in notes)


@pytest.mark.django_db
def test_it_reads_at_most_max_document_chars_and_says_so(client, users, settings):
    settings.MAX_DOCUMENT_CHARS = 2000
    client.force_login(users[0])
    r = client.post(reverse("upload_resume"), {"text": RESUME_TEXT + "\n" + "- Shipped the thing\n" * 500})
    resume = Resume.objects.get()
    assert len(resume.text) <= 2000
    assert any("first 2,000 characters" in m for m in messages_after(r))


@pytest.mark.django_db
def test_it_tells_the_admin_and_the_command_what_was_cut(admin_client, settings, tmp_path):
    settings.MAX_FACTS_PER_DOCUMENT = 3
    r = admin_client.post(
        reverse("admin:documents_jobposting_add"),
        {
            "title": "",
            "company": "",
            "location": "",
            "seniority": "",
            "text": "Requirements:\n- SQL\n- Go\n- Rust\n- Kotlin\n",
        },
        follow=True,
    )
    assert any("Kept the first 3 of 4 facts" in str(m) for m in r.context["messages"])
    path = tmp_path / "cv.txt"
    path.write_bytes(docfactory.big_text_resume(0.01))
    out = io.StringIO()
    call_command("import_documents", "resumes", str(path), stdout=out)
    assert "Kept the first 3 of" in out.getvalue()


# ---------------------------------------------------------------------------
# Every upload path refuses the hostile files cleanly and stores nothing


HOSTILE = [
    ("stream.pdf", docfactory.pdf_with_oversized_stream, "unpacks past the safe limit"),
    ("bomb.docx", lambda: docfactory.zip_bomb_docx(60), "unpacks to more than a document can hold"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, build, message", HOSTILE)
def test_it_refuses_hostile_files_on_every_upload_path(admin_client, users, tmp_path, name, build, message):
    data = build()
    client = Client()
    client.force_login(users[0])
    r = client.post(reverse("upload_resume"), {"file": SimpleUploadedFile(name, data)})
    assert any(message in m for m in messages_after(r))
    r = admin_client.post(
        reverse("admin:documents_resume_add"), {"label": "", "text": "", "upload": SimpleUploadedFile(name, data)}
    )
    assert r.status_code == 200 and message in r.content.decode()
    r = admin_client.post(reverse("admin:documents_jobposting_import"), {"files": [SimpleUploadedFile(name, data)]})
    assert r.status_code == 200 and message in r.content.decode()
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_documents", "jobs", str(tmp_path / name))
    assert (Resume.objects.count(), JobPosting.objects.count(), Fact.objects.count()) == (0, 0, 0)


# ---------------------------------------------------------------------------
# The reader process


def test_it_kills_a_reader_that_runs_past_the_time_limit():
    started = time.monotonic()
    with pytest.raises(DocumentError, match="took longer than 0.5 s"):
        isolated.run_isolated(docfactory.sleeping_reader, (30,), "slow.pdf", timeout=0.5, expect=Digest)
    assert time.monotonic() - started < 20  # killed, not waited for


def test_it_reports_a_reader_that_stops_before_answering_as_what_it_is():
    # os._exit(connection) raises in the child, which exits with 1 without answering
    with pytest.raises(DocumentError, match=r"the document reader stopped before reading it \(exit code 1\)"):
        isolated.run_isolated(os._exit, (), "huge.docx", timeout=10, expect=Digest)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (signal.SIGKILL, "could not be read within the memory a document may use"),  # the kernel's OOM kill
        (signal.SIGSEGV, r"could not be read \(the file is damaged"),
    ],
)
def test_a_reader_killed_by_a_signal_says_which_way_it_died(number, message):
    with pytest.raises(DocumentError, match=message):
        isolated.run_isolated(docfactory.signalled_reader, (number,), "cv.docx", timeout=10, expect=Digest)


def test_a_reader_that_answers_in_another_shape_is_reported_as_unreadable_and_logged(caplog):
    with pytest.raises(DocumentError, match=r"could not be read \(the file is damaged"):
        isolated.run_isolated(docfactory.tuple_reader, (), "cv.docx", timeout=10, expect=Digest)
    assert "not a Reply" in caplog.text


def test_a_reader_that_cannot_start_is_reported_as_a_document_error(monkeypatch, caplog):
    def no_process(self):  # type: ignore[no-untyped-def]
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", no_process)
    with pytest.raises(DocumentError, match="the document reader did not start"):
        isolated.run_isolated(docfactory.tuple_reader, (), "cv.docx", timeout=10, expect=Digest)
    assert "could not start" in caplog.text


def test_a_program_read_from_stdin_reads_documents_too():
    # Its __main__ names no file ("<stdin>"): the reader process used to run it first and die, and
    # every document was then reported as too big for memory.
    program = (
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings')\n"
        "django.setup()\n"
        "from webapp.documents import services\n"
        "spec = services.DocumentSpec(kind='resume', data=b'Experience\\nBuilt a stock-count app in Go.\\n', "
        "filename='cv.txt')\n"
        "print('facts:', len(services.prepare(spec).facts))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-"], input=program, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "facts: 1" in done.stdout


# ---------------------------------------------------------------------------
# Off the shared thread


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_reads_uploads_off_the_thread_that_serves_interview_sockets(monkeypatch):
    """While an upload is being read, a thread-sensitive call (what the consumers make) still runs.

    The fake reader waits until such a call has run; had it run on that thread, it would wait forever.
    """
    ran = threading.Event()
    original = services.prepare

    def reader_waiting_for_the_shared_thread(spec):  # type: ignore[no-untyped-def]
        assert ran.wait(10), "the shared thread was blocked by the upload"
        return original(spec)

    monkeypatch.setattr(services, "prepare", reader_waiting_for_the_shared_thread)
    from django.contrib.auth import get_user_model

    user = await sync_to_async(get_user_model().objects.create_user)("alice", password="alice-password-1")
    client = AsyncClient()
    await sync_to_async(client.force_login)(user)
    upload = asyncio.ensure_future(client.post(reverse("upload_resume"), {"text": RESUME_TEXT}))
    await asyncio.sleep(0.2)
    await sync_to_async(ran.set)()  # thread_sensitive=True: the consumers' thread
    response = await asyncio.wait_for(upload, 30)
    assert response.status_code == 302
    assert await sync_to_async(Resume.objects.count)() == 1


# ---------------------------------------------------------------------------
# Request bodies


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port: int, path: str, size: int, chunked: bool = False) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(size))
    connection.endheaders()
    block, sent = b"a" * 65536, 0
    try:
        while sent < size:
            connection.send(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            sent += len(block)
        if chunked:
            connection.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed the connection after its 413
    return connection.getresponse().status


def test_it_refuses_a_200_mb_anonymous_post_under_daphne_without_buffering_it(tmp_path):
    psutil = pytest.importorskip("psutil")
    port = _free_port()
    env = {**os.environ, "VAR_DIR": str(tmp_path), "FAKE_MODELS": "1", "DATABASE_URL": "", "REDIS_URL": ""}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("daphne")), "-b", "127.0.0.1", "-p", str(port), "webapp.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        before = psutil.Process(server.pid).memory_info().rss
        assert _post(port, "/login/", 200 * 1024 * 1024) == 413
        assert _post(port, "/login/", 200 * 1024 * 1024, chunked=True) == 413
        assert _post(port, "/resumes/upload/", 200 * 1024 * 1024) == 413
        growth = psutil.Process(server.pid).memory_info().rss - before
        assert growth < 50 * 1024 * 1024, f"the server grew by {growth / 1e6:.0f} MB"
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_bounds_bodies_per_url_in_the_asgi_app(settings):
    from channels.testing import HttpCommunicator

    from webapp.asgi import application

    settings.MAX_REQUEST_KB = 16
    big = b"x" * (17 * 1024)
    declared = HttpCommunicator(
        application, "POST", "/login/", body=big, headers=[(b"content-length", b"%d" % len(big))]
    )
    assert (await declared.get_response())["status"] == 413
    streamed = HttpCommunicator(application, "POST", "/login/", body=big)  # no Content-Length: counted
    assert (await streamed.get_response())["status"] == 413
    upload = HttpCommunicator(
        application, "POST", "/resumes/upload/", body=big, headers=[(b"content-length", b"%d" % len(big))]
    )
    assert (await upload.get_response())["status"] != 413  # uploads may send MAX_UPLOAD_MB
    bad = HttpCommunicator(application, "POST", "/login/", body=b"", headers=[(b"content-length", b"12x")])
    assert (await bad.get_response())["status"] == 400


def test_a_reply_the_parent_cannot_unpickle_is_reported_as_unreadable_and_logged(caplog):
    # a reader that ran other code than its parent (a deploy under way) sends a class it lacks
    with pytest.raises(DocumentError, match=r"could not be read \(the file is damaged"):
        isolated.run_isolated(docfactory.unknown_class_reader, (), "cv.docx", timeout=10, expect=Digest)
    assert "the reply could not be read" in caplog.text
