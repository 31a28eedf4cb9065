from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from interviewer import weights
from webapp import embeddings, models_registry
from webapp.management.progress import bar
from webapp.models import Fact


class Command(BaseCommand):
    help = "Convert the generator's GGUF base into the safetensors cache (once) and embed all facts."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--force", action="store_true", help="rebuild the cache even if it looks complete")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            base = weights.resolve_base(settings.GENERATOR_BASE)
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
                        progress=lambda m: (progress.set_postfix_str(m), progress.update(1)),
                    )
                self.stdout.write(f"Converted {base.name} to {folder} in {time.time() - started:.0f} s")
            encoder = models_registry.encoder()
        except weights.WeightsError as exc:
            raise CommandError(str(exc)) from None
        stale = list(embeddings.stale_facts())
        with bar(len(stale), f"Embedding facts with {encoder.model_id}", unit="fact") as progress:
            embeddings.embed_facts(stale, progress=progress.update)
        self.stdout.write(
            self.style.SUCCESS(f"Models ready; {Fact.objects.count()} facts embedded with {encoder.model_id}.")
        )
