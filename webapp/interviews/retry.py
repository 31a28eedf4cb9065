"""Practise one question again: a short session that asks a finished interview's question anew and
compares the two answers side by side in its report.

The new session keeps what it repeats in ``settings["retry_of"]``: the first interview, the question
(its words, act and facts, asked again word for word) and the first answer's row of the report. Its
plan is two turns: the question, then a closing; its report adds the two rows, before and after.
Both interviews are kept. A retry is practice on one question: *My progress* leaves it out of the
charts of whole interviews.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from interviewer.dialog.policy import InterviewSettings, TurnPlan
from interviewer.matching.selector import FactRef, Selection
from interviewer.vocabulary import Act, Reason
from webapp.interviews.models import InterviewSession, Turn, answered

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CLOSING = "That's the question practised again. Your report compares the two answers."
REASON = "practising one question again"


class RetryError(Exception):
    """The question cannot be practised again (no such answered question)."""


def start(candidate: User, session: InterviewSession, number: int) -> InterviewSession:
    """A new session that asks the question of the report's row ``number`` (1-based) again.

    Raises:
        RetryError: no graded answer has that number.
    """
    from webapp.interviews import interviews

    rows = (session.report or {}).get("rows") or []
    pairs = answered(list(session.turns.order_by("index")))
    question = pairs[number - 1][0] if 1 <= number <= min(len(rows), len(pairs)) else None
    if question is None or not rows[number - 1].get("graded"):
        raise RetryError("There is no answered question with that number in this interview.")
    first = interviews.interview_settings(session)
    chosen = InterviewSettings(questions=2, kind=first.kind, style=first.style, mode=first.mode)
    again = interviews.start(candidate, session.resume, session.job, chosen, session.settings.get("answer_seconds"))
    again.settings["retry_of"] = {
        "session": session.pk,
        "number": number,
        "question": question.text,
        "act": question.act,
        "grounding": question.grounding,
        "before": rows[number - 1],
    }
    again.save(update_fields=["settings"])
    return again


def _selections(grounding: list[dict[str, Any]]) -> tuple[Selection, ...]:
    """The question's facts as the plan names them: each fact with the resume line saved after it."""
    out: list[Selection] = []
    for g in grounding:
        ref = FactRef(int(g.get("fact_id", 0)), str(g["source"]), "", str(g["text"]), 0)
        if g.get("reason") == "evidence" and out:
            out[-1] = Selection(out[-1].fact, out[-1].score, out[-1].reason, ref)
        elif g.get("reason") != "evidence":
            reason = g.get("reason")
            out.append(Selection(ref, 1.0, Reason(reason) if reason in set(Reason) else Reason.ANSWER_LINK))
    return tuple(out)


def next_plan(retry_of: dict[str, Any], history: list[Turn]) -> TurnPlan:
    """The question again, word for word; after the answer, the closing; then nothing."""
    spoken = [t for t in history if t.role == Turn.Role.INTERVIEWER]
    if not spoken:
        act = Act(retry_of["act"]) if retry_of.get("act") else Act.BEHAVIORAL
        return TurnPlan(act, REASON, _selections(retry_of.get("grounding") or []), said=str(retry_of["question"]))
    if spoken[-1].act != Act.CLOSING:
        return TurnPlan(Act.CLOSING, "the question practised again", said=CLOSING)
    return TurnPlan(Act.CLOSING, "interview over", done=True)


def compare(report: dict[str, Any], retry_of: dict[str, Any]) -> dict[str, Any]:
    """The two answers' rows side by side: before (the first interview's) and after (this one's)."""
    after = next((r for r in report.get("rows") or [] if r.get("graded")), None)
    pairs = [("First answer", retry_of["before"])] + ([("This time", after)] if after else [])
    return {"session": retry_of["session"], "number": retry_of["number"], "before": retry_of["before"], "after": after,
            "pairs": pairs}  # fmt: skip
