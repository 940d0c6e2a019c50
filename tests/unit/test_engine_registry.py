"""Engines by name through one registry, and abilities that are declared, not probed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from capcheck import engines
from capcheck.cache import CacheContext, ResultCache
from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import BASE_SCORING, PROGRESS, EngineConfig
from capcheck.engines.cached import CachedEngine
from capcheck.engines.scripted import ScriptedEngine
from capcheck.errors import EngineUnavailable
from capcheck.plan import RunStats, ask
from capcheck.plugin import OPTIONS
from capcheck.progress import InferenceProgress
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest


def test_the_plugin_offers_exactly_the_registered_engines() -> None:
    choices = next(kwargs["choices"] for flag, _, kwargs in OPTIONS if flag == "--engine")
    assert tuple(choices) == engines.ENGINES == ("auto", *engines.REGISTRY)


def test_an_unknown_engine_name_is_refused_with_the_choices() -> None:
    with pytest.raises(EngineUnavailable, match="'nope' is not an engine; choose one of auto, hf, vllm, openai, scripted"):
        engines.load_engine("nope", Checkpoint(model="x"), EngineConfig())


def test_a_missing_package_names_its_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engines.REGISTRY, "hf", engines.EngineKind(engines.REGISTRY["hf"].make, "no_such_package_xyz", "pip install xyz"))
    with pytest.raises(EngineUnavailable, match="no_such_package_xyz package is not installed. Install it with `pip install xyz`"):
        engines.load_engine("hf", Checkpoint(model="x"), EngineConfig())


def test_every_factory_has_the_same_shape() -> None:
    built = engines.load_engine("scripted", Checkpoint(model="x"), EngineConfig())
    assert isinstance(built, ScriptedEngine) and built.abilities == frozenset()


def test_every_engine_declares_its_abilities() -> None:
    from capcheck.engines.hf import HFEngine
    from capcheck.engines.openai import OpenAIEngine
    from capcheck.engines.vllm import VLLMEngine  # importable without vllm: it loads inside the engine

    assert HFEngine.abilities == VLLMEngine.abilities == frozenset({PROGRESS, BASE_SCORING})
    assert OpenAIEngine.abilities == ScriptedEngine.abilities == frozenset()
    assert CachedEngine.abilities == frozenset({PROGRESS, BASE_SCORING})


class Talkative(ScriptedEngine):
    """Has a `progress` attribute, but does not declare the ability: the planner must leave it alone."""

    def __init__(self, declared: bool) -> None:
        super().__init__()
        self.progress: Any = "untouched"
        self.seen: list[Any] = []
        if declared:
            self.abilities = frozenset({PROGRESS})

    def generate(self, requests: Any) -> Any:
        self.seen.append(self.progress)
        return super().generate(requests)


@pytest.mark.parametrize("declared", [True, False])
def test_the_planner_hooks_progress_only_where_it_is_declared(declared: bool) -> None:
    engine = Talkative(declared)
    progress = InferenceProgress(enabled=False)
    ask(engine, "generate", [GenerateRequest("hi", Decoding(max_tokens=4))], RunStats(), progress)
    if declared:
        assert engine.seen == [progress.advance] and engine.progress is None
    else:
        assert engine.seen == ["untouched"] and engine.progress == "untouched"


def test_base_scoring_through_the_cache_needs_an_engine_that_declares_it(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cached = CachedEngine(ScriptedEngine, cache, CacheContext({"model": "k"}))
    with pytest.raises(EngineUnavailable, match="engine scripted cannot score with its adapter switched off"):
        cached.loglikelihood_base([LoglikelihoodRequest("a", " b")])
