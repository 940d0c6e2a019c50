"""Shared fixtures: tiny random models, the embedded model, suite builders."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

# The plugin imports capcheck.session only when a run switches capcheck on. Import it here,
# in the outer test process, so pytester's in-process runs (which drop the modules first
# imported inside them) all see the one module that tests monkeypatch (load_engine).
import capcheck.session  # noqa: E402,F401

try:
    # The importlib_metadata backport (mlflow imports it) puts a finder on sys.meta_path when first
    # imported. Imported inside a pytester test, its module is dropped afterwards but the finder
    # stays, and later in-process runs find no pytest11 entry points (so no capcheck plugin).
    import importlib_metadata  # noqa: E402,F401
except ImportError:
    pass

pytest_plugins = ["pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-gpu", action="store_true", default=False,
                     help="run the tests marked gpu (they need a CUDA GPU and the vllm package)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-gpu"):
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU: run on a GPU machine with --run-gpu")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def embedded_dir() -> Path:
    """The embedded SmolLM2-135M-Instruct as a safetensors directory (converted once per machine)."""
    from capcheck.checkpoint import embedded_dir as find

    return find()


@pytest.fixture(scope="session")
def make_tiny_model(tmp_path_factory: pytest.TempPathFactory, embedded_dir: Path):
    """Build a tiny random Llama model with the embedded model's tokenizer; keyword
    arguments override its LlamaConfig (e.g. initializer_range for larger weights)."""

    def make(name: str, **overrides) -> Path:
        import torch
        from transformers import LlamaConfig, LlamaForCausalLM

        out = tmp_path_factory.mktemp(name)
        for file in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
            if (embedded_dir / file).exists():
                shutil.copy(embedded_dir / file, out / file)
        special = json.loads((embedded_dir / "config.json").read_text())
        settings = dict(
            vocab_size=special["vocab_size"], hidden_size=32, intermediate_size=64, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
            bos_token_id=special.get("bos_token_id"), eos_token_id=special.get("eos_token_id"),
            pad_token_id=special.get("pad_token_id"), tie_word_embeddings=True,
        )
        torch.manual_seed(0)
        LlamaForCausalLM(LlamaConfig(**{**settings, **overrides})).save_pretrained(out)
        return out

    return make


@pytest.fixture(scope="session")
def tiny_model_dir(make_tiny_model) -> Path:
    """A tiny random Llama model with the embedded model's tokenizer (fast engine tests)."""
    return make_tiny_model("tiny-model")


@pytest.fixture(scope="session")
def converse():
    """Three turn waves of five conversations, as the conversation plan sends them (every turn
    but the last marked `continues` when `hints`), with a one-off request in every wave beside
    them: `converse(engine, hints)` gives the replies per wave."""
    from capcheck.requests import Decoding, GenerateRequest, chat

    openers = ["Tell me a story about a fox and a crow and a piece of cheese.", "Hi.",
               "The cat sat on the mat and looked out of the window.",
               "One two three four five six seven eight nine ten eleven twelve.",
               "Let us talk about the weather in spring, summer, autumn and winter."]
    follow_ups = ["Go on, please, and add some detail.", "Why do you say so?"]

    def run(engine, hints: bool, max_tokens: int = 6) -> list[list[str]]:
        histories = [[("user", opener)] for opener in openers]
        waves = []
        for turn in range(3):
            requests = [GenerateRequest(chat(*history), Decoding(max_tokens=max_tokens + k % 3),
                                        continues=hints and turn < 2) for k, history in enumerate(histories)]
            requests.append(GenerateRequest(f"one-off {turn} " + openers[turn], Decoding(max_tokens=max_tokens)))
            replies = [c.text for c in engine.generate(requests)]
            waves.append(replies)
            if turn < 2:
                for history, reply in zip(histories, replies):
                    history += [("assistant", reply), ("user", follow_ups[turn])]
        return waves

    return run
