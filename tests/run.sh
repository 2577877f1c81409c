#!/usr/bin/env bash
# The whole test suite, as CI and a newcomer run it: installs what it needs (apt, npm),
# checks style, then runs every test inside a private D-Bus session with a real, unlocked
# gnome-keyring. Fails loudly, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh

echo "== style: cargo fmt, clippy"
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings

echo "== packaging: build the .deb, install it, check it, remove it"
bash tests/packaging.sh

echo "== tests (unit + integration against the test OpenID provider and a real keyring)"
bash tests/with-keyring.sh cargo nextest run --locked --all-targets --no-fail-fast "$@"
