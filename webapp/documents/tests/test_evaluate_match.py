"""manage.py evaluate_match: precision and recall against hand labels that name pieces by a hash only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from webapp.documents.management.commands.evaluate_match import piece_key, precision_recall

POSTING = (
    "About us\nWe are a family bakery in Leeds, founded in 1990.\n\nRequirements\n- 3 years of baking bread in a busy bakery\n"
    "- You have baked sourdough, rye and spelt loaves at scale.\n- Must be at least 18 years of age\n"
)
RESUME = (
    "Ana Lee\n\nEXPERIENCE\nBaker, Crumb & Co | 2015 - 2024\n"
    "- Baked sourdough and rye loaves for 300 customers a day in a busy bakery\n"
)


def write_documents(tmp_path):  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["job_title", "job_description"])
    writer.writerow(["Baker", POSTING])
    (tmp_path / "jobs.csv").write_text(buffer.getvalue())
    (tmp_path / "cv.txt").write_text(RESUME)
    where = "jobs.csv row 2"
    facts = [
        {"file": "jobs.csv", "where": where, "key": piece_key(text), "label": label}
        for text, label in (
            ("We are a family bakery in Leeds, founded in 1990.", "company"),
            ("3 years of baking bread in a busy bakery", "requirement"),
            ("Must be at least 18 years of age", "condition"),
            ("A piece the parser never cut", "requirement"),
        )
    ]
    coverage = [
        {"resume": "cv.txt", "job": "jobs.csv", "where": where, "key": piece_key(text), "label": label}
        for text, label in (
            ("3 years of baking bread in a busy bakery", "covered"),
            ("You have baked sourdough, rye and spelt loaves at scale.", "partly"),
            ("Must be at least 18 years of age", "na"),
            ("A piece the parser never cut", "covered"),  # left out, counted as not found
        )
    ]
    (tmp_path / "facts.jsonl").write_text("\n".join(json.dumps(r) for r in facts))
    (tmp_path / "coverage.jsonl").write_text("\n".join(json.dumps(r) for r in coverage))
    # a second labeller who calls the list requirement not covered at all
    second = [dict(coverage[0]), {**coverage[1], "label": "not"}]
    (tmp_path / "second.jsonl").write_text("\n".join(json.dumps(r) for r in second))


@pytest.mark.django_db
def test_it_measures_pieces_and_coverage_against_the_labels(tmp_path):
    write_documents(tmp_path)
    out = io.StringIO()
    call_command(
        "evaluate_match",
        heldout=str(tmp_path),
        facts=str(tmp_path / "facts.jsonl"),
        coverage=str(tmp_path / "coverage.jsonl"),
        second=str(tmp_path / "second.jsonl"),
        json_out=str(tmp_path / "out.json"),
        stdout=out,
    )
    figures = json.loads((tmp_path / "out.json").read_text())
    assert figures["pieces"]["labels_not_found"] == 1
    assert figures["pieces"]["classifier"] == [1.0, 1.0, 3]  # the blurb and the condition are not askable
    assert figures["pieces"]["conditions"][:2] == [1.0, 1.0]
    assert figures["coverage"]["judgements"] == 2 and figures["coverage"]["precision"] == 1.0
    assert figures["coverage"]["labels_not_found"] == 1
    assert figures["coverage"]["recall"] == 1.0 and figures["coverage"]["three_way_agreement"] == 1.0
    assert "classifier (FACT_KINDS_PATH)" in out.getvalue() and "covered or partly" in out.getvalue()
    assert figures["coverage"]["second_labeller"] == {"precision": 1.0, "recall": 0.5, "judgements": 2}
    (judged,) = figures["coverage"]["judges"].values()  # the test models: the rules alone
    assert judged["where_labellers_agree"] == {"precision": 1.0, "recall": 1.0, "judgements": 1}


def test_it_says_when_the_documents_or_labels_are_missing(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        call_command("evaluate_match", heldout=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="cannot read the labels"):
        call_command("evaluate_match", heldout=str(tmp_path), facts=str(tmp_path / "none.jsonl"))


def test_precision_and_recall_of_pairs():
    assert precision_recall([(True, True), (True, False), (False, True), (False, False)]) == (0.5, 0.5, 4)
    assert precision_recall([]) == (1.0, 1.0, 0)
