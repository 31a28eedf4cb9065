"""Whether a resume covers a posting's requirement: covered, partly, or a gap, with its evidence.

Resemblance is not evidence: a sentence about Python is the nearest neighbour of "ETL tools,
Hadoop and Linux administration" without covering any of them. Coverage is judged per
requirement from what supports it:

- **named**: the requirement's own terms (a skill, a tool, "C#", "ElasticSearch") named anywhere on
  the resume: skills lines, projects, tools in parentheses;
- **item by item**: a list requirement ("Hadoop, Spark, Kafka") is split into its items, and the
  items the resume names are told apart from those it does not (partly covered);
- **years**: "5+ years of experience" is compared with the years the resume's dates add up to;
- **meaning**: the encoder's nearest resume fact that shares a word with it
  (:func:`interviewer.matching.selector.supports`), as before.

The selector's match (:class:`interviewer.matching.selector.ResumeEvidence`) applies these. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence

from interviewer.text import NAME, prefix

# Words that every requirement and every resume use: sharing them is no evidence (the selector's too).
GENERIC_WORDS = frozenset(
    """
    a an the and or of to for with in on at by as from into is are be been was were will can must should this that
    these those it its our your their you we they who which what when where how all any some other such etc also
    experience experienced years year months work working worked skills skill ability able strong good excellent
    knowledge understanding team teams using use used including include new well related relevant environment
    plus preferred required requirements responsible responsibilities role position job candidate company
    """.split()
)
# And those that name no skill of their own: naming them is no evidence either.
_COMMON = GENERIC_WORDS | frozenset(
    """
    proven solid demonstrated familiarity familiar proficiency proficient expertise background minimum least
    level degree high basic advanced effective effectively written verbal ensure provide support develop
    developing development maintain maintaining implement implementing perform performs assist help across
    within various multiple e.g i.e
    have has had
    """.split()
)
_SPLIT = re.compile(r",|;|/|\band\b|\bor\b|\(|\)|\bas well as\b", re.I)
_LIST_LEAD = re.compile(r"\b(?:such as|including|like|e\.g\.|especially|particularly)|:", re.I)
_BEFORE_LIST = re.compile(r"\b(?:with|of|in|using|on|for)\b", re.I)
_AFTER_LIST = re.compile(r"\b(?:in|on|for|at|to|within|across|is|are)\b", re.I)
_YEARS_ASKED = re.compile(r"(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:years?|yrs?)\b", re.I)
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_POINT = r"(?:(?P<m{n}>jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s*(?:'|’)?|(?P<mm{n}>\d{{1,2}})\s*[/.]\s*)?(?P<y{n}>(?:19|20)\d\d)"
_RANGE = re.compile(
    _POINT.format(n=1)
    + r"\s*(?:-|–|—|to|until|till)\s*(?:"
    + _POINT.format(n=2)
    + r"|(?P<now>present|current|now|today|date|ongoing))",
    re.I,
)
_STATED_YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:years?|yrs?)\s+(?:of\s+)?(?:experience|exp)\b", re.I)


def terms(text: str) -> list[str]:
    """The words that name what a text is about, in order, without the ones every posting uses."""
    out = []
    for word in NAME.findall(text):
        low = _key(word)
        if len(low) > 1 and low not in _COMMON and not low.isdigit() or low in ("c", "r"):
            out.append(low)
    return out


def _key(word: str) -> str:
    """A word as :func:`terms` lists it."""
    return word.lower().strip("./-")


def _stem(word: str) -> str:
    return word if len(word) <= 4 or not word.isalpha() else prefix(word)


def named(term: str, resume_terms: frozenset[str]) -> bool:
    """Whether the resume names ``term``: the same word, its singular ("APIs" for "API"), or for a
    long word the same stem."""
    if term in resume_terms or (term.isalpha() and len(term) > 4 and _stem(term) in resume_terms):
        return True
    return len(term) > 3 and term.endswith("s") and term[:-1] in resume_terms


def names_item(item: str, vocabulary: frozenset[str]) -> bool:
    """Whether a list item ("Spark", "spelt loaves") is named: every term of it."""
    own = terms(item)
    return bool(own) and all(named(t, vocabulary) for t in own)


@functools.lru_cache(maxsize=8192)
def vocabulary_of(text: str) -> frozenset[str]:
    """:func:`resume_vocabulary` of one text (a resume fact, named again for every requirement)."""
    return resume_vocabulary([text])


def resume_vocabulary(texts: Sequence[str]) -> frozenset[str]:
    """Every term of the resume and the stem of every long one, and each two terms that follow each
    other joined ("Elastic Search" names "ElasticSearch")."""
    found: set[str] = set()
    for text in texts:
        own = terms(text)
        for n, term in enumerate(own):
            found.add(term)
            found.add(_stem(term))
            if n and own[n - 1].isalpha() and term.isalpha():
                found.add(own[n - 1] + term)
    return frozenset(found)


def items_of(requirement: str) -> list[str]:
    """A list requirement's items ("Hadoop, Spark and Kafka" -> the three); [] for one that is not a
    list. The words around the list are left out: "experience with", "such as", "in production"."""
    text = requirement
    lead = _LIST_LEAD.search(text)
    if lead:
        text = text[lead.end() :]
    parts = _SPLIT.split(text)
    items = []
    for n, part in enumerate(parts):
        if n == 0:
            part = _BEFORE_LIST.split(part)[-1]
        if n == len(parts) - 1:
            part = _AFTER_LIST.split(part)[0]
        part = _trim(part.strip(" .:-"))
        if part and terms(part):
            items.append(part)
    short = [p for p in items if len(p.split()) <= 3]
    return items if len(items) >= 3 and len(short) >= len(items) - 1 else []


def _trim(item: str) -> str:
    """An item without the words every requirement opens with ("Experience with Hadoop" -> "Hadoop")."""
    words = item.split()
    while len(words) > 1 and words[0].lower().strip(".,") in _COMMON:
        words.pop(0)
    return " ".join(words)


def years_asked(requirement: str) -> int:
    """The most years of experience a requirement asks for (0 when it names none)."""
    found = [int(m.group(1)) for m in _YEARS_ASKED.finditer(requirement) if 0 < int(m.group(1)) <= 30]
    return max(found, default=0)


def years_shown(texts: Sequence[str], today: dt.date | None = None) -> float:
    """The years of work a resume's dates add up to (overlapping periods counted once), or the
    largest "N years of experience" it states, whichever is more."""
    today = today or dt.date.today()
    spans: list[tuple[int, int]] = []
    stated = 0
    for text in texts:
        for m in _RANGE.finditer(text):
            start = _month(m, 1, first=True)
            end = today.year * 12 + today.month - 1 if m.group("now") else _month(m, 2, first=False)
            if start is not None and end is not None and 0 <= end - start <= 50 * 12:
                spans.append((start, end))
        stated = max([stated, *[int(s) for s in _STATED_YEARS.findall(text) if int(s) <= 40]])
    months = 0
    last = -1
    for start, end in sorted(spans):
        if end <= last:
            continue
        months += end - max(start, last)
        last = end
    return max(months / 12, float(stated))


def _month(m: re.Match[str], n: int, first: bool) -> int | None:
    year = m.group(f"y{n}")
    if year is None:
        return None
    month = m.group(f"m{n}")
    number = m.group(f"mm{n}")
    if month:
        index = _MONTHS.get(month[:3].lower(), 1)
    elif number and 1 <= int(number) <= 12:
        index = int(number)
    else:
        index = 1 if first else 12
    return int(year) * 12 + index - 1


# A requirement that asks only for school (a high school diploma or an equivalent) is met by any degree
# beyond it: on the held-out interviews two of 23 gap probes asked a master's graduate for a diploma.
_SCHOOL_ONLY = re.compile(r"\b(?:high[- ]school|secondary school|ged)\b", re.I)
_COLLEGE = re.compile(
    r"\b(?:bachelor|master|b\.?\s?sc?|m\.?\s?sc?|b\.?a|m\.?a|mba|ph\.?d|doctorate|associate(?:'s|’s)? degree|"
    r"university|college|degree|diploma in|specialist in|engineer(?:'s|’s)? degree)\b",
    re.I,
)


def asks_school_only(requirement: str) -> bool:
    """Whether a requirement asks for no more than a school diploma (any degree beyond it meets it)."""
    return bool(_SCHOOL_ONLY.search(requirement)) and not re.search(
        r"\b(?:bachelor|master|associate)", requirement, re.I
    )


def beyond_school(text: str) -> bool:
    """Whether a resume line names study beyond school (a degree, a university, a college)."""
    return bool(_COLLEGE.search(text))


def backs(requirement: str, evidence: str) -> bool:
    """Whether a resume line backs a requirement plainly enough to be named in a question about it:
    it names more than half of the requirement's own terms ("adding new features" for "Developing new
    features"), not one shared word ("the pricing terms of insurance products" for "Quotes delivery
    dates from the plant's production and shipping schedules")."""
    own = list(dict.fromkeys(terms(requirement)))
    if not own:
        return False
    if degree_level(evidence) and not is_degree(requirement):
        return False  # a degree names a field of study, not work done: "MSc in Accounting" for accounting skills
    vocabulary = vocabulary_of(evidence)
    if sum(named(t, vocabulary) for t in own) / len(own) > 0.5:
        return True
    # A requirement about a name ("Knowledge of Scrum ceremonies") is backed by a line naming it
    # ("Scrum" on a skills line), when the names are at least half of its terms: the probe that did
    # not show that line was judged generic, asking whether they had used what their resume lists.
    names = name_terms(requirement)
    own_names = [t for t in own if t in names]
    return 2 * len(own_names) >= len(own) and all(named(t, vocabulary) for t in own_names)


_EXAMPLES = re.compile(r"\b(?:such as|e\.g\.|for example|for instance|like)\b", re.I)


def lists_examples(requirement: str) -> bool:
    """Whether a requirement's list gives examples of what it asks ("an ERP system such as NetSuite
    or Sage"): another of the kind meets it."""
    return bool(_EXAMPLES.search(requirement))


def is_name(item: str) -> bool:
    """Whether a list item is written as a name ("Hadoop", "C#", "AWS Lambda"), not as an activity
    ("testing", "debugging programs")."""
    return any(
        w[:1].isupper() or w[1:] != w[1:].lower() or any(c.isdigit() or c in "#+" for c in w)
        for w in NAME.findall(item)
        if _key(w) not in _COMMON
    )


def name_terms(text: str) -> frozenset[str]:
    """The terms of ``text`` written as names: capitalised past its first word, or with a capital
    inside, a digit or a sign anywhere ("JavaScript", "C#", "S3")."""
    found = set()
    for i, word in enumerate(NAME.findall(text)):
        inner = any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() or ch in "#+" for ch in word)
        if inner or (i > 0 and word[:1].isupper()):
            found.add(_key(word))
    return frozenset(found)


# Degrees by level. A requirement of a bachelor's is met by a master's in the field it names (or in
# any field when it names none): asked whether they had a bachelor's, a master's graduate was asked a
# question the resume answers.
_DEGREE_LEVELS = (
    (5, re.compile(r"\b(?:ph\.?\s?d|doctora\w*)", re.I)),
    (4, re.compile(r"\b(?:master(?:'s|’s|s)?|m\.\s?sc?\.?|msc|mba|m\.a\.)(?=\W|$)", re.I)),
    (3, re.compile(r"\b(?:bachelor(?:'s|’s|s)?|b\.\s?sc?\.?|bsc|bs|b\.a\.|undergraduate degree)(?=\W|$)", re.I)),
    (2, re.compile(r"\bassociate(?:'s|’s)?\s+(?:degree|of|or)\b", re.I)),
)
# Words of a degree requirement that name no field of study.
_NOT_A_FIELD = frozenset(
    """
    degree degrees diploma bachelor bachelors master masters associate associates phd doctorate mba bsc msc ba ma bs
    ms accredited institution university college school equivalent equivalence lieu education training field fields
    discipline area areas related technical similar relevant preferably preferred required plus combination
    four-year year years completed completion valid in-lieu lieu work-related
    """.split()
)


def degree_level(text: str) -> int:
    """The highest degree a text names: 2 associate, 3 bachelor's, 4 master's, 5 doctorate (0: none)."""
    return max((level for level, pattern in _DEGREE_LEVELS if pattern.search(text)), default=0)


def degree_asked(requirement: str) -> int:
    """The lowest degree a requirement accepts ("an associate or bachelor's degree": 2), 0 for none."""
    return min((level for level, pattern in _DEGREE_LEVELS if pattern.search(requirement)), default=0)


def degree_meets(requirement: str, degree: str) -> bool:
    """Whether a resume's degree line meets a degree requirement: its level is at least the one
    asked, and it names the requirement's field of study where the requirement names one."""
    asked = degree_asked(requirement)
    if not asked or degree_level(degree) < asked:
        return False
    field = [t for t in terms(requirement) if t.strip("'’s") not in _NOT_A_FIELD and t not in _NOT_A_FIELD]
    vocabulary = vocabulary_of(degree)
    return not field or any(named(t, vocabulary) for t in field)


_OR_EXPERIENCE = re.compile(
    r"\b(?:or|in[- ]lieu of)\b[^.;]{0,60}?\b(?:equivalent|comparable)\b[^.;]{0,40}?\b(?:experience|work)\b", re.I
)
# Years of work that may stand in for a degree a requirement lets experience replace.
YEARS_FOR_A_DEGREE = 4


def experience_may_replace(requirement: str) -> bool:
    """Whether a degree requirement accepts experience instead ("or equivalent practical experience")."""
    return bool(_OR_EXPERIENCE.search(requirement))


def is_degree(requirement: str) -> bool:
    """A requirement of a school diploma or a degree (met or not by the resume, never worth a probe once met)."""
    return asks_school_only(requirement) or bool(degree_asked(requirement))
