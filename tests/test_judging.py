"""Blind judging (training.judging, manage.py judge_turns): every system's turns shuffled together,
nothing in the sheet says which system wrote a turn, and the labels come back per system."""

from __future__ import annotations

import json
from unittest.mock import Mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from training import judging

OPENING = {"role": "interviewer", "text": "Welcome! What drew you here?", "act": "opening", "facts": [], "source": "m"}
ANSWER = {"role": "candidate", "text": "I like payments."}
PROBE = {
    "role": "interviewer",
    "text": "This role runs PostgreSQL. How have you run it?",
    "act": "requirement_probe",
    "grounding": [["job", "Production PostgreSQL"], ["resume", "Ran Postgres 15"]],
    "source": "template",
    "latency_s": 1.5,
    "turn_s": 3.0,
}


def runs() -> dict[str, dict[str, object]]:
    return {
        "new": {"qwen": {"samples": [[OPENING, ANSWER, PROBE]]}},
        "old": {"ranked": {"samples": [[OPENING, ANSWER, PROBE], [OPENING]]}},
    }


def test_it_shuffles_every_systems_turns_into_one_sheet_that_names_no_system():
    items, key = judging.pack(runs(), seed=3)
    assert len(items) == 5 and sorted(key) == sorted(i.id for i in items)
    assert {key[i.id]["system"] for i in items} == {"qwen", "ranked"}
    sheet = json.dumps([i.as_dict() for i in items])
    assert "qwen" not in sheet and "ranked" not in sheet and "template" not in sheet and "latency" not in sheet
    probe = next(i for i in items if i.act == "requirement_probe")
    assert probe.previous_answer == "I like payments."
    assert probe.facts == [
        {"source": "job", "text": "Production PostgreSQL"},
        {"source": "resume", "text": "Ran Postgres 15"},
    ]
    assert next(i for i in items if i.act == "opening").previous_answer == ""


def test_it_scores_the_labels_per_system():
    items, key = judging.pack(runs(), seed=3)
    ratings = {"opening": "ok", "requirement_probe": "bad"}
    lines = [json.dumps({"id": i.id, "rating": ratings[i.act], "invented": i.act != "opening"}) for i in items]
    table = judging.score(judging.read_labels(lines), key)
    assert table["old:ranked"]["turns"] == 3 and table["old:ranked"]["ok"] == round(2 / 3, 3)
    assert table["new:qwen"]["bad"] == 0.5 and table["new:qwen"]["invented"] == 1
    assert table["new:qwen"]["model_words"] == 0.5  # the probe was a template
    assert table["new:qwen"]["first_word_p50_s"] == 1.5
    assert table["new:qwen"]["ok_by_act"] == {"opening": "1/1", "requirement_probe": "0/1"}


def test_a_rating_outside_the_scale_is_an_error_naming_the_item():
    with pytest.raises(ValueError, match="t0007: rating must be one of ok, odd, bad"):
        judging.read_labels([json.dumps({"id": "t0007", "rating": "great"})])


def test_the_command_packs_and_scores(tmp_path):
    run = tmp_path / "new.json"
    run.write_text(json.dumps(runs()["new"]))
    call_command("judge_turns", "pack", str(run), "--out", str(tmp_path / "judge"), stdout=Mock())
    sheet = [json.loads(line) for line in (tmp_path / "judge" / "sheet.jsonl").read_text().splitlines()]
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"id": s["id"], "rating": "ok"}) + "\n" for s in sheet))
    out = Mock()
    call_command(
        "judge_turns", "score", "--key", str(tmp_path / "judge" / "key.json"), "--labels", str(labels), stdout=out
    )
    printed = "".join(str(c.args[0]) for c in out.write.call_args_list)
    assert "new:qwen" in printed and "1.0" in printed
    with pytest.raises(CommandError, match="not in the key"):
        labels.write_text(json.dumps({"id": "t9999", "rating": "ok"}))
        call_command("judge_turns", "score", "--key", str(tmp_path / "judge" / "key.json"), "--labels", str(labels))
