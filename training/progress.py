"""A trainer callback that hands the losses a Hugging Face ``Trainer`` logs to a command's progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from transformers import TrainerCallback

if TYPE_CHECKING:
    from transformers import TrainerControl, TrainerState, TrainingArguments


class LossProgress(TrainerCallback):
    """Each training loss as ``progress(step, steps, loss)``; each validation loss as a ``log`` line."""

    def __init__(
        self, progress: Callable[[int, int, float], None] | None, log: Callable[[str], None] | None = None
    ) -> None:
        self.progress, self.log = progress, log

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        logs = logs or {}
        if "loss" in logs and self.progress:
            self.progress(state.global_step, state.max_steps, float(logs["loss"]))
        if "eval_loss" in logs and self.log:
            self.log(f"epoch {state.epoch:.2f}: validation loss {logs['eval_loss']:.4f}")
