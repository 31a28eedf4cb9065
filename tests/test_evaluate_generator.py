"""The fixture evaluation speaks as serving does: its ranked system decodes a later batch (no
exemplars, new seeds) only for the turns where no candidate of the first passed."""

from __future__ import annotations

from pathlib import Path

from interviewer.encoders import HashingEncoder
from interviewer.engine import GenerationEngine
from interviewer.generator import PromptInputs, TemplateGenerator, template_question
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


def evaluation(generator: MumblesBesideAnExemplar, retries: int) -> evaluate_generator.Evaluation:
    encoder = HashingEncoder()
    bank = evaluate_generator.training_bank(DIALOGS, FIXTURES, encoder)
    test = evaluate_generator.cases(DIALOGS, FIXTURES, "test", bank, limit=6)
    assert all(c.inputs.exemplars for c in test)  # every case's first batch sees an exemplar
    return evaluate_generator.Evaluation(
        test, [], encoder, lambda adapter: GenerationEngine(lambda: generator), 2, retries=retries
    )


def test_the_ranked_system_decodes_a_second_batch_without_exemplars_where_none_passed():
    generator = MumblesBesideAnExemplar()
    said, model_share = evaluation(generator, retries=1).ranked(None)
    first, second = generator.seen[:12], generator.seen[12:]
    assert all(i.exemplars for i in first) and len(second) == 12  # 6 turns x 2 candidates, twice
    assert all(i.exemplars == [] for i in second)
    assert model_share > 0 and all(said)


def test_without_retries_the_ranked_system_falls_back_to_templates():
    generator = MumblesBesideAnExemplar()
    run = evaluation(generator, retries=0)
    said, model_share = run.ranked(None)
    assert len(generator.seen) == 12 and model_share == 0.0
    assert said == [template_question(c.inputs, c.asked) for c in run.test]
