#!/usr/bin/env bash
# Builds the release .deb: a release binary, its completions and man page (generated from
# the clap definition into target/packaging/), then cargo-deb with Cargo.toml's
# [package.metadata.deb]. Prints the path of the .deb. Extra arguments go to cargo deb
# (e.g. --output DIR). Needs dpkg-dev for the automatic Depends (dpkg-shlibdeps).
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/lib.sh

ensure_cargo_deb
command -v dpkg-shlibdeps >/dev/null || pkg_die "dpkg-shlibdeps is missing (apt-get install dpkg-dev)"

cargo build --release --locked --bin cdf-signin
generate_completions_and_man "$(cargo_target_dir)/release/cdf-signin"
# --no-build: the binary above is the one the completions came from.
cargo deb --no-build --locked "$@"
