#!/usr/bin/env bash
# Runs cargo for Windows (x86_64-pc-windows-gnu) on Debian: `packaging/windows/cargo.sh
# build [--release]` (or `check`, `clippy`), from anywhere. Builds both executables
# (cdf-signin.exe for terminals, cdf-signin-window.exe for the Start menu) into
# ${CARGO_TARGET_DIR:-target}/windows, apart from the Linux build.
#
# Debian's rustc-web and cargo-web (with rust-web-src, the standard library's sources)
# build the standard library for the target (-Zbuild-std, allowed on a stable compiler by
# RUSTC_BOOTSTRAP=1), so no rustup target is needed; mingw-w64 links and compiles C
# (aws-lc-sys, with nasm), windres makes the icon and version resource (build.rs).
# Debian's /usr/bin goes first on PATH for this command only: rustup's proxies in
# ~/.cargo/bin would otherwise win, and its toolchain has no std sources for build-std.
set -euo pipefail
cd "$(dirname "$0")/../.."

[ $# -ge 1 ] || { echo "usage: $0 build|check|clippy [cargo options]" >&2; exit 2; }
for tool in /usr/bin/rustc /usr/bin/cargo x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres nasm; do
  command -v "$tool" >/dev/null || {
    echo "packaging: ERROR: $tool is missing (Debian: rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 nasm; tests/setup.sh installs them)" >&2
    exit 1
  }
done

subcommand=$1
shift
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/windows"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
exec cargo "$subcommand" --locked -Zbuild-std --target x86_64-pc-windows-gnu \
  --features window-exe --bins "$@"
