"""Baselines: a base model's stored SuiteResult with its provenance.

One JSON file per suite under baselines/<model-slug>/, stable formatting, validated
with jsonschema on read and write, written atomically.
"""
from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from capcheck import __version__
from capcheck.atomic import write_text_atomic
from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import EngineInfo
from capcheck.errors import BaselineError
from capcheck.results import CaseResult, SuiteResult
from capcheck.suite import Suite

SCHEMA_VERSION = 1


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


def baseline_path(root: Path, model_slug: str, suite: Suite) -> Path:
    return root / model_slug / f"{suite.slug}.json"


@lru_cache(maxsize=None)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(resources.files("capcheck.schemas").joinpath("baseline.schema.json").read_text())
    return Draft202012Validator(schema)


def _schema_errors(data: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in errors[:5]]


def to_json(
    result: SuiteResult,
    suite: Suite,
    checkpoint: Checkpoint,
    engine: EngineInfo,
    *,
    quick: bool = False,
    probe: dict[str, Any] | None = None,
) -> dict[str, Any]:
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
        "cases": [c.to_dict() for c in result.cases],
    }
    if probe is not None:
        data["probe"] = probe  # the base model's logits fingerprint (capcheck.probe)
    return data


def dumps(data: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: Path, data: dict[str, Any]) -> None:
    errors = _schema_errors(data)
    if errors:  # our own bug, never a user's: refuse to write a file we could not read back
        raise BaselineError(f"refusing to write an invalid baseline {path}: " + "; ".join(errors))
    write_text_atomic(path, dumps(data))


def read(path: Path, suite: Suite, record_hint: str) -> Baseline:
    """Load and check a baseline for `suite`; every problem names the file and the fix."""
    if not path.is_file():
        raise BaselineError(
            f"no baseline for suite '{suite.name}' at {path}. Record one from the base model with:\n"
            f"    {record_hint}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
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
    if data["suite"]["name"] != suite.name:
        raise BaselineError(
            f"baseline {path} belongs to suite '{data['suite']['name']}', not '{suite.name}'. "
            f"Move it back or re-record with:\n    {record_hint}"
        )
    _check_cases(path, data, suite, record_hint)
    cases = tuple(CaseResult.from_dict(c) for c in data["cases"])
    result = SuiteResult(suite.name, data["suite"]["fingerprint"], data["suite"]["metric"], data["suite"]["direction"], cases)
    return Baseline(result=result, data=data, path=path)


def _check_cases(path: Path, data: dict[str, Any], suite: Suite, record_hint: str) -> None:
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
