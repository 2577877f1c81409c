#!/usr/bin/env bash
# Lays out cdf-signin.app from a macOS cdf-signin binary:
#   packaging/macos/build-app.sh BINARY [OUT_DIR]
# BINARY: a Mac build (cargo build --release, or a universal binary from lipo; see
# packaging/README.md). OUT_DIR: where cdf-signin.app goes (default
# ${CARGO_TARGET_DIR:-target}/macos). Prints the path of the bundle.
#
# The bundle: Contents/Info.plist (bundle id com.cognite.cdf-signin, the version from
# Cargo.toml), Contents/MacOS/cdf-signin, Contents/Resources/cdf-signin.icns rendered from
# assets/cdf-signin.svg. It runs on Linux too (the test suite lays one out around a
# placeholder binary); signing and notarisation need a Mac (packaging/README.md).
# Needs python3 and rsvg-convert (Debian: librsvg2-bin; Homebrew: librsvg).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
die() { echo "packaging: ERROR: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 BINARY [OUT_DIR]"
binary=$1
[ -f "$binary" ] || die "$binary is not a file"
out=${2:-${CARGO_TARGET_DIR:-$repo/target}/macos}
for tool in python3 rsvg-convert; do
  command -v "$tool" >/dev/null || die "$tool is missing (rsvg-convert: Debian librsvg2-bin, Homebrew librsvg)"
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n1)
[ -n "$version" ] || die "no version in Cargo.toml"

app="$out/cdf-signin.app"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cdf-signin.app/Contents/MacOS" "$work/cdf-signin.app/Contents/Resources" "$work/png"
install -m 755 "$binary" "$work/cdf-signin.app/Contents/MacOS/cdf-signin"

# The icon: one PNG per size that an .icns holds (16 to 1024 px), from the SVG.
for size in 16 32 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" "$repo/assets/cdf-signin.svg" -o "$work/png/$size.png"
done

python3 - "$work" "$version" <<'PY'
import plistlib, struct, sys
work, version = sys.argv[1], sys.argv[2]
contents = f"{work}/cdf-signin.app/Contents"

# .icns: "icns", the total length, then (type, length, PNG) per size; PNG payloads are
# what macOS 10.7 and later read for these types (iconutil writes the same).
types = [("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256),
         ("ic09", 512), ("ic10", 1024)]
body = b""
for kind, size in types:
    png = open(f"{work}/png/{size}.png", "rb").read()
    body += kind.encode() + struct.pack(">I", 8 + len(png)) + png
with open(f"{contents}/Resources/cdf-signin.icns", "wb") as f:
    f.write(b"icns" + struct.pack(">I", 8 + len(body)) + body)

info = {
    "CFBundleIdentifier": "com.cognite.cdf-signin",
    "CFBundleName": "cdf-signin",
    "CFBundleDisplayName": "cdf-signin",
    "CFBundleExecutable": "cdf-signin",
    "CFBundleIconFile": "cdf-signin",
    "CFBundlePackageType": "APPL",
    "CFBundleInfoDictionaryVersion": "6.0",
    "CFBundleShortVersionString": version,
    "CFBundleVersion": version,
    "LSMinimumSystemVersion": "11.0",
    "LSApplicationCategoryType": "public.app-category.developer-tools",
    "NSHighResolutionCapable": True,
    "NSHumanReadableCopyright": "Apache-2.0",
}
with open(f"{contents}/Info.plist", "wb") as f:
    plistlib.dump(info, f)
PY

mkdir -p "$out"
rm -rf "$app"
mv "$work/cdf-signin.app" "$app"
echo "$app"
