"""`capcheck demo` needs no capcheck clone: the built-in suites and installed baselines serve it."""
from __future__ import annotations

from pathlib import Path

import pytest

from capcheck.builtin import suites_dir
from capcheck.demo.run import _check_inputs, run_demo
from capcheck.errors import CapcheckError


def test_an_empty_folder_has_what_the_demo_needs(tmp_path: Path) -> None:
    _check_inputs(suites_dir(), tmp_path)  # no suites/, no baselines/ here: the installed ones serve


def test_bad_demo_inputs_are_refused_before_any_training(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("capcheck.demo.run.train", lambda *a, **k: pytest.fail("no training may start"))
    with pytest.raises(CapcheckError, match="--suites .*no such file or folder"):
        _check_inputs(tmp_path / "missing", tmp_path)
    assert run_demo(["--suites", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert run_demo(["--project", str(tmp_path / "nowhere")]) == 2


def test_bad_watcher_settings_are_refused_before_any_training(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("capcheck.demo.run.train", lambda *a, **k: pytest.fail("no training may start"))
    monkeypatch.setattr("capcheck.demo.run.domain_score", lambda *a, **k: pytest.fail("no model may load"))
    assert run_demo(["--watch-looks", "-1"]) == 2
    assert "--watch-looks -1" in capsys.readouterr().err
    assert run_demo(["--recipes", "full-ft", "--watch-looks", "21"]) == 2  # full-ft trains 20 steps
    assert "21 looks do not fit in a run of 20 steps" in capsys.readouterr().err
