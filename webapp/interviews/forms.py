"""The form that starts an interview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from interviewer.vocabulary import InterviewKind


class StartInterviewForm(forms.Form):
    """Length (a number of questions or minutes) and kind; the defaults are INTERVIEW_QUESTIONS and
    INTERVIEW_MINUTES, as for the command line."""

    LENGTH_CHOICES = [("questions", "By number of questions"), ("minutes", "By time")]
    length = forms.ChoiceField(choices=LENGTH_CHOICES, initial="questions", widget=forms.RadioSelect)
    questions = forms.IntegerField(min_value=2, max_value=30, label="Questions")
    minutes = forms.IntegerField(min_value=1, max_value=120, label="Minutes")
    kind = forms.ChoiceField(choices=InterviewKind.choices(), initial=InterviewKind.MIXED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read at each request (not at import) so a changed setting shows; clamped to what the form takes.
        self.fields["questions"].initial = min(max(settings.INTERVIEW_QUESTIONS, 2), 30)
        self.fields["minutes"].initial = min(max(round(settings.INTERVIEW_MINUTES), 1), 120)
