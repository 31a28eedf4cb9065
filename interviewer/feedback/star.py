"""What an answer says, read from its words alone: STAR parts, numbers, concrete specifics,
hedges, "I don't know" and questions put back to the interviewer.

No encoder here: these are the cues a human reviewer points at ("you never said what you did"),
so every verdict can quote the words that produced it. The cue lists are general English
(first-person action verbs, time anchors, outcome verbs), not phrases from the labelled set;
``fixtures/answers.jsonl`` measures them (``manage.py evaluate_feedback``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.text import SAID, spoken_sentences

PARTS = ("situation", "task", "action", "result")


NUMBER = re.compile(
    r"(?<![\w.])[$£€]?\d(?:[\d,.]*\d)?(?:\s?(?:%|k\b|m\b|tb\b|gb\b|ms\b|x\b|million|billion|thousand|hours?|days?|weeks?|months?|years?|"
    r"minutes?|seconds?|milliseconds|people|customers|patients|users|students|pupils|percent|per cent))?",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
SPELLED = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|a hundred|hundreds of|a dozen|dozens of|half)\s+(?:\w+\s)?(?:years?|months?|weeks?|days?|hours?|"
    r"minutes?|people|engineers|teams?|services|customers|clients|patients|students|pupils|stores|sites|"
    r"projects|percent|per cent|times|shifts|nurses|agents|reps|calls|tickets)\b|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a hundred)\s+(?:thousand|million|"
    r"hundred|grand|k)\b",
    re.I,
)
HEDGES = re.compile(
    r"\b(kind of|sort of|stuff|things like that|that kind of thing|etc|i guess|maybe|perhaps|not sure|"
    r"i think so|probably|whatever|and so on|you know|i reckon|i suppose|more or less|or something|"
    r"seemed|seems|somehow|a bit of everything|here and there)\b",
    re.I,
)
GENERIC = re.compile(
    r"\b(always|usually|generally|typically|normally|in general|overall|various|different things|"
    r"a lot of things|a mix of things|everything|everyone|really important|very important|"
    r"make sure|try to|tried to|i try|do my best|as needed|as well as i could|at a high level|"
    r"the right (?:way|process|questions|thing)|on top of it|in the loop|work(?:ed)? through it|"
    r"just part of|quick learner|passionate|strong communicator|team player|hard ?work(?:er|ing)?)\b",
    re.I,
)
UNKNOWN = re.compile(
    r"\b(?:i\s+(?:really\s+|honestly\s+)?do(?:n'?t| not)\s+(?:really\s+)?know|dunno|no idea|"
    r"not\s+(?:really\s+|entirely\s+|totally\s+|100%\s+)?sure|can'?t\s+(?:really\s+)?(?:think|remember|recall)|"
    r"cannot\s+(?:think|remember|recall)|do(?:n'?t| not)\s+(?:really\s+)?(?:remember|recall)|"
    r"nothing\s+(?:\w+\s+)?(?:springs|comes)\s+to\s+mind|(?:it|that)\s+(?:all\s+|really\s+)?depends|"
    r"tough one|hard to say|(?:have|had)\s*n'?t\s+(?:really\s+)?(?:done|had|built|used|worked|thought))",
    re.I,
)

# First-person actions. Hypotheticals ("I'd", "I would") and states ("I was", "I felt") are not
# actions; generic verbs ("I tried", "I made sure", "I kept on top of it") need a concrete object.
_SUBJECT = re.compile(
    r"\b(?:i|we)(?:'ve|\s+have|\s+had)?\s+"
    r"(?:(?:then|also|just|quickly|immediately|personally|finally|eventually|first|later|actually|basically|"
    r"still|even|never|always|all|both|now|soon|carefully|gradually|simply|only|already|then)\s+){0,2}"
    r"(?P<verb>[a-z][a-z-]*)\b(?=(?P<rest>[^.;!?]{0,60}))",
    re.I,
)
_STATES = frozenset(
    "am was were be been is are have has had do did does would could should will can might may must "
    "think thought feel felt believe believed guess reckon know knew like liked love loved enjoy enjoyed "
    "care cared want wanted wish hope hoped mean meant say said seem seemed am not don didn doesn "
    "need needed assume assumed realise realised realize realized noticed notice see saw heard "
    "got get try tried just really remember remembered lost won left".split()
)
_WEAK = frozenset(
    "make made keep kept look looked go went work worked help helped handle handled deal dealt use used "
    "take took put communicate communicated stay stayed follow followed adjust adjusted manage managed "
    "spend spent learn learned learnt do did done listen listened".split()
)
_IRREGULAR_PAST = frozenset(
    "built led wrote ran set made took gave found brought bought cut put sat went told kept held met sent "
    "spent spoke drove chose drew began taught caught rebuilt rewrote shut split paid sold hit fed "
    "written done taken given run shown begun drawn driven chosen spoken "
    "fought laid lit rode rang rose stood struck swept threw undertook withdrew woke overrode broke "
    "dug flew grew hung shook sought sped spun stuck swore tore wound".split()
)
_GENERIC_OBJECT = re.compile(
    r"^\s*(?:things?|stuff|everything|everyone|something|anything|my best|what i could|sure|calm|well|hard|"
    r"fine|on top|an eye|in touch|in the loop|a lot|quite a (?:lot|bit)|(?:it|them|that|this)\s*(?:[,.]|$|"
    r"properly|well|together|through|as|to (?:them|him|her|people|everyone)|with (?:everyone|them)|out\b))",
    re.I,
)
_PLAN = re.compile(
    r"(?:\b(?:i|we)(?:'d|'ll|\s+would|\s+will|'m going to|\s+am going to|\s+could)|\bthen|\bfirst|,|\band)\s+"
    r"(?:(?:probably|just|also|then|first|usually)\s+)?(?P<verb>[a-z]+)\b(?=(?P<rest>[^.;!?]{0,50}))",
    re.I,
)
_CONDITIONAL = re.compile(r"\b(?:i|we)(?:'d|'ll|\s+would|\s+will|'m going to|\s+am going to)\b|\bif i\b", re.I)
_MODALS = frozenset("would could should will can might may must".split())
_HABIT = re.compile(r"\b(?:usually|always|often|generally|normally|typically|sometimes|tend to)\b", re.I)
_COORDINATED = re.compile(
    r"(?:,|\band|\bthen|\bbefore|\bafter)\s+(?:then\s+|also\s+)?(?P<verb>[a-z]+)\b(?=(?P<rest>[^.;!?,]{0,50}))", re.I
)

SITUATION = re.compile(
    r"\b(?:when i (?:was|joined|started|worked)|at the time|back (?:at|in|when|then)|a while (?:back|ago)|"
    r"at my (?:last|previous|old|first|current) (?:job|role|company|place|school|hospital|employer)|"
    r"in my (?:last|previous|old|first|current|second) (?:job|role|company|term|year|placement|position)|"
    r"(?:last|this|one|that|the same) (?:year|spring|summer|autumn|fall|winter|month|quarter|week|term|"
    r"semester|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"night|day|morning|evening|weekend|time|shift|sprint)\b|on (?:a |one )?(?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|"
    r"(?:a|two|three|four|five|six|few|couple of|several) (?:\w+ )?(?:years?|months?|weeks?) ago|"
    r"during (?:my|a|the|our|one)|on (?:a|the|one|our) (?:\w+ ){0,3}(?:project|shift|ward|deal|account|site|"
    r"launch|campaign)|there (?:was|were) (?:a|an|this|one|two)|we (?:had|were|got) (?:a|an|this|"
    r"two|three|some|about|nearly|only|no)|i had (?:a|an|this) \w+|(?:our|my) \w+(?: \w+)? "
    r"(?:was|were|had|kept|took|looked|started|needed)|the (?:problem|issue|challenge|situation) was|"
    r"in (?:19|20)\d\d|(?-i:at [A-Z][a-z]+)|we(?:'d| had) (?:assumed|promised|planned|launched|shipped|agreed))\b",
    re.I,
)
TASK = re.compile(
    r"\b(?:my (?:goal|job|task|role|brief|responsibility|aim|remit|target|mission) (?:was|is)|"
    r"i was (?:asked|responsible|tasked|given|brought in|hired|in charge|the (?:\w+ )?lead|on call)|"
    r"(?:i|we) (?:needed|had|wanted|was supposed|were supposed|were asked) to|it was (?:on me|my job|up to me)|"
    r"the (?:goal|aim|target|challenge|brief|ask|task|deadline|plan) was|as the (?:\w+ ){0,2}(?:engineer|nurse|lead|"
    r"manager|owner|analyst|designer|teacher|agent)|i had to|we had until|needed to be|had to be|"
    r"(?:wanted|asked me|needed me) to|in charge of|i wanted to (?:find|understand|make|get|fix|know)|"
    r"so i (?:had|needed) to|the job was|i owned|i took (?:on|over|ownership)|(?:it )?fell to me|i volunteered to|"
    r"my (?:part|piece) was)\b",
    re.I,
)
RESULT = re.compile(
    r"\b(?:as a result|in the end|by the end|ended up|the (?:result|outcome) was|which (?:meant|led|cut|saved|"
    r"increased|reduced|lowered|raised|got|brought|made)|afterwards|since then|ever since|from then on|"
    r"(?:went|came|is|was|were|are) (?:down|up|back) (?:to|from|by)|(?:dropped|rose|fell|grew|went) (?:from|to|by)|"
    r"increased|decreased|reduced|improved|lowered|doubled|halved|saved|stopped|recovered|finished|delivered|"
    r"(?:they|we|he|she|it|customer|client) (?:\w+ )?(?:signed|agreed|passed|won)|(?:was|were) (?:signed|approved|adopted)|"
    r"hit (?:both|the|our|every)|(?:were|was|got|shipped|delivered|finished|landed|arrived|closed)(?: \w+){0,3} on time|"
    r"no (?:new )?(?:findings|complaints|leaks|errors|incidents|issues)|thanked|praised|promoted|adopted|"
    r"(?:didn't|did not|never) (?:raise|happen|lose|miss)|haven't (?:lost|missed|had)|now (?:we|they|the|it|"
    r"everyone)|still (?:use|in use)|(?:it|that|this) worked|"
    r"(?:%|percent|per cent) (?:lower|higher|fewer|more|less|faster|better)|was fine|were fine|were happy)\b|"
    r"\b(?:by|to|from) (?:about |around |over |under |nearly |almost |just )?[$£€]?\d[\d,.]*\s?(?:%|percent|per cent|"
    r"ms|seconds|minutes|hours|days|k\b)|"
    r"\b(?:went|came|is|was|were|are) (?:down|up)\b|\bzero (?:downtime|errors|defects|incidents|complaints|"
    r"escalations|injuries|findings)|"
    r"\b(?:down|up|lower|higher|fewer|less|more) (?:by )?(?:about |around |nearly |almost |over |roughly )?\d[\d,.]*\s?"
    r"(?:%|percent|per cent)|\d\s?(?:%|percent|per cent) (?:down|up|increase|decrease|reduction|improvement|drop|rise)",
    re.I,
)
_QUESTION_START = re.compile(
    r"^\s*(?:sorry,?\s*)?(?:what|how|who|when|where|which|why|is|are|do|does|did|can|could|would|will|"
    r"should|have|has)\b",
    re.I,
)
_ASKING = re.compile(
    r"\b(?:i was wondering|i'?d (?:like|love) to (?:know|hear|ask)|could you (?:tell|explain|give)|"
    r"can you (?:tell|explain|give)|can i ask|i wanted to ask)\b",
    re.I,
)


def numbers(text: str) -> list[str]:
    """Numbers with their unit where one follows (40%, $1.2M, 3 months, twelve people). A year
    ("in 2014", "2019-2021") says when, not how much: it is no number."""
    found = [m.group(0).strip() for m in NUMBER.finditer(text)] + [m.group(0) for m in SPELLED.finditer(text)]
    return [n for n in found if not _YEAR.fullmatch(n)][:6]


def named(text: str) -> list[str]:
    """Names of tools, products, places and methods: capitalised mid-sentence, acronyms, code-like tokens."""
    out: list[str] = []
    for sentence in spoken_sentences(text):
        tokens = SAID.findall(sentence)
        for i, token in enumerate(tokens):
            bare = token.strip("'.:")
            if bare in {"I", "I'm", "I'd", "I've", "I'll", "OK"} or len(bare) < 2:
                continue
            code_like = bool(re.search(r"[a-z][A-Z]|[A-Za-z]\d|\d[A-Za-z]|[_:#+]", bare)) and not NUMBER.fullmatch(bare)
            acronym = bare.isupper() and len(bare) >= 2 and bare.isalpha()
            if (i > 0 and bare[0].isupper()) or code_like or acronym:
                out.append(bare)
    return list(dict.fromkeys(out))


def actions(text: str) -> list[str]:
    """First-person things done (past or habitual), as "I <verb>" phrases; hypotheticals excluded.

    "I rolled it back, checked the logs and added a test" yields three: verbs coordinated with a
    first-person one share its subject. Generic verbs ("I used", "I kept", "I did") and the present
    perfect ("I've built quite a few") count only with a concrete object (a number or a name).
    """
    out = []
    for sentence in spoken_sentences(text):
        conditional = _CONDITIONAL.search(sentence)
        for m in _SUBJECT.finditer(sentence):
            if conditional and conditional.start() < m.start():
                break  # "I'd ask for a review so I pick up the conventions": still hypothetical
            verb, rest = m.group("verb").lower(), _clause(m.group("rest"))
            perfect = bool(re.match(r"\w+(?:'ve|\s+have|\s+had)\b", m.group(0), re.I))
            generic = bool(_HABIT.search(sentence[max(0, m.start() - 12) : m.end("verb")]))
            if _is_action(verb, rest, weak=perfect or generic):
                out.append(m.group(0).strip())
            if verb in _MODALS:
                continue
            for c in _COORDINATED.finditer(sentence, m.end("verb")):
                if _is_past(c.group("verb").lower()) and _is_action(c.group("verb").lower(), _clause(c.group("rest"))):
                    out.append(c.group("verb"))
    return list(dict.fromkeys(out))


def plan_steps(text: str) -> list[str]:
    """Concrete steps of a hypothetical answer ("I'd describe the pod, then compare the limits")."""
    out = []
    for m in _PLAN.finditer(text):
        verb, rest = m.group("verb").lower(), _clause(m.group("rest"))
        if verb not in _STATES and verb not in _MODALS and not _GENERIC_OBJECT.match(rest) and _habitual(verb):
            if verb not in _WEAK or numbers(rest) or named("x " + rest):
                out.append(m.group(0).strip())
    return list(dict.fromkeys(out))


def _clause(rest: str) -> str:
    return re.split(r",|\band\b|\bbut\b|\bso\b", rest, maxsplit=1)[0]


def _is_past(verb: str) -> bool:
    return (verb.endswith("ed") and len(verb) > 4 and verb not in _STATES) or verb in _IRREGULAR_PAST


def _is_action(verb: str, rest: str, weak: bool = False) -> bool:
    if verb in _STATES or "'" in verb or _GENERIC_OBJECT.match(rest):
        return False
    if (weak or verb in _WEAK) and not (numbers(rest) or named("x " + rest)):
        return False
    return _is_past(verb) or verb in _WEAK or _habitual(verb)


def _habitual(verb: str) -> bool:
    """A present-tense verb after "I"/"we" ("I review", "we cycle count"): not an adverb or a pronoun."""
    return len(verb) > 2 and not verb.endswith(("ly", "ing")) and verb not in {"the", "and", "but", "also", "was"}


@dataclass
class Reading:
    """Everything read from an answer's words, with the phrases that show it."""

    star: dict[str, bool]
    evidence: dict[str, str] = field(default_factory=dict)  # STAR part -> the words that show it
    numbers: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)
    unknown: bool = False
    asks_back: bool = False

    @property
    def specifics(self) -> float:
        """How concrete the answer is: numbers, names and things done count; hedges and generic talk subtract."""
        positive = (
            min(len(self.numbers), 2) * 1.0
            + min(len(self.named), 2) * 0.6
            + min(len(self.actions), 3) * 0.6
            + min(len(self.steps), 3) * 0.3
            + 0.4 * sum(self.star[p] for p in ("situation", "result"))
        )
        return round(positive - 0.5 * min(len(self.hedges), 3) - 0.35 * min(len(self.generic), 3), 3)


def read(answer: str) -> Reading:
    """Read one answer (see ``Reading``)."""
    found = {"situation": SITUATION.search(answer), "task": TASK.search(answer), "result": RESULT.search(answer)}
    done = actions(answer)
    evidence = {part: m.group(0) for part, m in found.items() if m}
    if done:
        evidence["action"] = done[0]
    star = {part: part in evidence for part in PARTS}
    reading = Reading(
        star=star,
        evidence=evidence,
        numbers=numbers(answer),
        named=named(answer),
        actions=done,
        steps=plan_steps(answer) if len(done) < 3 else [],
        hedges=[m.group(0) for m in HEDGES.finditer(answer)],
        generic=[m.group(0) for m in GENERIC.finditer(answer)],
    )
    reading.unknown = bool(UNKNOWN.search(answer)) and len(SAID.findall(answer)) < 30 and reading.specifics < 1.0
    reading.asks_back = asks_back(answer)
    return reading


def asks_back(answer: str) -> bool:
    """The answer is itself a question to the interviewer (a clarification or the candidate's own question).

    A rhetorical question inside a real answer does not count: most of the words must be asking.
    """
    parts = spoken_sentences(answer)
    asking = [s for s in parts if s.rstrip().endswith("?") or (_QUESTION_START.match(s) and _ASKING.search(s))]
    asking += [s for s in parts if s not in asking and _ASKING.search(s)]
    total = sum(len(SAID.findall(s)) for s in parts) or 1
    return bool(asking) and sum(len(SAID.findall(s)) for s in asking) / total >= 0.5
