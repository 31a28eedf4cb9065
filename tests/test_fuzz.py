"""Fuzz (issue 8): hundreds of distinct bad inputs of six kinds (files, WebSocket messages and
paths, URLs, form fields, CSV rows, headers). Each must get a clear 4xx (or a WebSocket error or
refusal), never a 500; nothing may log a traceback; and nothing may be half-stored: the counts
of documents, facts, sessions, turns and users only change by whole, valid documents."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests import docfactory
from tests.interview_helpers import RESUME_TEXT, start
from webapp.asgi import application
from webapp.documents.models import Fact, JobPosting, Resume
from webapp.interviews.models import InterviewSession, Turn
from webapp.interviews.tests.test_interview_ws import ORIGIN, clean_engine, connect, cookie_for, make_user, until  # noqa: F401 - clean_engine: autouse
from webapp.middleware import SecurityNoticeFilter

# ---------------------------------------------------------------------------
# Cases


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _docx_with(document_xml: bytes) -> bytes:
    return docfactory._replace_member(docfactory.docx_bytes([("", "x")]), "word/document.xml", document_xml)


_PDF = docfactory.pdf_bytes()
_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&c;</w:t></w:r></w:p></w:body></w:document>"
)
FILES: list[tuple[str, bytes]] = [
    ("empty.pdf", b""),
    ("empty.docx", b""),
    ("empty.txt", b""),
    ("blank.txt", b" \n\t\n "),
    ("blank.md", b"\n\n\n"),
    ("controls.txt", bytes(range(1, 32))),
    ("nul.txt", b"Python\x00SQL"),
    ("latin1.txt", "caf\u00e9 r\u00e9sum\u00e9".encode("latin-1")),
    ("utf16.txt", "EXPERIENCE\n- Built APIs".encode("utf-16")),
    ("utf32.md", "# Skills\nGo".encode("utf-32")),
    ("pdf-as.txt", _PDF),
    ("zip-as.md", _zip({"a": b"b"})),
    ("garbage.pdf", b"%PDF-1.4 nonsense"),
    ("header-only.pdf", b"%PDF-1.7\n%%EOF\n"),
    ("truncated.pdf", _PDF[: len(_PDF) // 2]),
    ("tail-only.pdf", _PDF[len(_PDF) // 2 :]),
    ("random.pdf", bytes((i * 37 + 11) % 256 for i in range(4000))),
    ("no-xref.pdf", _PDF.replace(b"xref", b"xxxx")),
    ("bad-startxref.pdf", _PDF.replace(b"startxref", b"startxxxx")),
    ("stream.pdf", docfactory.pdf_with_oversized_stream()),
    ("locked.pdf", docfactory.pdf_bytes(encrypt="s3cret")),
    ("scan.pdf", docfactory.image_only_pdf_bytes()),
    ("recursive.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"),
    ("not-a-zip.docx", b"PK\x03\x04 this is not really a zip"),
    ("plain-zip.docx", _zip({"hello.txt": b"hello"})),
    ("no-document.docx", _zip({"[Content_Types].xml": b"<Types/>"})),
    ("bad-xml.docx", _docx_with(b"<w:document><unclosed>")),
    ("not-xml.docx", _docx_with(b"\x00\x01\x02 binary")),
    ("laughs.docx", _docx_with(_LAUGHS)),
    (
        "empty-body.docx",
        _docx_with(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'),
    ),
    ("bomb.docx", docfactory.zip_bomb_docx(60)),
    ("ratio.docx", docfactory.zip_bomb_docx(3)),
    ("members.docx", _zip({f"word/m{i}.xml": b"<x/>" for i in range(1100)})),
    ("truncated.docx", docfactory.docx_bytes([("", "Experience")])[:300]),
    ("photo.png", b"\x89PNG\r\n\x1a\n"),
    ("program.exe", b"MZ\x90\x00"),
    ("noextension", b"EXPERIENCE\n- Built APIs"),
    ("dots...", b"EXPERIENCE"),
    (".docx", b"x"),
    ("archive.tar.gz", b"\x1f\x8b"),
    ("page.html", b"<script>alert(1)</script>"),
    ("UPPER.PDF", b"not a pdf"),
    ("x" * 300 + ".pdf", b"%PDF-broken"),
    ("../../etc/passwd.pdf", b"%PDF-1.4 broken"),
    ("\u202ecod.pdf", b"%PDF-1.4 broken"),
    ("only-heading.md", b"# Experience\n"),
    ("only-dates.txt", b"2019 - 2021\n2021 - Present\n"),
    ("only-contacts.txt", b"dana@example.com\n+1 555 0100 2000\nhttps://example.com\n"),
    ("only-bullets.txt", b"-\n*\n\xe2\x80\xa2\n"),
    ("quadratic.txt", b"EXPERIENCE\n" + b", " * 6000 + b"end"),
]

WS_FRAMES: list[str | bytes] = [
    "",
    " ",
    "not json",
    "{",
    "}",
    '{"type": "answer", "text": "unterminated}',
    "[]",
    "[1, 2]",
    "1",
    "-0.5e400",
    '"answer"',
    "null",
    "true",
    "{}",
    '{"type": null}',
    '{"type": 1}',
    '{"type": []}',
    '{"type": {}}',
    '{"type": ""}',
    '{"type": "ANSWER", "text": "hello there"}',
    '{"type": " answer", "text": "hello there"}',
    '{"type": "answer\\u0000", "text": "hello there"}',
    '{"type": "dance"}',
    '{"type": "' + "x" * 10000 + '"}',
    '{"type": "answer"}',
    '{"type": "answer", "text": null}',
    '{"type": "answer", "text": 1}',
    '{"type": "answer", "text": 1.5}',
    '{"type": "answer", "text": true}',
    '{"type": "answer", "text": []}',
    '{"type": "answer", "text": ["a", "b"]}',
    '{"type": "answer", "text": {"a": 1}}',
    '{"type": "answer", "text": NaN}',
    '{"type": "answer", "text": Infinity}',
    '{"type": "answer", "text": ""}',
    '{"type": "answer", "text": "   \\n\\t  "}',
    '{"type": "answer", "text": "\\u0000\\u0001\\u0002"}',
    '{"type": "answer", "text": "\\udfff \\ud800"}',
    '{"type": "answer", "text": "' + "y" * 5000 + '"}',
    '{"type": "answer", "text": "' + "z" * 40000 + '"}',
    '{"type": "answer", "text": "ok", "id": 5}',
    '{"type": "answer", "text": "ok", "id": ""}',
    '{"type": "answer", "text": "ok", "id": "' + "i" * 200 + '"}',
    '{"type": "end", "id": []}',
    "[" * 50 + "]" * 50,
    "[" * 100000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"type": "answer", "text": ' + "[" * 20 + "]" * 20 + "}",
    '{"type": "answer", "text": "\\x41"}',
    '\ufeff{"type": "answer", "text": "bom"}',
    '{"type": "answer", "text": "a" "b"}',
    b"\x00\x01binary",
    b'{"type": "answer", "text": "as bytes"}',
]

WS_PATHS = [
    "/ws/interview/abc/",
    "/ws/interview/" + "9" * 5000 + "/",
    "/ws/interview/99999999999999999999/",
    "/ws/interview/-1/",
    "/ws/interview/1.5/",
    "/ws/interview/%00/",
    "/ws/interview/\u0663/",
    "/ws/interview/1",
    "/ws/interview//",
    "/ws/nonexistent/",
    "/ws/",
    "/",
    "/ws/health",
    "/ws/health/extra/",
    "/admin/",
]

URLS = [
    "/?q=%00",
    "/?q=%00%00%00",
    "/?q=abc%00def",
    "/?q=%ff%fe",
    "/?q=" + "a" * 5000,
    "/?q=%1b%5b31m",
    "/?q=\u202e",
    "/?seniority=%00",
    "/?seniority=senior%20",
    "/?q=%25&seniority=%25",
    "/jobs/1/interview/?resume=%C2%B2",
    "/jobs/1/interview/?resume=%D9%A3",
    "/jobs/1/interview/?resume=-1",
    "/jobs/1/interview/?resume=1e5",
    "/jobs/1/interview/?resume=0x10",
    "/jobs/1/interview/?resume=99999999999999999999999",
    "/jobs/1/interview/?resume=%20%201",
    "/jobs/1/interview/?resume=",
    "/jobs/1/interview/?resume=1&resume=2",
    "/jobs/99999999999999999999/interview/",
    "/jobs/0/interview/",
    "/jobs/abc/interview/",
    "/interviews/99999999999999999999/",
    "/interviews/0/",
    "/interviews/1/report/",
    "/interviews/1/transcript.exe",
    "/interviews/1/transcript.json",
    "/interviews/1/transcript.",
    "/interviews/%00/",
    "/%00",
    "/nonexistent/",
    "/static/../webapp/settings.py",
    "/static/webapp/%2e%2e/%2e%2e/settings.py",
    "/login/?next=javascript:alert(1)",
    "/login/?next=//evil.example/",
    "/login/?next=%00",
    "/signup/?x=%c0%80",
    "/admin/documents/resume/1/match/?job=%C2%B2",
    "/admin/documents/resume/1/match/?job=99999999999999999999999",
    "/admin/documents/resume/1/match/?job=-3",
    "/admin/documents/resume/99999999999999999999/match/",
    "/admin/documents/resume/abc/change/",
    "/admin/documents/resume/99999999999999999999/change/",
    "/admin/documents/jobposting/?q=%00",
    "/admin/documents/jobposting/?q=" + "b" * 3000,
    "/admin/documents/jobposting/?seniority__exact=%00",
    "/admin/documents/jobposting/?o=99",
    "/admin/documents/jobposting/?p=-1",
    "/admin/documents/jobposting/?all=&unknown=1",
    "/admin/interviews/interviewsession/?status=%C2%B2",
]

FORMS: list[tuple[str, dict[str, str]]] = [
    ("/signup/", {"username": "", "password1": "", "password2": ""}),
    ("/signup/", {"username": "a\x00b", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}),
    ("/signup/", {"username": "u" * 151, "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}),
    ("/signup/", {"username": "with space", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}),
    ("/signup/", {"username": "emoji😀", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}),
    ("/signup/", {"username": "Alice", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}),
    ("/signup/", {"username": "álice", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}),
    ("/signup/", {"username": "dana", "password1": " " * 8, "password2": " " * 8}),
    ("/signup/", {"username": "dana", "password1": "84736291047", "password2": "84736291047"}),
    ("/signup/", {"username": "dana", "password1": "password", "password2": "password"}),
    ("/signup/", {"username": "dana", "password1": "a\x00long-passphrase", "password2": "a\x00long-passphrase"}),
    ("/signup/", {"username": "dana", "password1": "p" * 5000, "password2": "q" * 5000}),
    ("/login/", {"username": "alice\x00", "password": "x"}),
    ("/login/", {"username": "l" * 5000, "password": "x"}),
    ("/login/", {"username": "", "password": ""}),
    ("/admin/login/", {"username": "m" * 5000, "password": "x"}),
    ("/admin/login/", {"username": "root\x00", "password": "x"}),
    ("/login/", {"username": "nobody", "password": "\x00"}),
    ("/resumes/upload/", {}),
    ("/resumes/upload/", {"text": "", "label": ""}),
    ("/resumes/upload/", {"text": "\x00"}),
    ("/resumes/upload/", {"text": RESUME_TEXT, "label": "L" * 300}),
    ("/resumes/upload/", {"text": RESUME_TEXT, "label": "bad\x00label"}),
    ("/resumes/upload/", {"text": "---\n***\n"}),
    ("/resumes/upload/", {"text": "\u200b\u200b\u200b"}),
    ("/resumes/upload/", {"text": "<script>alert(1)</script>"}),
    (
        "/jobs/1/interview/",
        {"resume": "%C2%B2", "length": "questions", "questions": "5", "minutes": "10", "kind": "mixed"},
    ),
    ("/jobs/1/interview/", {"resume": "²", "length": "questions", "questions": "5", "minutes": "10", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "questions", "questions": "-1", "minutes": "10", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "questions", "questions": "1e9", "minutes": "10", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "questions", "questions": "abc", "minutes": "10", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "minutes", "questions": "5", "minutes": "0", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "minutes", "questions": "5", "minutes": "99999999999999999999", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "bogus", "questions": "5", "minutes": "10", "kind": "mixed"}),
    ("/jobs/1/interview/", {"length": "questions", "questions": "5", "minutes": "10", "kind": "bogus"}),
    ("/jobs/1/interview/", {"length": "questions", "questions": "5\x00", "minutes": "10", "kind": "mixed"}),
    ("/admin/documents/jobposting/add/", {"title": "T\x00", "text": "Requirements:\n- SQL"}),
    ("/admin/documents/jobposting/add/", {"title": "T", "seniority": "bogus", "text": "Requirements:\n- SQL"}),
    ("/admin/documents/jobposting/add/", {"title": "T", "text": ""}),
    ("/admin/documents/jobposting/add/", {"title": "T", "text": "\x00\x00"}),
    ("/admin/documents/jobposting/add/", {"title": "t" * 300, "text": "Requirements:\n- SQL"}),
    ("/admin/documents/resume/add/", {"label": "L", "owner": "abc", "text": RESUME_TEXT}),
    ("/admin/documents/resume/add/", {"label": "L", "owner": "99999999999999999999", "text": RESUME_TEXT}),
    ("/admin/documents/jobposting/import/", {"text_column": "text"}),
]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


_GOOD = "Requirements:\n- PostgreSQL in production"
CSVS: list[tuple[str, bytes, dict[str, str]]] = [
    ("nul-title", _csv([["title", "text"], ["Bad\x00Title", _GOOD]]), {"title_column": "title"}),
    ("nul-text", _csv([["title", "text"], ["T", "Requirements:\n- SQL\x00 and Go"]]), {"title_column": "title"}),
    ("nul-company", _csv([["title", "text", "company"], ["T", _GOOD, "Ac\x00me"]]), {"title_column": "title"}),
    ("control-title", _csv([["title", "text"], ["\x1b[31mRed\x07", _GOOD]]), {"title_column": "title"}),
    ("rtl-title", _csv([["title", "text"], ["\u202egnp.exe", _GOOD]]), {"title_column": "title"}),
    ("newline-title", _csv([["title", "text"], ["Line\nbreak", _GOOD]]), {"title_column": "title"}),
    ("long-title", _csv([["title", "text"], ["T" * 1000, _GOOD]]), {"title_column": "title"}),
    ("formula-title", _csv([["title", "text"], ["=cmd|' /C calc'!A0", _GOOD]]), {"title_column": "title"}),
    ("bogus-seniority", _csv([["title", "text", "seniority"], ["T", _GOOD, "galactic"]]), {}),
    ("no-text-column", _csv([["title", "body"], ["T", _GOOD]]), {}),
    ("no-title-column", _csv([["text"], [_GOOD]]), {"title_column": "name"}),
    ("empty-file", b"", {}),
    ("header-only", b"title,text\n", {}),
    ("empty-header", b"\n\n" + _csv([["T", _GOOD]]), {}),
    ("all-blank-text", _csv([["title", "text"], ["T", "   "], ["U", ""]]), {}),
    ("unusable-row", _csv([["title", "text"], ["Good", _GOOD], ["Bad", "---"]]), {"title_column": "title"}),
    ("latin1", "title,text\nCaf\u00e9,Requirements: SQL\n".encode("latin-1"), {}),
    ("utf16", "title,text\nT,Requirements: SQL\n".encode("utf-16"), {}),
    ("unbalanced-quote", b'title,text\n"T,"Requirements\n', {}),
    ("huge-field", b"title,text\nT," + b"a" * (11 * 1024 * 1024), {}),
    ("extra-fields", b"title,text\nT,Requirements: SQL,extra,more\n", {}),
    ("missing-fields", b"title,text\nT\n", {}),
    ("duplicate-columns", b"text,text\nRequirements: SQL,Requirements: Go\n", {}),
    ("blank-column-name", b",text\nx,Requirements: SQL\n", {}),
    ("semicolons", b"title;text\nT;Requirements: SQL\n", {}),
    ("zip-as-csv", _zip({"a.csv": b"x"}), {}),
    ("binary-csv", bytes(range(256)) * 4, {}),
    ("nul-column", b"te\x00xt\nRequirements: SQL\n", {}),
    ("bad-text-column-name", _csv([["title", "text"], ["T", _GOOD]]), {"text_column": "te\x00xt"}),
    ("quadratic-row", _csv([["title", "text"], ["T", "Requirements:\n" + ", " * 3000 + "end"]]), {}),
]

HEADERS: list[tuple[str, str, list[tuple[bytes, bytes]], bytes]] = [
    ("GET", "/login/", [(b"host", b"evil.example")], b""),
    ("GET", "/login/", [(b"host", b"")], b""),
    ("GET", "/login/", [(b"host", b"127.0.0.1:99999")], b""),
    ("GET", "/login/", [(b"host", b"a" * 300)], b""),
    ("GET", "/login/", [(b"cookie", b"sessionid=" + b"A" * 4000)], b""),
    ("GET", "/login/", [(b"cookie", b"sessionid=\xff\xfe; csrftoken=;;;=")], b""),
    ("GET", "/login/", [(b"accept-language", b"xx-" + b"Y" * 500)], b""),
    ("GET", "/login/", [(b"user-agent", b"U" * 10000)], b""),
    ("GET", "/login/", [(b"x-forwarded-proto", b"gopher")], b""),
    ("GET", "/static/webapp/app.css", [(b"range", b"bytes=99999999-0")], b""),
    ("GET", "/static/webapp/app.css", [(b"if-modified-since", b"yesterday")], b""),
    ("GET", "/static/webapp/app.css", [(b"accept-encoding", b"\xff")], b""),
    ("POST", "/login/", [(b"content-length", b"-1")], b""),
    ("POST", "/login/", [(b"content-length", b"abc")], b""),
    ("POST", "/login/", [(b"content-length", b"99999999999")], b""),
    ("POST", "/login/", [(b"content-type", b"multipart/form-data")], b"--x\r\n"),
    ("POST", "/login/", [(b"content-type", b"multipart/form-data; boundary=")], b"junk"),
    ("POST", "/login/", [(b"content-type", b"application/x-www-form-urlencoded")], b"a=%ZZ&" * 100),
    ("POST", "/login/", [(b"content-type", b"application/x-www-form-urlencoded")], b"f=1&" * 2000),
    ("POST", "/login/", [(b"content-type", b"text/plain; charset=bogus")], b"x"),
    ("POST", "/resumes/upload/", [(b"content-type", b"multipart/form-data; boundary=zz")], b"--zz\r\nbroken"),
    ("PUT", "/login/", [], b""),
    ("DELETE", "/resumes/upload/", [], b""),
    ("PATCH", "/interviews/1/", [], b""),
    ("OPTIONS", "/", [], b""),
    ("TRACE", "/", [], b""),
    ("GET", "/resumes/upload/", [], b""),
]

WS_HEADERS: list[list[tuple[bytes, bytes]]] = [
    [],
    [(b"origin", b"http://evil.example")],
    [(b"origin", b"null")],
    [(b"origin", b"\xff\xfe")],
    [ORIGIN, (b"cookie", b"sessionid=garbage")],
    [ORIGIN, (b"cookie", b"sessionid=" + b"A" * 4000)],
    [ORIGIN, (b"cookie", b"\x00=\x00")],
]

# ---------------------------------------------------------------------------
# Checks


def counts() -> tuple[int, ...]:
    user_model = get_user_model()
    return tuple(m.objects.count() for m in (JobPosting, Resume, Fact, InterviewSession, Turn, user_model))


def no_half_documents() -> None:
    """Every stored document has facts, all of them embedded, and no NUL in its text fields."""
    for model in (JobPosting, Resume):
        for document in model.objects.all():
            assert document.facts.exists(), f"{document!r} stored without facts"
            for value in (str(document), document.text, document.source_file):
                assert "\x00" not in value


@pytest.fixture
def watch(caplog):  # type: ignore[no-untyped-def]
    """Fails the test if anything is logged with a traceback (as the configured handler would print it)."""
    caplog.set_level(logging.INFO)
    yield
    keep = SecurityNoticeFilter()
    for record in caplog.records:
        keep.filter(record)
        assert not record.exc_info, f"traceback logged by {record.name}: {record.getMessage()[:200]}"
        assert "Traceback" not in record.getMessage(), record.getMessage()[:300]
        assert record.levelno < logging.ERROR or record.name.startswith("django.security"), record.getMessage()[:200]


@pytest.fixture(autouse=True)
def fast_passwords(settings):  # type: ignore[no-untyped-def]
    """Hundreds of users are created here: a fast hasher keeps the module quick (not a security test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice_client(users):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(users[0])
    return client


@pytest.fixture
def staff_client(users):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(users[2])
    return client


def test_it_has_at_least_200_distinct_cases_of_six_kinds():
    kinds = {
        "files": {name for name, _ in FILES},
        "websocket messages and paths": {repr(f) for f in WS_FRAMES} | set(WS_PATHS) | {repr(h) for h in WS_HEADERS},
        "urls": set(URLS),
        "form fields": {json.dumps(f) for f in FORMS},
        "csv rows": {name for name, _, _ in CSVS},
        "headers": {repr(h) for h in HEADERS},
    }
    sizes = {kind: len(cases) for kind, cases in kinds.items()}
    assert all(sizes.values()) and sum(sizes.values()) >= 200, sizes
    assert len(FILES) == len(kinds["files"]) and len(WS_FRAMES) == len(set(map(repr, WS_FRAMES)))
    assert len(URLS) == len(kinds["urls"]) and len(FORMS) == len(kinds["form fields"])


# ---------------------------------------------------------------------------
# Files: the candidate upload, and the admin import for a third of them


@pytest.mark.django_db
@pytest.mark.parametrize("name, data", FILES, ids=[f"file-{i}" for i in range(len(FILES))])
def test_it_refuses_or_stores_whole_each_bad_file(alice_client, staff_client, settings, watch, name, data):
    settings.PARSE_TIMEOUT_S = 1.5  # the quadratic line: killed, not waited for
    before = counts()
    r = alice_client.post("/resumes/upload/", {"file": SimpleUploadedFile(name, data)})
    assert r.status_code == 302
    after = counts()
    assert after == before or (after[1] == before[1] + 1 and after[2] > before[2])
    if FILES.index((name, data)) % 3 == 0:
        r = staff_client.post("/admin/documents/jobposting/import/", {"files": [SimpleUploadedFile(name, data)]})
        assert r.status_code in (200, 302)
    no_half_documents()


# ---------------------------------------------------------------------------
# URLs, forms, CSV rows, headers


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS, ids=[f"url-{i}" for i in range(len(URLS))])
def test_it_answers_each_bad_url_without_a_server_error(alice_client, staff_client, users, watch, url):
    from tests.interview_helpers import documents

    documents(users[0])
    before = counts()
    client = staff_client if url.startswith("/admin/") else alice_client
    r = client.get(url)
    assert r.status_code < 500, (url, r.status_code)
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("url, data", FORMS, ids=[f"form-{i}" for i in range(len(FORMS))])
def test_it_refuses_each_bad_form_without_a_server_error(alice_client, staff_client, users, watch, url, data):
    from tests.interview_helpers import documents

    documents(users[0])
    before = counts()
    client = staff_client if url.startswith("/admin/") else (alice_client if url[1:4] in ("res", "job") else Client())
    r = client.post(url, data)
    assert r.status_code < 500, (url, r.status_code)
    after = counts()
    grew = [a - b for a, b in zip(after, before, strict=True)]
    # nothing, or one whole thing: a user, a resume or a job with its facts, an interview session
    assert grew in (
        [0] * 6,
        [0, 0, 0, 0, 0, 1],
        [0, 1, grew[2], 0, 0, 0],
        [1, 0, grew[2], 0, 0, 0],
        [0, 0, 0, 1, 0, 0],
    ), grew
    no_half_documents()


@pytest.mark.django_db
@pytest.mark.parametrize("name, data, options", CSVS, ids=[f"csv-{c[0]}" for c in CSVS])
def test_it_imports_each_bad_csv_whole_or_not_at_all(staff_client, watch, settings, name, data, options):
    settings.PARSE_TIMEOUT_S = 1.5
    before = counts()
    fields = {"text_column": "text", **options, "files": [SimpleUploadedFile(f"{name}.csv", data)]}
    r = staff_client.post("/admin/documents/jobposting/import/", fields)
    assert r.status_code in (200, 302), r.status_code
    after = counts()
    rows = sum(1 for line in data.splitlines()[1:] if line.strip())
    assert after == before or (0 < after[0] - before[0] <= rows and after[2] > before[2])
    no_half_documents()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method, path, headers, body", HEADERS, ids=[f"header-{i}" for i in range(len(HEADERS))])
async def test_it_answers_each_bad_header_without_a_server_error(watch, method, path, headers, body):
    before = await sync_to_async(counts)()
    if not any(name == b"host" for name, _ in headers):
        headers = [(b"host", b"127.0.0.1"), *headers]
    communicator = HttpCommunicator(application, method, path, body=body, headers=headers)
    await communicator.send_input({"type": "http.request", "body": body})
    start = await communicator.receive_output(timeout=10)
    while (await communicator.receive_output(timeout=10)).get("more_body"):
        pass  # (HttpCommunicator.get_response insists on a "body" key the ASGI spec makes optional)
    assert start["status"] < 500, (method, path, headers, start["status"])
    assert await sync_to_async(counts)() == before


# ---------------------------------------------------------------------------
# WebSocket: messages through the real consumer, paths, and handshake headers


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_answers_each_bad_message_with_an_error_and_keeps_the_socket(watch):
    alice = await make_user("alice")
    session = await sync_to_async(start)(alice)
    ws = await connect(alice, session.pk)
    await until(ws, "turn")
    await until(ws, "state")
    before = await sync_to_async(counts)()
    for frame in WS_FRAMES:
        key = "bytes" if isinstance(frame, bytes) else "text"
        await ws.send_input({"type": "websocket.receive", key: frame})
        reply = await ws.receive_json_from(timeout=10)
        assert reply["type"] == "error", (frame[:80], reply)
        assert reply["code"] in ("bad_message", "empty_answer", "answer_too_long"), (frame[:80], reply)
    assert await sync_to_async(counts)() == before  # no "None", no "{'a': 1}", nothing stored
    await ws.send_json_to({"type": "answer", "text": "I migrated the ledger to PostgreSQL 15 with zero downtime."})
    echo, _ = await until(ws, "turn")
    assert echo["role"] == "candidate"  # the socket survived every bad frame
    await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", WS_PATHS, ids=[f"ws-path-{i}" for i in range(len(WS_PATHS))])
async def test_it_refuses_each_unroutable_websocket_path_cleanly(watch, path):
    alice = await make_user("alice")
    headers = [ORIGIN, (b"cookie", await cookie_for(alice))]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if connected:  # only the health route and a missing session get this far: accept, then refuse or serve
        if path.startswith("/ws/health/") and path == "/ws/health/":
            await communicator.send_to(text_data="[]")
            assert (await communicator.receive_json_from(timeout=5))["code"] == "bad_message"
        else:
            assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("headers", WS_HEADERS, ids=[f"ws-header-{i}" for i in range(len(WS_HEADERS))])
async def test_it_refuses_each_bad_websocket_handshake(watch, headers):
    alice = await make_user("alice")
    session = await sync_to_async(start)(alice)
    communicator = WebsocketCommunicator(application, f"/ws/interview/{session.pk}/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    if connected:
        assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await communicator.disconnect()
    assert await sync_to_async(Turn.objects.filter(session=session).count)() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["x" * 1000 + ".txt", "é" * 1000 + ".pdf"])
def test_a_file_name_of_a_thousand_characters_is_refused_without_a_traceback(alice_client, watch, caplog, name):
    boundary = "B0UNDARY"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="label"\r\n\r\nx\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/plain\r\n\r\nAna Lee\nEXPERIENCE\n- Built things\n\r\n--{boundary}--\r\n"
    ).encode()
    response = alice_client.generic(
        "POST", reverse("upload_resume"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400 and not Resume.objects.exists()
    refused = [r for r in caplog.records if r.name == "django.request"]
    SecurityNoticeFilter().filter(refused[0])
    assert "Unable to parse request body" in refused[0].getMessage() and "(" in refused[0].getMessage()
