# Shared by packaging/build-deb.sh, tests/packaging.sh and tests/setup.sh (source it from
# the repository root). Functions fail loudly with a "packaging:" message.

# The cargo-deb version the scripts are tested with. Pinned because the test packages the
# dev-profile binary (to avoid a ~6 min release build), which cargo-deb 3.x allows with a
# warning and says a later version will refuse.
CARGO_DEB_VERSION=3.8.0

pkg_die() { echo "packaging: ERROR: $*" >&2; exit 1; }

# Installs cargo-deb $CARGO_DEB_VERSION unless that version is already there.
ensure_cargo_deb() {
  local have
  have=$(cargo deb --version 2>/dev/null || true)
  if [ "$have" != "cargo-deb $CARGO_DEB_VERSION" ]; then
    echo "packaging: installing cargo-deb $CARGO_DEB_VERSION (found: ${have:-none})"
    cargo install --locked cargo-deb --version "$CARGO_DEB_VERSION" </dev/null \
      || pkg_die "cargo install --locked cargo-deb --version $CARGO_DEB_VERSION failed"
    have=$(cargo deb --version 2>/dev/null || true)
    [ "$have" = "cargo-deb $CARGO_DEB_VERSION" ] || pkg_die "cargo deb --version says '$have' after installing"
  fi
}

# Cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config).
cargo_target_dir() {
  cargo metadata --no-deps --format-version 1 --locked \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' \
    || pkg_die "cannot read the target directory from cargo metadata"
}

# The package version from Cargo.toml.
cargo_version() {
  cargo metadata --no-deps --format-version 1 --locked \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="cdf-signin"))' \
    || pkg_die "cannot read the version from cargo metadata"
}

# Writes the completions and the man page that Cargo.toml's [package.metadata.deb] assets
# name, by running BIN (a built cdf-signin), into target/packaging/ of the repository.
generate_completions_and_man() {
  local bin=$1 out=target/packaging
  [ -x "$bin" ] || pkg_die "$bin is not an executable"
  rm -rf "$out"
  mkdir -p "$out/completions" "$out/man"
  "$bin" completions bash >"$out/completions/cdf-signin.bash" || pkg_die "$bin completions bash failed"
  "$bin" completions zsh >"$out/completions/_cdf-signin" || pkg_die "$bin completions zsh failed"
  "$bin" completions fish >"$out/completions/cdf-signin.fish" || pkg_die "$bin completions fish failed"
  "$bin" man >"$out/man/cdf-signin.1" || pkg_die "$bin man failed"
  local f
  for f in "$out"/completions/* "$out"/man/*; do
    [ -s "$f" ] || pkg_die "$f is empty"
  done
}
