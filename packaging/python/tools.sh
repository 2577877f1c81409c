# Shared by packaging/python/build.sh and tests/setup.sh (source it from the repository
# root): the virtualenv with maturin and auditwheel, made or checked idempotently.

# ensure_pytools DIR: DIR holds packaging/python/requirements-build.txt's packages; a
# stamp with the file's hash marks a finished install, so a second call is a no-op.
ensure_pytools() {
  local dir=$1 req=packaging/python/requirements-build.txt
  local want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ "$(cat "$dir/.requirements.sha256" 2>/dev/null || true)" = "$want" ] \
     && [ -x "$dir/bin/maturin" ] && [ -x "$dir/bin/auditwheel" ]; then
    return 0
  fi
  echo "packaging: creating $dir with maturin and auditwheel from $req" >&2
  rm -rf "$dir"
  local python=/usr/bin/python3
  [ -x "$python" ] || python=$(command -v python3) \
    || { echo "packaging: ERROR: python3 is missing" >&2; return 1; }
  "$python" -m venv "$dir" </dev/null \
    || { echo "packaging: ERROR: python3 -m venv $dir failed (Debian: python3-venv)" >&2; return 1; }
  "$dir/bin/python" -m pip install --no-input --disable-pip-version-check -q -r "$req" </dev/null \
    || { echo "packaging: ERROR: pip install -r $req into $dir failed" >&2; return 1; }
  "$dir/bin/maturin" --version >/dev/null && "$dir/bin/auditwheel" --version >/dev/null \
    || { echo "packaging: ERROR: maturin or auditwheel does not run in $dir" >&2; return 1; }
  echo "$want" >"$dir/.requirements.sha256"
}
