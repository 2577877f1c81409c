#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, idempotently:
# Debian packages (chromium, gnome-keyring, dbus, ...) and the test OpenID provider's npm
# packages. Fails loudly when something is still missing afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium gnome-keyring dbus libsecret-tools xvfb xdotool x11-utils imagemagick libgl1-mesa-dri curl ca-certificates xdg-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d tests/idp/node_modules ] || [ tests/idp/package-lock.json -nt tests/idp/node_modules ]; then
  echo "setup: npm ci in tests/idp"
  (cd tests/idp && npm ci --no-audit --no-fund --loglevel=error)
  touch tests/idp/node_modules
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

for tool in chromium gnome-keyring-daemon dbus-daemon dbus-send secret-tool node npm Xvfb xdotool xprop import identify curl; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is still missing after installing" >&2; exit 1; }
done
