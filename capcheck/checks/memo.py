"""Answers of slow, pure check computations kept between runs, in the result cache.

Harper's first lint in a process costs about 3 s (dictionary and rule set-up), more than
the rest of a fully cached rerun of the gate. The session turns the memo on while the result
cache is on (`using`), so --capcheck-no-cache recomputes every lint as before. A memo that
fails (a locked or damaged cache) is skipped, never allowed to change a score: a check that
raised would score its case 0.
"""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Protocol, Sequence

log = logging.getLogger(__name__)


class Store(Protocol):
    """The part of capcheck.cache.ResultCache a memo uses."""

    def get_many(self, context: str, keys: Sequence[str]) -> dict[str, tuple[str, str]]: ...

    def put_many(self, context: str, kind: str, items: Sequence[tuple[str, str]]) -> None: ...


_store: Store | None = None


@contextmanager
def using(store: Store | None) -> Iterator[None]:
    """Keep memo answers in `store` inside the block (None: compute everything)."""
    global _store
    previous, _store = _store, store
    try:
        yield
    finally:
        _store = previous


def remembered(namespace: str, key: str, compute: Callable[[], Any]) -> Any:
    """compute()'s answer, as JSON gives it back, read from the store when it holds (namespace, key).

    `namespace` must change whenever compute() could answer differently (a package version,
    a setting), since stored answers are never checked again.
    """
    store = _store
    if store is None:
        return _json_round_trip(compute())
    try:
        found = store.get_many(namespace, [key]).get(key)
    except Exception as exc:  # a memo is only a memo
        log.debug("check memo unreadable (%s); computing", exc)
        return _json_round_trip(compute())
    if found is not None:
        return json.loads(found[1])
    text = json.dumps(compute())
    try:
        store.put_many(namespace, "memo", [(key, text)])
    except Exception as exc:
        log.debug("check memo not written (%s)", exc)
    return json.loads(text)


def _json_round_trip(value: Any) -> Any:
    # The same shapes with and without a store (tuples become lists), so no caller can
    # depend on which path answered.
    return json.loads(json.dumps(value))
