"""The openai engine against a real `vllm serve` (vllm-cpu) on the embedded model, on loopback.

Run in the vLLM environment (skipped elsewhere):

    .venv-vllm/bin/python -m pytest tests/engines/test_openai_vllm.py -rs

The server is started once per module (about half a minute on a CPU) and stopped at
the end; its answers must match the in-process hf engine in float32.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Iterator

import pytest

from capcheck.checkpoint import resolve
from capcheck.engines import EngineConfig
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest, chat

pytestmark = pytest.mark.slow
SKIP_REASON = "vllm is not installed here; run `bash scripts/setup-vllm.sh` and use .venv-vllm/bin/python"
STARTUP_SECONDS = 300
PAIRS = [
    ("The capital of France is", " Paris"),
    ("The capital of France is", " London"),
    ("Question: What is 2 + 2?\nAnswer:", " 4"),
    ("", "The keys to the cabinet are on the table."),
    (chat(("user", "What is the capital of France?")), "The capital of France is Paris."),
]
TEXT = "The river ran fast after the storm, and the old bridge shook under the weight of the water."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`vllm serve` on the embedded model in float32; yields the API root."""
    pytest.importorskip("vllm", reason=SKIP_REASON)
    model = resolve(None).model
    port = _free_port()
    log_path = tmp_path_factory.mktemp("vllm-serve") / "server.log"
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", "1"),
           "VLLM_LOGGING_LEVEL": "WARNING"}
    # The OpenAI server module, not the `vllm` CLI: the CLI looks up package metadata named
    # 'vllm', which vllm-cpu (distribution 'vllm-cpu') does not have.
    command = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(model),
               "--served-model-name", "smollm2",
               "--dtype", "float32", "--enforce-eager", "--max-model-len", "2048", "--host", "127.0.0.1",
               "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"vllm serve exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/models", timeout=2) as response:
                    if json.loads(response.read())["data"]:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"vllm serve did not come up in {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(1)
        yield url
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (it and its engine process), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:  # already gone
            pass
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def engines(served: str):
    from capcheck.engines.hf import HFEngine
    from capcheck.engines.openai import OpenAIEngine

    remote = OpenAIEngine(EngineConfig(extra={"openai_base_url": served, "openai_prefix_token": "<|im_start|>",
                                              "openai_concurrency": 4}), checkpoint=resolve(None))
    local = HFEngine(resolve(None), EngineConfig(dtype="float32", threads=1))
    yield remote, local
    remote.close()
    local.close()


def test_greedy_text_matches_the_hf_engine(engines) -> None:
    remote, local = engines
    assert remote.model == "smollm2"
    requests = [
        GenerateRequest("The three primary colours are", Decoding(max_tokens=16, stop=("\n",))),
        GenerateRequest("Question: What is 12 plus 7?\nAnswer:", Decoding(max_tokens=12, stop=("\n",))),
        GenerateRequest(chat(("user", "What is the capital of France?")), Decoding(max_tokens=24)),
        GenerateRequest(chat(("system", "Answer in one word."), ("user", "Name a colour.")), Decoding(max_tokens=8)),
    ]
    theirs, ours = remote.generate(requests), local.generate(requests)
    assert [c.text for c in theirs] == [c.text for c in ours]
    assert all(c.text for c in theirs)


def test_loglikelihoods_match_the_hf_engine_per_token(engines) -> None:
    remote, local = engines
    requests = [LoglikelihoodRequest(c, x) for c, x in PAIRS]
    theirs, ours = remote.loglikelihood(requests), local.loglikelihood(requests)
    for request, a, b in zip(requests, theirs, ours):
        assert a.n_tokens == b.n_tokens, request
        assert abs(a.logprob - b.logprob) / b.n_tokens < 1e-3, (request, a, b)
        assert a.is_greedy == b.is_greedy
    assert theirs[0].logprob > theirs[1].logprob  # Paris over London, as a sanity check of the model
    [a], [b] = remote.loglikelihood_rolling([RollingRequest(TEXT)]), local.loglikelihood_rolling([RollingRequest(TEXT)])
    assert a.n_tokens == b.n_tokens and abs(a.logprob - b.logprob) / b.n_tokens < 1e-3


def test_vllm_prompt_logprobs_extra_matches_too(engines, served: str) -> None:
    from capcheck.engines.openai import OpenAIEngine

    _, local = engines
    remote = OpenAIEngine(EngineConfig(extra={"openai_base_url": served, "openai_prefix_token": "<|im_start|>",
                                              "openai_logprobs": "prompt_logprobs"}), checkpoint=resolve(None))
    try:
        requests = [LoglikelihoodRequest(c, x) for c, x in PAIRS]
        for request, a, b in zip(requests, remote.loglikelihood(requests), local.loglikelihood(requests)):
            assert a.n_tokens == b.n_tokens, request
            assert abs(a.logprob - b.logprob) / b.n_tokens < 1e-3, (request, a, b)
            assert a.is_greedy == b.is_greedy
    finally:
        remote.close()
