"""The transformers engine on a tiny random model (logic) and on the embedded model (behaviour)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from capcheck.checkpoint import Checkpoint, resolve
from capcheck.engines import EngineConfig, load_engine
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest, chat


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):
    engine = load_engine("hf", Checkpoint(model=str(tiny_model_dir)), EngineConfig(batch_size=4, threads=1))
    yield engine
    engine.close()


TEXTS = ["a", "The cat sat on the mat and looked out of the window.", "Hello there.",
         "One two three four five six seven eight nine ten eleven twelve.", "Short one.", "Mid length sentence here."]


def test_loglikelihood_keeps_input_order_and_ignores_batching(tiny, tiny_model_dir: Path) -> None:
    requests = [LoglikelihoodRequest("Context:", " " + t) for t in TEXTS]
    batched = tiny.loglikelihood(requests)
    one_by_one = [tiny.loglikelihood([r])[0] for r in requests]
    for a, b in zip(batched, one_by_one):
        assert a.n_tokens == b.n_tokens
        assert a.logprob == pytest.approx(b.logprob, abs=1e-4)
    assert len({round(r.logprob, 3) for r in batched}) == len(TEXTS)  # distinct, so order is checked


SHARED = [
    (chat(("user", "Which animal says moo? Answer with one word, please, and nothing else at all.")), ["Cow", " cow", "A cow says moo.", "Dog"]),
    (chat(("system", "Be brief."), ("user", "Name a colour of the sky on a clear summer day.")), ["Blue", "The sky is blue today", "Green"]),
    ("A long plain-text context that is certainly more than sixteen tokens long, so it is shared:", [" yes", " no", " maybe not at all"]),
    ("Short:", [" a", " b"]),  # too short to share: scored whole
]


def _shared_requests() -> list[LoglikelihoodRequest]:
    return [LoglikelihoodRequest(ctx, option) for ctx, options in SHARED for option in options]


def _whole(engine, requests: list[LoglikelihoodRequest]):
    """The reference: every context + continuation run in full, one at a time."""
    from capcheck.engines import prompts

    out = []
    for r in requests:
        ctx, cont = prompts.context_continuation_ids(engine.tokenizer, r.context, r.continuation)
        out.append(engine._score([(ctx + cont, len(cont))])[0])
    return out


def test_options_sharing_a_context_score_as_if_run_whole(tiny) -> None:
    requests = _shared_requests()
    shared, whole = tiny.loglikelihood(requests), _whole(tiny, requests)
    for request, a, b in zip(requests, shared, whole):
        assert a.n_tokens == b.n_tokens, request
        assert a.logprob == pytest.approx(b.logprob, abs=1e-4), request
        assert a.is_greedy == b.is_greedy
    assert len({round(r.logprob, 3) for r in shared}) > len(requests) - 2  # distinct: order is checked


def test_rolling_equals_loglikelihood_from_start_of_text(tiny) -> None:
    text = TEXTS[1]
    rolling = tiny.loglikelihood_rolling([RollingRequest(text)])[0]
    direct = tiny.loglikelihood([LoglikelihoodRequest("", text)])[0]
    assert rolling.n_tokens == direct.n_tokens
    assert rolling.logprob == pytest.approx(direct.logprob, abs=1e-4)


def test_rolling_windows_cover_texts_longer_than_the_context(tiny) -> None:
    long_text = " ".join(["word"] * 600)  # tiny model: 256 positions
    result = tiny.loglikelihood_rolling([RollingRequest(long_text)])[0]
    assert result.n_tokens >= 600 and math.isfinite(result.logprob)


def test_generate_is_greedy_deterministic_and_ordered(tiny) -> None:
    requests = [GenerateRequest(chat(("user", t)), Decoding(max_tokens=6)) for t in TEXTS]
    first = tiny.generate(requests)
    second = tiny.generate(list(reversed(requests)))
    assert [c.text for c in first] == [c.text for c in reversed(second)]
    assert all(c.n_tokens <= 6 for c in first)
    assert all(c.finish_reason in ("stop", "length") for c in first)


def test_generate_ignores_the_checkpoints_generation_config(tiny_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "sampling-model"
    shutil.copytree(tiny_model_dir, copy)
    (copy / "generation_config.json").write_text('{"do_sample": true, "temperature": 5.0, "max_new_tokens": 2}')
    engine = load_engine("hf", Checkpoint(model=str(copy)), EngineConfig(threads=1))
    request = [GenerateRequest("Once upon a time", Decoding(max_tokens=8))]
    outs = {engine.generate(request)[0].text for _ in range(3)}
    assert len(outs) == 1  # greedy, whatever the checkpoint asks for
    assert engine.generate(request)[0].n_tokens > 2 or engine.generate(request)[0].finish_reason == "stop"


@pytest.mark.slow
def test_embedded_model_answers_and_ranks_sensibly(embedded_dir: Path) -> None:
    engine = load_engine("hf", resolve(None), EngineConfig(threads=1))
    reply = engine.generate([GenerateRequest(chat(("user", "What is the capital of France?")), Decoding(max_tokens=16))])[0]
    assert "Paris" in reply.text
    good, bad = engine.loglikelihood([
        LoglikelihoodRequest("", "The keys to the cabinet are on the table."),
        LoglikelihoodRequest("", "The keys to the cabinet is on the table."),
    ])
    assert good.logprob > bad.logprob
    paris, berlin = engine.loglikelihood([
        LoglikelihoodRequest(chat(("user", "Name the capital of France in one word.")), "Paris"),
        LoglikelihoodRequest(chat(("user", "Name the capital of France in one word.")), "Berlin"),
    ])
    assert paris.logprob > berlin.logprob
    requests = _shared_requests()
    for a, b in zip(engine.loglikelihood(requests), _whole(engine, requests)):
        assert a.n_tokens == b.n_tokens and a.logprob == pytest.approx(b.logprob, abs=1e-3 * a.n_tokens)
