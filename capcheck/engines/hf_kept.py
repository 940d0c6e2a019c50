"""Key/value caches the hf engine keeps between calls, for conversations that continue.

A conversation's next turn is its history (the last prompt and the reply) plus a new user
message, so its prompt starts with tokens the engine has already run. When a continuing
row's reply ends, the engine keeps the row's cache here; the next call looks up the
longest kept prefix of each prompt and prefills only the tokens after it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Sequence

MIN_REUSED = 16
"""A kept prefix shorter than this is prefilled again (copying it would not pay)."""


@dataclass(frozen=True)
class KeptRow:
    """One row's cache: the keys and values of `tokens`, per layer."""

    tokens: tuple[int, ...]
    layers: tuple[tuple[Any, Any], ...]
    """(keys, values) per layer, each [1, heads, len(tokens), head_dim]."""

    @property
    def nbytes(self) -> int:
        return sum(k.nelement() * k.element_size() + v.nelement() * v.element_size() for k, v in self.layers)

    def prefix(self, length: int) -> list[tuple[Any, Any]]:
        """The keys and values of the first `length` tokens (views, not copies)."""
        return [(k[:, :, :length], v[:, :, :length]) for k, v in self.layers]

    @classmethod
    def from_batch(cls, tokens: list[int], cache: Any, mask: Any, position: int) -> "KeptRow":
        """Copy row `position` out of a batch's cache: its unmasked columns, which hold
        `tokens` in order."""
        columns = mask[position].nonzero().squeeze(-1)
        assert len(columns) == len(tokens), (len(columns), len(tokens))
        return cls(tuple(tokens), tuple((layer.keys[position:position + 1, :, columns],
                                         layer.values[position:position + 1, :, columns]) for layer in cache.layers))


class KeptRows:
    """Kept rows, oldest evicted first past `budget` bytes; thread-safe (greedy streams
    keep and look up from their own threads).

    A row that a call continued is dropped when that call ends (`release_used`): the
    conversation has moved on to the row kept for its new turn.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._rows: dict[tuple[int, ...], KeptRow] = {}
        self._used: set[tuple[int, ...]] = set()
        self._bytes = 0
        self._lock = threading.Lock()
        self.reused_tokens = 0
        """Prompt tokens answered from kept rows instead of prefilled (all calls)."""
        self.peak_bytes = 0
        """The most bytes held at once."""

    def keep(self, row: KeptRow) -> None:
        size = row.nbytes
        if size > self.budget:
            return
        with self._lock:
            old = self._rows.pop(row.tokens, None)
            self._bytes += size - (old.nbytes if old else 0)
            self._rows[row.tokens] = row
            while self._bytes > self.budget:
                oldest = next(iter(self._rows))
                self._bytes -= self._rows.pop(oldest).nbytes
                self._used.discard(oldest)
            self.peak_bytes = max(self.peak_bytes, self._bytes)

    def find(self, ids: list[int]) -> tuple[int, KeptRow | None]:
        """(length, row) of the longest kept prefix of `ids` that leaves at least one token of
        `ids` to run; (0, None) when none reaches MIN_REUSED."""
        with self._lock:
            rows = list(self._rows.values())
        best, found = 0, None
        for row in rows:
            length = common_prefix(row.tokens, ids, len(ids) - 1)
            if length > best:
                best, found = length, row
        if found is None or best < MIN_REUSED:
            return 0, None
        with self._lock:
            self._used.add(found.tokens)
            self.reused_tokens += best
        return best, found

    def release_used(self) -> None:
        """Drop the rows continued since the last release."""
        with self._lock:
            for tokens in self._used:
                row = self._rows.pop(tokens, None)
                if row is not None:
                    self._bytes -= row.nbytes
            self._used.clear()

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._used.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._rows)


def common_prefix(a: Sequence[int], b: Sequence[int], limit: int) -> int:
    """Length of the common prefix of a and b, at most `limit` (binary search over slice
    comparisons, which run in C: histories are hundreds of tokens, rows dozens)."""
    low, high = 0, max(0, min(len(a), len(b), limit))
    if tuple(a[:high]) == tuple(b[:high]):
        return high
    while low < high:  # a[:low] == b[:low]; the answer lies in [low, high]
        middle = (low + high + 1) // 2
        if tuple(a[:middle]) == tuple(b[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def prefix_cache(torch: Any, rows: list[tuple[KeptRow, int]]) -> tuple[Any, Any]:
    """A batch's cache and mask holding each (row, length)'s first `length` tokens,
    right-aligned and padded on the left to the longest."""
    from transformers import DynamicCache

    width = max(length for _, length in rows)
    pad = torch.nn.functional.pad
    prefixes = [row.prefix(length) for row, length in rows]
    layers = [tuple(torch.cat([pad(p[layer][part], (0, 0, width - length, 0)) for p, (_, length) in zip(prefixes, rows)])
                    for part in (0, 1))
              for layer in range(len(prefixes[0]))]
    mask = torch.tensor([[0] * (width - length) + [1] * length for _, length in rows])
    return DynamicCache(ddp_cache_data=layers), mask
