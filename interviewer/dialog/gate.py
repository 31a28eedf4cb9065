"""The gate: which of a turn's words may be shown while they are still being decoded.

The interviewer's words stream to the candidate sentence by sentence: each sentence is checked
the moment it is complete and shown only if it passes, so the first words arrive about one
sentence after decoding starts, and nothing shown is ever taken back. A sentence fails when it
says what the interviewer cannot stand behind (``sentence_problems``: a claim about the
candidate or the company that nothing supports, a quote the candidate never said, words of a
candidate or of the instructions, a question in a closing). When the decode ends, the whole
turn is judged as it will be saved (``ranker.judge``: the act done, the fact named, no repeat).

The caller decides what a failure costs (``webapp.interviews.turns``): nothing shown yet, another round or
a template; a first sentence shown, a template question to end the turn on (``tail``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.dialog import ranker
from interviewer.dialog.critic import Critic
from interviewer.dialog.critic import Turn as CriticTurn
from interviewer.dialog.prompt import (
    DUTY_PREFIX,
    PREFERRED_PREFIX,
    is_bare_skill,
    is_condition,
    is_quality,
    without_preference,
)
from interviewer.dialog.ranker import RankContext, Verdict
from interviewer.dialog.templates import (
    QUALITY_QUESTION,
    YEARS,
    first_item,
    is_duty,
    is_past_action,
    lower_common,
    lower_first,
    subject,
    topic,
)
from interviewer.encoders import Encoder
from interviewer.text import split_sentences
from interviewer.vocabulary import Act

_ENDS = re.compile(r"[.!?][\"”’')\]]*$")
MAX_SENTENCES = 2  # an interviewer's turn here: a lead-in and a question, or a question alone


def complete_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that are finished (another has begun after them)."""
    return split_sentences(text)[0]


@dataclass
class Gate:
    """Feeds on one candidate's text as it grows; says which words may be shown and when to stop."""

    ctx: RankContext
    critic: Critic | None = None  # judges the whole turn once it is decoded (None: the rules alone)
    shown: list[str] = field(default_factory=list)  # the sentences passed, in order
    failed: str = ""  # why the words were refused ("" while they pass)
    opened: str = ""  # a code-written start shown before its sentence was decoded ("This role")
    given: int = 0  # whole sentences the code wrote ("This role calls for SQL."): the model's own two come after

    @property
    def text(self) -> str:
        """The words passed so far, as they are shown (an opened start alone while its sentence decodes)."""
        return " ".join(self.shown) or self.opened

    def open(self, start: str) -> str:
        """The code-written start of the turn (``PromptInputs.prefix``), before anything is decoded:
        the words that may be shown at once. Whole sentences ('You said "..."') are checked like any
        other; a fragment ("This role") is the code's own, shown now, and its sentence is checked
        when decoded (``outcome`` completes it if that sentence fails)."""
        start = " ".join(start.split())
        if not start:
            return ""
        done, rest = split_sentences(start + " X")  # a start that ends a sentence is a sentence
        if rest == "X" and done:
            shown = self._admit(done)
            self.given = len(self.shown)
            return shown
        self.opened = start
        return start

    def push(self, text: str) -> str:
        """Take the candidate's whole text so far; return the words that may be shown now ("" for none)."""
        if self.failed:
            return ""
        done = complete_sentences(text)
        return self._admit(done[len(self.shown) :])

    def finish(self, text: str, encoder: Encoder, logprob: float = 0.0) -> Verdict:
        """The decode ended: the last sentence is checked, then the whole turn as it would be saved.

        Returns the whole turn's verdict. When it passes, ``text`` is every word passed (minus what
        was shown before: what the caller shows now); when it fails, the sentences decoded after the
        last one shown are dropped (they were never shown), so ``outcome`` ends on what was, unless
        all it lacks is what the act's tail supplies (a question, an invitation, a goodbye).
        """
        done, rest = split_sentences(text)
        before = list(self.shown)
        if not self.failed:
            # the unfinished rest counts only when it ends as a sentence ends (not cut by the token cap)
            ended = rest if _ENDS.search(rest) else ""
            self._admit([*done, *([ended] if ended else [])][len(self.shown) :])
        whole = " ".join(self.shown)
        if not whole:
            return Verdict(text, None, reasons=[self.failed or "unusable"])
        verdict = ranker.judge(whole, self.ctx, encoder, logprob)
        if self.failed and not verdict.reasons:
            verdict.reasons.append(self.failed)
        if not verdict.reasons and self.critic is not None:
            turn = CriticTurn(self.ctx.act, whole, list(self.ctx.facts), self.ctx.last_answer)
            if self.critic.refuses(turn, encoder):
                verdict.reasons.append("the critic finds it odd")
        verdict.passed = not verdict.reasons
        if not verdict.passed and not set(verdict.reasons) <= ENDED_BY_THE_TAIL:
            self.shown = before
        return verdict

    def outcome(self, verdict: Verdict) -> tuple[str, str]:
        """(the turn's words, how) once ``finish`` judged it: "passed" (the words passed), "tail" (the
        words shown, then the act's template question: nothing shown is taken back), "closed" (a
        closing whose shown words already close), or "refused" ("": nothing was shown)."""
        if verdict.passed:
            return self.text, "passed"
        fact = next(iter(self.ctx.must_name), "")
        if not self.shown and self.opened:  # the start was shown, its sentence refused: the code ends it
            return f"{self.opened} {completion(self.ctx, self.opened)} {tail(self.ctx.act, fact)}", "tail"
        if not self.text:
            return "", "refused"
        if self.ctx.act is Act.CLOSING and ranker.closes(self.text):
            return self.text, "closed"
        return f"{self.text} {tail(self.ctx.act, fact)}", "tail"

    @property
    def done(self) -> bool:
        """No more words are wanted: a refusal, a question asked (for acts that ask), or two sentences."""
        if self.failed or len(self.shown) - self.given >= MAX_SENTENCES:
            return True
        return self.ctx.act.asks_question and any(s.endswith("?") for s in self.shown)

    def _admit(self, new: list[str]) -> str:
        passed = []
        for sentence in (" ".join(s.split()) for s in new):
            if self.done:
                break
            problems = ranker.sentence_problems(sentence, self.ctx, first=not self.shown)
            if problems:
                self.failed = problems[0]
                break
            self.shown.append(sentence)
            passed.append(sentence)
        return " ".join(passed)


# What a turn lacks that its tail supplies: its sentences may stand, and ``outcome`` adds the tail.
ENDED_BY_THE_TAIL = frozenset({"asks nothing", "does not invite questions", "a closing that does not close"})
# A question that can end any turn whose first sentence was shown but whose question failed: it
# asks about what that sentence raised, whatever it was.
TAILS: dict[Act, tuple[str, ...]] = {
    Act.OPENING: ("What draws you to this role?",),
    Act.RESUME_DEEP_DIVE: ("What was your own part in that, and what came of it?",),
    # Not "Where have you done that": the blind judges read it as presuming the candidate had.
    Act.REQUIREMENT_PROBE: ("What experience do you have with that?",),
    Act.GAP_PROBE: ("What experience do you have with that, if any?",),
    # A quote of a vague answer ("it depends on the situation") has no "it" to own: ask for one case.
    Act.FOLLOW_UP: ("Can you walk me through one specific case: what you did, and what came of it?",),
    Act.BEHAVIORAL: ("What did you do, and how did it turn out?",),
    Act.CANDIDATE_QUESTIONS: ("What would you like to ask me about the role or the team?",),
    Act.CLOSING: ("Thank you for your time today.",),
}


CONDITION_TAIL = "Do you have that, or something equivalent?"
# A personal quality is shown in the work, not had as experience ("What experience do you have with
# accuracy?" was judged odd).
QUALITY_TAIL = QUALITY_QUESTION
FOLLOW_UP_TAILS = {
    "tool": "Can you walk me through one specific time you worked with {}: what you did, and what came of it?",
    "thing": "Can you walk me through one specific time you worked on {}: what you did, and what came of it?",
    "duty": "Can you walk me through one specific time you had to {}: what you did, and what came of it?",
    "done": "Can you walk me through the time you {}: what you did, and what came of it?",
    "quality": "Can you walk me through one specific time your work called for {}: what you did, and what came of it?",
}


# A tool or a library ("Figma", "Terraform") is used, not owned: "your own part in that" fit it poorly.
TOOL_TAIL = "What did you use it for, and how did it go?"


def tail(act: Act, fact: str = "") -> str:
    """The template question that ends a turn; a qualification or a condition is asked about as one,
    a personal quality as a time the work called for it, a resume line of a word or two (a tool) as
    something used."""
    if act.is_probe and fact and is_condition(fact) and not is_duty(topic(fact)):
        return CONDITION_TAIL
    if act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE) and fact and is_quality(fact):
        return QUALITY_TAIL
    if act is Act.RESUME_DEEP_DIVE and 0 < len(fact.split()) <= 2:
        return TOOL_TAIL
    kind, phrase = subject(fact) if act is Act.FOLLOW_UP and fact else ("", "")
    if kind in FOLLOW_UP_TAILS:  # the case named by its subject (judged generic without one)
        if kind == "thing":
            phrase = _head(phrase)
            if _NO_NAME.match(phrase):  # "An example would be ..." names nothing by its subject
                return TAILS[act][0]
            if "," in phrase:  # a list cut short ("Drafting, review"): named by what it is of, or not at all
                of = _OF_WHAT.search(fact)
                phrase = _head(of.group(1).strip(" .;")) if of and len(of.group(1).split()) <= LONG_SUBJECT else ""
                if not phrase:
                    return TAILS[act][0]
            # a tool is worked with; an activity ("creating unit tests") is worked on
            kind = "tool" if len(phrase.split()) <= 3 and not _GERUND.match(phrase) else kind
        return FOLLOW_UP_TAILS[kind].format(phrase)
    return TAILS[act][0]


_GERUND = re.compile(r"^[a-z]{3,}ing\b")
# Where a long subject's own words end and its circumstances begin: a resume line named whole in a
# tail ("worked on full cycle of stock audits during yearly warehouse move") read as
# pasted in, its missing articles with it.
_CIRCUMSTANCE = re.compile(r"\s+(?:during|within|based on|according to|using|through|across|for|in order to)\s+")
LONG_SUBJECT = 6


def _head(phrase: str) -> str:
    """A long subject up to where its circumstances begin, if that leaves three words or more; a
    noun "of" something gets its article ("the full cycle of stock audits")."""
    if len(phrase.split()) > LONG_SUBJECT:
        cut = next((c for c in _CIRCUMSTANCE.finditer(phrase) if len(phrase[: c.start()].split()) >= 3), None)
        phrase = phrase[: cut.start()] if cut else phrase
    return f"the {phrase}" if _NOUN_OF.match(phrase) and not _GERUND.match(phrase) else phrase


_NO_NAME = re.compile(r"^(?:(?:an?|the|one|some)\s+)?(?:example|instance|case|part|thing|lot|way)s?$", re.I)
_OF_WHAT = re.compile(r"\bof\s+([^,;:()]+)$")
_NOUN_OF = re.compile(
    r"^(?!(?:the|a|an|my|our|their|this|that|some|all|each|one|two|three|lots|plenty|many|most|several|various|both|kinds|types)\b)(?:[a-z]+ )?[a-z]+ of\b"
)


def completion(ctx: RankContext, opened: str = "") -> str:
    """The rest of a sentence begun by a code-written start ``opened`` ("This role", "Your resume
    mentions", "Tell me about a time", "A plus for this role would be") when the model's words for
    it were refused: it states the fact the turn is about."""
    fact = next(iter(ctx.must_name), "")
    phrase = topic(fact) if fact else ""
    if opened == PREFERRED_PREFIX:  # the plus whole, its lead-in kept: "experience with Looker"
        plus = quotable(without_preference(fact)).rstrip(" .") if fact else ""
        return f"{lower_common(plus)}." if plus else "experience close to this."
    if opened == DUTY_PREFIX and phrase:  # "In this role, you would" + the duty in its own words
        return f"{lower_first(phrase)}."
    if ctx.act is Act.BEHAVIORAL:
        return behavioral_completion(fact)
    if ctx.act is Act.CLOSING:
        return "your question; the hiring manager can answer that best."
    if ctx.act is Act.RESUME_DEEP_DIVE:
        return f"{phrase[:1].lower() + phrase[1:]}." if phrase else "a project you led."
    if not phrase:
        return "matters here."
    kind, named = subject(fact)
    if kind == "quality" and is_quality(fact):
        return f"needs {named}."
    if is_duty(phrase):  # "involves plan weekly routes" read as pasted in
        return f"asks you to {phrase[:1].lower() + phrase[1:]}."
    if is_condition(fact) or YEARS.match(phrase):
        return f"asks for {phrase[:1].lower() + phrase[1:]}."
    if _CLAUSE.match(phrase) or _FINITE.search(phrase):  # a sentence of the posting, not a phrase
        quote = quotable(fact)
        return f'lists this requirement: "{quote}{"" if quote.endswith("...") else "."}"'
    return f"involves {lower_common(phrase)}."


_PLACE_WORD = re.compile(r"(?:in|with)\b")
_PRIOR = re.compile(r"^(?:(?:prior|previous|proven|some)\s+)?experience\s+(?=(?:in|with|of)\b)", re.I)


def behavioral_completion(fact: str) -> str:
    """The rest of "Tell me about a time" on ``fact`` in its own words: a duty of the role ("review
    teammates' code") is something one had to do, a past action ("Represented the team at ...") is
    said as done, a tool is used; anything else was worked on. A name keeps its capitals (not "rEST")."""
    plain = without_preference(fact) if fact else ""
    phrase = first_item(_PRIOR.sub("", topic(plain))) if plain else ""
    if not phrase:
        return "you learned something the hard way."
    said = lower_common(phrase)
    if is_duty(phrase):
        return f"you had to {said}."
    if is_past_action(phrase):
        return f"you {said}."
    if is_bare_skill(plain):
        return f"you used {phrase} on a project."
    return f"you worked {said}." if _PLACE_WORD.match(said) else f"you worked on {said}."


# A requirement written as a sentence ("We pick whatever language fits...", "The right person will
# be...") does not fit "This role involves ...": on the held-out interviews that read "This role
# involves They are...". It is quoted whole instead; a span of years is asked for as one.
_CLAUSE = re.compile(
    r"^(?:they|the|it|we|you|our|this|these|those|candidates?|applicants?|ideal|selected|successful|if|when|must)\b",
    re.I,
)
_FINITE = re.compile(r"\b(?:is|are|will|must|should|would|can|has|have)\b", re.I)
MAX_QUOTED_WORDS = 30


def quotable(fact: str) -> str:
    """The fact as a quote: at most MAX_QUOTED_WORDS words, cut at a clause boundary where one is
    near, without its final stop."""
    words = " ".join(fact.split()).rstrip(" .;:").split()
    if len(words) <= MAX_QUOTED_WORDS:
        return " ".join(words)
    head = words[:MAX_QUOTED_WORDS]
    cut = next((i for i in range(len(head) - 1, 8, -1) if head[i - 1].endswith((",", ";"))), len(head))
    return " ".join(head[:cut]).rstrip(",;") + "..."
