"""manage.py evaluate_match: how well the app tells askable pieces of real postings from the rest,
and how well it judges a resume's coverage of their requirements, against labels made by hand.

The labels (``eval/match/``, see its README) name a document of the held-out folder, a piece of it
by the hash of its text and a label; no text is stored. The documents are read and parsed as the
app reads them; nothing is stored in the database.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.documents.base import JOB, RESUME, DocumentError, ParsedFact
from interviewer.documents.fact_kinds import NOT_ASKABLE
from interviewer.matching.selector import FactSet, KnowledgeSelector
from training.tables import table
from training.train_coverage import fact_set
from webapp.documents import knowledge, services
from webapp.serving import models_registry

ASKABLE_LABELS = frozenset(("requirement", "nice_to_have", "responsibility", "skill"))
SHOWN = frozenset(("covered", "partly"))


def piece_key(text: str) -> str:
    """How a label names a piece: a hash of its text as :func:`services.fact_key` normalises it."""
    return hashlib.sha1(services.fact_key(text).encode()).hexdigest()[:12]


def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float, int]:
    """(precision, recall, n) of predictions against truths, from (predicted, true) pairs."""
    hits = sum(p and t for p, t in pairs)
    predicted = sum(p for p, _ in pairs)
    true = sum(t for _, t in pairs)
    return (hits / predicted if predicted else 1.0, hits / true if true else 1.0, len(pairs))


class Command(BaseCommand):
    help = "Precision and recall of the not-askable pieces and of resume coverage on hand-labelled real documents."

    def add_arguments(self, parser: CommandParser) -> None:
        base = Path(settings.BASE_DIR)
        parser.add_argument("--heldout", default=str(base.parent / "shared" / "heldout"), help="the documents' folder")
        parser.add_argument("--facts", default=str(base / "eval" / "match" / "facts.jsonl"))
        parser.add_argument("--coverage", default=str(base / "eval" / "match" / "coverage.jsonl"))
        parser.add_argument(
            "--second",
            default=str(base / "eval" / "match" / "coverage_second.jsonl"),
            help="a second labeller's coverage judgements of the same pieces ('' for none)",
        )
        parser.add_argument("--json", dest="json_out", default="", help="also write the figures here")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["heldout"])
        if not root.is_dir():
            raise CommandError(f"{root}: no such folder (the held-out documents; --heldout)")
        try:
            facts = [json.loads(line) for line in Path(options["facts"]).read_text().splitlines() if line.strip()]
            cover = [json.loads(line) for line in Path(options["coverage"]).read_text().splitlines() if line.strip()]
            second = (
                [json.loads(line) for line in Path(options["second"]).read_text().splitlines() if line.strip()]
                if options["second"]
                else []
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the labels: {exc}") from None
        self._postings: dict[tuple[str, str], tuple[list[ParsedFact], list[ParsedFact]]] = {}
        self._root = root
        results = {"pieces": self._pieces(facts), "coverage": self._coverage(cover, second)}
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(results, indent=2), encoding="utf-8")

    # -- documents, parsed and judged as the app does it
    def _posting(self, file: str, where: str) -> tuple[list[ParsedFact], list[ParsedFact]]:
        """(the parser's pieces, the same pieces judged) of one posting (a CSV row)."""
        if (file, where) not in self._postings:
            path = self._root / file
            specs = services.specs_from_files(JOB, [(str(path), path.read_bytes())], "job_description", "job_title")
            rows = {spec.where: spec for spec in specs}
            wanted = [w for f, w in self._wanted if f == file]
            prepared = services.prepare_many([rows[w] for w in wanted if w in rows])
            for w, p in zip([w for w in wanted if w in rows], prepared, strict=True):
                parsed = p.facts if not isinstance(p, DocumentError) else []
                self._postings[(file, w)] = (parsed, services.judge_posting(parsed))
        return self._postings.get((file, where), ([], []))

    # -- 1. what is askable
    def _pieces(self, labels: list[dict[str, Any]]) -> dict[str, Any]:
        self._wanted = sorted({(str(r["file"]), str(r["where"])) for r in labels})
        by_doc: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in labels:
            by_doc[(str(row["file"]), str(row["where"]))].append(row)
        parser: list[tuple[bool, bool]] = []
        judged: list[tuple[bool, bool]] = []
        conditions: list[tuple[bool, bool]] = []
        missing = 0
        for (file, where), rows in by_doc.items():
            parsed, kinds = self._posting(file, where)
            by_key = {piece_key(p.text): (p, k) for p, k in zip(parsed, kinds, strict=True)}
            for row in rows:
                if row["key"] not in by_key:
                    missing += 1
                    continue
                piece, kind = by_key[row["key"]]
                truth = row["label"] not in ASKABLE_LABELS
                parser.append((not piece.askable, truth))
                judged.append((kind.kind in NOT_ASKABLE, truth))
                if row["label"] == "condition" or kind.kind == "condition":
                    conditions.append((kind.kind == "condition", row["label"] == "condition"))
        figures = {"parser": precision_recall(parser), "classifier": precision_recall(judged)}
        conditions_found = precision_recall(conditions)
        self.stdout.write(f"Not askable pieces of {len(by_doc)} real postings ({missing} labelled pieces not found):")
        rows_out = [
            (name, f"{p:.3f}", f"{r:.3f}", n)
            for name, (p, r, n) in (
                ("parser's sections and patterns", figures["parser"]),
                ("classifier (FACT_KINDS_PATH)", figures["classifier"]),
            )
        ]
        self.stdout.write(table(rows_out, ("judged by", "precision", "recall", "pieces")))
        self.stdout.write(
            f"Conditions found as such: precision {conditions_found[0]:.3f}, recall {conditions_found[1]:.3f}\n"
        )
        out: dict[str, Any] = {**figures, "conditions": conditions_found, "labels_not_found": missing}
        return out

    # -- 2. coverage
    def _coverage(self, labels: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
        """Coverage as the app judges it (the rules and the learned judge) and by the rules alone,
        against the labels; with a second labeller's labels, how far the two labellers agree and
        how each judge does where they agree."""
        self._wanted = sorted({(str(r["job"]), str(r["where"])) for r in labels})
        app = knowledge.selector()
        judges = {"rules and learned judge (COVERAGE_PATH)": app}
        judges["rules alone"] = KnowledgeSelector(app.encoder, app.config)
        if app.judge is None:
            judges = {"rules alone (no judge at COVERAGE_PATH)": judges["rules alone"]}
        other = {(str(r["resume"]), str(r["job"]), str(r["where"]), str(r["key"])): str(r["label"]) for r in second}
        self._not_found = 0
        rows = self._judged(labels, judges)
        out: dict[str, Any] = {"judgements": len(rows), "not_requirements_now": sum(r[1] for r in rows), "judges": {}}
        out["labels_not_found"] = self._not_found
        table_rows: list[tuple[str, str, str, object, str]] = []
        for name in judges:
            found = [(statuses[name] in SHOWN, label in SHOWN) for _k, _m, label, statuses in rows]
            p, r, n = precision_recall(found)
            three = sum(_three(statuses[name]) == label for _k, _m, label, statuses in rows) / max(1, len(rows))
            out["judges"][name] = {"precision": p, "recall": r, "three_way_agreement": three}
            table_rows.append((name, f"{p:.3f}", f"{r:.3f}", n, f"{three:.3f}"))
            agreed = [
                (statuses[name] in SHOWN, label in SHOWN)
                for key, _m, label, statuses in rows
                if other.get(key, "na") != "na" and (other[key] in SHOWN) == (label in SHOWN)
            ]
            if agreed:
                p, r, n = precision_recall(agreed)
                out["judges"][name]["where_labellers_agree"] = {"precision": p, "recall": r, "judgements": n}
                table_rows.append((f"  {name}, where the labellers agree", f"{p:.3f}", f"{r:.3f}", n, ""))
        labellers = [(other[k] in SHOWN, label in SHOWN) for k, _m, label, _s in rows if other.get(k, "na") != "na"]
        if labellers:
            p, r, n = precision_recall(labellers)
            out["second_labeller"] = {"precision": p, "recall": r, "judgements": n}
            table_rows.append(("second labeller", f"{p:.3f}", f"{r:.3f}", n, ""))
        out |= {k: out["judges"][next(iter(judges))][k] for k in ("precision", "recall", "three_way_agreement")}
        pairs = len({k[:3] for k, _m, _l, _s in rows})
        self.stdout.write(
            f"Coverage of {pairs} resume/posting pairs (covered or partly vs not; {self._not_found} labelled "
            "judgements left out: the parser no longer cuts their piece that way):"
        )
        self.stdout.write(table(table_rows, ("judged by", "precision", "recall", "judgements", "3-way agree")))
        return out

    def _judged(
        self, labels: list[dict[str, Any]], judges: dict[str, KnowledgeSelector]
    ) -> list[tuple[tuple[str, str, str, str], bool, str, dict[str, str]]]:
        """Each labelled requirement ("na" left out, and any whose piece the parser no longer cuts):
        (its key, whether it is no requirement now, its label, the status each judge gives it: "gap"
        where the match does not list it, judged not askable)."""
        encoder = models_registry.encoder()
        resumes: dict[str, FactSet] = {}
        pairs: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in labels:
            pairs[(str(row["resume"]), str(row["job"]), str(row["where"]))].append(row)
        out = []
        for (resume_file, job_file, where), rows in pairs.items():
            if resume_file not in resumes:
                path = self._root / resume_file
                prepared = services.prepare(
                    services.DocumentSpec(kind=RESUME, data=path.read_bytes(), filename=path.name)
                )
                resumes[resume_file] = fact_set(prepared.facts, "resume", encoder)
            pieces = self._posting(job_file, where)[1]
            cut = {piece_key(p.text) for p in pieces}
            job = fact_set(pieces, "job", encoder)
            statuses = {}
            for name, selector in judges.items():
                match = selector.match(resumes[resume_file], job)
                statuses[name] = {piece_key(i.requirement.text): i.status for i in match.items}
            for row in rows:
                key = str(row["key"])
                if row["label"] == "na":
                    continue
                if key not in cut:
                    self._not_found += 1  # the parser now cuts the posting another way: no verdict to compare
                else:
                    missing = key not in next(iter(statuses.values()))  # judged not askable: a gap
                    found = {name: status_of.get(key, "gap") for name, status_of in statuses.items()}
                    out.append(((resume_file, job_file, where, key), missing, str(row["label"]), found))
        return out


def _three(status: str) -> str:
    """A match status as a label: covered, partly or not."""
    return status if status in SHOWN else "not"
