"""What a finished session produced: the verdicts with their evidence and the run's provenance.

The one thing the reports, the summary and the exit code read; built by the session at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from capcheck.baseline import Baseline
from capcheck.cache import CacheStats
from capcheck.checkpoint import Checkpoint
from capcheck.engine_info import EngineInfo
from capcheck.plan import RunStats
from capcheck.settings import Settings
from capcheck.verdict import Policy, Verdict


@dataclass
class SessionReport:
    """What happened, for the summary: who, how, how long."""

    checkpoint: Checkpoint | None = None
    engine: EngineInfo | None = None
    baseline_dir: Path | None = None
    stats: RunStats = field(default_factory=RunStats)
    load_seconds: float = 0.0
    run_seconds: float = 0.0
    cache: CacheStats | None = None
    """Cache hits and misses; None when the cache was off."""


@dataclass(frozen=True)
class SessionOutcome:
    """A finished session: every selected suite's verdict (none if it could not run), and why not."""

    settings: Settings
    policy: Policy
    suites: tuple[str, ...]
    """The selected suites, in the order they were collected."""
    verdicts: dict[str, Verdict]
    baselines: dict[str, Baseline]
    """The baselines compared with, by suite name (for the report's fingerprints)."""
    report: SessionReport
    error: Exception | None = None

    @property
    def ordered_verdicts(self) -> list[Verdict]:
        return [self.verdicts[name] for name in self.suites if name in self.verdicts]
