"""The transformers engine and the watcher on CUDA (run with --run-gpu on a GPU machine; scripts/gpu-check.sh)."""
from __future__ import annotations

from pathlib import Path

import pytest

from capcheck.checkpoint import Checkpoint
from capcheck.engines import EngineConfig, load_engine
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest, chat

QUESTIONS = ["What is the capital of France?", "Name a colour.", "Count to five.", "Say hello."]


def _cuda():
    import torch

    if not torch.cuda.is_available():
        pytest.fail("--run-gpu was given but torch sees no CUDA device")
    return torch


def _answers(engine) -> tuple[list[str], list[float], list[float]]:
    replies = [c.text for c in engine.generate([GenerateRequest(chat(("user", q)), Decoding(max_tokens=24))
                                                for q in QUESTIONS])]
    scores = [s.logprob for s in engine.loglikelihood([LoglikelihoodRequest("The cat sat on the", " mat"),
                                                       LoglikelihoodRequest("The cat sat on the", " moon")])]
    rolling = [s.logprob for s in engine.loglikelihood_rolling([RollingRequest("A short passage of text.")])]
    return replies, scores, rolling


@pytest.mark.gpu
def test_the_hf_engine_on_cuda_answers_as_on_the_cpu_in_float32(make_tiny_model) -> None:
    torch = _cuda()
    folder: Path = make_tiny_model("tiny-gpu", initializer_range=0.2)
    cpu = load_engine("hf", Checkpoint(model=str(folder)), EngineConfig())
    expected = _answers(cpu)
    cpu.close()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from capcheck.engines.hf import HFEngine

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).to("cuda").eval()
    gpu = HFEngine.from_model(model, AutoTokenizer.from_pretrained(folder))
    replies, scores, rolling = _answers(gpu)
    assert replies == expected[0]
    assert scores == pytest.approx(expected[1], abs=1e-3) and rolling == pytest.approx(expected[2], abs=1e-3)


@pytest.mark.gpu
def test_continued_conversations_on_cuda_reply_as_if_prefilled_again(make_tiny_model, converse) -> None:
    """Kept conversation caches live on the GPU; continuing from them changes no reply."""
    torch = _cuda()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from capcheck.engines.hf import HFEngine

    folder: Path = make_tiny_model("tiny-gpu-turns", initializer_range=0.2)
    replies, engines = {}, {}
    for hints in (False, True):
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).to("cuda").eval()
        engines[hints] = HFEngine.from_model(model, AutoTokenizer.from_pretrained(folder))
        replies[hints] = converse(engines[hints], hints)
    assert replies[True] == replies[False]
    assert engines[True].kept.reused_tokens > 0 and engines[False].kept.reused_tokens == 0


@pytest.mark.gpu
def test_the_watcher_looks_at_a_cuda_model_in_bfloat16(make_tiny_model) -> None:
    torch = _cuda()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from capcheck.watch import Watcher

    folder: Path = make_tiny_model("tiny-gpu-watch")
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.bfloat16).to("cuda").train()
    watcher = Watcher(looks=1, suites=["grammar/minimal-pairs", "reasoning"], log=lambda _: None)
    look = watcher.look(model, AutoTokenizer.from_pretrained(folder), 1)
    assert look is not None and model.training
    assert {s.suite for s in look.suites} == {"grammar/minimal-pairs", "reasoning"}
