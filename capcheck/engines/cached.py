"""An Engine that answers from the result cache and sends only the misses to the real engine.

Misses go out in chunks of several engine batches, each committed to the cache before
the next is sent, so a run killed halfway resumes at the first chunk it had not
committed. Chunks are cut from the whole call (grouped by decoding, longest first),
not from the misses alone: a resumed run sends the real engine exactly the batches
the killed run would have, so its results are identical to an uninterrupted run.
The real engine loads on the first miss; a fully cached run never loads the model.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, Sequence, cast

from capcheck.cache import (
    CacheContext,
    CacheStats,
    ResultCache,
    decode_result,
    encode_result,
    request_key,
)
from capcheck.engines.base import BASE_SCORING, PROGRESS, BaseScoring, Engine, EngineInfo, Reporting
from capcheck.errors import EngineUnavailable
from capcheck.requests import (
    Completion,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    Prompt,
    Request,
    RollingRequest,
)

MIN_CHUNK = 256
"""Requests per committed chunk, at least: several engine batches, so padding and batch
sizes stay as efficient as one big call."""

def chunk_size(batch_size: int) -> int:
    """A multiple of the engine's batch size, so only a chunk's last batch can be partial.

    $CAPCHECK_CACHE_CHUNK sets another minimum (smaller: less work lost to a kill; larger:
    fewer partial batches).
    """
    minimum = int(os.environ.get("CAPCHECK_CACHE_CHUNK") or MIN_CHUNK)
    return max(1, -(-minimum // batch_size)) * batch_size


class CachedEngine:
    """Wraps a lazily loaded engine with the on-disk result cache (see module docstring)."""

    abilities = frozenset({PROGRESS, BASE_SCORING})
    """Hits are reported here; base scoring goes to the real engine (every engine that applies adapters has it)."""

    def __init__(self, load: Callable[[], Engine], cache: ResultCache, context: CacheContext,
                 chunk: int = MIN_CHUNK, stats: CacheStats | None = None) -> None:
        self._load = load
        self._engine: Engine | None = None
        self._info: EngineInfo | None = None
        self.cache = cache
        self.context = context
        self.chunk = chunk
        self.stats = stats if stats is not None else CacheStats(directory=cache.directory)
        self.stats.warnings.extend(cache.warnings)
        self.load_seconds = 0.0
        """Seconds spent loading the real engine (0 when everything came from the cache)."""
        self.progress: Callable[..., None] | None = None
        """The planner's progress hook: told about hits here, handed to the real engine for misses."""

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    @property
    def info(self) -> EngineInfo:
        if self._info is None:
            self._info = self.cache.engine_info(self.context.key) if self._engine is None else None
        return self._info if self._info is not None else self._real().info

    def _real(self) -> Engine:
        if self._engine is None:
            start = time.perf_counter()
            self._engine = self._load()
            self.load_seconds += time.perf_counter() - start
            self.stats.model_loaded = True
            self._info = self._engine.info
            self.cache.remember(self.context, self._info)
        return self._engine

    def loglikelihood_base(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        """The real engine's base-model scores, uncached: the probe that checks the model itself."""
        engine = self._real()
        if BASE_SCORING not in engine.abilities:
            raise EngineUnavailable(f"engine {engine.info.name} cannot score with its adapter switched off.")
        return cast(BaseScoring, engine).loglikelihood_base(requests)

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]:
        return self._answer("generate", requests)  # type: ignore[return-value]

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        return self._answer("loglikelihood", requests)  # type: ignore[return-value]

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]:
        return self._answer("rolling", requests)  # type: ignore[return-value]

    def _answer(self, kind: str, requests: Sequence[Request]) -> list[Any]:
        keys = [request_key(r) for r in requests]
        stored = self.cache.get_many(self.context.key, keys)
        results: list[Any] = [None] * len(requests)
        for index, key in enumerate(keys):
            if key in stored and stored[key][0] == kind:
                results[index] = decode_result(kind, stored[key][1])
        hits = sum(r is not None for r in results)
        self.stats.hits += hits
        self.stats.misses += len(requests) - hits
        if hits and self.progress is not None:
            self.progress(hits, 0)
        if hits == len(requests):
            return results
        for chunk in self._chunks(requests):
            todo = [i for i in chunk if results[i] is None]
            if not todo:
                continue
            engine = self._real()
            if PROGRESS in engine.abilities:
                cast(Reporting, engine).progress = self.progress
            method = {"generate": engine.generate, "loglikelihood": engine.loglikelihood,
                      "rolling": engine.loglikelihood_rolling}[kind]
            out = method([requests[i] for i in todo])  # type: ignore[operator]
            if len(out) != len(todo):
                raise RuntimeError(f"engine {engine.info.name} returned {len(out)} results for {len(todo)} requests")
            self.cache.put_many(self.context.key, kind, [(keys[i], encode_result(r)) for i, r in zip(todo, out)])
            for i, result in zip(todo, out):
                results[i] = result
        return results

    def _chunks(self, requests: Sequence[Request]) -> list[list[int]]:
        """Indices in chunks: one decoding per chunk where possible, longest prompts first."""
        groups: dict[str, list[int]] = {}
        for index, request in enumerate(requests):
            group = repr(request.decoding) if isinstance(request, GenerateRequest) else ""
            groups.setdefault(group, []).append(index)
        chunks = []
        for indices in groups.values():
            indices.sort(key=lambda i: -_length(requests[i]))  # stable: ties keep input order
            chunks += [indices[s : s + self.chunk] for s in range(0, len(indices), self.chunk)]
        return chunks

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self.cache.close()


def _text_length(prompt: Prompt) -> int:
    return len(prompt) if isinstance(prompt, str) else sum(len(m.content) + 8 for m in prompt)


def _length(request: Request) -> int:
    """Characters of the prompt: a cheap stand-in for token length, for padding-friendly chunks."""
    if isinstance(request, GenerateRequest):
        return _text_length(request.prompt)
    if isinstance(request, LoglikelihoodRequest):
        return _text_length(request.context) + len(request.continuation)
    return len(request.text)


def open_engine(load: Callable[[], Engine], context: CacheContext | None, directory: Path | None,
                batch_size: int) -> Engine:
    """The engine a session uses: `load()`'s engine behind the cache in `directory`.

    Without a directory (--capcheck-no-cache) or a context (results that must not be
    cached), the real engine is loaded at once and used as it is.
    """
    if directory is None or context is None:
        return load()
    return CachedEngine(load, ResultCache(directory), context, chunk=chunk_size(batch_size))
