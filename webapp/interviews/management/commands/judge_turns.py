"""manage.py judge_turns: blind judging of interviewer turns (docs/judging.md).

``pack RUN.json... --out DIR`` writes DIR/sheet.jsonl (the turns of every run, shuffled, each with
only its act, facts and the answer before it) and DIR/key.json (which system wrote each: keep it
from the judge). ``score --key DIR/key.json --labels LABELS.jsonl`` prints the judged table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training import judging
from training.tables import table

COLUMNS = [
    ("turns", "turns"),
    ("ok", "ok"),
    ("bad", "bad"),
    ("invented", "invented claims"),
    ("recitals", "recitals"),
    ("model_words", "model words"),
    ("model_whole", "wholly the model's"),
    ("first_word_p50_s", "first word p50 s"),
    ("first_word_p95_s", "first word p95 s"),
    ("turn_p50_s", "whole turn p50 s"),
    ("turn_p95_s", "whole turn p95 s"),
    ("turn_max_s", "slowest turn s"),
]


class Command(BaseCommand):
    help = "Pack interviewer turns of evaluate_interviews runs for a blind judge, or score the judge's labels."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pack = sub.add_parser("pack", help="shuffle the turns of RUN files into a sheet and a key")
        pack.add_argument("runs", nargs="+", help="evaluate_interviews --json files")
        pack.add_argument("--out", required=True, help="folder for sheet.jsonl and key.json")
        pack.add_argument("--seed", type=int, default=0)
        score = sub.add_parser("score", help="join the judge's labels with the key")
        score.add_argument("--key", required=True)
        score.add_argument(
            "--labels", nargs="+", required=True, help="JSON lines: id, rating, invented, recital, reason"
        )
        score.add_argument("--json", dest="json_out", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "pack":
                self._pack(options)
            else:
                self._score(options)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from None

    def _pack(self, options: dict[str, Any]) -> None:
        runs = {Path(p).stem: json.loads(Path(p).read_text(encoding="utf-8")) for p in options["runs"]}
        items, key = judging.pack(runs, options["seed"])
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "sheet.jsonl").write_text("".join(json.dumps(i.as_dict()) + "\n" for i in items), encoding="utf-8")
        (out / "key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")
        self.stdout.write(
            f"{len(items)} turns from {len(runs)} run(s) in {out / 'sheet.jsonl'}; the key: {out / 'key.json'}"
        )

    def _score(self, options: dict[str, Any]) -> None:
        key = json.loads(Path(options["key"]).read_text(encoding="utf-8"))
        lines = [line for path in options["labels"] for line in Path(path).read_text(encoding="utf-8").splitlines()]
        result = judging.score(judging.read_labels(lines), key)
        rows = [(name, *[r[k] for k, _ in COLUMNS]) for name, r in result.items()]
        self.stdout.write(table(rows, ("system", *[label for _, label in COLUMNS])))
        for name, r in result.items():
            self.stdout.write(f"{name} ok by act: " + ", ".join(f"{a} {v}" for a, v in r["ok_by_act"].items()))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(result, indent=1), encoding="utf-8")
