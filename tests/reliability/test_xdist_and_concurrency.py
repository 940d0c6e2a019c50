"""Parallel runs: pytest-xdist is refused with the reason before any inference; two processes
writing the same baseline leave one whole file (the last writer's), never a mix."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _project import SUITE_FILE, one_line, snapshot


def test_xdist_workers_refuse_capability_suites(pytester: pytest.Pytester, tiny_model_dir: Path) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_suites=SUITE_FILE + "\ndef test_unrelated():\n    pass\n")
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "scripted"\n')
    before = snapshot(pytester.path)
    result = pytester.runpytest_subprocess("-n", "2", "--model", str(tiny_model_dir), "-p", "no:cacheprovider")
    out = one_line(result.stdout.str())
    assert result.ret != 0
    assert "capcheck suites cannot run under pytest-xdist (-n): every worker would load the model and repeat " \
           "the inference that capcheck batches once per session" in out
    assert "passed" not in out.split("short test summary")[-1]  # nothing ran: no test, no inference
    after = {k: v for k, v in snapshot(pytester.path).items() if k not in ("stdout", "stderr")}  # pytester's logs
    assert after == before  # no baselines written


WRITER = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from capcheck import baseline

    path, tag, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    data = json.loads(Path(sys.argv[4]).read_text())
    for i in range(rounds):
        data["recorded_at"] = f"{tag}-{i:04d}"
        for case in data["cases"]:
            case["output"] = tag * 200  # a large file: a torn write would be easy to see
        baseline.write(path, data)
''')


def _template(tmp_path: Path) -> Path:
    data = {
        "schema_version": 1, "capcheck_version": "0", "recorded_at": "",
        "suite": {"name": "s", "version": "1", "fingerprint": "f", "metric": "accuracy", "direction": "higher"},
        "model": {"id": "m", "fingerprint": "x"}, "engine": {"name": "hf", "version": "1", "dtype": "float32"},
        "decoding": {"temperature": 0.0, "max_tokens": 8, "stop": [], "seed": 0}, "score": 1.0,
        "cases": [{"id": f"c/{i}", "score": 1.0} for i in range(300)],
    }
    path = tmp_path / "template.json"
    path.write_text(json.dumps(data))
    return path


def test_two_processes_recording_at_once_leave_a_whole_file(tmp_path: Path) -> None:
    from capcheck.baseline import dumps

    target = tmp_path / "baselines" / "m" / "s.json"
    template = _template(tmp_path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rounds = 60
    writers = [subprocess.Popen([sys.executable, str(script), str(target), tag, str(rounds), str(template)])
               for tag in ("A", "B")]
    seen = set()
    while any(w.poll() is None for w in writers):  # read while both write: every read is a whole file
        if target.exists():
            text = target.read_text(encoding="utf-8")
            data = json.loads(text)  # never torn
            tag = data["recorded_at"][0]
            assert dumps(data) == text and all(c["output"] == tag * 200 for c in data["cases"])
            seen.add(tag)
    assert [w.returncode for w in writers] == [0, 0]
    final = json.loads(target.read_text(encoding="utf-8"))
    tag = final["recorded_at"][0]
    assert final["recorded_at"] == f"{tag}-{rounds - 1:04d}"  # the last writer's last, whole
    assert all(c["output"] == tag * 200 for c in final["cases"])
    assert [p.name for p in target.parent.iterdir()] == ["s.json"]  # no temp files left behind
    assert seen  # the reader did see the file while it was being replaced
