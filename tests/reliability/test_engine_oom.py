"""The hf engine out of memory: split the batch in half and retry, down to one request, then an
error naming --batch-size (exit code 2 from the gate). Memory errors are raised on purpose by a
wrapper around the real model's forward pass of a tiny model."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _project import gate, make_project, one_line, snapshot

from capcheck.checkpoint import Checkpoint
from capcheck.engines import EngineConfig, load_engine
from capcheck.errors import EngineOutOfMemory
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, chat

TEXTS = [f"Sentence number {i} about the weather and the sea." * (1 + i % 3) for i in range(10)]


class OutOfMemoryAbove:
    """Wraps a model: a forward pass over more than `limit` rows raises torch's OutOfMemoryError."""

    def __init__(self, model: Any, limit: int) -> None:
        self.model, self.limit, self.rows = model, limit, []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import torch

        rows = kwargs["input_ids"].shape[0]
        self.rows.append(rows)
        if rows > self.limit:
            raise torch.OutOfMemoryError(f"CUDA out of memory. Tried to allocate {rows} GiB")
        return self.model(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


@pytest.fixture(scope="module")
def engine(tiny_model_dir: Path):
    engine = load_engine("hf", Checkpoint(model=str(tiny_model_dir)), EngineConfig(batch_size=8, threads=1))
    yield engine
    engine.close()


def test_scoring_splits_batches_and_gives_the_same_results(engine: Any) -> None:
    requests = [LoglikelihoodRequest("Context:", " " + t) for t in TEXTS]
    expected = engine.loglikelihood(requests)
    real = engine.model
    wrapper = OutOfMemoryAbove(real, limit=2)
    engine.model = wrapper
    try:
        split = engine.loglikelihood(requests)
    finally:
        engine.model = real
    assert [r.logprob for r in split] == pytest.approx([r.logprob for r in expected], abs=1e-4)
    # 8 failed, then 4, then each half ran as batches of 2 (and the last 2 requests as one batch)
    assert wrapper.rows[:2] == [8, 4] and sum(r for r in wrapper.rows if r <= 2) == len(TEXTS)


def test_generation_splits_batches_and_gives_the_same_results(engine: Any) -> None:
    requests = [GenerateRequest(chat(("user", t)), Decoding(max_tokens=4)) for t in TEXTS]
    expected = engine.generate(requests)
    real = engine.model
    wrapper = OutOfMemoryAbove(real, limit=3)
    engine.model = wrapper
    try:
        split = engine.generate(requests)
    finally:
        engine.model = real
    assert [c.text for c in split] == [c.text for c in expected]
    # Greedy requests run as one refilled stream: its first batch of 8 fails, then the first
    # half of the 10 requests (5), then smaller parts (prompts of very different lengths
    # prefill in separate chunks) until every pass fits in 3 rows.
    failed = [r for r in wrapper.rows if r > 3]
    assert failed[:2] == [8, 5] and failed == sorted(failed, reverse=True)


def test_kept_conversation_caches_give_way_on_out_of_memory(engine: Any) -> None:
    """Caches kept for conversations are only a speed-up: out of memory drops them all, and
    the split turns prefill their histories again, with the same replies."""
    first = [GenerateRequest(chat(("user", t)), Decoding(max_tokens=4), continues=True) for t in TEXTS[:6]]
    replies = engine.generate(first)
    second = [GenerateRequest(chat(("user", t), ("assistant", c.text), ("user", "And then?")), Decoding(max_tokens=4))
              for t, c in zip(TEXTS, replies)]
    engine.kept.clear()
    expected = engine.generate(second)
    engine.generate(first)
    assert len(engine.kept) == 6
    real = engine.model
    kept_at_call: list[int] = []

    class Watching(OutOfMemoryAbove):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            kept_at_call.append(len(engine.kept))
            return super().__call__(*args, **kwargs)

    engine.model = Watching(real, limit=2)
    try:
        split = engine.generate(second)
    finally:
        engine.model = real
    assert [c.text for c in split] == [c.text for c in expected]
    assert kept_at_call[0] == 6 and set(kept_at_call[1:]) == {0}  # dropped at the first error


def test_one_request_that_does_not_fit_names_batch_size(engine: Any) -> None:
    real = engine.model
    engine.model = OutOfMemoryAbove(real, limit=0)
    try:
        with pytest.raises(EngineOutOfMemory) as info:
            engine.loglikelihood([LoglikelihoodRequest("Context:", " " + t) for t in TEXTS])
    finally:
        engine.model = real
    message = str(info.value)
    assert "the hf engine ran out of memory (CUDA out of memory. Tried to allocate 1 GiB) on a single request" in message
    assert "after splitting batches of up to --batch-size 8 down to one. Lower --batch-size" in message


def test_gate_exits_2_with_the_message(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    from capcheck.engines import hf

    original = hf.HFEngine.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.model = OutOfMemoryAbove(self.model, limit=0)

    monkeypatch.setattr(hf.HFEngine, "__init__", init)
    make_project(pytester)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\nthreads = 1\n')
    before = snapshot(pytester.path)
    code, out = gate(capsys, "--model", str(tiny_model_dir), "-k", "grammar", "--batch-size", "4", record=True)
    assert code == 2, out
    assert "capcheck could not run: the hf engine ran out of memory" in one_line(out)
    assert "--batch-size 4 down to one" in one_line(out)
    assert snapshot(pytester.path) == before
