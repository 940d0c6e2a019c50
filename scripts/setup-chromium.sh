#!/usr/bin/env bash
# Headless Chromium for the HTML report test (tests/report/test_html.py renders the report in it).
# Idempotent: does nothing when a chromium is already on PATH. Installs from the Debian/Ubuntu
# registry with apt-get when run as root (CI images); otherwise says how and leaves it to the user,
# and the test skips with that reason.
set -euo pipefail
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "capcheck: installing chromium (headless HTML report test)"
  export DEBIAN_FRONTEND=noninteractive
  # A failed install must not fail CI: the HTML test then skips and says why.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
    echo "capcheck: could not install chromium with apt-get; the HTML report test will be skipped" >&2
  fi
else
  echo "capcheck: no chromium on PATH; install it (e.g. sudo apt-get install -y chromium) to run the HTML report test" >&2
fi
