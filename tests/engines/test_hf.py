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


@pytest.fixture(scope="module")
def lively_model_dir(make_tiny_model) -> Path:
    """A tiny model with larger weights: its replies depend on the whole context (the
    default tiny model mostly repeats its last token), so mixed-up rows would show."""
    return make_tiny_model("tiny-lively", initializer_range=0.2)


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


def test_rows_joining_and_leaving_a_running_batch_do_not_change_replies(lively_model_dir: Path) -> None:
    """Greedy rows of different lengths and limits share one refilled batch (2 rows here);
    each reply must equal the one the request gets alone."""
    engine = load_engine("hf", Checkpoint(model=str(lively_model_dir)), EngineConfig(batch_size=2, threads=1))
    limits = [3, 9, 1, 6, 2, 8]
    requests = [GenerateRequest(t, Decoding(max_tokens=n)) for t, n in zip(TEXTS, limits)]
    together = engine.generate(requests)
    assert len({c.text for c in together}) == len(requests)
    alone = [engine.generate([r])[0] for r in requests]
    assert [c.text for c in together] == [c.text for c in alone]
    assert [c.n_tokens for c in together] == [c.n_tokens for c in alone]
    assert all(c.n_tokens <= n for c, n in zip(together, limits))
    assert any(c.n_tokens == 9 for c in together)  # the longest row outlived its first batch partners


def test_prompts_sharing_a_system_prompt_reply_as_if_run_alone(lively_model_dir: Path) -> None:
    """A shared prompt prefix runs once per joining group, and rows of very different lengths
    prefill in separate chunks; each reply must still equal the one the request gets alone."""
    engine = load_engine("hf", Checkpoint(model=str(lively_model_dir)), EngineConfig(batch_size=4, threads=1))
    system = "You are a careful assistant who answers every question in plain English words."
    users = ["Hi.", "Name three colours of the rainbow, please, in the order they appear.", "Why?",
             "Tell me about cats and dogs and which of them makes the better pet for a small flat.",
             "Count to five.", "What is the capital of France?", "Go on.", "Spell the word banana backwards."]
    requests = [GenerateRequest(chat(("system", system), ("user", u)), Decoding(max_tokens=n))
                for u, n in zip(users, [5, 7, 3, 8, 4, 6, 2, 7])]
    shared: list[int] = []
    real_shared_prefix = engine.decoder.shared_prefix

    def spy(batch):  # type: ignore[no-untyped-def]
        length, prefix = real_shared_prefix(batch)
        shared.append(length)
        return length, prefix

    engine.decoder.shared_prefix = spy  # type: ignore[method-assign]
    together = engine.generate(requests)
    assert max(shared) >= 8  # the shared-prefix path ran
    alone = [engine.generate([r])[0] for r in requests]
    assert len({c.text for c in together}) > len(requests) // 2
    assert [c.text for c in together] == [c.text for c in alone]
    assert [c.n_tokens for c in together] == [c.n_tokens for c in alone]


def test_parallel_streams_give_the_same_replies_and_progress(lively_model_dir: Path) -> None:
    """Two greedy streams in threads (each with one torch thread) answer as one stream does,
    and every request is reported to the progress hook once."""
    requests = [GenerateRequest(f"{t} {k}", Decoding(max_tokens=3 + k % 5)) for k, t in enumerate(TEXTS * 2)]
    replies = {}
    for streams in (1, 2):
        engine = load_engine("hf", Checkpoint(model=str(lively_model_dir)),
                             EngineConfig(batch_size=3, threads=2, streams=streams))
        assert engine.streams(len(requests)) == streams
        done: list[int] = []
        engine.progress = lambda n, tokens, done=done: done.append(n)
        replies[streams] = [c.text for c in engine.generate(requests)]
        assert sum(done) == len(requests)
        assert engine._torch.get_num_threads() == 2  # restored after the streams
    assert replies[1] == replies[2]
    assert len(set(replies[1])) > len(requests) // 2


@pytest.mark.parametrize("streams", [1, 2])
def test_continued_conversations_reply_as_if_prefilled_again(lively_model_dir: Path, converse, streams: int) -> None:
    """Turns that continue a kept cache (joining a batch beside fresh prompts, in one or two
    streams) reply exactly as when their whole history is prefilled again."""
    replies, engines = {}, {}
    for hints in (False, True):
        engines[hints] = load_engine("hf", Checkpoint(model=str(lively_model_dir)),
                                     EngineConfig(batch_size=2, threads=streams, streams=streams))
        replies[hints] = converse(engines[hints], hints)
    assert replies[True] == replies[False]
    assert len({r for wave in replies[True] for r in wave}) > 10
    kept = engines[True].kept
    assert kept.reused_tokens > 5 * 2 * 16  # every conversation continued in both later waves
    assert engines[False].kept.reused_tokens == 0
    assert len(kept) == 0  # the last turns do not continue, and the rows they used are released


def test_scoring_in_parallel_streams_matches_one_stream(lively_model_dir: Path) -> None:
    """Scoring batches spread over two streams give the scores of one stream (to float
    rounding: one thread per stream sums matrix products in another order) in input order."""
    requests = [LoglikelihoodRequest(t, f" {w}") for t in TEXTS for w in ("yes", "no", "maybe so")]
    rolling = [RollingRequest(f"{t} {k}") for k, t in enumerate(TEXTS * 2)]
    scores = {}
    for streams in (1, 2):
        engine = load_engine("hf", Checkpoint(model=str(lively_model_dir)),
                             EngineConfig(batch_size=2, threads=2, streams=streams))
        scores[streams] = [r.logprob for r in engine.loglikelihood(requests) + engine.loglikelihood_rolling(rolling)]
    assert len(set(scores[1])) > len(scores[1]) // 2
    assert scores[2] == pytest.approx(scores[1], abs=1e-4)


def test_each_greedy_row_keeps_its_own_stop_string(tiny) -> None:
    prompt = "Once upon a time"  # the tiny model continues it with words
    free = tiny.generate([GenerateRequest(prompt, Decoding(max_tokens=12))])[0]
    words = free.text.split()
    assert len(set(words)) >= 2, free.text
    stop = words[-1]
    both = tiny.generate([GenerateRequest(prompt, Decoding(max_tokens=12, stop=(stop,))),
                          GenerateRequest(prompt, Decoding(max_tokens=12))])
    assert stop not in both[0].text and both[0].finish_reason == "stop"
    assert both[1].text == free.text


def test_shared_head_attention_gives_bit_identical_logits(lively_model_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    from capcheck.engines import hf_attention

    reference = AutoModelForCausalLM.from_pretrained(lively_model_dir, attn_implementation="sdpa").eval()
    shared = AutoModelForCausalLM.from_pretrained(lively_model_dir, attn_implementation=hf_attention.register()).eval()
    assert shared.config.num_key_value_heads < shared.config.num_attention_heads  # the case it is for
    ids = torch.tensor([[0, 0, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6]])
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])
    with torch.inference_mode():
        for kwargs in ({"attention_mask": mask}, {}):
            assert torch.equal(reference(input_ids=ids, **kwargs).logits, shared(input_ids=ids, **kwargs).logits)


def test_engine_loads_the_shared_head_attention(tiny) -> None:
    from capcheck.engines import hf_attention

    assert tiny.model.config._attn_implementation == hf_attention.NAME


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
