"""The start form: the documented default length (INTERVIEW_QUESTIONS), and a labelled fieldset
in which each way of measuring the length sits on its own row with its number."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.interview_helpers import documents
from webapp.interviews.forms import StartInterviewForm


@pytest.fixture
def page(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    _resume, job = documents(users[0])
    return lambda: client.get(reverse("new_interview", args=[job.pk])).content.decode()


def test_it_defaults_to_the_documented_number_of_questions(page, settings):
    assert settings.INTERVIEW_QUESTIONS == 8

    assert re.search(r'<input type="number" name="questions" value="8"', page())


def test_it_follows_the_settings(page, settings):
    settings.INTERVIEW_QUESTIONS, settings.INTERVIEW_MINUTES = 5, 12

    html = page()

    assert 'name="questions" value="5"' in html
    assert 'name="minutes" value="12"' in html


def test_it_keeps_a_default_the_form_accepts(settings):
    settings.INTERVIEW_QUESTIONS, settings.INTERVIEW_MINUTES = 1, 500

    form = StartInterviewForm()

    assert (form.fields["questions"].initial, form.fields["minutes"].initial) == (2, 120)


def test_it_labels_every_control_in_a_fieldset(page):
    html = page()

    fieldset = html[html.index('<fieldset class="length">') : html.index("</fieldset>")]
    assert "<legend>Length of the interview</legend>" in fieldset
    assert fieldset.count('class="length-option"') == 2
    for control in ("id_length_0", "id_length_1", "id_questions", "id_minutes"):
        assert f'id="{control}"' in fieldset
        assert f'<label for="{control}"' in fieldset
    assert '<label for="id_kind">' in html
