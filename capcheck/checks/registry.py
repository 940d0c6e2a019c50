"""The registry of check functions, by name.

A check takes the model's output and keyword arguments from the case data and
returns True/False, a float in [0, 1], or (score, info) where info is a small dict
of measurements kept in the case's details (e.g. lint errors per 100 words). A check that raises scores its case as
failed, with the error recorded; it never stops the run. An unknown name or an argument the
function does not take is refused when the suite is built (spec_problem), never scored.
"""
from __future__ import annotations

import difflib
import inspect
from functools import lru_cache
from typing import Any, Callable, Mapping

CheckFn = Callable[..., "bool | float | tuple[bool | float, dict[str, Any]]"]
_CHECKS: dict[str, CheckFn] = {}
MAX_OUTPUT_CHARS = 20_000
"""Outputs longer than this are cut before any check sees them (no check needs more)."""


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    """Decorator: make a function available to suite data as {"name": name}."""

    def wrap(fn: CheckFn) -> CheckFn:
        if name in _CHECKS and _CHECKS[name] is not fn:
            raise ValueError(f"check {name!r} is registered twice")
        _CHECKS[name] = fn
        return fn

    return wrap


def get(name: str) -> CheckFn:
    try:
        return _CHECKS[name]
    except KeyError:
        known = ", ".join(sorted(_CHECKS))
        raise KeyError(f"unknown check {name!r}; known checks: {known}") from None


def names() -> list[str]:
    return sorted(_CHECKS)


def spec_problem(name: str, args: Mapping[str, Any]) -> str | None:
    """What is wrong with naming check `name` with keyword `args`, or None when it can run.

    Found when a suite is built, so a typo is an error there, not a case that scores 0.
    """
    fn = _CHECKS.get(name)
    if fn is None:
        close = difflib.get_close_matches(name, _CHECKS, n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        return (
            f"unknown check {name!r}. {hint}Known checks: {', '.join(names())}. Fix the name, or register the "
            f"function with @capcheck.checks.register({name!r}) in code the suite file imports before it builds the suite."
        )
    params = _parameters(fn)
    named = [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    takes = [p.name for p in named]
    if not any(p.kind is p.VAR_KEYWORD for p in params):
        unknown = [k for k in args if k not in takes]
        if unknown:
            close = difflib.get_close_matches(unknown[0], takes, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return (
                f"check {name!r} does not take the argument{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))}{hint}; it takes {', '.join(takes) or 'no arguments'}. "
                "Fix the argument name."
            )
    missing = [p.name for p in named if p.default is p.empty and p.name not in args]
    if missing:
        return (f"check {name!r} needs the argument{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))}. Add it to the check's args.")
    return None


@lru_cache(maxsize=None)
def _parameters(fn: CheckFn) -> list[inspect.Parameter]:
    """A check's keyword parameters: all but the first, which receives the output."""
    return list(inspect.signature(fn).parameters.values())[1:]


def run_check(name: str, output: str, args: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """Score `output` with a check: (score in [0, 1], info). A check that raises scores 0
    and its error is recorded in info["error"]."""
    try:
        fn = get(name)
        value = fn(sanitize(output), **args)
        info: dict[str, Any] = {}
        if isinstance(value, tuple):
            value, info = value
        score = (1.0 if value else 0.0) if isinstance(value, bool) else max(0.0, min(1.0, float(value)))
        if score != score:  # NaN
            return 0.0, {"error": "check returned NaN"}
        return score, dict(info)
    except Exception as exc:  # a check must never crash the run
        return 0.0, {"error": f"{type(exc).__name__}: {exc}"[:300]}


def sanitize(output: Any) -> str:
    """A bounded, printable str: decode bytes leniently, drop control characters, cap the length."""
    if isinstance(output, bytes):
        output = output.decode("utf-8", errors="replace")
    text = str(output)[:MAX_OUTPUT_CHARS]
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
