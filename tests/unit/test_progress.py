"""Progress bars: requests/s and tokens/s on a terminal, nothing anywhere else."""
from __future__ import annotations

import io
from typing import Sequence

from capcheck.engines.scripted import ScriptedEngine
from capcheck.plan import RunStats, run_suites
from capcheck.progress import InferenceProgress, can_show
from capcheck.requests import Completion, GenerateRequest
from capcheck.cases import CheckSpec, CompletionCase, user
from capcheck.suite import Suite


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class HookedEngine(ScriptedEngine):
    """A scripted engine that reports per batch of 4, like the transformers engine."""

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


def test_bar_shows_requests_and_tokens_per_second_on_a_terminal() -> None:
    screen = Terminal()
    engine = HookedEngine()
    results = run_suites([suite(10)], engine, RunStats(), InferenceProgress(True, screen))
    text = screen.getvalue()
    assert "capcheck generating" in text and "10/10" in text
    assert " req/s, " in text and " tok/s" in text
    assert engine.reports == [(4, 4), (4, 4), (2, 2)] and engine.progress is None  # hook removed after the call
    assert results == run_suites([suite(10)], HookedEngine(), RunStats())  # same answers without a bar


def test_nothing_is_drawn_when_disabled_or_not_a_terminal(monkeypatch) -> None:
    quiet = io.StringIO()
    run_suites([suite(10)], HookedEngine(), RunStats(), InferenceProgress(False, quiet))
    assert quiet.getvalue() == ""
    assert not can_show(io.StringIO()) and can_show(Terminal())
    monkeypatch.setenv("TERM", "dumb")
    assert not can_show(Terminal())


def test_engine_reporting_more_parts_than_requests_is_capped() -> None:
    screen = Terminal()
    progress = InferenceProgress(True, screen)
    with progress.task("rolling", 3):
        progress.advance(5, 100)  # long passages scored in several windows
        assert progress._done == 3
    assert "3/3" in screen.getvalue()


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
