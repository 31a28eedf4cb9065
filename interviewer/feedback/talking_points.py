"""Talking points: what a strong answer from *this* candidate would touch, for one question.

Built from what the question was grounded on (its turn's facts): the resume lines to bring, the
posting's line the answer should connect to, the numbers those resume lines already hold, and a
STAR outline whose result asks for the number the resume already has. Every word comes from the two documents or
from the outline's fixed prompts, so a talking point never claims what the resume does not say: for
a requirement the resume shows nothing of, it says so and asks for the nearest example instead.

Pure: no Django. The chat shows them after the answer (or before it, when the candidate turns hints
on); the report keeps them beside each question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from interviewer.feedback.star import numbers
from interviewer.vocabulary import Act, Source

MAX_LINES = 2  # resume lines to bring, and posting lines to connect to
_VERSION = re.compile(r"\b(?:version|v)\s*\d[\d.]*", re.I)  # "version 15" names a release, not an amount


def _lines(grounding: Sequence[dict[str, Any]], source: str) -> list[str]:
    out: list[str] = []
    for g in grounding:
        text = str(g.get("text", "")).strip()
        if g.get("source") == source and text and text not in out and g.get("shown", True):
            out.append(text)
    return out[:MAX_LINES]


def points(act: str | Act | None, grounding: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The talking points of a question asked as ``act`` on ``grounding`` (the turn's facts, as
    saved); None for turns that ask for no answer of the candidate's own (their questions, the
    closing)."""
    try:
        act = Act(act) if act else None
    except ValueError:
        act = None
    if act is None or act in (Act.CANDIDATE_QUESTIONS, Act.CLOSING):
        return None
    resume, job = _lines(grounding, Source.RESUME), _lines(grounding, Source.JOB)
    found = [n for line in resume for n in numbers(_VERSION.sub("", line))]
    outline = [
        "Situation: where and when" + (", on the first line above." if resume else ", one real time."),
        "Task: what you were responsible for, and what was at stake.",
        "Action: the steps you took yourself (say “I”, not “we”).",
        "Result: what changed, "
        + (f"with the number you have ({found[0]})." if found else "with a number if you can."),
    ]
    gap = act is Act.GAP_PROBE or (job and not resume and act is not Act.BEHAVIORAL)
    return {
        "bring": resume,
        "connect": job,
        "numbers": list(dict.fromkeys(found))[:3],
        "outline": outline,
        "gap": (
            "Your resume shows nothing for this: bring the nearest example you have, or say how you would learn it."
            if gap
            else ""
        ),
    }
