"""Structure recovery: lines back from text whose line breaks were lost.

CSV exports, scraped pages and text pasted from a PDF often arrive as one long paragraph:
headings sit inline ("... our team. Responsibilities: Build ..."), bullets run together
("• Python • SQL", "1. ... 2. ...", "- Medical - Dental"), and list items follow each other
with no punctuation ("...test software applications Maintain systems by identifying...").
:func:`recover_lines` turns such text back into lines that a line-based parser understands:
heading lines ending in ":", bullet lines starting with "• ", and the rest unchanged. Lines
that already have structure (a Markdown fixture, a DOCX paragraph) pass through as they are.

Work is linear in the length of the text: patterns use bounded repetition only, headings are
looked for around keyword hits (a handful of words back), and run-together items are found in
one pass over the tokens of a line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from interviewer.documents.facts import ACTION_VERBS, is_label

BULLET = "• "
_BULLET_GLYPHS = "•▪◦●■□➢➤►▶✓✔❖➔→"
_GLYPH_BULLET = re.compile(rf"\s*[{_BULLET_GLYPHS}]\s*|\s+·\s+|(?<=\S)\s+\*\s+(?=\S)")
_DASH_BULLET = re.compile(r"(?<=\S)\s+-\s+(?=[A-Z(])")
_NUMBERED = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})[.)]\s+(?=[A-Z(])")
_MD_INLINE = re.compile(r"(?<=\s)#{1,6}\s+(?=[A-Z*_])")
_GLUED_LOWER = re.compile(r"\b([a-z]{4,}[.!?]?)([A-Z][a-z]{2,}|[A-Z]{5,}\b)")
_GLUED_HEADING = re.compile(
    r"\b(Summary|Description|Overview|Responsibilities|Requirements|Qualifications|Benefits|Duties)([A-Z][a-z])"
)
# A sentence glued to a heading word or a requirement's first word, in a CSV that lost its line
# breaks ("... a food hygiene certificateMinimum of two years", "... under pressureKnowledge and
# Skills"): the first part may start with a capital, so only these words are split off
# ("JavaScript" and "PowerPoint" stay).
_GLUED_WORD = re.compile(
    r"\b([A-Za-z][a-z]{2,})(Knowledge|Minimum|Skills|Abilities|Ability|Experience|Education|Preferred|Required|"
    r"Must|Licensure|Certifications?|Salary|Location|Schedule)\b"
)
_GLUED_BRACKET = re.compile(r"\)(?=[A-Z][a-z]{2,})")
_GLUED_CAPS = re.compile(r"\b([A-Z]{3,})([A-Z](?!(?:ful|less|ness|ish|ized?|ified|ing|ed|ly|s)\b)[a-z]{2,})")
_LINE_BULLET = re.compile(rf"^\s*(?:[-*{_BULLET_GLYPHS}·–—>]|\d{{1,2}}[.)]|[a-z][.)](?=\s))\s+")

# Last word of a heading ("Essential Duties and Responsibilities", "What You Will Be Doing").
_KEYWORDS = (
    "responsibilities responsibility duties requirements requirement qualifications qualification skills skill "
    "experience education benefits perks summary overview description objective profile projects certifications "
    "certificates achievements accomplishments awards highlights competencies expertise interests activities "
    "details information offer us you doing do need role have bring compensation apply history knowledge "
    "training publications languages background position haves"
).split()
_KEYWORD_SET = frozenset(_KEYWORDS)
HEADING_WORDS = _KEYWORD_SET  # public: sections.names_section tells headings from titles with it
_KEYWORD = re.compile(
    r"\b(?:" + "|".join(sorted({w.title() for w in _KEYWORDS} | {w.upper() for w in _KEYWORDS})) + r")\b"
)
_ABOUT = re.compile(r"\b(About(?: (?:[A-Z][\w&.'’-]*|the|us|our)){1,5})\s*:")
_WHY = re.compile(r"\b(Why(?: [A-Z][\w&.'’-]*| us| join| work){1,3})\s*\?")  # "Why Acme?", "Why join us?"
_COLON = re.compile(r" ?:(?=\s)")
_NEXT_KEYWORD = re.compile(r"\s+((?:[A-Z][A-Za-z'’&/-]*\s+){0,2}?" + _KEYWORD.pattern[2:] + r")\s*:?")
_CONNECTORS = frozenset("and of for to the in with this it we you our your a an & at be will".split())
_INTERROGATIVES = frozenset(("What", "What's", "Who", "Why", "How", "Where"))
_SENTENCE_END = re.compile(r"[.!?:;)\]]$")
MAX_HEADING_WORDS = 6

# Words that start a list item when a capitalised one follows a lower-case word mid-line:
# imperative verbs (postings) and the usual openers of a requirement.
_VERBS = ACTION_VERBS
# Openers of a requirement or of a new sentence that lost its full stop.
_OPENERS = frozenset(
    """
    ability able advanced basic comfortable current demonstrated detail-oriented effective excellent exceptional
    experience experienced expert familiarity familiar good great hands-on high knowledge minimum must outstanding
    previous prior proactive proficiency proficient proven responsible self-motivated solid strong superior
    thorough understanding valid willing willingness working candidates applicants successful ideal someone
    extremely highly very
    """.split()
)
_SENTENCE_OPENERS = frozenset("the we our you your this these they if".split())
_STARTERS = _VERBS | _OPENERS | _SENTENCE_OPENERS
_NOUN_OPENERS = frozenset("knowledge experience ability proficiency familiarity understanding expertise".split())
_PREPOSITIONS = frozenset("for of in on at to with by from as into over under about and or nor &".split())
# Words that may stand before a keyword in a heading with a colon ("Essential Duties and
# Responsibilities:", "Preferred Qualifications:"); any other capitalised word before it belongs
# to the sentence before ("... Power BI or Tableau Benefits:").
_MODIFIERS = frozenset(
    """
    key job main essential primary basic preferred minimum required additional technical professional work core
    general desired desirable nice must physical special other relevant employment academic educational career
    areas area computer soft personal top what who why how ideal candidate position role company team
    """.split()
)
# Section words that start a heading even mid-sentence when capitalised ("... shift leads Requirements 2+ years").
_STRONG_KEYWORDS = frozenset(
    "Responsibilities Requirements Qualifications Benefits Duties Perks RESPONSIBILITIES REQUIREMENTS "
    "QUALIFICATIONS BENEFITS DUTIES PERKS".split()
)
_NOT_ING = frozenset(
    "accounting banking billing building clothing computing consulting engineering financing funding housing "
    "manufacturing marketing networking nursing plumbing pricing programming publishing purchasing recruiting "
    "shipping spring staffing string training trucking warehousing wedding".split()
)
_FUNCTION_WORDS = frozenset(
    "a an the to of for and or with in on at by as from into our your their is are be will can must should "
    "may this that these those such including include includes like via per than not".split()
)
_YEARS = re.compile(r"^\d{1,2}(?:\+|-\d{1,2})?\+?$")
MIN_ITEM_WORDS = 3
RUN_TOGETHER_MIN_WORDS = 12  # a shorter line may be a sentence wrapped by a PDF
FLAT_LINE_CHARS = 400


def recover_lines(text: str, is_heading: Callable[[str], bool]) -> list[str]:
    """Lines of ``text`` with inline headings, inline bullets and run-together items split out.

    Args:
        text: clean text (see ``extract.clean_text``).
        is_heading: whether a short phrase ("Job Responsibilities") names a section.

    Returns:
        Lines in reading order; a recovered heading ends in ":", a recovered list item starts
        with "• ". Empty lines (paragraph breaks) are kept.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append("")
            continue
        line = _unglue(line)
        pieces = [(piece, _split_headings(piece.removeprefix(BULLET), is_heading)) for piece in _split_markdown(line)]
        # A paragraph that was once many lines: long, or with headings or bullets inside.
        flat = len(line) > FLAT_LINE_CHARS or len(pieces) > 1 or any(len(parts) > 1 for _p, parts in pieces)
        for n, (piece, parts) in enumerate(pieces):
            bullet = piece.startswith(BULLET)
            # "Requirements: Experience with REST - Knowledge of Agile - ...": the first item of a
            # list after its heading is an item like the bulleted ones that follow it.
            list_follows = n + 1 < len(pieces) and pieces[n + 1][0].startswith(BULLET)
            for i, (part, heading) in enumerate(parts):
                if heading:
                    out.append(part + ":")
                    continue
                items = _split_run_together(part, flat)
                after_heading = i > 0 and parts[i - 1][1] and i == len(parts) - 1 and list_follows
                as_bullets = len(items) > 1 or (bullet and i == 0) or after_heading
                out.extend(BULLET + item if as_bullets else item for item in items)
    return out


def _unglue(line: str) -> str:
    """Put back the break between lines joined without a space: "objectivesManage a team" ->
    "objectives. Manage a team", "SUMMARYThe role" -> "SUMMARY The role"."""
    if not any(p.search(line) for p in (_GLUED_LOWER, _GLUED_CAPS, _GLUED_HEADING, _GLUED_BRACKET, _GLUED_WORD)):
        return line
    line = _GLUED_HEADING.sub(r"\1: \2", line)
    line = _GLUED_WORD.sub(r"\1. \2", line)
    line = _GLUED_BRACKET.sub(") ", line)
    line = _GLUED_LOWER.sub(lambda m: f"{m.group(1)}{' ' if m.group(1)[-1] in '.!?' else '. '}{m.group(2)}", line)
    return _GLUED_CAPS.sub(r"\1 \2", line)


def _split_markdown(line: str) -> list[str]:
    """A flattened Markdown file: each "## Heading" starts a line again, then bullets are split."""
    starts = [m.start() for m in _MD_INLINE.finditer(line)]
    if not starts:
        return _split_bullets(line)
    bounds = [0] + starts + [len(line)]
    parts = [line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if line[a:b].strip()]
    return [p for part in parts for p in _split_bullets(part, 1 if part.startswith("#") else 2)]


def _split_bullets(line: str, min_dashes: int = 2) -> list[str]:
    """Split at inline bullet glyphs, " * ", " - Item" runs and numbered items "1. ... 2. ..."."""
    marker = _LINE_BULLET.match(line)
    head, rest = ("", line) if marker is None else (BULLET, line[marker.end() :])
    cuts: list[tuple[int, int]] = [(m.start(), m.end()) for m in _GLYPH_BULLET.finditer(rest)]
    dashes = [(m.start(), m.end()) for m in _DASH_BULLET.finditer(rest)]
    if len(dashes) >= min_dashes and ":" not in rest[dashes[0][0] :]:
        cuts.extend(dashes)  # "- Medical - Dental - Vision"; not "Location: X - Y Shift: Day"
    cuts.extend(_numbered_cuts(rest))
    if not cuts:
        return [head + line[marker.end() :]] if marker else [line]
    pieces: list[str] = []
    position = 0
    first = True
    for start, end in sorted(cuts):
        if start < position:
            continue
        chunk = rest[position:start].strip()
        if chunk:
            pieces.append((head if first else BULLET) + chunk)
        first = False if chunk or start > 0 else first
        position = end
    tail = rest[position:].strip()
    if tail:
        pieces.append((head if first else BULLET) + tail)
    return pieces


def _numbered_cuts(text: str) -> list[tuple[int, int]]:
    """Numbered markers that belong to a sequence (1. and 2., not "Python 3. Experience")."""
    found = [(int(m.group(1)), m.start(), m.end()) for m in _NUMBERED.finditer(text)]
    numbers = {n for n, _s, _e in found}
    return [(s, e) for n, s, e in found if (n + 1) in numbers or (n - 1) in numbers]


def _split_headings(text: str, is_heading: Callable[[str], bool]) -> list[tuple[str, bool]]:
    """``"... team. Job Responsibilities Support ..."`` -> ``[("... team.", False),
    ("Job Responsibilities", True), ("Support ...", False)]``.

    A label of metadata ("Location:", "Shift:") also starts a new part, so that it does not
    glue itself to the claim before it.
    """
    parts: list[tuple[str, bool]] = []
    position = 0
    for start, kind, match in _candidates(text):
        if start < position:
            continue
        if kind == "label":
            label_start = _label_start(text, match.start(), position)
            if label_start is not None and label_start > position:
                before = text[position:label_start].strip()
                if before:
                    parts.append((before, False))
                position = label_start
            continue
        if kind == "about":
            phrase = match.group(1).strip()
            found = (match.start(), match.end(), phrase) if is_heading(phrase) else None
        else:
            found = _heading_at(text, match.start(), match.end(), position, is_heading)
        if found is None:
            continue
        start, end, phrase = found
        end, phrase = _extend_heading(text, end, phrase, is_heading)
        before = text[position:start].strip()
        if before:
            parts.append((before, False))
        parts.append((phrase, True))
        position = end
    tail = text[position:].strip()
    if tail:
        parts.append((tail, False))
    return parts or [(text, False)]


def _candidates(text: str) -> list[tuple[int, str, re.Match[str]]]:
    """Where a heading or a label may end, in reading order."""
    found = [(m.start(), "keyword", m) for m in _KEYWORD.finditer(text)]
    found += [(m.start(), "about", m) for m in _ABOUT.finditer(text)]
    found += [(m.start(), "about", m) for m in _WHY.finditer(text)]
    found += [(m.start(), "label", m) for m in _COLON.finditer(text)]
    return sorted(found, key=lambda c: (c[0], c[1] != "about"))


def _label_start(text: str, colon: int, floor: int) -> int | None:
    """Where a metadata label such as "Primary Location :" starts, if one ends at ``colon``."""
    tokens = text[max(floor, colon - 40) : colon].split()
    best = None
    position = colon
    for n in range(1, min(4, len(tokens)) + 1):
        phrase = " ".join(tokens[-n:])
        position = text.rfind(tokens[-n], floor, position)
        if tokens[-n][:1].isupper() and is_label(phrase):
            best = position
    return best


def _extend_heading(text: str, end: int, phrase: str, is_heading: Callable[[str], bool]) -> tuple[int, str]:
    """ "Education" followed by "Details": the heading is "Education Details"."""
    if text[end - 1 : end] == ":":
        return end, phrase
    more = _NEXT_KEYWORD.match(text, end)
    if more is None or not is_heading(f"{phrase} {more.group(1)}"):
        return end, phrase
    return more.end(), f"{phrase} {more.group(1)}"


def _heading_at(
    text: str, key_start: int, key_end: int, floor: int, is_heading: Callable[[str], bool]
) -> tuple[int, int, str] | None:
    """(start, end past any colon, phrase) of a heading that ends with this keyword, else None.

    A heading followed by a colon may start anywhere; one without a colon must be in capitals
    ("TECHNICAL SKILLS") or start right after a sentence end ("... team. Job Responsibilities
    Support ...") and be followed by a capital, a digit or a bullet.
    """
    rest = text[key_end : key_end + 4]
    colon = rest.lstrip().startswith(":")
    keyword = text[key_start:key_end]
    caps = keyword.isupper() and len(keyword) > 2
    words, starts, boundary = _words_before(text, key_start, floor, caps)
    if not (colon or key_end == len(text) or re.match(r"\s+[A-Z0-9•*(\-–]", rest)):
        return None
    asking = [k for k, w in enumerate(words) if w in _INTERROGATIVES and len(words) - k >= 2]
    for k in asking[:1] + list(range(len(words) + 1)):  # "What You Will Be Doing", else the longest phrase
        phrase_words = words[k:] + [keyword]
        if len(phrase_words) > MAX_HEADING_WORDS or phrase_words[0].lower() in _CONNECTORS:
            continue
        strong = k == len(words) and keyword in _STRONG_KEYWORDS
        modified = colon and all(_heading_word(w) for w in words[k:])
        # "... Agile practices Nice To Haves - Experience with Docker": heading words in title case
        # after a lower-case word (not "... Power BI or Tableau Benefits ..."), then a bullet or a capital.
        titled = (
            k == 0 and len(phrase_words) >= 2 and all(w[:1].isupper() and _heading_word(w) for w in phrase_words[:-1])
        )
        if not ((k == 0 and boundary) or caps or k in asking or strong or modified or titled):
            continue
        phrase = " ".join(phrase_words)
        if is_heading(phrase):
            end = key_end + (rest.index(":") + 1 if colon else 0)
            return (starts[k] if k < len(words) else key_start), end, phrase
    return None


def _heading_word(word: str) -> bool:
    key = word.lower().strip(":")
    return key in _MODIFIERS or key in _CONNECTORS or key in _KEYWORD_SET or key in ("&", "/")


def _words_before(text: str, key_start: int, floor: int, caps: bool) -> tuple[list[str], list[int], bool]:
    """Heading-like words just before a keyword: (words, their start offsets, whether the first
    of them starts at a boundary: the start of the text, a sentence end or a word glued on)."""
    segment = text[max(floor, key_start - 80) : key_start]
    if not segment.endswith(" "):
        # Glued on: "learning.Education" (a boundary; "monthsCompany" was unglued before).
        return [], [], bool(_SENTENCE_END.search(segment)) or segment == ""
    tokens = segment[:-1].split(" ")
    words: list[str] = []
    starts: list[int] = []
    position = key_start - 1
    for token in reversed(tokens):
        position -= len(token)
        fits = _in_capitals(token) if caps else (_in_title_case(token) or token in _CONNECTORS)
        if token and fits and len(words) < MAX_HEADING_WORDS - 1:
            words.insert(0, token)
            starts.insert(0, position)
            position -= 1
            continue
        return words, starts, caps or bool(_SENTENCE_END.search(token))
    return words, starts, position + 1 <= floor + 1 or key_start - 80 <= floor


_UPPER = frozenset(string.ascii_uppercase)
_HEADING_MARKS = frozenset("'’&/-")


def _in_title_case(token: str) -> bool:
    """A word of a heading in title case: "Work", "R&D", "Skills/Tools"."""
    return token[:1] in _UPPER and all(ch in string.ascii_letters or ch in _HEADING_MARKS for ch in token)


def _in_capitals(token: str) -> bool:
    """A word of a heading in capitals: "WORK", "R&D" (a capital alone is an initial)."""
    return len(token) > 1 and token[0] in _UPPER and all(ch in _UPPER or ch in _HEADING_MARKS for ch in token)


def _split_run_together(text: str, flat: bool = False) -> list[str]:
    """Split where a new list item starts mid-line: a capitalised starter after a lower-case word.

    ``"test software applications Maintain systems by ..."`` splits before "Maintain"; "experience
    with Python" and "Spring Boot" do not (the word is not a starter, or no lower-case word
    follows it, or a function word precedes it).
    """
    tokens = text.split(" ")
    if len(tokens) < (2 * MIN_ITEM_WORDS if flat else RUN_TOGETHER_MIN_WORDS):
        return [text]
    items: list[str] = []
    current: list[str] = []
    for i, token in enumerate(tokens):
        if len(current) >= MIN_ITEM_WORDS and _starts_item(
            current[-1], token, tokens[i + 1] if i + 1 < len(tokens) else ""
        ):
            items.append(" ".join(current))
            current = []
        current.append(token)
    if current:
        if items and len(current) < MIN_ITEM_WORDS:
            items[-1] = f"{items[-1]} {' '.join(current)}"
        else:
            items.append(" ".join(current))
    return items


def _starts_item(previous: str, token: str, following: str) -> bool:
    if not previous[-1:].isalnum() and previous[-1:] != ")":
        return False  # after punctuation the sentence splitter decides
    if previous.lower() in _FUNCTION_WORDS:
        return False  # "the Work": part of a phrase
    if _YEARS.match(token):
        return following.lower().startswith(("year", "yr")) and not previous[-1:].isdigit()
    if token.endswith(":") and _is_title(token) and following[:1].isupper() and previous[:1].islower():
        return True  # "... for Windows servers Tools: Bash, ...": an item's label glued to the item before
    if not token[:1].isupper() or token[1:2].isupper() or not following[:1].islower():
        return False
    word = token.rstrip(",;:").lower()
    if word in _SENTENCE_OPENERS:
        return True  # "... Eclipse If you are ...": a sentence that lost its full stop
    if _is_title(previous.lstrip("([\"'")):
        # "... in Java Monitor the jobs" and "... in Sage Knowledge of pensions" start an item;
        # "Team Lead for", "Electrical Engineering", "Customer Service Experience required" do not.
        if word in _NOUN_OPENERS:
            return following.lower() in ("of", "with", "in", "to", "using")
        return word in _VERBS and following.lower() not in _PREPOSITIONS
    if word in _STARTERS:
        return True
    if word.endswith("ing") and len(word) >= 6 and word not in _NOT_ING:
        return True
    return word.endswith("ed") and len(word) >= 5 and following not in _FUNCTION_WORDS - {"a", "an", "the"}


def _is_title(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].rstrip(",;:)").isalpha() and word[1:].islower()
