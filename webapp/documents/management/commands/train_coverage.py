"""manage.py train_coverage: fit the learned judge of coverage (interviewer.matching.coverage_model) on the
labelled judgements of training/data/coverage.jsonl and save it where the app reads it
(``COVERAGE_PATH``). The match is computed when a page asks for it: the next one uses the new judge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from training import train_coverage
from webapp.documents.management.fitting import fit


class Command(BaseCommand):
    help = "Fit the judge of whether a resume covers a requirement (on top of the rules) and save it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="default: COVERAGE_PATH")
        parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength (default 1)")
        parser.add_argument("--min-precision", type=float, default=0.9)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.FAKE_MODELS:
            raise CommandError("FAKE_MODELS=1: the judge is fitted on the real encoder; unset it first")
        if settings.COVERAGE_PATH == "off" and not options["output"]:
            raise CommandError("COVERAGE_PATH=off: name where the judge goes with --output")
        output = Path(options["output"] or settings.COVERAGE_PATH)
        arguments = train_coverage.CoverageArguments(
            output=output, c=options["c"], min_precision=options["min_precision"]
        )
        fit(self, train_coverage.main, arguments, output)
