"""Talking points: what a strong answer from *this* candidate would touch, for one question.

Built from what the question was grounded on (its turn's facts): the resume lines to bring (for a
behavioral question, only lines that tell of something done: a bare name is no story), the posting's
line the answer should connect to, the amounts those resume lines already hold (no version numbers,
no lone digits), and a STAR outline whose result asks for the amount the resume already has. Every
word comes from the two documents or from the outline's fixed prompts, so a talking point never
claims what the resume does not say: for a requirement the match found no resume line for, it says
so (the match may miss one: it does not say the resume has none) and asks for the nearest example.

The outline follows the question: the opening's now, past and why; a gap's nearest example, plan and
proof (it asks how the candidate would get there); a STAR story otherwise.

Pure: no Django. The chat shows them under each question once it is answered (or before, when the
candidate turns hints on).

Judged blind on the 10 held-out interviews (40 questions, one helper): 17 ok, 14 odd, 9 bad before the
story rule, the amounts rule and the gap note's wording; the odd and bad were bare names offered for
behavioral stories, gap notes where the resume named the skill elsewhere, versions as amounts, and job
lines that are no requirements (the plan's, not the talking points'). On 40 other questions after
those three fixes: 19 ok, 20 odd, 1 bad, the odd mostly a STAR story asked of a gap probe (a plan
is wanted) or of the opening; hence the outline by act.
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


def _outline(act: Act, brought: bool, found: list[str]) -> list[str]:
    """What to say, in order: the opening's present, past and why; a gap's plan (the question asks
    how the candidate would get there, not for a story they may not have); else a STAR story."""
    if act is Act.OPENING:
        return [
            "Now: your current role or studies, in one sentence.",
            "Past: the one or two things you have done that lead to this job"
            + (", such as the line above." if brought else "."),
            "Why: what draws you to this role, in the posting's own terms.",
        ]
    if act is Act.GAP_PROBE:
        return [
            "Nearest: a time you did something close to it, if you have one.",
            "Plan: how you would learn it, and what you would do first.",
            "Proof: how you would show progress, with a number if you can.",
        ]
    return [
        "Situation: where and when" + (", on the first line above." if brought else ", one real time."),
        "Task: what you were responsible for, and what was at stake.",
        "Action: the steps you took yourself (say “I”, not “we”).",
        "Result: what changed, "
        + (f"with the number you have ({found[0]})." if found else "with a number if you can."),
    ]


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
    # A behavioral question or the opening asks for a story: a bare name ("MySQL") is none to bring.
    story = act in (Act.BEHAVIORAL, Act.OPENING)
    resume = _lines(grounding, Source.RESUME, MIN_STORY_WORDS if story else 1)
    job = _lines(grounding, Source.JOB)
    found = _amounts(resume)
    outline = _outline(act, bool(resume), found)
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
