"""interviewer.serving.generator without a model: prompt budgeting, post-processing and template questions."""

from __future__ import annotations

import threading

import pytest

from interviewer.dialog.cleanup import MAX_WORDS, is_repeat, postprocess, template_question
from interviewer.dialog.inputs import GroundingFact, PromptInputs, build_prompt_ids, history_messages, system_prompt
from interviewer.dialog.templates import topic
from interviewer.serving.generator import Cancelled, TemplateGenerator
from interviewer.vocabulary import Act

FACTS = [
    GroundingFact("job", "Production PostgreSQL database experience"),
    GroundingFact("resume", "Migrated the ledger service from MySQL to PostgreSQL 15 with zero downtime"),
    GroundingFact("job", "Building REST APIs in Python for large teams"),
]
HISTORY = [
    ("interviewer", "Thanks for joining. Could you walk me through your background?"),
    ("candidate", "I have spent five years building payment systems in Python and Go."),
    ("interviewer", "What was your part in the ledger migration?"),
    ("candidate", "I planned the cut-over and wrote the dual-write layer that kept both databases in sync."),
]


class WordTokenizer:
    """One id per whitespace-separated word of every message, nothing else: counts are easy to predict."""

    def __init__(self, as_mapping: bool = False) -> None:
        self.vocab: dict[str, int] = {}
        self.calls: list[list[dict[str, str]]] = []
        self.as_mapping = as_mapping

    def apply_chat_template(self, messages, add_generation_prompt=False, tokenize=False):  # type: ignore[no-untyped-def]
        assert add_generation_prompt is True and tokenize is True
        self.calls.append([dict(m) for m in messages])
        ids = [self.vocab.setdefault(word, len(self.vocab)) for m in messages for word in m["content"].split()]
        return {"input_ids": ids} if self.as_mapping else ids

    @property
    def last(self) -> list[dict[str, str]]:
        """The messages of the prompt that was returned (the last one encoded)."""
        return self.calls[-1]


def words(text: str) -> int:
    return len(text.split())


def inputs(facts=FACTS, history=HISTORY, stage: str = Act.REQUIREMENT_PROBE) -> PromptInputs:  # type: ignore[no-untyped-def]
    return PromptInputs(job_title="Backend Engineer", stage=stage, facts=list(facts), history=list(history))


def system_words(facts) -> int:  # type: ignore[no-untyped-def]
    return words(system_prompt(inputs(facts=facts, history=[])))


# ---------------------------------------------------------------------------
# build_prompt_ids


def test_it_keeps_the_whole_prompt_when_it_fits():
    tokenizer = WordTokenizer()
    messages = history_messages(HISTORY)
    full = system_words(FACTS) + sum(words(m["content"]) for m in messages)

    ids = build_prompt_ids(tokenizer, inputs(), budget=full)

    assert len(ids) == full
    assert tokenizer.last[0] == {"role": "system", "content": system_prompt(inputs(history=[]))}
    assert tokenizer.last[1:] == messages
    assert len(tokenizer.calls) == 1


def test_it_drops_the_oldest_history_first():
    tokenizer = WordTokenizer()
    messages = history_messages(HISTORY)
    full = system_words(FACTS) + sum(words(m["content"]) for m in messages)

    ids = build_prompt_ids(tokenizer, inputs(), budget=full - 1)

    assert len(ids) <= full - 1
    kept = tokenizer.last[1:]
    # The greeting and the opening question go; the first answer starts the kept history.
    assert kept == messages[2:]
    assert kept[0] == {"role": "user", "content": HISTORY[1][1]}
    assert all(fact.text in tokenizer.last[0]["content"] for fact in FACTS)


def test_it_keeps_the_system_line_the_facts_and_the_last_message_whole():
    tokenizer = WordTokenizer()
    last = HISTORY[-1][1]
    budget = system_words(FACTS) + words(last)

    ids = build_prompt_ids(tokenizer, inputs(), budget=budget)

    assert len(ids) == budget
    assert tokenizer.last == [
        {"role": "system", "content": system_prompt(inputs(history=[]))},
        {"role": "user", "content": last},
    ]


def test_it_drops_facts_last_first_only_when_the_last_message_would_not_fit():
    tokenizer = WordTokenizer()
    last = HISTORY[-1][1]
    budget = system_words(FACTS[:-1]) + words(last)

    ids = build_prompt_ids(tokenizer, inputs(), budget=budget)

    assert len(ids) == budget
    system = tokenizer.last[0]["content"]
    assert FACTS[0].text in system and FACTS[1].text in system
    assert FACTS[2].text not in system
    assert tokenizer.last[-1] == {"role": "user", "content": last}


def test_it_drops_every_fact_before_giving_up():
    tokenizer = WordTokenizer()
    last = HISTORY[-1][1]
    budget = system_words([]) + words(last)

    ids = build_prompt_ids(tokenizer, inputs(), budget=budget)

    assert len(ids) == budget
    assert "Facts to ask about" not in tokenizer.last[0]["content"]
    assert tokenizer.last[-1]["content"] == last


def test_it_raises_when_even_the_minimum_prompt_does_not_fit():
    budget = system_words([]) + words(HISTORY[-1][1]) - 1

    with pytest.raises(ValueError, match=f"more than {budget} tokens"):
        build_prompt_ids(WordTokenizer(), inputs(), budget=budget)


def test_it_starts_the_kept_history_with_a_user_turn_at_every_budget():
    tokenizer = WordTokenizer()
    history = HISTORY + [("interviewer", "How did you test the dual-write layer before the cut-over?")]
    messages = history_messages(history)
    smallest = system_words([]) + words(messages[-1]["content"])
    largest = system_words(FACTS) + sum(words(m["content"]) for m in messages)

    for budget in range(smallest, largest + 1):
        ids = build_prompt_ids(tokenizer, inputs(history=history), budget=budget)
        assert len(ids) <= budget
        assert tokenizer.last[1]["role"] == "user"
        assert tokenizer.last[-1]["role"] == "user"


def test_it_accepts_a_tokenizer_that_returns_a_mapping():
    budget = 10_000
    plain = build_prompt_ids(WordTokenizer(), inputs(), budget=budget)
    mapped = build_prompt_ids(WordTokenizer(as_mapping=True), inputs(), budget=budget)

    assert mapped == plain
    assert isinstance(mapped, list)


def test_it_opens_the_history_with_a_user_turn_and_ends_waiting_for_the_model():
    messages = history_messages([("interviewer", "Welcome. What brings you here?")])

    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == "Welcome. What brings you here?"
    assert history_messages([]) == [{"role": "user", "content": "Hello, I'm ready to start."}]


def test_it_names_the_role_company_task_sources_and_exemplar_in_the_system_prompt():
    facts = [GroundingFact("job", "Tableau"), GroundingFact("resume", "SQL")]
    inputs = PromptInputs("Data Analyst", Act.GAP_PROBE, facts, [], "Acme", ["How would you learn Looker?"])
    text = system_prompt(inputs)

    assert text.startswith("You are interviewing a candidate for the Data Analyst role at Acme.")
    assert "does not show this requirement" in text
    assert "- (job) Tableau" in text and "- (resume) SQL" in text
    assert 'from another interview: "How would you learn Looker?"' in text
    assert "gap_probe" not in text and "Stage" not in text  # no label the model could recite


# ---------------------------------------------------------------------------
# postprocess

QUESTION = "How did you keep both databases consistent during the migration?"


@pytest.mark.parametrize(
    "raw",
    [
        f"Interviewer: {QUESTION}",
        f"**Interviewer:** {QUESTION}",
        f"**Interviewer**: {QUESTION}",
        f"Q: {QUESTION}",
        f"Hiring manager - {QUESTION}",
        f'"{QUESTION}"',
    ],
)
def test_it_strips_role_labels_and_quotes(raw):
    assert postprocess(raw) == QUESTION


@pytest.mark.parametrize(
    "raw",
    [
        f"Sure, here's a question: {QUESTION}",
        f"Certainly! Here is my follow-up question for you: {QUESTION}",
        f"Here's the question: {QUESTION}",
        f"Interviewer: Sure, here's a question: {QUESTION}",
    ],
)
def test_it_strips_meta_text(raw):
    assert postprocess(raw) == QUESTION


def test_it_cuts_at_the_first_line_break():
    assert postprocess(f"{QUESTION}\nCandidate: I used a dual-write layer.") == QUESTION
    assert postprocess(f"{QUESTION}<|im_end|>\nuser\nI used a dual-write layer.") == QUESTION


def test_it_cuts_after_the_first_question_mark():
    assert postprocess(f"{QUESTION} And how long did the cut-over take?") == QUESTION


def test_it_keeps_at_most_one_sentence_of_lead_in():
    raw = f"Thanks for that answer. That sounds like hard work. {QUESTION}"

    assert postprocess(raw) == f"That sounds like hard work. {QUESTION}"


def test_it_capitalises_the_first_letter():
    assert (
        postprocess("interviewer: how did you test the dual-write layer?") == "How did you test the dual-write layer?"
    )


def test_it_caps_long_questions():
    raw = "Could you " + " ".join(f"word{i}" for i in range(MAX_WORDS + 20)) + "?"

    text = postprocess(raw)

    assert text is not None
    assert len(text.split()) == MAX_WORDS
    assert text.endswith("?")


@pytest.mark.parametrize(
    "raw",
    [
        "As an AI language model, I cannot conduct interviews. What would you like to ask?",
        "How can I help you today with your interview preparation?",
        "I'm an AI, but let's try: what is your greatest strength?",
    ],
)
def test_it_rejects_assistant_talk(raw):
    assert postprocess(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "Расскажите, пожалуйста, о вашем опыте работы с базами данных?",
        "请介绍一下您在数据库迁移中的角色？",
        "Ερώτηση: πώς δουλέψατε με τη βάση δεδομένων?",
    ],
)
def test_it_rejects_text_that_is_not_english(raw):
    assert postprocess(raw) is None


@pytest.mark.parametrize("raw", ["", "   ", "Why?", "Interviewer: Really?", "Tell me about the migration."])
def test_it_rejects_fragments_and_questions_without_a_question_mark(raw):
    assert postprocess(raw) is None


def test_it_rejects_a_question_already_asked():
    asked = [QUESTION]

    assert postprocess(f"Interviewer: {QUESTION.lower()}", asked) is None
    assert postprocess("How did you keep both databases consistent during that migration?", asked) is None
    assert postprocess("What did you learn from mentoring junior engineers?", asked) == (
        "What did you learn from mentoring junior engineers?"
    )


def test_it_measures_repeats_by_word_overlap():
    assert is_repeat("How did you keep both databases consistent during the migration?", [QUESTION])
    assert not is_repeat("Which monitoring did you add after the migration?", [QUESTION])
    assert not is_repeat("?!", [QUESTION])
    assert not is_repeat(QUESTION, [])


def test_it_keeps_a_closing_statement_when_no_question_is_wanted():
    closing = "Thank you for your time today. We will be in touch about next steps soon."

    assert postprocess(f"Interviewer: {closing}", want_question=False) == closing
    assert postprocess(closing, asked=[closing], want_question=False) == closing
    assert postprocess(closing) is None


# ---------------------------------------------------------------------------
# Template questions


def test_it_grounds_a_template_question_on_the_first_fact():
    deep_dive = template_question(inputs(facts=FACTS[1:], stage=Act.RESUME_DEEP_DIVE))
    probe = template_question(inputs(stage=Act.REQUIREMENT_PROBE))

    assert topic(FACTS[1].text) in deep_dive  # the core of the fact, not the whole sentence
    assert "PostgreSQL" in probe
    assert FACTS[2].text not in probe
    assert probe.endswith("?")


def test_it_keeps_acronyms_upper_case_inside_a_template_question():
    text = template_question(inputs(facts=[GroundingFact("job", "AWS certification")], stage=Act.GAP_PROBE))

    assert "AWS certification" in text


def test_it_avoids_a_template_question_already_asked():
    probe = inputs(stage=Act.REQUIREMENT_PROBE)
    first = template_question(probe, ["Which city do you live in?"])

    second = template_question(probe, [first])

    assert second != first
    assert not is_repeat(second, [first], threshold=0.9)
    assert "PostgreSQL" in second


def test_it_is_deterministic():
    assert template_question(inputs(), ["Q one?"]) == template_question(inputs(), ["Q one?"])
    assert TemplateGenerator().generate(inputs()) == TemplateGenerator().generate(inputs())


def test_it_falls_back_to_a_behavioral_question_without_facts():
    text = template_question(inputs(facts=[], stage=Act.GAP_PROBE))

    assert text.startswith(("Tell me about a time", "Describe a situation"))


def test_it_opens_with_the_job_title():
    assert "Backend Engineer role" in template_question(inputs(stage=Act.OPENING))


def test_it_streams_the_template_word_by_word():
    interview = inputs()
    pieces = list(TemplateGenerator().stream(interview))

    asked = [text for role, text in HISTORY if role == "interviewer"]
    assert "".join(pieces) == template_question(interview, asked)
    assert len(pieces) == words(template_question(interview, asked))
    assert all(p.startswith(" ") for p in pieces[1:])


def test_it_stops_streaming_when_cancelled():
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(Cancelled):
        next(TemplateGenerator().stream(inputs(), cancel))


def test_it_stops_streaming_when_cancelled_mid_way():
    cancel = threading.Event()
    stream = TemplateGenerator().stream(inputs(), cancel)
    first = next(stream)
    cancel.set()

    with pytest.raises(Cancelled):
        next(stream)
    assert first == template_question(inputs(), [t for r, t in HISTORY if r == "interviewer"]).split(" ")[0]


@pytest.mark.parametrize(("top_k", "most"), [(3, 3), (0, 100)])
def test_the_transformers_sampler_draws_only_from_the_top_k_tokens(top_k, most):
    import torch

    from interviewer.serving.generator import DialogGenerator, GenerationConfig

    generator = object.__new__(DialogGenerator)  # _choose needs only the settings
    config = GenerationConfig(temperature=1.0, top_p=1.0, top_k=top_k, repetition_penalty=1.0)
    logits = torch.zeros(100)
    logits[:3] = 0.5  # the three likeliest tokens, barely ahead of the other 97
    rng = torch.Generator().manual_seed(0)

    drawn = {generator._choose(logits.clone(), [], rng, config)[0] for _ in range(300)}

    assert drawn <= set(range(most)) and len(drawn) > (most // 2)
