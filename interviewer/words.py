"""Words of a text: the tokens and the content words that metrics, templates and the ranker share."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

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


MIN_CHECKED = 4  # shorter words are abbreviations and names as often as words


def made_up(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Words of ``text`` that are no word: in neither ``known`` (the documents' and the dialog's
    words) nor English as ``wordfreq`` counts it (about 300,000 words, read offline from the
    package). On real postings the 1.5B fused a requirement's word with another into one that is
    no word ("forensicative" for "forensic"), judged odd every time; the fixtures'
    own 949 interviewer turns have 11 such words, all jargon their documents name."""
    frequency = _english()
    out = []
    for word in tokens(text):  # as ``known`` was made: "rxjava2" is one token, and a name with a digit
        stem = word.removesuffix("'s")
        if len(stem) < MIN_CHECKED or not stem.isalpha() or word in known or stem in known:
            continue
        if frequency(stem) == 0:
            out.append(word)
    return out


@functools.cache
def _english() -> Callable[[str], float]:
    """wordfreq's Zipf frequency of an English word (0 for none); its list loads once (~0.5 s, ~55 MB)."""
    from wordfreq import zipf_frequency

    return functools.partial(zipf_frequency, lang="en")


def warm() -> None:
    """Load the word list now, not on the first turn that checks a word."""
    _english()
