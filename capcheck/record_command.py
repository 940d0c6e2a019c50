"""The command that records a suite's baseline where a session reads it.

Printed with every missing, broken or stale baseline, so it must work as printed: the same
runner (pytest or `capcheck record`), the suite's own file where the runner would not find
it, the session's --baselines and --capcheck-base, and the base model only where it is known.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from capcheck import embedded
from capcheck.baseline_store import BaselineStore
from capcheck.checkpoint import Checkpoint
from capcheck.settings import Settings

UNKNOWN_BASE = "PATH/TO/BASE-MODEL"


def record_command(suite: Any, settings: Settings, *, runner: str, source: str, test: str | None,
                   checkpoint: Checkpoint | None, store: BaselineStore | None) -> str:
    """`runner` is "pytest" or "capcheck record"; `source` is the suite's file as the user would type
    it, `test` the name of its test (what -k selects; the name suite_test gives when unknown).

    Always a full recording, even from a quick run: a full baseline serves quick and full gates
    (a quick run compares its subset), a quick one only quick gates."""
    if checkpoint is not None and checkpoint.adapter is not None:
        model = checkpoint.alias or checkpoint.model  # an adapter's base is known: record that
    elif store is not None and store.folder != (checkpoint.base_slug if checkpoint else embedded.ALIAS):
        model = UNKNOWN_BASE  # the candidate is not the folder's model, and nothing says which base it came from
    else:
        model = settings.model or embedded.ALIAS
    if runner == "pytest":
        parts = ["pytest", source or "suites", "--model", model, "--capcheck-record"]
    else:  # capcheck record finds the built-in suites itself; the project's need their file
        parts = [*runner.split(), "--model", model]
        if source and not _is_builtin(source):
            parts += ["--suites", source]
        parts += ["-k", test or default_test_name(suite)]
    if settings.baselines != "baselines":
        parts += ["--baselines", settings.baselines]
    if store is not None and (settings.base or model == UNKNOWN_BASE):
        parts += ["--capcheck-base", store.folder]
    return " ".join(shlex.quote(p) for p in parts) + "   (run it on the base model)"


def default_test_name(suite: Any) -> str:
    """The name suite_test gives a suite's test function (the module may bind it to another)."""
    return "test_" + suite.slug.replace("-", "_").replace(".", "_")


def _is_builtin(source: str) -> bool:
    from capcheck.selection import is_builtin

    return is_builtin(Path(source))
