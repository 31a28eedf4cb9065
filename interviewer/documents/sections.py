"""Which section a heading names, in resumes and in postings: the tables of section titles, headings
found on their own line, inline ("Requirements: ...") or in Markdown, and the section a document's
untitled text falls to."""

from __future__ import annotations

import functools
import re

from interviewer.documents import facts as quality
from interviewer.documents.base import JOB, RESUME
from interviewer.documents.structure import HEADING_WORDS
from interviewer.vocabulary import Section

# ---------------------------------------------------------------------------
# Sections

_RESUME_SECTIONS = {
    Section.SUMMARY: (
        "summary",
        "profile",
        "objective",
        "about me",
        "about",
        "overview",
        "personal statement",
        "career objective",
        "professional summary",
        "experience summary",
    ),
    Section.EXPERIENCE: (
        "experience",
        "work history",
        "employment",
        "professional background",
        "career history",
        "work experience",
        "relevant experience",
        "clinical experience",
        "teaching experience",
        "student teaching",
        "previous career",
        "career",
        "placements",
        "internships",
        "company details",
        "employment details",
        "work details",
    ),
    Section.EDUCATION: ("education", "academic", "training", "coursework", "professional development"),
    Section.SKILLS: (
        "skills",
        "skill",
        "skills summary",
        "competencies",
        "technologies",
        "tools",
        "expertise",
        "languages",
        "strengths",
        "highlights",
        "core qualifications",
        "qualifications",
        "proficiencies",
        "computer knowledge",
        "technical knowledge",
        "areas of interest",
    ),
    Section.PROJECTS: (
        "projects",
        "project",
        "portfolio",
        "selected work",
        "capstone",
        "talks",
        "speaking",
        "presentations",
    ),
    Section.CERTIFICATIONS: ("certifications", "certificates", "licenses", "licensure", "credentials"),
    Section.VOLUNTEERING: ("volunteer", "community", "activities"),
    Section.AWARDS: ("awards", "honors", "honours", "achievements", "publications"),
    Section.PERSONAL: (
        "personal details",
        "personal information",
        "personal data",
        "personal particulars",
        "declaration",
        "references",
        "contact",
        "contact information",
        "contact details",
    ),
}
_JOB_SECTIONS = {
    Section.REQUIREMENTS: (
        "requirements",
        "qualifications",
        "what we're looking for",
        "what we are looking for",
        "you have",
        "must have",
        "who you are",
        "what you bring",
        "what you'll need",
        "you bring",
        "required",
        "skills",
        "experience",
        "about you",
        "ideal candidate",
        "what you'll bring",
        "essential",
        "criteria",
        "person specification",
        "what you need",
        "education",
        "licenses",
        "certification",
        "knowledge",
        "competencies",
        "your profile",
    ),
    Section.NICE_TO_HAVE: ("nice to have", "nice to haves", "bonus", "preferred", "plus", "desirable", "extra credit"),
    Section.RESPONSIBILITIES: (
        "responsibilities",
        "what you'll do",
        "what you will do",
        "what you will be doing",
        "what you'll be doing",
        "duties",
        "the role",
        "your role",
        "day to day",
        "day-to-day",
        "your impact",
        "in this role",
        "key tasks",
        "you will",
        "what you'll own",
        "your responsibilities",
        "main duties",
        "the job",
        "essential functions",
    ),
    Section.BENEFITS: (
        "benefits",
        "perks",
        "what we offer",
        "compensation",
        "why join",
        "we offer",
        "what's in it for you",
        "whats in it for you",
        "reasons to work",
        "work with us",
        "salary",
        "our offer",
        "rewards",
    ),
    Section.ABOUT: (
        "why",
        "about us",
        "about the company",
        "about",
        "company",
        "who we are",
        "our company",
        "our story",
        "why us",
    ),
    Section.APPLY: ("how to apply", "to apply", "application process", "next steps"),
    Section.LEGAL: ("equal opportunity", "eeo", "disclaimer", "legal", "diversity"),
}
# Job headings that name no section ("Job Description", "Overview"): their sentences are
# sorted one by one into requirements, responsibilities or the introduction.
_UNTITLED = (
    "summary",
    "overview",
    "description",
    "job description",
    "position summary",
    "job summary",
    "introduction",
    "the opportunity",
    "position",
    "details",
    "job details",
    "detailed info",
    "position description",
    "role summary",
)
UNTITLED = "untitled"
_GENERIC = frozenset(("summary", "overview", "profile", "details", "about", "description", "position", "job"))
_VOCABULARY_PATTERNS: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {
    kind: [(name, w, re.compile(rf"\b{re.escape(w)}")) for name, words in vocabulary.items() for w in words]
    for kind, vocabulary in ((RESUME, _RESUME_SECTIONS), (JOB, _JOB_SECTIONS))
}
SECTION_NAMES = {
    RESUME: (Section.HEADER,) + tuple(_RESUME_SECTIONS) + (Section.OTHER,),
    JOB: tuple(_JOB_SECTIONS),
}
JOB_ASKABLE = frozenset((Section.REQUIREMENTS, Section.RESPONSIBILITIES, Section.NICE_TO_HAVE))
CONTEXT_SECTIONS = frozenset((Section.EXPERIENCE, Section.PROJECTS, Section.VOLUNTEERING, Section.OTHER))
NAMED_SECTIONS = frozenset((Section.EDUCATION, Section.CERTIFICATIONS, Section.AWARDS))  # their claims are names

BULLET = re.compile(r"^\s*(?:[-*•▪◦●○■□➢➤►▶✓✔–—·>]|\d{1,2}[.)]|[a-z][.)](?=\s))\s+")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
MAX_HEADING_WORDS = 12  # a longer "# ..." line is a title run into its text (a flattened file)


def leaves_header(line: str, header: list[str]) -> bool:
    """The top of a resume holds a name, a title and contacts; a sentence starts its summary."""
    if quality.has_contact(line):
        return False  # "Leeds · jo@example.com · +44 ...": still the top
    words = line.split()
    lower = sum(1 for w in words if w[:1].islower() and len(w) > 3)
    return (len(words) >= 8 and lower >= 2) or sum(1 for h in header if h) >= 6


def section_for(title: str, kind: str) -> str | None:
    """The section a heading names, :data:`UNTITLED` for a generic job heading, else None."""
    key = re.sub(r"[/&+]", " ", title.lower().replace("’", "'"))
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z' -]", "", key)).strip(" -'")
    return _section_for_key(key, kind) if key else None


@functools.lru_cache(maxsize=4096)
def _section_for_key(key: str, kind: str) -> str | None:
    vocabulary = _RESUME_SECTIONS if kind == RESUME else _JOB_SECTIONS
    if len(key.split()) > 10:
        return None
    for section, words in vocabulary.items():
        if key in words:
            return section
    if kind == JOB and key in _UNTITLED:
        return UNTITLED
    hits: list[tuple[bool, int, str]] = []  # (specific, where the word ends, section)
    for name, word, pattern in _VOCABULARY_PATTERNS[kind]:
        if word in key:
            for match in pattern.finditer(key):
                hits.append((word not in _GENERIC, match.end(), name))
    if kind == JOB and any(name == Section.NICE_TO_HAVE for _s, _e, name in hits):
        return Section.NICE_TO_HAVE  # "Preferred Qualifications"
    if hits:
        return max(hits)[2]  # the head noun: "Essential Duties and Responsibilities"
    if kind == JOB and any(re.search(rf"\b{w}\b", key) for w in _UNTITLED):
        return UNTITLED
    return None


def heading_of(line: str, kind: str) -> tuple[str | None, str, int]:
    """(section, text after the heading, markdown level) when ``line`` is a heading, else (None, "", 0).

    Level is 1-6 for Markdown headings and 0 for the other styles: CAPITALS, "Heading:",
    **bold**, or a short Title Case line that names a known section ("Work History").
    """
    md = _MD_HEADING.match(line)
    if md and len(md.group(1).split()) <= MAX_HEADING_WORDS:
        title = md.group(1).strip().strip("*_").rstrip(":")
        level = len(line) - len(line.lstrip("#"))
        return section_for(title, kind) or fallback_section(kind), "", level
    if BULLET.match(line):
        return None, "", 0
    bare = line.strip("*_ ")
    words = bare.rstrip(":").split()
    if bare.endswith(":") and quality.is_label(bare[:-1]):
        return None, "", 0  # "LinkedIn:", "Location:": a label, not a section
    if bare.endswith("?") and bare.startswith("Why ") and len(words) <= 5:
        return section_for(bare[:-1], kind), "", 0  # "Why Acme?": what the company says about itself
    if not words or len(words) > 6:
        return (*_inline_heading(bare, kind, 4), 0)
    letters = [c for c in bare if c.isalpha()]
    is_caps = len(letters) >= 3 and all(c.isupper() for c in letters)
    marked = bare.endswith(":") or is_caps or (bare != line.strip() and len(words) <= 5)
    title_case = all(w[:1].isupper() for w in words if len(w) > 3)
    plain = len(words) <= 4 and bare[0].isupper() and not re.search(r"[\d,.;!?|]", bare)
    if marked or plain:
        section = section_for(bare.rstrip(":"), kind)
        if section and (marked or title_case or _exact(bare, kind)):
            return section, "", 0
        if marked and bare.endswith(":") and len(words) <= 4 and not quality.EMAIL.search(bare):
            return fallback_section(kind), "", 0
        return None, "", 0
    return (*_inline_heading(bare, kind, 3), 0)


def _inline_heading(bare: str, kind: str, max_words: int) -> tuple[str | None, str]:
    """``"Skills: Python, SQL"`` -> ("skills", "Python, SQL")."""
    if ":" not in bare:
        return None, ""
    head, rest = bare.split(":", 1)
    section = section_for(head, kind) if len(head.split()) <= max_words else None
    if section and rest.strip():
        return section, rest.strip()
    return None, ""


def names_section(line: str, kind: str) -> str | None:
    """The section ``line`` names when it is a heading and nothing else ("About the job",
    "## What you'll do", "REQUIREMENTS:"), :data:`UNTITLED` for a generic one ("Job Description"),
    else None.

    Stricter than the parser, for telling a document's title from its headings: a title that
    only contains a section word ("Customer Experience Manager", "Legal Counsel") is no heading;
    a heading must be a known one, start with "About"/"Why", or end on a heading word.
    """
    bare = line.strip().lstrip("#").strip().strip("*_ ").rstrip(":?").strip("*_ ")
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z' -]", "", re.sub(r"[/&+]", " ", bare.lower().replace("’", "'"))))
    key = key.strip(" -'")
    if not key or len(bare.split()) > MAX_HEADING_WORDS:
        return None
    section = _section_for_key(key, kind)
    if section is None:
        return None
    words = key.split()
    if _exact(key, kind) or key in _UNTITLED or words[0] in ("about", "why") or words[-1] in HEADING_WORDS:
        return section
    return None


def _exact(title: str, kind: str) -> bool:
    vocabulary = _RESUME_SECTIONS if kind == RESUME else _JOB_SECTIONS
    key = title.rstrip(":").strip().lower()
    return any(key in words for words in vocabulary.values())


def fallback_section(kind: str) -> str:
    """Where lines under an unknown heading go."""
    return Section.OTHER if kind == RESUME else Section.ABOUT
