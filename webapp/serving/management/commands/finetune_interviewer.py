from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.serving.weights import WeightsError
from training import train_generator
from training.data import DataError
from webapp.management.progress import bar
from webapp.serving import models_registry
from webapp.serving.models import ModelVersion
from webapp.serving.runs import recorded


def finetune(
    arguments: train_generator.GeneratorTrainingArguments,
    name: str,
    activate: bool,
    log: Callable[[str], object] = print,
) -> ModelVersion:
    """Train one adapter, record the TrainingRun and the ModelVersion; returns the version."""
    relative = Path(arguments.output_dir).relative_to(settings.MODEL_DIR)
    try:
        with recorded(ModelVersion.Kind.GENERATOR, vars(arguments), arguments.output_dir) as run:
            metrics = _train(arguments, name)
            version, _ = ModelVersion.objects.update_or_create(
                kind=ModelVersion.Kind.GENERATOR,
                path=str(relative),
                defaults={"name": name, "base": metrics["base"], "metrics": metrics, "data_hash": metrics["data_hash"]},
            )
            run.model_version = version
            run.metrics = {k: metrics[k] for k in ("validation_loss", "steps", "seconds")}
    except (DataError, WeightsError, ValueError, OSError) as exc:
        raise CommandError(str(exc)) from None
    if activate:
        models_registry.activate(version)
    return version


def _train(arguments: train_generator.GeneratorTrainingArguments, name: str) -> dict[str, Any]:
    with bar(0, f"LoRA {name}", unit="step") as progress:

        def tick(step: int, total: int, loss: float) -> None:
            progress.total = total
            progress.update(step - progress.n)
            progress.set_postfix(loss=f"{loss:.3f}")

        return train_generator.main(arguments, progress=tick, log=lambda m: progress.write(m))


FIELDS = {f.name: f for f in fields(train_generator.GeneratorTrainingArguments)}
TUNABLE = ("data_fraction", "epochs", "max_steps", "lr", "rank", "batch_size", "max_dialogs")


class Command(BaseCommand):
    help = "Train the interviewer's LoRA adapter on interview dialogs, record it, and make it active."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dialogs", default=str(settings.BASE_DIR / "fixtures" / "dialogs.jsonl"))
        # The training knobs and their defaults come from the arguments dataclass (one place).
        for name in TUNABLE:
            spec = FIELDS[name]
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=type(spec.default),
                default=spec.default,
                help=spec.metadata["help"].replace("%", "%%"),
            )
        parser.add_argument("--name", default="", help="version name (default: interviewer-<timestamp>)")
        parser.add_argument("--resume", action="store_true", help="continue the interrupted run of --name")
        parser.add_argument("--no-activate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"] or time.strftime("interviewer-%Y%m%d-%H%M%S")
        if options["resume"] and not options["name"]:
            raise CommandError("--resume needs the --name of the run to continue")
        arguments = train_generator.GeneratorTrainingArguments(
            dialogs=Path(options["dialogs"]),
            output_dir=Path(settings.MODEL_DIR) / "adapters" / name,
            model_dir=Path(settings.MODEL_DIR),
            fixtures_dir=Path(settings.BASE_DIR) / "fixtures",
            base=settings.GENERATOR_BASE,
            resume=options["resume"],
            threads=settings.GENERATOR_THREADS,
            **{key: options[key] for key in TUNABLE},
        )
        version = finetune(arguments, name, not options["no_activate"], log=self.stdout.write)
        m = version.metrics
        self.stdout.write(
            f"{name}: {m['train_examples']} examples from {m['train_dialogs']} dialogs, {m['steps']} steps, "
            f"{m['seconds']} s, validation loss {m['validation_loss']:.4f}"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved to {settings.MODEL_DIR / 'adapters' / name}"
                + ("" if options["no_activate"] else "; it is now the active interviewer.")
            )
        )
