from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from training import train_selector
from training.data import DataError, file_hash
from webapp.management.progress import bar
from webapp.serving import models_registry
from webapp.serving.models import ModelVersion
from webapp.serving.runs import recorded


class Command(BaseCommand):
    help = "Fine-tune the selector's encoder on resume-job pairs (in-batch negatives) and make it active."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", default=str(settings.BASE_DIR / "fixtures" / "pairs.jsonl"))
        parser.add_argument("--epochs", type=int, default=2)
        parser.add_argument("--max-steps", type=int, default=0)
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--lr", type=float, default=2e-5)
        parser.add_argument("--name", default="", help="version name (default: selector-<timestamp>)")
        parser.add_argument("--no-activate", action="store_true", help="keep the current encoder active")
        parser.add_argument("--resume", action="store_true", help="continue an interrupted run of --name")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"] or time.strftime("selector-%Y%m%d-%H%M%S")
        relative = Path("selector") / name
        arguments = train_selector.SelectorTrainingArguments(
            pairs=Path(options["pairs"]),
            output_dir=Path(settings.MODEL_DIR) / relative,
            epochs=options["epochs"],
            max_steps=options["max_steps"],
            batch_size=options["batch_size"],
            lr=options["lr"],
            resume=options["resume"],
        )
        try:
            with recorded(ModelVersion.Kind.SELECTOR, vars(arguments), arguments.output_dir) as run:
                metadata = self._train(arguments)
                run.model_version = ModelVersion.objects.create(
                    kind=ModelVersion.Kind.SELECTOR,
                    name=name,
                    path=str(relative),
                    base=metadata["base"],
                    metrics={"before": metadata["before"], "after": metadata["after"]},
                    data_hash=file_hash(arguments.pairs),
                )
                run.metrics = {f"after_{k}": v for k, v in metadata["after"].items()}
        except (DataError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            train_selector.format_table({"packaged (before)": metadata["before"], f"{name} (after)": metadata["after"]})
        )
        self.stdout.write(
            f"{metadata['train_pairs']} training pairs, {metadata['steps']} steps, {metadata['seconds']} s"
        )
        if not options["no_activate"]:
            models_registry.activate(run.model_version)
            self.stdout.write(f"{name} is active; run `manage.py embed_facts` to refresh the fact embeddings.")

    def _train(self, arguments: train_selector.SelectorTrainingArguments) -> dict[str, Any]:
        with bar(0, "Training selector", unit="step") as progress:

            def tick(step: int, loss: float) -> None:
                progress.update(step - progress.n)
                progress.set_postfix(loss=f"{loss:.4f}")

            return train_selector.main(arguments, progress=tick)
