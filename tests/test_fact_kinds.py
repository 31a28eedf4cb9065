"""What each piece of a posting is: the classifier's arithmetic, its file, how its verdict is
applied, the patterns it falls back on, its training, and (with the real encoder) the shipped one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interviewer.documents import fact_kinds
from interviewer.documents.base import ParsedFact
from interviewer.documents.fact_kinds import FactKinds, Piece, decide, features, pattern_kind
from interviewer.documents.facts import boilerplate_kind
from interviewer.encoders import HashingEncoder
from training import train_fact_kinds


def tiny(threshold: float = 0.5) -> FactKinds:
    """A classifier that reads only the "at most three words" feature: short pieces are "other"."""
    pieces = [Piece("x")]
    width = features(pieces, np.zeros((1, 2))).shape[1]
    weights = np.zeros((width, 2))
    short = width - 2 - len(fact_kinds._voice("x"))  # "at most three words", before the place and the voice
    weights[short, 1] = 4.0  # -> "other"
    return FactKinds("enc", ("requirement", "other"), weights, np.array([1.0, -1.0]), threshold)


def test_it_refuses_a_piece_when_p_not_askable_reaches_the_threshold():
    vectors = np.zeros((2, 2))
    pieces = [Piece("SQL"), Piece("Five years of SQL reporting for finance teams")]
    assert tiny().kinds_of(pieces, vectors) == ["other", "requirement"]
    assert tiny(threshold=0.99).kinds_of(pieces, vectors) == ["requirement", "requirement"]
    probabilities = tiny().probabilities(pieces, vectors)
    assert probabilities.shape == (2, 2) and np.allclose(probabilities.sum(axis=1), 1.0)


def test_it_saves_and_loads_a_classifier_and_refuses_a_broken_file(tmp_path):
    path = tmp_path / "kinds.json"
    tiny().save(path)
    loaded = FactKinds.load(path)
    assert loaded.kinds == ("requirement", "other") and np.allclose(loaded.weights, tiny().weights)
    data = json.loads(path.read_text())
    data["bias"] = [1.0]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="do not fit"):
        FactKinds.load(path)
    data["bias"], data["kinds"] = [1.0, 2.0], ["requirement", "gossip"]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="unknown kinds"):
        FactKinds.load(path)


def test_a_kind_decides_whether_a_piece_is_asked_about_and_where_it_goes():
    assert decide("requirements", True, "condition") == ("requirements", False, "condition")
    assert decide("about", False, "responsibility") == ("responsibilities", True, "responsibility")
    assert decide("nice_to_have", True, "requirement") == ("nice_to_have", True, "requirement")


@pytest.mark.parametrize("text", ["Go", "Apache", "IPv4", "GitHub", "LAMP", "C#", "AWS SDK"])
def test_a_name_alone_in_a_list_of_what_the_job_asks_is_asked_about_whatever_the_classifier_says(text):
    assert decide("requirements", True, "other", text) == ("requirements", True, "requirement")
    assert decide("nice_to_have", True, "company", text) == ("nice_to_have", True, "requirement")
    assert decide("about", False, "company", text) == ("about", False, "company")  # the parser's blurb stays


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sit or stand", "condition"),
        ("U.S. Citizen", "condition"),
        ("Weekends", "condition"),
        ("Be part of it", "company"),
    ],
)
def test_a_phrase_or_a_word_that_reads_as_a_condition_keeps_its_kind(text, kind):
    assert decide("requirements", True, kind, text) == ("requirements", False, kind)


@pytest.mark.parametrize(
    "text",
    [
        "Must be at least 18 years of age",
        "Must be 21 or older",
        "US citizenship required",
        "Valid driver's license and a clean driving record",
        "Ability to lift 50 lbs",
        "Travel up to 25%",
        "Must be available to work weekends",
        "Must live in one of the following states: OH, PA",
        "Own reliable transportation",
    ],
)
def test_the_parser_knows_a_screening_condition(text):
    assert boilerplate_kind(text) == "condition"
    assert pattern_kind(text, "requirements", False) == "condition"


@pytest.mark.parametrize(
    "text",
    [
        "Experience with Python and SQL",
        "5+ years of experience",
        "Experience with car repair",
        "Carry out quality checks",
    ],
)
def test_a_requirement_is_no_condition(text):
    assert boilerplate_kind(text) is None


def test_without_a_classifier_the_parsers_verdict_gives_the_kind():
    assert pattern_kind("Mentor junior engineers", "responsibilities", True) == "responsibility"
    assert pattern_kind("We are an equal opportunity employer", "about", False) == "legal"
    assert pattern_kind("Founded by two nurses, we care", "about", False) == "company"
    assert pattern_kind("Medical, dental and vision", "benefits", False) == "benefits"


@pytest.mark.django_db
def test_stored_postings_keep_each_pieces_kind(users):
    from webapp.documents import services

    text = "Requirements\n- Five years of payroll experience in Sage\n- Must be at least 18 years of age\n"
    job = services.create_document(services.DocumentSpec(kind="job", text=text, meta={"title": "Payroll"}))
    kinds = dict(job.facts.values_list("text", "kind"))
    assert kinds == {
        "Five years of payroll experience in Sage": "requirement",
        "Must be at least 18 years of age": "condition",
    }
    assert not job.facts.get(kind="condition").askable


def write_training_data(tmp_path: Path) -> train_fact_kinds.FactKindsArguments:
    postings = tmp_path / "postings"
    postings.mkdir()
    pieces = []
    for n in range(10):
        text = (
            f"About us\nWe are a family bakery number {n} in Leeds.\n\nRequirements\n- {n + 2} years of baking bread\n"
            "- Must be at least 18 years of age\n\nBenefits\n- Paid holidays and a staff discount\n"
        )
        (postings / f"p{n}.txt").write_text(text)
        pieces += [
            {"doc": f"p{n}.txt", "text": f"We are a family bakery number {n} in Leeds.", "label": "company"},
            {"doc": f"p{n}.txt", "text": f"{n + 2} years of baking bread", "label": "requirement"},
            {"doc": f"p{n}.txt", "text": "Must be at least 18 years of age", "label": "condition"},
            {"doc": f"p{n}.txt", "text": "Paid holidays and a staff discount", "label": "benefits"},
        ]
    (tmp_path / "pieces.jsonl").write_text("\n".join(json.dumps(p) for p in pieces))
    sentences = [{"text": "Knead and shape dough every morning", "label": "responsibility"}] * 3
    (tmp_path / "sentences.jsonl").write_text("\n".join(json.dumps(s) for s in sentences))
    return train_fact_kinds.FactKindsArguments(
        output=tmp_path / "out" / "kinds.json",
        postings=sorted(postings.glob("*.txt")),
        pieces=tmp_path / "pieces.jsonl",
        sentences=tmp_path / "sentences.jsonl",
    )


def test_it_trains_measures_on_held_back_postings_and_saves_a_classifier(tmp_path):
    arguments = write_training_data(tmp_path)
    metrics = train_fact_kinds.main(arguments, HashingEncoder(), log=lambda *_: None)
    assert metrics["test_postings"] == 2 and metrics["test_pieces"] == 8
    assert metrics["not_askable_precision"] == 1.0 and metrics["not_askable_recall"] == 1.0
    classifier = FactKinds.load(arguments.output)
    assert set(classifier.kinds) == {"company", "requirement", "condition", "benefits", "responsibility"}


def test_it_refuses_training_labels_it_does_not_know(tmp_path):
    arguments = write_training_data(tmp_path)
    arguments.sentences.write_text(json.dumps({"text": "Nice weather", "label": "gossip"}))
    with pytest.raises(ValueError, match="unknown labels"):
        train_fact_kinds.main(arguments, HashingEncoder(), log=lambda *_: None)


def test_the_shipped_training_data_uses_known_labels_only():
    root = Path(__file__).resolve().parent.parent / "training" / "data"
    rows = [
        json.loads(line)
        for name in ("posting_pieces.jsonl", "posting_sentences.jsonl")
        for line in (root / name).read_text().splitlines()
    ]
    assert len(rows) > 2000 and {r["label"] for r in rows} <= set(fact_kinds.KINDS)


@pytest.mark.real_models
def test_the_shipped_classifier_tells_requirements_from_conditions_and_blurbs():
    from interviewer.encoders import SentenceTransformerEncoder
    from interviewer.serving.weights import PACKAGED_ENCODER_ID, packaged_encoder_dir

    root = Path(__file__).resolve().parent.parent
    classifier = FactKinds.load(root / "models" / "fact-kinds" / "fact_kinds.json")
    assert classifier.encoder_id == PACKAGED_ENCODER_ID
    encoder = SentenceTransformerEncoder(packaged_encoder_dir(), model_id=PACKAGED_ENCODER_ID)
    facts = [
        ParsedFact(
            "about", "Harbour College is an educational institution specialising in technical training.", 0, False
        ),
        ParsedFact("requirements", "3+ years of experience building ETL pipelines in Python", 1),
        ParsedFact("requirements", "Must be a U.S. citizen", 2),
        ParsedFact("responsibilities", "Teach two evening classes on SQL each week", 3),
        ParsedFact("requirements", "Must live in one of the following states: Ohio, Texas, Utah", 4),
    ]
    pieces = fact_kinds.pieces_of([f.section for f in facts], [f.text for f in facts], [f.askable for f in facts])
    kinds = classifier.kinds_of(pieces, encoder.encode([f.text for f in facts]))
    assert kinds == ["company", "requirement", "condition", "responsibility", "condition"]


@pytest.mark.django_db
def test_prepare_models_judges_postings_stored_before_kinds_once(users, capsys):
    from webapp.documents import services
    from webapp.serving.management.commands import prepare_models

    text = "Requirements\n- Five years of payroll experience in Sage\n- Must be at least 18 years of age\n"
    job = services.create_document(services.DocumentSpec(kind="job", text=text, meta={"title": "Payroll"}))
    job.facts.update(kind="", askable=True)  # as a posting stored before this release
    prepare_models.Command()._judge_unjudged_postings()
    assert dict(job.facts.values_list("text", "kind"))["Must be at least 18 years of age"] == "condition"
    assert not job.facts.get(kind="condition").askable and not job.facts.filter(kind="").exists()


@pytest.mark.django_db
def test_train_fact_kinds_refuses_the_test_encoder(settings):
    from django.core.management import CommandError, call_command

    settings.FAKE_MODELS = True
    with pytest.raises(CommandError, match="FAKE_MODELS=1"):
        call_command("train_fact_kinds")


def test_the_voice_of_a_piece_tells_a_company_speaking_of_itself_from_a_duty():
    _voice = fact_kinds._voice
    assert _voice("We are a family-owned bakery with three shops.")[0] == 1.0
    assert _voice("Northwind Traders is one of the region's largest distributors.")[1] == 1.0
    assert _voice("Join a team that loves what it does!")[2] == 1.0
    assert _voice("and reporting to the shift lead")[3] == 1.0
    assert _voice("Prepare weekly stock reports for the store manager.") == [0.0, 0.0, 0.0, 0.0]
