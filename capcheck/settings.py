"""Settings of a capcheck run: command-line options over the project's config over defaults.

The project's config is the `[tool.capcheck]` table of pyproject.toml or, in a repository
without a pyproject.toml, a `capcheck.toml` holding the same keys at top level. Every value
is type-checked where it is read, so `quick = "no"` is an error, not quick mode.
"""
from __future__ import annotations

import math
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from capcheck.errors import CapcheckError

SUITE_CHOICES = ("all", "builtin", "project")
CONFIG_FILE = "capcheck.toml"


REPORT_SUFFIXES = (".json", ".md", ".html")
"""--capcheck-report PATH: the suffix picks the format (capcheck.report.files renders each)."""


def check_report_path(path: str) -> None:
    """Refuse an unknown report suffix when the options are read, before any inference runs."""
    if Path(path).suffix.lower() not in REPORT_SUFFIXES:
        raise CapcheckError(
            f"--capcheck-report {path}: the suffix picks the format; use .json (machine-readable), "
            ".md (a pull-request comment) or .html (a self-contained page)."
        )


@dataclass(frozen=True)
class Settings:
    model: str | None = None
    adapter: str | None = None
    engine: str = "auto"
    baselines: str = "baselines"
    base: str | None = None
    """Folder under baselines/ to compare with; derived from the model when unset."""
    record: bool = False
    tolerance: float | None = None
    dtype: str = "float32"
    batch_size: int = 32
    threads: int | None = None
    streams: int | None = None
    """--capcheck-streams: greedy generation and scoring streams side by side on a CPU (hf); None: 2 with 2+ threads."""
    quick: bool = False
    alpha: float = 0.05
    inconclusive: str = "fail"
    allow_pickle: bool = False
    trust_remote_code: bool = False
    suites: str | None = None
    """--capcheck-suites: which suites run: all (built-in and the project's), builtin or project;
    None: all, or only the paths given when pytest is given paths."""
    suite_paths: tuple[str, ...] = ()
    """The project's own suite files or folders, relative to the project (`capcheck gate` runs them)."""
    report: tuple[str, ...] = ()
    """--capcheck-report: write the verdicts to .json, .md and/or .html files (one run, several formats)."""
    holm: bool = False
    """Holm-adjust the suites' p-values across the session."""
    calibrate: bool = False
    """Measure the engine noise floor against the baselines instead of judging (capcheck calibrate)."""
    cache_dir: str = ".capcheck_cache"
    """Result cache folder, relative to the project."""
    no_cache: bool = False
    """--capcheck-no-cache: neither read nor write the result cache."""
    lm_eval_tasks: str | None = None
    """--lm-eval-tasks: comma-separated lm-eval tasks or groups gated as suites."""
    lm_eval_include: str | None = None
    """--lm-eval-include: folder of extra lm-eval task YAMLs (include_path)."""
    mlflow: str | None = None
    """--mlflow: MLflow tracking URI that gets one run per gate."""
    mlflow_experiment: str = "capcheck"
    hub_eval_results: str | None = None
    """--hub-eval-results: a Hugging Face model repository folder whose .eval_results/ gets one file per suite."""
    engine_extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_choice("--capcheck-inconclusive", self.inconclusive, ("fail", "pass"))
        if self.suites is not None:
            _check_choice("--capcheck-suites", self.suites, SUITE_CHOICES)
        _check_choice("--dtype", self.dtype, ("float32", "bfloat16", "float16"))
        _check_at_least("--batch-size", self.batch_size, 1)
        _check_at_least("--capcheck-threads", self.threads, 1)
        _check_at_least("--capcheck-streams", self.streams, 1)
        if not (math.isfinite(self.alpha) and 0 < self.alpha < 1):
            raise CapcheckError(f"--capcheck-alpha {self.alpha}: must be a number between 0 and 1, e.g. 0.05.")
        if self.tolerance is not None and not (math.isfinite(self.tolerance) and self.tolerance >= 0):
            raise CapcheckError(
                f"--tolerance {self.tolerance}: must be a finite number >= 0 (absolute, in metric units, e.g. 0.02); "
                "leave it out to use each suite's own tolerance."
            )
        for path in self.report:
            check_report_path(path)

    @property
    def torch_threads(self) -> int | None:
        """--capcheck-threads when given; else None: torch uses every core (measured here:
        two threads generate 1.3x and score 1.9x faster than one on an idle 2-core machine)."""
        return self.threads


def _check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise CapcheckError(f"{option} {value!r}: choose one of {', '.join(choices)}.")


def _check_at_least(option: str, value: int | None, least: int) -> None:
    if value is not None and value < least:
        raise CapcheckError(f"{option} {value}: must be at least {least}.")


SETTING_NAMES = {f.name for f in fields(Settings)}
_TYPES = typing.get_type_hints(Settings)


def find_project(start: Path, inipath: Path | None = None) -> Path:
    """The project folder: where pyproject.toml / capcheck.toml and baselines/ are looked up.

    pytest's config file decides when it has one (its rootdir guess can be thrown off by
    option values such as --model PATH); else the nearest folder at or above `start` that
    holds a capcheck.toml or a pyproject.toml, not looking past a git repository's top;
    else `start` itself.
    """
    if inipath is not None:
        return Path(inipath).parent
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / "pyproject.toml").is_file():
            return folder
        if (folder / ".git").exists():
            break
    return start


def project_defaults(project: Path) -> dict[str, Any]:
    """The project's capcheck config, type-checked: [tool.capcheck] of pyproject.toml or capcheck.toml."""
    pyproject, own = project / "pyproject.toml", project / CONFIG_FILE
    table: dict[str, Any] = {}
    source = None
    if pyproject.is_file():
        found = _read_toml(pyproject).get("tool", {}).get("capcheck")
        if found is not None:
            table, source = found, f"{pyproject} [tool.capcheck]"
    if own.is_file():
        if source is not None:
            raise CapcheckError(
                f"capcheck settings are in both {pyproject} ([tool.capcheck]) and {own}; keep one of them."
            )
        table, source = _read_toml(own), str(own)
    if source is None:
        return {}
    if not isinstance(table, dict):
        raise CapcheckError(f"{source} must be a table of settings.")
    return {key: _checked(source, key, value) for key, value in table.items()}


pyproject_defaults = project_defaults  # the name older callers use


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CapcheckError(f"{path} is not valid TOML ({exc}); fix it to use its capcheck settings.") from exc


def _checked(source: str, key: str, value: Any) -> Any:
    """`value` of config key `key` in the type its setting has, or a CapcheckError naming both."""
    if key not in SETTING_NAMES:
        raise CapcheckError(
            f"{source} has an unknown key {key!r}; known keys: {', '.join(sorted(SETTING_NAMES))}."
        )
    want = _TYPES[key]
    optional = type(None) in typing.get_args(want) and isinstance(want, types.UnionType)
    if optional:
        want = next(t for t in typing.get_args(want) if t is not type(None))
    origin = typing.get_origin(want) or want
    if origin is tuple:  # a list of strings; one string is a list of one
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return tuple(items)
        return _wrong(source, key, value, "a string or a list of strings, e.g. [\"a\", \"b\"]")
    if origin is dict:
        return value if isinstance(value, dict) else _wrong(source, key, value, "a table")
    if origin is bool:
        return value if isinstance(value, bool) else _wrong(source, key, value, "true or false (no quotes)")
    if origin is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return value if ok else _wrong(source, key, value, "a whole number (no quotes)")
    if origin is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        return float(value) if ok else _wrong(source, key, value, "a finite number (no quotes)")
    if origin is str:
        return value if isinstance(value, str) else _wrong(source, key, value, "a string (in quotes)")
    raise AssertionError(f"setting {key} has a type the config reader does not know: {want}")


def _wrong(source: str, key: str, value: Any, expected: str) -> Any:
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    raise CapcheckError(f"{source}: {key} = {shown} is not valid; {key} must be {expected}.")


def merge(cli: dict[str, Any], defaults: dict[str, Any]) -> Settings:
    """Command-line values (None = not given) win over the project's config."""
    values = dict(defaults)
    given = {k: v for k, v in cli.items() if v is not None and v is not False and v != ()}
    # Engine options merge key by key: one --vllm-* flag does not drop the config's table.
    if "engine_extra" in given:
        given["engine_extra"] = {**values.get("engine_extra", {}), **given["engine_extra"]}
    values.update(given)
    for key in ("report", "suite_paths"):
        if isinstance(values.get(key), str):
            values[key] = (values[key],)
        elif isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    try:
        return Settings(**values)
    except TypeError as exc:
        raise CapcheckError(f"bad capcheck setting: {exc}") from exc
