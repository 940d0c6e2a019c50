"""Checkpoints: what is evaluated (a model directory, a hub id, the embedded alias, an adapter)."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import socket
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from capcheck import embedded
from capcheck.errors import CheckpointError
from capcheck.paths import cache_dir

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
# Config keys that say how a file was written, not what the model is.
_VOLATILE_CONFIG_KEYS = {"transformers_version", "_name_or_path", "torch_dtype", "dtype"}
# Any of these in a model folder gives AutoTokenizer something to load (a vocabulary or its settings).
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "vocab.json", "vocab.txt")
_TOKENIZER_SUFFIXES = (".model", ".tiktoken")
# peft's shorthand for "every linear layer": matches any base model.
_ALL_LINEAR = "all-linear"


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


def check_model_dir(path: Path, *, allow_pickle: bool, trust_remote_code: bool = False) -> None:
    """Raise CheckpointError unless `path` looks like a loadable model directory."""
    if not path.is_dir():
        raise CheckpointError(
            f"--model {path} is a file, not a directory. Pass the folder that holds "
            "config.json and the *.safetensors weights."
        )
    check_regular_files(path, "--model")
    if not (path / "config.json").is_file():
        raise CheckpointError(
            f"--model {path} has no config.json, so it is not a Hugging Face model directory. "
            "Save the model with `model.save_pretrained(dir)` and pass that folder."
        )
    config = _model_config(path)
    safetensors = sorted(path.glob("*.safetensors"))
    pickles = [p for p in path.iterdir() if p.suffix in _PICKLE_SUFFIXES]
    if not safetensors:
        if pickles and not allow_pickle:
            raise CheckpointError(
                f"--model {path} has weights only in pickle files ({', '.join(p.name for p in pickles)}). "
                "Loading a pickle can run arbitrary code, so capcheck refuses it by default. "
                "Convert it with `model.save_pretrained(dir, safe_serialization=True)`, "
                "or pass --allow-pickle if you trust the file."
            )
        if not pickles:
            raise CheckpointError(
                f"--model {path} has config.json but no weight files (*.safetensors). "
                "Copy the weights into the folder or pass the folder that has them."
            )
    for weights in safetensors:
        check_safetensors(weights, "--model")
    if not trust_remote_code:
        check_no_remote_code(path)
    if not (trust_remote_code and config.get("auto_map")):  # remote code may bring its own model_type
        _check_model_type(path, config)
    _check_tokenizer_files(path)


def check_regular_files(path: Path, option: str) -> None:
    """Refuse a pipe, device or socket (or a link to one) in a model folder before anything opens it.

    Opening a named pipe blocks until something writes to it, and a device can be read
    forever: either would hang the gate instead of failing it.
    """
    for entry in sorted(path.iterdir()):
        try:
            mode = os.stat(entry).st_mode  # follows symlinks: a link to a regular file is fine
        except FileNotFoundError:
            raise CheckpointError(
                f"{option} {path}: {entry.name} is a symlink to {os.readlink(entry)}, which does not exist. "
                "Copy the real file into the folder, or download the model again (an interrupted hub "
                "download leaves such links)."
            ) from None
        except OSError as exc:
            raise CheckpointError(
                f"{option} {path}: {entry.name} cannot be read ({exc.strerror}). Fix its permissions or copy it again."
            ) from None
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            continue
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        what = f"a symlink to {os.readlink(entry)}, which is {kind}" if entry.is_symlink() else kind
        raise CheckpointError(
            f"{option} {path}: {entry.name} is {what}, not a regular file. capcheck reads only regular files "
            "(or symlinks to them) from a model or adapter folder, because reading a pipe or a device can block "
            f"forever. Replace {entry.name} with the real file, e.g. copy it again from where the model came from."
        )


_FILE_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device",
               stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def _read_json_object(file: Path, option: str, fix: str) -> dict:
    """A JSON file that must hold an object; CheckpointError naming the file and `fix` otherwise."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problem = f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        problem = f"cannot be read ({type(exc).__name__}: {exc})"
    else:
        if isinstance(data, dict):
            return data
        problem = f"holds a JSON {type(data).__name__}, not an object of settings"
    raise CheckpointError(f"{option} {file.parent}: {file.name} {problem}. {fix}")


def _model_config(path: Path) -> dict:
    return _read_json_object(
        path / "config.json", "--model",
        "It was probably cut off or edited by hand: copy config.json again from where the model came from, "
        "or re-save the model with `model.save_pretrained(dir)`.",
    )


def _check_model_type(path: Path, config: dict) -> None:
    """A model_type transformers cannot build fails at load with a long traceback: say it now."""
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or _transformers_knows(model_type):
        return  # no model_type: transformers guesses from the folder name, and says so at load if it cannot
    from difflib import get_close_matches
    from importlib.metadata import version

    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    close = get_close_matches(model_type, list(CONFIG_MAPPING.keys()), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise CheckpointError(
        f"--model {path}: config.json has model_type {model_type!r}, which transformers {version('transformers')} "
        f"does not know{hint}, so the model cannot be built. Fix model_type in config.json (it names the "
        "architecture, e.g. 'llama'), or upgrade transformers (`pip install -U transformers`) if the "
        "architecture is newer than this version."
    )


def _transformers_knows(model_type: str) -> bool:
    # Fast path without importing transformers (seconds, with torch): most model types have
    # their own package with a configuration module. The full mapping decides the rest.
    spec = importlib.util.find_spec("transformers")
    if spec is None:
        return True  # not installed: the engine says so itself
    module = model_type.replace("-", "_")
    if module.isidentifier() and module != "auto":  # an identifier: the config's text never becomes a path
        for root in spec.submodule_search_locations or ():
            if (Path(root) / "models" / module / f"configuration_{module}.py").is_file():
                return True
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    return model_type in CONFIG_MAPPING


def _check_tokenizer_files(path: Path) -> None:
    names = [p.name for p in path.iterdir()]
    if any(n in _TOKENIZER_FILES or n.endswith(_TOKENIZER_SUFFIXES) for n in names):
        return
    raise CheckpointError(
        f"--model {path} has no tokenizer files (tokenizer.json, tokenizer.model or tokenizer_config.json), "
        "so capcheck cannot turn prompts into tokens for it. Save the tokenizer next to the weights with "
        "`tokenizer.save_pretrained(dir)`, or copy those files from the base model the checkpoint was "
        "fine-tuned from."
    )


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
    config = _read_json_object(config_path, "--adapter", "Re-save the adapter with `peft_model.save_pretrained(dir)`.")
    if not any(adapter_dir.glob("adapter_model*.safetensors")):
        raise CheckpointError(
            f"--adapter {adapter_dir} has no adapter_model.safetensors. "
            "Save the adapter with `peft_model.save_pretrained(dir)` (safetensors is the default)."
        )
    tensors: dict[str, list[int]] = {}
    for weights in sorted(adapter_dir.glob("adapter_model*.safetensors")):
        tensors.update(check_safetensors(weights, "--adapter"))
    _check_rank(adapter_dir, config, tensors)
    if base is None:
        named = config.get("base_model_name_or_path")
        if not named:
            raise CheckpointError(
                f"{config_path} does not name its base model (base_model_name_or_path). "
                "Pass the base model with --model and the adapter with --adapter."
            )
        base = resolve(_embedded_alias_for(named), allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
    _check_targets(adapter_dir, config, base)
    return Checkpoint(model=base.model, adapter=adapter_dir.resolve(), alias=base.alias)


def _check_rank(adapter_dir: Path, config: dict, tensors: dict[str, list[int]]) -> None:
    """peft refuses a rank below 1 only while it applies the adapter, after the base model loaded."""
    if "r" not in config:
        return  # peft's default rank
    r = config["r"]
    if isinstance(r, int) and not isinstance(r, bool) and r >= 1:
        return
    ranks = sorted({shape[0] for name, shape in tensors.items() if ".lora_A." in name and shape})
    found = f" (its lora_A weights have rank {ranks[0]})" if len(ranks) == 1 else ""
    raise CheckpointError(
        f"--adapter {adapter_dir}: adapter_config.json has r: {json.dumps(r)}, but a LoRA rank must be a whole "
        f"number of at least 1. Set r to the rank the adapter was trained with{found}, or re-save the adapter "
        "with `peft_model.save_pretrained(dir)`."
    )


def _check_targets(adapter_dir: Path, config: dict, base: Checkpoint) -> None:
    """An adapter none of whose target_modules exist in the base fails in peft after the base loaded.

    Only "none match" is refused: peft adapts the targets a base has and skips the rest,
    so a list written for several architectures is legal.
    """
    targets = config.get("target_modules")
    if not targets or not base.is_local or targets == _ALL_LINEAR:
        return  # absent: peft picks the architecture's defaults
    if not isinstance(targets, (str, list)) or (isinstance(targets, list) and (
            _ALL_LINEAR in targets or not all(isinstance(t, str) for t in targets))):
        return
    modules = module_names(Path(base.model))
    if not modules or _targets_match(targets, modules):
        return
    parents = {m.rsplit(".", 1)[0] for m in modules if "." in m}
    leaves = sorted({m.rsplit(".", 1)[-1] for m in modules - parents})  # the layers, not their containers
    named = f"modules matching '{targets}'" if isinstance(targets, str) else "the modules " + ", ".join(targets)
    raise CheckpointError(
        f"--adapter {adapter_dir}: adapter_config.json targets {named}, "
        f"but the base model {base.display_name} has no such module (its layers are named {', '.join(leaves[:15])}"
        f"{', ...' if len(leaves) > 15 else ''}), so the adapter cannot be applied. It was probably trained on "
        "another base model: pass that one with --model (or as base_model_name_or_path in adapter_config.json), "
        "or fix target_modules."
    )


def _targets_match(targets: str | list[str], modules: set[str]) -> bool:
    """peft's rule: a pattern must match a whole module name; a list entry a name or its last parts."""
    if isinstance(targets, str):
        try:
            return any(re.fullmatch(targets, m) for m in modules)
        except re.error:
            return True  # peft reports a bad pattern itself, at load
    return any(m == t or m.endswith("." + t) for m in modules for t in targets)


def module_names(model_dir: Path) -> set[str] | None:
    """The base model's module names, from its safetensors headers (no weights are read).

    "model.layers.0.self_attn.q_proj.weight" gives "model", "model.layers", ... and
    "model.layers.0.self_attn.q_proj". None when the folder has no safetensors weights.
    """
    files = sorted(model_dir.glob("*.safetensors"))
    if not files:
        return None
    names = {"lm_head"}  # tied to the embeddings, it has no tensor of its own in the file
    for file in files:
        for tensor in check_safetensors(file, "--model"):
            parts = tensor.split(".")[:-1]
            names.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return names


def _embedded_alias_for(named: str) -> str:
    """Map an adapter's recorded base to the embedded alias where it is the embedded model."""
    if named in (embedded.ALIAS, embedded.HUB_ID):
        return embedded.ALIAS
    present = embedded_dir_if_present()
    if present is not None and Path(named).expanduser().exists() and Path(named).resolve() == present:
        return embedded.ALIAS
    return named


def check_safetensors(path: Path, option: str) -> dict[str, list[int]]:
    """Each tensor's shape, by name; CheckpointError unless the file has a readable header and all its data.

    Reads only the header (8-byte length + JSON), so it is cheap for any model size.
    """
    size = path.stat().st_size
    problem = ""
    shapes: dict[str, list[int]] = {}
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            length = int.from_bytes(head, "little") if len(head) == 8 else -1
            if length < 2 or length > min(size - 8, 100_000_000):
                problem = "its header is missing or damaged"
            else:
                header = json.loads(handle.read(length))
                ends = [v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"]
                needed = 8 + length + max(ends, default=0)
                if needed > size:
                    problem = f"it is truncated: {size} bytes, but its header describes {needed}"
                shapes = {k: _shape(v) for k, v in header.items() if k != "__metadata__"}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        problem = f"its header cannot be read ({type(exc).__name__})"
    if problem:
        raise CheckpointError(
            f"{option} {path.parent}: the weight file {path.name} is not a usable safetensors file: {problem}. "
            "It was probably cut off while copying or downloading; copy or download it again "
            "(compare its size with the source), or re-save the model with `save_pretrained`."
        )
    return shapes


def _shape(entry: dict) -> list[int]:
    shape = entry.get("shape")
    return shape if isinstance(shape, list) and all(type(n) is int for n in shape) else []


def check_no_remote_code(path: Path) -> None:
    """Refuse a model whose config asks transformers to import Python code shipped with it."""
    for name in ("config.json", "tokenizer_config.json"):
        try:
            config = json.loads((path / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(config, dict) and config.get("auto_map"):
            modules = sorted({str(v).split(".")[0] for v in _flatten(config["auto_map"])})
            raise CheckpointError(
                f"--model {path} ships its own Python code ({name} has auto_map -> "
                f"{', '.join(m + '.py' for m in modules) or 'custom modules'}), which transformers would import and run. "
                "Code in a model folder can do anything your user can, so capcheck refuses it by default. "
                "Read that code, then pass --trust-remote-code if you trust it, or use a model that "
                "transformers supports natively."
            )


def _flatten(value: object) -> list[object]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flatten(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flatten(v)]
    return [value] if value else []


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
    weights = sorted(p for p in path.iterdir() if p.suffix in (".safetensors",) + _PICKLE_SUFFIXES)
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
