"""interviewer.dialog.gate and interviewer.dialog.prompt: the words of a streamed turn shown sentence by sentence,
only those the interviewer can stand behind, and the instruct prompt they come from."""

from __future__ import annotations

from dataclasses import replace

import pytest

from interviewer.dialog import demos, prompt, ranker
from interviewer.dialog.gate import Gate, complete_sentences, tail
from interviewer.dialog.inputs import GroundingFact, PromptInputs, PromptStyle, build_prompt, split_prompt
from interviewer.dialog.ranker import RankContext, asks
from interviewer.encoders import HashingEncoder
from interviewer.serving.generator import TextAssembler
from interviewer.text import sentences
from interviewer.text import split_sentences as split
from interviewer.vocabulary import Act

REQUIREMENT = "Hands-on experience running Kubernetes clusters in production."
EVIDENCE = "Moved 40 services from VMs to containers on ECS, cutting deploy time from an hour to eight minutes."
ANSWER = "I'm not sure, it depends on the team. I have done some of that, kind of."
KNOWN = frozenset("kubernetes clusters production ecs containers services deploy vms acme platform".split())


def context(act: Act = Act.REQUIREMENT_PROBE, **kwargs) -> RankContext:  # type: ignore[no-untyped-def]
    facts = {Act.REQUIREMENT_PROBE: [REQUIREMENT, EVIDENCE], Act.FOLLOW_UP: [], Act.CLOSING: []}.get(act, [EVIDENCE])
    targets = [REQUIREMENT] if act is Act.REQUIREMENT_PROBE else None
    defaults = {"last_answer": ANSWER, "answers": [ANSWER], "known_words": KNOWN}
    return RankContext(act, facts, targets=targets, **(defaults | kwargs))


def test_it_splits_sentences_but_not_inside_a_quote_or_a_number():
    assert split("This role runs 2.5 clusters. Where have you") == (["This role runs 2.5 clusters."], "Where have you")
    assert complete_sentences('You said "it was late. We fixed it". What next? Ok') == [
        'You said "it was late. We fixed it".',
        "What next?",
    ]
    assert sentences("One. Two?") == ["One.", "Two?"]


def test_it_shows_a_sentence_the_moment_the_next_one_begins_and_stops_at_the_question():
    gate = Gate(context())
    text = "This role runs Kubernetes clusters in production."
    assert gate.push(text) == ""  # not finished until another sentence starts
    text += " How"
    assert gate.push(text) == "This role runs Kubernetes clusters in production."
    text += " would you get up to speed on running them?"
    verdict = gate.finish(text, HashingEncoder())
    assert verdict.passed, verdict.reasons
    assert gate.text == text and gate.done


def test_it_refuses_a_sentence_that_credits_the_candidate_with_the_requirement():
    gate = Gate(context())
    text = "You're an expert in running Kubernetes clusters in production. How"
    assert gate.push(text) == "" and gate.failed == "says the candidate meets the requirement"
    assert gate.push(text + " did you learn?") == ""  # refused once, nothing more is shown
    assert not gate.finish(text, HashingEncoder()).passed


@pytest.mark.parametrize(
    ("act", "sentence", "problem"),
    [
        (
            Act.REQUIREMENT_PROBE,
            "This role cut costs by 37% at Globex last year.",
            "names a number or name nobody gave",
        ),
        (Act.FOLLOW_UP, 'You said "we shipped it in a week".', "quotes words nobody said"),
        (Act.REQUIREMENT_PROBE, "I've built Kubernetes platforms for ten years.", "speaks as the candidate"),
        (Act.CLOSING, "Thanks for your time, we'll call you within two days.", "a closing that asks or invents"),
        (Act.RESUME_DEEP_DIVE, "Congratulations on the weather.", "a lead-in the turn cannot stand behind"),
    ],
)
def test_it_refuses_what_the_interviewer_cannot_stand_behind(act, sentence, problem):
    gate = Gate(context(act))
    gate.push(sentence + " Next")
    assert gate.failed == problem


def test_a_quote_of_the_candidates_own_words_passes():
    gate = Gate(context(Act.FOLLOW_UP))
    assert gate.push('You said "it depends on the team". Can') == 'You said "it depends on the team".'


def test_a_sentence_cut_by_the_token_cap_is_never_shown():
    gate = Gate(context())
    text = "This role runs Kubernetes clusters in production. What did you do when the"
    assert gate.push(text) == "This role runs Kubernetes clusters in production."  # shown while decoding
    verdict = gate.finish(text, HashingEncoder())
    assert gate.text == "This role runs Kubernetes clusters in production."
    assert not verdict.passed and "asks nothing" in verdict.reasons
    assert gate.outcome(verdict) == (f"{gate.text} {tail(Act.REQUIREMENT_PROBE)}", "tail")


def test_a_last_sentence_never_shown_is_dropped_whole_when_the_turn_fails():
    gate = Gate(context())
    verdict = gate.finish("What is your favourite colour?", HashingEncoder())  # ended before any was shown
    assert not verdict.passed and "does not name the fact" in verdict.reasons
    assert gate.outcome(verdict) == ("", "refused")  # nothing was shown: another round or a template


def test_a_request_is_a_question_even_without_a_question_mark():
    assert asks("Tell me about a time you disagreed with a colleague.")
    assert asks("Walk me through the migration")
    assert not asks("This role runs Kubernetes in production.")


@pytest.mark.parametrize(
    ("answer", "quote"),
    [
        (ANSWER, "it depends on the team"),
        ("I led it with two colleagues, and the result was a 20% improvement.", "the result was a 20% improvement"),
        ("Yes.", "Yes"),
        ("In my last role I rebuilt the billing exports.", "I rebuilt the billing exports"),  # not its frame
        ("In my last role I did.", "In my last role I did"),  # too little left without it
        (
            "I rebuilt the billing exports and the audit reports and then wrote tests",
            "I rebuilt the billing exports and the audit reports",  # ten words at most, not ending on "and"
        ),
    ],
)
def test_it_quotes_the_candidates_own_words_for_a_follow_up(answer, quote):
    assert prompt.quote_of(answer) == quote
    assert quote.lower() in answer.lower()


def test_the_task_labels_the_job_and_the_resume_apart_and_names_the_fact():
    message = prompt.task_message("SRE", "Acme", Act.REQUIREMENT_PROBE, [REQUIREMENT], [EVIDENCE], "Q?", ANSWER)
    assert f"Job requirement: {REQUIREMENT}" in message and f"Resume: {EVIDENCE}" in message
    assert message.splitlines()[-1].startswith("Task: ") and message.endswith(f'"{REQUIREMENT}"')
    assert ANSWER not in message  # a probe moves on: the last answer is not shown
    follow_up = prompt.task_message("SRE", "Acme", Act.FOLLOW_UP, [], [], "Q?", ANSWER)
    assert f"Candidate's answer: {ANSWER}" in follow_up and "Your last question: Q?" in follow_up


class ChatTokenizer:
    """One id per word of every message, a marker id per message; ``encode`` one id per word."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.last: list[dict[str, str]] = []

    def _id(self, word: str) -> int:
        return self.vocab.setdefault(word, len(self.vocab))

    def apply_chat_template(self, messages, add_generation_prompt=False, tokenize=False):  # type: ignore[no-untyped-def]
        self.last = list(messages)
        ids = []
        for m in messages:
            ids += [self._id(f"<{m['role']}>")] + [self._id(w) for w in m["content"].split()]
        return ids + ([self._id("<assistant>")] if add_generation_prompt else [])

    def encode(self, text, add_special_tokens=False):  # type: ignore[no-untyped-def]
        return [self._id(w) for w in text.split()]


def test_the_instruct_prompt_is_a_fitting_example_then_the_turns_task_then_the_code_written_start():
    tokenizer = ChatTokenizer()
    facts = [GroundingFact("job", REQUIREMENT), GroundingFact("resume", EVIDENCE), GroundingFact("job", "Go.")]
    inputs = PromptInputs("SRE", Act.GAP_PROBE, facts, [("candidate", ANSWER)], "Acme", prefix="This role")
    ids = build_prompt(tokenizer, inputs, PromptStyle.INSTRUCT, budget=2000)
    assert ids[-2:] == tokenizer.encode("This role")
    assert [m["role"] for m in tokenizer.last] == ["system", "user", "assistant", "user"]
    shown = next(d for d in demos.DEMOS if d.reply == tokenizer.last[2]["content"])
    assert shown.act is Act.GAP_PROBE and shown.when == "skill"  # Kubernetes is a skill, not a condition
    fewer_facts = build_prompt(tokenizer, inputs, PromptStyle.INSTRUCT, budget=len(ids) - 1)
    assert len(fewer_facts) < len(ids) and REQUIREMENT in tokenizer.last[-1]["content"]  # the task's fact kept
    one_fact = build_prompt(tokenizer, replace(inputs, facts=facts[:1]), PromptStyle.INSTRUCT, budget=2000)
    build_prompt(tokenizer, inputs, PromptStyle.INSTRUCT, budget=len(one_fact) - 1)
    assert [m["role"] for m in tokenizer.last] == ["system", "user"]  # then the example goes
    with pytest.raises(ValueError, match="even with one fact and no example"):
        build_prompt(tokenizer, inputs, PromptStyle.INSTRUCT, budget=5)


def test_the_system_message_and_example_are_the_prompts_static_part_shared_by_turns_of_one_situation():
    tokenizer = ChatTokenizer()
    facts = [GroundingFact("job", REQUIREMENT), GroundingFact("resume", EVIDENCE)]
    inputs = PromptInputs("SRE", Act.GAP_PROBE, facts, [("candidate", ANSWER)], "Acme", prefix="This role")
    ids, static = split_prompt(tokenizer, inputs, PromptStyle.INSTRUCT, budget=2000)
    assert ids == build_prompt(tokenizer, inputs, PromptStyle.INSTRUCT, budget=2000)
    assert 0 < static < len(ids) and ids[static] == tokenizer._id("<user>")  # the turn's own task starts there
    other = replace(inputs, facts=[GroundingFact("job", "Kubernetes in production."), facts[1]], history=[])
    other_ids, other_static = split_prompt(tokenizer, other, PromptStyle.INSTRUCT, budget=2000)
    assert other_static == static and other_ids[:static] == ids[:static] and other_ids[static:] != ids[static:]
    no_example = split_prompt(tokenizer, replace(inputs, facts=facts[:1]), PromptStyle.INSTRUCT, budget=static)[1]
    assert no_example == 1 + len(prompt.SYSTEM.split())  # the example dropped to fit: the system message alone
    assert split_prompt(tokenizer, inputs, PromptStyle.COMPACT, budget=2000)[1] == 0


def test_each_turn_is_shown_the_example_of_its_situation():
    assert prompt.situation(Act.FOLLOW_UP, [], [], ANSWER) == "vague"
    assert prompt.situation(Act.GAP_PROBE, ["Valid driving licence and a clean record."], [], "") == "condition"
    assert prompt.situation(Act.CLOSING, [], [], "How big is the team?") == "question"
    for act, when in [(Act.FOLLOW_UP, "vague"), (Act.GAP_PROBE, "condition"), (Act.CLOSING, "question")]:
        example = prompt.example_messages(act, when)[2]["content"]
        assert any(d.reply == example and d.when == when for d in demos.DEMOS)


def test_a_follow_up_on_a_vague_answer_asks_for_one_specific_time_named_by_its_subject():
    vague = prompt.task_message("SRE", "", Act.FOLLOW_UP, [], ["Kubernetes"], "How do you run upgrades?", ANSWER)
    specific = prompt.task_message("SRE", "", Act.FOLLOW_UP, [], [], "How do you run upgrades?", "We cut it to 8 min.")
    assert vague.endswith(f"Task: {prompt.VAGUE_TASK}") and prompt.VAGUE_TASK not in specific
    example = next(d for d in demos.DEMOS if d.act is Act.FOLLOW_UP and d.when == "vague")
    assert "payroll correction" in example.reply.split('".', 1)[1]  # its question names the subject, not "the last one"


def test_a_sentence_that_goes_on_in_the_candidates_own_words_is_never_shown():
    gate = Gate(context(Act.FOLLOW_UP))
    quote = 'You said "it depends on the team".'
    assert gate.open(quote) == quote
    assert gate.push(f"{quote} I have done some of that, kind of. Can you") == ""  # their words, unquoted
    assert gate.failed == "echoes the answer"
    words, how = gate.outcome(gate.finish(f"{quote} I have done some of that, kind of. Can you?", HashingEncoder()))
    assert how == "tail" and words == f"{quote} {tail(Act.FOLLOW_UP)}"
    quoted = 'What did "I have done some of that, kind of" cover?'  # a quote of them is no echo
    assert "echoes the answer" not in ranker.sentence_problems(quoted, context(Act.FOLLOW_UP), first=False)


class PieceTokenizer:
    """Decodes ids to fixed pieces, as a BPE tokenizer decodes a continuation."""

    pieces = {1: " runs", 2: " Kubernetes", 3: "."}

    def decode(self, ids, skip_special_tokens=True):  # type: ignore[no-untyped-def]
        return "".join(self.pieces[i] for i in ids)


def test_the_code_written_start_is_the_first_piece_streamed():
    text = TextAssembler(PieceTokenizer(), prefix="This role")  # type: ignore[arg-type]
    assert text.push(1) == "This role runs"
    assert text.push(2) == " Kubernetes" and text.push(3) == "."
    assert text.candidate().text == "This role runs Kubernetes."


def test_a_code_written_start_is_shown_at_once_and_completed_by_the_code_when_its_sentence_fails():
    gate = Gate(context())
    assert gate.open("This role") == "This role" and gate.text == "This role"
    text = "This role cut costs by 37% at Globex last year. Where"
    gate.push(text)
    assert gate.failed == "names a number or name nobody gave"
    words, how = gate.outcome(gate.finish(text, HashingEncoder()))
    assert how == "tail" and words.startswith("This role involves ") and words.endswith("?")
    assert "37%" not in words  # the refused words were never shown


def test_a_code_written_sentence_is_checked_and_shown_before_anything_is_decoded():
    gate = Gate(context(Act.FOLLOW_UP))
    assert gate.open('You said "it depends on the team".') == 'You said "it depends on the team".'
    text = 'You said "it depends on the team". Which team was it, and what did you do?'
    assert gate.push(text) == ""  # the quote was shown already; the question comes at the end
    assert gate.finish(text, HashingEncoder()).passed and gate.text == text
    assert Gate(context(Act.FOLLOW_UP)).open('You said "we shipped it weekly".') == ""  # nobody said that


def test_a_probe_whose_question_leaves_its_fact_ends_on_the_acts_question():
    gate = Gate(context())
    text = "This role runs Kubernetes clusters in production. What programming language do you know best?"
    gate.push(text)
    verdict = gate.finish(text, HashingEncoder())
    assert "the question leaves the fact" in verdict.reasons
    assert (
        gate.outcome(verdict)[0] == f"This role runs Kubernetes clusters in production. {tail(Act.REQUIREMENT_PROBE)}"
    )
    pointing = "This role runs Kubernetes clusters in production. How have you run them?"
    assert Gate(context()).finish(pointing, HashingEncoder()).passed  # "them" points back at the fact


def test_a_qualification_is_asked_about_as_one_when_the_code_ends_the_turn():
    degree = "Bachelor's degree in nursing required."
    gate = Gate(RankContext(Act.GAP_PROBE, [degree], targets=[degree], known_words=KNOWN))
    gate.open("This role")
    words, how = gate.outcome(gate.finish("This role", HashingEncoder()))
    assert how == "tail" and words.startswith("This role asks for ") and words.endswith("or something equivalent?")


@pytest.mark.parametrize(
    ("act", "start", "completed"),
    [
        (Act.BEHAVIORAL, "Tell me about a time", "Tell me about a time you moved 40 services"),
        (Act.RESUME_DEEP_DIVE, "Your resume mentions", "Your resume mentions "),
    ],
)
def test_every_code_written_start_has_a_completion_that_names_the_fact(act, start, completed):
    gate = Gate(RankContext(act, [EVIDENCE], targets=[EVIDENCE], known_words=KNOWN))
    assert gate.open(start) == start
    words, how = gate.outcome(gate.finish(start + " you cut costs by 37% at Globex.", HashingEncoder()))
    assert how == "tail" and words.startswith(completed) and "containers" in words and "37%" not in words


def test_a_behavioral_question_on_a_duty_of_the_role_is_completed_as_something_one_had_to_do():
    duty = "Review teammates' pull requests every day"
    gate = Gate(RankContext(Act.BEHAVIORAL, [duty], targets=[duty], known_words=KNOWN))
    gate.open("Tell me about a time")
    words, how = gate.outcome(gate.finish("Tell me about a time you cut costs by 37% at Globex.", HashingEncoder()))
    assert how == "tail" and words.startswith("Tell me about a time you had to review teammates' pull requests")


@pytest.mark.parametrize(
    ("fact", "completed"),
    [
        ("Terraform", "Tell me about a time you used Terraform on a project."),  # a name keeps its capitals
        ("Development of a stock-count app for two warehouses.", "Tell me about a time you worked on development of"),
        ("Prior experience in a dental practice is preferred", "Tell me about a time you worked in a dental practice."),
        ("Negotiated supplier contracts worth $2M a year.", "Tell me about a time you negotiated supplier contracts"),
        # a lead-in says nothing ("worked on participating in ..."); a list is named by its first item
        (
            "Duties – participating in building and testing a ticketing portal, fixing bugs, releases.",
            "Tell me about a time you worked on building and testing a ticketing portal.",
        ),
        (
            "Direct involvement in the redesign of a loyalty app for a bakery chain.",
            "Tell me about a time you worked on the redesign",
        ),
    ],
)
def test_a_refused_behavioral_question_is_completed_in_the_facts_own_words(fact, completed):
    gate = Gate(RankContext(Act.BEHAVIORAL, [fact], targets=[fact], known_words=KNOWN))
    gate.open("Tell me about a time")
    words, how = gate.outcome(gate.finish("Tell me about a time you cut costs by 37% at Globex.", HashingEncoder()))
    assert how == "tail" and words.startswith(completed)


@pytest.mark.parametrize(
    "embellished",
    [
        "Tell me about a time you built a stock-count app for a chain of pharmacies.",  # the hiring company's trade
        "Tell me about a time you built a stock-count app that cut losses significantly.",  # an outcome nobody gave
    ],
)
def test_a_behavioral_question_adds_no_details_its_fact_does_not_give(embellished):
    fact = "Development of a stock-count app for two warehouses."
    ctx = RankContext(Act.BEHAVIORAL, [fact], targets=[fact])
    assert "adds details the fact does not give" in ranker.sentence_problems(embellished, ctx)
    plain = "Tell me about a time you developed the stock-count app. What challenges did you face?"
    assert not any(ranker.sentence_problems(s, ctx) for s in sentences(plain))
    told = RankContext(Act.BEHAVIORAL, [fact], "It was for a chain of pharmacies.", targets=[fact])
    assert not ranker.sentence_problems(embellished.replace(" that cut losses significantly", ""), told)


def test_a_behavioral_question_presumes_no_outcome_an_earlier_answer_named_about_something_else():
    fact = "Moved the team's builds to a shared cache."
    earlier = "On the billing work the result was a big speed-up and lower costs."
    ctx = RankContext(Act.BEHAVIORAL, [fact], "I'm not sure, it depends.", answers=[earlier], targets=[fact])
    assert "adds details the fact does not give" in ranker.sentence_problems(
        "How did it speed up the work and lower costs?", ctx
    )


def test_a_gap_probe_does_not_ask_how_they_usually_do_what_their_resume_does_not_show():
    requirement = "Negotiate freight rates with regional carriers."
    ctx = RankContext(Act.GAP_PROBE, [requirement], targets=[requirement])
    assert "presumes the candidate does it" in ranker.sentence_problems(
        "How do you typically negotiate rates with carriers?", ctx, first=False
    )
    assert not ranker.sentence_problems("What experience do you have with that, if any?", ctx, first=False)
    probe = RankContext(Act.REQUIREMENT_PROBE, [requirement], targets=[requirement])  # the resume shows it
    assert "presumes the candidate does it" not in ranker.sentence_problems(
        "How do you typically negotiate rates with carriers?", probe, first=False
    )


QUESTION = "What does a typical week look like for the team, and how is success measured?"


def test_a_closing_after_the_candidates_question_names_it_and_says_who_can_answer_it():
    ctx = context(Act.CLOSING, last_answer=QUESTION)
    start = prompt.prefix(Act.CLOSING, 22, QUESTION)
    assert start == "Thanks for asking about" and prompt.prefix(Act.CLOSING, 22, "No, that's all. Thanks.") == ""
    assert "hiring manager" in prompt.task_message("Analyst", "", Act.CLOSING, [], [], "Any questions?", QUESTION)

    said = (
        "Thanks for asking about what a typical week looks like and how success is measured; the hiring manager can "
        "answer that best. Thank you for your time today."
    )
    gate = Gate(ctx)
    gate.open(start)
    words, how = gate.outcome(gate.finish(said, HashingEncoder()))
    assert (words, how) == (said, "passed")  # "a typical week" is the question's, not a promise

    answered = Gate(ctx)
    answered.open(start)
    said = "Thanks for asking about the mentoring program; it is available to everyone. Thank you for your time."
    words, how = answered.outcome(answered.finish(said, HashingEncoder()))
    assert how == "tail" and words == (
        "Thanks for asking about your question; the hiring manager can answer that best. Thank you for your time today."
    )


@pytest.mark.parametrize(
    "closing",
    ["Thank you; you'll hear from us within a week.", "Thanks, we'll decide next month.", "Thanks, talk by Friday."],
)
def test_a_closing_that_says_when_promises(closing):
    assert not Gate(context(Act.CLOSING, last_answer="No questions.")).finish(closing, HashingEncoder()).passed


def test_a_closing_that_only_acknowledges_the_question_still_ends_the_interview():
    gate = Gate(context(Act.CLOSING, last_answer=QUESTION))
    gate.open("Thanks for asking about")
    said = "Thanks for asking about how success is measured; the hiring manager can answer that best."
    words, how = gate.outcome(gate.finish(said, HashingEncoder()))
    assert how == "tail" and words == said + " Thank you for your time today."


@pytest.mark.parametrize(
    ("requirement", "completed"),
    [
        (
            "We pick whatever language fits the problem, though most of our code is Go.",
            'This role lists this requirement: "We pick whatever language fits the problem, though most of our code is Go."',
        ),
        ("Eight or more years in freight logistics.", "This role asks for eight or more years in freight logistics."),
        ("Hands-on experience running Kubernetes clusters.", "This role involves "),
        # a common word that opened the line goes on the sentence in lower case; a name keeps its capitals
        ("Collaborative planning with store managers", "This role involves collaborative planning with store"),
        ("Kubernetes operators in production", "This role involves Kubernetes operators"),
    ],
)
def test_the_code_completes_a_probe_in_words_that_fit_the_requirement(requirement, completed):
    gate = Gate(RankContext(Act.GAP_PROBE, [requirement], known_words=KNOWN))
    gate.open("This role")
    words, how = gate.outcome(gate.finish("This role grew 73% in 2019. Why?", HashingEncoder()))
    assert how == "tail" and words.startswith(completed) and words.endswith("?") and "73%" not in words


@pytest.mark.parametrize(
    ("fact", "named"),
    [
        ("Terraform", "one specific time you worked with Terraform:"),
        ("Own the month-end close", "one specific time you had to own the month-end close:"),
        ("Developed a stock-count app for two warehouses", "the time you developed a stock-count app"),
        ("The person in this role will thrive under pressure", "one specific case:"),  # no short name
        # an activity is worked on, not with
        ("Writing unit tests, fixing bugs, code review", "one specific time you worked on writing unit tests:"),
        # a long line is named up to where its circumstances begin, a noun "of" something with its article
        (
            "Full cycle of stock audits during the yearly warehouse move",
            "one specific time you worked on the full cycle of stock audits:",
        ),
        # a list cut short is named by what it is of, or not at all (never "worked with Drafting, review")
        (
            "Drafting, review, and filing of customs declarations",
            "one specific time you worked with customs declarations:",
        ),
        ("Drafting, review, and filing", "one specific case:"),
        ("An example would be moving forty shops onto one till system.", "one specific case:"),  # names nothing
    ],
)
def test_a_follow_up_ended_by_the_code_names_the_case_it_asks_for(fact, named):
    assert named in tail(Act.FOLLOW_UP, fact)


def test_a_behavioral_question_does_not_open_on_a_situation_already_asked_about():
    asked = ["Tell me about a time a shipment arrived damaged on a deadline. What did you do?"]
    ctx = RankContext(Act.BEHAVIORAL, asked=asked)
    assert "repeats a question" in ranker.sentence_problems(
        "Tell me about a time a shipment arrived damaged on a deadline.", ctx
    )
    assert not ranker.sentence_problems("Tell me about a time you disagreed with a colleague.", ctx)
    # the same frame on another subject is no repeat
    framed = RankContext(Act.BEHAVIORAL, asked=["Tell me about a time you used Rust on a recent project. Why?"])
    assert not ranker.sentence_problems("Tell me about a time you used Kotlin on a recent project.", framed)
