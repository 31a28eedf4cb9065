"""The product's vocabulary, defined once: interview acts, interview kinds, fact sources and
the reasons the selector gives for a fact.

Policy, prompts, templates, training-data validation, forms and commands import these;
a string literal of one of them anywhere else is a smell (the fixture data excepted).
An unknown value is an error: ``Act("typo")`` raises ``ValueError``.
"""

from __future__ import annotations

from enum import StrEnum


class Choices:
    """What a form's choice field needs of an enum of ours: (value, label) pairs."""

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]  # type: ignore[attr-defined]


class Act(Choices, StrEnum):
    """What one interviewer turn does."""

    OPENING = "opening"
    RESUME_DEEP_DIVE = "resume_deep_dive"
    REQUIREMENT_PROBE = "requirement_probe"
    GAP_PROBE = "gap_probe"
    FOLLOW_UP = "follow_up"
    BEHAVIORAL = "behavioral"
    CANDIDATE_QUESTIONS = "candidate_questions"
    CLOSING = "closing"

    @property
    def is_probe(self) -> bool:
        """A probe asks about one selected fact and must name it."""
        return self in PROBES

    @property
    def asks_question(self) -> bool:
        """Every act but the closing ends on a question."""
        return self is not Act.CLOSING

    @property
    def label(self) -> str:
        """The act as the admin and the exports show it ("gap probe")."""
        return self.value.replace("_", " ")

    @property
    def counts_as_question(self) -> bool:
        """Counted against the length the candidate chose (the opening is question 1); follow-ups,
        the candidate's questions and the closing are not."""
        return self not in (Act.FOLLOW_UP, Act.CANDIDATE_QUESTIONS, Act.CLOSING)


PROBES = frozenset({Act.RESUME_DEEP_DIVE, Act.REQUIREMENT_PROBE, Act.GAP_PROBE})


class InterviewKind(Choices, StrEnum):
    """What kind of interview the candidate asked for."""

    MIXED = "mixed"
    TECHNICAL = "technical"
    BEHAVIORAL = "behavioral"
    ROLE = "role"  # role-specific: the posting's duties first

    @property
    def label(self) -> str:
        return {
            InterviewKind.MIXED: "Mixed",
            InterviewKind.TECHNICAL: "Technical (role and resume)",
            InterviewKind.BEHAVIORAL: "Behavioral",
            InterviewKind.ROLE: "Role-specific (the posting's duties)",
        }[self]


class Style(Choices, StrEnum):
    """How hard the interviewer pushes: how often it follows up an answer, and on what."""

    FRIENDLY = "friendly"
    NEUTRAL = "neutral"
    DEMANDING = "demanding"

    @property
    def label(self) -> str:
        return {
            Style.FRIENDLY: "Friendly (follows up only an answer off the question)",
            Style.NEUTRAL: "Neutral (follows up a short, vague or off-topic answer)",
            Style.DEMANDING: "Demanding (also pushes for your own part, a number and the result)",
        }[self]


class Mode(Choices, StrEnum):
    """Whether the candidate hears how each answer did at once (practice) or only in the report (real)."""

    PRACTICE = "practice"
    REAL = "real"

    @property
    def label(self) -> str:
        return {
            Mode.PRACTICE: "Practice (a feedback line after each answer)",
            Mode.REAL: "Real (feedback in the report only)",
        }[self]


class Source(StrEnum):
    """Which document a fact comes from."""

    RESUME = "resume"
    JOB = "job"


class Section(StrEnum):
    """The section of a document a fact was found in (:mod:`interviewer.documents.sections` names the
    headings of each)."""

    # A resume's.
    HEADER = "header"  # the top: name and contact
    SUMMARY = "summary"
    EXPERIENCE = "experience"
    EDUCATION = "education"
    SKILLS = "skills"
    PROJECTS = "projects"
    CERTIFICATIONS = "certifications"
    VOLUNTEERING = "volunteering"
    AWARDS = "awards"
    PERSONAL = "personal"
    OTHER = "other"
    # A posting's.
    REQUIREMENTS = "requirements"
    NICE_TO_HAVE = "nice_to_have"
    RESPONSIBILITIES = "responsibilities"
    BENEFITS = "benefits"
    ABOUT = "about"
    APPLY = "apply"
    LEGAL = "legal"


class Reason(StrEnum):
    """Why the selector offers a fact."""

    STRONG_MATCH = "strong_match"  # a job requirement backed by resume evidence
    GAP = "gap"  # a job requirement with no evidence in the resume
    HIGHLIGHT = "resume_highlight"  # a resume fact relevant to the job
    ANSWER_LINK = "answer_link"  # a fact close to what the candidate just said
    ANSWERED = "answers_question"  # the posting's line that answers the candidate's own question
