"""Selector speed: one turn's selection on a 60-fact resume and a 30-fact job, and encoding throughput.

Run: .venv/bin/python bench/selector.py   (last line: one JSON object of figures)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from interviewer.matching.selector import FactRef, FactSet, KnowledgeSelector  # noqa: E402
from interviewer.serving.weights import packaged_encoder  # noqa: E402

SKILLS = ["Python", "SQL", "Kubernetes", "Terraform", "Go", "React", "Tableau", "Excel", "PostgreSQL", "Kafka"]


def synthetic_facts() -> tuple[list[FactRef], list[FactRef]]:
    resume = []
    for i in range(60):
        section = ("experience", "skills", "projects", "education")[i % 4]
        text = f"Led project {i} using {SKILLS[i % 10]} and {SKILLS[(i * 3) % 10]}, improving throughput by {i + 5}%"
        resume.append(FactRef(i, "resume", section, text, i))
    job = []
    for i in range(30):
        section = ("requirements", "responsibilities", "nice_to_have")[i % 3]
        job.append(FactRef(1000 + i, "job", section, f"{i % 5 + 1}+ years of {SKILLS[i % 10]} in production", i))
    return resume, job


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    encoder = packaged_encoder()
    resume_facts, job_facts = synthetic_facts()
    texts = [f.text for f in resume_facts + job_facts]
    encoder.encode(texts[:8])  # warm up

    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        vectors = encoder.encode(texts)
    encode_per_s = rounds * len(texts) / (time.perf_counter() - started)

    resume = FactSet(resume_facts, vectors[:60])
    job = FactSet(job_facts, vectors[60:])
    selector = KnowledgeSelector(encoder)
    match = selector.match(resume, job)
    covered = {f.id for f in resume_facts[:10]} | {f.id for f in job_facts[:5]}
    answer = "I moved our reporting jobs to Kafka and cut the nightly batch from 3 hours to 40 minutes."
    dialog = ["Tell me about your streaming work.", answer]

    cached, with_answer = [], []
    for _ in range(200):
        t = time.perf_counter()
        selector.select(resume, job, covered=covered, match=match)
        cached.append((time.perf_counter() - t) * 1000)
    for _ in range(100):
        t = time.perf_counter()
        selector.select(resume, job, covered=covered, last_answer=answer, dialog=dialog, match=match)
        with_answer.append((time.perf_counter() - t) * 1000)

    figures = {
        "select_p50_ms": round(statistics.median(cached), 3),
        "select_p95_ms": round(percentile(cached, 0.95), 3),
        "select_with_answer_p50_ms": round(statistics.median(with_answer), 3),
        "select_with_answer_p95_ms": round(percentile(with_answer, 0.95), 3),
        "encode_facts_per_s": round(encode_per_s, 1),
        "threads": torch.get_num_threads(),
        "resume_facts": 60,
        "job_facts": 30,
    }
    print(f"selection, cached embeddings:        p50 {figures['select_p50_ms']} ms, p95 {figures['select_p95_ms']} ms")
    print(
        f"selection, encoding answer + context: p50 {figures['select_with_answer_p50_ms']} ms, "
        f"p95 {figures['select_with_answer_p95_ms']} ms"
    )
    print(f"encoding: {figures['encode_facts_per_s']} facts/s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
