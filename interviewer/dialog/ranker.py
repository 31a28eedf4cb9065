"""The ranker: which of the candidates decoded for a turn the interviewer says.

Every candidate is cleaned as the app cleans model output (:func:`generator.postprocess`),
then checked against hard rules and scored. A candidate *passes* when it breaks no rule:

- it is usable at all (English, one utterance, not assistant talk, 4-40 words); a question's
  lead-in sentence that the turn cannot stand behind (a claim of the model's own, words that
  follow from nothing) is dropped first, and the question is judged alone (``trim_lead_in``);
- it does not speak as a candidate would ("I've built...", "my experience"), names no number that
  neither the facts shown nor the dialog hold and no capitalised name the documents lack, and a
  requirement or gap probe does not tell the candidate they meet the requirement ("You're an
  expert in...") unless the resume evidence shown or their answers say so;
- it does not restate the instructions ("You're the interviewer", "Stage:", "Thank the candidate
  and close": the acts' labels, the instructions' wording, the candidate in the third person) and
  does not echo more than 6 consecutive words of an answer of the candidate's;
- it fits the act: every act but the closing ends on a question; an invitation of the
  candidate's questions invites them ("What would you like to know...?"); a closing thanks or says
  goodbye, asks nothing (no question mark, no "tell me about..."), promises neither a timeline
  (hours, days, weeks, a season) nor a decision (hiring you, an offer, a next round or interview)
  and has no number (digits or words) or capitalised name that is not in the documents;
- a probe names the selected fact (it shares two of its content words with it, or all of a
  shorter fact's: the grounding test of the evaluations) without copying more than 12
  consecutive words of any fact; naming only the resume evidence shown beside a job
  requirement does not count (``targets``: the facts the turn was planned to probe);
- a follow-up refers to what the candidate just said (a content word of the last answer, or
  embedding similarity >= 0.4 to it);
- it repeats nothing asked in this interview (word Jaccard < 0.6, embedding similarity < 0.9)
  and does not copy the prompt's exemplar (word Jaccard < 0.6).

Passing candidates are ordered by a score in [0, 1]:
``0.4 * grounding + 0.25 * fluency + 0.2 * act fit + 0.15 * novelty``, where grounding is the
mean of the key-word overlap with the facts and the embedding similarity to them (for acts
without facts: to the last answer or, failing that, 0.5), fluency maps the mean token
log-probability from [-3, 0] to [0, 1], act fit rewards a follow-up that asks for the missing
part (the candidate's own action, a number, the result) and a question of a natural length,
and novelty is 1 minus the highest similarity to an earlier question. Ties keep decode order.
The template fallback is the caller's: it is used only when no candidate passes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from interviewer.dialog.cleanup import AI_TALK, ROLE_LABEL, looks_english, postprocess
from interviewer.dialog.invented import NUMBER_WORDS, invents, names_unknown
from interviewer.dialog.metrics import is_grounded
from interviewer.encoders import Encoder
from interviewer.text import RUN, content_words, jaccard, key_words, made_up, tokens
from interviewer.vocabulary import Act

MIN_WORDS, MAX_WORDS = 4, 40
MAX_COPIED_WORDS = 12
MAX_ECHOED_WORDS = 6  # consecutive words of an answer: quoting a phrase of it, not parroting it
NEAR_REPEAT_JACCARD = 0.6
NEAR_REPEAT_SIMILARITY = 0.9
FOLLOW_UP_SIMILARITY = 0.4
WEIGHTS = {"grounding": 0.4, "fluency": 0.25, "act_fit": 0.2, "novelty": 0.15}

# Words of the prompt's instructions, not of an interviewer: the acts' labels, the instruction
# sentences' own wording, and the candidate in the third person ("Thank the candidate and close",
# a held-out closing; "the same approach as this candidate", a held-out follow-up).
INSTRUCTIONS = re.compile(
    r"\b(?:you(?:'re| are) (?:the|an?) interviewer|stage\s*:|facts? to ask|"
    r"ask one (?:specific |follow-up |behavioral |warm-up )?question|ask nothing|in one or two sentences|"
    r"(?:thank|greet|invite) the candidate|the candidate's (?:questions|last answer)|this candidate|"
    r"their last answer|(?:this|the) requirement of the job|(?:this|a) point from their resume|"
    r"a good question of this kind|part, a number|a number, or the result|"
    r"requirement_probe|resume_deep_dive|gap_probe|follow_up|candidate_questions|as the interviewer|"
    r"job requirement below|resume fact below|example question)\b",
    re.I,
)
# The candidate's questions are invited: "What questions do you have for me?", "What would you
# like to know about the team?", "Is there anything you'd like to ask?"
INVITES = re.compile(
    r"\b(?:(?:any|what|which|other|your) (?:other |more )?questions?|questions? for (?:me|us|the panel)|"
    r"(?:like|want|wish) to (?:ask|know|understand|learn|hear)|ask (?:me|us)\b|anything (?:else )?(?:you|about))",
    re.I,
)
ASKS_FOR_MISSING = re.compile(
    r"\b(?:you personally|your (?:own )?(?:part|role|contribution)|what did you|how did you|number|how many|"
    r"how much|measure|result|outcome|impact|specific|example|exactly|step)\b",
    re.I,
)
CLOSES = re.compile(
    r"\b(?:thank|thanks|appreciate|grateful|pleasure|enjoyed|good ?bye|bye|all the best|best of luck|good luck|"
    r"take care|in touch|that's all|that concludes|wrap(?:s|ped)? (?:it |things )?up)\b",
    re.I,
)
# The interviewer knows nothing of the hiring decision or its timeline: a closing that promises
# either made it up.
# A time is a promise when it says when ("within a week", "in two days", "next month"): the
# candidate's question may itself be about a typical week, and its closing says so.
PROMISES = re.compile(
    r"\b(?:"
    r"(?:(?:in|within|over|after|next|by|this|coming)(?: the next| a| an| a few| a couple of| \d+| one| two| three| "
    r"four| five)?|a few|a couple of|few|\d+|one|two|three|four|five) (?:business )?(?:hours?|days?|weeks?|months?|years?)"
    r"|tomorrow|(?:by|on|this|next) (?:monday|tuesday|wednesday|thursday|friday|weekend)"
    r"|(?:by|in|this|next) (?:spring|summer|autumn|fall|winter)"
    r"|hir(?:e|ing) you|offer|you(?:'ve| have) got the (?:job|role)|next round|onsite"
    r"|passed (?:the |this |our )?(?:technical |first )?(?:interview|round|stage)"
    r"|move (?:you )?forward|next stage|shortlist(?:ed)?|(?:follow-up|second|next|another|final) (?:interview|call|meeting)"
    r")\b",
    re.I,
)
# A closing after the candidate's question says who can answer it: the interviewer knows only the
# documents, and a closing that answered ("it is available", "we use a CRM") made the answer up.
REFERS = re.compile(
    r"\b(?:hiring manager|team lead|manager|recruiter|team) (?:can|could|will|would) (?:answer|speak|tell)", re.I
)
# The interviewer talking as a candidate would: experience of its own ("I've built a solid
# foundation in application development", a held-out opening) or wanting the job.
SPEAKS_AS_CANDIDATE = re.compile(
    r"\b(?:i(?:'ve| have)(?: also)? (?:built|worked|led|managed|developed|designed|created|delivered|spent|used|"
    r"gained|learned|been (?:working|leading|building|using))|i(?:'m| am) (?:so |really )?(?:excited|eager|keen|"
    r"passionate|thrilled) (?:about|to)|my (?:experience|background|resume|cv|skills|career|degree|"
    r"previous (?:role|job)))\b",
    re.I,
)
# A gap probe asks about work the resume does not show: "How do you typically approach it?" asks how
# they do what nothing says they do (the blind judges: presuming).
PRESUMES_PRACTICE = re.compile(
    r"\bhow do you (?:typically|usually|normally|generally|currently)\b|\bhow did you (?:gain|build|develop|acquire) "
    r"(?:this|that|these|your|such)\b",
    re.I,
)
# A lead-in that only acknowledges the answer or greets: "Thanks for that.", "That's a good
# start.", "Hello, and welcome to the Platform Engineer role."
ACKNOWLEDGES = re.compile(
    r"^(?:thanks|thank you|great|good|nice|okay|ok|right|i see|got it|understood|that makes sense|"
    r"that(?:'s| is) (?:helpful|useful|clear|interesting|great|good|a good (?:start|starting point|point|answer))|"
    r"hi|hello|welcome|good (?:morning|afternoon|evening))\b",
    re.I,
)
MAX_ACKNOWLEDGEMENT_WORDS = 12
# Asking without a question mark: a closing that says "Tell me about your approach..." asks.
ASKS = re.compile(
    r"\b(?:tell me|tell us|walk me through|talk me through|describe|explain|share (?:with me|more|how|what|your)|"
    r"(?:love|like|want) to hear more)\b",
    re.I,
)
# A sentence that tells the candidates what they are, have or did: "You're an expert in...",
# "You have a diploma...", "You mentioned ... in your resume." (held-out probes that said the
# job's requirement was the candidate's own).
CLAIMS_OF_THE_CANDIDATE = re.compile(
    r"^\W*(?:so,?\s+)?(?:you(?:'re| are|'ve| have| had| must| know| worked| ran| built| led| used| mentioned)|"
    r"your (?:knowledge|experience|skills?|background|resume|cv|degree))\b",
    re.I,
)
_LEAD_IN = re.compile(r"(?<=[.!])\s+")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|,\s+(?:and|but)\s+")


@dataclass(frozen=True)
class RankContext:
    """What a turn's words are judged against."""

    act: Act
    facts: Sequence[str] = ()  # every fact the prompt showed (selected facts and their evidence)
    last_answer: str = ""
    asked: Sequence[str] = ()  # the interviewer's earlier turns in this interview
    known_words: frozenset[str] = frozenset()  # lower-cased words of both documents (closings)
    exemplars: Sequence[str] = ()  # the exemplars the prompt showed: adapt them, never copy them
    targets: Sequence[str] | None = None  # the facts a probe must name (None: every one of ``facts``)
    answers: Sequence[str] = ()  # the candidate's earlier answers (never echoed, like the last one)

    @property
    def must_name(self) -> Sequence[str]:
        return self.facts if self.targets is None else self.targets

    @cached_property
    def shown(self) -> frozenset[str]:
        """The words of what the prompt showed: the facts and the dialog (once per turn, not per candidate)."""
        said = [*self.facts, self.last_answer, *self.answers, *self.asked]
        return frozenset(w for text in said for w in tokens(text))

    @cached_property
    def known(self) -> frozenset[str]:
        """The words of both documents and of what the prompt showed (built once per turn: the
        sentence checks ask for it on every sentence of every candidate)."""
        return self.known_words | self.shown

    @cached_property
    def asked_about(self) -> frozenset[str]:
        """The words of the candidate's last answer (a closing may name what their question asked)."""
        return frozenset(tokens(self.last_answer))


@dataclass
class Verdict:
    raw: str
    text: str | None  # the cleaned utterance (None when unusable)
    passed: bool = False
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)  # the rules it broke
    features: dict[str, float] = field(default_factory=dict)


def rank(candidates: Sequence[tuple[str, float]], ctx: RankContext, encoder: Encoder) -> list[Verdict]:
    """Judge ``(raw text, mean token log-probability)`` candidates; passing ones first, best first."""
    verdicts = [_clean(raw, ctx) for raw, _ in candidates]
    usable = [v for v in verdicts if v.text is not None]
    if usable:
        _judge(
            usable, [lp for (_, lp), v in zip(candidates, verdicts, strict=True) if v.text is not None], ctx, encoder
        )
    order = sorted(range(len(verdicts)), key=lambda i: (not verdicts[i].passed, -verdicts[i].score, i))
    return [verdicts[i] for i in order]


def best(candidates: Sequence[tuple[str, float]], ctx: RankContext, encoder: Encoder) -> tuple[Verdict | None, int]:
    """The best passing candidate (None if none passes) and how many passed."""
    ranked = rank(candidates, ctx, encoder)
    passed = sum(v.passed for v in ranked)
    return (ranked[0] if passed else None), passed


def judge(text: str, ctx: RankContext, encoder: Encoder, logprob: float = 0.0) -> Verdict:
    """Judge ``text`` exactly as it is (no cleaning, no lead-in dropped): the words of a streamed
    turn, some of which the candidate has already seen."""
    verdict = Verdict(text, text)
    _judge([verdict], [logprob], ctx, encoder)
    if ctx.act.asks_question and not asks(text):
        verdict.reasons.append("asks nothing")
    elif ctx.act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE) and ctx.must_name and not _asks_about_it(text, ctx):
        verdict.reasons.append("the question leaves the fact")
    verdict.passed = not verdict.reasons
    return verdict


# Words by which a question points back at what the sentence before it named.
_REFERS = frozenset("it this that these those them such there its their".split())


def _asks_about_it(text: str, ctx: RankContext) -> bool:
    """Whether a probe's question (its last sentence) is about the fact: it names one of the fact's
    words or points back at it ("What experience do you have with it?"), rather than asking
    something else after naming the fact ("This role requires C#. What language do you know well?")."""
    question = [s for s in _LEAD_IN.split(text.strip()) if s][-1]
    words = set(tokens(question))
    return bool(words & _REFERS) or any(words & key_words(fact) for fact in ctx.must_name)


def sentence_problems(sentence: str, ctx: RankContext, first: bool = True) -> list[str]:
    """What is wrong with one finished sentence of a turn, on its own (the rules that need nothing
    after it); empty when it may be shown. ``first``: nothing of the turn was shown before it."""
    text = sentence.replace("\u2019", "'").strip()
    problems = []
    if not text or ROLE_LABEL.match(text) or AI_TALK.search(text) or not looks_english(text):
        problems.append("unusable")
    if len(text.split()) > MAX_WORDS:
        problems.append("length")
    if recites(text):
        problems.append("restates the instructions")
    if _misquotes(text, ctx):
        problems.append("quotes words nobody said")
    # Checked per sentence too: on a vague answer the 1.5B went on after the code's quote with the
    # candidate's next words as its own ("I have done some of that, kind of."), shown before the
    # whole turn was refused for it.
    if max((_longest_run(_unquoted(text), a) for a in {ctx.last_answer, *ctx.answers}), default=0) > MAX_ECHOED_WORDS:
        problems.append("echoes the answer")
    problems += _says_what_it_cannot(text, ctx)
    if ctx.act is Act.BEHAVIORAL and len(_added_details(text, ctx)) >= MAX_ADDED_DETAILS:
        problems.append("adds details the fact does not give")
    if ctx.act is Act.BEHAVIORAL and first and _asked_before(text, ctx):
        problems.append("repeats a question")
    if ctx.act is Act.CLOSING and first and "?" in ctx.last_answer and not REFERS.search(text):
        problems.append("a closing that answers the candidate's question itself")
    if first and ctx.act.asks_question and not asks(text) and not _stands_behind(text, ctx):
        problems.append("a lead-in the turn cannot stand behind")
    return problems


def _says_what_it_cannot(text: str, ctx: RankContext) -> list[str]:
    """The rules a sentence and a whole turn share: words the interviewer cannot stand behind."""
    problems = []
    if SPEAKS_AS_CANDIDATE.search(text):
        problems.append("speaks as the candidate")
    if ctx.act.asks_question and (
        _number_nobody_gave(text, ctx) or (ctx.known_words and names_unknown(text, ctx.known))
    ):
        problems.append("names a number or name nobody gave")
    if made_up(text, ctx.known):
        problems.append("a word that is no word")
    if ctx.act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE) and _claims_the_requirement(text, ctx):
        problems.append("says the candidate meets the requirement")
    if ctx.act is Act.GAP_PROBE and PRESUMES_PRACTICE.search(text):
        problems.append("presumes the candidate does it")
    if ctx.act is Act.CLOSING and (_asks_or_promises(text) or invents(text, ctx.known_words | ctx.asked_about)):
        problems.append("a closing that asks or invents")
    return problems


# A behavioral question asks about the situation its fact gives and adds nothing of its own: on
# real CVs the 1.5B set a resume line in the hiring company's field ("... for a <the posting's
# trade> organization"), gave it a scale or a cause nobody wrote ("a complex issue that caused
# significant downtime"), or presumed an outcome ("How did it improve efficiency?"), and the blind
# judges called those turns odd or invented. A word counts as added when neither the facts nor the
# candidate's last answer have a word of the same first five letters ("developed" is "development"),
# and it is not one of the words of asking about a situation.
MAX_ADDED_DETAILS = 2
_ASKING_WORDS = frozenset(
    """time times recent recently project projects used use using worked working face faced facing challenge
    challenges challenging overcome approach approached problem problems handle handled result results outcome
    turn turned happened help helped make made easier harder situation part learn learned learnt impact decide
    decided steps step address addressed done lead led ensure went way ways specific example kind purpose main
    biggest hardest difficult issue issues describe successful success achieve achieved solve solved solution
    contribute contributed specifically own someone something anything end take took""".split()
)


def _added_details(text: str, ctx: RankContext) -> set[str]:
    """The content words of ``text`` that nothing the turn was given has (its facts, the last answer)."""
    if not ctx.must_name:
        return set()
    # Not the earlier answers: a behavioral question is about its fact, and an outcome one of them
    # happened to name ("an improvement") was presumed of another line ("How did that speed things up?").
    given = {w[:5] for source in (*ctx.facts, ctx.last_answer) for w in tokens(source)}
    return {w for w in content_words(_unquoted(text)) if w[:5] not in given and w not in _ASKING_WORDS}


# Two behavioral turns with no fact read the same prompt and opened on the same situation, word for
# word; the whole-turn repeat check missed it when the second one ended on a template question.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
REPEATED_SITUATION = 0.75


def _asked_before(sentence: str, ctx: RankContext) -> bool:
    """The sentence says (nearly) what the first sentence of an earlier question said: by content
    words, so the shared frame ("Tell me about a time you used ... on a recent project") is no repeat."""
    said = content_words(sentence)
    for question in ctx.asked:
        first = content_words(_SENTENCE_END.split(question.strip(), maxsplit=1)[0])
        if said and len(said & first) / len(said | first) >= REPEATED_SITUATION:
            return True
    return False


_QUOTED = re.compile(r"[\"“]([^\"“”]{2,}?)[\"”]")
MAX_QUOTED_WORDS = 12


def _misquotes(text: str, ctx: RankContext) -> bool:
    """Words in quotes that neither the candidate's answers nor the facts shown say (ignoring case
    and punctuation), or a quote too long to be a quote."""
    sources = [_plain(t) for t in (ctx.last_answer, *ctx.answers, *ctx.facts) if t]
    for quote in _QUOTED.findall(text):
        plain = _plain(quote)
        if not plain:
            continue
        if len(plain.split()) > MAX_QUOTED_WORDS or not any(plain in source for source in sources):
            return True
    return False


def _plain(text: str) -> str:
    return " ".join(tokens(text.replace("\u2019", "'")))


def _unquoted(text: str) -> str:
    """``text`` without its quoted words (a quote of the answer is not an echo of it)."""
    return _QUOTED.sub(" ", text)


def _clean(raw: str, ctx: RankContext) -> Verdict:
    text = postprocess(raw, list(ctx.asked), want_question=ctx.act.asks_question)
    if text is not None and ctx.act.asks_question and not recites(text):  # a recital is refused whole
        text = trim_lead_in(text, ctx)
    verdict = Verdict(raw, text)
    if text is None:
        verdict.reasons.append("unusable")
    return verdict


def _judge(verdicts: list[Verdict], logprobs: list[float], ctx: RankContext, encoder: Encoder) -> None:
    texts = [str(v.text) for v in verdicts]
    anchors = list(ctx.facts) + ([ctx.last_answer] if ctx.last_answer else []) + list(ctx.asked)
    vectors = encoder.encode(texts + anchors)
    own, rest = vectors[: len(texts)], vectors[len(texts) :]
    facts = rest[: len(ctx.facts)]
    answer = rest[len(ctx.facts)] if ctx.last_answer else None
    asked = rest[len(ctx.facts) + (1 if ctx.last_answer else 0) :]
    for verdict, vector, logprob in zip(verdicts, own, logprobs, strict=True):
        features = _features(str(verdict.text), vector, facts, answer, asked, logprob, ctx)
        verdict.features = features
        verdict.reasons.extend(_broken_rules(str(verdict.text), features, ctx))
        verdict.passed = not verdict.reasons
        verdict.score = round(sum(WEIGHTS[k] * features[k] for k in WEIGHTS), 4)


def _features(
    text: str,
    vector: np.ndarray,
    facts: np.ndarray,
    answer: np.ndarray | None,
    asked: np.ndarray,
    logprob: float,
    ctx: RankContext,
) -> dict[str, float]:
    words = content_words(text)
    fact_overlap = max((_overlap(words, f) for f in ctx.facts), default=0.0)
    fact_similarity = float((facts @ vector).max()) if len(facts) else 0.0
    answer_overlap = _overlap(words, ctx.last_answer) if ctx.last_answer else 0.0
    answer_similarity = float(answer @ vector) if answer is not None else 0.0
    if ctx.facts:
        grounding = (fact_overlap + max(0.0, fact_similarity)) / 2
    elif ctx.last_answer:
        grounding = (answer_overlap + max(0.0, answer_similarity)) / 2
    else:
        grounding = 0.5
    repeat = max((_jaccard(text, q) for q in ctx.asked), default=0.0)
    similar = float((asked @ vector).max()) if len(asked) else 0.0
    length = len(text.split())
    fit = 1.0 if 8 <= length <= 30 else 0.6
    if ctx.act is Act.FOLLOW_UP:
        fit = (fit + (1.0 if ASKS_FOR_MISSING.search(text) else 0.3)) / 2
    return {
        "grounding": round(grounding, 4),
        "fluency": round(min(1.0, max(0.0, (logprob + 3.0) / 3.0)), 4),
        "act_fit": fit,
        "novelty": round(1.0 - max(repeat, max(0.0, similar)), 4),
        "fact_overlap": round(fact_overlap, 4),
        "fact_similarity": round(fact_similarity, 4),
        "answer_overlap": round(answer_overlap, 4),
        "answer_similarity": round(answer_similarity, 4),
        "repeat_jaccard": round(repeat, 4),
        "repeat_similarity": round(similar, 4),
        "copied_words": float(max((_longest_run(text, f) for f in ctx.facts), default=0)),
        "echoed_words": float(max(_longest_run(_unquoted(text), a) for a in {ctx.last_answer, *ctx.answers})),
        "names_fact": float(is_grounded(text, list(ctx.must_name))),
        "words": float(length),
    }


def _broken_rules(text: str, f: dict[str, float], ctx: RankContext) -> list[str]:
    broken = []
    if not MIN_WORDS <= f["words"] <= MAX_WORDS:
        broken.append("length")
    if recites(text):
        broken.append("restates the instructions")
    if ctx.act.is_probe and ctx.must_name and not f["names_fact"]:
        broken.append("does not name the fact")
    if f["copied_words"] > MAX_COPIED_WORDS:
        broken.append("copies the fact")
    if f["echoed_words"] > MAX_ECHOED_WORDS:
        broken.append("echoes the answer")
    if _misquotes(text, ctx):
        broken.append("quotes words nobody said")
    if ctx.act is Act.FOLLOW_UP and ctx.last_answer:
        if f["answer_overlap"] <= 0 and f["answer_similarity"] < FOLLOW_UP_SIMILARITY:
            broken.append("ignores the last answer")
    if ctx.act is Act.CANDIDATE_QUESTIONS and not invites(text):
        broken.append("does not invite questions")
    broken += _says_what_it_cannot(text, ctx)
    if ctx.act is Act.CLOSING and not _closes_words(text):
        broken.append("a closing that does not close")
    if f["repeat_jaccard"] >= NEAR_REPEAT_JACCARD or f["repeat_similarity"] >= NEAR_REPEAT_SIMILARITY:
        broken.append("repeats a question")
    if any(_jaccard(text, e) >= NEAR_REPEAT_JACCARD for e in ctx.exemplars):
        broken.append("copies the exemplar")
    return broken


def trim_lead_in(text: str, ctx: RankContext) -> str:
    """The question without its lead-in sentence when the turn cannot stand behind it.

    The model often opens a fair question with a claim it made up ("You've worked with more than
    20 people.", a held-out invitation whose documents say no such thing) or with words that follow
    from nothing ("Congratulations.", "It does, and you didn't."). A lead-in is kept when it has
    no number the facts and the dialog lack and no name the documents lack, does not speak as a
    candidate, and either acknowledges the answer or greets, or speaks of what the prompt showed
    (a content word of a fact or of the last answer). The question then stands alone and is
    judged as it is.
    """
    parts = _LEAD_IN.split(text, maxsplit=1)
    if len(parts) < 2 or _stands_behind(parts[0], ctx):
        return text
    question = parts[1]
    return question[0].upper() + question[1:]


def _stands_behind(lead: str, ctx: RankContext) -> bool:
    lead = lead.replace("\u2019", "'")
    if SPEAKS_AS_CANDIDATE.search(lead) or _number_nobody_gave(lead, ctx):
        return False
    if names_unknown(lead, ctx.known):  # with no documents, a name the dialog lacks
        return False
    if ACKNOWLEDGES.match(lead) and len(lead.split()) <= MAX_ACKNOWLEDGEMENT_WORDS:
        return True
    about = content_words(" ".join([*ctx.facts, ctx.last_answer]))
    return bool(content_words(lead) & about)


def _number_nobody_gave(text: str, ctx: RankContext) -> bool:
    """A number (digits or words, but "one") that neither the facts shown nor the dialog hold ("a 15%
    failure", "nine years"). Names are checked against the documents too (:func:`interviewer.dialog.invented.names_unknown`)."""
    return any((w in NUMBER_WORDS and w != "one") or w[0].isdigit() for w in tokens(text) if w not in ctx.shown)


def _claims_the_requirement(text: str, ctx: RankContext) -> bool:
    """A probe that tells the candidates they have what the job asks for ("You're an expert in
    <the requirement's tools>"), when neither the resume evidence shown nor their answers say so."""
    targets = list(ctx.must_name)
    support = [f for f in ctx.facts if f not in targets] + [ctx.last_answer, *ctx.answers]
    for sentence in _SENTENCE.split(text.replace("\u2019", "'")):
        if CLAIMS_OF_THE_CANDIDATE.match(sentence) and is_grounded(sentence, targets):
            if not is_grounded(sentence, [s for s in support if s]):
                return True
    return False


def _overlap(words: set[str], other: str) -> float:
    """Share of ``other``'s key content words (at most 3 needed) that ``words`` contains."""
    keys = content_words(other)
    if not keys:
        return 0.0
    return min(1.0, len(words & keys) / min(3, len(keys)))


def _jaccard(a: str, b: str) -> float:
    return jaccard(RUN.findall(a.lower()), RUN.findall(b.lower()))


def _longest_run(text: str, fact: str) -> int:
    """The longest run of consecutive words ``text`` shares with ``fact``."""
    a, b = [w.lower() for w in RUN.findall(text)], [w.lower() for w in RUN.findall(fact)]
    best, previous = 0, [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def asks(text: str) -> bool:
    """Whether ``text`` asks something: a question mark, or a sentence that requests an answer
    ("Tell me about a time...", "Walk me through...")."""
    return "?" in text or any(ASKS.match(s) for s in _SENTENCE.split(text))


def recites(text: str) -> bool:
    """Words of the prompt's instructions rather than an interviewer's (what the evaluations count)."""
    return bool(INSTRUCTIONS.search(text))


def closes(text: str) -> bool:
    """A closing that thanks or says goodbye, asks nothing and promises no timeline or decision
    (what the evaluations count; the ranker also refuses numbers and names the documents lack)."""
    return _closes_words(text) and not _asks_or_promises(text)


# "Thanks for asking about ..." acknowledges the candidate's question; it does not end the interview.
_ACKNOWLEDGES_QUESTION = re.compile(r"\bthanks? (?:you )?for (?:asking|the question)\b", re.I)


def _closes_words(text: str) -> bool:
    """Thanks or a goodbye that ends the interview (not the thanks for a question)."""
    return bool(CLOSES.search(_ACKNOWLEDGES_QUESTION.sub("", text)))


def _asks_or_promises(text: str) -> bool:
    """Asks something (a question mark, "tell me about...") or promises a timeline or a decision."""
    return "?" in text or bool(ASKS.search(text)) or bool(PROMISES.search(text))


def invites(text: str) -> bool:
    """An invitation of the candidate's questions that invites them (what the evaluations count)."""
    return bool(INVITES.search(text))
