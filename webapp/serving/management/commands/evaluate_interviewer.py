from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.serving.engine import GenerationEngine
from interviewer.serving.weights import WeightsError
from training import evaluate_generator, train_generator
from training.data import DataError
from webapp.management.progress import bar
from webapp.serving import models_registry
from webapp.serving.management.commands.finetune_interviewer import FIELDS, finetune
from webapp.serving.models import ModelVersion


class Command(BaseCommand):
    help = (
        "Compare the base model, base + adapter, the ranked system as served and a retrieval baseline on a "
        "split of the dialogs (and the low-resource curve), through the serving engine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dialogs", default=str(settings.BASE_DIR / "fixtures" / "dialogs.jsonl"))
        parser.add_argument("--split", choices=["test", "validation", "train"], default="test")
        parser.add_argument("--json", dest="json_out", default=None, help="also write all figures here")
        parser.add_argument("--limit", type=int, default=0, help="only the first N turns (quick checks)")
        parser.add_argument(
            "--curve",
            action="store_true",
            help="add the low-resource curve, training the 1/8, 1/4, 1/2 adapters if missing",
        )
        parser.add_argument("--adapter", default="", help="adapter version name (default: the active one)")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = ModelVersion.objects.filter(kind=ModelVersion.Kind.GENERATOR)
        version = (
            versions.filter(name=options["adapter"]).first() if options["adapter"] else models_registry.active_adapter()
        )
        if options["adapter"] and version is None:
            raise CommandError(f"no adapter named {options['adapter']!r}; train one with finetune_interviewer")
        adapter = models_registry.model_path(version) if version else None
        if adapter is None:
            self.stderr.write("No active adapter: evaluating the base model and the retrieval baseline only.")
        curve_dirs = {}
        try:
            if options["curve"]:
                curve_dirs = self._curve(Path(options["dialogs"]), adapter, version)
            with bar(0, "Generating", unit="turn") as progress:

                def tick(name: str, done: int, total: int) -> None:
                    progress.set_description(name)
                    progress.total = total
                    progress.n = done
                    progress.refresh()

                result = evaluate_generator.evaluate(self._run(options, tick), adapter, curve_dirs)
        except (DataError, WeightsError, OSError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        result["adapter"] = version.name if version else None
        self.stdout.write(f"{result['turns']} interviewer turns of the {options['split']} split\n")
        self.stdout.write(evaluate_generator.markdown_table(result))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(result, indent=2), encoding="utf-8")

    def _run(self, options: dict[str, Any], tick: Callable[[str, int, int], None]) -> evaluate_generator.Evaluation:
        """The split's cases with serving's exemplars, and engines loaded as the registry loads them."""
        dialogs, fixtures = Path(options["dialogs"]), Path(settings.BASE_DIR) / "fixtures"
        encoder = models_registry.encoder()
        bank = evaluate_generator.training_bank(dialogs, fixtures, encoder)
        test = evaluate_generator.cases(dialogs, fixtures, options["split"], bank, options["limit"])
        train = evaluate_generator.cases(dialogs, fixtures, "train", bank)

        def load(adapter: Path | None) -> GenerationEngine:
            spec = replace(models_registry.generator_spec(), adapter=adapter, version_id=None)
            generator = models_registry.load(spec)
            return GenerationEngine(lambda: generator)

        return evaluate_generator.Evaluation(
            test,
            train,
            encoder,
            load,
            models_registry.fallback_candidates(),
            tick,
            models_registry.prompt_style(),
            models_registry.critic(),
        )

    def _curve(self, dialogs: Path, adapter: Path | None, version: ModelVersion | None) -> dict[float, Path]:
        """Adapters for each share of the training dialogs, trained like the active one when missing."""
        base_args = version.metrics.get("arguments", {}) if version else {}
        folders = {}
        for fraction in evaluate_generator.CURVE:
            if fraction == 1.0 and adapter is not None and (base_args.get("data_fraction", 1.0) == 1.0):
                folders[fraction] = adapter
                continue
            name = f"curve-{fraction:g}"
            folder = Path(settings.MODEL_DIR) / "curve" / name
            if not (folder / "adapter_config.json").is_file():
                arguments = train_generator.GeneratorTrainingArguments(
                    dialogs=dialogs,
                    output_dir=folder,
                    model_dir=Path(settings.MODEL_DIR),
                    fixtures_dir=Path(settings.BASE_DIR) / "fixtures",
                    base=settings.GENERATOR_BASE,
                    data_fraction=fraction,
                    epochs=float(base_args.get("epochs", FIELDS["epochs"].default)),
                    lr=float(base_args.get("lr", FIELDS["lr"].default)),
                    rank=int(base_args.get("rank", FIELDS["rank"].default)),
                    threads=settings.GENERATOR_THREADS,
                )
                finetune(arguments, name, activate=False, log=self.stdout.write)
            folders[fraction] = folder
        return folders
