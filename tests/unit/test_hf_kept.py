"""Kept conversation caches: longest-prefix lookup, the minimum worth reusing, the byte
budget and release after use."""
from __future__ import annotations

import torch

from capcheck.engines.hf_kept import MIN_REUSED, KeptRow, KeptRows


def row(tokens: list[int], layers: int = 2) -> KeptRow:
    """A row whose keys hold each token's id, so a prefix can be read back."""
    keys = torch.tensor(tokens, dtype=torch.float32).reshape(1, 1, -1, 1).repeat(1, 2, 1, 4)
    return KeptRow(tuple(tokens), tuple((keys, -keys) for _ in range(layers)))


def test_the_longest_kept_prefix_is_found_and_leaves_a_token_to_run() -> None:
    kept = KeptRows(budget=10**6)
    short, long = list(range(30)), list(range(30)) + [7] * 20
    kept.keep(row(short))
    kept.keep(row(long))
    kept.keep(row([5] * 40))
    length, found = kept.find(long + [1, 2, 3])
    assert (length, found.tokens) == (50, tuple(long))
    length, found = kept.find(list(range(30)) + [7] * 5 + [9])  # diverges inside the long row
    assert (length, found.tokens) == (35, tuple(long))
    length, found = kept.find(long)  # the whole prompt is kept: its last token must still run
    assert length == 49 and found.tokens == tuple(long)
    keys, values = found.prefix(length)[1]
    assert keys.shape == (1, 2, 49, 4) and keys[0, 0, :, 0].tolist() == long[:49] and (values == -keys).all()
    assert kept.reused_tokens == 50 + 35 + 49


def test_a_prefix_too_short_to_pay_is_not_reused() -> None:
    kept = KeptRows(budget=10**6)
    kept.keep(row(list(range(40))))
    assert kept.find(list(range(MIN_REUSED - 1)) + [99, 98]) == (0, None)
    assert kept.find(list(range(MIN_REUSED)) + [99])[0] == MIN_REUSED
    assert kept.find([1000] * 50) == (0, None)


def test_the_oldest_rows_go_first_past_the_budget() -> None:
    size = row(list(range(20))).nbytes
    assert size == 2 * 2 * (2 * 20 * 4) * 4  # layers x (keys, values) x elements x float32
    kept = KeptRows(budget=2 * size)
    for first in (100, 200, 300):
        kept.keep(row(list(range(first, first + 20))))
    assert len(kept) == 2 and kept.peak_bytes == 2 * size
    assert kept.find(list(range(100, 121)))[1] is None
    assert kept.find(list(range(300, 321)))[0] == 20
    kept.keep(row(list(range(10 * size))))  # larger than the whole budget: not kept, nothing evicted
    assert len(kept) == 2


def test_rows_continued_in_a_call_are_released_when_it_ends() -> None:
    kept = KeptRows(budget=10**6)
    kept.keep(row(list(range(20))))
    kept.keep(row(list(range(50, 70))))
    assert kept.find(list(range(25)))[0] == 20
    kept.keep(row(list(range(30))))  # the conversation's next turn
    kept.release_used()
    assert sorted(len(r) for r in kept._rows) == [20, 30]
    assert kept.find(list(range(35)))[0] == 30  # the new turn's row, not the released one
    kept.release_used()
    assert len(kept) == 1
    kept.clear()
    assert len(kept) == 0 and kept.find(list(range(50, 80))) == (0, None)
