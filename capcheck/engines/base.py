"""The Engine protocol: batched, order-preserving inference."""
from __future__ import annotations

from typing import Callable, Protocol, Sequence, runtime_checkable

from capcheck.engine_info import EngineConfig, EngineInfo
from capcheck.requests import (
    Completion,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    RollingRequest,
)

__all__ = ["BASE_SCORING", "PROGRESS", "BaseScoring", "Engine", "EngineConfig", "EngineInfo", "Reporting"]

PROGRESS = "progress"
"""The engine reports as batches finish, through its `progress` hook (Reporting)."""
BASE_SCORING = "base_scoring"
"""The engine scores with its LoRA adapter switched off (BaseScoring): the base model's logits probe."""

ProgressHook = Callable[[int, int], None]
"""Called with (requests finished, tokens processed); tokens 0: answered without the model."""


@runtime_checkable
class Engine(Protocol):
    """Answers whole batches of requests and returns results in input order.

    An engine may reorder internally (by length, for padding) but must restore
    the input order before returning.
    """

    abilities: frozenset[str]
    """What the engine can do beyond the four calls (PROGRESS, BASE_SCORING): declared, never probed."""

    @property
    def info(self) -> EngineInfo: ...

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]: ...

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]: ...

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]: ...

    def close(self) -> None: ...


class Reporting(Engine, Protocol):
    """An engine with the PROGRESS ability."""

    progress: ProgressHook | None


class BaseScoring(Engine, Protocol):
    """An engine with the BASE_SCORING ability."""

    def loglikelihood_base(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]: ...
