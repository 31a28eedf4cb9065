"""Talking points: what a strong answer from *this* candidate would touch, for one question.

Built from what the question was grounded on (its turn's facts): the resume lines to bring (for a
behavioral question, only lines that tell of something done: a bare name is no story), the posting's
line the answer should connect to, the amounts those resume lines already hold (no version numbers,
no lone digits), and a STAR outline whose result asks for the amount the resume already has. Every
word comes from the two documents or from the outline's fixed prompts, so a talking point never
claims what the resume does not say: for a requirement the match found no resume line for, it says
so (the match may miss one: it does not say the resume has none) and asks for the nearest example.

Pure: no Django. The chat shows them under each question once it is answered (or before, when the
candidate turns hints on).

Judged blind on the 10 held-out interviews (40 questions, one helper): 17 ok, 14 odd, 9 bad before the
story rule, the amounts rule and the gap note's wording; the odd and bad were bare names offered for
behavioral stories, gap notes where the resume named the skill elsewhere, versions as amounts, and job
lines that are no requirements (the plan's, not the talking points').
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from interviewer.feedback.star import numbers
from interviewer.vocabulary import Act, Source

MAX_LINES = 2  # resume lines to bring, and posting lines to connect to
MIN_STORY_WORDS = 4  # a resume line shorter than this is a name ("MySQL"), not a story to bring
# "version 15", "Java 6", "PHP 7.4" name a release, not an amount.
_VERSION = re.compile(r"\b(?:version|v|java|php|python|angular|ios|android|windows|net)\s*\d[\d.]*", re.I)


def _lines(grounding: Sequence[dict[str, Any]], source: str, words: int = 1) -> list[str]:
    out: list[str] = []
    for g in grounding:
        text = str(g.get("text", "")).strip()
        if g.get("source") == source and len(text.split()) >= words and text not in out and g.get("shown", True):
            out.append(text)
    return out[:MAX_LINES]


def _amounts(lines: Sequence[str]) -> list[str]:
    """The amounts the resume lines hold: no version ("Java 6", "version 15"), no lone digit ("2G")."""
    found = [n for line in lines for n in numbers(_VERSION.sub("", line))]
    return list(dict.fromkeys(n for n in found if not n.isdigit() or len(n) > 1))[:3]


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
    # A behavioral question asks for a story: a bare name on the resume ("MySQL") is none to bring.
    resume = _lines(grounding, Source.RESUME, MIN_STORY_WORDS if act is Act.BEHAVIORAL else 1)
    job = _lines(grounding, Source.JOB)
    found = _amounts(resume)
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
        "numbers": found,
        "outline": outline,
        "gap": (
            "The match found no line of your resume for this: bring the nearest example you have, or say how "
            "you would learn it."
            if gap
            else ""
        ),
    }
