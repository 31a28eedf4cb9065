"""How a probe is worded for what its requirement is: a plus is never stated as required, a bare
skill is stated by the code, a resume line is named only where it plainly backs the requirement,
and a question never presumes the candidate has done what the role asks."""

from __future__ import annotations

import re

import pytest

from interviewer.dialog import prompt
from interviewer.dialog.gate import Gate, tail
from interviewer.dialog.inputs import GroundingFact, PromptInputs
from interviewer.dialog.ranker import RankContext
from interviewer.dialog.templates import template_question, topic
from interviewer.encoders import HashingEncoder
from interviewer.matching import coverage
from interviewer.matching.selector import FactRef, ResumeEvidence, Selection
from interviewer.vocabulary import Act, Reason
from tests.test_gate import KNOWN


@pytest.mark.parametrize(
    ("requirement", "section", "preferred"),
    [
        ("A degree in statistics preferred", "requirements", True),
        ("Experience with Looker or a similar BI tool is a plus.", "requirements", True),
        ("Prior experience in a veterinary clinic is desired", "", True),
        ("Experience with Looker", "nice_to_have", True),
        ("At least 2 years in site acquisition", "requirements", False),
        ("Must be able to work weekends", "", False),
    ],
)
def test_it_tells_a_plus_from_a_requirement(requirement, section, preferred):
    assert prompt.is_preferred(requirement, section) is preferred


def test_a_plus_starts_as_a_plus_and_its_task_quotes_it_without_the_word():
    start = prompt.prefix(Act.GAP_PROBE, 4, "", 0, "A degree in statistics preferred")
    assert start == prompt.PREFERRED_PREFIX
    task = prompt.task_message("Analyst", "", Act.GAP_PROBE, ["A degree in statistics preferred"], [])
    assert "preferred, not required" in task and task.endswith(': "A degree in statistics"')
    assert prompt.without_preference("Looker experience is a plus.") == "Looker experience"
    shown = prompt.example_messages(
        Act.REQUIREMENT_PROBE, prompt.situation(Act.REQUIREMENT_PROBE, ["SQL is a plus"], [], "")
    )
    assert shown[-1]["content"].startswith(prompt.PREFERRED_PREFIX)  # the plus example, shared by both probes


def test_a_bare_skill_is_stated_by_the_code_and_a_sentence_is_left_to_the_model():
    assert prompt.prefix(Act.GAP_PROBE, 4, "", 0, "ElasticSearch") == "This role calls for ElasticSearch."
    assert prompt.prefix(Act.GAP_PROBE, 4, "", 0, "Google Analytics 4") == "This role calls for Google Analytics 4."
    for common in ("Developing new features", "Team player", "Agile practices"):
        assert prompt.prefix(Act.REQUIREMENT_PROBE, 4, "", 0, common) in prompt.PREFIXES[Act.REQUIREMENT_PROBE]
    assert prompt.prefix(Act.GAP_PROBE, 4, "", 0, "High school diploma") in prompt.PREFIXES[Act.GAP_PROBE]
    sentence = "Experience designing and operating gRPC services"
    assert prompt.prefix(Act.REQUIREMENT_PROBE, 4, "", 0, sentence) in prompt.PREFIXES[Act.REQUIREMENT_PROBE]
    inputs = PromptInputs("Developer", Act.GAP_PROBE, [GroundingFact("job", "C#")])
    assert prompt.requirement_of(inputs) == "C#"
    assert prompt.requirement_of(PromptInputs("Developer", Act.BEHAVIORAL, [GroundingFact("job", "C#")])) == ""


def test_the_code_stated_skill_passes_the_gate_and_a_refused_question_gets_the_acts_tail():
    gate = Gate(RankContext(Act.GAP_PROBE, ["Haskell"], targets=["Haskell"], known_words=KNOWN | {"haskell"}))
    start = prompt.prefix(Act.GAP_PROBE, 4, "", 0, "Haskell")
    assert gate.open(start) == start
    words, how = gate.outcome(
        gate.finish(start + " You built 40 Haskell services at Initech, right?", HashingEncoder())
    )
    assert (words, how) == (f"{start} {tail(Act.GAP_PROBE)}", "tail")


def test_a_refused_plus_is_completed_as_a_plus():
    fact = "Experience with Looker is a plus."
    gate = Gate(RankContext(Act.GAP_PROBE, [fact], targets=[fact], known_words=KNOWN | {"looker"}))
    gate.open(prompt.PREFERRED_PREFIX)
    words, how = gate.outcome(
        gate.finish(prompt.PREFERRED_PREFIX + " you, since you ran Looker for 9 years.", HashingEncoder())
    )
    assert how == "tail" and words.startswith(prompt.PREFERRED_PREFIX + " experience with Looker.")
    assert "requires" not in words and "9 years" not in words


def test_the_requirement_probes_own_question_presumes_nothing():
    assert "Where have you done that" not in tail(Act.REQUIREMENT_PROBE)
    neutral = prompt.task_message("Developer", "", Act.REQUIREMENT_PROBE, ["Knowledge of Agile practices"], [])
    assert "without assuming" in neutral and "resume line" not in neutral
    backed = prompt.task_message("Developer", "", Act.REQUIREMENT_PROBE, ["Java"], ["Java 8, Spring Boot"])
    assert backed.splitlines()[-1].startswith(f"Task: {prompt.EVIDENCE_TASK}")
    example = prompt.example_messages(Act.REQUIREMENT_PROBE, prompt.situation(Act.REQUIREMENT_PROBE, ["Agile"], [], ""))
    assert "your resume" not in example[-1]["content"]  # the example without a resume line names none


def test_a_behavioral_question_is_never_about_a_degree():
    task = prompt.task_message("Payroll Clerk", "", Act.BEHAVIORAL, ["High school degree or equivalent"], [])
    assert "situation this job brings" in task and "High school" not in task.splitlines()[-1]


@pytest.mark.parametrize(
    ("requirement", "evidence", "backs"),
    [
        ("Writing release notes", "wrote the release notes for every sprint", True),
        ("Java", "JAVA", True),
        ("Experience with message queues", "A message queue for order events (RabbitMQ)", True),
        (
            "Quotes delivery dates from the plant's production and shipping schedules",
            "Changed the pricing terms of insurance products",
            False,
        ),
        ("Expert in Go, Rust and Oracle 19c", "6 years in Python back-end and Rust tooling", False),
        (
            "Experience designing and operating gRPC services",
            "designing and operating warehouses, shift planning",
            False,
        ),
        # the names a requirement is about (a method, a tool) weigh more than the words around them
        ("Knowledge of Scrum ceremonies", "Scrum", True),
        ("Familiarity with Terraform modules", "Wrote Terraform for the staging stack", True),
        ("Knowledge of Scrum ceremonies", "Led the weekly ceremonies of the choir", False),
        ("Kotlin services for payments, fraud checks and ledgers", "Kotlin", False),  # a name among many words
        ("Strong accounting skills", "Master's in Accounting and Finance", False),  # a degree is no work done
    ],
)
def test_a_resume_line_backs_a_requirement_only_when_it_names_most_of_its_terms(requirement, evidence, backs):
    assert coverage.backs(requirement, evidence) is backs


def test_any_degree_meets_a_school_diploma():
    assert coverage.asks_school_only("Secondary school diploma or GED needed")
    assert not coverage.asks_school_only("High school diploma needed, a bachelor's welcome")
    degree = FactRef(1, "resume", "education", "Master of physics and computer science, 2016", 1)
    job = FactRef(9, "job", "requirements", "Secondary school diploma or equivalent", 1)
    item = ResumeEvidence(frozenset(), 0.0).judge(_gap(job), [degree])
    assert item.status == "covered" and item.evidence == degree
    none = ResumeEvidence(frozenset(), 0.0).judge(_gap(job), [FactRef(2, "resume", "skills", "Python, SQL", 2)])
    assert none.status == "gap"


def test_years_of_work_stand_in_for_a_degree_only_where_the_requirement_accepts_experience():
    work = FactRef(1, "resume", "experience", "Backend developer at a bank, 2015 - 2022", 1)
    accepts = FactRef(9, "job", "requirements", "Bachelor's degree in CS or equivalent practical experience", 1)
    strict = FactRef(10, "job", "requirements", "Bachelor's degree in CS", 2)
    seasoned, junior = ResumeEvidence(frozenset(), 7.0), ResumeEvidence(frozenset(), 2.0)
    item = seasoned.judge(_gap(accepts), [work])
    assert item.status == "partly" and item.evidence == work and "about 7 years" in item.why
    assert seasoned.judge(_gap(strict), [work]).status == "gap"
    assert junior.judge(_gap(accepts), [work]).status == "gap"


def _gap(requirement: FactRef):  # type: ignore[no-untyped-def]
    from interviewer.matching.selector import MatchItem

    return MatchItem(requirement, None, 0.1, 1.0)


def test_a_weak_resume_line_stays_on_the_turn_but_neither_the_model_nor_the_candidate_is_shown_it(users, monkeypatch):
    from tests.interview_helpers import start
    from webapp.documents.models import Fact
    from webapp.interviews import interviews

    session = start(users[0])
    job = Fact.objects.filter(job=session.job).first()
    resume = Fact.objects.filter(resume=session.resume).first()
    assert job is not None and resume is not None
    weak = Selection(
        FactRef(job.pk, "job", "requirements", "Quotes delivery dates from the plant's production schedules", 1),
        1.0,
        Reason.STRONG_MATCH,
        FactRef(resume.pk, "resume", "experience", "Changed the pricing terms of insurance products", 1),
    )
    session.settings["plan"] = [weak.as_dict()]
    session.save()
    monkeypatch.setattr(interviews.InterviewPolicy, "next_turn", lambda self, *a: _probe(weak))
    pending = interviews.plan_next(session.pk, 2)
    assert pending is not None
    assert [f.source for f in pending.inputs.facts] == ["job"]
    # kept, so that the line is not asked about later as if new; not shown under "Why this question?"
    # (nor to a judge): the turn was not grounded on it, and a question that ignores the resume line
    # shown beside it reads as ignoring the resume
    assert [(g["reason"], g.get("shown")) for g in pending.grounding()] == [("strong_match", None), ("evidence", False)]
    assert [g["reason"] for g in interviews.shown(pending.grounding())] == ["strong_match"]
    index = session.turns.count()
    turn = session.turns.create(index=index, role="interviewer", text="Q?", grounding=pending.grounding())
    assert [g["text"] for g in interviews.turn_payload(turn)["grounding"]] == [weak.fact.text]
    assert [g["text"] for g in interviews.transcript(session)["turns"][-1]["grounding"]] == [weak.fact.text]


def _probe(selection: Selection):  # type: ignore[no-untyped-def]
    from interviewer.dialog.policy import TurnPlan

    return TurnPlan(Act.REQUIREMENT_PROBE, "job requirement with matching resume evidence", (selection,))


@pytest.mark.parametrize(
    ("requirement", "degree", "meets"),
    [
        ("Bachelor's in software engineering or a similar field", "Master of software engineering, 2015", True),
        ("A bachelor's degree is a plus", "B.Sc. in Biology, 2012", True),
        ("BS in Computer Science", "B.Sc. in Biology, 2012", False),  # the field it names is not the resume's
        ("Associate or bachelor's degree in dental hygiene", "Diploma in Engineering", False),
        ("Master's degree in Finance", "Bachelor of Finance", False),  # below the level asked
        ("Bachelor's degree", "Skills: MS Office, Excel", False),  # Microsoft Office is no master's
    ],
)
def test_a_degree_is_met_by_one_at_least_as_high_in_the_field_it_names(requirement, degree, meets):
    assert coverage.degree_meets(requirement, degree) is meets


def test_a_degree_the_resume_shows_is_covered_and_never_probed():
    from interviewer.matching.selector import FactSet, KnowledgeSelector, SelectorConfig
    from tests.test_coverage import TODAY, SameVector

    encoder = SameVector()
    resume = [
        FactRef(1, "resume", "education", "Master of physics and computer science, 2016", 1),
        FactRef(2, "resume", "skills", "Python, Django, PostgreSQL", 2),
    ]
    job = [
        FactRef(101, "job", "requirements", "Bachelor's in physics or a similar field", 1),
        FactRef(102, "job", "requirements", "High school diploma or equivalent", 2),
        FactRef(103, "job", "requirements", "Kubernetes", 3),
    ]
    selector = KnowledgeSelector(encoder, SelectorConfig(gap_threshold=0.3, today=TODAY))  # type: ignore[arg-type]
    resume_set = FactSet(resume, encoder.encode([f.text for f in resume]))
    job_set = FactSet(job, encoder.encode([f.text for f in job]))
    report = selector.match(resume_set, job_set)
    status = {i.requirement.id: i.status for i in report.items}
    assert status[101] == "covered" and status[102] == "covered" and status[103] == "gap"
    probed = {s.fact.id for s in selector.select(resume_set, job_set, match=report, limit=10)}
    assert 103 in probed and not probed & {101, 102}


def test_a_tool_on_the_resume_is_asked_about_as_something_used():
    assert tail(Act.RESUME_DEEP_DIVE, "Figma") != tail(Act.RESUME_DEEP_DIVE, "Led the migration of billing to AWS")
    assert "own part" not in tail(Act.RESUME_DEEP_DIVE, "Figma")
    assert " it" not in tail(Act.FOLLOW_UP).split(":")[0]  # a vague quote has no "it" to own


def test_a_code_written_sentence_leaves_the_model_its_own_two():
    fact = "Salesforce"
    ctx = RankContext(
        Act.REQUIREMENT_PROBE,
        [fact, "Built Salesforce dashboards for the sales team"],
        targets=[fact],
        known_words=KNOWN | {"salesforce", "dashboards", "sales", "team"},
    )
    gate = Gate(ctx)
    start = prompt.prefix(Act.REQUIREMENT_PROBE, 4, "", 0, fact)
    assert start == "This role calls for Salesforce."
    gate.open(start)
    said = f"{start} Your resume mentions Salesforce dashboards for the sales team. How did you decide what those dashboards showed?"
    words, how = gate.outcome(gate.finish(said, HashingEncoder()))
    assert (words, how) == (said, "passed")


def test_a_refused_duty_is_completed_as_something_the_role_asks_you_to_do():
    duty = "Proven ability to plan weekly delivery routes, brief drivers and meet tight cut-off times."
    gate = Gate(RankContext(Act.GAP_PROBE, [duty], targets=[duty], known_words=KNOWN))
    gate.open("This role")
    words, how = gate.outcome(gate.finish("This role wants you at 9 sites.", HashingEncoder()))
    assert how == "tail" and words.startswith("This role asks you to plan weekly delivery routes")


def test_a_duty_starts_as_what_the_person_hired_would_do_and_is_completed_in_its_own_words():
    duty = "Reconcile supplier statements with the buyer after each delivery."
    start = prompt.prefix(Act.GAP_PROBE, 4, "", 0, duty)
    assert start == prompt.DUTY_PREFIX == "In this role, you would"  # not "This role reconciles ..."
    gate = Gate(RankContext(Act.GAP_PROBE, [duty], targets=[duty], known_words=KNOWN))
    gate.open(start)
    words, how = gate.outcome(gate.finish(f"{start} work at 9 clinics as Dr Globex.", HashingEncoder()))
    assert how == "tail" and words.startswith("In this role, you would reconcile supplier statements with the buyer")
    assert prompt.prefix(Act.GAP_PROBE, 4, "", 0, "Experience with Terraform in production") == "This role"
    mixed = "Schedule/brief/review the work of certified forklift drivers"
    assert tail(Act.GAP_PROBE, mixed) == tail(Act.GAP_PROBE)  # a duty, though it names a certification


@pytest.mark.parametrize(
    ("requirement", "start"),
    [
        ("Ten or more years in retail banking.", "This role asks for ten or more years in retail banking."),
        ("5+ years of experience with Terraform", "This role asks for 5+ years of experience with Terraform."),
        ("At least 3 years of SQL reporting", "This role asks for at least 3 years of SQL reporting."),
        ("3-5 years of Go", "This role asks for 3-5 years of Go."),
        ("Python, 3 years", "This role"),  # not a span of years first: the model states it
        ("Two years of Looker preferred", prompt.PREFERRED_PREFIX),  # a plus stays a plus
    ],
)
def test_a_span_of_years_is_stated_by_the_code_whole(requirement, start):
    assert prompt.prefix(Act.GAP_PROBE, 4, "", 0, requirement) == start
    known = KNOWN | set(re.findall(r"[a-z0-9]+", requirement.lower()))  # the posting's words, as served
    gate = Gate(RankContext(Act.GAP_PROBE, [requirement], targets=[requirement], known_words=known))
    if start.endswith("."):  # a whole sentence of the code's, shown at once; the model's question follows
        assert gate.open(start) == start and gate.given == 1


def test_a_probe_is_not_shown_the_roles_title_and_other_acts_are():
    for act in (Act.GAP_PROBE, Act.REQUIREMENT_PROBE):
        assert "Site Surveyor" not in prompt.task_message("Site Surveyor", "Acme", act, ["Meet deadlines"], [])
    for act in (Act.RESUME_DEEP_DIVE, Act.BEHAVIORAL, Act.OPENING):
        assert "Role: Site Surveyor at Acme" in prompt.task_message("Site Surveyor", "Acme", act, [], ["Led a team"])


def test_what_the_ideal_candidate_has_is_asked_about_as_a_plus():
    wish = "The ideal candidate will be calm under pressure and quick to learn new tools."
    assert prompt.is_preferred(wish) and prompt.prefix(Act.GAP_PROBE, 4, "", 0, wish) == prompt.PREFERRED_PREFIX
    assert prompt.without_preference(wish) == "someone calm under pressure and quick to learn new tools."
    assert prompt.without_preference("The ideal candidate has three years of payroll experience.").startswith("three")


@pytest.mark.parametrize(
    ("requirement", "quality"),
    [
        ("Keeps every stock count accurate to the last box", True),
        ("A self-starter who keeps a steady work ethic", True),
        ("Works well with others on a busy warehouse floor", True),
        ("Working effectively in a team of four planners", True),
        ("A clear communicator with drivers and dispatchers", True),
        ("Experience with Kubernetes and Terraform in production", False),
        ("Prepare monthly balance sheet reconciliations", False),
        ("Bachelor's in bookkeeping or finance; CPA a plus", False),
    ],
)
def test_it_tells_a_personal_quality_from_a_skill(requirement, quality):
    assert prompt.is_quality(requirement) is quality


def test_a_personal_quality_is_asked_about_as_a_time_the_work_called_for_it():
    requirement = "Precision and accuracy are how our team works."
    task = prompt.task_message("Analyst", "", Act.GAP_PROBE, [requirement], [])
    assert task.startswith(f"Job requirement: {requirement}") and prompt.QUALITY_TASK in task
    assert prompt.situation(Act.GAP_PROBE, [requirement], [], "") == "quality"
    example = prompt.example_messages(Act.GAP_PROBE, "quality")[-1]["content"]
    assert example.endswith("Can you tell me about a time your work called for that?")  # not "what experience"


def test_a_span_of_years_is_asked_as_how_many_years_and_in_what_roles_not_what_experience():
    requirement = "Six or more years in hospital pharmacy."
    task = prompt.task_message("Pharmacist", "", Act.GAP_PROBE, [requirement], [])
    assert prompt.TENURE_TASK in task and prompt.situation(Act.GAP_PROBE, [requirement], [], "") == "tenure"
    example = prompt.example_messages(Act.GAP_PROBE, "tenure")[-1]["content"]
    assert "How many years, if any," in example and "What experience" not in example
    licensed = "Five years as a licensed electrician."  # a condition, held or not: asked plainly
    assert prompt.CONDITION_TASK in prompt.task_message("Electrician", "", Act.GAP_PROBE, [licensed], [])


def test_work_done_at_college_is_a_qualification_asked_plainly_not_a_duty_of_the_role():
    studied = "In college, have run experiments in a chemistry lab."
    assert prompt.is_condition(studied) and not prompt.is_condition("Run experiments in our chemistry lab.")
    assert not prompt.is_condition("A background in statistics, in college or at work.")  # the skill is asked
    assert prompt.CONDITION_TASK in prompt.task_message("Lab Technician", "", Act.REQUIREMENT_PROBE, [studied], [])


def test_a_must_is_read_to_the_model_as_what_the_person_hired_needs_not_the_roles_own_act():
    task = prompt.task_message("Developer", "", Act.GAP_PROBE, ["Must know how to tune slow SQL queries"], [])
    assert 'The person hired needs to know how to tune slow SQL queries"' in task
    kept = prompt.task_message("Driver", "", Act.GAP_PROBE, ["Must be able to lift 50 pounds"], [])
    assert '"Must be able to lift 50 pounds"' in kept  # a condition keeps its own words


def test_a_personal_quality_ends_on_a_time_the_work_called_for_it_when_the_code_ends_or_writes_the_turn():
    requirement = "Precision and accuracy are how our team works."
    assert tail(Act.GAP_PROBE, requirement) == "Can you tell me about a time your work called for that?"
    assert tail(Act.GAP_PROBE, "Experience with Terraform") == "What experience do you have with that, if any?"
    whole = template_question(Act.GAP_PROBE, [requirement], "Clerk", [])
    assert whole == "This role needs precision and accuracy. Can you tell me about a time your work called for that?"


def test_a_refused_statement_of_a_quality_is_completed_as_what_the_role_needs():
    requirement = "Precision and accuracy are how our team works."
    gate = Gate(RankContext(Act.GAP_PROBE, [requirement], targets=[requirement], known_words=KNOWN))
    gate.open("This role")
    words, how = gate.outcome(gate.finish("This role is the best in the world at 99% accuracy.", HashingEncoder()))
    assert how == "tail"
    assert words == "This role needs precision and accuracy. Can you tell me about a time your work called for that?"


def test_working_is_a_lead_in_only_before_knowledge_or_experience():
    assert topic("Working knowledge of SAP") == "SAP"
    assert topic("working closely with the night shift crews").startswith("working closely")
