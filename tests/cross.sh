#!/usr/bin/env bash
# The slow cross builds, one after another at a lower priority (tests/run.sh runs this in
# the background while the Linux tests run): the Windows executables, the test DLL and
# one Wine prefix (tests/wine/prepare.sh), the Windows wheel (tests/python/prepare.sh
# --windows), then the macOS check and .app layout (tests/macos.sh). Prints each step's time.
set -euo pipefail
cd "$(dirname "$0")/.."
step() {
  local name=$1 t0
  shift
  t0=$(date +%s)
  nice -n 10 "$@"
  echo "time: $name $(( $(date +%s) - t0 )) s"
}
step windows bash tests/wine/prepare.sh
step python-windows bash -c "bash tests/python/prepare.sh --windows >/dev/null"
step macos bash tests/macos.sh
