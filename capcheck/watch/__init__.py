"""Catch forgetting while a model trains (docs/watch.md).

`Watcher(looks=K).look(model, tokenizer, step)` in a hand-written loop; `CapcheckCallback`
in transformers' Trainer. Importing this package does not import transformers.
"""
from __future__ import annotations

from typing import Any

from capcheck.watch.watcher import Look, SuiteLook, Watcher

__all__ = ["CapcheckCallback", "Look", "SuiteLook", "Watcher"]


def __getattr__(name: str) -> Any:
    if name == "CapcheckCallback":  # a TrainerCallback: only this needs transformers at import
        from capcheck.watch.callback import CapcheckCallback

        return CapcheckCallback
    raise AttributeError(name)
