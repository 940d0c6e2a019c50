"""vLLM data parallelism as one process per rank, each holding its own model replica.

`--vllm-data-parallel-size N` starts N worker processes. Each one builds an ordinary
`VLLMEngine` on its share of the machine: its own GPUs (`CUDA_VISIBLE_DEVICES`, tensor x
pipeline parallel GPUs per rank), or on a CPU its own cores (`VLLM_CPU_OMP_THREADS_BIND`).
Every engine call deals its requests to the ranks in contiguous blocks, in order, so
neighbours (the options of one question, the turns of one wave) stay on one rank and keep
its prefix cache warm. The answers are merged back in request order. The replicas of a dense
model share nothing, so the ranks run independently and need no `VLLM_DP_*` rendezvous.
docs/scaling.md says when to serve a data-parallel `vllm serve` instead (`--engine openai`).

The workers are started with `spawn`, as vLLM requires, so callers guard scripts with
`if __name__ == "__main__":` as for the single-process engine.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any, Callable, Sequence

from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import BASE_SCORING, PROGRESS, EngineConfig, EngineInfo
from capcheck.errors import EngineUnavailable

_METHODS = ("generate", "loglikelihood", "loglikelihood_base", "loglikelihood_rolling")
_CLOSE_SECONDS = 60


def deal(n: int, ranks: int) -> list[range]:
    """Contiguous blocks of request indices, one per rank, sizes differing by at most one."""
    bounds = [r * n // ranks for r in range(ranks + 1)]
    return [range(bounds[r], bounds[r + 1]) for r in range(ranks)]


def rank_environments(ranks: int, per_rank: int, on_cpu: bool, visible: str | None, cores: list[int]) -> list[dict]:
    """The variables that give each rank its own devices; refuses a split the machine cannot hold."""
    if on_cpu:
        # One core list per worker of a rank, '|' between a rank's tensor/pipeline workers (vLLM's format).
        if len(cores) < ranks * per_rank:
            raise EngineUnavailable(
                f"--vllm-data-parallel-size {ranks} x {per_rank} worker(s) per rank needs at least "
                f"{ranks * per_rank} CPU cores (one per worker); this process may use {len(cores)}. Lower a size."
            )
        lists = [",".join(str(c) for c in cores[block.start:block.stop]) for block in deal(len(cores), ranks * per_rank)]
        return [{"VLLM_CPU_OMP_THREADS_BIND": "|".join(lists[r * per_rank:(r + 1) * per_rank])} for r in range(ranks)]
    devices = [d for d in (visible or "").split(",") if d.strip()]
    if not devices:
        import torch

        devices = [str(d) for d in range(torch.cuda.device_count())]
    need = ranks * per_rank
    if len(devices) < need:
        raise EngineUnavailable(
            f"--vllm-data-parallel-size {ranks} x {per_rank} GPU(s) per rank (tensor x pipeline parallel) "
            f"needs {need} GPUs; {len(devices)} are visible ({', '.join(devices) or 'none'}). Lower a size."
        )
    return [{"CUDA_VISIBLE_DEVICES": ",".join(devices[r * per_rank:(r + 1) * per_rank])} for r in range(ranks)]


class DataParallelEngine:
    """The vLLM engine over N replicas, one process each; answers as one engine, in request order."""

    abilities = frozenset({PROGRESS, BASE_SCORING})

    def __init__(self, checkpoint: Checkpoint, config: EngineConfig, ranks: int) -> None:
        from capcheck.engines.vllm import on_cpu, parse_options

        options = parse_options(config.extra)
        per_rank = int(options.get("tensor_parallel_size", 1)) * int(options.get("pipeline_parallel_size", 1))
        envs = rank_environments(ranks, per_rank, on_cpu(), os.environ.get("CUDA_VISIBLE_DEVICES"),
                                 sorted(os.sched_getaffinity(0)))
        rank_config = dataclasses.replace(config, extra={**config.extra, "data_parallel_size": 1})
        context = multiprocessing.get_context("spawn")
        self._workers: list[tuple[Any, Connection]] = []
        self.progress: Callable[[int, int], None] | None = None
        """Called with (requests done, tokens processed) after each call."""
        try:
            for rank, env in enumerate(envs):
                ours, theirs = context.Pipe()
                # Not a daemon: each rank's vLLM starts processes of its own.
                process = context.Process(target=_serve, args=(checkpoint, rank_config, env, theirs),
                                          name=f"capcheck-vllm-rank{rank}", daemon=False)
                process.start()
                theirs.close()
                self._workers.append((process, ours))
            infos = [self._receive(rank) for rank in range(ranks)]  # the ranks load side by side
        except BaseException:
            self.close()
            raise
        self._info: EngineInfo = infos[0]

    @property
    def info(self) -> EngineInfo:
        return self._info

    def generate(self, requests: Sequence[Any]) -> list[Any]:
        return self._call("generate", requests)

    def loglikelihood(self, requests: Sequence[Any]) -> list[Any]:
        return self._call("loglikelihood", requests)

    def loglikelihood_base(self, requests: Sequence[Any]) -> list[Any]:
        return self._call("loglikelihood_base", requests)

    def loglikelihood_rolling(self, requests: Sequence[Any]) -> list[Any]:
        return self._call("loglikelihood_rolling", requests)

    def _call(self, method: str, requests: Sequence[Any]) -> list[Any]:
        if not requests:
            return []
        blocks = deal(len(requests), len(self._workers))
        busy = [rank for rank, block in enumerate(blocks) if len(block)]
        for rank in busy:
            self._workers[rank][1].send((method, [requests[i] for i in blocks[rank]]))
        answers: list[Any] = []
        tokens = 0
        for rank in busy:  # every busy rank is read, so no answer is left in a pipe
            results, used = self._receive(rank)
            answers.extend(results)
            tokens += used
        if self.progress is not None:
            self.progress(len(requests), max(tokens, 1))
        return answers

    def _receive(self, rank: int) -> Any:
        process, conn = self._workers[rank]
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            process.join(5)
            raise EngineUnavailable(
                f"vLLM data-parallel rank {rank} stopped (exit code {process.exitcode}); its output above says why."
            ) from None
        if kind == "error":
            raise payload
        return payload

    def close(self) -> None:
        workers, self._workers = self._workers, []
        for _, conn in workers:
            try:
                conn.send(("close", None))
            except (BrokenPipeError, OSError):
                pass
        for process, conn in workers:
            process.join(_CLOSE_SECONDS)
            if process.is_alive():
                process.terminate()
                process.join(5)
            conn.close()


def _serve(checkpoint: Checkpoint, config: EngineConfig, env: dict, conn: Connection) -> None:
    """One rank: set its devices, build its engine, answer calls until told to close."""
    os.environ.update(env)
    engine = None
    try:
        from capcheck.engines.vllm import VLLMEngine

        engine = VLLMEngine(checkpoint, config)
        used = [0]
        engine.progress = lambda done, tokens: used.__setitem__(0, used[0] + tokens)
        conn.send(("ok", engine.info))
        while True:
            method, requests = conn.recv()
            if method == "close":
                break
            assert method in _METHODS, method
            used[0] = 0
            try:
                conn.send(("ok", (getattr(engine, method)(requests), used[0])))
            except Exception as exc:  # the caller re-raises it; the rank stays up
                _send_error(conn, exc)
    except Exception as exc:
        _send_error(conn, exc)
    finally:
        if engine is not None:
            engine.close()
        conn.close()


def _send_error(conn: Connection, exc: Exception) -> None:
    try:
        conn.send(("error", exc))
    except Exception:  # an exception that does not pickle travels as its message
        conn.send(("error", EngineUnavailable(f"{type(exc).__name__}: {exc}")))
