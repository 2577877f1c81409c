#!/usr/bin/env bash
# Prepares what tests/python_wheel.rs runs, idempotently and under a lock (every test
# calls it; tests/run.sh runs it first, before the tests run, so that it never builds
# while they do):
#   1. the Linux wheel from the debug build (packaging/python/build.sh --dev --linux),
#      made again when a source of the binary or anything under packaging/python is
#      newer (not the binary's own time: `cargo build` and the tests' build link it with
#      other features, each in turn, and neither must start a build here);
#   2. a fresh virtualenv, ${CARGO_TARGET_DIR:-target}/python/venv, with that wheel
#      installed alone (`pip install --no-index`: a dependency would fail it);
#   3. with --windows: the Windows wheel too, from tests/wine/prepare.sh's debug build.
# Prints nothing on success but what it does; the last line of stdout is the venv's path.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
dir="$target/python"
mkdir -p "$dir"

exec 9>"$dir/.lock"
flock 9

say() { echo "python-prepare: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

windows=false
[ "${1:-}" = --windows ] && windows=true

binary="$target/debug/cdf-signin"
[ -x "$binary" ] || die "$binary is missing (cargo build builds it)"

# 1 and 2. The stamp is written last: its age says when the venv was complete.
venv="$dir/venv"
stamp="$venv/.complete"
stale=false
if [ ! -f "$stamp" ] \
   || [ -n "$(find src build.rs Cargo.toml Cargo.lock assets packaging/python -newer "$stamp" -print -quit)" ]; then
  stale=true
fi
if $stale; then
  say "building the Linux wheel from $binary and installing it alone into $venv"
  log="$dir/build.log"
  wheel=$(bash packaging/python/build.sh --dev --linux 2>"$log") \
    || { tail -n 40 "$log" >&2; die "packaging/python/build.sh --dev --linux failed (log above)"; }
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv" </dev/null >"$log" 2>&1 || { cat "$log" >&2; die "python3 -m venv failed"; }
  "$venv/bin/python" -m pip install --no-index --no-input --disable-pip-version-check -q \
    "$wheel" </dev/null >"$log" 2>&1 \
    || { cat "$log" >&2; die "pip install --no-index $wheel failed (log above)"; }
  touch "$stamp"
fi

# 3. The Windows wheel, when asked for (tests/wine/prepare.sh builds the executables).
if $windows; then
  exe="$target/windows/x86_64-pc-windows-gnu/debug/cdf-signin.exe"
  wwheel_stamp="$dir/.windows-wheel"
  if [ ! -f "$wwheel_stamp" ] || [ "$exe" -nt "$wwheel_stamp" ] \
     || [ -n "$(find packaging/python -newer "$wwheel_stamp" -print -quit)" ] \
     || ! ls "$dir"/wheels-dev/*-win_amd64.whl >/dev/null 2>&1; then
    bash tests/wine/prepare.sh
    say "building the Windows wheel from $exe"
    log="$dir/build-windows.log"
    bash packaging/python/build.sh --dev --windows >/dev/null 2>"$log" \
      || { tail -n 40 "$log" >&2; die "packaging/python/build.sh --dev --windows failed (log above)"; }
    touch "$wwheel_stamp"
  fi
fi
echo "$venv"
