"""Plain data about an engine: the settings it is built with, and what it says produced a result.

On the package's floor: baselines and the result cache store these without importing any engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EngineInfo:
    """What produced a result; stored in every baseline."""

    name: str
    version: str
    dtype: str
    warnings: tuple[str, ...] = field(default=())
    """Things a user should know about how results were made (e.g. no chat template)."""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "dtype": self.dtype,
            "warnings": list(self.warnings),
        }



@dataclass(frozen=True)
class EngineConfig:
    """Settings shared by every engine."""

    dtype: str = "float32"
    """'float32', 'bfloat16' or 'float16'."""
    batch_size: int = 32
    threads: int | None = None
    """CPU threads for torch; None leaves torch's default (the plugin sets 1 on small machines)."""
    streams: int | None = None
    """Streams of greedy generation and scoring run side by side on a CPU, sharing the
    threads (hf engine); None picks 2 when there are at least 2 threads, else 1."""
    trust_remote_code: bool = False
    allow_pickle: bool = False
    show_progress: bool = False
    extra: dict = field(default_factory=dict)
    """Engine-specific options (e.g. vLLM's tensor_parallel_size)."""
