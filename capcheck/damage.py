"""Known-bad checkpoints: a model copy with Gaussian noise on every weight.

Used to show that the gate fails when a model is damaged (tests, docs/detection.md).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from capcheck import checkpoint as checkpoints
from capcheck.errors import CapcheckError


def add_noise(model: str | None, out: Path, std: float, seed: int = 0) -> Path:
    """Copy `model` to `out`, adding N(0, std^2) noise to every floating-point tensor."""
    import torch
    from safetensors.torch import load_file, save_file

    if out.exists():
        raise CapcheckError(f"--out {out} already exists; pick a new folder (nothing was overwritten).")
    source = Path(checkpoints.resolve(model).model)
    generator = torch.Generator().manual_seed(seed)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp, ignore=shutil.ignore_patterns("*.safetensors"))
    for weights in sorted(source.glob("*.safetensors")):
        tensors = load_file(weights)
        noisy = {}
        for name, tensor in tensors.items():
            if tensor.is_floating_point():
                noise = torch.randn(tensor.shape, generator=generator, dtype=torch.float32) * std
                tensor = (tensor.float() + noise).to(tensor.dtype)
            noisy[name] = tensor.contiguous()
        save_file(noisy, tmp / weights.name, metadata={"format": "pt"})
    tmp.rename(out)
    return out
