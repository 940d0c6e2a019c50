"""The engine noise floor: how much a suite moves when only the engine changes.

`capcheck calibrate` re-runs the base model under another batch size, dtype or engine
and compares it with the stored baselines. No weight changed, so every case that moved
is engine noise (padding, kernel order, rounding). The result is stored next to the
baselines as noise-floor.json; the verdict never calls a change of that size a regression.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from capcheck import validated
from capcheck.atomic import write_text_atomic
from capcheck.baseline import FLOAT16_HINT, Baseline, dumps, loads, nonfinite_places
from capcheck.errors import BaselineError
from capcheck.results import MAX_LOSS, UNUSABLE, SuiteResult, bad_cases, describe, is_sane, show
from capcheck.version import __version__

FILE_NAME = "noise-floor.json"
SCHEMA_VERSION = 1
DRIFT_SLACK = 1e-6
"""The stored drift is rounded to 6 decimals; a worsening equal to it must still count as noise."""


@dataclass(frozen=True)
class NoiseFloor:
    """One suite's movement under an engine change with the same model."""

    n: int
    """Cases compared."""
    changed: int
    """Cases whose score changed at all."""
    worsened: int
    """Cases whose score got worse."""
    drift: float
    """|mean per-case change| of the suite, in metric units."""
    suite_fingerprint: str
    """The suite version it was measured on; another version makes it stale."""
    runs: str = ""
    """What was compared, e.g. 'hf float32 (baseline) vs hf bfloat16 batch 5'."""

    def allowed_flips(self, n: int) -> int:
        """Changed cases expected among `n` cases (scaled from the calibration's n)."""
        return math.ceil(self.changed * n / self.n) if self.n else 0

    def covers(self, worse: float, worsened: int, n: int, binary: bool) -> bool:
        """Whether a worsening of this size is within what the engine alone produced."""
        if worse <= self.drift + DRIFT_SLACK:
            return True
        return binary and worsened <= self.allowed_flips(n)

    def problem(self) -> str | None:
        """What makes this floor unusable, or None: a NaN or infinite drift would cover any worsening."""
        if not is_sane(self.drift, 0.0, MAX_LOSS):
            return f"its drift is {show(self.drift)}, not a finite number in [0, {show(MAX_LOSS)}]"
        if not 0 <= self.worsened <= self.changed <= self.n:
            return (f"its counts do not add up (n {self.n}, changed {self.changed}, worsened {self.worsened}; "
                    "they need 0 <= worsened <= changed <= n)")
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "changed": self.changed, "worsened": self.worsened, "drift": round(self.drift, 6),
                "suite_fingerprint": self.suite_fingerprint, "runs": self.runs}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "NoiseFloor":
        return cls(int(data["n"]), int(data["changed"]), int(data["worsened"]), float(data["drift"]),
                   data["suite_fingerprint"], data.get("runs", ""))


def measure(result: SuiteResult, baseline: Baseline, runs: str = "") -> NoiseFloor:
    """Compare a re-run of the base model with its baseline, paired on case ids."""
    base = baseline.result.by_id
    bad = bad_cases(result.cases)
    if bad:
        raise BaselineError(f"suite '{result.suite}': the calibration run scored {len(bad)} case(s) as "
                            f"{UNUSABLE}: {describe(bad)}. Nothing was measured; {FLOAT16_HINT}.")
    pairs = [(base[c.id].score, c.score) for c in result.cases if c.id in base]
    if not pairs:
        raise BaselineError(f"the baseline {baseline.path} shares no case ids with suite '{result.suite}'; "
                            "re-record it before calibrating.")
    sign = 1.0 if result.direction == "higher" else -1.0
    changes = [sign * (c - b) for b, c in pairs]  # positive = better
    changed = sum(1 for d in changes if abs(d) > 1e-9)
    worsened = sum(1 for d in changes if d < -1e-9)
    drift = abs(sum(changes) / len(changes))
    return NoiseFloor(len(pairs), changed, worsened, drift, baseline.data["suite"]["fingerprint"], runs)


@lru_cache(maxsize=None)
def _schema_text() -> str:
    return resources.files("capcheck.schemas").joinpath("noise-floor.schema.json").read_text()


@lru_cache(maxsize=None)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(_schema_text()))


def _errors(data: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in errors[:5]]


def read(folder: Path) -> dict[str, NoiseFloor]:
    """The noise floors stored in a baseline folder, by suite name ({} when none was measured)."""
    path = folder / FILE_NAME
    if not path.is_file():
        return {}
    hint = f"Delete {path} or re-measure it with `capcheck calibrate` on the base model."
    try:
        text = path.read_text(encoding="utf-8")
        data = loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BaselineError(f"noise floor {path} is not valid JSON ({exc}). {hint}") from exc
    validated.check_once("noise floor", _schema_text(), text, lambda: _check_document(path, data, hint))
    floors = {name: NoiseFloor.from_dict(entry) for name, entry in data["suites"].items()}
    for name, floor in floors.items():
        problem = floor.problem()
        if problem:
            raise BaselineError(f"noise floor {path}: the entry of suite '{name}' is unusable: {problem}. {hint}")
    return floors


def _check_document(path: Path, data: Any, hint: str) -> None:
    """Finite numbers and the noise-floor schema: what any noise-floor file must hold."""
    places = nonfinite_places(data)
    if places:  # NaN compares false and Infinity covers everything: either would decide verdicts silently
        shown = ", ".join(_place(at) + f" is {token}" for at, token in places[:5])
        raise BaselineError(f"noise floor {path} holds numbers that are not finite ({shown}). {hint}")
    errors = _errors(data)
    if errors:
        raise BaselineError(f"noise floor {path} does not match its schema:\n  " + "\n  ".join(errors) + f"\n{hint}")


def write(folder: Path, floors: dict[str, NoiseFloor], model: dict[str, Any], engine: dict[str, Any]) -> Path:
    """Merge `floors` into folder/noise-floor.json (other suites' entries are kept)."""
    path = folder / FILE_NAME
    try:
        kept = read(folder)
    except BaselineError:
        kept = {}  # an unreadable old file is replaced by a valid one
    kept.update(floors)
    data = {
        "schema_version": SCHEMA_VERSION,
        "capcheck_version": __version__,
        "measured_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "model": model,
        "engine": engine,
        "suites": {name: floor.to_dict() for name, floor in sorted(kept.items())},
    }
    errors = _errors(data)
    if errors:  # our bug, never the user's: do not write a file we could not read back
        raise BaselineError(f"refusing to write an invalid noise floor {path}: " + "; ".join(errors))
    text = dumps(data)
    write_text_atomic(path, text)
    validated.mark_passed("noise floor", _schema_text(), text)
    return path


def _place(at: tuple[Any, ...]) -> str:
    """suites/<name>/drift as "suite 'name': drift"; any other JSON path as it is."""
    if len(at) == 3 and at[0] == "suites":
        return f"suite {at[1]!r}: {at[2]}"
    return "/".join(map(str, at)) or "(top)"
