"""The form that starts an interview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from interviewer.vocabulary import InterviewKind, Mode, Style
from webapp.interviews.timing import ANSWER_SECONDS


class StartInterviewForm(forms.Form):
    """Length (a number of questions or minutes), kind, the interviewer's style and the feedback mode; the defaults are INTERVIEW_QUESTIONS and
    INTERVIEW_MINUTES, as for the command line."""

    LENGTH_CHOICES = [("questions", "By number of questions"), ("minutes", "By time")]
    length = forms.ChoiceField(choices=LENGTH_CHOICES, initial="questions", widget=forms.RadioSelect)
    questions = forms.IntegerField(min_value=2, max_value=30, label="Questions")
    minutes = forms.IntegerField(min_value=1, max_value=120, label="Minutes")
    kind = forms.ChoiceField(choices=InterviewKind.choices(), initial=InterviewKind.MIXED)
    # Not required: a start form opened before these existed posts neither and gets the defaults.
    style = forms.ChoiceField(choices=Style.choices(), initial=Style.NEUTRAL, label="Interviewer", required=False)
    mode = forms.ChoiceField(choices=Mode.choices(), initial=Mode.PRACTICE, label="Feedback", required=False)
    answer_seconds = forms.TypedChoiceField(
        choices=[
            ("", "None"),
            *((str(s), f"{s // 60} minute{'s' if s > 60 else ''} per answer") for s in ANSWER_SECONDS),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        label="Answer timer",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read at each request (not at import) so a changed setting shows; clamped to what the form takes.
        self.fields["questions"].initial = min(max(settings.INTERVIEW_QUESTIONS, 2), 30)
        self.fields["minutes"].initial = min(max(round(settings.INTERVIEW_MINUTES), 1), 120)

    def clean_style(self) -> str:
        return str(self.cleaned_data.get("style") or Style.NEUTRAL)

    def clean_mode(self) -> str:
        return str(self.cleaned_data.get("mode") or Mode.PRACTICE)
