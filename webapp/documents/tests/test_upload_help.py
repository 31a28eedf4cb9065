"""The resume upload says which files it takes, Markdown included, and takes them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from webapp.documents.models import Resume


def test_it_names_markdown_in_the_upload_help(client, users):
    client.force_login(users[0])

    html = client.get(reverse("home")).content.decode()

    assert "PDF, DOCX, TXT or Markdown (.md)." in html
    assert 'accept=".pdf,.docx,.txt,.md,.markdown"' in html


def test_it_takes_a_markdown_resume(client, users):
    client.force_login(users[0])
    text = "# Dana Whitfield\n\n## Experience\n\n- Built REST APIs in Python for 2 million users\n"

    client.post(reverse("upload_resume"), {"file": SimpleUploadedFile("dana.md", text.encode())})

    resume = Resume.objects.get()
    assert resume.label == "Dana Whitfield"
    assert "Built REST APIs in Python for 2 million users" in resume.facts.values_list("text", flat=True)
