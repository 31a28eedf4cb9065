"""Words of a text: the tokens and the content words that metrics, templates and the ranker share."""

from __future__ import annotations

import re

# A word, its 's/'re/... kept, and the # or + of C#, F#, C++ (else "C#" would be the letter c).
_TOKEN = re.compile(r"[a-z0-9]+(?:[#+]+|'[a-z]+)?")
STOPWORDS = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those you your yours i me my we our us they them their he she his her what which who whom how why when where "
    "do does did have has had can could would should will shall may might must not no so if then than there here "
    "about into over under up down out more most some any all each very just also tell me walk through give "
    "experience role team work".split()
)


_WORD = re.compile(r"[a-z0-9']+")


def word_jaccard(a: str, b: str) -> float:
    """Word-set Jaccard of two texts (lower-cased words and apostrophes); 0 when both have none."""
    x, y = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x | y else 0.0


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def content_words(text: str) -> set[str]:
    """The words that carry meaning: no stop words, none of two letters or fewer (but C#, F#)."""
    return {w for w in tokens(text) if w not in STOPWORDS and (len(w) > 2 or w[-1] in "#+")}


def key_words(text: str) -> set[str]:
    """What a fact is named by: its content words, or for a fact that has none (AI, Go, UX), its
    words of any length that are not stop words."""
    return content_words(text) or {w for w in tokens(text) if w not in STOPWORDS}
