"""The learned critic (interviewer.dialog.critic, training.train_critic): fitted on labelled turns, it
refuses what its labels refused, and it is saved as plain numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interviewer.dialog.critic import Critic, Turn, features
from interviewer.dialog.gate import Gate
from interviewer.dialog.ranker import RankContext
from interviewer.encoders import HashingEncoder
from interviewer.vocabulary import Act
from training import train_critic
from webapp.serving.management.commands.critic import _base_name

FACT = "Hands-on experience running Kubernetes clusters in production."
GOOD = [f"This role runs Kubernetes in production. How did you run clusters at job {i}?" for i in range(40)]
BAD = [f"I am an AI language model and cannot help with request number {i}." for i in range(40)]


def items(split: str, texts: list[str], prefix: str) -> list[dict[str, object]]:
    return [
        {"id": f"{prefix}{i}", "split": split, "act": "requirement_probe", "facts": [{"source": "job", "text": FACT}],
         "previous_answer": "", "text": t}
        for i, t in enumerate(texts)
    ]  # fmt: skip


def test_it_learns_what_the_labels_refuse_and_keeps_its_weights_as_plain_numbers(tmp_path):
    rows = []
    for split, part in (("train", slice(0, 24)), ("dev", slice(24, 32)), ("test", slice(32, 40))):
        rows += items(split, GOOD[part], f"g{split}") + items(split, BAD[part], f"b{split}")
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    labels = [{"id": r["id"], "rating": "ok" if str(r["id"]).startswith("g") else "bad"} for r in rows]
    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(label) + "\n" for label in labels))
    args = train_critic.CriticArguments([tmp_path / "items.jsonl"], [tmp_path / "labels.jsonl"], tmp_path / "c.json")

    metrics = train_critic.main(args, HashingEncoder(), log=lambda _: None)

    assert metrics["test"] == {"precision_not_ok": 1.0, "recall_not_ok": 1.0, "not_ok_share": 0.5}
    critic = Critic.load(tmp_path / "c.json")
    assert critic.encoder_id == HashingEncoder().model_id
    encoder = HashingEncoder()
    assert critic.refuses(Turn(Act.REQUIREMENT_PROBE, BAD[0], [FACT]), encoder)
    assert not critic.refuses(Turn(Act.REQUIREMENT_PROBE, GOOD[0], [FACT]), encoder)
    gate = Gate(RankContext(Act.REQUIREMENT_PROBE, [FACT]), critic)
    assert gate.finish("This role runs Kubernetes clusters. Where did you run Kubernetes clusters?", encoder).passed


def test_the_features_say_the_act_and_whether_there_is_an_answer():
    rows = features(
        [Turn(Act.OPENING, "Welcome! Why this role?"), Turn(Act.FOLLOW_UP, "Why?", [], "I did it.")], HashingEncoder()
    )
    assert rows.shape[0] == 2 and np.isfinite(rows).all()
    assert rows[0, -1] == 0 and rows[1, -1] == 1  # has an answer


def test_candidate_turns_are_tagged_with_their_base_and_a_stopped_run_continues_where_it_stopped(tmp_path):
    from pathlib import Path

    from interviewer.serving.engine import GenerationEngine
    from interviewer.serving.generator import TemplateGenerator
    from training import critic_data

    root = Path(__file__).resolve().parent.parent / "fixtures"
    chosen = critic_data.contexts(root / "dialogs.jsonl", root)[:6]
    engine, out = GenerationEngine(lambda: TemplateGenerator()), tmp_path / "items.jsonl"

    first = critic_data.generate(chosen[:4], engine, HashingEncoder(), out=out, chunk=2, base="tiny")
    again = critic_data.generate(chosen, engine, HashingEncoder(), out=out, chunk=2, base="tiny")
    other = critic_data.generate(chosen[:2], engine, HashingEncoder(), out=out, chunk=2, base="other")

    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {str(r["id"]).rsplit(":", 1)[0] for r in first} == {f"tiny:{c.id}" for c in chosen[:4]}
    assert {str(r["id"]).rsplit(":", 1)[0] for r in again} == {f"tiny:{c.id}" for c in chosen[4:]}  # only the rest
    assert {r["base"] for r in other} == {"other"}
    assert len(rows) == len(first) + len(again) + len(other) and len({r["id"] for r in rows}) == len(rows)
    assert {r["how"] for r in rows} <= {"passed", "tail", "closed", "sampled"}
    assert all(r["split"] in ("train", "dev", "test") and r["text"] for r in rows)


@pytest.mark.parametrize(
    ("setting", "name"),
    [("", "qwen2.5-coder-1.5b"), ("smollm2-135m", "smollm2-135m"), ("/models/my-base.gguf", "my-base.gguf")],
)
def test_candidate_turns_are_named_by_the_serving_base_even_when_it_is_the_default(settings, setting, name):
    # A run with GENERATOR_BASE unset wrote ids without a base, so it neither continued nor matched
    # a run that named the default.
    settings.GENERATOR_BASE = setting
    assert _base_name() == name
