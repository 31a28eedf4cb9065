from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.dialog.policy import InterviewSettings
from interviewer.vocabulary import InterviewKind
from webapp.documents.models import JobPosting, Resume
from webapp.interviews import interviews, turns
from webapp.interviews.models import InterviewSession
from webapp.interviews.protocol import Event


class Command(BaseCommand):
    help = "Run a whole mock interview in the terminal (answers from stdin, or one per line from --answers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--resume", type=int, required=True, help="resume id")
        parser.add_argument("--job", type=int, required=True, help="job posting id")
        parser.add_argument("--answers", default=None, help="file with one answer per line (scripted runs)")
        parser.add_argument("--json", dest="json_out", default=None, help="write the transcript and report here")
        parser.add_argument(
            "--questions", type=int, default=None, help="number of questions (default: INTERVIEW_QUESTIONS)"
        )
        parser.add_argument("--minutes", type=float, default=None, help="a timed interview instead")
        parser.add_argument("--kind", choices=list(InterviewKind), default=InterviewKind.MIXED)
        parser.add_argument("--user", default="", help="candidate username (default: the resume's owner, or 'demo')")

    def handle(self, *args: Any, **options: Any) -> None:
        resume, job = _documents(options["resume"], options["job"])
        answers = _scripted(options["answers"])
        chosen = _settings(options)
        User = get_user_model()
        username = options["user"] or (resume.owner.username if resume.owner else "demo")
        candidate, _ = User.objects.get_or_create(username=username)
        session = interviews.start(candidate, resume, job, chosen)
        self.stdout.write(f"Interview #{session.pk}: {resume} for {job}\n")
        self._converse(session, answers)
        report = interviews.end(session)
        self.stdout.write("\n" + report["summary"])
        for line in report["practise"]:
            self.stdout.write(f"- practise: {line}")
        if options["json_out"]:
            session.refresh_from_db()
            Path(options["json_out"]).write_text(json.dumps(interviews.transcript(session), indent=2), encoding="utf-8")
            self.stdout.write(f"Transcript written to {options['json_out']}")

    def _converse(self, session: InterviewSession, answers: list[str] | None) -> None:
        """Question, answer, until the interviewer closes or the answers run out."""
        while True:
            said = self._interviewer_turn(session)
            session.refresh_from_db()
            if said is None:
                break
            if not interviews.awaiting_answer(session):
                break
            answer = self._answer(answers)
            if answer is None:
                break
            self.stdout.write(f"You: {answer}" if answers is not None else "")
            try:
                interviews.add_answer(session, answer)
            except interviews.InterviewError as exc:
                self.stderr.write(exc.message)

    def _interviewer_turn(self, session: InterviewSession) -> dict[str, object] | None:
        """Print the next question as it is revealed (the terminal's relay of the turn's events)."""
        live = self.stdout.isatty()
        said: dict[str, object] = {}

        def show(event: dict[str, object]) -> None:
            if event["type"] == Event.TOKEN and live:
                self.stdout.write(("Interviewer: " if event["offset"] == 0 else "") + str(event["text"]), ending="")
                self.stdout.flush()
            elif event["type"] == Event.TURN:
                said.update(event)
                self.stdout.write("" if live else f"Interviewer: {event['text']}")
            elif event["type"] == Event.ERROR:
                self.stderr.write(str(event["message"]))

        turns.run_turn_sync(session.pk, on_event=show)
        return said or None

    def _answer(self, answers: list[str] | None) -> str | None:
        if answers is not None:
            return answers.pop(0) if answers else None
        self.stdout.write("\nYou: ", ending="")
        self.stdout.flush()
        line = sys.stdin.readline()
        return line.strip() or None if line else None


def _documents(resume_id: int, job_id: int) -> tuple[Resume, JobPosting]:
    resume = Resume.objects.filter(pk=resume_id).first()
    job = JobPosting.objects.filter(pk=job_id).first()
    if resume is None:
        raise CommandError(f"no resume with id {resume_id} (see the admin or `import_documents`)")
    if job is None:
        raise CommandError(f"no job posting with id {job_id}")
    return resume, job


def _scripted(path_name: str | None) -> list[str] | None:
    """The answers of a scripted run, one a line (None: the answers come from stdin)."""
    if not path_name:
        return None
    path = Path(path_name)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _settings(options: dict[str, Any]) -> InterviewSettings:
    from django.conf import settings

    try:
        return InterviewSettings(
            questions=options["questions"] or settings.INTERVIEW_QUESTIONS,
            minutes=options["minutes"],
            kind=options["kind"],
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
