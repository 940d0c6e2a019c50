"""The transformers engine: CPU fallback and reference implementation.

Sorts requests by length to limit padding, batches them, and restores input order.
The only engine module that imports torch and transformers.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial, wraps
from typing import Any, Callable, Iterator, Sequence, TypeVar

from capcheck.checkpoint import Checkpoint
from capcheck.engines import hf_attention, prompts
from capcheck.engines.base import BASE_SCORING, PROGRESS, EngineConfig, EngineInfo
from capcheck.engines.hf_greedy import GreedyDecoder, left_padded
from capcheck.engines.hf_kept import KeptRows
from capcheck.errors import CheckpointError, EngineOutOfMemory
from capcheck.requests import (
    Completion,
    Decoding,
    FinishReason,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    RollingRequest,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

# Logits of a forward pass cost batch x length x vocab floats; cap the product. On a CPU
# smaller batches stay in cache: rolling passages scored 1.3x faster at 1024 than at 4096.
_TOKENS_PER_SCORING_BATCH = 4096
_TOKENS_PER_SCORING_BATCH_CPU = 1024
# Contexts shorter than this are scored whole with each option (sharing would not pay).
_MIN_SHARED_CONTEXT = 16
# Fewer greedy requests than this per stream are not worth a stream of their own.
_MIN_REQUESTS_PER_STREAM = 4
# Conversations' caches kept between turn waves, at most (oldest dropped first; all dropped
# on out-of-memory). The full gate's conversations held under 1 GiB at once on SmolLM2-135M in
# float32; a 7B model's 1,000-token history takes 0.1 to 0.5 GiB, so a few dozen
# conversations continue from memory and the rest are prefilled as before.
_KEPT_BYTES = 4 * 2**30


def _on_model_device(method: Callable[..., R]) -> Callable[..., R]:
    """Run an engine call with new tensors made on the model's device (a GPU model's inputs
    must live there too); on a CPU, as is."""

    @wraps(method)
    def placed(self: "HFEngine", *args: Any, **kwargs: Any) -> R:
        if self._on_cpu:
            return method(self, *args, **kwargs)
        with self._torch.device(self._device):
            return method(self, *args, **kwargs)

    return placed


class HFEngine:
    """Batched inference with transformers (greedy by default, optional PEFT adapter)."""

    _borrowed = False
    """True for a model lent by its caller (`from_model`)."""

    abilities = frozenset({PROGRESS, BASE_SCORING})

    def __init__(self, checkpoint: Checkpoint, config: EngineConfig | None = None) -> None:
        import torch
        import transformers
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.config = config or EngineConfig()
        self._torch = torch
        transformers.utils.logging.disable_progress_bar()  # our own summary says what was loaded
        if self.config.threads:
            torch.set_num_threads(self.config.threads)
        dtype = _torch_dtype(torch, self.config.dtype)
        load_kwargs: dict[str, Any] = {
            "dtype": dtype,
            "trust_remote_code": self.config.trust_remote_code,
            "use_safetensors": None if self.config.allow_pickle else True,
        }
        with hub_errors(checkpoint):
            with load_errors(checkpoint, "config"):  # first: the tokenizer reads config.json too
                load_kwargs["config"] = model_config(checkpoint.model, self.config.trust_remote_code)
            with load_errors(checkpoint, "tokenizer"):
                self.tokenizer = AutoTokenizer.from_pretrained(
                    checkpoint.model, trust_remote_code=self.config.trust_remote_code
                )
            with load_errors(checkpoint, "model"):
                try:
                    model: Any = AutoModelForCausalLM.from_pretrained(
                        checkpoint.model, attn_implementation=hf_attention.register(), **load_kwargs)
                except ValueError as exc:  # a model class that only knows its own attention
                    log.info("shared-head attention not available for this model (%s); using its default", exc)
                    model = AutoModelForCausalLM.from_pretrained(checkpoint.model, **load_kwargs)
        if checkpoint.adapter is not None:
            from peft import PeftModel

            with load_errors(checkpoint, "adapter"):
                model = PeftModel.from_pretrained(model, str(checkpoint.adapter))
        if torch.cuda.is_available():  # a GPU when torch sees one (CUDA_VISIBLE_DEVICES="" keeps the CPU)
            model = model.to("cuda")
        self._attach(model.eval(), self.tokenizer, self.config.dtype)

    @classmethod
    def from_model(cls, model: Any, tokenizer: Any, config: EngineConfig | None = None) -> "HFEngine":
        """An engine over a model already in memory (the watcher's model in training): nothing is
        loaded, the model keeps its own attention and dtype, and `close` leaves it alone.

        The caller puts the model in eval mode and turns off gradients (capcheck.watch does both)."""
        import torch

        engine = cls.__new__(cls)
        engine.config = config or EngineConfig()
        engine._torch = torch
        engine._borrowed = True
        dtype = str(getattr(model, "dtype", "float32")).removeprefix("torch.")
        engine._attach(model, tokenizer, dtype)
        return engine

    def _attach(self, model: Any, tokenizer: Any, dtype: str) -> None:
        import transformers

        self.tokenizer = tokenizer
        warnings = () if prompts.has_chat_template(self.tokenizer) else (prompts.NO_TEMPLATE_WARNING,)
        if warnings:
            log.warning(warnings[0])
        self._info = EngineInfo("hf", f"transformers {transformers.__version__}", dtype, warnings)
        self._stop_ids = prompts.stop_token_ids(
            self.tokenizer, getattr(model.generation_config, "eos_token_id", None)
        )
        self._pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self._stop_ids[0]
        self._max_length = int(getattr(model.config, "max_position_embeddings", 2048) or 2048)
        self._device = getattr(model, "device", None)
        self._on_cpu = str(self._device or "cpu").startswith("cpu")
        self.kept = KeptRows(_KEPT_BYTES)
        """Caches of conversations that continue in a later call (see hf_kept)."""
        self.decoder = GreedyDecoder(model, self._torch, self.tokenizer, self._stop_ids, self._pad_id,
                                     self.config.batch_size, self.kept, self._report)
        """Greedy generation; it holds the model (see `model`)."""
        self._progress_lock = threading.Lock()
        self.progress: Callable[[int, int], None] | None = None
        """Called with (requests done, tokens processed) as each greedy reply ends and after each
        sampled or scoring batch; the planner hooks its bar here."""

    @property
    def model(self) -> Any:
        """The model every call runs: scoring and sampling here, greedy replies in the decoder."""
        return self.decoder.model

    @model.setter
    def model(self, model: Any) -> None:
        self.decoder.model = model

    @property
    def info(self) -> EngineInfo:
        return self._info

    # --- generation -------------------------------------------------------------

    @_on_model_device
    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]:
        ids = [prompts.prompt_ids(self.tokenizer, r.prompt)[-(self._max_length - r.decoding.max_tokens):] for r in requests]
        results: list[Completion | None] = [None] * len(requests)
        # Greedy requests share one stream whatever their length limits and stop strings
        # (each row stops on its own). The longest allowed replies start first, so short ones
        # fill the batch at the end instead of a long one decoding alone; then the longest
        # prompt first, to limit padding (and a suite's prompts, which share a system prompt,
        # join together, see hf_greedy).
        greedy = sorted((i for i, r in enumerate(requests) if r.decoding.temperature == 0),
                        key=lambda i: (-requests[i].decoding.max_tokens, -len(ids[i])))

        def run_greedy(part: list[tuple[list[int], Decoding, bool]]) -> list[Completion]:
            prompts_ids, decodings, continues = [p for p, _, _ in part], [d for _, d, _ in part], [c for _, _, c in part]
            return self._completions(self._greedy_streams(prompts_ids, decodings, continues), decodings)

        outs = self._split_on_oom(run_greedy, [(ids[i], requests[i].decoding, requests[i].continues) for i in greedy])
        for i, out in zip(greedy, outs):
            results[i] = out
        self.kept.release_used()
        sampled: dict[Decoding, list[int]] = {}
        for i, r in enumerate(requests):
            if r.decoding.temperature > 0:
                sampled.setdefault(r.decoding, []).append(i)
        for decoding, indices in sampled.items():
            def sample(batch: list[list[int]], decoding: Decoding = decoding) -> list[Completion]:
                return self._split_on_oom(lambda part: self._sample_batch(part, decoding), batch)

            outs = _sorted_batches([ids[i] for i in indices], self.config.batch_size, sample)
            for i, out in zip(indices, outs):
                results[i] = out
        return results  # type: ignore[return-value]

    def _sample_batch(self, batch: list[list[int]], decoding: Decoding) -> list[Completion]:
        completions = self._completions(self._sample(batch, decoding), [decoding] * len(batch))
        self._report(len(completions), sum(c.n_tokens for c in completions))
        return completions

    def _completions(self, rows: list[list[int]], decodings: list[Decoding]) -> list[Completion]:
        completions = []
        for row, decoding in zip(rows, decodings):
            tokens, ended = _strip_after_stop(row, self._stop_ids)
            text = str(self.tokenizer.decode(tokens, skip_special_tokens=True))
            text, hit_stop = prompts.cut_at_stop(text, decoding.stop)
            finish: FinishReason = "stop" if ended or hit_stop or len(tokens) < decoding.max_tokens else "length"
            completions.append(Completion(text=text.strip(), n_tokens=len(tokens), finish_reason=finish))
        return completions

    def _left_padded(self, batch: list[list[int]]) -> tuple[Any, Any]:
        return left_padded(self._torch, batch, self._pad_id)

    def streams(self, n_items: int, per_stream: int = _MIN_REQUESTS_PER_STREAM) -> int:
        """How many streams to run side by side for this many requests (or batches).

        On a CPU, one thread per stream beats two threads on one stream: small matrix
        products (decoding steps) use a second core poorly. On the quick gate's calls two
        streams took 0.93 of one stream's time to generate and 0.95 to score
        (bench/bench_streams.py, 2-core machine). A GPU runs one stream.
        """
        if not self._on_cpu:
            return 1
        threads = self._torch.get_num_threads()
        wanted = self.config.streams if self.config.streams is not None else (2 if threads >= 2 else 1)
        return max(1, min(wanted, threads, n_items // per_stream))

    def _in_streams(self, jobs: list[Callable[[], R]], streams: int) -> list[R]:
        """Run jobs in `streams` threads, each with its share of torch's threads; results in
        job order. Jobs go to whichever stream is free, so a job's result must not depend on
        its stream (every job runs the same code on its own inputs)."""
        if streams == 1:
            return [job() for job in jobs]
        torch = self._torch
        threads = torch.get_num_threads()
        torch.set_num_threads(max(1, threads // streams))
        try:
            with ThreadPoolExecutor(streams, thread_name_prefix="capcheck-stream") as pool:
                return list(pool.map(lambda job: job(), jobs))
        finally:
            torch.set_num_threads(threads)

    def _greedy_streams(self, prompts_ids: list[list[int]], decodings: list[Decoding],
                        continues: list[bool]) -> list[list[int]]:
        """The decoder's greedy runs over parallel streams (see `streams`).

        Requests are dealt round-robin (they come longest reply first, so every stream
        gets long and short ones); which stream a request lands in depends only on the
        order of the requests, never on timing, so runs are repeatable.
        """
        streams = self.streams(len(prompts_ids))
        shards = [list(range(s, len(prompts_ids), streams)) for s in range(streams)]
        outs = self._in_streams([partial(self.decoder.run, [prompts_ids[i] for i in shard], [decodings[i] for i in shard],
                                         [continues[i] for i in shard]) for shard in shards], streams)
        generated: list[list[int]] = [[] for _ in prompts_ids]
        for shard, out in zip(shards, outs):
            for index, tokens in zip(shard, out):
                generated[index] = tokens
        return generated

    def _sample(self, batch: list[list[int]], decoding: Decoding) -> list[list[int]]:
        """Sampling through transformers' generate, configured only from our Decoding."""
        torch = self._torch
        from transformers import GenerationConfig

        input_ids, mask = self._left_padded(batch)
        gen_config = GenerationConfig(
            do_sample=True,
            temperature=decoding.temperature,
            top_p=None,
            top_k=None,
            max_new_tokens=decoding.max_tokens,
            eos_token_id=self._stop_ids,
            pad_token_id=self._pad_id,
            stop_strings=list(decoding.stop) or None,
        )
        torch.manual_seed(decoding.seed)
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids,
                attention_mask=mask,
                generation_config=gen_config,
                tokenizer=self.tokenizer if decoding.stop else None,
            )
        return out[:, input_ids.shape[1]:].tolist()

    # --- scoring ----------------------------------------------------------------

    @_on_model_device
    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        pairs = [prompts.context_continuation_ids(self.tokenizer, r.context, r.continuation) for r in requests]
        results: list[Loglikelihood | None] = [None] * len(pairs)
        # Options of one question share their context: run it once (see _score_shared).
        by_context: dict[tuple[int, ...], list[int]] = {}
        for index, (ctx, _) in enumerate(pairs):
            by_context.setdefault(tuple(ctx), []).append(index)
        groups: list[tuple[list[int], list[int]]] = []
        alone: list[int] = []
        for shared, members in by_context.items():
            longest = max(len(pairs[i][1]) for i in members)
            if len(members) > 1 and len(shared) >= _MIN_SHARED_CONTEXT and len(shared) + longest <= self._max_length:
                groups.append((list(shared), members))
            else:
                alone.extend(members)
        for index, result in zip(alone, self._score([(pairs[i][0] + pairs[i][1], len(pairs[i][1])) for i in alone])):
            results[index] = result
        if groups:
            conts = [[pairs[i][1] for i in members] for _, members in groups]
            scored = self._score_shared([ctx for ctx, _ in groups], conts)
            for (_, members), group_results in zip(groups, scored):
                for index, result in zip(members, group_results):
                    results[index] = result
        return results  # type: ignore[return-value]

    def _score_shared(self, contexts: list[list[int]], conts: list[list[list[int]]]) -> list[list[Loglikelihood]]:
        """Log-likelihoods of several continuations per context, each context run once.

        Gives the same numbers as scoring context + continuation whole (to float
        rounding); on multiple-choice and recall questions it halves the tokens run.
        """
        def run(part: list[int]) -> list[list[Loglikelihood]]:
            return self._score_shared_batch([contexts[g] for g in part], [conts[g] for g in part])

        return self._scored_in_batches([len(c) for c in contexts], run)

    def _score_shared_batch(self, contexts: list[list[int]], conts: list[list[list[int]]]) -> list[list[Loglikelihood]]:
        torch = self._torch
        from transformers import DynamicCache

        input_ids, mask = self._left_padded(contexts)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache()
        with torch.inference_mode():
            last = self.model(input_ids=input_ids, attention_mask=mask, position_ids=positions,
                              past_key_values=cache, use_cache=True, logits_to_keep=1).logits[:, -1].float().log_softmax(-1)
            rows = [(g, cont) for g, group in enumerate(conts) for cont in group]
            width = max(len(cont) for _, cont in rows) - 1
            rest = None
            if width > 0:
                # Every continuation after its group's context: tokens 0..n-2 in, 1..n-1 scored.
                owner = torch.tensor([g for g, _ in rows])
                cache.batch_select_indices(owner)
                ids = torch.tensor([cont[:-1] + [self._pad_id] * (width - len(cont) + 1) for _, cont in rows])
                cont_mask = torch.tensor([[1] * (len(cont) - 1) + [0] * (width - len(cont) + 1) for _, cont in rows])
                full_mask = torch.cat([mask[owner], cont_mask], dim=-1)
                cont_positions = mask[owner].sum(-1, keepdim=True) + torch.arange(width)[None, :]
                rest = self.model(input_ids=ids, attention_mask=full_mask, position_ids=cont_positions,
                                  past_key_values=cache, use_cache=True).logits.float().log_softmax(-1)
        out: list[list[Loglikelihood]] = [[] for _ in contexts]
        for row, (g, cont) in enumerate(rows):
            logprob = float(last[g, cont[0]])
            greedy = bool(last[g].argmax() == cont[0])
            if len(cont) > 1:
                assert rest is not None
                target = torch.tensor(cont[1:])
                scores = rest[row, : len(cont) - 1]
                logprob += float(scores.gather(-1, target[:, None]).sum())
                greedy = greedy and bool((scores.argmax(-1) == target).all())
            out[g].append(Loglikelihood(logprob, len(cont), greedy))
        self._report(len(rows), int(mask.sum()) + sum(len(c) for _, c in rows))
        return out

    def loglikelihood_base(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        """Like `loglikelihood`, with the adapter (if any) switched off: the base model's scores."""
        if not hasattr(self.model, "disable_adapter"):
            return self.loglikelihood(requests)
        with self.model.disable_adapter():
            return self.loglikelihood(requests)

    @_on_model_device
    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]:
        items: list[tuple[list[int], int]] = []
        owners: list[int] = []
        for index, request in enumerate(requests):
            ids = prompts.rolling_ids(self.tokenizer, request.text)
            # Texts longer than the context window are scored in consecutive windows,
            # each conditioned on the tail of the previous one.
            start = 1
            while start < len(ids):
                end = min(start + self._max_length // 2, len(ids))
                ctx_start = max(0, end - self._max_length)
                items.append((ids[ctx_start:end], end - start))
                owners.append(index)
                start = end
        parts = self._score(items)
        totals = [[0.0, 0, True] for _ in requests]
        for owner, part in zip(owners, parts):
            totals[owner][0] += part.logprob
            totals[owner][1] += part.n_tokens
            totals[owner][2] = totals[owner][2] and part.is_greedy
        results = [Loglikelihood(float(lp), int(n), bool(g)) for lp, n, g in totals]
        return results

    def _score(self, items: list[tuple[list[int], int]]) -> list[Loglikelihood]:
        """Score the last `n` tokens of each id list; batched by token budget."""
        return self._scored_in_batches([len(ids) for ids, _ in items], partial(self._score_batch, items))

    def _scored_in_batches(self, lengths: list[int], run: Callable[[list[int]], list[R]]) -> list[R]:
        """run(batch of indices) over _budget_batches of the items, spread over the streams
        (each batch split on out-of-memory); one result per item, in item order."""
        batches = list(self._budget_batches(lengths))
        outs = self._in_streams([partial(self._split_on_oom, run, batch) for batch in batches],
                                self.streams(len(batches), per_stream=2))
        results: list[R | None] = [None] * len(lengths)
        for batch, out in zip(batches, outs):
            for index, result in zip(batch, out):
                results[index] = result
        return results  # type: ignore[return-value]

    def _budget_batches(self, lengths: list[int]) -> Iterator[list[int]]:
        """Indices, longest first, in batches of at most --batch-size rows and about
        _TOKENS_PER_SCORING_BATCH (on a CPU _TOKENS_PER_SCORING_BATCH_CPU) padded tokens
        (one row may exceed it alone)."""
        budget = _TOKENS_PER_SCORING_BATCH_CPU if self._on_cpu else _TOKENS_PER_SCORING_BATCH
        batch: list[int] = []
        for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
            width = lengths[batch[0]] if batch else lengths[index]
            if batch and ((len(batch) + 1) * width > max(budget, width) or len(batch) >= self.config.batch_size):
                yield batch
                batch = []
            batch.append(index)
        if batch:
            yield batch

    def _split_on_oom(self, run: Callable[[list[T]], list[R]], batch: list[T]) -> list[R]:
        """Run a batch; on out-of-memory, split it in half and retry, down to one request."""
        try:
            return run(batch)
        except Exception as exc:
            if not is_out_of_memory(self._torch, exc):
                raise
            error = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        self.kept.clear()  # only a speed-up: the memory goes to the batch first
        _free_memory(self._torch)
        if len(batch) == 1:
            first: Any = batch[0]
            width = len(first[0] if isinstance(first, tuple) else first) if isinstance(first, (list, tuple)) else 0
            raise EngineOutOfMemory(
                f"the hf engine ran out of memory ({error}) on a single request"
                + (f" of {width} tokens" if width else "")
                + f", after splitting batches of up to --batch-size {self.config.batch_size} down to one. "
                "Lower --batch-size to skip the retries, and free memory for one request: use --dtype "
                "bfloat16, close other jobs, or run on a machine with more memory."
            ) from None
        half = len(batch) // 2
        log.warning("out of memory on a batch of %d requests (%s); retrying as %d + %d. "
                    "A lower --batch-size avoids this.", len(batch), error, half, len(batch) - half)
        return self._split_on_oom(run, batch[:half]) + self._split_on_oom(run, batch[half:])

    def _score_batch(self, items: list[tuple[list[int], int]], batch: list[int]) -> list[Loglikelihood]:
        torch = self._torch
        seqs = [items[i][0][-self._max_length :] for i in batch]
        width = max(len(s) for s in seqs)
        input_ids = torch.tensor([s + [self._pad_id] * (width - len(s)) for s in seqs])
        mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs])
        with torch.inference_mode():
            logits = self.model(input_ids=input_ids, attention_mask=mask).logits
        out: list[Loglikelihood] = []
        for row, (index, seq) in enumerate(zip(batch, seqs)):
            n = min(items[index][1], len(seq) - 1)
            # Logits at position t predict token t+1.
            scores = logits[row, len(seq) - n - 1 : len(seq) - 1].float().log_softmax(-1)
            target = torch.tensor(seq[len(seq) - n :])
            token_lp = scores.gather(-1, target[:, None]).squeeze(-1)
            greedy = bool((scores.argmax(-1) == target).all())
            out.append(Loglikelihood(float(token_lp.sum()), n, greedy))
        self._report(len(batch), sum(len(s) for s in seqs))
        return out

    def _report(self, done: int, tokens: int) -> None:
        if self.progress is not None:
            with self._progress_lock:  # greedy streams report from their own threads
                self.progress(done, tokens)

    def close(self) -> None:
        if getattr(self, "_borrowed", False):  # a model in training belongs to its trainer
            return
        self.model = None  # type: ignore[assignment]
        import gc

        gc.collect()


def model_config(model: str, trust_remote_code: bool) -> Any:
    """The model's transformers config (a seam: tests alter a field here to load a model wrongly)."""
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(model, trust_remote_code=trust_remote_code)


@contextlib.contextmanager
def hub_errors(checkpoint: Checkpoint) -> Iterator[None]:
    """Turn a failed hub download into an error that says what to do."""
    try:
        yield
    except OSError as exc:
        if checkpoint.is_local:
            raise
        raise CheckpointError(
            f"--model {checkpoint.model} is not a local folder, so it was taken as a Hugging Face hub id, "
            f"but it could not be loaded from the hub or the local hub cache ({str(exc).splitlines()[0][:200]}). "
            "If you are offline, download it where there is a network (`hf download "
            f"{checkpoint.model} --local-dir DIR`) and pass --model DIR; otherwise check the id's spelling "
            "and your access to the repository."
        ) from None


_LOAD_FIXES = {
    "config": ("transformers cannot read its config.json",
               "Check that config.json is complete, valid JSON and names a model_type this transformers knows: "
               "copy it again from where the model came from, re-save the model with `model.save_pretrained(dir)`, "
               "or upgrade transformers if the architecture is newer than it."),
    "tokenizer": ("its tokenizer cannot be loaded",
                  "Check that its tokenizer files (tokenizer.json or tokenizer.model, and tokenizer_config.json) are "
                  "complete and belong to this model: save them with `tokenizer.save_pretrained(dir)`, or copy "
                  "them again from the base model."),
    "model": ("transformers cannot build the model from its files",
              "Check that config.json matches the weights (model_type, sizes) and is not edited by hand: re-save "
              "the model with `model.save_pretrained(dir)`, or copy config.json and the weights again from the "
              "same source."),
    "adapter": ("peft cannot apply the adapter to it",
                "Check adapter_config.json (r, target_modules) and that --model is the base model the adapter was "
                "trained on; re-save the adapter with `peft_model.save_pretrained(dir)` if the file was edited."),
}


@contextlib.contextmanager
def load_errors(checkpoint: Checkpoint, part: str) -> Iterator[None]:
    """Turn a failed tokenizer, model or adapter load into one paragraph instead of a library traceback.

    What the files show is checked before any load (capcheck.checkpoint); this catches the
    rest. Out-of-memory errors pass through (the session reports those), and so do a hub
    model's OSErrors, which hub_errors turns into download advice.
    """
    try:
        yield
    except CheckpointError:
        raise
    except Exception as exc:
        import torch

        if is_out_of_memory(torch, exc) or (isinstance(exc, OSError) and not checkpoint.is_local):
            raise
        problem, fix = _LOAD_FIXES[part]
        where = f"--model {checkpoint.model}"
        if part == "adapter":
            where = f"--adapter {checkpoint.adapter} on {where}"
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        detail = f"{type(exc).__name__}: {lines[0][:300].rstrip('.')}" if lines else type(exc).__name__
        raise CheckpointError(f"{where}: {problem} ({detail}). {fix}") from None


def is_out_of_memory(torch: Any, exc: BaseException) -> bool:
    """CUDA/MPS out-of-memory errors, and the CPU allocator's failures."""
    if isinstance(exc, (MemoryError, getattr(torch, "OutOfMemoryError", MemoryError))):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


def _free_memory(torch: Any) -> None:
    import gc

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _strip_after_stop(row: list[int], stop_ids: list[int]) -> tuple[list[int], bool]:
    for position, token in enumerate(row):
        if token in stop_ids:
            return row[:position], True
    return row, False


def _sorted_batches(items: list[T], size: int, run: Callable[[list[T]], list[R]]) -> list[R]:
    """Run `run` over batches of items sorted longest first; return results in input order."""
    order = sorted(range(len(items)), key=lambda i: -len(items[i]))  # type: ignore[arg-type]
    results: list[R | None] = [None] * len(items)
    for start in range(0, len(order), size):
        chunk = order[start : start + size]
        for i, out in zip(chunk, run([items[i] for i in chunk])):
            results[i] = out
    return results  # type: ignore[return-value]


def _torch_dtype(torch: Any, name: str) -> Any:
    table = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if name not in table:
        raise ValueError(f"--dtype {name!r}: choose one of {', '.join(table)}")
    return table[name]
