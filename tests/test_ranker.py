"""The ranker picks grounded, fitting, new words, and refuses the rest; exemplars are retrieved by act."""

from __future__ import annotations

import dataclasses

import pytest

from interviewer.dialog import ranker
from interviewer.dialog.exemplars import Exemplar, ExemplarBank
from interviewer.dialog.ranker import RankContext
from interviewer.encoders import HashingEncoder
from interviewer.text import made_up
from interviewer.vocabulary import Act

ENCODER = HashingEncoder()
FACT = "Production PostgreSQL database experience, including replication and backups"
PROBE = RankContext(act=Act.REQUIREMENT_PROBE, facts=[FACT], asked=["Tell me about your background?"])


def reasons(text: str, ctx: RankContext = PROBE, logprob: float = -1.0) -> list[str]:
    return ranker.rank([(text, logprob)], ctx, ENCODER)[0].reasons


def test_it_prefers_a_grounded_question_over_a_generic_one():
    candidates = [("What motivates you at work?", -0.5), ("How have you handled PostgreSQL replication?", -1.2)]
    chosen, passed = ranker.best(candidates, PROBE, ENCODER)
    assert chosen is not None and "PostgreSQL" in chosen.text
    assert passed == 1


def test_it_refuses_instruction_recitals_and_assistant_talk():
    assert "restates the instructions" in reasons(
        "You're the interviewer for the role. Stage: requirement_probe. Ask about PostgreSQL backups?"
    )
    assert reasons("As an AI language model, how can I help with PostgreSQL?") == ["unusable"]
    closing = RankContext(act=Act.CLOSING, asked=["Any questions?"])
    assert "restates the instructions" in reasons("That's a good answer. Thank the candidate and close.", closing)
    assert "restates the instructions" in reasons(
        "We worked with the same approach as this candidate. How have you run PostgreSQL backups?"
    )
    assert "restates the instructions" in reasons(
        "Ask one follow-up question about their last answer: how did the PostgreSQL replication go?"
    )
    follow_up = RankContext(act=Act.FOLLOW_UP, last_answer="I tuned PostgreSQL replication.", asked=["Hi?"])
    assert "restates the instructions" in reasons("What about PostgreSQL replication: your part, a number?", follow_up)


def test_it_refuses_words_that_echo_an_answer():
    answer = "I'm not sure, it depends on the situation. I have done some of that, kind of."
    closing = RankContext(act=Act.CLOSING, last_answer=answer, asked=["Any questions?"])
    echo = "I'm not sure, it depends on the situation. Thank you for your time."
    assert "echoes the answer" in reasons(echo, closing)
    earlier = RankContext(act=Act.CLOSING, last_answer="How big is the team?", answers=[answer], asked=["Any?"])
    assert "echoes the answer" in reasons(echo, earlier)  # an earlier answer, not only the last
    follow_up = RankContext(act=Act.FOLLOW_UP, last_answer="We moved the billing service to Kubernetes in six months.")
    assert reasons("You moved the billing service to Kubernetes: what was your own part?", follow_up) == []


def test_an_invitation_of_the_candidates_questions_invites_them():
    ctx = RankContext(act=Act.CANDIDATE_QUESTIONS, last_answer="I led the PostgreSQL upgrade.", asked=["Hi?"])
    assert "does not invite questions" in reasons("Where would you start for a director of web development?", ctx)
    assert "does not invite questions" in reasons(
        'How do you answer a question like that from a team: "What about your role, and what would you say?"', ctx
    )
    for invitation in (
        "What would you like to know about the team or the role?",
        "We're nearly at time. What questions do you have for me?",
        "Before we wrap up, is there anything you'd like to ask about how we work?",
    ):
        assert reasons(invitation, ctx) == [], invitation


def test_it_refuses_a_probe_that_copies_more_than_twelve_words_of_the_fact():
    fact = "Run and tune production PostgreSQL databases with streaming replication, point in time recovery and nightly backups"
    ctx = RankContext(act=Act.REQUIREMENT_PROBE, facts=[fact])
    assert "copies the fact" in reasons(f"Can you {fact.lower()}?", ctx)
    assert reasons("How have you tuned PostgreSQL streaming replication and recovery?", ctx) == []


def test_a_requirement_probe_must_name_the_requirement_not_only_its_resume_evidence():
    evidence = "Migrated the billing ledger from MySQL to a managed cloud database"
    ctx = RankContext(act=Act.REQUIREMENT_PROBE, facts=[FACT, evidence], targets=[FACT])
    assert "does not name the fact" in reasons("What did you learn when you migrated the billing ledger?", ctx)
    assert reasons("How did you set up PostgreSQL replication after the billing migration?", ctx) == []
    # without targets every fact the prompt showed counts (the fixture dialogs' grounding)
    assert (
        reasons("What did you learn when you migrated the billing ledger?", dataclasses.replace(ctx, targets=None))
        == []
    )


def test_it_refuses_repeats_of_earlier_questions():
    ctx = RankContext(act=Act.REQUIREMENT_PROBE, facts=[FACT], asked=["How have you run PostgreSQL backups here?"])
    assert "repeats a question" in reasons("So how have you run PostgreSQL backups there?", ctx)


def test_it_wants_a_follow_up_to_refer_to_the_last_answer():
    ctx = RankContext(
        act=Act.FOLLOW_UP, last_answer="We moved the billing service to Kubernetes over six months.", asked=["Hi?"]
    )
    assert "ignores the last answer" in reasons("What is your favourite programming language?", ctx)
    assert reasons("What was your own part in the Kubernetes move, and how did you measure it?", ctx) == []


def test_it_keeps_closings_to_thanks_without_invented_facts():
    ctx = RankContext(act=Act.CLOSING, known_words=frozenset({"acme", "backend"}), asked=["Any questions?"])
    assert reasons("Thank you for your time today, we'll be in touch soon.", ctx) == []
    assert "a closing that asks or invents" in reasons("Thanks! Our team of 10 at Globex will call you.", ctx)


@pytest.mark.parametrize(
    ("closing", "broken"),
    [
        ("Thanks, expect a response from the team within three weeks.", "a closing that asks or invents"),
        (
            "Thank you. We'll pass your details on and start the hiring process next spring.",
            "a closing that asks or invents",
        ),
        ("Thanks for coming in; our five engineers enjoyed it.", "a closing that asks or invents"),
        ("Thanks for that: we're looking forward to hiring you.", "a closing that asks or invents"),
        ("We're glad to see you've passed the technical interview. Thank you.", "a closing that asks or invents"),
        ("Thank you; we'll discuss the backend case with you in an hour.", "a closing that asks or invents"),
        ("That's helpful, thank you. We'll set up a follow-up interview.", "a closing that asks or invents"),
        ("I'd love to hear more about that, thank you.", "a closing that asks or invents"),
        ("Good, you'd meet our engineers on a small backend endpoint.", "a closing that does not close"),
    ],
)
def test_a_closing_thanks_and_closes_without_a_timeline_or_a_number_the_documents_lack(closing, broken):
    ctx = RankContext(act=Act.CLOSING, known_words=frozenset({"acme", "backend", "two"}), asked=["Any questions?"])
    assert broken in reasons(closing, ctx)
    assert reasons("Thanks for talking with me today; it was good to hear about your two backend projects.", ctx) == []
    assert reasons("It was a pleasure; we'll be in touch about next steps.", ctx) == []


def test_it_ranks_more_fluent_words_higher_when_both_pass():
    a, b = "How have you set up PostgreSQL replication?", "How have you handled PostgreSQL backups in production?"
    ranked = ranker.rank([(a, -2.5), (b, -0.3)], PROBE, ENCODER)
    assert ranked[0].text == b and ranked[0].score > ranked[1].score


def test_it_retrieves_exemplars_of_the_same_act_nearest_first_and_never_from_the_excluded_dialog():
    bank = ExemplarBank(
        [
            Exemplar("d1", Act.REQUIREMENT_PROBE, "How do you back up PostgreSQL?", ("PostgreSQL backups",)),
            Exemplar("d2", Act.REQUIREMENT_PROBE, "Which React hooks do you use?", ("React hooks",)),
            Exemplar("d3", Act.GAP_PROBE, "How would you learn PostgreSQL?", ("PostgreSQL",)),
            Exemplar("d4", Act.FOLLOW_UP, "What was your part?", (), "We migrated the database."),
        ],
        ENCODER,
    )
    found = bank.nearest(Act.REQUIREMENT_PROBE, facts=["PostgreSQL backups and replication"], k=2)
    assert [e.dialog_id for e in found] == ["d1", "d2"]
    assert [e.dialog_id for e in bank.nearest(Act.REQUIREMENT_PROBE, ["PostgreSQL"], exclude_dialog="d1")] == ["d2"]
    assert bank.nearest(Act.FOLLOW_UP, last_answer="We migrated a database")[0].dialog_id == "d4"
    assert bank.nearest(Act.CLOSING) == []


@pytest.mark.parametrize(
    "lead_in",
    [
        "Congratulations.",  # follows from nothing
        "It does, and you didn't.",
        "Your team ran twelve PostgreSQL clusters.",  # a number neither the facts nor the dialog hold
        "You ran PostgreSQL at Initech for years.",  # a name the documents lack
        "I've built PostgreSQL replication myself for a decade.",  # the interviewer speaking as a candidate
        "I'm excited about the role and PostgreSQL.",
    ],
)
def test_a_lead_in_the_turn_cannot_stand_behind_is_dropped_and_the_question_judged_alone(lead_in):
    question = "How have you set up PostgreSQL replication and tested your backups?"
    ranked = ranker.rank([(f"{lead_in} {question}", -1.0)], PROBE, ENCODER)
    assert ranked[0].text == question and ranked[0].passed


@pytest.mark.parametrize(
    "lead_in",
    [
        "Thanks, that makes sense.",  # an acknowledgement
        "That’s a good start, thanks for that.",
        "Hello, and welcome to the interview.",  # a greeting
        "PostgreSQL backups matter a lot here.",  # speaks of the fact shown
        "The job asks for replication experience.",
    ],
)
def test_a_lead_in_that_acknowledges_or_speaks_of_the_facts_is_kept(lead_in):
    question = "How have you set up PostgreSQL replication and tested your backups?"
    ranked = ranker.rank([(f"{lead_in} {question}", -1.0)], PROBE, ENCODER)
    assert ranked[0].text == f"{lead_in} {question}" and ranked[0].passed


def test_a_question_left_without_its_lead_in_must_still_fit_the_act():
    ctx = RankContext(act=Act.FOLLOW_UP, last_answer="I tuned PostgreSQL replication lag.", asked=["Hi?"])
    verdict = ranker.rank([("Congratulations. What would you do differently?", -1.0)], ctx, ENCODER)[0]
    assert verdict.text == "What would you do differently?"
    assert "ignores the last answer" in verdict.reasons  # the lead-in no longer carries the turn


def test_the_interviewer_never_speaks_as_the_candidate():
    assert "speaks as the candidate" in reasons("What would my experience with PostgreSQL backups add here?")


def test_a_closing_that_asks_without_a_question_mark_asks():
    ctx = RankContext(act=Act.CLOSING, known_words=frozenset({"backend"}), asked=["Any questions?"])
    closing = "Thanks, that's useful. Tell me about your approach to the backend team."
    assert "a closing that asks or invents" in reasons(closing, ctx)
    assert not ranker.closes(closing)


def test_a_question_names_no_number_or_name_that_nobody_gave():
    ctx = RankContext(
        act=Act.REQUIREMENT_PROBE,
        facts=[FACT],
        last_answer="I ran backups for 3 clusters.",
        known_words=frozenset({"postgresql", "acme", "backups"}),
    )
    assert "names a number or name nobody gave" in reasons(
        "How did you handle a 15% failure of PostgreSQL backups?", ctx
    )
    assert "names a number or name nobody gave" in reasons("How did Globex run PostgreSQL backups with you?", ctx)
    assert reasons("How did you run PostgreSQL backups for those 3 clusters at Acme?", ctx) == []
    assert reasons("What is one thing you changed in your PostgreSQL backups?", ctx) == []


def test_a_turn_says_no_word_that_is_no_word_unless_the_documents_or_the_dialog_use_it():
    requirement = "Forensic auditing of supplier invoices"
    ctx = RankContext(act=Act.REQUIREMENT_PROBE, facts=[requirement], targets=[requirement])
    # a word the model made up of the requirement's word and another
    coined = "This role calls for forensicative auditing of invoices. Where have you audited that way?"
    assert "a word that is no word" in reasons(coined, ctx)
    assert "a word that is no word" not in reasons(
        "This role calls for forensic auditing of invoices. Where have you audited that way?", ctx
    )
    # jargon is a word where the posting or the candidate used it
    jargon = RankContext(act=Act.FOLLOW_UP, last_answer="I owned the quarterly reforecast of the budget.")
    assert "a word that is no word" not in reasons('You said "the quarterly reforecast". What changed in it?', jargon)
    assert made_up("Do you reforecast budgets?") == ["reforecast"]


def test_a_probe_never_tells_the_candidate_they_meet_the_requirement():
    requirement = "Expert in Go, Kafka and PostgreSQL 14 or newer"
    gap = RankContext(act=Act.GAP_PROBE, facts=[requirement], targets=[requirement])
    assert "says the candidate meets the requirement" in reasons(
        "You're an expert in Go, Kafka and PostgreSQL. What do you plan to focus on?", gap
    )
    assert reasons("The role asks for Go and PostgreSQL 14 or newer: how have you used them?", gap) == []
    evidence = "Built Kafka pipelines on PostgreSQL at a bank"
    probe = RankContext(act=Act.REQUIREMENT_PROBE, facts=[requirement, evidence], targets=[requirement])
    assert reasons("You've used Kafka and PostgreSQL at a bank. How deep does your Kafka work go?", probe) == []
