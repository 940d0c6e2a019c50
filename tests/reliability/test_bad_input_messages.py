"""Bad suite checks and bad model/adapter files: one paragraph naming the file and the fix, found
before a model loads wherever the files show it, never a traceback, never a hang."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from _project import SUITE_FILE, gate, healthy_engine, make_project, one_line, snapshot

PIPE_TIMEOUT_S = 60
"""A run that opens a named pipe blocks forever: the pipe tests run pytest in a subprocess killed after this."""


@dataclass
class Project:
    """A throwaway project whose engine records every model it would load (none, for bad input)."""

    root: Path
    loaded: list
    capsys: pytest.CaptureFixture[str]

    def suite(self, text: str) -> Path:
        path = self.root / "test_suites.py"
        path.write_text(text.lstrip())
        return path

    def refused(self, *args: str, record: bool = False) -> str:
        """The gate exits 2 before any model loads and changes nothing; its output on one line."""
        before = snapshot(self.root)
        code, out = gate(self.capsys, *args, record=record)
        assert code == 2, out
        assert "Traceback" not in out and "INTERNALERROR" not in out, out
        assert self.loaded == [], "a model was loaded before the bad input was found"
        assert snapshot(self.root) == before
        return one_line(out)

    def accepted(self, *args: str) -> None:
        code, out = gate(self.capsys, *args, record=True)
        assert code == 0, out


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Project:
    make_project(pytester)
    return Project(pytester.path, healthy_engine(monkeypatch), capsys)


def model_copy(tiny_model_dir: Path, root: Path) -> Path:
    folder = root / "model"
    shutil.copytree(tiny_model_dir, folder)
    return folder


def edit_json(path: Path, **changes: object) -> None:
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.fixture(scope="module")
def lora_dir(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> Path:
    """A real rank-4 LoRA adapter on q_proj/v_proj of the tiny model."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_model_dir),
                           LoraConfig(r=4, target_modules=["q_proj", "v_proj"]))
    out = tmp_path_factory.mktemp("lora")
    model.save_pretrained(out)
    edit_json(out / "adapter_config.json", base_model_name_or_path=str(tiny_model_dir))
    return out


def adapter_copy(lora_dir: Path, root: Path, **changes: object) -> Path:
    folder = root / "adapter"
    shutil.copytree(lora_dir, folder)
    edit_json(folder / "adapter_config.json", **changes)
    return folder


# --- checks named by suites -----------------------------------------------------------

SUITE_FROM_JSONL = '''
from pathlib import Path
from capcheck import Suite, suite_test
data = Suite.from_jsonl("data", Path(__file__).parent / "cases.jsonl")
test_data = suite_test(data)
'''


def jsonl_cases(project: Project, *checks: dict) -> None:
    """A suite of completion cases c/001, c/002, ... each judged by one of `checks`."""
    project.suite(SUITE_FROM_JSONL)
    lines = [json.dumps({"kind": "completion", "id": f"c/{n:03d}", "prompt": "1 plus one?", "check": check})
             for n, check in enumerate(checks, 1)]
    (project.root / "cases.jsonl").write_text("\n".join(lines) + "\n")


def test_unknown_check_in_jsonl(project: Project) -> None:
    jsonl_cases(project, {"name": "number", "args": {"value": 2}}, {"name": "no_such_check"})
    out = project.refused(record=True)  # recording must not store a suite whose case would score 0
    assert "cases.jsonl:2: case 'c/002': unknown check 'no_such_check'. Known checks: all_lowercase," in out
    assert "Fix the name, or register the function with @capcheck.checks.register('no_such_check')" in out
    assert not (project.root / "baselines").exists()


def test_unknown_check_in_python_suite(project: Project) -> None:
    path = project.suite(SUITE_FILE.replace('CheckSpec.make("number", value=i + 1)', 'CheckSpec.make("no_such_check")'))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("arith = Suite"))
    out = project.refused(record=True)
    assert f"{path}:{line}: suite 'arith', case 'add/000': unknown check 'no_such_check'. Known checks:" in out
    assert not (project.root / "baselines").exists()


def test_check_given_an_argument_it_does_not_take(project: Project) -> None:
    project.suite(SUITE_FILE.replace("value=i + 1", "valu=i + 1"))
    out = project.refused(record=True)
    assert ("suite 'arith', case 'add/000': check 'number' does not take the argument 'valu' "
            "(did you mean 'value'?); it takes value, tolerance. Fix the argument name.") in out


def test_check_missing_a_required_argument(project: Project) -> None:
    jsonl_cases(project, {"name": "label", "args": {"value": "yes"}})
    out = project.refused(record=True)
    assert "cases.jsonl:1: case 'c/001': check 'label' needs the argument 'options'. Add it to the check's args." in out


# --- model folders --------------------------------------------------------------------


def test_config_not_json(project: Project, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, project.root)
    (folder / "config.json").write_text('{"model_type": "llama", "hidden_size": 32,')
    out = project.refused("--model", str(folder))
    assert (f"--model {folder}: config.json is not valid JSON (Expecting property name enclosed in double quotes "
            "at line 1, column 43). It was probably cut off or edited by hand: copy config.json again") in out


def test_config_not_an_object_is_a_usage_error_under_pytest(
    pytester: pytest.Pytester, project: Project, tiny_model_dir: Path,
) -> None:
    folder = model_copy(tiny_model_dir, project.root)
    (folder / "config.json").write_text("[1, 2]")
    result = pytester.runpytest("--capcheck-suites", "project", "--model", str(folder))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = one_line(result.stdout.str() + result.stderr.str())
    assert f"--model {folder}: config.json holds a JSON list, not an object of settings." in text
    assert "Traceback" not in text and project.loaded == []


def test_unknown_model_type(project: Project, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, project.root)
    edit_json(folder / "config.json", model_type="lama")
    out = project.refused("--model", str(folder))
    assert f"--model {folder}: config.json has model_type 'lama', which transformers" in out
    assert "does not know (did you mean 'llama'?), so the model cannot be built. Fix model_type in config.json" in out


def test_missing_tokenizer_files(project: Project, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, project.root)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (folder / name).unlink()
    out = project.refused("--model", str(folder))
    assert f"--model {folder} has no tokenizer files (tokenizer.json, tokenizer.model or tokenizer_config.json)" in out
    assert "`tokenizer.save_pretrained(dir)`" in out and "sentencepiece" not in out


# --- adapters -------------------------------------------------------------------------


def test_adapter_rank_zero(project: Project, lora_dir: Path) -> None:
    adapter = adapter_copy(lora_dir, project.root, r=0)
    out = project.refused("--model", str(adapter))
    assert (f"--adapter {adapter}: adapter_config.json has r: 0, but a LoRA rank must be a whole number of at "
            "least 1. Set r to the rank the adapter was trained with (its lora_A weights have rank 4)") in out


def test_adapter_targets_modules_the_base_lacks(project: Project, lora_dir: Path, tiny_model_dir: Path) -> None:
    adapter = adapter_copy(lora_dir, project.root, target_modules=["c_attn", "c_proj"])  # GPT-2's names
    out = project.refused("--model", str(tiny_model_dir), "--adapter", str(adapter))
    assert f"--adapter {adapter}: adapter_config.json targets the modules c_attn, c_proj, but the base model" in out
    assert "has no such module (its layers are named down_proj, embed_tokens, gate_proj," in out
    assert "It was probably trained on another base model: pass that one with --model" in out
    # peft adapts the targets a base has and skips the others: a list for several architectures is legal.
    edit_json(adapter / "adapter_config.json", target_modules=["q_proj", "v_proj", "c_attn"])
    project.accepted("--model", str(tiny_model_dir), "--adapter", str(adapter))


# --- files that are not regular files -------------------------------------------------


def pytest_in_subprocess(pytester: pytest.Pytester, *args: str) -> tuple[int, str]:
    """Plain pytest in a subprocess, killed if it hangs (in-process, the test would hang with it)."""
    try:
        result = pytester.runpytest_subprocess("--capcheck-suites", "project", *args, timeout=PIPE_TIMEOUT_S)
    except pytester.TimeoutExpired:
        pytest.fail(f"the run hung on a named pipe (killed after {PIPE_TIMEOUT_S} s)")
    return result.ret, one_line(result.stdout.str() + result.stderr.str())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("name", ["model.safetensors", "config.json", "tokenizer_config.json"])
def test_named_pipe_in_model_folder(pytester: pytest.Pytester, tiny_model_dir: Path, name: str) -> None:
    make_project(pytester)
    folder = model_copy(tiny_model_dir, pytester.path)
    (folder / name).unlink()
    os.mkfifo(folder / name)
    code, out = pytest_in_subprocess(pytester, "--model", str(folder))
    assert code == pytest.ExitCode.USAGE_ERROR, out
    assert f"--model {folder}: {name} is a named pipe (FIFO), not a regular file." in out
    assert f"because reading a pipe or a device can block forever. Replace {name} with the real file" in out
    assert "Traceback" not in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_as_adapter_weights(pytester: pytest.Pytester, lora_dir: Path) -> None:
    make_project(pytester)
    adapter = adapter_copy(lora_dir, pytester.path)
    (adapter / "adapter_model.safetensors").unlink()
    os.mkfifo(adapter / "adapter_model.safetensors")
    code, out = pytest_in_subprocess(pytester, "--model", str(adapter))
    assert code == pytest.ExitCode.USAGE_ERROR, out
    assert f"--adapter {adapter}: adapter_model.safetensors is a named pipe (FIFO), not a regular file." in out
    assert "Traceback" not in out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_weights_linked_to_a_device(project: Project, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, project.root)
    weights = folder / "model.safetensors"
    weights.unlink()
    weights.symlink_to("/dev/zero")
    out = project.refused("--model", str(folder))
    assert (f"--model {folder}: model.safetensors is a symlink to /dev/zero, which is a character device, "
            "not a regular file.") in out
    # A symlink to a regular file is fine: in the hub cache every file of a snapshot is one.
    weights.unlink()
    weights.symlink_to(tiny_model_dir / "model.safetensors")
    project.accepted("--model", str(folder))


# --- what only shows when the files load ----------------------------------------------
# The checks above run before any load; what they cannot see fails in the hf engine, and
# that too must be one paragraph (a CheckpointError), not the library's traceback.


def engine_refuses(model: Path, *expected: str, adapter: Path | None = None) -> None:
    from capcheck.checkpoint import Checkpoint
    from capcheck.engines import EngineConfig
    from capcheck.engines.hf import HFEngine
    from capcheck.errors import CheckpointError

    with pytest.raises(CheckpointError) as info:  # the Checkpoint is built directly: no file checks ran
        HFEngine(Checkpoint(model=str(model), adapter=adapter), EngineConfig(threads=1))
    message = str(info.value)
    assert "\n" not in message
    for text in expected:
        assert text in message, message


def test_engine_config_not_json(tmp_path: Path, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, tmp_path)
    (folder / "config.json").write_text("{")
    engine_refuses(folder, f"--model {folder}: transformers cannot read its config.json (OSError:",
                   "copy it again from where the model came from")


def test_engine_unknown_model_type(tmp_path: Path, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, tmp_path)
    edit_json(folder / "config.json", model_type="lama")
    engine_refuses(folder, "transformers cannot read its config.json (ValueError:", "model type `lama`",
                   "names a model_type this transformers knows")


def test_engine_tokenizer_files_missing(tmp_path: Path, tiny_model_dir: Path) -> None:
    folder = model_copy(tiny_model_dir, tmp_path)
    (folder / "tokenizer.json").unlink()  # tokenizer_config.json alone passes the file check, not the load
    engine_refuses(folder, f"--model {folder}: its tokenizer cannot be loaded (",
                   "save them with `tokenizer.save_pretrained(dir)`")


@pytest.mark.parametrize("changes, expected", [
    ({"r": 0}, "`r` should be a positive integer value but the value passed is 0"),
    ({"target_modules": ["c_attn"]}, "Target modules {'c_attn'} not found in the base model"),
])
def test_engine_adapter_peft_refuses(
    tmp_path: Path, tiny_model_dir: Path, lora_dir: Path, changes: dict, expected: str,
) -> None:
    adapter = adapter_copy(lora_dir, tmp_path, **changes)
    engine_refuses(tiny_model_dir, f"--adapter {adapter} on --model {tiny_model_dir}: peft cannot apply the adapter "
                   "to it (", expected, "Check adapter_config.json (r, target_modules)", adapter=adapter)


def test_load_failure_reaches_the_gate_as_a_message(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    """With the real hf engine, a tokenizer that fails only at load stops the gate with exit 2 and the paragraph."""
    make_project(pytester)
    folder = model_copy(tiny_model_dir, pytester.path)
    (folder / "tokenizer.json").unlink()
    code, out = gate(capsys, "--model", str(folder), "--engine", "hf", record=True)
    assert code == 2, out
    out = one_line(out)
    assert f"--model {folder}: its tokenizer cannot be loaded (" in out and "Traceback" not in out
    assert not (pytester.path / "baselines").exists()
