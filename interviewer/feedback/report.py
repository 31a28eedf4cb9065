"""Per-answer assessment and the end-of-interview report.

Heuristic and transparent: every verdict comes with the words that produced it, so the candidate
can see why an answer was judged vague, which STAR parts it had, and which sentence covered a
requirement. Relevance (``interviewer.feedback.relevance``) and the reading of the words
(``interviewer.feedback.star``) are measured on ``fixtures/answers.jsonl`` by ``manage.py evaluate_feedback``.

The candidate's own questions (answers to ``Act.CANDIDATE_QUESTIONS``, or answers that are
themselves questions to the interviewer) are recognised and never graded.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from interviewer.encoders import Encoder
from interviewer.feedback import relevance as relevance_
from interviewer.feedback import star as star_
from interviewer.matching import coverage as coverage_
from interviewer.text import spoken_sentences, stem
from interviewer.vocabulary import Act, Style

SHORT_WORDS = 15
OFF_TOPIC_ANSWER = "an off-topic answer"  # the follow-up reason (the turn's plan ends with it)
VAGUE_BELOW = 0.7  # star.Reading.specifics under this is vague (fitted on the train half)
COVER_THRESHOLD = 0.3  # cosine between a requirement and the answer sentence that supports it
SINGLE_WORD_EXTRA = 0.2  # a sentence sharing one content word with the requirement must be this much closer
# Requirement words too common to show support on their own ("strong experience with ...").
GENERIC_REQUIREMENT_WORDS = frozenset(
    stem(w)
    for w in """experience experienced ability able skill skills strong excellent good great proven demonstrated
    knowledge understanding familiarity working work works team teams including include years year plus
    preferred required requirement desirable solid deep hands-on environment role candidate other related
    similar such using use used new best high level within across various multiple""".split()
)
NEGATED = re.compile(
    r"\b(?:don'?t|do not|didn'?t|did not|haven'?t|have not|hasn'?t|never|no experience|not yet|wasn'?t|"
    r"isn'?t|lack|without)\b",
    re.I,
)
STAR_TIPS = {
    "situation": "set the scene in one sentence (where, when, what was at stake)",
    "task": "say what you were responsible for",
    "action": "say what you did yourself, step by step",
    "result": "finish with the result, ideally a number",
}


@dataclass
class Coverage:
    """A requirement an answer really supports, and the sentence of the answer that does."""

    requirement: str
    sentence: str
    similarity: float


@dataclass
class AnswerFeedback:
    question: str
    answer: str
    words: int
    relevance: float  # 0-1; below 0.5 the answer is off-topic (0.5 when there was no encoder)
    specificity: float  # 0-1: numbers, names, things done, STAR structure; hedges subtract
    star: dict[str, bool] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    short: bool = False
    vague: bool = False
    off_topic: bool = False
    unknown: bool = False  # "I don't know", "not sure, it depends": vague, never off-topic
    candidate_question: bool = False  # the candidate's own question: not graded
    tips: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)  # STAR part -> the words that show it
    hedges: list[str] = field(default_factory=list)

    @property
    def covered_requirements(self) -> list[str]:
        return [c.requirement for c in self.coverage]

    @property
    def needs_follow_up(self) -> bool:
        return not self.candidate_question and (self.short or self.vague or self.off_topic)

    @property
    def follow_up_reason(self) -> str:
        if self.candidate_question:
            return ""
        if self.off_topic:
            return OFF_TOPIC_ANSWER
        if self.short:
            return "a short answer"
        return "a vague answer" if self.vague else ""

    def follow_up_reason_for(self, style: Style) -> str:
        """Why an interviewer of ``style`` follows this answer up ("" for not): a friendly one only
        an answer off the question; a neutral one a short or vague one too
        (:attr:`follow_up_reason`); a demanding one also pushes for what a strong answer has, in
        order: the candidate's own part, the result, a number."""
        why = self.follow_up_reason
        if style is Style.FRIENDLY:
            return why if why == OFF_TOPIC_ANSWER else ""
        if why or style is Style.NEUTRAL:
            return why
        if not self.star.get("action"):
            return "an answer without your own part"
        if not self.star.get("result"):
            return "an answer without its result"
        return "" if self.numbers else "an answer without a number"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


INVITATION = re.compile(
    r"\b(?:questions? (?:do you have|for (?:me|us)|you(?:'d| would) like)|(?:anything|what) (?:else )?(?:would |do )?"
    r"you(?:'d)? (?:like|want) to (?:ask|know)|over to you|ask (?:me|us) anything)\b",
    re.I,
)


def is_candidate_question(question: str, answer: str, act: Act | str | None) -> bool:
    """The candidate's own question: any answer to the invitation to ask (``act``, or the question's
    words when the act is unknown), or an answer that is itself a question to the interviewer."""
    invited = str(act) == Act.CANDIDATE_QUESTIONS if act else bool(INVITATION.search(question))
    return invited or star_.asks_back(answer)


def assess(
    question: str,
    answer: str,
    encoder: Encoder | None = None,
    grounding: list[str] | None = None,
    requirements: list[str] | None = None,
    requirement_vectors: np.ndarray | None = None,
    act: Act | str | None = None,
    cover_threshold: float = COVER_THRESHOLD,
) -> AnswerFeedback:
    """Judge one answer to ``question`` (whose act is ``act`` and whose facts are ``grounding``).

    Relevance needs an encoder (without one it is 0.5 and nothing is off-topic); coverage needs
    an encoder and the requirement list (``requirement_vectors``: their encodings, if at hand).
    """
    count = len(answer.split())
    if is_candidate_question(question, answer, act):
        return AnswerFeedback(question, answer, count, 0.0, 0.0, dict.fromkeys(star_.PARTS, False),
                              candidate_question=True)  # fmt: skip
    reading = star_.read(answer)
    score, off_topic = 0.5, False
    if encoder is not None and answer.strip():
        judged = relevance_.judge(answer, [question, *(grounding or [])], encoder)
        score = judged.score
        off_topic = judged.off_topic and not reading.unknown and count >= 4
    heard = not off_topic and not reading.unknown
    result = AnswerFeedback(
        question,
        answer,
        count,
        round(score, 3),
        round(min(1.0, max(0.0, reading.specifics / 3.0)), 3),
        {part: heard and ok for part, ok in reading.star.items()},
        reading.numbers,
        short=count < SHORT_WORDS,
        vague=reading.unknown or (not off_topic and reading.specifics < VAGUE_BELOW),
        off_topic=off_topic,
        unknown=reading.unknown,
        evidence=reading.evidence if heard else {},
        hedges=reading.hedges,
    )
    if heard and not result.vague and encoder is not None and requirements:
        result.coverage = coverage(answer, requirements, encoder, requirement_vectors, cover_threshold, asked=grounding)
    result.tips = tips(result)
    return result


def coverage(
    answer: str,
    requirements: list[str],
    encoder: Encoder,
    requirement_vectors: np.ndarray | None = None,
    threshold: float = COVER_THRESHOLD,
    limit: int = 3,
    asked: list[str] | None = None,
) -> list[Coverage]:
    """The requirements the answer really supports, best first, each with the sentence that does.

    A sentence supports a requirement when it says something concrete (a number, a name or a
    thing done) and shares content words with the requirement that are not boilerplate
    ("experience", "strong", "skills") and not in a clause that denies them ("I don't have a
    Master's"): two such words or a name (WCAG, Zendesk) at a cosine of at least ``threshold``
    (the sentence's or the whole answer's, whichever is higher), or one ordinary word at
    ``threshold + SINGLE_WORD_EXTRA``. A generic sentence ("I have strong communication skills")
    supports nothing.

    ``asked``: the requirements the question probed. An on-topic, specific answer (the caller's
    judgement) that tells what the candidate did (a first-person action, not "I would") supports
    them unless it denies them; its closest sentence with an action is quoted. A list requirement
    is supported only when the answer names every item of it.
    """
    parts = _concrete_units(answer)
    if not parts or not requirements:
        return []
    req = requirement_vectors if requirement_vectors is not None else encoder.encode(requirements)
    vectors = encoder.encode([answer, *parts])
    whole, sims = req @ vectors[0], req @ vectors[1:].T  # (requirements,), (requirements, sentences)
    found = []
    said = coverage_.resume_vocabulary([answer])
    for i, requirement in enumerate(requirements):
        items = coverage_.items_of(requirement)
        if items and not all(coverage_.names_item(item, said) for item in items):
            continue  # "Hadoop, Spark and Kafka" is backed only when the answer names each of them
        wanted = relevance_.content_words(requirement) - GENERIC_REQUIREMENT_WORDS
        names = {stem(n) for n in star_.named(requirement)}
        if requirement in (asked or []):
            j = _probed_support(parts, sims[i], wanted)
            if j is not None:
                found.append(Coverage(requirement, parts[j], round(max(float(sims[i, j]), float(whole[i])), 3)))
                continue
        supported = _supporting(requirement, parts, sims[i], float(whole[i]), wanted, names, threshold)
        if supported is not None:
            found.append(supported)
    return sorted(found, key=lambda c: -c.similarity)[:limit]


def _supporting(
    requirement: str,
    parts: list[str],
    sims: np.ndarray,
    whole: float,
    wanted: set[str],
    names: set[str],
    threshold: float,
) -> Coverage | None:
    """The closest sentence that supports ``requirement`` by its shared words (see :func:`coverage`)."""
    for j in np.argsort(-sims, kind="stable"):
        similarity = max(float(sims[j]), whole)
        shared = wanted & _affirmed_words(parts[j])
        if similarity < threshold:
            break
        if len(shared) >= 2 or shared & names or (shared and similarity >= threshold + SINGLE_WORD_EXTRA):
            return Coverage(requirement, parts[j], round(similarity, 3))
    return None


def _probed_support(parts: list[str], sims: np.ndarray, wanted: set[str]) -> int | None:
    """The sentence that answers a probe of a requirement by telling what was done, if any."""
    if any(wanted & (relevance_.content_words(p) - _affirmed_words(p)) for p in parts):
        return None  # the answer denies part of the requirement
    acting = [j for j, p in enumerate(parts) if star_.actions(p)]
    return max(acting, key=lambda j: float(sims[j])) if acting else None


def _affirmed_words(sentence: str) -> set[str]:
    """Content words of the sentence's clauses that deny nothing ("I don't have a Master's, but I ..."
    affirms only what follows "but")."""
    clauses = re.split(r",|;|\bbut\b|\bhowever\b|\balthough\b|\bthough\b", sentence, flags=re.I)
    return set().union(set(), *(relevance_.content_words(c) for c in clauses if not NEGATED.search(c)))


def _support_units(answer: str) -> list[tuple[str, str]]:
    """(unit, its sentence): sentences, a long run-on sentence cut at commas into ~25-word pieces."""
    units: list[tuple[str, str]] = []
    for sentence in spoken_sentences(answer):
        if len(sentence.split()) <= 40:
            units.append((sentence, sentence))
            continue
        piece: list[str] = []
        for clause in sentence.split(", "):
            piece.append(clause)
            if len(" ".join(piece).split()) >= 25:
                units.append((", ".join(piece), sentence))
                piece = []
        if piece:
            units.append((", ".join(piece), sentence))
    return units


def _concrete_units(answer: str) -> list[str]:
    """The units that report something done or measured: a number, or a first-person action
    (read in the whole sentence, so "I'd ask for a review, so I pick up..." stays hypothetical)."""
    out = []
    for unit, sentence in _support_units(answer):
        done = [a.split()[-1] for a in star_.actions(sentence)]
        if star_.numbers(unit) or any(re.search(rf"\b{re.escape(verb)}\b", unit) for verb in done):
            out.append(unit)
    return out


def tips(a: AnswerFeedback) -> list[str]:
    """What to do differently next time, most important first (at most three)."""
    out = []
    if a.off_topic:
        return ["Answer the question that was asked: start with one sentence that names its subject."]
    if a.unknown:
        out.append("Instead of 'I don't know', give the nearest example you have, or how you would find out.")
    if a.short:
        out.append("Say more: give one concrete example of what you did.")
    hedges = list(dict.fromkeys(h.lower() for h in a.hedges))[:2]
    if hedges:
        out.append("Drop hedges like " + " or ".join(f"'{h}'" for h in hedges) + "; state what you did.")
    if a.unknown:
        return out[:3]
    if a.vague:
        out.append("Be specific: name the tool, the people, the steps you took.")
    if not a.numbers:
        out.append("Add a number: scale, time saved, money, people, percentage.")
    missing = [p for p, ok in a.star.items() if not ok]
    if missing and not a.short:
        out.append("Use the STAR shape; missing: " + ", ".join(missing) + ".")
    return out[:3]


def practice_note(a: AnswerFeedback) -> str:
    """The one line practice mode shows after an answer: how it did, and the first thing to change
    ("" for the candidate's own question, which is not graded)."""
    if a.candidate_question:
        return ""
    row = verdict(a)
    said = ", ".join([row["relevance"].capitalize()] + ([row["specificity"]] if row["specificity"] else []))
    if a.numbers:
        said += "; numbers: " + ", ".join(a.numbers[:2])
    parts = [said + "."] + ([] if a.off_topic else [f"STAR: {row['star']}."])
    parts.append("Next: " + a.tips[0][0].lower() + a.tips[0][1:] if a.tips else "Strong answer: keep this shape.")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# The report


def excerpt(text: str, limit: int = 25) -> str:
    """The first ``limit`` words, with an ellipsis when cut."""
    words = text.split()
    return " ".join(words[:limit]) if len(words) <= limit else " ".join(words[:limit]).rstrip(".,;:") + "…"


def quote(text: str, limit: int = 25) -> str:
    """An excerpt in quotation marks, without the full stop that would double the sentence's own."""
    return "“" + excerpt(text, limit).rstrip(".,;: ") + "”"


def best_sentence(answer: str) -> str:
    """The sentence of an answer most worth quoting back: the most concrete one."""
    units = [u for u, _sentence in _support_units(answer)] or [answer]
    return max(units, key=lambda s: (star_.read(s).specifics, -units.index(s)))


def quality(a: AnswerFeedback) -> float:
    """One number to rank answers: on-topic, concrete, structured; flags cost a lot."""
    value = a.relevance + a.specificity + 0.25 * sum(a.star.values()) + (0.25 if a.numbers else 0.0)
    return value - 2.0 * a.off_topic - 1.5 * a.unknown - 0.75 * a.vague - 0.5 * a.short


def strong(a: AnswerFeedback) -> bool:
    return not (a.off_topic or a.unknown or a.vague or a.short or a.candidate_question)


def verdict(a: AnswerFeedback) -> dict[str, Any]:
    """One row of the per-question table."""
    if a.candidate_question:
        relevance, specificity = "—", "your question"
    else:
        relevance = "off topic" if a.off_topic else "on topic"
        specificity = (
            ""
            if a.off_topic
            else "no answer"
            if a.unknown
            else "short"
            if a.short and a.vague
            else "vague"
            if a.vague
            else "short"
            if a.short
            else "specific"
        )
    return {
        "question": a.question,
        "answer": a.answer,
        "excerpt": excerpt(a.answer),
        "relevance": relevance,
        "specificity": specificity,
        "star": "".join(p[0].upper() if a.star.get(p) else "·" for p in star_.PARTS),
        "star_parts": [p for p in star_.PARTS if a.star.get(p)],
        "numbers": a.numbers[:3],
        "covers": [{"requirement": c.requirement, "sentence": c.sentence} for c in a.coverage],
        "tips": a.tips[:2],
        "graded": not a.candidate_question,
    }


def _why_strong(a: AnswerFeedback) -> str:
    reasons = []
    if a.numbers:
        reasons.append("numbers (" + ", ".join(a.numbers[:2]) + ")")
    if all(a.star.values()):
        reasons.append("a complete situation-task-action-result story")
    elif a.star.get("action"):
        reasons.append(f"what you did yourself ({a.evidence.get('action', 'your actions')}…)")
    return ", ".join(reasons) or "it stayed on the question and was concrete"


def _why_weak(a: AnswerFeedback) -> str:
    if a.off_topic:
        return "it was not about the question; answer the question first, then add context"
    if a.unknown:
        return "you said you did not know; give the nearest example you have, or how you would find out"
    missing = [p for p, ok in a.star.items() if not ok]
    what = []
    if a.short:
        what.append(f"it was short ({a.words} words)")
    if a.vague:
        what.append("it had no concrete example, name or number")
    if missing and not what:
        what.append("it lacked the " + ", ".join(missing))
    fix = STAR_TIPS["action"] if not a.star.get("action") else STAR_TIPS.get(missing[0], "") if missing else ""
    return "; ".join(what) + (f"; next time {fix}" if fix else "")


def mean(values: list[float]) -> float:
    """The mean of ``values`` to three places (0 for none)."""
    return round(sum(values) / len(values), 3) if values else 0.0


def _strengths(graded: list[AnswerFeedback], covered: list[Coverage], total_requirements: int) -> list[str]:
    out = []
    n = len(graded)
    good = [a for a in graded if strong(a)]
    if good:
        best = max(good, key=quality)
        out.append(
            f"Your strongest answer, to {quote(best.question, 14)}: {quote(best_sentence(best.answer), 30)}"
            f" — it had {_why_strong(best)}."
        )
    with_numbers = [a for a in graded if a.numbers and not a.off_topic]
    if with_numbers and len(with_numbers) >= max(1, n // 2):
        sample = ", ".join(dict.fromkeys(x for a in with_numbers for x in a.numbers[:1]))
        out.append(f"You backed {len(with_numbers)} of {n} answers with numbers ({excerpt(sample, 8)}).")
    complete = [a for a in graded if all(a.star.values())]
    if complete:
        out.append(f"{len(complete)} answer(s) told a complete story: situation, task, action and result.")
    if n >= 2 and not any(a.off_topic for a in graded) and len(good) >= n / 2:
        out.append("Every answer stayed on the question asked.")
    if covered:
        c = covered[0]
        out.append(
            f"Your answers backed {len(covered)} of {total_requirements} job requirements, e.g. "
            f"{quote(c.requirement, 12)} with {quote(c.sentence, 20)}."
        )
    if not out and any(not a.off_topic and not a.unknown for a in graded):
        usable = max(graded, key=quality)
        out.append(f"You answered {quote(usable.question, 14)} on topic: {quote(usable.answer, 20)}.")
    return out[:5]


def practise_again(answers: list[AnswerFeedback]) -> list[tuple[int, str]]:
    """(question number as the report counts it, why) of every answer to practise again: off the
    question, vague, "I don't know", or on topic without a result."""
    out = []
    for k, a in enumerate(answers, start=1):
        if a.candidate_question:
            continue
        why = (
            "off the question"
            if a.off_topic
            else "no answer"
            if a.unknown
            else "vague"
            if a.vague
            else "no result"
            if not a.star.get("result")
            else ""
        )
        if why:
            out.append((k, why))
    return out


def overall(graded: list[AnswerFeedback], backed: int, requirements: int) -> dict[str, Any]:
    """One score out of 100 and the four things it is the mean of, each out of 100."""
    if not graded:
        return {"score": 0, "parts": {}}
    n = len(graded)
    parts = {
        "relevance": round(100 * sum(a.relevance for a in graded) / n),
        "specificity": round(100 * sum(a.specificity for a in graded) / n),
        "STAR completeness": round(100 * sum(sum(a.star.values()) / len(a.star) for a in graded) / n),
    }
    if requirements:
        parts["requirements backed"] = round(100 * backed / requirements)
    return {"score": round(sum(parts.values()) / len(parts)), "parts": parts}


def _practise(
    graded: list[AnswerFeedback], uncovered: list[str], top: int = 3, answers: list[AnswerFeedback] | None = None
) -> list[str]:
    answers = graded if answers is None else answers
    out = []
    n = len(graded)
    weak = [a for a in graded if not strong(a)]
    if weak:
        worst = min(weak, key=quality)
        out.append(
            f"Your weakest answer, to {quote(worst.question, 14)}: {quote(worst.answer, 20)} — {_why_weak(worst)}."
        )
    again = practise_again(answers)
    if again:
        out.append("Answer again: " + "; ".join(f"question {k} ({why})" for k, why in again) + ".")
    if graded:
        for part in ("result", "action", "situation", "task"):
            lacking = [a for a in graded if not a.star.get(part)]
            if len(lacking) > n / 2:
                out.append(f"{len(lacking)} of {n} answers lacked the {part}: {STAR_TIPS[part]}.")
                break
        if sum(1 for a in graded if not a.numbers) > n / 2:
            out.append("Quantify: most answers had no number (scale, time, money, people, percentage).")
    if uncovered:
        named = "; ".join(quote(r, 10) for r in uncovered[:top])
        more = f" and {len(uncovered) - top} more" if len(uncovered) > top else ""
        out.append(f"Prepare an example for the requirements no answer backed: {named}{more}.")
    if not n:
        out.append("Answer at least one question to get feedback.")
    return out[:5]


def report(
    answers: list[AnswerFeedback], requirements: list[str], match_overall: float | None = None, top: int = 5
) -> dict[str, Any]:
    """The end-of-interview report: strengths and what to practise quoting the answers, a row per
    question, and requirement coverage with the supporting sentences (``top`` uncovered shown)."""
    graded = [a for a in answers if not a.candidate_question]
    first: dict[str, Coverage] = {}
    for a in graded:
        for c in a.coverage:
            if c.requirement not in first or c.similarity > first[c.requirement].similarity:
                first[c.requirement] = c
    order = {r: i for i, r in enumerate(requirements)}
    covered = sorted(first.values(), key=lambda c: order.get(c.requirement, len(order)))
    uncovered = [r for r in requirements if r not in first]
    n = len(graded)
    score = overall(graded, len(covered), len(requirements))
    summary = (
        f"{n} answer(s): {sum(1 for a in graded if not a.off_topic)} on topic, {sum(1 for a in graded if strong(a))} "
        f"specific, {sum(1 for a in graded if all(a.star.values()))} with a complete STAR story; "
        f"{len(covered)} of {len(requirements)} requirements backed by an answer."
    )
    strengths = _strengths(graded, covered, len(requirements))
    return {
        "summary": summary,
        "strengths": strengths or ["You completed the interview: that is practice most people skip."],
        "practise": _practise(graded, uncovered, answers=answers),
        "overall": score,
        "relevance": mean([a.relevance for a in graded]),
        "specificity": mean([a.specificity for a in graded]),
        "match_overall": match_overall,
        "covered_requirements": [{"requirement": c.requirement, "sentence": c.sentence} for c in covered],
        "uncovered_requirements": uncovered,
        "uncovered_top": uncovered[:top],
        "uncovered_more": max(0, len(uncovered) - top),
        "rows": [verdict(a) for a in answers],
        # What the candidate asked ("No, that's all" answers the invitation but asks nothing).
        "candidate_questions": [a.answer for a in answers if a.candidate_question and star_.asks_back(a.answer)],
        "answers": [a.as_dict() for a in answers],
    }
