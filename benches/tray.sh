#!/usr/bin/env bash
# Tray benchmarks (not a test: prints figures): the tray's resident memory and idle CPU
# against the window's (the same build, the same profile, under Xvfb), and the time from
# a click on Copy token (a cached token) to the token on the X clipboard. Runs the ignored
# test tray::bench_tray_memory_idle_cpu_and_click_to_clipboard, which plays the desktop's
# StatusNotifierWatcher on the test bus (tests/tray.rs).
#   benches/tray.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
[ "${1:-}" = --release ] && profile=(--cargo-profile release)
exec bash tests/with-keyring.sh cargo nextest run --locked "${profile[@]}" --test integration \
  --run-ignored only --no-capture -E 'test(/bench_tray/)'
