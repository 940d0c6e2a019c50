"""The vLLM engine on the embedded model, and its agreement with the hf engine.

Skipped where vllm is not installed. Run it in the vLLM environment:

    bash scripts/setup-vllm.sh
    .venv-vllm/bin/python -m pytest tests/engines/test_vllm.py -rs

Starting vLLM takes about a minute on a CPU, so each engine is built once per module.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from capcheck.checkpoint import resolve
from capcheck.engines import EngineConfig
from capcheck.engines.vllm import lora_id, lora_rank, lora_targets, lora_touches_head, parse_options
from capcheck.errors import CapcheckError
from capcheck.requests import Decoding, GenerateRequest, Loglikelihood, LoglikelihoodRequest, RollingRequest, chat

SKIP_REASON = "vllm is not installed here; run `bash scripts/setup-vllm.sh` and use .venv-vllm/bin/python"

QUESTIONS = [
    "What is the capital of France?",
    "Name three colours of the rainbow.",
    "Write one sentence about a cat.",
    "What is 12 plus 7?",
]
PAIRS = [
    ("The capital of France is", " Paris"),
    ("The capital of France is", " London"),
    ("", "The keys to the cabinet are on the table."),
    ("", "The keys to the cabinet is on the table."),
    ("Question: What is 2 + 2?\nAnswer:", " 4"),
]
TEXT = "The river ran fast after the storm, and the old bridge shook under the weight of the water."


def _vllm_engine(checkpoint):
    pytest.importorskip("vllm", reason=SKIP_REASON)
    from capcheck.engines.vllm import VLLMEngine

    return VLLMEngine(checkpoint, EngineConfig(dtype="float32"))


@pytest.fixture(scope="module")
def engine():
    engine = _vllm_engine(resolve(None))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def hf_engine():
    from capcheck.engines.hf import HFEngine

    engine = HFEngine(resolve(None), EngineConfig(dtype="float32", threads=1))
    yield engine
    engine.close()


# --- options (no vllm needed) ------------------------------------------------------


def test_options_are_typed_and_unknown_ones_rejected() -> None:
    options = parse_options({"tensor_parallel_size": "2", "enforce_eager": "false", "max_model_len": None})
    assert options == {"tensor_parallel_size": 2, "enforce_eager": False}
    with pytest.raises(CapcheckError, match="tensor_paralel_size"):
        parse_options({"tensor_paralel_size": 2})
    with pytest.raises(CapcheckError, match="expected int"):
        parse_options({"max_model_len": "long"})
    with pytest.raises(CapcheckError, match="true or false"):
        parse_options({"enforce_eager": "maybe"})


def test_a_score_is_read_only_where_every_scored_position_has_its_log_probability() -> None:
    from types import SimpleNamespace

    from capcheck.engines.vllm import read_score

    def lp(logprob: float, rank: int) -> SimpleNamespace:
        return SimpleNamespace(logprob=logprob, rank=rank)

    seq = [5, 6, 7, 8]
    rows = [None, {6: lp(-1.0, 1)}, {7: lp(-2.0, 2), 9: lp(-0.5, 1)}, {8: lp(-0.25, 1)}]
    assert read_score(seq, 2, rows) == Loglikelihood(-2.25, 2, False)
    assert read_score(seq, 1, rows) == Loglikelihood(-0.25, 1, True)
    # A position vLLM read from its prefix cache has no entry, or the list is short: no score.
    assert read_score(seq, 3, [None, None, *rows[2:]]) is None
    assert read_score(seq, 1, rows[:3]) is None
    assert read_score(seq, 1, None) is None


def test_lora_rank_rounds_up_and_ids_are_stable(tmp_path: Path) -> None:
    (tmp_path / "adapter_config.json").write_text(json.dumps({"r": 4}))
    assert lora_rank(tmp_path) == 8
    assert lora_id(tmp_path) == lora_id(tmp_path / ".") > 0
    assert lora_id(tmp_path) != lora_id(tmp_path / "other")


def test_lora_targets_and_output_layer_detection(tmp_path: Path) -> None:
    config = tmp_path / "adapter_config.json"
    config.write_text(json.dumps({"r": 8, "target_modules": ["v_proj", "q_proj"]}))
    assert lora_targets(tmp_path) == ["q_proj", "v_proj"] and not lora_touches_head(tmp_path)
    config.write_text(json.dumps({"r": 8, "target_modules": ".*proj", "modules_to_save": ["lm_head"]}))
    assert lora_targets(tmp_path) is None and lora_touches_head(tmp_path)


# --- the engine on the embedded model ---------------------------------------------


@pytest.mark.slow
def test_info_and_decoding_come_from_capcheck(engine) -> None:
    assert engine.info.name == "vllm" and engine.info.version.startswith("vllm ")
    assert engine.info.dtype == "float32"
    # vLLM must not read the checkpoint's generation_config.json for sampling defaults.
    vllm_config = engine._llm.llm_engine.vllm_config
    assert vllm_config.model_config.generation_config == "vllm"
    if vllm_config.device_config.device_type == "cpu":
        # Eager by default on a CPU; the KV cache takes VLLM_CPU_KVCACHE_SPACE GiB (1 unless set).
        assert vllm_config.model_config.enforce_eager
        assert vllm_config.cache_config.kv_cache_memory_bytes == int(os.environ["VLLM_CPU_KVCACHE_SPACE"]) * 2**30


@pytest.mark.slow
def test_generate_chat_and_text_in_input_order(engine) -> None:
    requests = [
        GenerateRequest(chat(("user", "What is the capital of France?")), Decoding(max_tokens=16)),
        GenerateRequest("Count: one, two, three,", Decoding(max_tokens=5)),
        GenerateRequest("Count: one, two, three,", Decoding(max_tokens=24, stop=("six",))),
    ]
    first = engine.generate(requests)
    assert "Paris" in first[0].text
    assert first[1].n_tokens == 5 and first[1].finish_reason == "length"
    assert "six" not in first[2].text and first[2].finish_reason == "stop"
    second = engine.generate(list(reversed(requests)))
    assert [c.text for c in first] == [c.text for c in reversed(second)]
    assert engine.generate([]) == []


@pytest.mark.slow
def test_data_parallel_in_one_process_is_refused_with_advice(engine) -> None:
    from capcheck.engines.vllm import VLLMEngine
    from capcheck.errors import EngineUnavailable

    with pytest.raises(EngineUnavailable, match="one process per replica"):
        VLLMEngine(resolve(None), EngineConfig(extra={"data_parallel_size": 2}))


@pytest.mark.slow
def test_loglikelihood_ranks_and_flags_greedy(engine) -> None:
    paris, london, good, bad, four = engine.loglikelihood([LoglikelihoodRequest(c, x) for c, x in PAIRS])
    assert paris.logprob > london.logprob and paris.is_greedy and not london.is_greedy
    assert good.logprob > bad.logprob
    assert four.n_tokens >= 1 and four.logprob < 0


@pytest.mark.slow
def test_scores_are_the_same_when_the_prefix_cache_already_holds_them(engine) -> None:
    # Options share a long context, read from the prefix cache after the first; the second
    # pass finds whole sequences cached, whose scored positions then run again uncached.
    story = " ".join(f"Then Tom moved the key from box {i} to box {i + 1}." for i in range(12))
    requests = [LoglikelihoodRequest(f"{story}\nQuestion: Where is the key now?\nAnswer: In", f" box {k}")
                for k in (11, 12, 13, 3)]
    rolling = [RollingRequest(story)]
    first = engine.loglikelihood(requests) + engine.loglikelihood_rolling(rolling)
    second = engine.loglikelihood(requests) + engine.loglikelihood_rolling(rolling)
    assert [(r.logprob, r.n_tokens, r.is_greedy) for r in first] == [(r.logprob, r.n_tokens, r.is_greedy) for r in second]
    alone = [engine.loglikelihood([r])[0] for r in reversed(requests)][::-1]
    for got, want in zip(alone, first):
        assert got.logprob == pytest.approx(want.logprob, abs=1e-4)


@pytest.mark.slow
def test_rolling_equals_loglikelihood_from_start_of_text(engine) -> None:
    rolling = engine.loglikelihood_rolling([RollingRequest(TEXT)])[0]
    direct = engine.loglikelihood([LoglikelihoodRequest("", TEXT)])[0]
    assert rolling.n_tokens == direct.n_tokens > 15
    assert rolling.logprob == pytest.approx(direct.logprob, abs=1e-4)


@pytest.mark.slow
def test_agrees_with_the_hf_engine_in_float32(engine, hf_engine) -> None:
    requests = [GenerateRequest(chat(("user", q)), Decoding(max_tokens=32)) for q in QUESTIONS]
    assert [c.text for c in engine.generate(requests)] == [c.text for c in hf_engine.generate(requests)]
    scoring = [LoglikelihoodRequest(c, x) for c, x in PAIRS]
    for ours, ref in zip(engine.loglikelihood(scoring), hf_engine.loglikelihood(scoring)):
        assert ours.n_tokens == ref.n_tokens and ours.is_greedy == ref.is_greedy
        assert abs(ours.logprob - ref.logprob) / ours.n_tokens < 1e-3
    rolling = [RollingRequest(TEXT)]
    ours, ref = engine.loglikelihood_rolling(rolling)[0], hf_engine.loglikelihood_rolling(rolling)[0]
    assert ours.n_tokens == ref.n_tokens
    assert abs(ours.logprob - ref.logprob) / ours.n_tokens < 1e-3


# --- LoRA ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def untrained_adapter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA adapter on the embedded model with peft's default init (B = 0: no change)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(resolve(None).model)
    model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    out = tmp_path_factory.mktemp("adapter")
    model.save_pretrained(str(out))
    return out


@pytest.mark.slow
def test_untrained_lora_adapter_gives_the_base_outputs(engine, untrained_adapter: Path) -> None:
    checkpoint = resolve(None, adapter=str(untrained_adapter))
    lora = _vllm_engine(checkpoint)
    try:
        assert lora._lora is not None and lora._lora.lora_int_id == lora_id(untrained_adapter)
        requests = [GenerateRequest(chat(("user", q)), Decoding(max_tokens=24)) for q in QUESTIONS[:2]]
        assert [c.text for c in lora.generate(requests)] == [c.text for c in engine.generate(requests)]
        scoring = [LoglikelihoodRequest(c, x) for c, x in PAIRS]
        for ours, base in zip(lora.loglikelihood(scoring), engine.loglikelihood(scoring)):
            assert ours.logprob == pytest.approx(base.logprob, abs=1e-3)
    finally:
        lora.close()


# --- GPU (run with --run-gpu on a machine with CUDA and the `vllm` package) -----------


@pytest.mark.gpu
def test_gpu_engine_in_bfloat16_agrees_with_float32_on_greedy_replies() -> None:
    """On a GPU: bf16 (the fast setting) and float32 give the same short greedy answers
    and rank the grammatical sentence first."""
    pytest.importorskip("vllm", reason=SKIP_REASON)
    import torch

    if not torch.cuda.is_available():
        pytest.fail("--run-gpu was given but torch sees no CUDA device")
    from capcheck.engines.vllm import VLLMEngine

    requests = [GenerateRequest(chat(("user", q)), Decoding(max_tokens=16)) for q in QUESTIONS]
    replies = {}
    for dtype in ("bfloat16", "float32"):
        engine = VLLMEngine(resolve(None), EngineConfig(dtype=dtype, extra={"gpu_memory_utilization": 0.3}))
        try:
            replies[dtype] = [c.text for c in engine.generate(requests)]
            good, bad = engine.loglikelihood([LoglikelihoodRequest(c, x) for c, x in PAIRS[2:4]])
            assert good.logprob > bad.logprob
        finally:
            engine.close()
    same = sum(a == b for a, b in zip(replies["bfloat16"], replies["float32"]))
    assert same >= len(QUESTIONS) - 1, replies
    assert "Paris" in replies["float32"][0]


def test_logits_probe_matches_the_hf_float32_baseline(engine) -> None:
    """The probe in the committed baselines (hf, float32) passes on vLLM float32: within 1e-3 per token."""
    import json
    from pathlib import Path

    from capcheck import probe

    path = Path(__file__).parents[2] / "baselines" / "smollm2-135m-instruct" / "fluency.json"
    stored = json.loads(path.read_text())["probe"]
    current = probe.run(engine)
    worst, retokenized = probe.compare(stored, current)
    assert retokenized == [] and worst is not None
    assert worst.per_token < 1e-3, worst  # measured: 6e-6 at most
    probe.verify(stored, current, "smollm2-135m-instruct", str(path))  # does not raise
