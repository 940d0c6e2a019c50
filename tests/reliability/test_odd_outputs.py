"""Odd model behaviour and absurd outputs: recorded and noted, scored as failed, never a crash."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _project import gate, healthy_engine, make_project, one_line, read_json, snapshot

from capcheck.checks import registry


def test_tokenizer_without_chat_template_warns_in_the_baseline(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    """The real hf engine on a tiny model whose tokenizer has no chat template."""
    model = pytester.path / "no-template"
    shutil.copytree(tiny_model_dir, model)
    (model / "chat_template.jinja").unlink()
    config = json.loads((model / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (model / "tokenizer_config.json").write_text(json.dumps(config))
    make_project(pytester)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\nthreads = 1\n')
    code, out = gate(capsys, "--model", str(model), "-k", "arith", record=True)
    assert code == 0, out
    data = read_json(pytester.path / "baselines" / "no-template" / "arith.json")
    assert data["engine"]["warnings"] == [
        "the tokenizer has no chat template; chats were rendered as plain 'System:/User:/Assistant:' text, "
        "which the model may not follow well"
    ]
    assert data["cases"][0]["prompt"]  # the run went on with the plain format


def test_empty_generations_fail_their_cases_with_a_note(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    make_project(pytester)
    healthy_engine(monkeypatch)
    assert gate(capsys, "--model", str(tiny_model_dir), record=True)[0] == 0
    healthy_engine(monkeypatch, reply=lambda prompt: "")
    before = snapshot(pytester.path)
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    assert code == 1, out  # a regression, judged; not a crash
    text = one_line(out)
    assert "suite arith: REGRESSED" in text
    assert "note: 10 of 10 replies were empty; they score as failed" in text
    assert snapshot(pytester.path) == before


def test_generations_hitting_max_tokens_are_noted(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    make_project(pytester)
    healthy_engine(monkeypatch)
    assert gate(capsys, "--model", str(tiny_model_dir), record=True)[0] == 0
    # A chatty model: the scripted engine reports 'length' when the reply reaches max_tokens (128 words).
    healthy_engine(monkeypatch, reply=lambda prompt: "well " * 200)
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    assert code == 1, out
    text = one_line(out)
    assert "note: 10 of 10 replies hit the max-token limit and were cut off; if right answers are being cut, " \
           "raise the suite's Decoding max_tokens" in text


ABSURD = {
    "500-digit number": "1" * 500,
    "negative 500 digits": "-" + "9" * 500 + ".5",
    "10 MB of text": "word " * 2_000_000,
    "10 MB without spaces": "x" * 10_000_000,
    "invalid UTF-8 bytes": b"\xff\xfe\xfa answer \xc3\x28 42",
    "lone surrogates": "42 \udcff\ud800 answer",
    "control characters": "\x00\x01\x02\x1b[31m42\x07\x08\x7f" * 1000,
}


def _specs(item: dict) -> list[dict]:
    found = item.get("check", item.get("checks", []))
    return [found] if isinstance(found, dict) else list(found)


def _all_check_calls() -> list[tuple[str, dict]]:
    """Every check used by the built-in suites, with the arguments its cases give it."""
    root = Path(__file__).parents[2] / "suites" / "data"
    calls: dict[str, dict] = {}
    for path in sorted(root.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            specs = _specs(case)
            for turn in case.get("turns", []):
                specs += _specs(turn)
            for spec in specs:
                calls.setdefault(spec["name"], spec.get("args", {}))
    return sorted(calls.items())


@pytest.mark.parametrize("kind", list(ABSURD))
def test_absurd_output_scores_every_check_without_crashing(kind: str) -> None:
    calls = _all_check_calls()
    assert len(calls) >= 10  # the suites' checks are all here
    for name, args in calls:
        score, info = registry.run_check(name, ABSURD[kind], args)  # type: ignore[arg-type]
        assert 0.0 <= score <= 1.0, (name, score, info)
        assert "error" not in info, (name, info)  # handled by the check itself, not by the safety net
    # A number check expecting 42 never passes on absurd output.
    assert registry.run_check("number", ABSURD[kind], {"value": 42})[0] == 0.0 or "42" in str(ABSURD[kind])


def test_absurd_outputs_end_to_end_are_stored_bounded(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    make_project(pytester)
    replies = list(ABSURD.values())
    healthy_engine(monkeypatch, reply=lambda prompt: replies[int(prompt[-1].content.split()[0]) % len(replies)])
    code, out = gate(capsys, "--model", str(tiny_model_dir), "-k", "arith", record=True)
    assert code == 0, out
    path = pytester.path / "baselines" / tiny_model_dir.name.lower() / "arith.json"
    data = read_json(path)
    assert all(c["score"] == 0.0 for c in data["cases"])
    assert path.stat().st_size < 500_000  # outputs are cut to a bounded, printable form
    assert all(ch.isprintable() or ch in "\n\t" for c in data["cases"] for ch in c.get("output", ""))
