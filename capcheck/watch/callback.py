"""`CapcheckCallback`: the watcher inside transformers' Trainer (and TRL's SFTTrainer, a Trainer)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from capcheck.errors import CapcheckError
from capcheck.watch.watcher import Watcher, look_steps


class CapcheckCallback(TrainerCallback):
    """Looks at the model at `looks` evenly spaced steps (or at `steps`, when given).

    With `stop_on_regression`, the first flagged look stops training. `last_good_checkpoint`
    names the latest checkpoint the Trainer saved at or before the last look that flagged
    nothing (save at the look steps, e.g. `save_steps=max_steps // looks`, to have one).
    Keyword arguments go to `Watcher` (alpha, spending, baselines, suites, batch_size, log).
    """

    def __init__(self, looks: int = 4, *, steps: list[int] | None = None, stop_on_regression: bool = False,
                 tokenizer: Any = None, report: str | Path | None = None, **watcher: Any) -> None:
        self.watcher = Watcher(looks=len(steps) if steps else looks, **watcher)
        self.steps = sorted(steps) if steps else None
        self.stop_on_regression = stop_on_regression
        self.tokenizer = tokenizer
        self.report = Path(report) if report is not None else None
        if self.report is not None:
            from capcheck.watch.report import check_path

            check_path(self.report)  # before training, not at the first look
        self.saved: list[tuple[int, str]] = []
        """(step, folder) of every checkpoint the Trainer saved."""

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.steps is None:
            self.steps = look_steps(state.max_steps, self.watcher.looks)

    def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if self.steps is None or state.global_step not in self.steps:
            return
        tokenizer = self.tokenizer or kwargs.get("processing_class") or kwargs.get("tokenizer")
        if tokenizer is None:
            raise CapcheckError("watcher: the Trainer has no tokenizer; pass CapcheckCallback(tokenizer=...).")
        look = self.watcher.look(model, tokenizer, state.global_step)
        if self.report is not None:
            from capcheck.watch.report import write

            write(self.watcher, self.report)
        if look is not None and look.regressed and self.stop_on_regression:
            control.should_training_stop = True

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.saved.append((state.global_step, str(Path(args.output_dir) / f"checkpoint-{state.global_step}")))

    @property
    def last_good_checkpoint(self) -> str | None:
        clean = self.watcher.last_clean_step
        good = [folder for step, folder in self.saved if clean is not None and step <= clean]
        return good[-1] if good else None
