"""What a turn states that nobody gave: a number or a capitalised name absent from the documents and
the dialog (the 135M and the 1.5B both made up employers, team sizes and years)."""

from __future__ import annotations

import re

from interviewer.text import NAME_OR_NUMBER, STOPWORDS, tokens

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "thousand million dozen half".split()
)


def invents(text: str, known: frozenset[str]) -> bool:
    """A number (digits or words) or a capitalised name (not the first word, not a common word)
    absent from the documents."""
    numbers = [w for w in tokens(text) if w in NUMBER_WORDS]
    if not known:
        return bool(re.search(r"\d", text)) or bool(numbers)
    return any(w not in known for w in numbers) or names_unknown(text, known)


def names_unknown(text: str, known: frozenset[str]) -> bool:
    """A capitalised name or a number in digits (not the first word, not a common word) not in ``known``."""
    first = text.split()[0].strip(".,;:!?") if text.split() else ""  # "Hello," is the first word too
    for token in NAME_OR_NUMBER.findall(text):
        low = token.lower().strip(".,")
        if token == first or low in STOPWORDS or low in _CLOSING_WORDS:
            continue
        if low not in known:
            return True
    return False


_CLOSING_WORDS = frozenset(
    "thank thanks thank-you great good best wonderful i we we'll i'll our you your today time talking "
    "speaking meeting chatting next steps soon touch again".split()
)
