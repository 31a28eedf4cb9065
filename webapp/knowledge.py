"""Glue between stored facts and the KnowledgeSelector."""

from __future__ import annotations

from django.conf import settings

from interviewer.selector import FactRef, FactSet, KnowledgeSelector, MatchReport, SelectorConfig
from webapp import embeddings, models_registry
from webapp.models import JobPosting, Resume


def selector() -> KnowledgeSelector:
    enc = models_registry.encoder()
    # The hashing fake scores lower than MiniLM; its threshold keeps tests meaningful.
    config = SelectorConfig(gap_threshold=0.2, follow_up_threshold=0.2) if settings.FAKE_MODELS else SelectorConfig()
    return KnowledgeSelector(enc, config)


def fact_set(document: JobPosting | Resume) -> FactSet:
    facts = list(document.facts.all())
    refs = [FactRef(f.pk, document.kind, f.section, f.text, f.position, f.askable, f.context) for f in facts]
    return FactSet(refs, embeddings.matrix(facts))


def match(resume: Resume, job: JobPosting) -> MatchReport:
    return selector().match(fact_set(resume), fact_set(job))
