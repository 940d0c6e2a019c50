"""The Engine protocol: batched, order-preserving inference."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

from capcheck.requests import (
    Completion,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    RollingRequest,
)


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


@runtime_checkable
class Engine(Protocol):
    """Answers whole batches of requests and returns results in input order.

    An engine may reorder internally (by length, for padding) but must restore
    the input order before returning.
    """

    @property
    def info(self) -> EngineInfo: ...

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]: ...

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]: ...

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]: ...

    def close(self) -> None: ...


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
