#!/usr/bin/env bash
# Window benchmarks under Xvfb, against a bare eframe window built the same way:
# time from process start to the first drawn frame, RSS after 5 s idle, and CPU over
# 30 s idle (cdf-signin with a token countdown visible). Not a test: prints figures.
#   benches/window.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh >/dev/null
cargo build --release --locked --bin cdf-signin --example bare_window
exec bash tests/with-keyring.sh python3 benches/window_bench.py "${1:-5}"
