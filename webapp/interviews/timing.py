"""The optional answer timer: a target length per answer, shown while answering and noted in the report.

The candidate picks a time per answer on the start form (``ANSWER_SECONDS``). A spoken answer is held
to that time and its pace (its delivery, as heard); a typed answer to a number of words, since typing
takes far longer than saying the same thing: :data:`TYPED_WORDS_PER_MINUTE` words for each minute of
the target, a written answer of about the length a spoken one of that time would carry once its
fillers and repetitions are gone. The time an answer took is counted on the server, from the saved
question to the saved answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webapp.interviews.models import Turn

ANSWER_SECONDS = (60, 120, 180)  # the choices on the start form
TYPED_WORDS_PER_MINUTE = 75


def target(seconds: int | None) -> dict[str, int] | None:
    """The target of an answer: its seconds and, for a typed answer, its words (None: no timer)."""
    if not seconds:
        return None
    return {"seconds": seconds, "words": round(seconds / 60 * TYPED_WORDS_PER_MINUTE)}


def clock(seconds: float) -> str:
    """0:45, 2:05."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def note(answer: Turn, question: Turn | None, goal: dict[str, int]) -> dict[str, Any]:
    """How one answer measured against the target: spoken, its speech time and pace; typed, the
    time from the question to the answer and its words."""
    spoken = answer.delivery or {}
    if spoken.get("speech_seconds"):
        took = float(spoken["speech_seconds"])
        over = took > goal["seconds"]
        pace = f", {spoken['wpm']} words a minute" if spoken.get("wpm") else ""
        said = f"spoken in {clock(took)} of {clock(goal['seconds'])}{pace}"
    else:
        took = (answer.created - question.created).total_seconds() if question is not None else 0.0
        words = len(answer.text.split())
        over = words > goal["words"] * 1.25
        said = f"{words} words in {clock(took)}; target about {goal['words']} words"
    return {"text": said, "over": over, "seconds": round(took)}


def annotate(rows: list[dict[str, Any]], pairs: Sequence[tuple[Turn | None, Turn]], seconds: int | None) -> None:
    """Add each answered row of the report its ``timing`` note, when the interview had a timer;
    ``pairs`` are the rows' (question, answer) turns (webapp.interviews.models.answered)."""
    goal = target(seconds)
    if goal is None:
        return
    for row, (question, answer) in zip(rows, pairs, strict=False):
        row["timing"] = note(answer, question, goal)
