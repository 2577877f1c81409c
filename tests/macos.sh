#!/usr/bin/env bash
# macOS, as far as a Linux machine goes (tests/run.sh runs this):
#   1. `cargo-zigbuild check` for aarch64-apple-darwin (MACOS_TARGETS="aarch64-apple-darwin
#      x86_64-apple-darwin" checks both): the whole crate, with the Keychain code,
#      type-checks (zig compiles the C of aws-lc-sys; Debian's rustc builds the standard
#      library for the target, -Zbuild-std). Linking needs Apple's SDK, which is not here: packaging/README.md has the commands for a Mac.
#   2. packaging/macos/build-app.sh lays out cdf-signin.app around a placeholder binary;
#      its Info.plist is read back with a plist parser, and the .icns is parsed.
# Installs: tests/setup.sh (zig and cargo-zigbuild in ${CARGO_TARGET_DIR:-target}/zigenv).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
zigenv="$target/zigenv"
fail() { echo "macos: FAIL: $*" >&2; exit 1; }
[ -x "$zigenv/bin/cargo-zigbuild" ] || fail "$zigenv/bin/cargo-zigbuild is missing (run tests/setup.sh)"
[ -x /usr/bin/cargo ] || fail "Debian's cargo (cargo-web) is missing (run tests/setup.sh)"

# One target a run: no code of the crate depends on the architecture (no target_arch cfg),
# so the second check (~4 minutes of a cold run) added nothing but time.
for triple in ${MACOS_TARGETS:-aarch64-apple-darwin}; do
  t0=$(date +%s)
  log="$target/macos-check-$triple.log"
  # The venv first (zig, and the python3 that cargo-zigbuild asks for it), then Debian's
  # rustc and cargo ahead of rustup's.
  if ! env PATH="$zigenv/bin:/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target/macos" \
      cargo-zigbuild check --locked -Zbuild-std --target "$triple" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    fail "cargo check for $triple (log above, all of it in $log)"
  fi
  echo "macos: cargo check --target $triple passed ($(( $(date +%s) - t0 )) s)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#!/bin/sh\necho placeholder\n' >"$work/cdf-signin"
app=$(bash packaging/macos/build-app.sh "$work/cdf-signin" "$work/out")
[ "$app" = "$work/out/cdf-signin.app" ] || fail "build-app.sh printed '$app'"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
python3 - "$app" "$version" <<'PY' || fail "the bundle is not right (above)"
import os, plistlib, struct, sys
app, version = sys.argv[1], sys.argv[2]
with open(f"{app}/Contents/Info.plist", "rb") as f:
    info = plistlib.load(f)
want = {
    "CFBundleIdentifier": "com.cognite.cdf-signin",
    "CFBundleExecutable": "cdf-signin",
    "CFBundlePackageType": "APPL",
    "CFBundleShortVersionString": version,
    "CFBundleIconFile": "cdf-signin",
    "NSHighResolutionCapable": True,
}
for key, value in want.items():
    assert info.get(key) == value, f"{key} is {info.get(key)!r}, not {value!r}"
exe = f"{app}/Contents/MacOS/{info['CFBundleExecutable']}"
assert os.access(exe, os.X_OK), f"{exe} is not executable"
icns = open(f"{app}/Contents/Resources/{info['CFBundleIconFile']}.icns", "rb").read()
assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns), "icns header"
kinds, at = [], 8
while at < len(icns):
    kind, size = icns[at:at + 4].decode(), struct.unpack(">I", icns[at + 4:at + 8])[0]
    assert icns[at + 8:at + 16] == b"\x89PNG\r\n\x1a\n", f"{kind} is not a PNG"
    kinds.append(kind)
    at += size
assert at == len(icns), "icns entries do not add up"
for kind in ("icp4", "ic07", "ic09", "ic10"):
    assert kind in kinds, f"no {kind} in the icns ({kinds})"
print(f"macos: {app}: Info.plist and icon ({', '.join(kinds)}) as they should be")
PY
