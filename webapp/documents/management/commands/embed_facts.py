from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from webapp.documents import embeddings
from webapp.documents.models import Fact
from webapp.management.progress import bar
from webapp.serving import models_registry


class Command(BaseCommand):
    help = "Compute fact embeddings with the active encoder (only facts embedded by another encoder)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every fact, even up-to-date ones")

    def handle(self, *args: Any, **options: Any) -> None:
        encoder = models_registry.encoder()
        facts = list(Fact.objects.order_by("pk") if options["all"] else embeddings.stale_facts())
        if options["all"]:
            for fact in facts:
                fact.embedding_model = ""
        with bar(len(facts), f"Embedding with {encoder.model_id}", unit="fact") as progress:
            done = embeddings.embed_facts(facts, progress=progress.update)
        self.stdout.write(self.style.SUCCESS(f"Embedded {done} facts with {encoder.model_id}."))
