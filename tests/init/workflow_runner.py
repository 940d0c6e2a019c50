"""Run a GitHub Actions workflow's shell steps locally, the way a runner would.

Only the subset capcheck's workflow uses is supported, and anything else is refused
(WorkflowError) rather than run differently from GitHub: one job; `run:` steps in bash with
no `${{ ... }}` expressions in their text or env; `if:` absent or `always()`. `uses:`
steps (checkout, setup-python, cache, upload) are skipped: they need GitHub itself.
"""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
"""GitHub's `shell: bash`: `bash --noprofile --norc -eo pipefail {0}`."""
STEP_KEYS = {"name", "id", "run", "uses", "with", "env", "if", "shell", "working-directory", "timeout-minutes"}
ALWAYS = {"always()", "${{ always() }}"}


class WorkflowError(Exception):
    """The workflow uses something this runner cannot run the way GitHub would."""


@dataclass(frozen=True)
class StepResult:
    name: str
    status: str
    """"ran" (see returncode), "skipped" (an earlier step failed) or "uses" (an action, not run here)."""
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    summary: str = ""
    """What the step appended to $GITHUB_STEP_SUMMARY."""
    outputs: dict[str, str] = field(default_factory=dict)
    """What the step wrote to $GITHUB_OUTPUT."""

    @property
    def failed(self) -> bool:
        return self.status == "ran" and self.returncode != 0


def load_steps(path: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The workflow- and job-level env merged, and the single job's steps; refuses what it cannot run."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(workflow, dict) or not isinstance(workflow.get("jobs"), dict):
        raise WorkflowError(f"{path}: not a workflow (no jobs: table)")
    if len(workflow["jobs"]) != 1:
        raise WorkflowError(f"{path}: {len(workflow['jobs'])} jobs; this runner runs a workflow of exactly one")
    (job_name, job), = workflow["jobs"].items()
    steps = job.get("steps")
    if not isinstance(steps, list) or not steps:
        raise WorkflowError(f"{path}: job {job_name!r} has no steps")
    for level, holder in (("workflow", workflow), ("job", job)):
        shell = (holder.get("defaults") or {}).get("run", {}).get("shell")
        if shell not in (None, "bash"):
            raise WorkflowError(f"{path}: {level} defaults.run.shell {shell!r}; only bash is supported")
    env = {**_env(path, "workflow", workflow.get("env")), **_env(path, f"job {job_name}", job.get("env"))}
    for number, step in enumerate(steps, start=1):
        _check_step(path, number, step)
    return env, steps


def _env(path: Path, where: str, table: Any) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise WorkflowError(f"{path}: {where} env is not a table")
    out = {}
    for key, value in table.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)  # GitHub writes booleans as true/false
        if "${{" in text:
            raise WorkflowError(f"{path}: {where} env {key} holds an expression ({text!r}); it cannot be evaluated here")
        out[str(key)] = text
    return out


def _check_step(path: Path, number: int, step: Any) -> None:
    where = f"{path}: step {number}"
    if not isinstance(step, dict):
        raise WorkflowError(f"{where} is not a mapping")
    unknown = set(step) - STEP_KEYS
    if unknown:
        raise WorkflowError(f"{where} uses {', '.join(sorted(unknown))}, which this runner does not support")
    if ("run" in step) == ("uses" in step):
        raise WorkflowError(f"{where} must have exactly one of run: and uses:")
    condition = step.get("if")
    if condition is not None and str(condition).strip() not in ALWAYS:
        raise WorkflowError(f"{where} has if: {condition!r}; only no if: or if: always() are supported")
    if "run" in step:
        if not isinstance(step["run"], str):
            raise WorkflowError(f"{where}: run: is not text")
        if "${{" in step["run"]:
            raise WorkflowError(f"{where}: the run: text holds a ${{{{ }}}} expression; use an env variable instead")
        if step.get("shell", "bash") != "bash":
            raise WorkflowError(f"{where} has shell: {step['shell']!r}; only bash is supported")
        _env(path, f"step {number}", step.get("env"))


def run_github_workflow(path: Path, cwd: Path, env: dict[str, str], timeout: float | None = None) -> list[StepResult]:
    """Run the workflow's `run:` steps in order in `cwd`; one StepResult per step, `uses:` steps included.

    `env` is the whole environment of every step (pass os.environ's PATH, HOME... in it): the
    workflow's, job's and step's env are merged under it, so `env` wins for the keys it sets.
    A step without `if:` runs while every earlier step succeeded; `if: always()` runs anyway.
    """
    base, steps = load_steps(path)
    results: list[StepResult] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="workflow-") as scratch:
        for number, step in enumerate(steps, start=1):
            name = str(step.get("name") or step.get("uses") or f"step {number}")
            always = step.get("if") is not None
            if "uses" in step:
                results.append(StepResult(name, "uses"))
                continue
            if failed and not always:
                results.append(StepResult(name, "skipped"))
                continue
            folder = Path(scratch) / f"step-{number}"
            folder.mkdir()
            summary, output, script = folder / "summary.md", folder / "output", folder / "script.sh"
            summary.touch()
            output.touch()
            script.write_text(step["run"], encoding="utf-8")
            step_env = {
                **base, **_env(path, f"step {number}", step.get("env")), **env,
                "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
            }
            workdir = cwd / step["working-directory"] if step.get("working-directory") else cwd
            done = subprocess.run([*BASH, str(script)], cwd=workdir, env=step_env, capture_output=True,
                                  text=True, timeout=timeout)
            results.append(StepResult(name, "ran", done.returncode, done.stdout, done.stderr,
                                      summary.read_text(encoding="utf-8"), _outputs(output.read_text(encoding="utf-8"))))
            failed = failed or done.returncode != 0
    return results


def _outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT's `key=value` lines and `key<<DELIMITER` blocks."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            for item in lines:
                if item == delimiter:
                    break
                body.append(item)
            out[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
    return out
