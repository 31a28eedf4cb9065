"""What the commands that fit a small model on the encoder share: fit, report, and serve the new one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interviewer.encoders import Encoder
from webapp.serving import models_registry


def fit(command: BaseCommand, train: Callable[..., Any], arguments: Any, output: Path) -> None:
    """``train(arguments, encoder, log=...)`` on the serving encoder, then the registry reloads, so
    the next request reads the model just saved at ``output``."""
    encoder: Encoder = models_registry.encoder()
    try:
        train(arguments, encoder, log=command.stdout.write)
    except (OSError, ValueError, KeyError) as exc:
        raise CommandError(str(exc)) from None
    models_registry.reset()
    command.stdout.write(f"Saved {output}")
