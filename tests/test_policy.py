"""The interview plan (interviewer.dialog.policy)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from interviewer.dialog.answers import Line, Reply
from interviewer.dialog.policy import (
    MAX_INVITATIONS,
    MAX_QUESTIONS,
    InterviewPolicy,
    InterviewSettings,
    PastTurn,
    TurnPlan,
    for_kind,
)
from interviewer.matching.selector import FactRef, Selection
from interviewer.vocabulary import PROBES, Act, InterviewKind, Reason

BEHAVIORAL, CANDIDATE_QUESTIONS, CLOSING, FOLLOW_UP = (
    Act.BEHAVIORAL,
    Act.CANDIDATE_QUESTIONS,
    Act.CLOSING,
    Act.FOLLOW_UP,
)
DEEP_DIVE, REQUIREMENT, GAP_PROBE, OPENING = Act.RESUME_DEEP_DIVE, Act.REQUIREMENT_PROBE, Act.GAP_PROBE, Act.OPENING
GAP, HIGHLIGHT, STRONG_MATCH, FOLLOW_UP_REASON = Reason.GAP, Reason.HIGHLIGHT, Reason.STRONG_MATCH, Reason.ANSWER_LINK


def resume_fact(fact_id: int, text: str) -> FactRef:
    return FactRef(fact_id, "resume", "experience", text, fact_id)


def job_fact(fact_id: int, text: str) -> FactRef:
    return FactRef(fact_id, "job", "requirements", text, fact_id)


def highlight(fact_id: int) -> Selection:
    return Selection(resume_fact(fact_id, f"Shipped project number {fact_id}"), 0.9, HIGHLIGHT)


def strong(fact_id: int) -> Selection:
    evidence = resume_fact(100 + fact_id, f"Evidence for requirement {fact_id}")
    return Selection(job_fact(fact_id, f"Requirement number {fact_id}"), 0.8, STRONG_MATCH, evidence)


def gap(fact_id: int) -> Selection:
    return Selection(job_fact(fact_id, f"Missing requirement {fact_id}"), 0.7, GAP)


def plan_of(n: int) -> list[Selection]:
    """n selections cycling highlight, strong match, gap (ids 1..n)."""
    makers = (highlight, strong, gap)
    return [makers[i % 3](i + 1) for i in range(n)]


def asked(plan: TurnPlan, text: str = "A question?") -> PastTurn:
    """The interviewer turn as interviews.prepare_next reads it back: fact and evidence ids."""
    ids: list[int] = []
    for s in plan.selections:
        ids.append(s.fact.id)
        if s.evidence is not None:
            ids.append(s.evidence.id)
    return PastTurn("interviewer", text, plan.act, tuple(ids))


def answered(text: str = "A full answer with a concrete example.") -> PastTurn:
    return PastTurn("candidate", text)


def run(policy: InterviewPolicy, turns: int, **kwargs) -> tuple[list[TurnPlan], list[PastTurn]]:  # type: ignore[no-untyped-def]
    """Ask ``turns`` interviewer turns, each answered; returns the plans and the dialog."""
    dialog: list[PastTurn] = []
    plans = []
    for _ in range(turns):
        plan = policy.next_turn(dialog, **kwargs)
        plans.append(plan)
        if plan.done:
            break
        dialog += [asked(plan), answered()]
    return plans, dialog


# ---------------------------------------------------------------------------
# The order of acts


def test_it_opens_the_interview_grounded_on_the_first_planned_fact():
    plan = plan_of(4)

    first = InterviewPolicy(InterviewSettings(), plan).next_turn([])

    assert first == TurnPlan(OPENING, "opening the interview", (plan[0],))


def test_it_opens_without_grounding_when_there_is_no_plan():
    assert InterviewPolicy(InterviewSettings()).next_turn([]) == TurnPlan(OPENING, "opening the interview", ())


def test_it_maps_plan_reasons_to_acts():
    plan = [highlight(1), highlight(2), strong(3), gap(4)]
    policy = InterviewPolicy(InterviewSettings(questions=8, kind="technical"), plan)

    plans, _ = run(policy, 4)

    assert [(p.act, p.selections) for p in plans] == [
        (OPENING, (plan[0],)),
        (DEEP_DIVE, (plan[1],)),
        (REQUIREMENT, (plan[2],)),
        (GAP_PROBE, (plan[3],)),
    ]
    assert [p.reason for p in plans[1:]] == [
        "resume highlight relevant to the job",
        "job requirement with matching resume evidence",
        "job requirement with no evidence in the resume",
    ]


def test_it_refuses_a_plan_entry_with_an_unknown_reason():
    odd = Selection(job_fact(7, "Requirement with an odd reason"), 0.5, "something_else")
    policy = InterviewPolicy(InterviewSettings(kind="technical"), [highlight(1), odd])

    with pytest.raises(ValueError, match="something_else"):
        run(policy, 2)


def test_it_inserts_a_behavioral_question_every_third_probe_in_a_mixed_interview():
    policy = InterviewPolicy(InterviewSettings(questions=12, kind="mixed"), plan_of(12))

    plans, _ = run(policy, 10)

    acts = [p.act for p in plans]
    assert acts[0] == OPENING
    assert [a == BEHAVIORAL for a in acts[1:]] == [False, False, True] * 3
    assert all(a in PROBES for a in acts[1:] if a != BEHAVIORAL)


def test_it_grounds_a_mixed_behavioral_question_on_an_unused_resume_highlight():
    policy = InterviewPolicy(InterviewSettings(questions=12, kind="mixed"), plan_of(12))

    plans, _ = run(policy, 4)

    behavioral = plans[3]
    assert behavioral.act == BEHAVIORAL
    assert behavioral.reason == "behavioral question on a resume highlight"
    (pick,) = behavioral.selections
    assert pick.reason == HIGHLIGHT
    earlier = {s.fact.id for p in plans[:3] for s in p.selections}
    assert pick.fact.id not in earlier


def test_it_asks_only_behavioral_questions_in_a_behavioral_interview():
    plan = [highlight(1), strong(2), highlight(3), gap(4)]
    policy = InterviewPolicy(InterviewSettings(questions=8, kind="behavioral"), plan)

    plans, _ = run(policy, 6)

    assert [p.act for p in plans] == [OPENING] + [BEHAVIORAL] * 5
    # Highlights first, then the resume line backing a requirement (asked on the requirement's job line,
    # the question presumed the role's work), then a requirement the resume covers, never a gap (a
    # behavioral question on one credits the candidate with the role's work), then no grounding at all.
    backing = replace(plan[1], fact=plan[1].evidence, evidence=None, reason=HIGHLIGHT)
    assert [p.selections for p in plans[1:]] == [(plan[2],), (backing,), (plan[1],), (), ()]
    assert plans[-1].reason == "behavioral question"


def test_it_falls_back_to_behavioral_questions_when_the_plan_is_exhausted():
    policy = InterviewPolicy(InterviewSettings(questions=8, kind="technical"), [highlight(1), strong(2)])

    plans, _ = run(policy, 4)

    assert [p.act for p in plans] == [OPENING, REQUIREMENT, BEHAVIORAL, BEHAVIORAL]
    assert plans[2] == TurnPlan(BEHAVIORAL, "plan exhausted: behavioral question")


def test_it_does_not_plan_a_fact_already_used_again():
    plan = [highlight(1), strong(2), gap(3), highlight(4)]
    policy = InterviewPolicy(InterviewSettings(kind="technical"), plan)
    # A follow-up already probed fact 3 (the gap): the plan skips it.
    dialog = [
        asked(TurnPlan(OPENING, "", (plan[0],))),
        answered(),
        PastTurn("interviewer", "Tell me more?", FOLLOW_UP, (3,)),
        answered(),
    ]

    first = policy.next_turn(dialog)
    dialog += [asked(first), answered()]
    second = policy.next_turn(dialog)

    assert first.selections == (plan[1],)
    assert second.selections == (plan[3],)


# ---------------------------------------------------------------------------
# Follow-ups


def after_first_probe(policy):  # type: ignore[no-untyped-def]
    """Opening answered, first probe asked and answered weakly."""
    dialog = [asked(policy.next_turn([])), answered()]
    return dialog + [asked(policy.next_turn(dialog)), answered("Some stuff.")]


def test_it_does_not_follow_up_on_the_warm_up_answer():
    policy = InterviewPolicy(InterviewSettings(kind="technical"), plan_of(6))
    dialog = [asked(policy.next_turn([])), answered("Some stuff.")]

    assert policy.next_turn(dialog, needs_follow_up="a short answer").act in PROBES


def test_it_follows_up_on_a_weak_answer_with_the_selectors_facts():
    policy = InterviewPolicy(InterviewSettings(kind="technical"), plan_of(6))
    dialog = after_first_probe(policy)
    facts = [Selection(resume_fact(50 + i, f"Related fact {i}"), 1.2, FOLLOW_UP_REASON) for i in range(3)]

    plan = policy.next_turn(dialog, needs_follow_up="a short answer", follow_up_facts=facts)

    assert plan == TurnPlan(FOLLOW_UP, "follow-up on a short answer", tuple(facts[:2]))


def test_it_never_asks_two_follow_ups_in_a_row():
    policy = InterviewPolicy(InterviewSettings(kind="technical"), plan_of(6))
    dialog = after_first_probe(policy)
    follow_up = policy.next_turn(dialog, needs_follow_up="a vague answer")
    dialog += [asked(follow_up), answered("Still vague, kind of.")]

    after = policy.next_turn(dialog, needs_follow_up="a vague answer")

    assert follow_up.act == FOLLOW_UP
    assert after.act in PROBES


def test_it_follows_up_only_after_a_candidate_turn():
    policy = InterviewPolicy(InterviewSettings(kind="technical"), plan_of(6))
    dialog = [asked(policy.next_turn([]))]

    plan = policy.next_turn(dialog, needs_follow_up="a short answer")

    assert plan.act != FOLLOW_UP


def test_it_does_not_follow_up_without_a_reason():
    policy = InterviewPolicy(InterviewSettings(kind="technical"), plan_of(6))
    dialog = [asked(policy.next_turn([])), answered()]

    assert policy.next_turn(dialog, needs_follow_up="").act in PROBES


# ---------------------------------------------------------------------------
# Length and the end


def test_it_invites_questions_then_closes_after_the_question_count():
    policy = InterviewPolicy(InterviewSettings(questions=3, kind="technical"), plan_of(6))

    plans, _ = run(policy, 10)

    assert [p.act for p in plans] == [OPENING, REQUIREMENT, GAP_PROBE, CANDIDATE_QUESTIONS, CLOSING, CLOSING]
    assert plans[3].reason == "3 questions asked: inviting the candidate's questions"
    assert plans[4] == TurnPlan(CLOSING, "closing after the candidate's questions")
    assert plans[5].done and not any(p.done for p in plans[:5])


def test_it_does_not_count_follow_ups_as_questions():
    policy = InterviewPolicy(InterviewSettings(questions=3, kind="technical"), plan_of(6))
    dialog: list[PastTurn] = []
    acts = []
    for _ in range(4):
        plan = policy.next_turn(dialog, needs_follow_up="a short answer")
        acts.append(plan.act)
        dialog += [asked(plan), answered("Yes.")]

    assert acts == [OPENING, REQUIREMENT, FOLLOW_UP, GAP_PROBE]
    # Three counted questions: the length wins over one more follow-up.
    assert policy.next_turn(dialog, needs_follow_up="a short answer").act == CANDIDATE_QUESTIONS


def test_it_uses_elapsed_time_in_a_timed_interview():
    policy = InterviewPolicy(InterviewSettings(questions=2, minutes=10, kind="technical"), plan_of(6))
    dialog = [asked(policy.next_turn([])), answered()]
    for _ in range(3):  # more than `questions`: the clock decides, not the count
        plan = policy.next_turn(dialog, elapsed_s=599)
        dialog += [asked(plan), answered()]
        assert plan.act in PROBES

    late = policy.next_turn(dialog, elapsed_s=600)

    assert late == TurnPlan(CANDIDATE_QUESTIONS, "time is up: inviting the candidate's questions")


def test_it_stops_a_timed_interview_at_the_question_cap():
    policy = InterviewPolicy(InterviewSettings(minutes=120, kind="technical"), plan_of(3))
    dialog: list[PastTurn] = []
    for _ in range(MAX_QUESTIONS):
        plan = policy.next_turn(dialog, elapsed_s=1)
        assert plan.act != CANDIDATE_QUESTIONS
        dialog += [asked(plan), answered()]

    assert policy.next_turn(dialog, elapsed_s=1).act == CANDIDATE_QUESTIONS


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "casual"}, "kind must be one of mixed, technical, behavioral"),
        ({"questions": 1}, "questions must be between 2 and 30"),
        ({"questions": 31}, "questions must be between 2 and 30"),
        ({"minutes": 0.5}, "minutes must be between 1 and 120"),
        ({"minutes": 121}, "minutes must be between 1 and 120"),
    ],
)
def test_it_rejects_invalid_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        InterviewSettings(**kwargs)


def test_it_accepts_the_boundaries_of_the_settings():
    assert InterviewSettings(questions=2).questions == 2
    assert InterviewSettings(questions=30, minutes=120, kind="behavioral").minutes == 120
    assert InterviewSettings(minutes=1).minutes == 1


def _invited(policy: InterviewPolicy) -> list[PastTurn]:
    """An interview of three questions up to the candidate's reply to the invitation to ask."""
    dialog: list[PastTurn] = []
    for _ in range(4):
        plan = policy.next_turn(dialog)
        dialog += [asked(plan), answered("Is the role remote?")]
    assert dialog[-2].act == CANDIDATE_QUESTIONS
    return dialog


def test_it_answers_the_candidates_questions_and_invites_more_before_closing():
    policy = InterviewPolicy(InterviewSettings(questions=3, kind="technical"), plan_of(6))
    dialog = _invited(policy)
    line = Line("Fully remote, with a team week each quarter.", "benefits", "benefits", 41)
    replies = (Reply("Is the role remote?", (line,), 0.5),)

    answering = policy.next_turn(dialog, replies=replies)

    assert answering.act == CANDIDATE_QUESTIONS and answering.replies == replies
    assert answering.reason == "answering the candidate's questions"
    assert [(s.fact.id, s.fact.text, s.reason) for s in answering.selections] == [(41, line.text, Reason.ANSWERED)]
    # No more questions: the closing, which answers nothing.
    dialog += [asked(answering), answered("No, that's everything, thank you.")]
    assert policy.next_turn(dialog) == TurnPlan(CLOSING, "closing after the candidate's questions")


def test_it_closes_with_the_answers_once_the_candidate_has_been_invited_three_times():
    policy = InterviewPolicy(InterviewSettings(questions=3, kind="technical"), plan_of(6))
    dialog = _invited(policy)
    replies = (Reply("Is there a bonus?"),)  # a question the posting does not answer
    for _ in range(MAX_INVITATIONS - 1):
        plan = policy.next_turn(dialog, replies=replies)
        assert plan.act == CANDIDATE_QUESTIONS and plan.selections == ()
        dialog += [asked(plan), answered("Is there a bonus?")]

    last = policy.next_turn(dialog, replies=replies)

    assert last.act == CLOSING and last.replies == replies and not last.done
    dialog += [asked(last), answered("Thanks")]
    assert policy.next_turn(dialog).done


def _duty(fact_id: int) -> Selection:
    return Selection(
        FactRef(fact_id, "job", "responsibilities", f"Duty {fact_id}", fact_id, kind="responsibility"), 0.5, GAP
    )


def test_a_role_specific_interview_asks_the_postings_duties_first_and_no_behavioral_question():
    plan = [*plan_of(4), _duty(11), _duty(12)]

    assert [s.fact.id for s in for_kind(plan, InterviewKind.ROLE, 5)] == [11, 12, 1, 2, 3]
    assert for_kind(plan, InterviewKind.MIXED, 5) == plan[:5]  # every other kind keeps the plan's order
    policy = InterviewPolicy(InterviewSettings(questions=6, kind="role"), for_kind(plan, InterviewKind.ROLE, 6))
    plans, _ = run(policy, 6)
    assert BEHAVIORAL not in [p.act for p in plans]
    assert [p.selections[0].fact.id for p in plans[:3]] == [11, 12, 1]
