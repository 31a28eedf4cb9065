"""manage.py train_fact_kinds: fit the classifier of a posting's pieces (interviewer.documents.fact_kinds) on
the labelled postings and sentences of training/data, and save it where the app reads it
(``FACT_KINDS_PATH``). Postings stored before keep their pieces' kinds until re-parsed
(``--rejudge`` parses them again now; pieces their owners deleted stay deleted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from training import train_fact_kinds
from webapp.documents import services
from webapp.documents.management.fitting import fit
from webapp.documents.models import JobPosting


class Command(BaseCommand):
    help = "Fit the classifier that tells a posting's requirements and duties from what is never asked about."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="default: FACT_KINDS_PATH")
        parser.add_argument("--c", type=float, default=4.0, help="inverse L2 strength (default 4)")
        parser.add_argument("--min-precision", type=float, default=0.9)
        parser.add_argument("--rejudge", action="store_true", help="parse the stored postings again")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.FAKE_MODELS:
            raise CommandError("FAKE_MODELS=1: the classifier is fitted on the real encoder; unset it first")
        output = Path(options["output"] or settings.FACT_KINDS_PATH)
        arguments = train_fact_kinds.FactKindsArguments(
            output=output, c=options["c"], min_precision=options["min_precision"]
        )
        fit(self, train_fact_kinds.main, arguments, output)
        if options["rejudge"]:
            jobs = list(JobPosting.objects.all())
            for job in jobs:
                services.reparse(job)
            self.stdout.write(f"Re-judged the pieces of {len(jobs)} posting(s)")
