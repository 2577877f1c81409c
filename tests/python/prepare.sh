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
#   3. with --windows: the Windows wheel too, from tests/wine/prepare.sh's debug build;
#   4. with --jupyter: that Linux wheel installed into the Jupyter virtualenv tests/setup.sh
#      makes (${CARGO_TARGET_DIR:-target}/jupyterenv: ipykernel, jupyter_client), again
#      whenever the wheel's own venv was made again.
# Prints nothing on success but what it does; the last line of stdout is the venv's path
# (the Jupyter venv's with --jupyter).
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
jupyter=false
for arg in "$@"; do
  case "$arg" in
    --windows) windows=true ;;
    --jupyter) jupyter=true ;;
    *) die "unknown argument $arg (--windows, --jupyter)" ;;
  esac
done

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

# 4. The wheel in the Jupyter venv, as in its own: from the wheels directory, no index, no
# dependency (the kernel's packages are tests/setup.sh's). The stamp is newer than the
# wheel venv's when it holds that wheel.
if $jupyter; then
  jenv="$target/jupyterenv"
  [ -x "$jenv/bin/python" ] || die "$jenv is missing: run tests/setup.sh (tests/run.sh does), which installs the pinned Jupyter kernel there"
  jstamp="$jenv/.cdf-signin-wheel"
  if [ ! -f "$jstamp" ] || [ "$stamp" -nt "$jstamp" ]; then
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
    say "installing the Linux wheel (cdf-signin $version) into $jenv"
    log="$dir/jupyter.log"
    "$jenv/bin/python" -m pip install --no-index --no-deps --force-reinstall --no-input \
      --disable-pip-version-check -q --find-links "$dir/wheels-dev" "cdf-signin==$version" \
      </dev/null >"$log" 2>&1 \
      || { cat "$log" >&2; die "pip install of the cdf-signin wheel into $jenv failed (log above)"; }
    touch "$jstamp"
  fi
  venv="$jenv"
fi
echo "$venv"
