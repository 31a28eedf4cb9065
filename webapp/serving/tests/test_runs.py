"""Training runs are always closed: finished, or failed with the reason, whatever stopped them."""

from __future__ import annotations

import pytest

from webapp.serving.models import ModelVersion, TrainingRun
from webapp.serving.runs import recorded


@pytest.mark.django_db
def test_it_finishes_a_run_and_keeps_what_the_block_recorded(settings):
    with recorded(ModelVersion.Kind.SELECTOR, {"epochs": 2}, settings.MODEL_DIR / "selector" / "x") as run:
        run.metrics = {"after_mrr": 0.9}
    run = TrainingRun.objects.get()
    assert (run.status, run.metrics, run.output_dir) == ("finished", {"after_mrr": 0.9}, "selector/x")
    assert run.arguments == {"epochs": "2"} and run.finished is not None


@pytest.mark.django_db
@pytest.mark.parametrize("error", [RuntimeError("out of memory"), KeyboardInterrupt()])
def test_it_marks_a_run_failed_whatever_stops_it(settings, error):
    with pytest.raises(type(error)), recorded(ModelVersion.Kind.GENERATOR, {}, settings.MODEL_DIR / "a") as run:
        run.metrics = {"steps": 3}
        raise error
    run = TrainingRun.objects.get()
    assert run.status == "failed" and run.finished is not None
    assert run.metrics["steps"] == 3 and run.metrics["error"].startswith(type(error).__name__)
