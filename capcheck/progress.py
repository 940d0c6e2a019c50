"""Inference progress: rich bars on a terminal, a plain line every 30 s anywhere else.

The planner opens one task (a phase) per engine call; an engine with a `progress` hook
(hf, the result cache) reports after every batch how many requests it finished and how
many tokens it processed. `InferenceProgress` keeps the counts and the clock; a display
shows them: `Bars` on an interactive terminal, `Lines` in CI logs, captured output and
TERM=dumb. `choose_display` is the one place that picks.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Iterator, Protocol, TextIO

LABELS = {"generate": "generating", "loglikelihood": "scoring options", "rolling": "scoring passages"}
INTERVAL = 30.0
"""Seconds between two plain progress lines of one phase."""

Clock = Callable[[], float]
Bypass = Callable[[], ContextManager[None]]
"""Suspends output capture while a line is written (the plugin gives pytest's)."""


def can_show(stream: TextIO | None = None) -> bool:
    """Bars only on an interactive terminal."""
    stream = stream if stream is not None else sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


@dataclass
class Phase:
    """One engine call's counts so far."""

    kind: str
    total: int
    started: float
    wave: int | None = None
    done: int = 0
    computed: int = 0
    """Requests done by running the model: the result cache's hits don't tell how fast it goes."""
    tokens: int = 0
    from_cache: int = 0

    @property
    def label(self) -> str:
        label = LABELS.get(self.kind, self.kind)
        return label if self.wave is None else f"{label} (conversation turn {self.wave})"

    def tokens_per_second(self, now: float) -> float | None:
        elapsed = now - self.started
        return self.tokens / elapsed if self.tokens and elapsed > 0 else None

    def seconds_left(self, now: float) -> float | None:
        """From the rate so far; None until the model has finished something."""
        elapsed = now - self.started
        if not self.computed or elapsed <= 0:
            return None
        return (self.total - self.done) * elapsed / self.computed


class Display(Protocol):
    """How phases are shown; called under the progress lock, one thread at a time."""

    def start(self, phase: Phase, now: float) -> None: ...

    def update(self, phase: Phase, now: float) -> None: ...

    def end(self, phase: Phase, now: float, finished: bool) -> None: ...


def duration(seconds: float) -> str:
    """4m10s, 1h02m, 12s, 0.3s."""
    whole = round(seconds)
    if seconds < 10:
        return f"{seconds:.1f}s"
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _rate(per_second: float | None) -> str:
    if per_second is None:
        return "?"
    return f"{per_second:.1f}" if per_second < 10 else f"{per_second:,.0f}"


def progress_line(phase: Phase, now: float) -> str:
    """generating 412/1,630 requests (25%), 38 tok/s, about 4m10s left"""
    left = phase.seconds_left(now)
    return (f"{phase.label} {phase.done:,}/{phase.total:,} requests ({100 * phase.done // phase.total}%), "
            f"{_rate(phase.tokens_per_second(now))} tok/s, "
            + ("? left" if left is None else f"about {duration(left)} left"))


def end_line(phase: Phase, now: float, finished: bool) -> str:
    """generating done: 1,630 requests in 6m02s, 37 tok/s (or: stopped after 412/1,630 ...)."""
    elapsed = duration(now - phase.started)
    if not finished:
        return f"{phase.label} stopped after {phase.done:,}/{phase.total:,} requests in {elapsed}"
    text = f"{phase.label} done: {phase.total:,} requests in {elapsed}"
    rate = phase.tokens_per_second(now)
    if rate is not None:
        text += f", {_rate(rate)} tok/s"
    if phase.from_cache:
        share = "all" if phase.from_cache == phase.total else f"{phase.from_cache:,}"
        text += f", {share} from the result cache"
    return text


class Lines:
    """Plain lines: one when a phase starts and ends, and at most one per `interval` s between.

    Each line is written whole and flushed, past output capture when `bypass` is given;
    no ANSI codes, no carriage returns, so a CI log reads it as it comes. The first line
    starts with a newline, as the stream may be mid-line.
    """

    def __init__(self, stream: TextIO, interval: float = INTERVAL, bypass: Bypass | None = None) -> None:
        self.stream = stream
        self.interval = interval
        self.bypass = bypass or nullcontext
        self._last = 0.0
        self._first = True

    def start(self, phase: Phase, now: float) -> None:
        self._last = now
        self._write(f"{phase.label}: {phase.total:,} requests to run")

    def update(self, phase: Phase, now: float) -> None:
        # Engines report per batch (hf greedy: per reply); the clock, not the reports, paces the log.
        if now - self._last >= self.interval and phase.done < phase.total:
            self._last = now
            self._write(progress_line(phase, now))

    def end(self, phase: Phase, now: float, finished: bool) -> None:
        self._write(end_line(phase, now, finished))

    def _write(self, text: str) -> None:
        # pytest's terminal is mid-line when a test runs ("test_x.py "): start ours on a fresh one.
        fresh, self._first = "\n" if self._first else "", False
        with self.bypass():
            self.stream.write(f"{fresh}capcheck: {text}\n")
            self.stream.flush()


class Bars:
    """A rich bar per phase with requests/s and tokens/s, gone when the phase ends."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._progress: Any = None
        self._task: Any = None

    def start(self, phase: Phase, now: float) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, force_terminal=True, no_color="NO_COLOR" in os.environ)
        self._progress = Progress(
            TextColumn("capcheck {task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console, transient=True,
        )
        self._task = self._progress.add_task(phase.label, total=phase.total, rate="")
        self._progress.start()

    def update(self, phase: Phase, now: float) -> None:
        elapsed = max(now - phase.started, 1e-9)
        rate = f"{phase.done / elapsed:.1f} req/s, {phase.tokens / elapsed:.0f} tok/s"
        self._progress.update(self._task, completed=phase.done, rate=rate)

    def end(self, phase: Phase, now: float, finished: bool) -> None:
        self.update(phase, now)
        self._progress.stop()
        self._progress = self._task = None


def choose_display(stream: TextIO, interval: float = INTERVAL, bypass: Bypass | None = None) -> Display:
    """Bars on an interactive terminal; plain lines anywhere else (CI logs, captured output, TERM=dumb)."""
    return Bars(stream) if can_show(stream) else Lines(stream, interval, bypass)


class InferenceProgress:
    """What the planner and engines talk to: one `task` per engine call, `advance` per batch.

    Thread-safe: the hf engine reports from its stream threads. Disabled, it shows nothing.
    """

    def __init__(self, enabled: bool = True, stream: TextIO | None = None, *, interval: float = INTERVAL,
                 clock: Clock = time.monotonic, bypass: Bypass | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.display: Display | None = choose_display(self.stream, interval, bypass) if enabled else None
        self.clock = clock
        self.phase: Phase | None = None
        """The phase running now, if any."""
        self._lock = threading.Lock()

    @property
    def bars(self) -> bool:
        return isinstance(self.display, Bars)

    @contextmanager
    def task(self, kind: str, total: int, wave: int | None = None) -> Iterator["InferenceProgress"]:
        """Show one phase of `total` requests of `kind` (turn `wave` of conversations) while the block runs."""
        display = self.display
        if display is None or total == 0:
            yield self
            return
        with self._lock:
            self.phase = Phase(kind, total, self.clock(), wave)
            display.start(self.phase, self.phase.started)
        finished = False
        try:
            yield self
            finished = True
        finally:
            with self._lock:
                phase, self.phase = self.phase, None
                if finished:  # engines that report nothing (openai, vllm) or not every part
                    phase.done = phase.total
                display.end(phase, self.clock(), finished)

    def advance(self, requests: int, tokens: int) -> None:
        """Record `requests` more finished requests and `tokens` more tokens processed.

        tokens=0 means answered without running the model (the result cache's hits): done,
        but not counted in the rate that the time left is estimated from.
        """
        computed = tokens > 0
        with self._lock:
            phase = self.phase
            if phase is None or self.display is None:
                return
            # A long passage can span several windows, so an engine may report more parts than requests.
            requests = max(0, min(requests, phase.total - phase.done))
            phase.done += requests
            phase.tokens += tokens
            if computed:
                phase.computed += requests
            else:
                phase.from_cache += requests
            self.display.update(phase, self.clock())
