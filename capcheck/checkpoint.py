"""Checkpoints: what is evaluated (a model directory, a hub id, the embedded alias, an adapter)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import socket
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from capcheck import embedded
from capcheck.errors import CheckpointError
from capcheck.model_files import (
    PICKLE_SUFFIXES,
    check_model_dir,
    check_rank,
    check_regular_files,
    check_safetensors,
    check_targets,
    read_json_object,
)
from capcheck.paths import cache_dir

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# Config keys that say how a file was written, not what the model is.
_VOLATILE_CONFIG_KEYS = {"transformers_version", "_name_or_path", "torch_dtype", "dtype"}


@dataclass(frozen=True)
class Checkpoint:
    """A model to evaluate: full weights, optionally with a LoRA adapter on top."""

    model: str
    """Local directory (absolute) or hub id of the full model."""
    adapter: Path | None = None
    """LoRA adapter directory, if any."""
    alias: str | None = None
    """Set when the model is the embedded default."""

    @property
    def is_local(self) -> bool:
        return Path(self.model).is_dir()

    @property
    def display_name(self) -> str:
        base = self.alias or self.model
        return f"{base} + adapter {self.adapter}" if self.adapter else base

    @property
    def base_slug(self) -> str:
        """Folder name under baselines/ for this checkpoint's base model."""
        if self.alias:
            return self.alias
        return slugify(self.model)

    @cached_property
    def fingerprint(self) -> str:
        """Content hash of config and weights (and adapter); independent of the path."""
        parts = [model_fingerprint(self.model)]
        if self.adapter is not None:
            parts.append(directory_fingerprint(self.adapter, config_name="adapter_config.json"))
        return parts[0] if len(parts) == 1 else _sha(("+".join(parts)).encode())

    @cached_property
    def base_fingerprint(self) -> str:
        return model_fingerprint(self.model)


def slugify(name: str) -> str:
    """A file-system-safe folder name for a model id or path."""
    tail = name.rstrip("/").split("/")[-1] if os.sep in name or "/" in name else name
    if _HUB_ID.match(name) and not Path(name).exists():
        tail = name.replace("/", "--")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail).strip("-").lower() or "model"


def resolve(
    model: str | None,
    adapter: str | None = None,
    *,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
) -> Checkpoint:
    """Turn the user's --model / --adapter into a Checkpoint, checking the files are usable.

    `model` may be None or the embedded alias (the embedded default), a local model
    directory, a LoRA adapter directory (its base model is read from
    adapter_config.json), or a hub id.
    """
    if model is None or model == embedded.ALIAS:
        checkpoint = Checkpoint(model=str(embedded_dir()), alias=embedded.ALIAS)
    else:
        path = Path(model).expanduser()
        if path.is_dir() and (path / "adapter_config.json").is_file():
            if adapter is not None:
                raise CheckpointError(
                    f"--model {model} is a LoRA adapter and --adapter {adapter} was also given. "
                    "Pass the base model as --model and the adapter as --adapter, or the adapter alone as --model."
                )
            return _with_adapter(None, path, allow_pickle, trust_remote_code)
        checkpoint = _resolve_model(model, allow_pickle, trust_remote_code)
    if adapter is not None:
        return _with_adapter(checkpoint, Path(adapter).expanduser(), allow_pickle, trust_remote_code)
    return checkpoint


def embedded_dir() -> Path:
    return embedded.embedded_model_dir()


def _resolve_model(model: str, allow_pickle: bool, trust_remote_code: bool = False) -> Checkpoint:
    path = Path(model).expanduser()
    if path.exists():
        check_model_dir(path, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
        resolved = path.resolve()
        alias = embedded.ALIAS if resolved == embedded_dir_if_present() else None
        return Checkpoint(model=str(resolved), alias=alias)
    if _HUB_ID.match(model) and not model.startswith((".", "/", "~")):
        _check_hub_reachable(model)
        return Checkpoint(model=model)
    raise CheckpointError(
        f"--model {model}: no such directory. Pass a local Hugging Face model directory "
        f"(with config.json and *.safetensors), a hub id like 'org/name', "
        f"or '{embedded.ALIAS}' for the embedded default."
    )


def embedded_dir_if_present() -> Path | None:
    target = cache_dir() / "models" / embedded.ALIAS
    return target.resolve() if target.is_dir() else None


def _with_adapter(base: Checkpoint | None, adapter_dir: Path, allow_pickle: bool,
                  trust_remote_code: bool = False) -> Checkpoint:
    config_path = adapter_dir / "adapter_config.json"
    if adapter_dir.is_dir():
        check_regular_files(adapter_dir, "--adapter")
    if not config_path.is_file():
        raise CheckpointError(
            f"--adapter {adapter_dir} has no adapter_config.json, so it is not a PEFT adapter. "
            "Save it with `peft_model.save_pretrained(dir)`."
        )
    config = read_json_object(config_path, "--adapter", "Re-save the adapter with `peft_model.save_pretrained(dir)`.")
    if not any(adapter_dir.glob("adapter_model*.safetensors")):
        raise CheckpointError(
            f"--adapter {adapter_dir} has no adapter_model.safetensors. "
            "Save the adapter with `peft_model.save_pretrained(dir)` (safetensors is the default)."
        )
    tensors: dict[str, list[int]] = {}
    for weights in sorted(adapter_dir.glob("adapter_model*.safetensors")):
        tensors.update(check_safetensors(weights, "--adapter"))
    check_rank(adapter_dir, config, tensors)
    if base is None:
        named = config.get("base_model_name_or_path")
        if not named:
            raise CheckpointError(
                f"{config_path} does not name its base model (base_model_name_or_path). "
                "Pass the base model with --model and the adapter with --adapter."
            )
        base = resolve(_embedded_alias_for(named), allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
    check_targets(adapter_dir, config, Path(base.model) if base.is_local else None, base.display_name)
    return Checkpoint(model=base.model, adapter=adapter_dir.resolve(), alias=base.alias)


def _embedded_alias_for(named: str) -> str:
    """Map an adapter's recorded base to the embedded alias where it is the embedded model."""
    if named in (embedded.ALIAS, embedded.HUB_ID):
        return embedded.ALIAS
    present = embedded_dir_if_present()
    if present is not None and Path(named).expanduser().exists() and Path(named).resolve() == present:
        return embedded.ALIAS
    return named


def _check_hub_reachable(model: str) -> None:
    """With the hub switched off (HF_HUB_OFFLINE), a hub id must already be in the local cache."""
    try:
        from huggingface_hub import constants, try_to_load_from_cache
    except ImportError:
        return
    if isinstance(try_to_load_from_cache(model, "config.json"), str):
        return
    if not constants.HF_HUB_OFFLINE:
        host = urlparse(constants.ENDPOINT).hostname or "huggingface.co"
        try:
            socket.getaddrinfo(host, 443)
        except OSError as exc:  # no network: fail now, not after the hub client's minute of retries
            raise CheckpointError(
                f"--model {model} is not a local folder, so it was taken as a Hugging Face hub id, but it is not "
                f"in the local hub cache and the hub ({host}) cannot be reached ({exc}). Download it where there "
                f"is a network (`hf download {model} --local-dir DIR`) and pass --model DIR, or check the path "
                "if you meant a local folder."
            ) from None
        return  # online: the engine downloads it, and says clearly if that fails
    raise CheckpointError(
        f"--model {model} is not a local folder, so it was taken as a Hugging Face hub id, but the hub is "
        "switched off (HF_HUB_OFFLINE is set) and the model is not in the local hub cache. Download it where "
        f"there is a network (`hf download {model} --local-dir DIR`) and pass --model DIR, or unset "
        "HF_HUB_OFFLINE to let capcheck download it."
    )


# --- fingerprints -----------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_fingerprint(model: str) -> str:
    path = Path(model)
    if not path.is_dir():
        return "hub:" + model  # resolved to a local snapshot by the engine; id is the best we have
    return directory_fingerprint(path, config_name="config.json")


def directory_fingerprint(path: Path, *, config_name: str) -> str:
    """sha256 over the canonical config and the content hash of every weight file."""
    config_file = path / config_name
    config = json.loads(config_file.read_text()) if config_file.is_file() else {}
    for key in _VOLATILE_CONFIG_KEYS:
        config.pop(key, None)
    config.pop("base_model_name_or_path", None)  # an adapter is the same wherever its base lives
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    weights = sorted(p for p in path.iterdir() if p.suffix in (".safetensors",) + PICKLE_SUFFIXES)
    for weight in weights:
        digest.update(weight.name.encode())
        digest.update(file_sha256(weight).encode())
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    """Content hash of a file, cached by absolute path, size and mtime."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    cache_file = cache_dir() / "file-hashes.json"
    cache = _read_hash_cache(cache_file)
    if key in cache:
        return cache[key]
    with path.open("rb") as handle:
        value = hashlib.file_digest(handle, "sha256").hexdigest()
    cache[key] = value
    _write_hash_cache(cache_file, cache)
    return value


def _read_hash_cache(cache_file: Path) -> dict[str, str]:
    try:
        data = json.loads(cache_file.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_hash_cache(cache_file: Path, cache: dict[str, str]) -> None:
    from capcheck.atomic import write_text_atomic

    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cache_file, json.dumps(cache, indent=1, sort_keys=True) + "\n")
    except OSError:
        pass  # a read-only cache only costs speed
