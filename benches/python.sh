#!/usr/bin/env bash
# Benchmark of the Python package (benches/python_credentials.py says what it times and
# the targets), against the test OpenID provider and a real keyring. Not a test: it
# prints medians and ratios.
#   benches/python.sh [RUNS] [--dev]
# Builds the Linux wheel (release; --dev: from the debug build, as the tests do) and
# installs it alone into a fresh venv under ${CARGO_TARGET_DIR:-target}/python/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30
build=()
for arg in "$@"; do
  case "$arg" in
    --dev) build=(--dev) ;;
    *) runs=$arg ;;
  esac
done
bash tests/setup.sh >/dev/null
target="${CARGO_TARGET_DIR:-$PWD/target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
[ ${#build[@]} -eq 0 ] || cargo build --locked --quiet --bin cdf-signin
wheel=$(bash packaging/python/build.sh --linux "${build[@]}" 2>/dev/null)
venv="$target/python/bench-venv"
rm -rf "$venv"
/usr/bin/python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --no-index --disable-pip-version-check "$wheel"
sdk=$("$target/pyenv/bin/python" -c "import sysconfig; print(sysconfig.get_path('purelib'))")
exec bash tests/with-keyring.sh python3 benches/python_credentials.py "$venv" "$sdk" "$runs"
