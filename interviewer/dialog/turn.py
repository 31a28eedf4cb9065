"""How one interviewer turn's words are decided, written once for the live app and its evaluation:
what each round of decoding is asked from, what the words are judged against, and which words
are said.

``webapp.interviews.turns`` serves a turn with these functions and ``training.evaluate_generator`` measures
the served system with the same ones, so an evaluation speaks as the app does
(tests/test_turn_parity.py holds the two to the same answers). Pure functions: no Django and
no settings; the caller passes the prompt style and its own seeds. The requests themselves are
built by the caller (``interviewer.serving.engine``, which this package must not import) from the
inputs returned here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from interviewer.dialog import answers, prompt, ranker
from interviewer.dialog.cleanup import template_question
from interviewer.dialog.inputs import PromptInputs, PromptStyle
from interviewer.dialog.policy import TurnPlan
from interviewer.dialog.ranker import RankContext
from interviewer.encoders import Encoder
from interviewer.feedback.report import OFF_TOPIC_ANSWER
from interviewer.text import RUN
from interviewer.vocabulary import Act

_TRAILING = "'+#.-"  # a known word ends on a letter or a digit: "Acme." and "C++" are known as "acme" and "c"


def known_words(*texts: str) -> frozenset[str]:
    """The lower-cased words of ``texts`` (the resume, the posting, its title and company): the
    names and numbers a turn may say although the prompt did not show them (the ranker's rule
    against "a name nobody gave"). Word runs keep their inner joiners ("node.js", "t-sql")."""
    return frozenset(w.rstrip(_TRAILING) for w in RUN.findall(" ".join(texts).lower()))


@dataclass(frozen=True)
class TurnCase:
    """One interviewer turn about to be spoken: everything its words are decided from.

    ``inputs.stage`` is the planned act. ``index`` is the turn's place in the interview (it picks
    the wording of the code-written start). ``targets`` are the facts a probe must name (None:
    every fact shown); ``section`` is the parser section of a probe's requirement (a plus is never
    stated as required); ``redirect`` marks a follow-up on an off-topic answer (:func:`redirects`);
    ``replies`` are the candidate's own questions the turn answers from the posting.
    """

    inputs: PromptInputs
    index: int
    asked: Sequence[str] = ()
    last_answer: str = ""
    known_words: frozenset[str] = frozenset()
    targets: Sequence[str] | None = None
    section: str = ""
    redirect: bool = False
    replies: Sequence[answers.Reply] = ()
    said: str = ""  # words fixed in advance: the turn says them as they are

    @property
    def act(self) -> Act:
        return self.inputs.stage


def redirects(plan: TurnPlan) -> bool:
    """A follow-up on an off-topic answer: the template brings the talk back to work, and the model
    is not asked (on the held-out interviews it followed the digression: "Do you have a partner in
    the field of bakery?")."""
    return plan.act is Act.FOLLOW_UP and plan.reason.endswith(OFF_TOPIC_ANSWER)


def templated(case: TurnCase) -> bool:
    """A turn the template says and the model is not asked: a redirect, a behavioral question with
    no fact to stand on (left to invent one, the model asked about a situation in the posting's
    trade that nothing shown gives; the blind judges called it invented), or an answer to the
    candidate's questions (the posting's lines quoted: the model, asked to answer, deferred every
    question to the hiring manager or answered from nowhere)."""
    if case.said or case.redirect or case.replies:
        return True
    return case.act is Act.BEHAVIORAL and not case.inputs.facts


def prefix(case: TurnCase, style: PromptStyle, attempt: int = 0) -> str:
    """The start of the interviewer's words the code writes ("" for none: only the instruct prompt
    has one); ``attempt`` 1 is the other wording, for the fallback round."""
    if style is not PromptStyle.INSTRUCT:
        return ""
    requirement = prompt.requirement_of(case.inputs)
    return prompt.prefix(case.act, case.index, case.last_answer, attempt, requirement, case.section)


def first_inputs(case: TurnCase, style: PromptStyle) -> PromptInputs:
    """What the first round decodes from: one greedy candidate, streamed, after the code's start."""
    return replace(case.inputs, prefix=prefix(case, style))


def fallback_inputs(case: TurnCase, style: PromptStyle) -> PromptInputs:
    """What the fallback round's sampled candidates decode from: the prompt without exemplars (whose
    subject sometimes leaks into every candidate) and with the other wording of the start."""
    return replace(case.inputs, prefix=prefix(case, style, attempt=1), exemplars=[])


def continuation_inputs(case: TurnCase, start: str) -> PromptInputs:
    """What the candidates continuing an already shown start ("This role") decode from."""
    return replace(case.inputs, prefix=start, exemplars=[])


def rank_context(case: TurnCase) -> RankContext:
    """What the turn's words are judged against (the gate while streaming, the ranker after)."""
    return RankContext(
        act=case.act,
        facts=[f.text for f in case.inputs.facts],
        last_answer=case.last_answer,
        asked=case.asked,
        known_words=case.known_words,
        exemplars=case.inputs.exemplars,
        targets=case.targets,
        answers=case.inputs.answers,
    )


def template(case: TurnCase) -> str:
    """The template question for the turn: the last resort (and the answer to the candidate's questions)."""
    if case.said:
        return case.said
    if case.replies:
        return answers.compose(case.replies, closing=case.act is Act.CLOSING)
    return template_question(case.inputs, list(case.asked), case.redirect)


@dataclass(frozen=True)
class Choice:
    """The words a round of candidates gives the turn."""

    text: str
    score: float | None  # the ranker's score of the model's words; None: the template's
    passed: int  # candidates that passed the ranker

    @property
    def model(self) -> bool:
        return self.score is not None


def choose(candidates: Sequence[tuple[str, float]], case: TurnCase, encoder: Encoder) -> Choice:
    """The best of ``candidates`` (raw text, mean token log-probability) that passes the ranker
    (interviewer.dialog.ranker), else the template."""
    chosen, passed = ranker.best(candidates, rank_context(case), encoder)
    if chosen is None or chosen.text is None:
        return Choice(template(case), None, passed)
    return Choice(chosen.text, chosen.score, passed)
