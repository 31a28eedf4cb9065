"""Selector fine-tuning: a smoke run on 10 pairs, 2 steps, in a temporary folder; bad data."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from training.data import DataError, load_pairs, split_pairs
from webapp.serving.models import ModelVersion, TrainingRun

PAIRS = [
    ("Migrated the orders database from MySQL to PostgreSQL", "Relational database experience"),
    ("Ran a 28-bed ICU night shift as charge nurse", "Critical care nursing experience"),
    ("Closed $1.2M in new annual recurring revenue", "Track record of exceeding sales quota"),
    ("Taught Algebra II to four classes of 30 students", "Secondary mathematics teaching"),
    ("Built Figma prototypes tested with 12 users", "Prototyping and usability testing"),
    ("Reconciled 40 bank accounts at month end", "Month-end close and reconciliations"),
    ("Designed fixtures in SolidWorks for a CNC cell", "3D CAD experience (SolidWorks or Creo)"),
    ("Answered 60 support tickets a day in Zendesk", "Experience with a ticketing system"),
    ("Hired 45 seasonal warehouse staff in six weeks", "High-volume recruiting"),
    ("Cut pick errors by 30% with barcode scanning", "Warehouse process improvement"),
]


@pytest.fixture
def pairs_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps({"resume_fact": f, "job_requirement": r}) for f, r in PAIRS))
    return path


def test_it_splits_pairs_by_requirement_deterministically(pairs_file):
    pairs = load_pairs(pairs_file)
    train, test = split_pairs(pairs, 0.3)
    assert split_pairs(pairs, 0.3) == (train, test)
    assert not {p.job_requirement for p in train} & {p.job_requirement for p in test}
    assert train and test


@pytest.mark.parametrize(
    "content, message", [("", "empty"), ("{not json", "not valid JSON"), ('{"resume_fact": "x"}', "job_requirement")]
)
def test_it_rejects_bad_pair_files(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        load_pairs(path)


@pytest.mark.real_models
@pytest.mark.django_db
def test_it_fine_tunes_saves_registers_and_activates_an_encoder(pairs_file, settings):
    out = io.StringIO()
    call_command(
        "train_selector",
        "--pairs",
        str(pairs_file),
        "--max-steps",
        "2",
        "--batch-size",
        "4",
        "--name",
        "smoke",
        stdout=out,
        stderr=io.StringIO(),
    )
    version = ModelVersion.objects.get(kind="selector")
    assert version.is_active and version.name == "smoke"
    folder = settings.MODEL_DIR / "selector" / "smoke"
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["steps"] == 2
    assert set(metadata["before"]) == set(metadata["after"]) == {"recall@1", "recall@5", "mrr", "queries"}
    assert TrainingRun.objects.get().status == "finished"
    assert "R@1" in out.getvalue()

    from webapp.serving import models_registry

    assert models_registry.encoder().model_id == "selector:smoke"  # the active encoder is the new one


@pytest.mark.django_db
def test_it_records_a_failed_run_with_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "train_selector", "--pairs", str(tmp_path / "missing.jsonl"), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert TrainingRun.objects.get().status == "failed"
