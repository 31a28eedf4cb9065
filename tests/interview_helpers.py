"""Shared set-up for interview tests: a small resume and job, a started session, a slow generator."""

from __future__ import annotations

import threading

from interviewer.dialog.inputs import PromptInputs
from interviewer.dialog.policy import InterviewSettings
from interviewer.serving.generator import TemplateGenerator
from webapp.documents import services
from webapp.documents.models import JobPosting, Resume
from webapp.interviews import interviews, turns
from webapp.interviews.models import Turn

JOB_TEXT = """Backend Engineer

Requirements:
- Production PostgreSQL database experience
- Building REST APIs in Python
- Certified forklift operator licence
"""
RESUME_TEXT = """EXPERIENCE
Backend Engineer, Acme | 2020 - Present
- Migrated the production PostgreSQL database to version 15
- Built REST APIs in Python for 2 million users
- Mentored four junior engineers
"""


def documents(owner) -> tuple[Resume, JobPosting]:  # type: ignore[no-untyped-def]
    job = services.create_document(services.DocumentSpec(kind="job", text=JOB_TEXT, meta={"title": "Backend Engineer"}))
    resume = services.create_document(
        services.DocumentSpec(kind="resume", text=RESUME_TEXT, meta={"label": f"{owner.username} CV"}, owner=owner)
    )
    return resume, job  # type: ignore[return-value]


def start(owner, questions: int = 3):  # type: ignore[no-untyped-def]
    resume, job = documents(owner)
    return interviews.start(owner, resume, job, InterviewSettings(questions=questions))


class SlowGenerator(TemplateGenerator):
    """The template generator, one word every ``delay`` seconds: time to drop a socket mid-turn."""

    name = "slow-template"

    def __init__(self, delay: float = 0.05) -> None:
        super().__init__(delay)
        self.calls = 0
        self.lock = threading.Lock()

    def stream(self, inputs: PromptInputs, cancel=None):  # type: ignore[no-untyped-def]
        with self.lock:
            self.calls += 1
        yield from super().stream(inputs, cancel)


def next_turn(session) -> Turn | None:  # type: ignore[no-untyped-def]
    """Run the interviewer's next turn to the end, as the terminal does; the turn it saved, if any."""
    events = turns.run_turn_sync(session.pk)
    saved = [e for e in events if e["type"] == "turn"]
    return Turn.objects.get(session=session, index=int(str(saved[-1]["index"]))) if saved else None
