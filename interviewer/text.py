"""The text toolkit: words, content words, stop words, stems, sentences and overlap, for every module.

A word is written once, by :func:`_shape`: a first character, then characters a word may hold inside,
ending on one a word may end with. The shapes below differ only in the joiners they keep, and each
says whom it serves: a posting's names keep the dot of "Node.js" and the slash of "CI/CD", an answer's
figures keep the "%" of "40%", a hashed vector needs neither. No module outside this one writes a word
pattern (``tests/test_code_shape.py`` keeps it so).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection

_ALNUM = "A-Za-z0-9"


def _shape(first: str, inner: str, last: str | None = None) -> re.Pattern[str]:
    """A word: one ``first`` character, then ``inner`` ones ending on a ``last`` one, or the first alone."""
    return re.compile(f"[{first}](?:[{inner}]*[{last or inner}])?")


# A word of prose: letters and digits, the # or + of C#, F#, C++ (else "C#" would be the letter c), and
# an apostrophe inside ("don't", "team's").
WORD = _shape(_ALNUM, _ALNUM + "#+'", _ALNUM + "#+")
# A posting's or resume's name as written, starting with a letter: "Node.js", "CI/CD", "C++", "T-SQL".
NAME = _shape("A-Za-z", _ALNUM + "+#./-", _ALNUM + "+#")
# A name for the selector's stems: the dot of "Node.js" kept, "CI/CD" and "front-end" two words each.
DOTTED = _shape(_ALNUM, _ALNUM + "+#.", _ALNUM + "+#")
# A word of an answer as said, with its figure ("40%", "$1.2M" as "1.2M", "v2.1", "10:30", "user_id").
SAID = _shape(_ALNUM, _ALNUM + "'+#:_%.-", _ALNUM + "%+#")
# A thing an answer mentioned, for a follow-up to name: a name or a figure ("Kafka", "40%", "v2.1").
MENTION = _shape(_ALNUM, _ALNUM + "+#.%-", _ALNUM + "%")
# A word run of a turn, compared with the answer and the facts: hyphens and apostrophes kept whole.
RUN = _shape(_ALNUM, _ALNUM + "'+#.-")
# A word of an answer whose stem is compared: "follow-up" and "don't" stay one.
SPOKEN = _shape(_ALNUM, _ALNUM + "+#'-")
# A word hashed into a test vector: letters, digits and the signs of C# and C++, anywhere in it.
HASHED = _shape(_ALNUM + "+#", _ALNUM + "+#")
# A word of a search query, in any script ("café", "Zürich").
QUERY = _shape(r"\w", r"\w+#.'’-")
# Letters only: the words a generic phrase is made of ("development" of "web development").
LETTERS = _shape("A-Za-z", "A-Za-z")
# A name or a figure a turn states: "Kafka", "JavaScript", "40%", "1,200" (the caller skips the first word
# and common words, which any sentence may capitalise).
NAME_OR_NUMBER = re.compile(r"\b(?:\d[\d,.%]*|[A-Z][a-z]+(?:[A-Z][a-z]+)*)\b")
# A spoken word with the punctuation after it (a transcript's "like," is set off, "like" is not).
SPOKEN_WITH_MARK = re.compile(r"([^\W\d_][\w'’-]*|\d[\w.,%]*)([^\w\s]*)")

# Function words of English: no meaning of their own in a question, an answer or a fact.
FUNCTION_WORDS = frozenset(
    """a about all also an and any are as at be been being but by can could did do does down each for from
    had has have he her here his how i if in into is it its just me more most my no not of on or our out
    over she should so some tell than that the their them then there these they this those through to
    under up us very was we were what when where which who whom why will with would you your yours""".split()
)
# The stop words of an interviewer's turn and of the documents: the words every question uses too.
STOPWORDS = FUNCTION_WORDS | frozenset("may might must shall walk give experience role team work".split())
# The stop words of a spoken answer: English function words and the fillers of speech.
SPOKEN_STOPWORDS = FUNCTION_WORDS | frozenset(
    """above after again against am because before below between both doing done during even ever every few
    further get got having hers him i'd i'll i'm i've it's let like much nor now off once one only other ours
    own really same such that's too until we'd while yes yeah well okay ok oh um hmm actually basically
    honestly think thing things lot bit kind sort time times way ways make made go went say said see know
    something anything everything quite""".split()
)


def tokens(text: str) -> list[str]:
    """The lower-case words of ``text``."""
    return WORD.findall(text.lower())


def content_words(text: str) -> set[str]:
    """The words that carry meaning: no stop words, none of two letters or fewer (but C#, F#)."""
    return {w for w in tokens(text) if w not in STOPWORDS and (len(w) > 2 or w[-1] in "#+")}


def key_words(text: str) -> set[str]:
    """What a fact is named by: its content words, or for a fact that has none (AI, Go, UX), its
    words of any length that are not stop words."""
    return content_words(text) or {w for w in tokens(text) if w not in STOPWORDS}


PREFIX = 5  # letters a word is known by when only its stem matters ("Kubernetes" -> "kuber")


def prefix(word: str) -> str:
    """The crude stem that matching compares: the first :data:`PREFIX` characters."""
    return word[:PREFIX]


@functools.cache
def _stemmer() -> Callable[[str], str]:
    import snowballstemmer

    return functools.lru_cache(maxsize=16384)(snowballstemmer.stemmer("english").stemWord)


def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of an English word: "tuned", "tuning" and "tunes" are "tune"."""
    return _stemmer()(word.lower().strip("'"))


def jaccard(a: Collection[str], b: Collection[str]) -> float:
    """Jaccard similarity of two sets of words; 0 when both are empty."""
    x, y = set(a), set(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def word_jaccard(a: str, b: str) -> float:
    """:func:`jaccard` of the lower-case words of two texts."""
    return jaccard(tokens(a), tokens(b))


# A sentence ends at . ! or ? (then any closing quote or bracket) followed by a space and a capital
# or an opening quote; "e.g. this" and "2.5 years" do not end one.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"”’')\]]*)\s+(?=[A-Z\"“(])")


def split_sentences(text: str) -> tuple[list[str], str]:
    """(the finished sentences of ``text``, the unfinished rest): for text that grows as it is written."""
    done, start = [], 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() + len(match.group(1))
        if _open_quote(text[start:end]):
            continue  # 'You said "it was late. We" ...': a sentence does not end inside a quote
        done.append(text[start:end].strip())
        start = match.end()
    return [s for s in done if s], text[start:].strip()


def _open_quote(text: str) -> bool:
    return (text.count('"') + text.count("“") + text.count("”")) % 2 == 1


def sentences(text: str) -> list[str]:
    """Every sentence of written ``text``, the unfinished last one included."""
    done, rest = split_sentences(text)
    return done + ([rest] if rest else [])


_SPOKEN_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def spoken_sentences(text: str) -> list[str]:
    """The sentences of an answer, which may be transcribed speech with no capitals: any . ! or ?
    before a space ends one, and so does a new line (a run-on answer is one sentence)."""
    return [s.strip() for s in _SPOKEN_SENTENCE.split(text) if s and s.strip()]


# Abbreviations whose full stop ends no sentence of a document.
_ABBREVIATIONS = tuple("e.g. i.e. etc. vs. approx. incl. Dr. Mr. Ms. Mrs. St. Inc. Ltd. Co. No.".split())
# A document's sentence also ends where a PDF glued the next to it ("...for years.Led a team").
_DOCUMENT_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|(?<=[a-z]{3}[.!?])(?=[A-Z])")


def document_sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph of a resume or posting, abbreviations kept whole."""
    protected = paragraph
    for i, abbreviation in enumerate(_ABBREVIATIONS):
        if abbreviation in protected:
            protected = protected.replace(abbreviation, f"\x00{i}\x00")
    out = []
    for part in _DOCUMENT_SENTENCE_END.split(protected):
        if "\x00" in part:
            for i, abbreviation in enumerate(_ABBREVIATIONS):
                part = part.replace(f"\x00{i}\x00", abbreviation)
        if part.strip():
            out.append(part.strip())
    return out


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
