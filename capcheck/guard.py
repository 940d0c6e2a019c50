"""Checks that the model being loaded is the one the baselines expect, before any inference.

An adapter must sit on the base model its baselines were recorded from, and that base
model must compute what it computed then (the logits probe, capcheck.probe).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from capcheck import probe
from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import Engine
from capcheck.errors import CheckpointError

log = logging.getLogger(__name__)


def _base_recordings(baselines: Iterable[Any]) -> list[Any]:
    """Baselines recorded from a plain model (not from an adapter)."""
    return [b for b in baselines if not b.model.get("adapter")]


def check_adapter_base(checkpoint: Checkpoint, baselines: Iterable[Any], base_option: str = "--model") -> None:
    """Raise CheckpointError when an adapter's base model is not the baselines' model.

    Compared by content fingerprint when both are local, else by id.
    """
    if checkpoint.adapter is None:
        return
    for baseline in _base_recordings(baselines):
        recorded_id, recorded_fp = baseline.model["id"], baseline.model["fingerprint"]
        ours = checkpoint.base_fingerprint
        by_content = not ours.startswith("hub:") and not str(recorded_fp).startswith("hub:")
        same = ours == recorded_fp if by_content else (checkpoint.alias or checkpoint.model) == recorded_id
        if not same:
            how = f"fingerprint {ours} vs {recorded_fp}" if by_content else f"id {checkpoint.alias or checkpoint.model!r} vs {recorded_id!r}"
            raise CheckpointError(
                f"the adapter {checkpoint.adapter} is applied to base model {checkpoint.alias or checkpoint.model}, "
                f"but the baseline {baseline.path} was recorded from base model {recorded_id} ({how}). "
                "An adapter can only be judged against the model it was trained on. Pass that model with "
                f"{base_option} (and the adapter with --adapter), or record baselines for this base model first "
                "with --capcheck-record, or choose the right baseline folder with --capcheck-base."
            )
        return  # every baseline of a folder comes from the same model: one is enough


def stored_probe(checkpoint: Checkpoint, baselines: Iterable[Any], engine_name: str, dtype: str) -> tuple[dict, Any] | None:
    """The probe of a baseline recorded from this checkpoint's base model, preferring the same engine and dtype."""
    matching = [
        b for b in _base_recordings(baselines)
        if b.data.get("probe") and b.model["fingerprint"] == checkpoint.base_fingerprint
    ]
    matching.sort(key=lambda b: (b.data["probe"].get("engine") != engine_name, b.data["probe"].get("dtype") != dtype))
    return (matching[0].data["probe"], matching[0].path) if matching else None


def verify_base_model(engine: Engine, checkpoint: Checkpoint, baselines: Iterable[Any]) -> bool:
    """Score the probe and compare it with the baselines' (raises CheckpointError on a mismatch).

    Returns whether a comparison was made: only the baselines' own base model (alone or
    under an adapter) can be compared.
    """
    found = stored_probe(checkpoint, baselines, engine.info.name, engine.info.dtype)
    if found is None:
        return False
    stored, path = found
    current = probe.run(engine, base_only=checkpoint.adapter is not None)
    if current is None:
        return False
    probe.verify(stored, current, checkpoint.alias or checkpoint.model, str(path))
    log.info("logits probe of %s matches %s", checkpoint.display_name, path)
    return True
