#!/usr/bin/env bash
# Benchmarks of the CLI's hot paths against the test OpenID provider and a real keyring.
# Not a test: it prints medians and ratios to compare with the targets.
#   benches/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh >/dev/null
cargo build --release --locked
exec bash tests/with-keyring.sh python3 benches/cli_hot_paths.py target/release/cdf-signin "${1:-40}"
