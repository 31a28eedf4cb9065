"""manage.py critic: the learned critic of interviewer turns (interviewer.dialog.critic).

``candidates --out F``: turns decoded by the serving engine for every interviewer turn of the
fixture dialogs (training.critic_data), to be labelled ok / odd / bad with a reason; appended to F
as they are decoded, so a stopped run continues where it stopped.
``train --items F --labels L...``: fit the critic (training.train_critic) and save it where the
serving process reads it (``CRITIC_PATH``).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.serving import bases
from training import critic_data, train_critic
from webapp.management.progress import bar
from webapp.serving import models_registry


def _base_name() -> str:
    """The serving base's name for the items' ids: the registered name ("qwen2.5-coder-1.5b" when
    ``GENERATOR_BASE`` is unset, so a run with the default and one naming it continue each other),
    else the folder or file's name."""
    base = bases.registered(settings.GENERATOR_BASE)
    return base.name if base is not None else Path(settings.GENERATOR_BASE).name


class Command(BaseCommand):
    help = "Decode candidate turns on the fixture dialogs for labelling, or train the critic on the labels."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        candidates = sub.add_parser("candidates", help="decode turns to label (fixture dialogs only)")
        candidates.add_argument("--out", required=True, help="JSON lines of turns to label")
        candidates.add_argument("--limit", type=int, default=0, help="at most this many contexts (0: all)")
        candidates.add_argument("--seed", type=int, default=0, help="which contexts, when --limit is set")
        train = sub.add_parser("train", help="fit the critic on labelled turns")
        train.add_argument("--items", nargs="+", required=True, help="candidate turns, one file or more")
        train.add_argument("--labels", nargs="+", required=True)
        train.add_argument("--output", default="", help="default: CRITIC_PATH")
        train.add_argument("--min-precision", type=float, default=0.8)
        train.add_argument("--c", type=float, default=0.5)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "candidates":
                self._candidates(options)
            else:
                self._train(options)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from None

    def _candidates(self, options: dict[str, Any]) -> None:
        base = Path(settings.BASE_DIR) / "fixtures"
        chosen = critic_data.contexts(base / "dialogs.jsonl", base)
        if options["limit"]:
            chosen = random.Random(options["seed"]).sample(chosen, min(options["limit"], len(chosen)))
        engine, encoder = models_registry.local_engine(), models_registry.encoder()
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        with bar(len(chosen), "Decoding candidate turns", unit="context") as progress:
            items = critic_data.generate(chosen, engine, encoder, progress.update, out=out, base=_base_name())
        self.stdout.write(f"{len(items)} more turns written to {out} (contexts already there were skipped)")

    def _train(self, options: dict[str, Any]) -> None:
        output = Path(options["output"] or settings.CRITIC_PATH)
        args = train_critic.CriticArguments(
            [Path(p) for p in options["items"]],
            [Path(p) for p in options["labels"]],
            output,
            c=options["c"],
            min_precision=options["min_precision"],
        )
        train_critic.main(args, models_registry.encoder(), log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Critic saved to {output}"))
