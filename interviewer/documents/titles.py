"""Titles of documents that arrive without one: the document's own top lines, read the way a
person would, never a section heading.

A posting pasted from a job board often starts with "About the job"; a Kaggle-style resume with
"Education Details"; a resume with the person's name and a headline under it. Pure functions
over clean text (``extract.clean_text``); the web app falls back to the file's name.
"""

from __future__ import annotations

import re

from interviewer.documents import facts as quality
from interviewer.documents.base import JOB, RESUME
from interviewer.documents.sections import UNTITLED, names_section
from interviewer.documents.structure import recover_lines
from interviewer.vocabulary import Section


def guess_title(text: str, kind: str) -> str:
    """The title of a posting or the label of a resume taken from its text, or "" when it has none.

    Section headings ("About the job", "Requirements"), contact lines, dates, labelled metadata
    ("Location: Leeds"), list items and sentences are never a title. A posting's title is its
    first other line above its first section; failing that, a "Job title:" label or the role
    in "we are hiring a Web Developer". A resume's first such line is taken for the person's
    name, and a short headline under it joins it ("Dana Whitfield — Backend Engineer").

    Args:
        text: clean text of the document.
        kind: ``"job"`` or ``"resume"`` (base.JOB / base.RESUME).
    """
    head = _head_lines(text, kind)
    return _resume_title(head) if kind == RESUME else _job_title(head, text)


_TITLE_SCAN_LINES = 15  # non-empty lines looked at; a title sits at the top
_MAX_TITLE_WORDS = 12
_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪◦●○■□➢➤►▶✓✔–—·>]|\d{1,2}[.)])\s+")
_GLUED_LABEL = re.compile(r"(?<=[a-z)])(?=[A-Z][A-Za-z]+(?: [A-Za-z]+)?\s?[:#])")  # "DeveloperLocation: Leeds"
_TITLED_HEADING = re.compile(
    r"^(.+?)\s+(?:job description|position description|job summary|position summary|description|overview)\s*:?$", re.I
)
_GENERIC_HEADS = frozenset(("job", "the job", "position", "the position", "role", "the role", "opportunity", "team"))
_PARTS = re.compile(r"\s+[|·•]\s+")
_CITY_STATE = re.compile(r"[A-Z][\w .'-]*,\s*[A-Z]{2}(?:\s+\d{5})?(?:\s*\(.*\))?")
# "Country, City" with what a table's empty cells leave behind: a place, never a title.
_PLACE = re.compile(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*,\s*[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*\s*[|/][\s|/,;-]*")
_WORK_MODE = re.compile(r"\b(?:full[- ]time|part[- ]time|on[- ]site|onsite|remote|hybrid|relocation|freelance)\b", re.I)
_TITLE_LABEL = re.compile(r"^(?:job title|position title|job role|title|position|role|vacancy)\s*[:–—]\s*(.+)$", re.I)
_NO_TITLE = frozenset(
    (
        "resume", "résumé", "cv", "curriculum vitae", "biodata", "job posting", "job opening", "job advert",
        "vacancy", "now hiring", "we're hiring", "we are hiring", "full-time", "part-time", "remote", "hybrid",
        "report this job", "apply now", "share this job", "save this job", "job details",
    )
)  # fmt: skip
_HIRING = re.compile(
    r"\b(?:hiring|looking for|seeking|recruiting|searching for)\s+(?:an?|one|two|our|the|new)\s+"
    r"(?:(?:new|next|talented|motivated|passionate|experienced|skilled|dedicated)\s+)*"
    r"((?:[\w/&+#.'-]+\s+){0,4}?[\w/&+#'-]+?)(?=\s*(?:\(|,|\.|;|!|\bto\b|\bwho\b|\bwith\b|\bfor\b|\bin\b|\bat\b|"
    r"\bthat\b|\band\b|\bon\b|\bjoin|$))",
    re.I,
)
_ROLE_NOUNS = frozenset(
    (
        "engineer developer programmer architect analyst scientist designer manager director lead head officer "
        "administrator technician specialist coordinator consultant assistant associate intern trainee nurse "
        "teacher instructor tutor accountant auditor bookkeeper controller clerk representative agent advisor "
        "adviser recruiter writer editor strategist marketer researcher supervisor operator driver executive "
        "planner therapist pharmacist physician paralegal attorney counsel mechanic electrician chef cook "
        "cashier receptionist generalist partner owner buyer tester rep leader practitioner professional "
        "student graduate"
    ).split()
)


def _head_lines(text: str, kind: str) -> list[tuple[str, bool]]:
    """The document's top lines, each with whether a heading came before it; stops at the first
    section that holds content (a job's "About the job" or "Overview" does not stop it)."""
    out: list[tuple[str, bool]] = []
    after_heading = False
    for raw in _top_lines(text, kind):
        line = raw.strip()
        if not line:
            continue
        if len(out) >= _TITLE_SCAN_LINES:
            break
        titled = _TITLED_HEADING.match(line) if kind == JOB and not after_heading else None
        named = titled.group(1).strip("#*_ ") if titled else ""
        if named and named.lower() not in _GENERIC_HEADS and names_section(named, kind) is None:
            out.append((named, False))  # "Web Developer Job Description:"
        section = names_section(line, kind)
        if section is not None and kind == RESUME and _role_phrase(line) not in ("", _tidy(line)):
            section = None  # "Payroll clerk with 2 years in payroll" heads a resume, not a section
        if section is not None:
            soft = kind == JOB and (section in (UNTITLED, Section.ABOUT) or line.lower().startswith("about"))
            if not soft:
                break
            after_heading = True
            continue
        bare = _GLUED_LABEL.split(line.lstrip("#>").strip().strip("*_").strip())[0].rstrip(" (-–—,;|")
        if len(bare.split()) > _MAX_TITLE_WORDS * 2 and not after_heading:
            break  # prose: the top is over
        out.append((bare, after_heading))
    return out


def _top_lines(text: str, kind: str) -> list[str]:
    """The first lines of ``text``; a first line that is a whole flattened posting ("Web Developer
    Job Description: ...") is split back into lines by structure recovery first (a flattened
    resume starts with a name that nothing tells from the words after it)."""
    lines = text[:3000].splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if kind == JOB and first is not None and len(lines[first].split()) > 2 * _MAX_TITLE_WORDS:
        lines[first : first + 1] = recover_lines(lines[first], lambda p: names_section(p, kind) is not None)
    return lines


def _title_like(line: str) -> bool:
    """Whether a top line could name the document (see :func:`guess_title` for what cannot)."""
    words = line.split()
    if not 1 <= len(words) <= _MAX_TITLE_WORDS or len(line) > 120 or _LIST_ITEM.match(line):
        return False
    if line.rstrip(":").lower() in _NO_TITLE or sum(c.isalpha() for c in line) < 2:
        return False
    if (line.endswith(".") and len(words) > 5) or line.endswith((":", "!", "?")) or words[0].islower():
        return False
    if names_section(line, JOB) or names_section(line, RESUME):
        return False
    if quality.has_contact(line) or quality.is_dates(line) or _CITY_STATE.fullmatch(line):
        return False
    if _PLACE.fullmatch(line) or len(_WORK_MODE.findall(line)) >= 2:
        return False  # "Russia, Fryazino | /", "Full-time, on-site, remote or hybrid."
    return quality.split_label(line)[0] == "" and quality.boilerplate_kind(line) is None


def _job_title(head: list[tuple[str, bool]], text: str) -> str:
    for line, after_heading in head:
        if not after_heading and _title_like(line):
            return line
    for line, _after in head:
        label = _TITLE_LABEL.match(line)
        if label and _title_like(label.group(1).strip()):
            return label.group(1).strip()
    hiring = _HIRING.search(text[:2000])
    role = _role(hiring.group(1).split()) if hiring else ""
    if role and _title_like(role):
        return role
    for line, _after in head:
        if _title_like(line) and any(w.lower().strip(",()") in _ROLE_NOUNS for w in line.split()):
            return line
    return ""


def _role(words: list[str]) -> str:
    """A role named in a sentence ("a degreed Human Resources Manager", "a junior backend engineer"):
    Title Case words as written, lower-case ones only when they end on a known role noun."""
    while len(words) > 1 and not words[0][:1].isupper() and any(w[:1].isupper() for w in words[1:]):
        words = words[1:]  # "degreed", "full-time", "3+ year" before the name of the role
    if all(w[:1].isupper() or not w[:1].isalpha() for w in words) and any(w[:1].isupper() for w in words):
        return " ".join(words)
    if words[-1].lower().rstrip("s") in _ROLE_NOUNS:
        return " ".join(words).title()
    return ""


def _resume_title(head: list[tuple[str, bool]]) -> str:
    """The name line, joined by the headline right under it when there is one; where no name line
    comes first (a name left out or blacked out), the role the top names ("Java full stack
    developer"), never a place, a contact line, a number or a work-mode line."""
    found: list[str] = []
    for number, (raw, _after) in enumerate(head):
        line = _tidy(raw)
        if _LIST_ITEM.match(raw):
            break  # a list under the name: no headline ("- Israel", "• Experience in C")
        if sum(c.isalpha() for c in line) < 2:
            continue  # a blacked-out name ("*****"), a rule, a stray glyph
        parts = _PARTS.split(line)
        contact = any(_contactish(p) for p in parts)
        if contact and number == 0 and len(parts) > 1 and not _contactish(parts[0]) and not _is_place(parts[0]):
            line, contact = parts[0], False  # "Dana Whitfield | dana@example.com": the name comes first
        if contact or _is_place(line) or len(_WORK_MODE.findall(line)) >= 2:
            continue  # a place, contacts or work modes sit around the name, never make the title
        role = _role_phrase(line)
        plain = _title_like(line) and not any(c.isdigit() for c in line)
        short = plain and _names_role(line)
        if found:
            if short or role:
                found.append(line if short else role)
            break  # a headline sits right under the name
        if role:
            if not short:
                return role  # "Line cook with six years in busy kitchens"
            found.append(line)  # "Backend Engineer", "Dana Whitfield — Backend Engineer"
            break
        if plain:
            found.append(line)
            if len(parts) > 1 or any(dash in line for dash in (" — ", " – ", " - ")):
                break  # "Dana Whitfield — Backend Engineer" names the person and the role already
        elif line.lower() not in _NO_TITLE:
            break  # prose or a heading before any name: the top holds no name
    return " — ".join(found)


_JUNK_EDGES = " ,;:\"'*|/\\-–—_"
_GLYPH = re.compile(r"\(cid:\d+\)")
_ROLE_CUT = re.compile(
    r"\s+(?:with|who|having|specializ\w*|experienced|focused|passionate|looking|seeking)\b.*$|\s*[(,;:].*$"
    r"|\s+[-–—]\s+\d.*$",
    re.I,
)


def _tidy(line: str) -> str:
    """A top line without what a table or a PDF's glyphs leave at its edges (', Senior Engineer, "')."""
    return " ".join(_GLYPH.sub(" ", line).split()).strip(_JUNK_EDGES).strip()


_CONTACT_WORD = re.compile(r"linked\s?in|github|telegram|skype|whats\s?app|viber|phone|e-?mail", re.I)


def _contactish(part: str) -> bool:
    """Contact details, or the label of one ("LinkedIn-profile", "WhatsApp")."""
    return quality.has_contact(part) or bool(_CONTACT_WORD.search(part))


def _is_place(line: str) -> bool:
    """ "Country, City" or "City, ST" alone on a line, or with a table's empty cells after it."""
    if _PLACE.fullmatch(line) or _CITY_STATE.fullmatch(line):
        return True
    pieces = [p.strip() for p in line.split(",")]
    return (
        len(pieces) == 2
        and all(p and p[0].isupper() and len(p.split()) <= 3 for p in pieces)
        and not _names_role(line)
        and not any(c.isdigit() for c in line)
    )


def _role_phrase(line: str) -> str:
    """The role a line opens with ("Data analyst with a love of clean pipelines ..." -> "Data
    analyst"), or "" when it opens with none."""
    cut = _ROLE_CUT.sub("", line).strip(_JUNK_EDGES)
    words = cut.split()
    if not 1 <= len(words) <= 8 or not _names_role(cut) or not _title_like(cut):
        return ""
    return cut


def _names_role(line: str) -> bool:
    """A headline under a name names a role ("Backend Engineer"); "Career Focus" is a heading."""
    return len(line.split()) <= 8 and any(w.lower().strip(",()").rstrip("s") in _ROLE_NOUNS for w in line.split())
