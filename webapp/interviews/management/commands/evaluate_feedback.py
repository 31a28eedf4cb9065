from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.serving.weights import WeightsError
from training import evaluate_feedback
from training.data import DataError


class Command(BaseCommand):
    help = (
        "Precision and recall of the answer assessment (off-topic, vague, short, candidate question) and "
        "STAR part accuracy on the labelled answers, with the packaged all-MiniLM-L6-v2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--answers", default=str(settings.BASE_DIR / "fixtures" / "answers.jsonl"))
        parser.add_argument("--split", choices=["test", "train", "all"], default="test")
        parser.add_argument("--json", dest="json_out", default=None, help="also write the figures to this file")
        parser.add_argument(
            "--fit", action="store_true", help="print the calibration fitted on the train half (to paste in code)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["answers"])
        try:
            encoder = evaluate_feedback.packaged_encoder()
            if options["fit"]:
                train = [i for i in evaluate_feedback.load_answers(path) if i.split == "train"]
                self.stdout.write(json.dumps(evaluate_feedback.fit(train, encoder), indent=2))
                return
            json_out = Path(options["json_out"]) if options["json_out"] else None
            result = evaluate_feedback.main(path, encoder, options["split"], json_out)
        except (DataError, WeightsError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Split: {options['split']} ({path})")
        self.stdout.write(evaluate_feedback.format_table(result))
