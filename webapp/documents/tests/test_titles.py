"""Titles of documents stored without one: the document's own first heading (never a section
name, a contact line or a date), a role named in its text, else the file's name; the CSV title
column and a typed title win."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviewer.documents.base import JOB, RESUME
from webapp.documents.models import JobPosting, Resume
from webapp.documents.services import guess_title

PASTED_WITHOUT_TITLE = """About the job

Harbor Lane Studio is hiring a Web Developer to build accessible sites for local clinics and charities.

Responsibilities
- Build and maintain pages in HTML, CSS and JavaScript
- Work with our two designers on new features

Requirements
- Two years of web development
"""


@pytest.mark.parametrize(
    "text, title",
    [
        ("# Junior Backend Engineer (Python/Django)\n\n**Fernhollow Freight** · Columbus, OH\n", "Junior Backend Engineer (Python/Django)"),
        (PASTED_WITHOUT_TITLE, "Web Developer"),
        ("About the job\nWe are hiring a junior backend engineer who wants to learn.\n\nRequirements\n- Python\n", "Junior Backend Engineer"),
        ("Job Description\nJob Title: Staff Nurse\nLocation: Boise, ID\n\nYou will care for six patients.\n", "Staff Nurse"),
        ("Overview\nLocation: Leeds\nPosted: 03/2024\n\nResponsibilities\n- Answer the phones\n", "posting"),
        ("REQUIREMENTS:\n- Kubernetes\n", "posting"),
        ("Customer Experience Manager\n\nResponsibilities\n- Lead the support team\n", "Customer Experience Manager"),
        ("Report this job\nWarehouse Operative\nWe need you.\n", "Warehouse Operative"),
        ("Web Developer Job Description: Harbor Lane builds sites for clinics and charities. " * 3, "Web Developer"),
    ],
    ids=["heading", "pasted", "lower-case-role", "label", "nothing", "section", "section-word", "junk", "flat"],
)  # fmt: skip
def test_it_guesses_a_posting_title_from_its_own_text(text, title):
    assert guess_title(text, "posting.md", JOB) == title


@pytest.mark.parametrize(
    "text, title",
    [
        ("Dana Whitfield\nBackend Engineer\nLeeds · dana@example.com · +44 7700 900123\n\nExperience\n- x\n", "Dana Whitfield — Backend Engineer"),
        ("Dana Whitfield — Backend Engineer\ndana@example.com\n", "Dana Whitfield — Backend Engineer"),
        ("RESUME\nDana Whitfield\nPhiladelphia, PA | dana@example.com\n\nSummary:\nI build APIs.\n", "Dana Whitfield"),
        ("Dana Whitfield | dana@example.com | +1 555 010 0000\n\nSummary\nBackend engineer.\n", "Dana Whitfield"),
        ("Dana Whitfield\nCareer Focus\nSelf-starter who ships.\n", "Dana Whitfield"),
        ("Skills: Python, SQL, Go and a good deal more that runs on for many words in a single long line of text\n", "cv"),
        ("Education\n2015 BSc Physics, University of Leeds\n", "cv"),
        ("Ana Lee\nPortugal, Braga | | /\nFull-time, on-site, remote or hybrid.\nJava full stack developer\n", "Ana Lee — Java full stack developer"),
        ("Portugal, Braga | | /\nFull-time, on-site, remote or hybrid.\n\nExperience\n- x\n", "cv"),
        ("Ana Lee\nSenior Machine Learning Engineer, Recommendations\n", "Ana Lee — Senior Machine Learning Engineer, Recommendations"),
        ("***********\nPastry chef\nPhone: 555 0100\n", "Pastry chef"),
        ("PAYROLL SPECIALIST WITH 4 YEARS IN HOSPITALITY EXPERIENCE\nPhone: 555 0100\n", "PAYROLL SPECIALIST"),
        ("| | LinkedIn | Portugal, Braga\nData analyst with a love of clean pipelines, tidy dashboards and\n", "Data analyst"),
        (', Senior Data Engineer, "\nSkills Python, Airflow, dbt\n', "Senior Data Engineer"),
        ("Data Engineer - 6 years experience\nPhone: Email:\n", "Data Engineer"),
        ("- WhatsApp\n- Portugal\nGitHub:\nExecutive Summary\nShips data products.\n", "cv"),
        ("Braga, Portugal\nAbout me\nI build data products.\n", "cv"),
    ],
    ids=[
        "name-and-headline", "label", "resume-word", "contacts-on-the-name-line", "heading-under-name", "prose",
        "section", "place-and-work-modes-between", "never-a-place-or-work-mode", "a-role-with-a-comma",
        "name-blacked-out", "headline-read-as-a-heading", "contacts-then-prose", "table-leftovers",
        "role-and-years", "contact-list", "a-place-alone",
    ],
)  # fmt: skip
def test_it_guesses_a_resume_label_from_its_top(text, title):
    assert guess_title(text, "cv.pdf", RESUME) == title


@pytest.mark.parametrize(
    "text", ["About the job\n", "Job Description\n", "Responsibilities:\n", "What you'll do\n", "Why Acme?\n"]
)
def test_it_never_names_a_posting_after_a_section(text):
    assert guess_title(text + "- Build APIs in Python\n", "acme_web-developer.txt", JOB) == "acme web developer"


def test_a_file_named_by_a_number_names_the_document_not_the_number():
    assert guess_title("Skills\n- Python\n", "3.docx", RESUME) == "Resume 3"
    assert guess_title("Requirements\n- Python\n", "17.txt", JOB) == "Job posting 17"


def test_it_falls_back_to_untitled_without_a_file_name():
    assert guess_title("Requirements\n- Python\n", "", JOB) == "Untitled"


@pytest.mark.django_db
def test_it_names_a_posting_pasted_without_a_title_in_the_admin(admin_client):
    r = admin_client.post(reverse("admin:documents_jobposting_add"), {"title": "", "text": PASTED_WITHOUT_TITLE})

    assert r.status_code == 302, r.content.decode()[:2000]
    assert JobPosting.objects.get().title == "Web Developer"


@pytest.mark.django_db
def test_it_keeps_a_title_typed_in_the_admin(admin_client):
    admin_client.post(reverse("admin:documents_jobposting_add"), {"title": "Web Dev II", "text": PASTED_WITHOUT_TITLE})

    assert JobPosting.objects.get().title == "Web Dev II"


@pytest.mark.django_db
def test_it_labels_an_uploaded_resume_with_the_name_and_headline(client, users):
    client.force_login(users[0])
    text = "Dana Whitfield\nBackend Engineer\nLeeds · dana@example.com\n\nExperience\n- Built REST APIs in Python for 2 million users\n"

    client.post(reverse("upload_resume"), {"file": SimpleUploadedFile("cv.md", text.encode()), "label": ""})

    assert Resume.objects.get().label == "Dana Whitfield — Backend Engineer"


@pytest.mark.django_db
def test_it_lets_the_csv_title_column_win(admin_client):
    data = 'name,body\nWeb Developer II,"About the job\nWe are hiring a Frontend Engineer to build sites.\n\nRequirements\n- React"\n'
    upload = SimpleUploadedFile("jobs.csv", data.encode())

    r = admin_client.post(
        reverse("admin:documents_jobposting_import"), {"files": [upload], "text_column": "body", "title_column": "name"}
    )

    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(JobPosting.objects.values_list("title", flat=True)) == ["Web Developer II"]
