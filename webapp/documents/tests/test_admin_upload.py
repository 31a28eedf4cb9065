"""Admin: single upload (file or text), bulk import (files, CSV), re-parse, and bad input."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import docfactory
from webapp.documents.models import Fact, JobPosting, Resume

JOB_TEXT = "Platform Engineer\n\nRequirements:\n- 3+ years with Kubernetes\n- Terraform in production\n"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_it_adds_a_job_from_pasted_text(admin_client):
    r = admin_client.post(
        reverse("admin:documents_jobposting_add"),
        {"title": "", "company": "Acme", "location": "Remote", "seniority": "mid", "text": JOB_TEXT},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    job = JobPosting.objects.get()
    assert job.title == "Platform Engineer"
    assert list(job.facts.values_list("section", "text")) == [  # a lone title is no fact (issue 9)
        ("requirements", "3+ years with Kubernetes"),
        ("requirements", "Terraform in production"),
    ]
    assert all(f.embedding_model for f in job.facts.all())


@pytest.mark.django_db
def test_it_adds_a_resume_from_a_pdf_and_shows_its_facts(admin_client):
    r = admin_client.post(
        reverse("admin:documents_resume_add"),
        {"label": "", "text": "", "upload": upload("dana.pdf", docfactory.pdf_bytes())},
    )
    assert r.status_code == 302
    resume = Resume.objects.get()
    assert resume.source_file == "dana.pdf"
    assert resume.label == "Dana Whitfield"
    page = admin_client.get(reverse("admin:documents_resume_change", args=[resume.pk])).content.decode()
    assert "Cut API p95 latency by 35% by adding Redis caching" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, message",
    [
        ("broken.pdf", b"%PDF-1.4 nonsense", "not a readable PDF"),
        ("locked.pdf", None, "password-protected"),
        ("scan.pdf", None, "no extractable text"),
        ("empty.txt", b"", "empty"),
        ("photo.jpg", b"\xff\xd8\xff", "unsupported file type"),
        ("latin.txt", "r\u00e9sum\u00e9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_it_refuses_bad_uploads_and_stores_nothing(admin_client, name, data, message):
    if name == "locked.pdf":
        data = docfactory.pdf_bytes(encrypt="pw")
    if name == "scan.pdf":
        data = docfactory.image_only_pdf_bytes()
    r = admin_client.post(
        reverse("admin:documents_resume_add"), {"label": "x", "text": "", "upload": upload(name, data)}
    )
    assert r.status_code == 200
    assert message in r.content.decode()
    assert Resume.objects.count() == 0 and Fact.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_file_over_max_upload_mb(admin_client, settings):
    settings.MAX_UPLOAD_MB = 1
    big = b"- a claim about work\n" * 60000  # ~1.2 MB
    r = admin_client.post(
        reverse("admin:documents_resume_add"), {"label": "x", "text": "", "upload": upload("big.txt", big)}
    )
    assert r.status_code == 200
    assert "the limit is 1 MB" in r.content.decode()
    assert Resume.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_an_empty_submission(admin_client):
    r = admin_client.post(reverse("admin:documents_jobposting_add"), {"title": "Nothing", "text": ""})
    assert r.status_code == 200
    assert "Upload a file or paste the text." in r.content.decode()
    assert JobPosting.objects.count() == 0


@pytest.mark.django_db
def test_it_bulk_imports_several_files(admin_client):
    files = [
        upload("a.txt", b"SKILLS\nPython, SQL\n"),
        upload(
            "b.docx", docfactory.docx_bytes([("Heading 1", "Experience"), ("List Bullet", "Ran the ICU night shift")])
        ),
        upload("c.pdf", docfactory.pdf_bytes()),
    ]
    r = admin_client.post(reverse("admin:documents_resume_import"), {"files": files, "text_column": "text"})
    assert r.status_code == 302
    assert sorted(Resume.objects.values_list("source_file", flat=True)) == ["a.txt", "b.docx", "c.pdf"]
    assert Resume.objects.get(source_file="b.docx").facts.get().text == "Ran the ICU night shift"


@pytest.mark.django_db
def test_it_imports_nothing_when_one_file_of_many_is_bad_and_all_or_nothing_is_asked(admin_client):
    files = [upload("good.txt", b"SKILLS\nPython, SQL\n"), upload("bad.pdf", b"%PDF-1.4 nonsense")]
    r = admin_client.post(reverse("admin:documents_resume_import"), {"files": files, "all_or_nothing": "on"})
    assert r.status_code == 200
    assert "bad.pdf is not a readable PDF" in r.content.decode()
    assert Resume.objects.count() == 0 and Fact.objects.count() == 0


@pytest.mark.django_db
def test_it_imports_the_good_files_and_reports_the_bad_one(admin_client):
    files = [upload("good.txt", b"SKILLS\nPython, SQL\n"), upload("bad.pdf", b"%PDF-1.4 nonsense")]
    r = admin_client.post(reverse("admin:documents_resume_import"), {"files": files}, follow=True)
    assert list(Resume.objects.values_list("source_file", flat=True)) == ["good.txt"]
    page = r.content.decode()
    assert "Imported 1 resumes" in page and "Not imported: bad.pdf is not a readable PDF" in page


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.django_db
def test_it_bulk_imports_jobs_from_csv_with_chosen_columns(admin_client):
    data = csv_bytes(
        [
            {
                "job_title": "Staff Nurse",
                "description": "Requirements:\n- Active RN licence\n- BLS certification",
                "company": "Mercy",
            },
            {
                "job_title": "Data Analyst",
                "description": "Requirements:\n- SQL\n- Tableau dashboards",
                "company": "Orbit",
            },
        ]
    )
    r = admin_client.post(
        reverse("admin:documents_jobposting_import"),
        {"files": [upload("jobs.csv", data)], "text_column": "description", "title_column": "job_title"},
    )
    assert r.status_code == 302
    nurse = JobPosting.objects.get(title="Staff Nurse")
    assert nurse.company == "Mercy"
    assert list(nurse.facts.values_list("text", flat=True)) == ["Active RN licence", "BLS certification"]


@pytest.mark.django_db
def test_it_names_the_columns_when_the_csv_column_is_unknown(admin_client):
    data = csv_bytes([{"title": "X", "body": "Requirements:\n- SQL"}])
    r = admin_client.post(
        reverse("admin:documents_jobposting_import"), {"files": [upload("jobs.csv", data)], "text_column": "text"}
    )
    assert r.status_code == 200
    assert "has no column &#x27;text&#x27;; its columns are: title, body" in r.content.decode()
    assert JobPosting.objects.count() == 0


@pytest.mark.django_db
def test_it_reparses_documents_from_the_action(admin_client):
    r = admin_client.post(reverse("admin:documents_jobposting_add"), {"title": "T", "text": JOB_TEXT})
    job = JobPosting.objects.get()
    job.facts.all().delete()
    r = admin_client.post(
        reverse("admin:documents_jobposting_changelist"),
        {"action": "reparse_documents", "_selected_action": [job.pk]},
        follow=True,
    )
    assert r.status_code == 200
    assert job.facts.count() == 2  # the lone title line is no fact (issue 9)
    assert "Re-parsed 1 document(s): 2 facts." in r.content.decode()


@pytest.mark.django_db
def test_it_links_the_import_page_from_the_changelist(admin_client):
    page = admin_client.get(reverse("admin:documents_resume_changelist")).content.decode()
    assert reverse("admin:documents_resume_import") in page


@pytest.mark.django_db
def test_it_names_the_bad_row_and_imports_no_row_of_the_csv_when_all_or_nothing(admin_client):
    data = csv_bytes([{"title": "Good", "text": "Requirements:\n- SQL"}, {"title": "Bad", "text": "---"}])
    form = {"files": [upload("jobs.csv", data)], "all_or_nothing": "on"}
    r = admin_client.post(reverse("admin:documents_jobposting_import"), form)
    assert r.status_code == 200
    assert "jobs.csv row 3: This job posting has no usable content" in r.content.decode()
    assert JobPosting.objects.count() == 0


@pytest.mark.django_db
def test_it_keeps_the_good_rows_of_a_csv_and_names_the_bad_row(admin_client):
    data = csv_bytes([{"title": "Good", "text": "Requirements:\n- SQL"}, {"title": "Bad", "text": "---"}])
    form = {"files": [upload("jobs.csv", data)], "title_column": "title"}
    r = admin_client.post(reverse("admin:documents_jobposting_import"), form, follow=True)
    assert list(JobPosting.objects.values_list("title", flat=True)) == ["Good"]
    assert "Not imported: jobs.csv row 3: This job posting has no usable content" in r.content.decode()
