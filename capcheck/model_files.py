"""Checks of a model or adapter folder's files, made before anything is loaded.

Each reads files only (configs, safetensors headers, directory entries) and raises a
CheckpointError saying what is wrong, where, and how to fix it: a folder that would hang a
loader (a pipe, a device), run code (pickles, auto_map), or fail deep inside transformers
or peft (config not JSON, unknown model_type, no tokenizer, an adapter that cannot apply).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import stat
from pathlib import Path

from capcheck.errors import CheckpointError

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
# Any of these in a model folder gives AutoTokenizer something to load (a vocabulary or its settings).
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "vocab.json", "vocab.txt")
_TOKENIZER_SUFFIXES = (".model", ".tiktoken")
# peft's shorthand for "every linear layer": matches any base model.
_ALL_LINEAR = "all-linear"


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
    pickles = [p for p in path.iterdir() if p.suffix in PICKLE_SUFFIXES]
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


def read_json_object(file: Path, option: str, fix: str) -> dict:
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
    return read_json_object(
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


def check_rank(adapter_dir: Path, config: dict, tensors: dict[str, list[int]]) -> None:
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


def check_targets(adapter_dir: Path, config: dict, base_dir: Path | None, base_name: str) -> None:
    """An adapter none of whose target_modules exist in the base fails in peft after the base loaded.

    Only "none match" is refused: peft adapts the targets a base has and skips the rest,
    so a list written for several architectures is legal.
    """
    targets = config.get("target_modules")
    if not targets or base_dir is None or targets == _ALL_LINEAR:
        return  # absent: peft picks the architecture's defaults; no base_dir: a hub base, not read here
    if not isinstance(targets, (str, list)) or (isinstance(targets, list) and (
            _ALL_LINEAR in targets or not all(isinstance(t, str) for t in targets))):
        return
    modules = module_names(base_dir)
    if not modules or _targets_match(targets, modules):
        return
    parents = {m.rsplit(".", 1)[0] for m in modules if "." in m}
    leaves = sorted({m.rsplit(".", 1)[-1] for m in modules - parents})  # the layers, not their containers
    named = f"modules matching '{targets}'" if isinstance(targets, str) else "the modules " + ", ".join(targets)
    raise CheckpointError(
        f"--adapter {adapter_dir}: adapter_config.json targets {named}, "
        f"but the base model {base_name} has no such module (its layers are named {', '.join(leaves[:15])}"
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
