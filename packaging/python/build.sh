#!/usr/bin/env bash
# Builds the Python wheels with maturin and prints the path of each:
#   packaging/python/build.sh            # release builds: the Linux and the Windows wheel
#   packaging/python/build.sh --dev      # from the debug builds the tests already made
#                                        # (target/debug, and tests/wine/prepare.sh's
#                                        # Windows build): nothing is compiled again
#   --linux / --windows: only that wheel
#
# Each wheel (pyproject.toml beside this script) holds the cdf-signin executable among its
# scripts (maturin's "bin" bindings, as uv and ruff ship theirs), so that `pip install
# cdf-signin` puts the command into the environment's bin/ (Scripts\ on Windows), and the
# pure-Python package cdf_signin (python/cdf_signin). The version is the crate's.
#   - Linux x86_64: py3-none-manylinux_2_X_x86_64, X the oldest glibc whose symbol
#     versions the binary asks for (maturin reads them, `auditwheel show` checks the tag).
#     The window's libraries (X11, Wayland, OpenGL) are opened at run time, so the binary
#     needs only libc and libgcc_s, as the .deb's does.
#   - Windows x86_64: py3-none-win_amd64 with cdf-signin.exe and cdf-signin-window.exe,
#     cross-built as the installer is (packaging/windows/cargo.sh: Debian's rustc-web with
#     -Zbuild-std, mingw-w64), into the same target directory, so cargo reuses that build.
# Output: ${CARGO_TARGET_DIR:-target}/python/wheels (release) or wheels-dev (--dev).
# maturin and auditwheel come from PyPI into ${CARGO_TARGET_DIR:-target}/pytools
# (packaging/python/requirements-build.txt), made here when missing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
die() { echo "packaging: ERROR: $*" >&2; exit 1; }

dev=false
linux=true
windows=true
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) dev=true; shift ;;
    --linux) windows=false; shift ;;
    --windows) linux=false; shift ;;
    *) die "unknown argument $1 (usage: $0 [--dev] [--linux|--windows])" ;;
  esac
done
$linux || $windows || die "--linux and --windows together build nothing; give neither for both"

target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
pytools="$target/pytools"
source packaging/python/tools.sh
ensure_pytools "$pytools"
maturin="$pytools/bin/maturin"

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || die "no version in Cargo.toml"

if $dev; then
  # The dev profile, as `cargo build` and the tests build it: maturin's `cargo rustc`
  # (no extra rustc arguments: no --strip) finds it fresh. Stored, not deflated: a debug
  # binary is hundreds of MB, and the tests only install it.
  out="$target/python/wheels-dev"
  profile=(--profile dev --compression-method stored)
else
  out="$target/python/wheels"
  profile=(--release)
fi
mkdir -p "$out"
# Only the kinds built now are replaced: --windows keeps the Linux wheel, and so on.
if $linux; then rm -f "$out"/cdf_signin-*-manylinux_*.whl; fi
if $windows; then rm -f "$out"/cdf_signin-*-win_amd64.whl; fi

# maturin's own messages go to stderr; stdout is the wheels' paths only.
build() {
  # Run in packaging/python: maturin reads pyproject.toml there, which names the crate.
  "$maturin" build --locked --quiet "${profile[@]}" --out "$out" "$@" >&2
}

# The one wheel in $out whose name ends with $1.
wheel_with() {
  local found=()
  local w
  for w in "$out"/cdf_signin-"$version"-*"$1"; do
    [ -f "$w" ] && found+=("$w")
  done
  [ ${#found[@]} -eq 1 ] || die "expected one cdf_signin-$version-*$1 in $out, found ${#found[@]}"
  echo "${found[0]}"
}

if $linux; then
  # --auditwheel check: fail rather than copy a system library into the wheel.
  (cd packaging/python && build --auditwheel check) || die "maturin build (Linux) failed"
  wheel=$(wheel_with "_x86_64.whl")
  case "$(basename "$wheel")" in
    *-py3-none-manylinux_*_x86_64.whl) ;;
    *) die "$(basename "$wheel") is not tagged py3-none-manylinux_*_x86_64" ;;
  esac
  # auditwheel's own verdict on the tag maturin chose.
  shown=$("$pytools/bin/auditwheel" show "$wheel" 2>&1) || { echo "$shown" >&2; die "auditwheel show failed"; }
  echo "$shown" >&2
  tag=$(basename "$wheel" .whl | sed 's/.*-py3-none-//')
  policy=${tag%%.*}   # the first tag when maturin wrote several
  tr -s ' \n' ' ' <<<"$shown" | grep -q "platform tag: \"*${policy}\"*" \
    || die "auditwheel does not confirm $policy for $(basename "$wheel")"
  echo "$wheel"
fi

if $windows; then
  for tool in /usr/bin/rustc /usr/bin/cargo x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres nasm; do
    command -v "$tool" >/dev/null || die "$tool is missing (Debian: rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 nasm; tests/setup.sh installs them)"
  done
  # The environment of packaging/windows/cargo.sh (which says why), so that cargo finds
  # the build tests/wine/prepare.sh or packaging/windows/build.sh made.
  (
    cd packaging/python
    export PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
    build --target x86_64-pc-windows-gnu --target-dir "$target/windows" \
      -Z build-std --features window-exe
  ) || die "maturin build (Windows) failed"
  wheel=$(wheel_with "py3-none-win_amd64.whl")
  echo "$wheel"
fi
