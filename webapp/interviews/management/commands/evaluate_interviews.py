"""manage.py evaluate_interviews: whole scripted interviews on real documents, per system.

The documents are imported into a scratch database (one per system, in a child process), so
the configured database is never touched; the interviews run through the serving path
(webapp.interviews.turns.run_turn) with each system's settings.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.dialog.policy import InterviewSettings
from interviewer.documents.base import JOB, RESUME, DocumentError
from interviewer.encoders import Encoder
from interviewer.serving.bases import DEFAULT
from interviewer.vocabulary import Act
from training.evaluate_interviews import (
    COLUMNS,
    SYSTEM_HELP,
    SYSTEMS,
    TEMPLATE,
    EvalTurn,
    Scripted,
    score_interviews,
)
from training.tables import table
from webapp.documents import services
from webapp.documents.models import JobPosting, Resume
from webapp.interviews import interviews, turns
from webapp.interviews.models import Turn
from webapp.serving import models_registry

# The options the parent passes on to each system's child run.
FORWARDED = (
    "pairs",
    "seed",
    "rows",
    "questions",
    "samples",
    "resume_text_column",
    "job_text_column",
    "job_title_column",
)


class Command(BaseCommand):
    help = (
        "Run whole scripted interviews on real resumes and postings and compare systems: templates only, or a "
        "registered generator base served as the app serves it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--resumes", nargs="+", required=True, metavar="PATH", help="resume files or CSVs")
        parser.add_argument("--jobs", nargs="+", required=True, metavar="PATH", help="job posting files or CSVs")
        parser.add_argument("--pairs", type=int, default=10, help="resume/posting pairs to interview (default 10)")
        parser.add_argument("--seed", type=int, default=7, help="seed for the CSV rows drawn and the pairing")
        parser.add_argument("--rows", type=int, default=5, help="rows drawn from each CSV (default 5)")
        parser.add_argument("--questions", type=int, default=8, help="questions per interview (default 8)")
        parser.add_argument(
            "--systems", nargs="+", choices=SYSTEMS, default=[DEFAULT], help=f"default {DEFAULT}; any of {SYSTEMS}"
        )
        parser.add_argument("--resume-text-column", default="text")
        parser.add_argument("--job-text-column", default="job_description")
        parser.add_argument("--job-title-column", default="job_title")
        parser.add_argument("--json", dest="json_out", default=None, help="write every figure and every turn here")
        parser.add_argument("--samples", type=int, default=0, help="whole interviews written to --json (0: all)")
        parser.add_argument("--worker", default="", help="(internal) run one system here")
        parser.add_argument("--out", default="", help="(internal) where a worker writes its figures")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["worker"]:
            self._worker(options)
            return
        results: dict[str, Any] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for system in options["systems"]:
                self.stderr.write(f"Running {system}: {SYSTEM_HELP[system]}...")
                results[system] = self._run_child(system, Path(tmp), options)
        rows = [(name, *[r["scores"][key] for key, _ in COLUMNS]) for name, r in results.items()]
        self.stdout.write(table(rows, ("system", *[label for _, label in COLUMNS])))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(results, indent=2), encoding="utf-8")

    def _run_child(self, system: str, tmp: Path, options: dict[str, Any]) -> dict[str, Any]:
        out = tmp / f"{system}.json"
        argv = [sys.argv[0] if sys.argv[0].endswith("manage.py") else str(Path(settings.BASE_DIR) / "manage.py")]
        argv += ["evaluate_interviews", "--worker", system, "--out", str(out)]
        for key in ("resumes", "jobs"):
            argv += [f"--{key}", *[str(Path(p).resolve()) for p in options[key]]]
        for key in FORWARDED:
            argv += [f"--{key.replace('_', '-')}", str(options[key])]
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp / f'{system}.sqlite3'}",
            "REDIS_URL": "",
            "VAR_DIR": str(tmp / system),
            "MODEL_DIR": str(Path(settings.MODEL_DIR).resolve()),
            "FAKE_MODELS": "1" if settings.FAKE_MODELS else "0",
            "GENERATOR_BASE": system if system != TEMPLATE else (settings.GENERATOR_BASE or DEFAULT),
        }
        done = subprocess.run([sys.executable, *argv], env=env, cwd=settings.BASE_DIR, check=False)
        if done.returncode != 0 or not out.is_file():
            raise CommandError(f"the {system} run failed (exit code {done.returncode}); see the messages above")
        return dict(json.loads(out.read_text(encoding="utf-8")))

    # -- the child: one system, in its own scratch database
    def _worker(self, options: dict[str, Any]) -> None:
        system = options["worker"]
        call_command("migrate", verbosity=0)
        _configure(system)
        # _import makes documents of the kind it is given
        resumes = cast(
            "list[Resume]", _import(RESUME, options["resumes"], options["resume_text_column"], None, options)
        )
        jobs = cast(
            "list[JobPosting]",
            _import(JOB, options["jobs"], options["job_text_column"], options["job_title_column"], options),
        )
        rng = random.Random(options["seed"])
        rng.shuffle(jobs)
        pairs = [(resumes[k % len(resumes)], jobs[k % len(jobs)]) for k in range(options["pairs"])]
        encoder = models_registry.encoder()
        if not settings.GENERATOR_TEMPLATES_ONLY:
            models_registry.local_engine().backend  # noqa: B018 - loaded as a serving process has it, before any turn
        finished = [_interview(resume, job, options["questions"], k, encoder) for k, (resume, job) in enumerate(pairs)]
        scores = score_interviews(finished, encoder)
        kept = finished[: options["samples"]] if options["samples"] else finished
        samples = [[t.__dict__ | {"act": t.act.value if t.act else ""} for t in f] for f in kept]
        payload = {"scores": scores, "pairs": [(r.label, j.title) for r, j in pairs], "samples": samples}
        Path(options["out"]).write_text(json.dumps(payload, default=str), encoding="utf-8")


def _configure(system: str) -> None:
    """The system's settings: templates only, or the base (GENERATOR_BASE, set by the parent) as served:
    its shipped adapter registered and made active when one was trained on it (as ``prepare_models`` does)."""
    settings.GENERATOR_TEMPLATES_ONLY = system == TEMPLATE
    if system != TEMPLATE and not settings.FAKE_MODELS:
        call_command("prepare_models", stdout=io.StringIO())


def _import(
    kind: str, paths: list[str], text_column: str, title_column: str | None, options: dict[str, Any]
) -> list[services.Document]:
    """The documents of ``paths``; from each CSV, ``--rows`` rows drawn with the seed."""
    files = [(str(p), Path(p).read_bytes()) for p in paths]
    specs = services.specs_from_files(kind, files, text_column, title_column)
    rng = random.Random(options["seed"])
    by_file: dict[str, list[services.DocumentSpec]] = {}
    for spec in specs:
        by_file.setdefault(spec.filename, []).append(spec)
    chosen = []
    for group in by_file.values():
        chosen += rng.sample(group, min(options["rows"], len(group))) if group[0].where else group
    result = services.import_documents(chosen)
    if not result.created:
        raise DocumentError(f"no {kind} could be imported: {result.failure_lines()[:3]}")
    return result.created


def _interview(resume: Resume, job: JobPosting, questions: int, seed: int, encoder: Encoder) -> list[EvalTurn]:
    """One whole interview with the scripted candidate; its turns."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=f"eval{seed}")
    session = interviews.start(user, resume, job, InterviewSettings(questions=questions))
    candidate = Scripted([f.text for f in resume.facts.filter(askable=True)], seed=seed)
    for _ in range(3 * questions + 6):
        turns.run_turn_sync(session.pk)
        session.refresh_from_db()
        last = session.turns.order_by("-index").first()
        if session.status == session.Status.ENDED or last is None or last.role != Turn.Role.INTERVIEWER:
            break
        interviews.add_answer(session, candidate.answer(last.text, encoder))
    return [
        EvalTurn(
            t.role,
            t.text,
            Act(t.act) if t.act else None,
            tuple(g["text"] for g in t.grounding if g.get("reason") != "evidence"),
            t.source,
            (t.first_word_ms or 0) / 1000,
            (t.latency_ms or 0) / 1000,
            tuple((str(g["source"]), str(g["text"])) for g in interviews.shown(t.grounding)),
        )
        for t in session.turns.order_by("index")
    ]
