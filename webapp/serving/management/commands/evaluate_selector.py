from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.serving.weights import PACKAGED_ENCODER_ID, packaged_encoder
from training.data import DataError, load_pairs, split_pairs
from training.train_selector import evaluate, format_table
from webapp.serving import models_registry
from webapp.serving.models import ModelVersion


class Command(BaseCommand):
    help = "Recall@1, Recall@5 and MRR of requirement -> evidence matching on the held-out split."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", default=str(settings.BASE_DIR / "fixtures" / "pairs.jsonl"))
        parser.add_argument("--json", dest="json_out", default=None, help="also write the figures to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _train, test = split_pairs(load_pairs(Path(options["pairs"])))
        except DataError as exc:
            raise CommandError(str(exc)) from None
        rows = {"packaged " + PACKAGED_ENCODER_ID: evaluate(packaged_encoder().model, test)}
        active = models_registry.active(ModelVersion.Kind.SELECTOR)
        if active is not None:
            rows[f"fine-tuned {active.name}"] = evaluate(models_registry.selector_encoder(active).model, test)
        self.stdout.write(format_table(rows))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(rows, indent=2), encoding="utf-8")
