"""Which trained models are active, and the process-wide encoder built from that choice."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction

from interviewer.encoders import Encoder, HashingEncoder, SentenceTransformerEncoder
from interviewer.weights import PACKAGED_ENCODER_ID, packaged_encoder_dir
from webapp.models import ModelVersion

log = logging.getLogger(__name__)
_lock = threading.Lock()
_encoder: Encoder | None = None
_encoder_key: str | None = None


def activate(version: ModelVersion) -> None:
    """Make ``version`` the one active model of its kind."""
    with transaction.atomic():
        ModelVersion.objects.filter(kind=version.kind, is_active=True).exclude(pk=version.pk).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    reset()


def active(kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(kind=kind, is_active=True).first()


def model_path(version: ModelVersion) -> Path:
    path = Path(version.path)
    return path if path.is_absolute() else Path(settings.MODEL_DIR) / path


def reset() -> None:
    global _encoder, _encoder_key
    with _lock:
        _encoder = None
        _encoder_key = None


def encoder() -> Encoder:
    """The encoder in use: the active fine-tuned selector, else the packaged all-MiniLM-L6-v2.

    ``FAKE_MODELS=1`` swaps in the deterministic hashing encoder (tests, quick demos).
    """
    global _encoder, _encoder_key
    if settings.FAKE_MODELS:
        key = "fake"
    else:
        version = active(ModelVersion.Kind.SELECTOR)
        key = f"{version.pk}:{version.path}" if version else "packaged"
    with _lock:
        if _encoder is not None and _encoder_key == key:
            return _encoder
        if key == "fake":
            _encoder = HashingEncoder()
        elif key == "packaged":
            _encoder = SentenceTransformerEncoder(packaged_encoder_dir(), model_id=PACKAGED_ENCODER_ID)
        else:
            assert version is not None
            path = model_path(version)
            try:
                _encoder = SentenceTransformerEncoder(path, model_id=f"selector:{version.name}")
            except (FileNotFoundError, OSError) as exc:
                log.error("Active selector %s cannot be loaded (%s); using the packaged encoder", version, exc)
                _encoder = SentenceTransformerEncoder(packaged_encoder_dir(), model_id=PACKAGED_ENCODER_ID)
        _encoder_key = key
        return _encoder
