"""Checkpoint resolution: clear errors, adapters found from adapter_config.json, path-free fingerprints."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from capcheck.checkpoint import resolve, slugify
from capcheck.errors import CheckpointError


def test_missing_path_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="no such directory"):
        resolve(str(tmp_path / "nope"))


def test_a_file_is_not_a_model(tmp_path: Path) -> None:
    f = tmp_path / "model.safetensors"
    f.write_bytes(b"x")
    with pytest.raises(CheckpointError, match="is a file, not a directory"):
        resolve(str(f))


def test_folder_without_config_or_weights(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="no config.json"):
        resolve(str(tmp_path))
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(CheckpointError, match="no weight files"):
        resolve(str(tmp_path))


def test_pickle_weights_are_refused_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "tokenizer.json").write_text("{}")  # a model folder must hold its tokenizer too
    (tmp_path / "pytorch_model.bin").write_bytes(b"x")
    with pytest.raises(CheckpointError, match="--allow-pickle"):
        resolve(str(tmp_path))
    assert resolve(str(tmp_path), allow_pickle=True).model == str(tmp_path.resolve())


def test_hub_ids_are_kept_as_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("socket.getaddrinfo", lambda *args: [])  # online (the hub's name resolves)
    assert resolve("org/some-model").model == "org/some-model"
    assert slugify("org/some-model") == "org--some-model"


def test_adapter_directory_finds_its_base(tmp_path: Path, tiny_model_dir: Path) -> None:
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": str(tiny_model_dir), "r": 4}))
    (adapter / "adapter_model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")  # empty but valid
    checkpoint = resolve(str(adapter))
    assert checkpoint.model == str(tiny_model_dir.resolve()) and checkpoint.adapter == adapter.resolve()


def test_adapter_without_weights_is_refused(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": str(tiny_model_dir)}))
    with pytest.raises(CheckpointError, match="no adapter_model.safetensors"):
        resolve(str(tmp_path))


def test_fingerprint_ignores_the_path_and_sees_the_weights(tmp_path: Path, tiny_model_dir: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, copy)
    assert resolve(str(copy)).fingerprint == resolve(str(tiny_model_dir)).fingerprint
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    assert resolve(str(copy)).fingerprint != resolve(str(tiny_model_dir)).fingerprint
