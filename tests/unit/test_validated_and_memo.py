"""Work a cached rerun skips: schema validation of unchanged files, and lints already made.

Both are shortcuts that must never change an answer: a changed file is validated in full,
an invalid one is never marked, a memo answers exactly what the computation would, and a
broken memo falls back to computing.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck import baseline as baselines
from capcheck import suite as suite_module
from capcheck.cache import ResultCache
from capcheck.cases import ChoiceCase
from capcheck.checkpoint import Checkpoint
from capcheck.checks import memo, writing
from capcheck.engines.base import EngineInfo
from capcheck.errors import BaselineError, SuiteDataError
from capcheck.results import CaseResult, SuiteResult
from capcheck.suite import Suite, load_cases


@pytest.fixture(autouse=True)
def own_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPCHECK_CACHE_DIR", str(tmp_path / "user-cache"))


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _case_line(i: int, answer: object = 0) -> str:
    return json.dumps({"kind": "choice", "id": f"c/{i}", "context": "Pick:", "options": ["a", "b"], "answer": answer}) + "\n"


def test_an_unchanged_case_file_is_validated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(_case_line(i) for i in range(5)))
    calls = _count_calls(monkeypatch, suite_module, "validate_case")
    first = load_cases(path)
    assert len(calls) == 5
    second = load_cases(path)
    assert len(calls) == 5 and second == first


def test_a_changed_case_file_is_validated_again_and_its_error_reported(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(_case_line(i) for i in range(5)))
    load_cases(path)
    path.write_text("".join(_case_line(i) for i in range(4)) + _case_line(4, answer="zero"))
    for _ in range(2):  # an invalid file is never marked: the second read reports it too
        with pytest.raises(SuiteDataError, match=r"cases.jsonl:5: the case does not match the suite case schema"):
            load_cases(path)


def _baseline(tmp_path: Path) -> tuple[Path, Suite]:
    suite = Suite("s", tuple(ChoiceCase(id=f"c/{i}", options=("a", "b"), answer=0) for i in range(6)))
    result = SuiteResult("s", suite.fingerprint, "accuracy", "higher",
                         tuple(CaseResult(id=f"c/{i}", score=1.0, output="a") for i in range(6)))
    data = baselines.to_json(result, suite, Checkpoint(model="/m", alias="m"), EngineInfo("hf", "t", "float32"))
    path = tmp_path / "s.json"
    baselines.write(path, data)
    return path, suite


def test_an_unchanged_baseline_is_validated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, suite = _baseline(tmp_path)
    calls = _count_calls(monkeypatch, baselines, "_schema_errors")
    baselines.read(path, suite, "hint")
    assert calls == [], "a file capcheck wrote itself passed the schema when it was written"
    path.write_text(json.dumps(json.loads(path.read_text())))  # the same data in other bytes, as a hand edit
    first = baselines.read(path, suite, "hint")
    second = baselines.read(path, suite, "hint")
    assert len(calls) == 1 and second.result == first.result


@pytest.mark.parametrize("damage, message", [
    (lambda d: d["cases"][0].update(score="high"), "does not match the baseline schema"),
    (lambda d: d["cases"][0].update(score=float("nan")), "not finite"),
])
def test_a_changed_baseline_is_checked_in_full(tmp_path: Path, damage, message: str) -> None:
    path, suite = _baseline(tmp_path)
    baselines.read(path, suite, "hint")
    data = json.loads(path.read_text())
    damage(data)
    path.write_text(json.dumps(data))
    for _ in range(2):
        with pytest.raises(BaselineError, match=message):
            baselines.read(path, suite, "hint")


def test_the_memo_computes_once_per_namespace_and_key(tmp_path: Path) -> None:
    store = ResultCache(tmp_path / "cache")
    computed: list[str] = []

    def compute(value: str) -> list[tuple[str, str]]:
        computed.append(value)
        return [("Spelling", value)]

    with memo.using(store):
        assert memo.remembered("ns-1", "k", lambda: compute("x")) == [["Spelling", "x"]]
        assert memo.remembered("ns-1", "k", lambda: compute("y")) == [["Spelling", "x"]]
        assert memo.remembered("ns-2", "k", lambda: compute("z")) == [["Spelling", "z"]]
    assert computed == ["x", "z"]
    # Outside the block nothing is stored or read, and the answer has the same shape.
    assert memo.remembered("ns-1", "k", lambda: compute("w")) == [["Spelling", "w"]]
    store.close()


def test_a_broken_memo_falls_back_to_computing() -> None:
    class Broken:
        def get_many(self, context: str, keys: object) -> dict:
            raise OSError("disk gone")

        def put_many(self, context: str, kind: str, items: object) -> None:
            raise OSError("disk gone")

    with memo.using(Broken()):
        assert memo.remembered("ns", "k", lambda: [1, 2]) == [1, 2]


TEXTS = [
    "The ocean covers most of the Earth, and it is home to many creatures, from plankton to whales.",
    "I recieve the colour of the centre, and teh honour is mine.",  # US-only, UK-only and both-wrong spellings
    "Mr Thwaite met Ngozi in Abergavenny on Tuesday.",  # capitalised names are not errors
    "She dont like it. Their going to the park tomorow.",
]


def test_lints_are_the_same_with_and_without_the_memo_and_stored_ones_are_used(tmp_path: Path) -> None:
    plain = [writing.lint_errors(t) for t in TEXTS]
    assert any(plain), "the texts must hold counted errors, or the comparison proves nothing"
    store = ResultCache(tmp_path / "cache")
    with memo.using(store):
        assert [writing.lint_errors(t) for t in TEXTS] == plain  # computed and stored
        assert [writing.lint_errors(t) for t in TEXTS] == plain  # read back
        # The stored answer is what is returned: plant one and read it.
        key = writing.hashlib.sha256(TEXTS[0].encode()).hexdigest()
        store.put_many(writing._memo_namespace(), "memo", [(key, json.dumps([["Grammar", "planted"]]))])
        assert writing.lint_errors(TEXTS[0]) == [("Grammar", "planted")]
    store.close()
