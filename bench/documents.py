"""Document parsing on real postings and resumes: parsed share, askable facts, junk share, speed.

Run: .venv/bin/python bench/documents.py [--heldout ../shared/heldout] [--mode both|as-written|flatten]
(last line: one JSON object of figures)

Corpora: the held-out real documents (evaluation only, never copied into the repository) and
the project's fixtures. Each document is parsed as written and, in the ``flatten`` mode, with
every line break removed (one long line, as CSV exports and scraped pages deliver them).

Per corpus:
- ``parsed``: share of documents that give a parsed document (no DocumentError). A DOCX that
  cannot be read counts as not parsed.
- ``askable_median`` / ``askable_p10``: askable facts per document (a refused document counts 0).
- ``boilerplate``: share of askable facts that match :data:`BOILERPLATE` below. This list is
  the bench's own, written apart from the parser's classifier, so that the parser is not
  graded by itself.
- ``fragments``: share of askable facts under 4 words, except items of a skills list (a fact in
  a ``skills`` section, or one that sits between list separators in the source text).
- ``facts_median``: all facts per document, askable or not (fixtures: before/after figures).
- ``over_40_words``: askable facts longer than 40 words (should be 0).
- ``docs_per_s``: documents per second of wall time; text corpora time ``parse_document``
  alone, file corpora (DOCX/PDF/Markdown) time ``extract_text`` + ``parse_document``.
  ``docs_per_cpu_s`` counts this process's CPU time instead, steadier when the machine's
  cores are shared with other work. Both are indicative.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.documents.base import JOB, RESUME, DocumentError, ParsedFact  # noqa: E402
from interviewer.documents.extract import extract_text  # noqa: E402
from interviewer.documents.parse import parse_document  # noqa: E402
from interviewer.vocabulary import Section  # noqa: E402

# The bench's own boilerplate patterns, by kind. A fact matching any of them should not be
# askable: nobody should be asked about pay, legal text, how to apply, contact details,
# the schedule or the company's self-description.
BOILERPLATE: dict[str, str] = {
    # What the employer pays and offers (not a resume's "$2M budget" or "120 units per hour").
    "pay_benefits": (
        r"\$\s?\d[\d,.]*\s*k?\s*(/\s*|per |an? )(hr|hour|year|yr|annum|week|month)\b|\bsalary (range|of|is|up to)\b|"
        r"\bstarting (pay|salary|wage)|\bpay (rate|range)\b|\bhourly (rate|pay|wage)|\b401\s?\(?k\)?|\bpaid time off\b|"
        r"\bmedical,? dental|\bdental,? (and|&) vision|\bbenefits? (package|include|includes)\b|"
        r"\bcompetitive (pay|salary|wages?|benefits|compensation)|\bemployee discounts?\b|\btuition reimbursement\b|"
        r"\bsign[- ]on bonus|\b(we|company) offers? (a |an )?(competitive|great|excellent|full)"
    ),
    "eeo_legal": (
        r"\bequal (employment )?opportunit|\baffirmative action\b|\bwithout regard to\b|\bsexual orientation\b|"
        r"\bgender identity\b|\bnational origin\b|\bprotected veteran|\bveteran status\b|\be-?verify\b|"
        r"\bauthori[sz]ed to work\b|\bwork authori[sz]ation\b|\bvisa sponsorship\b|\bbackground (check|screening)|"
        r"\bdrug (test|screen)|\breasonable accommodation|\bcopyright\b|\ball rights reserved\b|\bprivacy policy\b|"
        r"\bi hereby declare\b|\bdate of birth\b|\bmarital status\b|\breferences (are )?available\b"
    ),
    "how_to_apply": (
        r"\bhow to apply\b|\bto apply (for )?(this|the) (position|job|role)|\bapply (now|today|online|here|directly|"
        r"in person)\b|\bsubmit (your|a|an) (resume|cv|application)|\bsend (your|a|an) (resume|cv)|"
        r"\binterested (candidates|applicants)\b|\bclick (here|the|on|below)\b|\bapply button\b|\bjob (code|id|number)\b"
    ),
    "contact": (
        r"[\w.+-]+@[\w-]+\.[a-z]{2,}|(?:https?://|www\.)\S+|\(\d{3}\)\s?\d{3}[-.\s]\d{4}|\b\d{3}[-.]\d{3}[-.]\d{4}\b|"
        r"\bcontact (us|me)\b|\bcall us\b"
    ),
    "schedule": (
        r"\bmonday\b.{0,20}\b(friday|through|thru|to)\b|\b\d{1,2}(:\d\d)?\s?(am|pm)\s?(-|to)\s?\d|"
        r"\b(shift|schedule|hours)\s*:|\bhours per week\b|^(full|part)[- ]time\.?$"
    ),
    "company_blurb": (
        r"\bour mission\b|\bour vision\b|\bour values\b|\bfounded in\b|\bheadquartered\b|\b(is )?a fortune \d+ company|"
        r"\bleading (provider|supplier|manufacturer)\b|\bjoin (our|us)\b|\bwe are (a|an|the) (leading|global|"
        r"growing|fast|premier|top|rapidly|proud)|\bis (a|an|the) (leading|global|premier|nationally)\b"
    ),
}
_BOILERPLATE = {kind: re.compile(pattern, re.I) for kind, pattern in BOILERPLATE.items()}
_SEPARATORS = r"[,;|•·/*▪]"


@dataclass
class Doc:
    kind: str
    text: str = ""
    data: bytes | None = None
    filename: str = ""


def _csv_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def heldout_corpora(root: Path) -> dict[str, Callable[[], Iterator[Doc]]]:
    monster = root / "b_job_postings" / "monster_com_jobs_sample_1000.csv"
    kaggle = root / "c_resumes" / "UpdatedResumeDataSet.csv"
    livecareer = root / "c_resumes" / "livecareer_resumes_120.csv"
    vacancies = root / "d_resume_job_matching" / "5_vacancies.csv"
    cvs = root / "d_resume_job_matching" / "CV"

    def distinct(path: Path, column: str) -> Iterator[str]:
        seen: set[str] = set()
        for row in _csv_rows(path):
            text = (row.get(column) or "").strip()
            if text and text not in seen:
                seen.add(text)
                yield text

    def every(path: Path, column: str) -> Iterator[str]:
        return (text for row in _csv_rows(path) if (text := (row.get(column) or "").strip()))

    return {
        "monster_postings": lambda: (Doc(JOB, t) for t in every(monster, "job_description")),
        "kaggle_resumes": lambda: (Doc(RESUME, t) for t in distinct(kaggle, "Resume")),
        "livecareer_resumes": lambda: (Doc(RESUME, t) for t in distinct(livecareer, "resume_text")),
        "vacancies": lambda: (Doc(JOB, t) for t in distinct(vacancies, "job_description")),
        "docx_cvs": lambda: (
            Doc(RESUME, data=p.read_bytes(), filename=p.name)
            for p in sorted(cvs.glob("*.docx"), key=lambda p: (len(p.stem), p.stem))
        ),
    }


def fixture_corpora() -> dict[str, Callable[[], Iterator[Doc]]]:
    def files(folder: str, kind: str) -> Iterator[Doc]:
        for path in sorted((ROOT / "fixtures" / folder).iterdir()):
            yield Doc(kind, data=path.read_bytes(), filename=path.name)

    return {
        "fixture_jobs": lambda: files("jobs", JOB),
        "fixture_resumes": lambda: files("resumes", RESUME),
    }


def is_boilerplate(text: str) -> bool:
    return any(p.search(text) for p in _BOILERPLATE.values())


def is_fragment(fact: ParsedFact, source: str) -> bool:
    """Under 4 words and not an item of a skills list."""
    if len(fact.text.split()) >= 4 or fact.section == Section.SKILLS:
        return False
    item = re.escape(fact.text)
    listed = re.search(rf"{_SEPARATORS}\s*{item}|{item}\s*{_SEPARATORS}|^\s*[-*•·▪]\s*{item}\s*$", source, re.I | re.M)
    return listed is None


def flatten(text: str) -> str:
    return " ".join(text.split())


def measure(docs: Iterator[Doc], flat: bool) -> dict[str, object]:
    counts: list[int] = []
    every_fact: list[int] = []
    parsed = boilerplate = fragments = long = total = 0
    seconds = cpu = 0.0
    files = False
    for doc in docs:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            if doc.data is not None:
                files = True
                text = extract_text(doc.data, doc.filename)
            else:
                text = doc.text
            if flat:
                text = flatten(text)
                if doc.data is None:
                    started, cpu_started = time.perf_counter(), time.process_time()
            result = parse_document(text, doc.kind)
        except DocumentError:
            seconds += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            counts.append(0)
            continue
        seconds += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        parsed += 1
        every_fact.append(len(result.facts))
        askable = [f for f in result.facts if getattr(f, "askable", True)]
        counts.append(len(askable))
        total += len(askable)
        boilerplate += sum(is_boilerplate(f.text) for f in askable)
        fragments += sum(is_fragment(f, text) for f in askable)
        long += sum(len(f.text.split()) > 40 for f in askable)
    ordered = sorted(counts)
    return {
        "documents": len(counts),
        "parsed": round(parsed / len(counts), 4) if counts else 0.0,
        "askable_median": statistics.median(counts) if counts else 0,
        "askable_p10": ordered[int(0.1 * (len(ordered) - 1))] if ordered else 0,
        "facts_median": statistics.median(every_fact) if every_fact else 0,
        "boilerplate": round(boilerplate / total, 4) if total else 0.0,
        "fragments": round(fragments / total, 4) if total else 0.0,
        "over_40_words": long,
        "docs_per_s": round(len(counts) / seconds, 1) if seconds else 0.0,
        "docs_per_cpu_s": round(len(counts) / cpu, 1) if cpu else 0.0,
        "timed": "extract+parse" if files else "parse",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", default=str(ROOT.parent / "shared" / "heldout"))
    parser.add_argument("--mode", choices=["both", "as-written", "flatten"], default="both")
    parser.add_argument("--flatten", action="store_true", help="same as --mode flatten")
    args = parser.parse_args()
    mode = "flatten" if args.flatten else args.mode
    corpora = fixture_corpora()
    heldout = Path(args.heldout)
    if heldout.is_dir():
        corpora = {**heldout_corpora(heldout), **corpora}
    else:
        print(f"(no held-out data at {heldout}: fixtures only)")
    modes = {"both": [False, True], "as-written": [False], "flatten": [True]}[mode]
    figures: dict[str, dict[str, object]] = {}
    header = f"{'corpus':<30}{'docs':>6}{'parsed':>8}{'median':>8}{'p10':>5}{'facts':>7}{'boiler':>8}{'frag':>7}{'>40w':>6}{'docs/s':>9}{'/cpu s':>8}"
    print(header)
    for name, load in corpora.items():
        for flat in modes:
            key = f"{name}{' (flattened)' if flat else ''}"
            row = measure(load(), flat)
            figures[key] = row
            print(
                f"{key:<30}{row['documents']:>6}{row['parsed']:>8.1%}{row['askable_median']:>8}{row['askable_p10']:>5}{row['facts_median']:>7}"
                f"{row['boilerplate']:>8.1%}{row['fragments']:>7.1%}{row['over_40_words']:>6}{row['docs_per_s']:>9}{row['docs_per_cpu_s']:>8}"
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
