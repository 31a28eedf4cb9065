"""The learned judge of coverage: what the rules settle on their own, the judge's arithmetic and file,
how the match applies its verdict, its training, and (with the real encoder) the shipped one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interviewer.encoders import HashingEncoder
from interviewer.matching import coverage
from interviewer.matching.coverage_model import FEATURES, CoverageJudge, Evidence, features, named_loosely, settled
from interviewer.matching.selector import FactRef, FactSet, KnowledgeSelector, SelectorConfig
from interviewer.vocabulary import Reason
from training import train_coverage

ROOT = Path(__file__).resolve().parent.parent


def read(requirement: str, resume: list[str], rule_status: str = "gap", items_found: float = 0.0) -> Evidence:
    """What the judge reads of ``requirement`` against resume lines (all at similarity 0.5)."""
    return Evidence(
        requirement,
        np.zeros(3),
        resume,
        np.full(len(resume), 0.5),
        coverage.resume_vocabulary(resume),
        0.0,
        rule_status,
        items_found=items_found,
    )


def judge(bias_shown: float, threshold: float = 0.5, width: int = 3) -> CoverageJudge:
    """A judge that reads nothing but its bias: P(covered) = sigmoid(bias_shown) against "not"."""
    weights = np.zeros((len(FEATURES) + width, 3))
    return CoverageJudge("enc", ("covered", "partly", "not"), weights, np.array([bias_shown, -20.0, 0.0]), threshold)


@pytest.mark.parametrize(
    ("requirement", "resume", "status"),
    [
        ("SQL", ["Wrote reports in MySQL and PostgreSQL"], "covered"),  # inside a longer name
        ("HTML", ["Built pages in HTML5 and CSS3"], "covered"),  # a version
        ("RESTful APIs", ["Designed REST services", "Documented the APIs"], "covered"),
        ("ElasticSearch", ["Indexed logs in Elastic Search"], "covered"),  # two words joined
        ("Relational databases", ["Tuned MySQL queries"], "covered"),  # one of its kind (interviewer.matching.skills)
        ("JavaScript", ["Front ends in Angular"], "covered"),
        ("Java", ["Built front ends in JavaScript"], "gap"),  # Java is not in JavaScript
        ("Python", ["Wrote services in C# and Java"], "gap"),  # a neighbour is no evidence
        ("tcpdump", ["Debugged network issues with Wireshark"], "gap"),  # a word alone, not named
        ("Experience with Hadoop, Spark and Kafka", ["Tuned PostgreSQL queries"], "gap"),  # names, none named
    ],
)
def test_the_rules_settle_names_on_their_own(requirement, resume, status):
    assert settled(read(requirement, resume)) == status


@pytest.mark.parametrize(
    "requirement",
    [
        "Keep our services healthy by finding and fixing their bugs",  # a duty: other words may show it
        "Exposure to an ERP system such as NetSuite, Sage Intacct or Microsoft Dynamics",  # examples of a kind
        "Sketching, inking and colouring comic pages",  # a list of activities, not names
        "hypothesis testing",  # a skill of ordinary words
    ],
)
def test_the_rules_leave_the_rest_to_the_judge(requirement):
    assert settled(read(requirement, ["Fixed production bugs in the billing service"])) == ""


def test_a_list_with_some_items_named_keeps_the_rules_verdict_and_a_degree_met_stands():
    assert settled(read("Experience with Hadoop, Spark and Kafka", ["Spark jobs"], "partly", 1 / 3)) == "partly"
    assert settled(read("Bachelor's degree in Physics", ["MSc Physics"], "covered")) == "covered"
    # a degree the rules find unmet may be met by a related field: the judge decides
    assert settled(read("Bachelor's degree in Physics", ["BSc Applied Mathematics"], "gap")) == ""


def test_naming_loosely_needs_three_letters_and_a_known_suffix():
    resume = frozenset({"mysql", "html5", "rest", "javascript", "nodejs"})
    assert named_loosely("sql", resume) and named_loosely("html", resume) and named_loosely("restful", resume)
    assert not named_loosely("java", resume) and not named_loosely("js", resume)
    assert not named_loosely("sql", frozenset({"nosql", "mongodb"}))
    assert named_loosely("node", resume)  # "NodeJS" is Node with a suffix


def test_features_have_one_column_per_name_and_the_requirements_embedding():
    row = features(read("Keep our services healthy by fixing their bugs", ["Fixed bugs", "Wrote tests"]))
    assert row.shape == (len(FEATURES) + 3,)
    assert row[FEATURES.index("nearest")] == pytest.approx(0.5)
    assert row[FEATURES.index("rule_gap")] == 1.0 and row[FEATURES.index("rule_covered")] == 0.0


def test_the_judge_shows_a_requirement_when_p_shown_reaches_its_threshold():
    open_question = read("Keep our services healthy by fixing their bugs", ["Fixed production bugs"])
    assert judge(2.0).judge(open_question) == ("covered", pytest.approx(1 / (1 + np.exp(-2.0)), abs=1e-6))
    status, p = judge(-2.0).judge(open_question)
    assert status == "gap" and p < 0.5
    assert judge(2.0, threshold=0.95).judge(open_question)[0] == "gap"
    # what the rules settle, the judge does not overturn
    assert judge(9.0).judge(read("Java", ["JavaScript"]))[0] == "gap"


def test_it_saves_and_loads_a_judge_and_refuses_a_broken_file(tmp_path):
    path = tmp_path / "coverage.json"
    judge(1.0).save(path)
    loaded = CoverageJudge.load(path)
    assert loaded.labels == ("covered", "partly", "not") and np.allclose(loaded.bias, judge(1.0).bias)
    data = json.loads(path.read_text())
    data["labels"] = ["covered", "maybe", "not"]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="labels"):
        CoverageJudge.load(path)
    data["labels"], data["weights"] = ["covered", "partly", "not"], [[0.0, 0.0, 0.0]]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="do not fit"):
        CoverageJudge.load(path)


class Near:
    """Every text at cosine 0.5 from every other: nearest neighbours, never paraphrases."""

    model_id = "near"

    def encode(self, texts):  # type: ignore[no-untyped-def]
        vectors = np.zeros((len(texts), 4), dtype=np.float32)
        vectors[:, 0] = np.sqrt(0.5)
        for i, text in enumerate(texts):
            vectors[i, 1 + len(text) % 3] = np.sqrt(0.5)
        return vectors


def match(resume_rows: list[str], job_rows: list[str], with_judge: CoverageJudge | None):  # type: ignore[no-untyped-def]
    encoder = Near()
    resume = [FactRef(i, "resume", "experience", t, i) for i, t in enumerate(resume_rows)]
    job = [FactRef(100 + i, "job", "requirements", t, i) for i, t in enumerate(job_rows)]
    selector = KnowledgeSelector(encoder, SelectorConfig(), with_judge)  # type: ignore[arg-type]
    return selector.match(FactSet(resume, encoder.encode(resume_rows)), FactSet(job, encoder.encode(job_rows)))


def test_the_match_applies_the_judge_with_evidence_and_keeps_the_rules_settled_verdicts():
    resume = ["Resolved production incidents in the billing system every week", "Wrote Python services"]
    job = ["Keep our services healthy by finding and fixing their bugs", "Java"]
    alone = match(resume, job, None)
    assert [i.status for i in alone.items] == ["gap", "gap"]
    judged = match(resume, job, judge(3.0, width=4))
    duty, java = judged.items
    assert duty.status == "covered" and duty.evidence is not None and duty.why == ""
    assert java.status == "gap" and java.evidence is None  # "Java" is settled by the rules
    assert judged.coverage > alone.coverage
    doubted = match(resume, job, judge(-3.0, width=4))
    assert all(i.is_gap for i in doubted.items)


def write_training_data(tmp_path: Path) -> train_coverage.CoverageArguments:
    """Five resumes (one the test set), each judged on requirements it shows and ones it does not."""
    resumes = tmp_path / "resumes"
    resumes.mkdir()
    rows = []
    for n in range(5):
        name = f"r{n}.md"
        (resumes / name).write_text(
            "Jo Doe\n\nExperience\n- Fixed production bugs in the billing service\n"
            "- Taught evening classes in statistics\n\nSkills\n- Python, SQL\n"
        )
        rows += [
            {"resume": name, "job": "j", "requirement": "Correct software defects in production", "label": "covered"},
            {"resume": name, "job": "j", "requirement": "Teach statistics to adults", "label": "partly"},
            {"resume": name, "job": "j", "requirement": "Negotiate supplier contracts", "label": "not"},
            {"resume": name, "job": "j", "requirement": "Lead a team of nurses on night shifts", "label": "not"},
            {"resume": name, "job": "j", "requirement": "Our company was founded in 1990", "label": "na"},
        ]
    judgements = tmp_path / "coverage.jsonl"
    judgements.write_text("\n".join(json.dumps(r) for r in rows))
    more = tmp_path / "more_resumes"
    more.mkdir()
    return train_coverage.CoverageArguments(
        output=tmp_path / "judge.json", judgements=judgements, resumes=resumes, more_resumes=more
    )


def test_it_trains_measures_on_held_back_resumes_and_saves_a_judge(tmp_path):
    arguments = write_training_data(tmp_path)
    metrics = train_coverage.main(arguments, HashingEncoder(), log=lambda *_: None)
    assert metrics["test_resumes"] == 1 and metrics["test_judgements"] == 4  # "na" is left out
    assert metrics["left_to_the_model"] == 20
    loaded = CoverageJudge.load(arguments.output)
    assert loaded.encoder_id == HashingEncoder().model_id and set(loaded.labels) == {"covered", "partly", "not"}


def test_a_resume_written_for_training_only_is_read_from_its_own_folder(tmp_path):
    arguments = write_training_data(tmp_path)
    (arguments.resumes / "r4.md").rename(arguments.more_resumes / "r4.md")
    metrics = train_coverage.main(arguments, HashingEncoder(), log=lambda *_: None)
    assert metrics["test_resumes"] == 1 and metrics["test_judgements"] == 4  # r4.md, found in the other folder


def test_it_refuses_training_labels_it_does_not_know(tmp_path):
    arguments = write_training_data(tmp_path)
    arguments.judgements.write_text(json.dumps({"resume": "r0.md", "job": "j", "requirement": "x", "label": "maybe"}))
    with pytest.raises(ValueError, match="unknown label"):
        train_coverage.main(arguments, HashingEncoder(), log=lambda *_: None)


def test_the_shipped_training_data_names_resumes_that_are_there_and_known_labels():
    rows = [json.loads(line) for line in (ROOT / "training" / "data" / "coverage.jsonl").read_text().splitlines()]
    assert len(rows) > 1000 and {r["label"] for r in rows} <= {"covered", "partly", "not", "na"}
    folders = (ROOT / "fixtures" / "resumes", ROOT / "training" / "data" / "resumes")
    assert all(any((folder / r["resume"]).is_file() for folder in folders) for r in rows)


@pytest.mark.real_models
def test_the_shipped_judge_credits_other_words_and_not_a_neighbour():
    from interviewer.encoders import SentenceTransformerEncoder
    from interviewer.serving.weights import PACKAGED_ENCODER_ID, packaged_encoder_dir

    shipped = CoverageJudge.load(ROOT / "models" / "coverage" / "coverage.json")
    assert shipped.encoder_id == PACKAGED_ENCODER_ID
    encoder = SentenceTransformerEncoder(packaged_encoder_dir(), model_id=PACKAGED_ENCODER_ID)
    resume = [
        "Wrote unit tests in pytest for every new feature",
        "Presented quarterly results to the leadership team",
        "Python, Django, PostgreSQL",
    ]
    job = ["Present findings to senior stakeholders", "Negotiate contracts with suppliers"]
    resume_set = FactSet(
        [FactRef(i, "resume", "experience", t, i) for i, t in enumerate(resume)], encoder.encode(resume)
    )
    job_set = FactSet([FactRef(9 + i, "job", "requirements", t, i) for i, t in enumerate(job)], encoder.encode(job))
    items = KnowledgeSelector(encoder, SelectorConfig(), shipped).match(resume_set, job_set).items
    assert items[0].status in ("covered", "partly") and items[0].evidence.text.startswith("Presented quarterly")
    assert items[1].status == "gap"


@pytest.mark.django_db
def test_train_coverage_refuses_the_test_encoder(settings):
    from django.core.management import CommandError, call_command

    settings.FAKE_MODELS = True
    with pytest.raises(CommandError, match="FAKE_MODELS=1"):
        call_command("train_coverage")


def test_an_interviews_plan_follows_the_rules_match_not_the_judges():
    """Judged blind (r27), plans on the learned judge's match were worse: the plan keeps the rules'."""
    encoder = Near()
    resume_rows = ["Resolved production incidents in the billing system every week", "Wrote Python services"]
    job_rows = ["Keep our services healthy by finding and fixing their bugs"]
    resume = FactSet(
        [FactRef(i, "resume", "experience", t, i) for i, t in enumerate(resume_rows)], encoder.encode(resume_rows)
    )
    job = FactSet([FactRef(100, "job", "requirements", job_rows[0], 0)], encoder.encode(job_rows))
    selector = KnowledgeSelector(encoder, SelectorConfig(), judge(3.0, width=4))  # type: ignore[arg-type]
    assert selector.match(resume, job).items[0].status == "covered"
    assert selector.match(resume, job, learned=False).items[0].status == "gap"
    probes = {s.fact.id: s.reason for s in selector.plan(resume, job, turns=3)}
    assert probes[100] == Reason.GAP


@pytest.mark.django_db
def test_train_coverage_asks_where_to_save_when_the_judge_is_off(settings):
    from django.core.management import CommandError, call_command

    settings.FAKE_MODELS, settings.COVERAGE_PATH = False, "off"
    with pytest.raises(CommandError, match="--output"):
        call_command("train_coverage")


def test_a_judgement_naming_a_resume_that_is_not_there_is_an_error(tmp_path):
    arguments = write_training_data(tmp_path)
    (arguments.resumes / "r0.md").unlink()
    with pytest.raises(OSError):
        train_coverage.main(arguments, HashingEncoder(), log=lambda *_: None)
