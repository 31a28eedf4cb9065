"""Fact embeddings, cached on each Fact with the id of the encoder that made them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

import numpy as np

from interviewer.encoders import from_bytes, to_bytes
from webapp.documents.models import Fact
from webapp.serving import models_registry

BATCH = 128


def embed_facts(facts: list[Fact], progress: Callable[[int], object] | None = None) -> int:
    """Compute and store embeddings for facts that lack one from the current encoder.

    Returns the number of facts (re)embedded.
    """
    enc = models_registry.encoder()
    todo = [f for f in facts if f.embedding_model != enc.model_id or not f.embedding]
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        vectors = enc.encode([f.text for f in batch])
        for fact, vector in zip(batch, vectors, strict=True):
            fact.embedding = to_bytes(vector)
            fact.embedding_model = enc.model_id
        Fact.objects.bulk_update(batch, ["embedding", "embedding_model"])
        if progress:
            progress(len(batch))
    return len(todo)


def stale_facts() -> Iterable[Fact]:
    enc = models_registry.encoder()
    return Fact.objects.exclude(embedding_model=enc.model_id).order_by("pk")


def matrix(facts: list[Fact]) -> np.ndarray:
    """The facts' cached embeddings as one (n, dim) array; embeds any that are missing first."""
    embed_facts(facts)
    if not facts:
        return np.zeros((0, 1), dtype=np.float32)
    return np.stack([from_bytes(cast("bytes | memoryview", f.embedding)) for f in facts])  # embed_facts stored each
