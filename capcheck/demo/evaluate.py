"""Measure a demo model: the narrow task, two chat probes, and the capability gate.

Everything runs through capcheck's own engine and session, exactly as `capcheck gate`
would, so the demo's verdicts are the gate's verdicts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capcheck.demo.data import PROBES
from capcheck.demo.task import Task
from capcheck.verdict import Verdict


@dataclass
class DomainScore:
    """Held-out task accuracy and the replies to the chat probes."""

    accuracy: float
    n: int
    probes: dict[str, str]
    examples: list[tuple[str, str, str]] = field(default_factory=list)
    """(question, expected, reply) for a few held-out questions."""

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": self.accuracy, "n": self.n, "probes": self.probes,
                "examples": [list(e) for e in self.examples]}


def domain_score(model: str, adapter: str | None, task: Task, threads: int | None = None) -> DomainScore:
    """Greedy replies to the task's held-out questions (scored by the task) and to the chat probes."""
    from capcheck import checkpoint as checkpoints
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.requests import Decoding, GenerateRequest, Message

    held_out = task.held_out
    engine = load_engine("hf", checkpoints.resolve(model, adapter), EngineConfig(threads=threads))
    try:
        asks = [GenerateRequest(tuple(Message(r, c) for r, c in q.messages), Decoding(max_tokens=task.max_tokens))
                for q in held_out]
        asks += [GenerateRequest((Message("user", p),), Decoding(max_tokens=48)) for p in PROBES]
        replies = [c.text for c in engine.generate(asks)]
    finally:
        engine.close()
    answers, probes = replies[: len(held_out)], replies[len(held_out):]
    right = sum(task.is_right(r, q) for r, q in zip(answers, held_out))
    examples = [(q.messages[-1][1], q.expected, r.strip()) for q, r in list(zip(held_out, answers))[:3]]
    return DomainScore(right / len(held_out), len(held_out), dict(zip(PROBES, (p.strip() for p in probes))), examples)


@dataclass
class GateRun:
    """The gate's verdicts for one model, in suite order."""

    verdicts: list[Verdict]
    seconds: float
    failed: list[str]


def run_gate(model: str, adapter: str | None, suites_path: Path, project: Path, *, quick: bool = True,
             threads: int | None = None, batch_size: int | None = None, dtype: str | None = None,
             no_cache: bool = False) -> GateRun:
    """`capcheck gate` in-process: the same settings merge, session and verdict rule."""
    from capcheck.session import CapcheckSession
    from capcheck.settings import merge, project_defaults
    from capcheck.suites_loader import load_suite_files

    cli = {"model": model, "adapter": adapter, "quick": quick, "threads": threads, "engine": "hf",
           "batch_size": batch_size, "dtype": dtype, "base": "smollm2-135m-instruct", "no_cache": no_cache}
    settings = merge(cli, project_defaults(project))
    session = CapcheckSession(settings, project, record_command="capcheck record", invocation_dir=project)
    for suite in load_suite_files(suites_path):
        session.add_suite(suite, source=str(suites_path))
    start = time.perf_counter()
    verdicts = [session.verdict(name) for name in session.suites]
    failed = [v.suite for v in verdicts if v.failed(session.policy)]
    return GateRun(verdicts, time.perf_counter() - start, failed)
