#!/usr/bin/env bash
# Builds the Windows per-user installer (NSIS) and a portable zip, and prints the path of
# each:
#   packaging/windows/build.sh              # release build first (about 6 min on 2 cores)
#   packaging/windows/build.sh --exe-dir D  # package the cdf-signin.exe and
#                                           # cdf-signin-window.exe already in D
#   --fast: store without compressing (the tests: minutes saved on debug executables)
# Output: ${CARGO_TARGET_DIR:-target}/windows/package/cdf-signin-VERSION-setup.exe and
# cdf-signin-VERSION-windows-x86_64.zip. Needs makensis (Debian: nsis) and zip; the build
# needs what packaging/windows/cargo.sh lists. Neither file is signed (packaging/README.md).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
die() { echo "packaging: ERROR: $*" >&2; exit 1; }

exe_dir=
fast=()
zip_level=-9
while [ $# -gt 0 ]; do
  case "$1" in
    --exe-dir) [ $# -ge 2 ] || die "--exe-dir needs a directory"; exe_dir=$2; shift 2 ;;
    --fast) fast=(-DFAST); zip_level=-0; shift ;;
    *) die "unknown argument $1 (usage: $0 [--exe-dir DIR] [--fast])" ;;
  esac
done
for tool in makensis zip convert; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: nsis, zip, imagemagick; tests/setup.sh installs them)"
done
target="${CARGO_TARGET_DIR:-$repo/target}"
if [ -z "$exe_dir" ]; then
  bash packaging/windows/cargo.sh build --release >&2
  exe_dir="$target/windows/x86_64-pc-windows-gnu/release"
fi
for exe in cdf-signin.exe cdf-signin-window.exe; do
  [ -f "$exe_dir/$exe" ] || die "$exe_dir/$exe is missing"
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || die "no version in Cargo.toml"
# Cargo.toml's first author without the e-mail address: Settings > Apps' publisher.
publisher=$(sed -n 's/^authors = \["\([^"<]*\).*$/\1/p' Cargo.toml | head -n1 | sed 's/ *$//')
[ -n "$publisher" ] || die "no authors in Cargo.toml"

out="$target/windows/package"
stage="$out/cdf-signin-$version"
rm -rf "$stage"
mkdir -p "$stage"
cp "$exe_dir/cdf-signin.exe" "$exe_dir/cdf-signin-window.exe" "$stage/"
cp assets/cdf-signin.ico README.md "$stage/"
# The Welcome and Finish pages' picture (164x314, a 24-bit BMP as NSIS wants): the icon on
# a light background. Made here, not kept in the repository, so it follows the icon. Not
# part of the zip.
pictures="$out/pictures"
mkdir -p "$pictures"
convert -size 164x314 xc:'#eef2f8' \
  \( assets/icons/hicolor/128x128/apps/cdf-signin.png \) -gravity center -geometry +0-30 \
  -composite -type TrueColor BMP3:"$pictures/finish.bmp" || die "convert (imagemagick) failed"

setup="$out/cdf-signin-$version-setup.exe"
makensis -V2 -NOCD "${fast[@]}" "-DVERSION=$version" "-DPUBLISHER=$publisher" "-DSRC=$stage" "-DPICTURES=$pictures" \
  "-DOUTFILE=$setup" \
  packaging/windows/installer.nsi >&2 || die "makensis failed"

archive="$out/cdf-signin-$version-windows-x86_64.zip"
rm -f "$archive"
(cd "$out" && zip -q "$zip_level" -r -X "$archive" "cdf-signin-$version") || die "zip failed"

echo "$setup"
echo "$archive"
