#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, idempotently (a second run
# is a quick no-op): Debian packages (chromium, gnome-keyring, dbus, Xvfb, ...), the test
# OpenID provider's npm packages and cargo-nextest. Runs without stdin (CI). Fails loudly,
# with the name of what is missing, when something is still not there afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# ---- Debian packages --------------------------------------------------------------------
packages=(chromium gnome-keyring dbus libsecret-tools xvfb xdotool x11-utils imagemagick libgl1-mesa-dri libegl1 libgl1
          ca-certificates curl xdg-utils
          # tests/packaging.sh: cargo-deb's automatic Depends, the validators, man; icons
          dpkg-dev desktop-file-utils appstream man-db librsvg2-bin)
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
            dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli man rsvg-convert python3; do
  command -v "$tool" >/dev/null || absent+=("$tool")
done
[ ${#absent[@]} -eq 0 ] || die "still missing after installing: ${absent[*]}"
if [ -f tests/idp/package-lock.json ]; then
  [ -d tests/idp/node_modules ] || die "tests/idp/node_modules is missing after npm ci"
fi
