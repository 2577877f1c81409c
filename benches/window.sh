#!/usr/bin/env bash
# Window benchmarks under Xvfb, against a bare eframe window built the same way:
# time from process start to the first drawn frame, RSS after 5 s idle, and CPU over
# 30 s idle (cdf-signin with a token countdown visible). Not a test: prints figures.
#   benches/window.sh [RUNS] [--wgpu]
# --wgpu builds both programs with the `wgpu` feature (its own target dir) and runs them
# on wgpu (Mesa lavapipe under Xvfb) instead of the default glow.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 renderer=glow
for arg in "$@"; do
  case "$arg" in
    --wgpu) renderer=wgpu ;;
    [0-9]*) runs=$arg ;;
    *) echo "usage: benches/window.sh [RUNS] [--wgpu]" >&2; exit 2 ;;
  esac
done
bash tests/setup.sh >/dev/null
target=target
if [ "$renderer" = wgpu ]; then
  target=target/wgpu-bench
  cargo build --release --locked --features wgpu --target-dir "$target" --bin cdf-signin --example bare_window
else
  cargo build --release --locked --bin cdf-signin --example bare_window
fi
export CDF_SIGNIN_RENDERER=$renderer BENCH_TARGET=$target
exec bash tests/with-keyring.sh python3 benches/window_bench.py "$runs"
