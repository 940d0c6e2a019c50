"""Settings of a capcheck run: command-line options over [tool.capcheck] over defaults."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from capcheck.errors import CapcheckError


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
    report: str | None = None
    """--capcheck-report: write the verdicts to a .json, .md or .html file."""
    holm: bool = False
    """Holm-adjust the suites' p-values across the session."""
    calibrate: bool = False
    """Measure the engine noise floor against the baselines instead of judging (capcheck calibrate)."""
    cache_dir: str = ".capcheck_cache"
    """Result cache folder, relative to the project (pytest's rootdir)."""
    no_cache: bool = False
    """--capcheck-no-cache: neither read nor write the result cache."""
    lm_eval_tasks: str | None = None
    """--lm-eval-tasks: comma-separated lm-eval tasks or groups gated as suites."""
    lm_eval_include: str | None = None
    """--lm-eval-include: folder of extra lm-eval task YAMLs (include_path)."""
    engine_extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.inconclusive not in ("fail", "pass"):
            raise CapcheckError(f"inconclusive = {self.inconclusive!r}: use 'fail' or 'pass'.")
        if self.batch_size < 1:
            raise CapcheckError(f"--batch-size {self.batch_size}: must be at least 1.")
        if self.streams is not None and self.streams < 1:
            raise CapcheckError(f"--capcheck-streams {self.streams}: must be at least 1.")
        if not 0 < self.alpha < 1:
            raise CapcheckError(f"--capcheck-alpha {self.alpha}: must be between 0 and 1.")
        if self.tolerance is not None and self.tolerance < 0:
            raise CapcheckError(f"--tolerance {self.tolerance}: must be >= 0.")
        if self.report is not None:
            from capcheck.report.files import check_path

            check_path(self.report)
        if self.dtype not in ("float32", "bfloat16", "float16"):
            raise CapcheckError(f"--dtype {self.dtype!r}: choose float32, bfloat16 or float16.")

    @property
    def torch_threads(self) -> int | None:
        """--capcheck-threads when given; else None: torch uses every core (measured here:
        two threads generate 1.3x and score 1.9x faster than one on an idle 2-core machine)."""
        return self.threads or None


SETTING_NAMES = {f.name for f in fields(Settings)}


def pyproject_defaults(rootdir: Path) -> dict[str, Any]:
    """The [tool.capcheck] table of rootdir/pyproject.toml, checked for unknown keys."""
    path = rootdir / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CapcheckError(f"{path} is not valid TOML ({exc}); fix it to use its [tool.capcheck] defaults.") from exc
    table = data.get("tool", {}).get("capcheck", {})
    unknown = sorted(set(table) - SETTING_NAMES)
    if unknown:
        raise CapcheckError(
            f"{path} [tool.capcheck] has unknown key(s) {', '.join(unknown)}; "
            f"known keys: {', '.join(sorted(SETTING_NAMES))}."
        )
    return dict(table)


def merge(cli: dict[str, Any], defaults: dict[str, Any]) -> Settings:
    """Command-line values (None = not given) win over the pyproject table."""
    values = dict(defaults)
    given = {k: v for k, v in cli.items() if v is not None and v is not False}
    # Engine options merge key by key: one --vllm-* flag does not drop the pyproject table.
    if "engine_extra" in given:
        given["engine_extra"] = {**values.get("engine_extra", {}), **given["engine_extra"]}
    values.update(given)
    try:
        return Settings(**values)
    except TypeError as exc:
        raise CapcheckError(f"bad capcheck setting: {exc}") from exc
