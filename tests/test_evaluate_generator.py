"""The fixture evaluation speaks as serving does: its served system streams one greedy turn through
the gate, and decodes a fallback round (no exemplars, new seeds) only where the gate refused it."""

from __future__ import annotations

from pathlib import Path

from interviewer.dialog.cleanup import template_question
from interviewer.dialog.inputs import PromptInputs, PromptStyle
from interviewer.encoders import HashingEncoder
from interviewer.serving.engine import GenerationEngine
from interviewer.serving.generator import TemplateGenerator
from training import evaluate_generator

ROOT = Path(__file__).resolve().parent.parent
DIALOGS, FIXTURES = ROOT / "fixtures" / "dialogs.jsonl", ROOT / "fixtures"


class MumblesBesideAnExemplar(TemplateGenerator):
    """Says nothing usable while the prompt shows an exemplar; the template question without one."""

    name = "mumbles"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[PromptInputs] = []

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        self.seen.append(inputs)
        if inputs.exemplars:
            yield "Hmm."
            return
        yield from super().stream(inputs, cancel)


def evaluation(generator: MumblesBesideAnExemplar, candidates: int) -> evaluate_generator.Evaluation:
    encoder = HashingEncoder()
    bank = evaluate_generator.training_bank(DIALOGS, FIXTURES, encoder)
    test = evaluate_generator.cases(DIALOGS, FIXTURES, "test", bank, limit=6)
    assert all(c.inputs.exemplars for c in test)  # every case's first, streamed turn sees an exemplar
    return evaluate_generator.Evaluation(
        test, [], encoder, lambda adapter: GenerationEngine(lambda: generator), candidates, style=PromptStyle.COMPACT
    )


def test_the_served_system_decodes_a_fallback_round_without_exemplars_where_the_first_was_refused():
    generator = MumblesBesideAnExemplar()
    said, model_share = evaluation(generator, candidates=2).served(None)
    first, second = generator.seen[:6], generator.seen[6:]
    assert all(i.exemplars for i in first) and len(second) == 12  # 6 turns, then 2 candidates each
    assert all(i.exemplars == [] for i in second)
    assert model_share > 0 and all(said)


def test_without_a_fallback_round_the_served_system_falls_back_to_templates():
    generator = MumblesBesideAnExemplar()
    run = evaluation(generator, candidates=0)
    said, model_share = run.served(None)
    assert len(generator.seen) == 6 and model_share == 0.0
    assert said == [template_question(c.inputs, c.asked) for c in run.test]
