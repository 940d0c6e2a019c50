"""lm-eval's LM interface answered by a capcheck engine.

lm-eval builds the requests of its tasks and hands each kind over in one list; the
adapter turns them into capcheck's typed requests, deduplicates them, sends them to
the session's engine in one call per kind (the engine sorts and batches), and
returns the answers in lm-eval's order and shapes.
"""
from __future__ import annotations

from typing import Any, Hashable, Sequence

from lm_eval.api.model import LM

from capcheck.engines.base import Engine
from capcheck.errors import CapcheckError
from capcheck.plan import RunStats, ask
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest

# Generation settings we translate; anything else would silently change decoding.
_GEN_KEYS = {"until", "max_gen_toks", "max_new_tokens", "do_sample", "temperature"}
DEFAULT_MAX_GEN_TOKS = 256
"""lm-eval's own default for generate_until when a task does not set max_gen_toks."""


class EngineLM(LM):
    """An lm-eval model backed by a capcheck Engine (no chat template: prompts are raw text)."""

    def __init__(self, engine: Engine, stats: RunStats | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.stats = stats if stats is not None else RunStats()

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        items = [LoglikelihoodRequest(*_args(r, 2)) for r in requests]
        return [(s.logprob, s.is_greedy) for s in self._call("loglikelihood", items)]

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[float]:
        items = [RollingRequest(_args(r, 1)[0]) for r in requests]
        return [s.logprob for s in self._call("rolling", items)]

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        items = []
        for request in requests:
            context, gen_kwargs = _args(request, 2)
            items.append(GenerateRequest(context, decoding_from(gen_kwargs, getattr(request, "task_name", None))))
        return [c.text for c in self._call("generate", items)]

    def _call(self, kind: str, items: Sequence[Hashable]) -> list[Any]:
        return ask(self.engine, kind, items, self.stats)

    @property
    def tokenizer_name(self) -> str:
        return self.engine.info.name

    def apply_chat_template(self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        raise CapcheckError(
            "lm-eval suites run without lm-eval's chat template (apply_chat_template): capcheck "
            "scores raw prompts so the base model and the fine-tune see the same text. Remove "
            "apply_chat_template from the suite."
        )


def _args(request: Any, n: int) -> tuple[Any, ...]:
    args = request.args
    if len(args) != n:
        raise CapcheckError(
            f"lm-eval task {getattr(request, 'task_name', '?')!r} sent a {request.request_type} "
            f"request with {len(args)} arguments; expected {n}. This lm-eval version may be newer "
            "than capcheck supports (tested with 0.4.13)."
        )
    return tuple(args)


def decoding_from(gen_kwargs: dict[str, Any], task: str | None = None) -> Decoding:
    """capcheck Decoding from a task's generation_kwargs; unknown keys are an error, not ignored."""
    unknown = sorted(set(gen_kwargs) - _GEN_KEYS)
    if unknown:
        raise CapcheckError(
            f"lm-eval task {task!r} asks for generation settings capcheck does not apply "
            f"({', '.join(unknown)}); only {', '.join(sorted(_GEN_KEYS))} are supported. Remove them "
            "from the task's generation_kwargs (or copy the task with --lm-eval-include)."
        )
    until = gen_kwargs.get("until") or []
    stop = (until,) if isinstance(until, str) else tuple(until)
    sample = bool(gen_kwargs.get("do_sample", False))
    temperature = float(gen_kwargs.get("temperature", 0.0) or 0.0) if sample else 0.0
    max_tokens = int(gen_kwargs.get("max_gen_toks", gen_kwargs.get("max_new_tokens", DEFAULT_MAX_GEN_TOKS)))
    return Decoding(temperature=temperature, max_tokens=max_tokens, stop=stop)
