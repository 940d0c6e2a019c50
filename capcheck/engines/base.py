"""The Engine protocol: batched, order-preserving inference."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from capcheck.engine_info import EngineConfig, EngineInfo
from capcheck.requests import (
    Completion,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    RollingRequest,
)

__all__ = ["Engine", "EngineConfig", "EngineInfo"]


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
