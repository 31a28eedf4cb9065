"""Job search for the candidate's home page: words over a posting's title, company, location and
askable facts (its requirements, duties and skills), in the database.

Every word must match somewhere in the posting (not the whole phrase in one field); postings
whose title holds more of the words come first. A word matches by its stem ("developer" finds
"web development"), and a word of one or two letters ("Go", "R", "C#" is three) only as a whole
word, so it does not match inside every other word. Plain ``icontains`` and ``EXISTS``: the same
query on PostgreSQL and SQLite, no index to keep up to date.
"""

from __future__ import annotations

import re
from functools import reduce

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from interviewer.text import QUERY
from webapp.documents.models import Fact, JobPosting

MAX_WORDS = 8
SHORT_WORD = 2  # as long as a word may be and still match only as a whole word
_STOP = frozenset("a an and or the of in at for to with on by as job jobs role position".split())
# Suffixes a word loses before matching, longest first: "developer", "development", "developing"
# all look for "develop". A stem keeps at least 4 letters ("user" stays "user").
_SUFFIXES = ("ments", "ment", "ings", "ing", "ers", "er", "ies", "es", "ed", "s")
_MIN_STEM = 4


def words(query: str) -> list[str]:
    """The words of a query that must each match: stop words dropped unless nothing else is left."""
    found = [w.strip(".'’-").casefold() for w in QUERY.findall(query)]
    found = [w for w in found if w]
    kept = [w for w in found if w not in _STOP] or found
    return list(dict.fromkeys(kept))[:MAX_WORDS]


def stem(word: str) -> str:
    """``word`` without one common English suffix, when enough of it is left to mean something.

    Not :func:`interviewer.text.stem`: a search matches the stem as a substring of the stored text,
    and Snowball's stems are often no substring of the word ("company" -> "compani")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM and word.isalpha():
            return word[: -len(suffix)]
    return word


def _contains(field: str, word: str) -> Q:
    """``field`` holds ``word``: by its stem, or as a whole word when the word is short.

    The whole-word test is one regular expression that PostgreSQL (``~*``) and SQLite (Python's
    ``re``) read alike; the substring test in front of it spares the regex most rows.
    """
    if len(word) > SHORT_WORD:
        return Q(**{f"{field}__icontains": stem(word)})
    whole = rf"(^|[^a-z0-9_]){re.escape(word)}([^a-z0-9_]|$)"
    return Q(**{f"{field}__icontains": word}) & Q(**{f"{field}__iregex": whole})


def search_jobs(query: str, seniority: str = "") -> QuerySet[JobPosting]:
    """Postings matching every word of ``query`` (and ``seniority`` when given), best first."""
    jobs = JobPosting.objects.all()
    if seniority:
        jobs = jobs.filter(seniority=seniority)
    terms = words(query)
    if not terms:
        return jobs.order_by("title", "id")
    title_hits: list[Combinable] = []  # Cases, summed into one expression
    for word in terms:
        in_facts = Fact.objects.filter(job=OuterRef("pk"), askable=True, hidden=False).filter(_contains("text", word))
        fields = _contains("title", word) | _contains("company", word) | _contains("location", word)
        jobs = jobs.filter(fields | Q(Exists(in_facts)))
        title_hits.append(Case(When(_contains("title", word), then=Value(1)), default=Value(0)))
    score = reduce(lambda a, b: a + b, title_hits)
    return jobs.annotate(title_hits=score).order_by("-title_hits", "title", "id")
