"""Glue between stored facts and the KnowledgeSelector."""

from __future__ import annotations

from django.conf import settings

from interviewer.matching.selector import FactRef, FactSet, KnowledgeSelector, MatchReport, SelectorConfig
from interviewer.vocabulary import Section
from webapp.documents import embeddings
from webapp.documents.models import Fact, JobPosting, Resume
from webapp.serving import models_registry


def selector() -> KnowledgeSelector:
    enc = models_registry.encoder()
    # The hashing fake scores lower than MiniLM; its threshold keeps tests meaningful.
    config = SelectorConfig(gap_threshold=0.2, follow_up_threshold=0.2) if settings.FAKE_MODELS else SelectorConfig()
    return KnowledgeSelector(enc, config, models_registry.coverage_judge())


def fact_set(document: JobPosting | Resume) -> FactSet:
    """The document's facts the interview may use: those its owner deleted (hidden) are left out."""
    facts = list(document.facts.filter(hidden=False))
    refs = [FactRef(f.pk, document.kind, f.section, f.text, f.position, f.askable, f.context, f.kind) for f in facts]
    return FactSet(refs, embeddings.matrix(facts))


def sections(resume: Resume) -> list[tuple[str, list[Fact]]]:
    """The resume's facts the interview uses, grouped by section in reading order: (label, facts)."""
    grouped: dict[str, list[Fact]] = {}
    for fact in resume.facts.filter(hidden=False).order_by("position"):
        grouped.setdefault(fact.section, []).append(fact)
    return [(section_label(name), facts) for name, facts in grouped.items()]


def deleted(resume: Resume) -> list[Fact]:
    """The facts the resume's owner deleted (kept, so a re-parse can leave them out again)."""
    return list(resume.facts.filter(hidden=True).order_by("position"))


def section_label(name: str) -> str:
    """ "nice_to_have" -> "Nice to have"; the top of a resume ("header") is its "Name and contact"."""
    return "Name and contact" if name == Section.HEADER else name.replace("_", " ").capitalize()


def match(resume: Resume, job: JobPosting) -> MatchReport:
    return selector().match(fact_set(resume), fact_set(job))
