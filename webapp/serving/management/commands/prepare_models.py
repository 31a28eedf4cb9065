from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.documents.base import DocumentError
from interviewer.serving import conversion, weights
from webapp.documents import embeddings, services
from webapp.documents.models import Fact, JobPosting
from webapp.management.progress import bar
from webapp.serving import models_registry
from webapp.serving.models import ModelVersion

SHIPPED = Path(settings.BASE_DIR) / "models"  # adapters committed with the project
# Adapters an earlier release shipped: while one of them is active, the shipped one replaces it
# (it was trained for a prompt this release no longer builds).
RETIRED = frozenset({"adapters/interviewer-fixtures"})


class Command(BaseCommand):
    help = (
        "Convert the generator's GGUF base into the safetensors cache, convert the base and the active "
        "adapter to CTranslate2 (each once), and embed all facts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="rebuild the cache even if it looks complete")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            base = weights.resolve_base(settings.GENERATOR_BASE, Path(settings.MODEL_DIR))
            folder = weights.cache_dir(Path(settings.MODEL_DIR), base)
            if base.is_dir():
                self.stdout.write(f"Generator base is the model folder {base}; nothing to convert.")
            elif (folder / weights.CACHE_MARKER).is_file() and not options["force"]:
                self.stdout.write(f"Generator cache is ready: {folder}")
            else:
                started = time.time()
                with bar(3, "Preparing the generator", unit="step") as progress:
                    weights.prepare(
                        Path(settings.MODEL_DIR),
                        base,
                        force=options["force"],
                        progress=lambda m: (progress.set_postfix_str(m), progress.update(1)),  # type: ignore[func-returns-value]  # the tuple only sequences the two calls
                    )
                self.stdout.write(f"Converted {base.name} to {folder} in {time.time() - started:.0f} s")
            self._install_shipped_adapters(base)
            if settings.GENERATOR_BACKEND == models_registry.CTRANSLATE2:
                self._convert_for_serving(base, force=options["force"])
            encoder = models_registry.encoder()
        except weights.WeightsError as exc:
            raise CommandError(str(exc)) from None
        self._judge_unjudged_postings()
        stale = list(embeddings.stale_facts())
        with bar(len(stale), f"Embedding facts with {encoder.model_id}", unit="fact") as progress:
            embeddings.embed_facts(stale, progress=progress.update)
        self.stdout.write(
            self.style.SUCCESS(f"Models ready; {Fact.objects.count()} facts embedded with {encoder.model_id}.")
        )

    def _judge_unjudged_postings(self) -> None:
        """Postings stored before their pieces had kinds are parsed again, once, so their screening
        conditions and company blurbs stop being probed (pieces their owners deleted stay deleted)."""
        jobs = list(JobPosting.objects.filter(facts__kind="").distinct())
        if not jobs:
            return
        with bar(len(jobs), "Judging the pieces of postings stored before", unit="posting") as progress:
            for job in jobs:
                try:
                    services.reparse(job)
                except DocumentError as exc:
                    self.stderr.write(f"{job}: kept as it was ({exc})")
                progress.update(1)

    def _install_shipped_adapters(self, base: Path) -> None:
        """Register the adapters that ship in models/ (trained on the fixtures) and activate one
        when no interviewer adapter is active yet, so a fresh install asks grounded questions."""
        for folder in sorted(SHIPPED.glob("*/adapter_config.json")):
            source = folder.parent
            metrics = json.loads((source / "metrics.json").read_text(encoding="utf-8"))
            if metrics.get("base") != weights.base_name(base):
                continue  # trained on another base model: it would not fit
            relative = Path("adapters") / source.name
            target = Path(settings.MODEL_DIR) / relative
            if not (target / "adapter_model.safetensors").is_file():
                shutil.copytree(source, target, dirs_exist_ok=True)
            version, created = ModelVersion.objects.get_or_create(
                kind=ModelVersion.Kind.GENERATOR,
                path=str(relative),
                defaults={
                    "name": source.name,
                    "base": metrics["base"],
                    "metrics": metrics,
                    "data_hash": metrics.get("data_hash", ""),
                },
            )
            if created:
                self.stdout.write(f"Registered the shipped interviewer adapter {source.name}.")
            active = models_registry.active(ModelVersion.Kind.GENERATOR)
            if active is None or active.path in RETIRED:
                models_registry.activate(version)
                self.stdout.write(f"{source.name} is the active interviewer.")

    def _convert_for_serving(self, base: Path, force: bool) -> None:
        """The base and the active adapter (LoRA merged in) as CTranslate2 int8 models, each once."""
        model_dir = Path(settings.MODEL_DIR)
        version = models_registry.active_adapter()
        adapters = [None] + ([models_registry.model_path(version)] if version else [])
        for adapter in adapters:
            folder = conversion.target_dir(model_dir, base, adapter)
            if not force and conversion.is_converted(model_dir, base, adapter):
                self.stdout.write(f"CTranslate2 model is ready: {folder}")
                continue
            started = time.time()
            with bar(conversion.STEPS, f"Converting {folder.name} to CTranslate2", unit="step") as progress:
                conversion.convert(
                    model_dir,
                    base,
                    adapter,
                    force=force,
                    progress=lambda m: (progress.set_postfix_str(m), progress.update(1)),  # type: ignore[func-returns-value]  # the tuple only sequences the two calls
                )
            self.stdout.write(f"Converted {folder.name} to {folder} in {time.time() - started:.0f} s")
