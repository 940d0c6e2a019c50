"""Feed the gate bad inputs as a careless or hostile user would, and print what each one got.

    python scripts/hostile_inputs.py [--only NAME,NAME]

Each case builds its input in a fresh temporary project (a copy of the embedded model, its
recorded baselines of one quick suite, the real hf engine), runs `capcheck gate` or
`capcheck record` as a subprocess with a timeout, and prints one row: the input, the exit
code, the seconds it took, whether the model was loaded (the summary's "load" figure or the
engine's progress lines) and the message's first line. A row that hangs shows "timeout".
Nothing here is a test; tests/reliability/ holds the tests. This is the list quoted in the
closing notes of the reliability issues.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
CAPCHECK = [sys.executable, "-m", "capcheck.cli"]
SUITE = "test_fluency"  # the quickest built-in suite: 30 passages in quick mode


def run(cwd: Path, *args: str, timeout: float = 240) -> tuple[str, float, str, bool]:
    start = time.perf_counter()
    try:
        out = subprocess.run([*CAPCHECK, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                             env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start, "(killed after the timeout)", False
    seconds = time.perf_counter() - start
    text = out.stdout + out.stderr
    lines = [line for line in text.splitlines() if "error" in line.lower() or "could not run" in line
             or line.startswith(("suite ", "- "))]
    message = lines[0] if lines else (text.strip().splitlines() or [""])[-1]
    loaded = "scoring passages" in text or "generating" in text
    if "Traceback" in text or "INTERNALERROR" in text:
        message = "TRACEBACK: " + message
    return str(out.returncode), seconds, message.strip()[:220], loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=None)
    ns = parser.parse_args()
    from capcheck.checkpoint import embedded_dir

    embedded = embedded_dir()
    with tempfile.TemporaryDirectory(prefix="capcheck-hostile-") as tmp:
        root = Path(tmp)
        model = root / "model"
        shutil.copytree(embedded, model)
        base_project = root / "base-project"
        base_project.mkdir()
        code, _, message, _ = run(base_project, "record", "--model", str(model), "-k", SUITE, "--capcheck-quick",
                                  "--capcheck-suites", "builtin")
        assert code == "0", message
        baseline = base_project / "baselines" / "model" / "fluency.json"

        made: list[Path] = []

        def project(name: str) -> Path:
            folder = root / f"{name}-{len(made)}"
            made.append(folder)
            shutil.copytree(base_project, folder, ignore=shutil.ignore_patterns(".capcheck_cache"))
            return folder

        def model_copy(name: str, edit: Callable[[Path], None]) -> Path:
            folder = root / f"model-{name}-{len(made)}"
            shutil.copytree(model, folder)
            edit(folder)
            return folder

        def edit_json(path: Path, change: Callable[[dict], None], raw: Callable[[str], str] | None = None) -> None:
            data = json.loads(path.read_text())
            change(data)
            text = json.dumps(data)
            path.write_text(raw(text) if raw else text)

        gate = ["gate", "--model", str(model), "-k", SUITE, "--capcheck-quick", "--capcheck-suites", "builtin",
                "--capcheck-no-cache"]
        cases: dict[str, Callable[[], tuple[Path, list[str]]]] = {}

        def case(name: str) -> Callable[[Callable[[], tuple[Path, list[str]]]], None]:
            def add(fn: Callable[[], tuple[Path, list[str]]]) -> None:
                cases[name] = fn
            return add

        @case("healthy: the same model (control)")
        def _() -> tuple[Path, list[str]]:
            return project("ok"), gate

        for option, value in (("--tolerance", "nan"), ("--tolerance", "inf"), ("--tolerance", "-1"),
                              ("--capcheck-alpha", "nan"), ("--capcheck-alpha", "1"), ("--capcheck-threads", "-1"),
                              ("--capcheck-streams", "0"), ("--batch-size", "0"), ("--batch-size", "1e9"),
                              ("--dtype", "float8"), ("--engine", "tpu")):
            @case(f"option {option} {value}")
            def _(option: str = option, value: str = value) -> tuple[Path, list[str]]:
                return project("opt"), [*gate, option, value]

        for line in ('quick = "no"', "tolerance = nan", 'batch_size = "32"', "batch_size = true",
                     "threads = -4", 'report = "out.pdf"', "engne = \"hf\"", "[tool.capcheck.engine_extra]\ntensor_paralel_size = 2",
                     "baselines = ["):
            @case(f"pyproject {line.splitlines()[0]}")
            def _(line: str = line) -> tuple[Path, list[str]]:
                folder = project("cfg")
                (folder / "pyproject.toml").write_text(f"[tool.capcheck]\n{line}\n")
                return folder, gate

        @case("capcheck.toml and [tool.capcheck] both")
        def _() -> tuple[Path, list[str]]:
            folder = project("both")
            (folder / "pyproject.toml").write_text("[tool.capcheck]\nengine = \"hf\"\n")
            (folder / "capcheck.toml").write_text("quick = true\n")
            return folder, gate

        baseline_edits: dict[str, Callable[[str], str]] = {
            "a case score NaN": lambda t: t.replace('"score": ', '"score": NaN, "x": ', 1),
            "a case score Infinity": lambda t: t.replace('"score": ', '"score": Infinity, "x": ', 1),
            "a case score 1e308": lambda t: t.replace('"score": ', '"score": 1e308, "x": ', 1),
            "a case score 1e400": lambda t: t.replace('"score": ', '"score": 1e400, "x": ', 1),
            "a case score -5": lambda t: t.replace('"score": ', '"score": -5, "x": ', 1),
            "truncated in half": lambda t: t[: len(t) // 2],
            "empty file": lambda t: "",
            "a JSON list": lambda t: "[]",
            "schema version 7": lambda t: t.replace('"schema_version": 1', '"schema_version": 7'),
            "stale fingerprint": lambda t: json.dumps({**json.loads(t), "suite": {**json.loads(t)["suite"], "fingerprint": "0" * 16}}),
            "not UTF-8": lambda t: t,
        }
        for label, change in baseline_edits.items():
            @case(f"baseline: {label}")
            def _(label: str = label, change: Callable[[str], str] = change) -> tuple[Path, list[str]]:
                folder = project("bl")
                path = folder / "baselines" / "model" / "fluency.json"
                text = path.read_text()
                if label == "not UTF-8":
                    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
                else:
                    path.write_text(change(text))
                return folder, gate

        @case("baseline: deleted")
        def _() -> tuple[Path, list[str]]:
            folder = project("bl-gone")
            (folder / "baselines" / "model" / "fluency.json").unlink()
            return folder, gate

        @case("--baselines mistyped folder")
        def _() -> tuple[Path, list[str]]:
            return project("bl-typo"), [*gate, "--baselines", "baselnes"]

        @case("noise floor with drift NaN")
        def _() -> tuple[Path, list[str]]:
            folder = project("noise")
            fp = json.loads(baseline.read_text())["suite"]["fingerprint"]
            (folder / "baselines" / "model" / "noise-floor.json").write_text(
                '{"schema_version": 1, "capcheck_version": "0.1.0", "measured_at": "2026-01-01T00:00:00Z", '
                '"model": {"id": "m", "fingerprint": "f"}, "engine": {"name": "hf"}, "suites": {"fluency": '
                '{"n": 30, "changed": 1, "worsened": 1, "drift": NaN, "suite_fingerprint": "' + fp + '", "runs": "x"}}}')
            return folder, gate

        @case("quick re-record over a full baseline")
        def _() -> tuple[Path, list[str]]:
            folder = project("shrink")
            code, _, message, _ = run(folder, "record", "--model", str(model), "-k", SUITE, "--capcheck-suites", "builtin")
            assert code == "0", message
            return folder, ["record", "--model", str(model), "-k", SUITE, "--capcheck-quick", "--capcheck-suites", "builtin"]

        @case("--report into a missing folder")
        def _() -> tuple[Path, list[str]]:
            return project("rep"), [*gate, "--report", "no/such/dir/v.json"]

        @case("--report with a .pdf suffix")
        def _() -> tuple[Path, list[str]]:
            return project("rep2"), [*gate, "--report", "v.pdf"]

        @case("--report is a folder")
        def _() -> tuple[Path, list[str]]:
            folder = project("rep3")
            (folder / "v.json").mkdir()
            return folder, [*gate, "--report", "v.json"]

        @case("--hub-eval-results missing folder")
        def _() -> tuple[Path, list[str]]:
            return project("hub"), [*gate, "--hub-eval-results", "no-repo"]

        model_edits: dict[str, Callable[[Path], None]] = {
            "config.json not JSON": lambda d: (d / "config.json").write_text("{\"model_type\": llama"),
            "config.json a list": lambda d: (d / "config.json").write_text("[1, 2]"),
            "unknown model_type": lambda d: edit_json(d / "config.json", lambda c: c.update(model_type="lama")),
            "no tokenizer files": lambda d: [p.unlink() for p in d.iterdir() if p.name.startswith(("tokenizer", "vocab", "merges", "special"))],
            "weights truncated": lambda d: (d / "model.safetensors").write_bytes((d / "model.safetensors").read_bytes()[:1000]),
            "weights a named pipe": lambda d: ((d / "model.safetensors").unlink(), os.mkfifo(d / "model.safetensors")),
            "config.json a named pipe": lambda d: ((d / "config.json").unlink(), os.mkfifo(d / "config.json")),
            "weights a link to /dev/zero": lambda d: ((d / "model.safetensors").unlink(), (d / "model.safetensors").symlink_to("/dev/zero")),
            "weights a broken link": lambda d: ((d / "model.safetensors").unlink(), (d / "model.safetensors").symlink_to(d / "gone")),
            "pickle weights only": lambda d: (d / "model.safetensors").rename(d / "pytorch_model.bin"),
            "remote code (auto_map)": lambda d: edit_json(d / "config.json", lambda c: c.update(auto_map={"AutoModelForCausalLM": "x.Y"})),
            "vocab_size 0": lambda d: edit_json(d / "config.json", lambda c: c.update(vocab_size=0)),
        }
        for label, edit in model_edits.items():
            @case(f"--model: {label}")
            def _(label: str = label, edit: Callable[[Path], None] = edit) -> tuple[Path, list[str]]:
                bad = model_copy(label.replace(" ", "-").replace("/", "-"), edit)
                return project("m"), ["gate", "--model", str(bad), "-k", SUITE, "--capcheck-quick",
                                      "--capcheck-suites", "builtin", "--capcheck-no-cache", "--capcheck-base", "model"]

        @case("--model: a file, not a folder")
        def _() -> tuple[Path, list[str]]:
            return project("mf"), [*gate[:2], str(model / "config.json"), *gate[3:]]

        @case("--model: no such folder")
        def _() -> tuple[Path, list[str]]:
            return project("mn"), [*gate[:2], str(root / "nowhere"), *gate[3:]]

        def adapter(name: str, config: dict) -> Path:
            folder = root / f"adapter-{name}"
            folder.mkdir()
            import numpy as np
            from safetensors.numpy import save_file

            save_file({"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight": np.zeros((4, 576), np.float32),
                       "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight": np.zeros((576, 4), np.float32)},
                      str(folder / "adapter_model.safetensors"))
            (folder / "adapter_config.json").write_text(json.dumps({
                "peft_type": "LORA", "base_model_name_or_path": str(model), "r": 4, "lora_alpha": 8,
                "target_modules": ["q_proj"], "task_type": "CAUSAL_LM", **config}))
            return folder

        for label, config in (("r: 0", {"r": 0}), ("target modules the base lacks", {"target_modules": ["c_attn"]}),
                              ("base model missing", {"base_model_name_or_path": str(root / "no-base")})):
            @case(f"--adapter: {label}")
            def _(label: str = label, config: dict = config) -> tuple[Path, list[str]]:
                return project("a"), ["gate", "--model", str(adapter(label.split()[0].strip(":"), config)), "-k", SUITE,
                                      "--capcheck-quick", "--capcheck-suites", "builtin", "--capcheck-no-cache"]

        @case("suite data: unknown check name")
        def _() -> tuple[Path, list[str]]:
            folder = project("suite")
            (folder / "test_mine.py").write_text(
                "from capcheck import CompletionCase, CheckSpec, Suite, suite_test, user\n"
                "mine = Suite('mine', (CompletionCase(id='a', prompt=user('hi'), checks=(CheckSpec.make('no_such_check'),)),))\n"
                "test_mine = suite_test(mine)\n")
            return folder, ["record", "--model", str(model), "--suites", "test_mine.py", "--capcheck-suites", "project"]

        @case("suite data: a check given an argument it does not take")
        def _() -> tuple[Path, list[str]]:
            folder = project("suite2")
            (folder / "test_mine.py").write_text(
                "from capcheck import CompletionCase, CheckSpec, Suite, suite_test, user\n"
                "mine = Suite('mine', (CompletionCase(id='a', prompt=user('hi'), checks=(CheckSpec.make('number', valu=3),)),))\n"
                "test_mine = suite_test(mine)\n")
            return folder, ["record", "--model", str(model), "--suites", "test_mine.py", "--capcheck-suites", "project"]

        @case("--suites path that does not exist")
        def _() -> tuple[Path, list[str]]:
            return project("s3"), ["gate", "--model", str(model), "--suites", "nope/"]

        wanted = set(ns.only.split(",")) if ns.only else None
        print(f"{'input':58} {'exit':>7} {'s':>6}  loaded  message")
        for name, build in cases.items():
            if wanted and not any(w in name for w in wanted):
                continue
            cwd, args = build()
            code, seconds, message, loaded = run(cwd, *args)
            print(f"{name:58} {code:>7} {seconds:6.1f}  {'yes' if loaded else 'no':6}  {message}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
