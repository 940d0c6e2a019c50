"""Progress bars during inference: requests/s and tokens/s, on a terminal only.

The planner opens one task per engine call; an engine with a `progress` hook (the
transformers engine) reports after every batch how many requests it finished and how
many tokens it processed. Nothing is drawn when the stream is not a terminal (CI logs,
pytest's captured output) or when NO_COLOR/TERM=dumb ask for plain output.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Any, Iterator, TextIO

LABELS = {"generate": "generating", "loglikelihood": "scoring options", "rolling": "scoring passages"}


def can_show(stream: TextIO | None = None) -> bool:
    """Bars only on an interactive terminal."""
    stream = stream if stream is not None else sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


class InferenceProgress:
    """A rich progress display with one bar per engine call (a no-op when disabled)."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._task: Any = None
        self._progress: Any = None
        self._start = 0.0
        self._tokens = 0
        self._done = 0
        self._total = 0

    @contextmanager
    def task(self, kind: str, total: int) -> Iterator["InferenceProgress"]:
        """Show one bar for `total` requests of `kind` while the block runs."""
        if not self.enabled or total == 0:
            yield self
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, force_terminal=True, no_color="NO_COLOR" in os.environ)
        self._progress = Progress(
            TextColumn("capcheck {task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console, transient=True,
        )
        self._start, self._tokens, self._done, self._total = time.perf_counter(), 0, 0, total
        with self._progress:
            self._task = self._progress.add_task(LABELS.get(kind, kind), total=total, rate="")
            try:
                yield self
            finally:
                self.advance(total - self._done, 0)
                self._task, self._progress = None, None

    def advance(self, requests: int, tokens: int) -> None:
        """Record `requests` more finished requests and `tokens` more tokens processed."""
        if self._progress is None:
            return
        # A long passage can span several windows, so an engine may report more parts than requests.
        requests = max(0, min(requests, self._total - self._done))
        self._done += requests
        self._tokens += tokens
        self._progress.update(self._task, completed=self._done, rate=self.rate_text())

    def rate_text(self) -> str:
        seconds = max(time.perf_counter() - self._start, 1e-9)
        return f"{self._done / seconds:.1f} req/s, {self._tokens / seconds:.0f} tok/s"
