"""Baselines: a base model's stored SuiteResult with its provenance.

One JSON file per suite under baselines/<model-slug>/, stable formatting, validated
with jsonschema on read and write, written atomically.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from capcheck import validated
from capcheck.atomic import write_text_atomic
from capcheck.cases import PassageCase
from capcheck.checkpoint import Checkpoint
from capcheck.engine_info import EngineInfo
from capcheck.errors import BaselineError, BaselineMissing
from capcheck.results import MAX_LOSS, SCORE_LIMIT, CaseResult, SuiteResult, bad_cases, describe, show
from capcheck.suite import GatedSuite
from capcheck.version import __version__

SCHEMA_VERSION = 1
FLOAT16_HINT = ("a float16 overflow is the usual cause (a passage's loss or an option's log-probability "
                "leaves float16's range): run with --dtype bfloat16 or --dtype float32")


@dataclass(frozen=True)
class Baseline:
    """A stored result plus how it was made."""

    result: SuiteResult
    data: dict[str, Any]
    """The whole parsed file (provenance: model, engine, decoding, versions)."""
    path: Path

    @property
    def engine(self) -> dict[str, Any]:
        return self.data["engine"]

    @property
    def model(self) -> dict[str, Any]:
        return self.data["model"]

    @property
    def quick(self) -> bool:
        return bool(self.data["suite"].get("quick", False))


@lru_cache(maxsize=None)
def _schema_text() -> str:
    return resources.files("capcheck.schemas").joinpath("baseline.schema.json").read_text()


@lru_cache(maxsize=None)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(_schema_text()))


def _schema_errors(data: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in errors[:5]]


def to_json(
    result: SuiteResult,
    suite: GatedSuite,
    checkpoint: Checkpoint,
    engine: EngineInfo,
    *,
    quick: bool = False,
    probe: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The baseline file's content; refuses a result holding a score no later gate could compare with."""
    low, high = score_range(suite)
    bad = bad_cases(result.cases, low, high)
    if bad:
        raise BaselineError(
            f"suite '{suite.name}': the engine ({engine.name}, {engine.dtype}) scored {len(bad)} case(s) outside "
            f"[{show(low)}, {show(high)}] or as no finite number: {describe(bad)}. No baseline was written for "
            f"the suite; {FLOAT16_HINT}, then record again."
        )
    data = {
        "schema_version": SCHEMA_VERSION,
        "capcheck_version": __version__,
        "recorded_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "suite": {
            "name": suite.name,
            "version": suite.version,
            "fingerprint": suite.fingerprint,
            "metric": suite.metric,
            "direction": suite.direction,
            "quick": quick,
        },
        "model": {
            "id": checkpoint.alias or checkpoint.model,
            "fingerprint": checkpoint.fingerprint,
            "adapter": str(checkpoint.adapter) if checkpoint.adapter else None,
        },
        "engine": engine.to_dict(),
        "decoding": suite.decoding.to_dict(),
        "score": round(result.score, 6),
        "categories": {k: round(v, 6) for k, v in result.by_category().items()},
        **({"tiers": {k: round(v, 6) for k, v in result.by_tier().items()}} if result.by_tier() else {}),
        "cases": [c.to_dict() for c in result.cases],
    }
    if probe is not None:
        data["probe"] = probe  # the base model's logits fingerprint (capcheck.probe)
    return data


def score_range(suite: Any) -> tuple[float, float]:
    """Where a case score of `suite` can lie: [0, 1] for scored cases, [0, MAX_LOSS] for passages.

    Suites that list no cases (lm-eval tasks) have metrics of any scale: only |score| <= SCORE_LIMIT.
    """
    cases = getattr(suite, "cases", None)
    if not cases:
        return -SCORE_LIMIT, SCORE_LIMIT
    if isinstance(cases[0], PassageCase):  # a suite never mixes passages with scored cases
        return 0.0, MAX_LOSS
    return 0.0, 1.0


class _NonFinite(str):
    """A NaN / Infinity token, or a number too large for a float (1e400), kept as its text."""


def _finite_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _finite_int(text: str) -> int | _NonFinite:
    # Beyond ~308 digits an int overflows float() later (and beyond 4300 int() itself refuses).
    return int(text) if len(text.lstrip("-")) <= 300 else _NonFinite(text[:20] + "...")


def loads(text: str) -> Any:
    """json.loads that never turns a token into NaN or infinity: such tokens stay _NonFinite markers."""
    return json.loads(text, parse_constant=_NonFinite, parse_float=_finite_float, parse_int=_finite_int)


def nonfinite_places(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(JSON path, token) of every non-finite number in `data`: the markers `loads` left, NaN or infinite floats."""
    found: list[tuple[tuple[Any, ...], str]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:  # iterative: a file nested nearly to the recursion limit must not crash the walk
        at, value = stack.pop()
        if isinstance(value, _NonFinite):
            found.append((at, str(value)))
        elif isinstance(value, float) and not math.isfinite(value):
            found.append((at, show(value)))
        elif isinstance(value, dict):
            stack.extend((at + (k,), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((at + (i,), v) for i, v in reversed(list(enumerate(value))))
    return found


def _where(data: Any, at: tuple[Any, ...]) -> str:
    """A JSON path as a person reads it: "case 'a/1' (cases/0/score)" under cases, else the path."""
    path = "/".join(map(str, at))
    if len(at) >= 2 and at[0] == "cases" and isinstance(data, dict):
        case = data["cases"][at[1]]
        if isinstance(case, dict) and isinstance(case.get("id"), str):
            return f"case {case['id']!r} ({path})"
    return path


def dumps(data: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, UTF-8 kept, trailing newline; NaN and infinity refused."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def write(path: Path, data: dict[str, Any]) -> None:
    places = nonfinite_places(data)
    if places:  # our own bug, never a user's: to_json checks the scores first
        raise BaselineError(f"refusing to write a baseline {path} holding a non-finite number at "
                            + ", ".join(_where(data, at) for at, _ in places[:5]))
    errors = _schema_errors(data)
    if errors:  # our own bug, never a user's: refuse to write a file we could not read back
        raise BaselineError(f"refusing to write an invalid baseline {path}: " + "; ".join(errors))
    text = dumps(data)
    write_text_atomic(path, text)
    validated.mark_passed("baseline", _schema_text(), text)


@dataclass(frozen=True)
class Lookup:
    """What looking for a suite's baseline found: one to compare with, or why there is none."""

    status: Literal["found", "missing", "stale", "unreadable"]
    baseline: Baseline | None = None
    """The file's baseline (also when stale)."""
    problem: str = ""
    """What is wrong and the command that fixes it (all but found)."""


def lookup(path: Path, suite: GatedSuite, record_hint: str, fingerprint: str | None) -> Lookup:
    """The baseline of `suite` at `path`, checked; `fingerprint` None: the suite knows it only once it ran."""
    try:
        found = read(path, suite, record_hint)
    except BaselineMissing as exc:
        return Lookup("missing", problem=str(exc))
    except BaselineError as exc:
        return Lookup("unreadable", problem=str(exc))
    if fingerprint is not None and found.data["suite"]["fingerprint"] != fingerprint:
        return Lookup("stale", found, stale_message(found, fingerprint, record_hint))
    return Lookup("found", found)


def stale_message(found: Baseline, fingerprint: str, record_hint: str) -> str:
    return (
        f"the baseline {found.path} was recorded for another version of the suite "
        f"(fingerprint {found.data['suite']['fingerprint']}, now {fingerprint}): its cases or "
        f"scoring changed. Re-record it with:\n    {record_hint}"
    )


def read(path: Path, suite: GatedSuite, record_hint: str) -> Baseline:
    """Load and check a baseline for `suite`; every problem names the file and the fix."""
    if not path.is_file():
        raise BaselineMissing(
            f"no baseline for suite '{suite.name}' at {path}. Record one from the base model with:\n"
            f"    {record_hint}"
        )
    try:
        text = path.read_text(encoding="utf-8")
        data = loads(text)
    except OSError as exc:
        raise BaselineError(f"baseline {path} cannot be read ({exc.strerror or exc}). Check its permissions.") from exc
    except RecursionError as exc:
        raise BaselineError(f"baseline {path} nests too deeply to be a capcheck baseline. Re-record it with:\n    {record_hint}") from exc
    except UnicodeDecodeError as exc:
        raise BaselineError(f"baseline {path} is not UTF-8 text ({exc}). Re-record it with:\n    {record_hint}") from exc
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"baseline {path} is not valid JSON ({exc.msg}, line {exc.lineno}); the file may be truncated. "
            f"Restore it from version control or re-record it with:\n    {record_hint}"
        ) from exc
    validated.check_once("baseline", _schema_text(), text, lambda: _check_document(path, data, record_hint))
    if data["suite"]["name"] != suite.name:
        raise BaselineError(
            f"baseline {path} belongs to suite '{data['suite']['name']}', not '{suite.name}'. "
            f"Move it back or re-record with:\n    {record_hint}"
        )
    _check_cases(path, data, suite, record_hint)
    cases = tuple(CaseResult.from_dict(c) for c in data["cases"])
    _check_scores(path, cases, suite, record_hint)
    result = SuiteResult(suite.name, data["suite"]["fingerprint"], data["suite"]["metric"], data["suite"]["direction"], cases)
    return Baseline(result=result, data=data, path=path)


def _check_document(path: Path, data: Any, record_hint: str) -> None:
    """Finite numbers, this schema version, the baseline schema: what any baseline file must hold.

    The schema pins schema_version, so a file marked as having passed (capcheck.validated) holds
    this version too."""
    places = nonfinite_places(data)
    if places:
        shown = "; ".join(f"{_where(data, at)} holds {token}" for at, token in places[:5])
        raise BaselineError(
            f"baseline {path} holds {len(places)} number(s) that are not finite: {shown}. A baseline must "
            f"hold finite scores (NaN or Infinity usually means a float16 overflow when it was recorded, or a "
            f"hand edit). Re-record it with:\n    {record_hint}"
        )
    if isinstance(data, dict) and data.get("schema_version") not in (None, SCHEMA_VERSION):
        raise BaselineError(
            f"baseline {path} has schema version {data.get('schema_version')!r}; this capcheck reads "
            f"version {SCHEMA_VERSION}. Re-record it with:\n    {record_hint}"
        )
    errors = _schema_errors(data)
    if errors:
        raise BaselineError(
            f"baseline {path} does not match the baseline schema:\n  " + "\n  ".join(errors)
            + f"\nRe-record it with:\n    {record_hint}"
        )


def _check_cases(path: Path, data: dict[str, Any], suite: GatedSuite, record_hint: str) -> None:
    """Case ids must be unique; a full baseline of this suite version must hold every case."""
    ids = [c["id"] for c in data["cases"]]
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise BaselineError(
            f"baseline {path} lists case(s) {', '.join(map(repr, repeated[:5]))} more than once; the file was "
            f"edited or merged by hand. Restore it from version control or re-record it with:\n    {record_hint}"
        )
    cases = getattr(suite, "cases", None)  # suites from other harnesses may not list their cases
    if cases is None or data["suite"]["fingerprint"] != suite.fingerprint or data["suite"].get("quick"):
        return  # a stale baseline is reported as stale; a quick one holds a subset by design
    known = set(ids)
    missing = [c.id for c in cases if c.id not in known]
    if missing:
        shown = ", ".join(map(repr, missing[:5])) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise BaselineError(
            f"baseline {path} is missing {len(missing)} of the suite's {len(cases)} cases ({shown}), "
            "although it was recorded for this version of the suite: it was cut or edited by hand. Restore it "
            f"from version control or re-record it with:\n    {record_hint}"
        )


def _check_scores(path: Path, cases: tuple[CaseResult, ...], suite: GatedSuite, record_hint: str) -> None:
    """Every stored score lies in its suite's range: a finite but absurd one (1e308) would overflow the statistics."""
    low, high = score_range(suite)
    bad = bad_cases(cases, low, high)
    if bad:
        raise BaselineError(
            f"baseline {path} holds {len(bad)} score(s) outside [{show(low)}, {show(high)}], the range of suite "
            f"'{suite.name}': {describe(bad, prefix='case ')}. The file was edited "
            f"by hand or recorded by a broken engine. Re-record it with:\n    {record_hint}"
        )
