"""Suites: a named, versioned set of cases with a metric, a direction and a tolerance."""
from __future__ import annotations

import hashlib
import json
import math
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Iterable, Literal, Protocol

from capcheck import validated
from capcheck.cases import (
    KIND_OF,
    Case,
    CheckSpec,
    PassageCase,
    case_from_dict,
    case_to_dict,
)
from capcheck.errors import SuiteDataError
from capcheck.requests import Decoding

Direction = Literal["higher", "lower"]
SCORER_VERSION = "1"
"""Bump when the way cases are scored changes: every suite fingerprint changes with it."""


class GatedSuite(Protocol):
    """What the gate needs of any suite, built-in or lm-eval, to read, judge and record its baseline."""

    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def decoding(self) -> Decoding: ...

    def quick(self) -> "GatedSuite": ...


@dataclass(frozen=True)
class Suite:
    """A capability suite.

    The metric is the mean of the per-case scores. For choice, completion and
    conversation cases a case scores in [0, 1] (higher is better); for passages it
    is the mean per-token loss (lower is better).
    """

    name: str
    cases: tuple[Case, ...]
    metric: str = "accuracy"
    direction: Direction = "higher"
    tolerance: float = 0.02
    """Largest worsening of the metric (absolute, in metric units) that still passes."""
    chance: float | None = None
    """Score of a model that guesses (for the reader; not used in the verdict)."""
    decoding: Decoding = field(default_factory=Decoding)
    system_prompt: str | None = None
    """Prepended as a system message to every chat prompt of the suite."""
    version: str = "1"
    description: str = ""
    quick_size: int = 60
    """Cases kept by --capcheck-quick (a stratified, fixed subset)."""

    def __post_init__(self) -> None:
        if not self.cases:
            raise SuiteDataError(f"suite {self.name!r} has no cases")
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise SuiteDataError(
                    f"suite {self.name!r}: case id {case.id!r} appears twice. "
                    "Case ids must be unique and stable; rename one of them."
                )
            seen.add(case.id)
            _check_answers(self.name, case)
            problem = check_problem(case)
            if problem:
                raise SuiteDataError(f"{_construction_site()}: suite {self.name!r}, case {case.id!r}: {problem}")
        if self.direction not in ("higher", "lower"):
            raise SuiteDataError(f"suite {self.name!r}: direction must be 'higher' or 'lower'")
        if not (isinstance(self.tolerance, (int, float)) and math.isfinite(self.tolerance) and self.tolerance >= 0):
            raise SuiteDataError(f"{_construction_site()}: suite {self.name!r}: tolerance={self.tolerance!r} must be a "
                                 "finite number >= 0 (absolute, in metric units, e.g. 0.02).")
        kinds = {type(c) for c in self.cases}
        if PassageCase in kinds and len(kinds) > 1:
            raise SuiteDataError(
                f"suite {self.name!r} mixes passages (loss, lower is better) with scored cases; "
                "put passages in a suite of their own."
            )

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever a case, the scoring settings or the scorer changes."""
        payload = {
            "scorer": SCORER_VERSION,
            "version": self.version,
            "metric": self.metric,
            "direction": self.direction,
            "decoding": self.decoding.to_dict(),
            "system_prompt": self.system_prompt,
            "cases": [case_to_dict(c) for c in self.cases],
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    @property
    def slug(self) -> str:
        """File name stem for the suite's baseline."""
        return self.name.replace("/", "--")

    def quick(self) -> "Suite":
        """A fixed subset stratified by category, for fast local iteration.

        Categories take turns; within a category, picks follow a low-discrepancy order
        (multiples of the golden ratio mod 1), so any prefix is spread over the category.
        """
        if len(self.cases) <= self.quick_size:
            return self
        by_category: dict[str, list[Case]] = {}
        for case in self.cases:
            by_category.setdefault(case.category, []).append(case)
        queues = [
            [items[i] for i in sorted(range(len(items)), key=lambda i: (i * 0.6180339887498949) % 1.0)]
            for items in by_category.values()
        ]
        picked: list[Case] = []
        depth = 0
        while len(picked) < self.quick_size:
            for queue in queues:
                if depth < len(queue) and len(picked) < self.quick_size:
                    picked.append(queue[depth])
            depth += 1
        order = {c.id: i for i, c in enumerate(self.cases)}
        picked.sort(key=lambda c: order[c.id])
        return replace(self, cases=tuple(picked))

    @property
    def categories(self) -> list[str]:
        return sorted({c.category for c in self.cases})

    @classmethod
    def from_jsonl(cls, name: str, path: str | Path, **settings: Any) -> "Suite":
        """Load cases from a JSONL file validated against the package's case schema."""
        return cls(name=name, cases=tuple(load_cases(Path(path))), **settings)

    @classmethod
    def from_generator(cls, name: str, generate: Callable[[], Iterable[Case]], **settings: Any) -> "Suite":
        """Build a suite from a deterministic generator (seed it inside)."""
        return cls(name=name, cases=tuple(generate()), **settings)


@lru_cache(maxsize=None)
def case_schema() -> dict:
    text = resources.files("capcheck.schemas").joinpath("case.schema.json").read_text()
    return json.loads(text)


@lru_cache(maxsize=None)
def _schema_text() -> str:
    return json.dumps(case_schema(), sort_keys=True)


@lru_cache(maxsize=None)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(case_schema())


def validate_case(data: Any, where: str) -> None:
    """Raise SuiteDataError listing every schema error of one case, with its JSON path."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors[:5]]
        raise SuiteDataError(f"{where}: the case does not match the suite case schema:\n" + "\n".join(lines))


def load_cases(path: Path) -> list[Case]:
    """Read and validate a JSONL file of cases; errors name the file and line."""
    if not path.is_file():
        raise SuiteDataError(f"suite data file {path} does not exist.")
    cases: list[Case] = []
    with path.open(encoding="utf-8", errors="strict") as handle:
        try:
            lines = list(handle)
        except UnicodeDecodeError as exc:
            raise SuiteDataError(f"{path}: not valid UTF-8 ({exc}). Save the file as UTF-8.") from exc
    document, schema = "".join(lines), _schema_text()
    known_valid = validated.passed_before("suite cases", schema, document)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            raise SuiteDataError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}). Fix or remove the line.") from exc
        except RecursionError as exc:
            raise SuiteDataError(f"{where}: JSON nested too deeply to be a case. Fix or remove the line.") from exc
        if not known_valid:
            validate_case(data, where)
        try:
            case = case_from_dict(data)
        except (TypeError, ValueError, KeyError) as exc:  # valid by the schema, refused by the case type
            raise SuiteDataError(f"{where}: the case cannot be built ({type(exc).__name__}: {exc}). Fix the line.") from exc
        problem = check_problem(case)
        if problem:  # here, while the line number is known (the Suite would name only the .py file)
            raise SuiteDataError(f"{where}: case {case.id!r}: {problem}")
        cases.append(case)
    if not known_valid:
        validated.mark_passed("suite cases", schema, document)
    return cases


def check_problem(case: Case) -> str | None:
    """What is wrong with the first bad check a case names (unknown, or wrong arguments), or None."""
    from capcheck.checks import registry  # the package import registers the built-in checks

    for spec in case.check_specs():
        problem = registry.spec_problem(spec.name, spec.kwargs)
        if problem:
            return problem
    return None


def _construction_site() -> str:
    """file:line of the code that built the suite: the first caller outside this module and cases.py.

    A suite file that raises at import is a collection error whose traceback pytest's
    report drops, so the message itself must say where to look.
    """
    skipped = {__file__, sys.modules[CheckSpec.__module__].__file__}
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name not in skipped and not name.startswith("<"):  # "<string>": a dataclass's generated __init__
            return f"{name}:{frame.f_lineno}"
        frame = frame.f_back
    return "(unknown file)"


def _check_answers(suite: str, case: Case) -> None:
    for options, answer in case.answer_choices():
        if not 0 <= answer < len(options):
            raise SuiteDataError(
                f"suite {suite!r}, case {case.id!r}: answer index {answer} is outside its "
                f"{len(options)} options (indices start at 0)."
            )


def case_kinds(suite: Suite) -> set[str]:
    return {KIND_OF[type(c)] for c in suite.cases}
