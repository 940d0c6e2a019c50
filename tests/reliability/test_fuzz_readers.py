"""Fuzzing the readers of user files: whatever the bytes, the baseline reader raises only
BaselineError and the suite-data reader only SuiteDataError (capcheck/errors.py)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capcheck import baseline
from capcheck.cases import ChoiceCase
from capcheck.errors import BaselineError, SuiteDataError
from capcheck.suite import Suite

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUITE = Suite("fuzz", tuple(ChoiceCase(id=f"c/{i}", options=("a", "b"), answer=0) for i in range(3)))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _valid_baseline() -> dict[str, Any]:
    return {
        "schema_version": 1, "capcheck_version": "0.1.0",
        "suite": {"name": "fuzz", "version": "1", "fingerprint": SUITE.fingerprint, "metric": "accuracy",
                  "direction": "higher"},
        "model": {"id": "m", "fingerprint": "f"}, "engine": {"name": "hf", "version": "1", "dtype": "float32"},
        "decoding": {"temperature": 0.0, "max_tokens": 8, "stop": [], "seed": 0}, "score": 1.0,
        "cases": [{"id": f"c/{i}", "score": 1.0} for i in range(3)],
        "probe": {"version": 1, "engine": "hf", "dtype": "float32", "items": {"a": {"logprob": -1.0, "tokens": 2}}},
    }


def _mutate(data: Any, path: list[Any], value: Any) -> Any:
    """Replace the value at a path of keys/indexes (as far as it exists) with `value`."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    key = path[0]
    if isinstance(data, dict):
        key = key if isinstance(key, str) and key in data else sorted(data)[hash(str(key)) % len(data)]
        return {**data, key: _mutate(data[key], path[1:], value)}
    index = key % len(data) if isinstance(key, int) else 0
    return [*data[:index], _mutate(data[index], path[1:], value), *data[index + 1:]]


def _read_baseline(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(content)
        try:
            baseline.read(path, SUITE, "capcheck record")
        except BaselineError:
            pass


def _read_suite(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        path.write_bytes(content)
        try:
            Suite.from_jsonl("fuzz", path)
        except SuiteDataError:
            pass


@FUZZ
@given(st.binary(max_size=300))
def test_baseline_reader_on_random_bytes(content: bytes) -> None:
    _read_baseline(content)


@FUZZ
@given(json_values)
def test_baseline_reader_on_random_json(value: Any) -> None:
    _read_baseline(json.dumps(value).encode())


@FUZZ
@given(st.lists(st.text(max_size=10) | st.integers(0, 5), max_size=4), json_values, st.integers(0, 3))
def test_baseline_reader_on_mutated_baselines(path: list[Any], value: Any, cut: int) -> None:
    text = json.dumps(_mutate(_valid_baseline(), path, value))
    _read_baseline(text.encode() if cut == 0 else text[: len(text) * cut // 4].encode())


def test_baseline_reader_on_deep_nesting() -> None:
    _read_baseline(b"[" * 100_000 + b"]" * 100_000)


VALID_CASES = [
    {"kind": "choice", "id": "a/1", "options": ["x", "y"], "answer": 1, "context": [{"role": "user", "content": "q"}]},
    {"kind": "completion", "id": "a/2", "prompt": "p", "check": [{"name": "number", "args": {"value": 3}}],
     "max_tokens": 4},
    {"kind": "conversation", "id": "a/3", "turns": [{"user": "hi", "check": {"name": "conv_one_word"},
                                                      "recall": {"options": ["a", "b"], "answer": 0}}]},
    {"kind": "passage", "id": "a/4", "text": "some text"},
]
check_args = st.dictionaries(st.sampled_from(["name", "value", "args", "cls", "self", "x"]), json_values, max_size=3)


@FUZZ
@given(st.binary(max_size=300))
def test_suite_reader_on_random_bytes(content: bytes) -> None:
    _read_suite(content)


@FUZZ
@given(st.lists(json_values, max_size=4))
def test_suite_reader_on_random_json_lines(values: list[Any]) -> None:
    _read_suite("\n".join(json.dumps(v) for v in values).encode())


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 3), st.lists(st.text(max_size=8) | st.integers(0, 3), max_size=4),
                          json_values | check_args), min_size=1, max_size=4))
def test_suite_reader_on_mutated_cases(edits: list[tuple[int, list[Any], Any]]) -> None:
    lines = [json.dumps(_mutate(VALID_CASES[which], path, value)) for which, path, value in edits]
    _read_suite("\n".join(lines).encode())


@FUZZ
@given(check_args)
def test_suite_reader_on_any_check_arguments(args: dict[str, Any]) -> None:
    case = {"kind": "completion", "id": "a/1", "prompt": "p", "check": {"name": "number", "args": args}}
    _read_suite(json.dumps(case).encode())
