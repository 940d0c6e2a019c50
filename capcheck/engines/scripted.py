"""A deterministic fake engine for unit tests of capcheck's own logic. Never for verdicts."""
from __future__ import annotations

import hashlib
from typing import Callable, Sequence

from capcheck.engines.base import EngineInfo
from capcheck.requests import (
    Completion,
    FinishReason,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    Prompt,
    RollingRequest,
)


def _stable_float(text: str) -> float:
    """A number in [0, 1) that depends only on `text`."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


def _prompt_text(prompt: Prompt) -> str:
    return prompt if isinstance(prompt, str) else "\n".join(f"{m.role}: {m.content}" for m in prompt)


class ScriptedEngine:
    """Answers from user-given functions, else from stable hashes of the request.

    Records every call as (method, batch size) so tests can check batching.
    """

    abilities: frozenset[str] = frozenset()

    def __init__(
        self,
        reply: Callable[[Prompt], str] | None = None,
        score: Callable[[Prompt, str], float] | None = None,
        name: str = "scripted",
    ) -> None:
        self.reply = reply or (lambda prompt: f"reply-{_stable_float(_prompt_text(prompt)):.4f}")
        self.score = score or (lambda context, text: -10 * _stable_float(_prompt_text(context) + "|" + text) - 1)
        self.calls: list[tuple[str, int]] = []
        self._info = EngineInfo(name, "0", "none")

    @property
    def info(self) -> EngineInfo:
        return self._info

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]:
        self.calls.append(("generate", len(requests)))
        out = []
        for request in requests:
            text = self.reply(request.prompt)
            n = len(text.split())
            finish: FinishReason = "length" if n >= request.decoding.max_tokens else "stop"
            out.append(Completion(text=text, n_tokens=n, finish_reason=finish))
        return out

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        self.calls.append(("loglikelihood", len(requests)))
        return [
            Loglikelihood(self.score(r.context, r.continuation), max(1, len(r.continuation.split())))
            for r in requests
        ]

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]:
        self.calls.append(("rolling", len(requests)))
        return [Loglikelihood(self.score("", r.text), max(1, len(r.text.split()))) for r in requests]

    def close(self) -> None:
        pass
