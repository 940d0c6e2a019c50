"""Bad --model / --adapter input: a one-paragraph error, exit code 2, and no file touched."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _project import gate, healthy_engine, make_project, one_line, snapshot

EMPTY_SAFETENSORS = b"\x02\x00\x00\x00\x00\x00\x00\x00{}"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_project(pytester)
    healthy_engine(monkeypatch)
    return pytester.path


def refused(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> str:
    """Run the gate, assert exit code 2 and an untouched tree; return the output on one line."""
    before = snapshot(project)
    code, out = gate(capsys, *args)
    assert code == 2, out
    assert snapshot(project) == before
    assert "capcheck could not run" in out
    return one_line(out)


def test_model_path_missing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = refused(capsys, project, "--model", str(project / "no-such-model"))
    assert "no-such-model: no such directory. Pass a local Hugging Face model directory" in out


def test_model_path_is_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "weights.safetensors").write_bytes(EMPTY_SAFETENSORS)
    out = refused(capsys, project, "--model", str(project / "weights.safetensors"))
    assert "is a file, not a directory. Pass the folder that holds config.json" in out


def test_model_folder_without_weights(project: Path, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    folder = project / "model"
    folder.mkdir()
    shutil.copy(tiny_model_dir / "config.json", folder)
    out = refused(capsys, project, "--model", str(folder))
    assert "has config.json but no weight files (*.safetensors)" in out


def test_truncated_safetensors(project: Path, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    folder = project / "model"
    shutil.copytree(tiny_model_dir, folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    out = refused(capsys, project, "--model", str(folder))
    assert "the weight file model.safetensors is not a usable safetensors file: it is truncated" in out
    assert "copy or download it again" in out


def test_broken_safetensors_header(project: Path, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    folder = project / "model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "model.safetensors").write_bytes(b"\xff" * 64)
    out = refused(capsys, project, "--model", str(folder))
    assert "is not a usable safetensors file: its header is missing or damaged" in out


def test_hub_id_while_offline(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    out = refused(capsys, project, "--model", "some-org/not-downloaded-model")
    assert "taken as a Hugging Face hub id, but the hub is switched off (HF_HUB_OFFLINE is set)" in out
    assert "hf download some-org/not-downloaded-model --local-dir DIR" in out


def test_hub_id_without_network(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_dns(*args: object) -> None:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    out = refused(capsys, project, "--model", "some-org/not-downloaded-model")
    assert "is not in the local hub cache and the hub (huggingface.co) cannot be reached" in out
    assert "hf download some-org/not-downloaded-model --local-dir DIR" in out


def test_hub_id_unreachable_in_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Online but the download fails (no network, no such repo): the hf engine says what to do."""
    from capcheck.checkpoint import Checkpoint
    from capcheck.engines.hf import hub_errors
    from capcheck.errors import CheckpointError

    with pytest.raises(CheckpointError) as info:
        with hub_errors(Checkpoint(model="some-org/missing")):
            raise OSError("We couldn't connect to 'https://huggingface.co' to load the files")
    assert "could not be loaded from the hub or the local hub cache (We couldn't connect" in str(info.value)
    with pytest.raises(OSError):  # a local folder's own errors are not dressed up as hub errors
        with hub_errors(Checkpoint(model=str(tmp_path))):
            raise OSError("disk")


def test_pickle_weights_refused_unless_allowed(project: Path, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    folder = project / "model"
    folder.mkdir()
    shutil.copy(tiny_model_dir / "config.json", folder)
    (folder / "pytorch_model.bin").write_bytes(b"not really a pickle")
    out = refused(capsys, project, "--model", str(folder))
    assert "has weights only in pickle files (pytorch_model.bin)" in out
    assert "Loading a pickle can run arbitrary code" in out and "--allow-pickle" in out


def test_remote_code_refused_unless_trusted(project: Path, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    folder = project / "model"
    shutil.copytree(tiny_model_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_evil.EvilForCausalLM"}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "modeling_evil.py").write_text("raise SystemExit('this must never run')\n")
    out = refused(capsys, project, "--model", str(folder))
    assert "ships its own Python code (config.json has auto_map -> modeling_evil.py)" in out
    assert "pass --trust-remote-code if you trust it" in out
    # With the flag the folder is accepted (the scripted engine then runs without loading it).
    code, text = gate(capsys, "--model", str(folder), "--trust-remote-code", record=True)
    assert code == 0, text
    assert "ships its own Python code" not in text


def _adapter(folder: Path, base: str) -> Path:
    folder.mkdir()
    (folder / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": base, "r": 4}))
    (folder / "adapter_model.safetensors").write_bytes(EMPTY_SAFETENSORS)
    return folder


def test_adapter_on_another_base_model(project: Path, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)
    assert code == 0, out
    other = project / "other-base"
    shutil.copytree(tiny_model_dir, other)
    config = json.loads((other / "config.json").read_text())
    config["rms_norm_eps"] = 0.5  # a different model: its fingerprint differs
    (other / "config.json").write_text(json.dumps(config))
    adapter = _adapter(project / "adapter", str(other))
    out = refused(capsys, project, "--model", str(adapter), "--capcheck-base", tiny_model_dir.name.lower())
    assert f"the adapter {adapter} is applied to base model {other}" in out
    assert "but the baseline" in out and "was recorded from base model" in out and "(fingerprint" in out
    assert "An adapter can only be judged against the model it was trained on" in out
    # The same adapter on the right base passes the check.
    right = _adapter(project / "adapter-ok", str(tiny_model_dir))
    code, out = gate(capsys, "--model", str(right), "--capcheck-base", tiny_model_dir.name.lower())
    assert "An adapter can only be judged" not in out


def test_adapter_base_compared_by_id_for_hub_models() -> None:
    """Hub models have no local content hash: the recorded id must match."""
    from types import SimpleNamespace

    from capcheck.checkpoint import Checkpoint
    from capcheck.errors import CheckpointError
    from capcheck.guard import check_adapter_base

    baseline = SimpleNamespace(model={"id": "org/base", "fingerprint": "hub:org/base", "adapter": None}, path="b.json")
    check_adapter_base(Checkpoint(model="org/base", adapter=Path("/a")), [baseline])
    with pytest.raises(CheckpointError, match=r"recorded from base model org/base \(id 'org/other' vs 'org/base'\)"):
        check_adapter_base(Checkpoint(model="org/other", adapter=Path("/a")), [baseline])
