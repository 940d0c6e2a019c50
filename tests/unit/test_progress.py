"""Progress: rich bars on a terminal, a plain line per interval anywhere else (CI logs, captured output)."""
from __future__ import annotations

import io
import itertools
import os
import threading
from typing import Sequence

import pytest

from capcheck.cache import CacheContext, ResultCache
from capcheck.cases import CheckSpec, CompletionCase, user
from capcheck.engines.base import PROGRESS
from capcheck.engines.cached import CachedEngine
from capcheck.engines.scripted import ScriptedEngine
from capcheck.plan import RunStats, run_suites
from capcheck.progress import Bars, InferenceProgress, Lines, can_show, duration
from capcheck.requests import Completion, GenerateRequest
from capcheck.suite import Suite


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class HookedEngine(ScriptedEngine):
    """A scripted engine that reports per batch of 4, like the transformers engine."""

    abilities = frozenset({PROGRESS})

    def __init__(self) -> None:
        super().__init__()
        self.progress = None
        self.reports: list[tuple[int, int]] = []

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]:
        out = super().generate(requests)
        for start in range(0, len(out), 4):
            chunk = out[start:start + 4]
            report = (len(chunk), sum(c.n_tokens for c in chunk))
            self.reports.append(report)
            if self.progress is not None:
                self.progress(*report)
        return out


def suite(n: int) -> Suite:
    return Suite("arith", tuple(CompletionCase(id=f"a/{i}", prompt=user(f"{i} + 1?"),
                                               checks=(CheckSpec.make("number", value=i + 1),)) for i in range(n)))


def lines(stream: io.StringIO) -> list[str]:
    """The plain lines written, after the newline the first one starts with."""
    first, *rest = stream.getvalue().split("\n")[:-1]
    assert first == "" and all(rest)
    return rest


def test_bar_shows_requests_and_tokens_per_second_on_a_terminal() -> None:
    screen = Terminal()
    engine = HookedEngine()
    progress = InferenceProgress(True, screen)
    assert progress.bars
    results = run_suites([suite(10)], engine, RunStats(), progress)
    text = screen.getvalue()
    assert "capcheck generating" in text and "10/10" in text
    assert " req/s, " in text and " tok/s" in text
    assert engine.reports == [(4, 4), (4, 4), (2, 2)] and engine.progress is None  # hook removed after the call
    assert results == run_suites([suite(10)], HookedEngine(), RunStats())  # same answers without a bar


def test_bars_or_lines_follow_the_streams_isatty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    assert isinstance(InferenceProgress(True, Terminal()).display, Bars)
    assert isinstance(InferenceProgress(True, io.StringIO()).display, Lines)
    assert InferenceProgress(False, Terminal()).display is None
    assert not can_show(io.StringIO()) and can_show(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")  # bars without colour, still bars
    assert InferenceProgress(True, Terminal()).bars
    monkeypatch.setenv("TERM", "dumb")
    assert not can_show(Terminal()) and isinstance(InferenceProgress(True, Terminal()).display, Lines)


def test_nothing_is_shown_when_disabled_or_nothing_runs() -> None:
    quiet = io.StringIO()
    run_suites([suite(10)], HookedEngine(), RunStats(), InferenceProgress(False, quiet))
    log = io.StringIO()
    progress = InferenceProgress(True, log)
    run_suites([], HookedEngine(), RunStats(), progress)
    with progress.task("generate", 0):
        progress.advance(3, 30)
    assert quiet.getvalue() == "" and log.getvalue() == ""


def test_plain_lines_are_throttled_to_one_per_interval() -> None:
    log, clock = io.StringIO(), Clock()
    progress = InferenceProgress(True, log, interval=30, clock=clock)
    with progress.task("generate", 100):
        for now in (10, 29.9, 30, 45, 59.9, 61, 62):
            clock.now = now
            progress.advance(1, 100)
        clock.now = 70
    assert lines(log) == [
        "capcheck: generating: 100 requests to run",
        "capcheck: generating 3/100 requests (3%), 10 tok/s, about 16m10s left",  # t=30
        "capcheck: generating 6/100 requests (6%), 9.8 tok/s, about 15m56s left",  # t=61, 31 s after the last
        "capcheck: generating done: 100 requests in 1m10s, 10 tok/s",
    ]


def test_line_says_done_of_total_percent_tokens_per_second_and_time_left() -> None:
    log, clock = io.StringIO(), Clock()
    progress = InferenceProgress(True, log, interval=30, clock=clock)
    with progress.task("generate", 1630):
        clock.now = 40
        progress.advance(300, 0)  # the result cache's hits: no rate yet
        clock.now = 100
        progress.advance(412, 3800)
    text = lines(log)
    assert text[1] == "capcheck: generating 300/1,630 requests (18%), ? tok/s, ? left"
    # (1630 - 712) left at 412 per 100 s: the cache's 300 don't make the model look faster.
    assert text[2] == "capcheck: generating 712/1,630 requests (43%), 38 tok/s, about 3m43s left"
    assert text[3] == "capcheck: generating done: 1,630 requests in 1m40s, 38 tok/s, 300 from the result cache"
    assert all(line.isprintable() and "\x1b" not in line for line in text)
    assert log.getvalue().count("\r") == 0 and log.getvalue().endswith("\n")


def test_phase_lines_without_any_advance_and_from_the_result_cache(tmp_path) -> None:
    log, clock = io.StringIO(), Clock()
    progress = InferenceProgress(True, log, clock=clock)
    engine = ScriptedEngine()  # no progress hook, like the openai engine: start and end only
    run_suites([suite(3)], engine, RunStats(), progress)
    assert lines(log) == ["capcheck: generating: 3 requests to run", "capcheck: generating done: 3 requests in 0.0s"]

    context = CacheContext({"model": "m"})
    first = CachedEngine(lambda: HookedEngine(), ResultCache(tmp_path), context)
    run_suites([suite(5)], first, RunStats(), InferenceProgress(True, io.StringIO()))
    again, cached = io.StringIO(), CachedEngine(lambda: HookedEngine(), ResultCache(tmp_path), context)
    run_suites([suite(5)], cached, RunStats(), InferenceProgress(True, again, clock=clock))
    assert lines(again)[-1] == "capcheck: generating done: 5 requests in 0.0s, all from the result cache"


def test_a_failed_phase_says_where_it_stopped() -> None:
    log, clock = io.StringIO(), Clock()
    progress = InferenceProgress(True, log, clock=clock)
    with pytest.raises(RuntimeError), progress.task("rolling", 8, wave=None):
        progress.advance(2, 100)
        clock.now = 75
        raise RuntimeError("out of memory")
    assert lines(log)[-1] == "capcheck: scoring passages stopped after 2/8 requests in 1m15s"
    with progress.task("generate", 4, wave=2):
        pass
    assert lines(log)[-2] == "capcheck: generating (conversation turn 2): 4 requests to run"


def test_two_threads_advancing_write_whole_lines_and_exact_counts() -> None:
    class Checked(io.StringIO):
        """Fails if two writes overlap; yields the CPU inside each write to give them the chance."""

        def __init__(self) -> None:
            super().__init__()
            self.inside = 0
            self.overlaps = 0

        def write(self, text: str) -> int:
            self.inside += 1
            self.overlaps += self.inside > 1
            for _ in range(20):
                os.sched_yield()
            self.inside -= 1
            return super().write(text)

    log, ticks = Checked(), itertools.count()
    progress = InferenceProgress(True, log, interval=1, clock=lambda: float(next(ticks)))
    with progress.task("loglikelihood", 2000):
        threads = [threading.Thread(target=lambda: [progress.advance(1, 3) for _ in range(1000)]) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert progress.phase is not None and (progress.phase.done, progress.phase.tokens) == (2000, 6000)
    text = lines(log)
    assert log.overlaps == 0 and len(text) > 100
    assert all(line.startswith("capcheck: scoring options") for line in text)


def test_engine_reporting_more_parts_than_requests_is_capped() -> None:
    screen = Terminal()
    progress = InferenceProgress(True, screen)
    with progress.task("rolling", 3):
        progress.advance(5, 100)  # long passages scored in several windows
        assert progress.phase is not None and progress.phase.done == 3
    assert "3/3" in screen.getvalue()


def test_a_conversation_wave_is_labelled_with_its_turn() -> None:
    """The planner tells which turn a later generate call is (plan._Session._call's wave)."""
    from capcheck.cases import ConversationCase, Turn
    from capcheck.engines.scripted import ScriptedEngine
    from capcheck.suite import Suite

    talk = Suite("talk", tuple(ConversationCase(id=f"c/{i}", turns=(Turn(f"hi {i}"), Turn("and?"), Turn("so?")))
                               for i in range(3)))
    log = io.StringIO()
    run_suites([talk], ScriptedEngine(reply=lambda prompt: "ok"), RunStats(),
               InferenceProgress(True, log, interval=0, clock=Clock()))
    starts = [line for line in lines(log) if line.endswith("requests to run")]
    assert starts == ["capcheck: generating: 3 requests to run",
                      "capcheck: generating (conversation turn 2): 3 requests to run",
                      "capcheck: generating (conversation turn 3): 3 requests to run"]


def test_durations_read_well() -> None:
    assert [duration(s) for s in (0.25, 9.94, 12.4, 59.6, 250, 3599, 3725)] == \
        ["0.2s", "9.9s", "12s", "1m00s", "4m10s", "59m59s", "1h02m"]


def test_hf_engine_reports_every_reply_and_scoring_batch(tiny_model_dir) -> None:
    from capcheck.checkpoint import resolve
    from capcheck.engines.base import EngineConfig
    from capcheck.engines.hf import HFEngine
    from capcheck.requests import Decoding, LoglikelihoodRequest

    engine = HFEngine(resolve(str(tiny_model_dir)), EngineConfig(batch_size=2, threads=1))
    seen: list[tuple[int, int]] = []
    engine.progress = lambda done, tokens: seen.append((done, tokens))
    out = engine.generate([GenerateRequest(f"Count to {i}", Decoding(max_tokens=4)) for i in range(5)])
    # Greedy replies are reported one by one as they end (the batch is refilled, not finished).
    assert [d for d, _ in seen] == [1] * 5 and sum(t for _, t in seen) == sum(c.n_tokens for c in out)
    seen.clear()
    sampled = engine.generate([GenerateRequest(f"Count to {i}", Decoding(max_tokens=3, temperature=0.8)) for i in range(3)])
    assert [d for d, _ in seen] == [2, 1] and sum(t for _, t in seen) == sum(c.n_tokens for c in sampled)  # per batch
    seen.clear()
    engine.loglikelihood([LoglikelihoodRequest(f"A {i}", " b") for i in range(3)])
    assert sum(d for d, _ in seen) == 3 and all(t > 0 for _, t in seen)
