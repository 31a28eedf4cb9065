"""Recording training runs: one context manager that always closes the run it opens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from webapp.serving.models import TrainingRun


@contextmanager
def recorded(kind: str, arguments: dict[str, Any], output_dir: Path) -> Iterator[TrainingRun]:
    """A TrainingRun that is ``finished`` when the block completes and ``failed`` whatever stops
    it otherwise (an error of any kind, Ctrl-C), with the reason in its metrics. The block may
    set ``metrics`` and ``model_version`` on the run; they are saved at the end."""
    folder = Path(output_dir)
    relative = folder.relative_to(settings.MODEL_DIR) if folder.is_relative_to(settings.MODEL_DIR) else folder
    run = TrainingRun.objects.create(
        kind=kind,
        arguments={k: str(v) for k, v in arguments.items()},
        output_dir=str(relative),
    )
    try:
        yield run
    except BaseException as exc:
        run.status = TrainingRun.Status.FAILED
        run.metrics = {**run.metrics, "error": f"{type(exc).__name__}: {exc}"[:2000]}
        raise
    else:
        run.status = TrainingRun.Status.FINISHED
    finally:
        run.finished = timezone.now()
        run.save()
