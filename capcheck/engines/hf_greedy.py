"""Greedy decoding for the hf engine: one continuously refilled batch per stream.

Rows join the running batch as others end (their KV caches padded and joined), prompts
that share a prefix prefill it once, and conversations continue from kept caches
(hf_kept). Every row keeps its own positions and mask, so a reply never depends on its
batch.
"""
from __future__ import annotations

from typing import Any, Callable

from capcheck.engines.hf_kept import KeptRow, KeptRows, common_prefix, prefix_cache
from capcheck.requests import Decoding

# A joining group's common prompt prefix shorter than this is prefilled with each row.
_MIN_SHARED_PREFIX = 8
# Prompts joining a batch are prefilled in chunks of rows at least this share of the
# chunk's longest (after the shared prefix), so padding stays under a fifth.
_CHUNK_LENGTH_RATIO = 0.8


def left_padded(torch: Any, batch: list[list[int]], pad_id: int) -> tuple[Any, Any]:
    """(input ids, attention mask) of token rows, padded on the left to the longest."""
    width = max(len(ids) for ids in batch)
    input_ids = torch.tensor([[pad_id] * (width - len(ids)) + ids for ids in batch])
    mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in batch])
    return input_ids, mask


class GreedyDecoder:
    """Greedy replies of one model; `run` is safe to call from parallel streams."""

    def __init__(self, model: Any, torch: Any, tokenizer: Any, stop_ids: list[int], pad_id: int,
                 batch_size: int, kept: KeptRows, report: Callable[[int, int], None]) -> None:
        self.model, self.torch, self.tokenizer = model, torch, tokenizer
        self.stop_ids, self.pad_id, self.batch_size = stop_ids, pad_id, batch_size
        self.kept = kept
        self.report = report
        """Called with (1, reply tokens) as each reply ends."""
        self.plain_cache: bool | None = None
        """Whether the model's KV cache is a plain growing one, whose rows can be copied, padded
        and joined (known after its first prefill)."""

    def _left_padded(self, batch: list[list[int]]) -> tuple[Any, Any]:
        return left_padded(self.torch, batch, self.pad_id)

    def run(self, prompts_ids: list[list[int]], decodings: list[Decoding],
            continues: list[bool]) -> list[list[int]]:
        """Greedy decoding of any number of prompts with a continuously refilled batch.

        A row leaves the batch (and the KV cache) as soon as it ends. When half the batch
        has ended, waiting prompts are prefilled and joined to the running batch, so the
        model keeps working on full batches instead of a long tail of a few unfinished
        replies. Every row keeps its own positions and attention mask, so joining changes
        nothing in what a row computes. Prompts should come longest first (less padding).
        A row whose request `continues` leaves its cache in `kept` as it ends.
        """
        torch = self.torch
        size = self.batch_size
        generated: list[list[int]] = [[] for _ in prompts_ids]
        waiting = list(range(len(prompts_ids)))
        alive: list[int] = []
        cache: Any = None
        mask: Any = None
        step: Any = None

        def record(rows: list[int], tokens: Any, cache: Any, mask: Any) -> list[int]:
            """Append each row's new token; return the positions of the rows still going
            (the cache and mask hold the rows' tokens so far, for rows that are kept)."""
            keep = []
            for position, (row, token) in enumerate(zip(rows, tokens.tolist())):
                generated[row].append(token)
                if token in self.stop_ids or len(generated[row]) >= decodings[row].max_tokens \
                        or self._hit_stop_string(generated[row], decodings[row]):
                    self.report(1, len(generated[row]))
                    if continues[row] and self.plain_cache:
                        self.kept.keep(KeptRow.from_batch(prompts_ids[row] + generated[row][:-1], cache, mask, position))
                else:
                    keep.append(position)
            return keep

        with torch.inference_mode():
            while waiting or alive:
                if waiting and (not alive or (self.plain_cache and len(alive) <= size // 2)):
                    joining, waiting = waiting[: size - len(alive)], waiting[size - len(alive):]
                    joining, new_cache, new_mask, new_step = self._prefill_joining(joining, prompts_ids)
                    keep = record(joining, new_step, new_cache, new_mask)
                    if keep:
                        selected = torch.tensor(keep)
                        if len(keep) < len(joining):
                            new_cache.batch_select_indices(selected)
                        joining, new_mask, new_step = [joining[i] for i in keep], new_mask[selected], new_step[selected]
                        if alive:
                            mask = _join_caches(torch, cache, mask, new_cache, new_mask)
                            step = torch.cat([step, new_step])
                        else:
                            cache, mask, step = new_cache, new_mask, new_step
                        alive = alive + joining
                    if not alive:
                        continue
                mask = torch.cat([mask, mask.new_ones((len(alive), 1))], dim=-1)
                positions = mask.sum(-1, keepdim=True) - 1
                logits = self.model(input_ids=step[:, None], attention_mask=mask, position_ids=positions,
                                    past_key_values=cache, use_cache=True).logits
                step = logits[:, -1].argmax(-1)
                keep = record(alive, step, cache, mask)
                if len(keep) < len(alive):
                    if not keep:
                        alive, cache, mask, step = [], None, None, None
                        continue
                    selected = torch.tensor(keep)
                    cache.batch_select_indices(selected)
                    mask, step = mask[selected], step[selected]
                    alive = [alive[i] for i in keep]
                    if self.plain_cache:
                        mask = _drop_empty_columns(cache, mask)
        return generated

    def _prefill_joining(self, joining: list[int], prompts_ids: list[list[int]]) -> tuple[list[int], Any, Any, Any]:
        """Prefill the prompts joining the batch: (their order in the cache, cache, mask, first
        greedy tokens). Prompts that continue a kept row prefill only what follows it."""
        fresh: list[int] = []
        continued: list[tuple[int, int, KeptRow]] = []
        for index in joining:
            length, row = self.kept.find(prompts_ids[index]) if self.plain_cache else (0, None)
            if row is None:
                fresh.append(index)
            else:
                continued.append((index, length, row))
        fresh.sort(key=lambda i: -len(prompts_ids[i]))
        parts = []
        if fresh:
            parts.append(self.prefill([prompts_ids[i] for i in fresh]))
        if continued:
            continued.sort(key=lambda c: -len(prompts_ids[c[0]]))
            parts.append(self._prefill_continued([(prompts_ids[i], length, row) for i, length, row in continued]))
        return (fresh + [i for i, _, _ in continued], *_joined(self.torch, parts))

    def _prefill_continued(self, batch: list[tuple[list[int], int, KeptRow]]) -> tuple[Any, Any, Any]:
        """Prefill prompts whose first `length` tokens are held by a kept row: each row's cache
        starts as that prefix, right-aligned, and only the rest runs, so the cache is
        [padding | kept prefix | padding | rest] (positions stay each row's own)."""
        torch = self.torch
        cache, kept_mask = prefix_cache(torch, [(row, length) for _, length, row in batch])
        rest, rest_mask = self._left_padded([ids[length:] for ids, length, _ in batch])
        mask = torch.cat([kept_mask, rest_mask], dim=-1)
        positions = (mask.cumsum(-1) - 1)[:, kept_mask.shape[1]:].clamp(min=0)
        logits = self.model(input_ids=rest, attention_mask=mask, position_ids=positions,
                            past_key_values=cache, use_cache=True, logits_to_keep=1).logits
        return cache, mask, logits[:, -1].argmax(-1)

    def prefill(self, batch: list[list[int]]) -> tuple[Any, Any, Any]:
        """Run prompts, longest first, through the model: (their KV cache, attention mask,
        first greedy token).

        Prompts of one suite start with the same system prompt and chat markup (about a
        third of the gate's prompt tokens): a common prefix runs once, and each row
        continues from a copy of its KV cache, so the cache is [prefix | left-padded rest]
        and the mask marks the padding in between (positions stay each row's own). Rows of
        very different lengths run in separate chunks, joined afterwards, so short prompts
        are not padded to the longest.
        """
        torch = self.torch
        from transformers import DynamicCache

        shared, prefix = self.shared_prefix(batch)
        parts = []
        for chunk in (_length_chunks(batch, shared) if self.plain_cache else [batch]):
            cache = DynamicCache(ddp_cache_data=[(k.expand(len(chunk), -1, -1, -1), v.expand(len(chunk), -1, -1, -1))
                                                 for k, v, *_ in prefix]) if prefix else DynamicCache()
            rest, rest_mask = self._left_padded([ids[shared:] for ids in chunk])
            mask = torch.cat([rest_mask.new_ones((len(chunk), shared)), rest_mask], dim=-1)
            positions = (mask.cumsum(-1) - 1)[:, shared:].clamp(min=0)
            logits = self.model(input_ids=rest, attention_mask=mask, position_ids=positions,
                                past_key_values=cache, use_cache=True, logits_to_keep=1).logits
            self.plain_cache = _is_plain_dynamic(cache)
            parts.append((cache, mask, logits[:, -1].argmax(-1)))
        return _joined(torch, parts)

    def shared_prefix(self, batch: list[list[int]]) -> tuple[int, Any]:
        """(length, KV cache of one row) of the prefix every prompt of the batch shares;
        (0, None) when it is too short to pay or the model's cache cannot be copied by row."""
        if len(batch) < 2 or not self.plain_cache:
            return 0, None
        shared = _common_prefix_length(batch)
        if shared < _MIN_SHARED_PREFIX:
            return 0, None
        from transformers import DynamicCache

        cache = DynamicCache()
        self.model(input_ids=self.torch.tensor([batch[0][:shared]]), past_key_values=cache, use_cache=True,
                   logits_to_keep=1)
        return shared, list(cache)

    def _hit_stop_string(self, tokens: list[int], decoding: Decoding) -> bool:
        if not decoding.stop:
            return False
        tail = self.tokenizer.decode(tokens[-32:], skip_special_tokens=True)
        return any(s in tail for s in decoding.stop)


def _is_plain_dynamic(cache: Any) -> bool:
    """Whether every layer of the cache is a plain growing KV cache (no sliding window,
    no extra state), whose rows can be padded and joined by _join_caches."""
    from transformers.cache_utils import DynamicLayer

    layers: list[Any] = getattr(cache, "layers", None) or []
    return bool(layers) and all(type(layer) is DynamicLayer and layer.is_initialized for layer in layers)


def _common_prefix_length(rows: list[list[int]]) -> int:
    """Tokens every row starts with, leaving each row at least one token of its own (the
    last prompt token must run to give the row's first reply token)."""
    shortest = min(len(row) for row in rows) - 1
    return min(common_prefix(rows[0], row, shortest) for row in rows)


def _length_chunks(rows: list[list[int]], shared: int) -> list[list[list[int]]]:
    """Consecutive runs of rows (longest first) whose own tokens after the shared prefix
    are at least _CHUNK_LENGTH_RATIO of the run's longest: little padding in each."""
    chunks: list[list[list[int]]] = []
    for row in rows:
        if chunks and len(row) - shared >= _CHUNK_LENGTH_RATIO * (len(chunks[-1][0]) - shared):
            chunks[-1].append(row)
        else:
            chunks.append([row])
    return chunks


def _join_caches(torch: Any, cache: Any, mask: Any, new_cache: Any, new_mask: Any) -> Any:
    """Append new_cache's rows to cache (in place), left-padding the shorter one with masked
    empty positions; return the joined attention mask."""
    width = max(mask.shape[1], new_mask.shape[1])
    pad_old, pad_new = width - mask.shape[1], width - new_mask.shape[1]
    left = torch.nn.functional.pad
    for old, new in zip(cache.layers, new_cache.layers):
        old.keys = torch.cat([left(old.keys, (0, 0, pad_old, 0)), left(new.keys, (0, 0, pad_new, 0))])
        old.values = torch.cat([left(old.values, (0, 0, pad_old, 0)), left(new.values, (0, 0, pad_new, 0))])
    return torch.cat([left(mask, (pad_old, 0)), left(new_mask, (pad_new, 0))])


def _joined(torch: Any, parts: list[tuple[Any, Any, Any]]) -> tuple[Any, Any, Any]:
    """One (cache, mask, first tokens) of prefilled parts, rows in order (the first part's
    cache grows in place)."""
    cache, mask, step = parts[0]
    for part_cache, part_mask, part_step in parts[1:]:
        mask = _join_caches(torch, cache, mask, part_cache, part_mask)
        step = torch.cat([step, part_step])
    return cache, mask, step


def _drop_empty_columns(cache: Any, mask: Any) -> Any:
    """Cut the leading positions no remaining row attends to (left over from ended rows)."""
    first = int(mask.any(0).int().argmax())
    if first == 0:
        return mask
    for layer in cache.layers:
        layer.keys, layer.values = layer.keys[:, :, first:], layer.values[:, :, first:]
    return mask[:, first:]
