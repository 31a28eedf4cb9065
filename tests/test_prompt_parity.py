"""Training and serving build the same prompt: a training example and a live turn made from the
same inputs give identical prompt ids (same builder, same exemplars, same budget)."""

from __future__ import annotations

import pytest

from interviewer.dialog.exemplars import Exemplar
from interviewer.dialog.inputs import PROMPT_TOKENS, build_prompt_ids
from interviewer.serving import bases
from tests.interview_helpers import next_turn, start
from tests.test_generator_unit import WordTokenizer
from training.data import Example
from training.train_generator import GeneratorTrainingArguments, encode_example, prompt_inputs
from webapp.interviews import interviews


class TrainingTokenizer(WordTokenizer):
    """The word tokenizer, also encoding plain text (the training target) as training does."""

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [self.vocab.setdefault(word, len(self.vocab)) for word in text.split()]}


@pytest.mark.django_db(transaction=True)
def test_it_builds_identical_prompt_ids_for_a_training_example_and_a_live_turn(users):
    session = start(users[0])
    next_turn(session)
    interviews.add_answer(session, "At Acme I moved the billing database to PostgreSQL 15 in 2023.")
    live = interviews.plan_next(session.pk, 2)
    assert live is not None and live.inputs.exemplars  # serving shows an exemplar, as training does

    example = Example(
        dialog_id="any",
        job_title=live.inputs.job_title,
        company=live.inputs.company,
        stage=live.inputs.stage,
        facts=tuple((f.source, f.text) for f in live.inputs.facts),
        history=tuple(live.inputs.history),
        target="How did you plan the cut-over?",
    )
    shown = [Exemplar("other", live.inputs.stage, text) for text in live.inputs.exemplars]
    tokenizer = TrainingTokenizer()
    trained = encode_example(tokenizer, prompt_inputs(example, shown), example.target, PROMPT_TOKENS)
    served = build_prompt_ids(tokenizer, live.inputs, PROMPT_TOKENS)

    assert trained["input_ids"][: len(served)] == served
    assert trained["labels"][: len(served)] == [-100] * len(served)  # the loss never sees the prompt
    assert trained["labels"][len(served) :] == trained["input_ids"][len(served) :]  # only the target


def test_it_trains_with_the_serving_prompt_budget():
    assert GeneratorTrainingArguments.__dataclass_fields__["prompt_tokens"].default == 0  # 0: the base's own
    assert bases.SMOLLM2.prompt_tokens == PROMPT_TOKENS
