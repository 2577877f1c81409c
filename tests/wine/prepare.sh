#!/usr/bin/env bash
# Prepares what tests/windows.rs runs under Wine, idempotently and under a lock (every
# test process calls it; the first does the work):
#   1. the Windows executables, a debug build (packaging/windows/cargo.sh build; a no-op
#      when nothing changed, about 6 minutes on two cores from cold);
#   2. the test-only bcryptprimitives.dll (bcryptprimitives.c: Wine 8 lacks the DLL whose
#      ProcessPrng Rust's standard library imports);
#   3. one Wine prefix, ${CARGO_TARGET_DIR:-target}/wine/prefix, with that DLL in
#      system32, made once per run (tests/run.sh removes it first): winemenubuilder off
#      (no menu entries or file associations on the host), no Mono/Gecko installer prompts,
#      its own HOME so nothing of the user's home is mapped into it. Tests copy it.
# Prints nothing on success but what it does.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
wine_dir="$target/wine"
mkdir -p "$wine_dir"

exec 9>"$wine_dir/.lock"
flock 9

say() { echo "wine-prepare: $*" >&2; }

# 1. The executables. cargo prints its progress on stderr; kept quiet when it is a no-op.
log="$wine_dir/build.log"
if ! bash packaging/windows/cargo.sh build >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  say "ERROR: the Windows build failed (log above, all of it in $log)"
  exit 1
fi

# 2. The DLL.
dll="$wine_dir/bcryptprimitives.dll"
if [ ! -f "$dll" ] || [ tests/wine/bcryptprimitives.c -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$dll.tmp" tests/wine/bcryptprimitives.c \
    tests/wine/bcryptprimitives.def -ladvapi32
  mv "$dll.tmp" "$dll"
fi

# 3. The prefix, made in a scratch directory and renamed when complete.
prefix="$wine_dir/prefix"
if [ ! -f "$prefix/.complete" ] || [ "$dll" -nt "$prefix/.complete" ]; then
  say "making the Wine prefix $prefix (about 15 s)"
  rm -rf "$prefix" "$prefix.new"
  mkdir -p "$wine_dir/home"
  env HOME="$wine_dir/home" WINEPREFIX="$prefix.new" WINEDEBUG=-all \
      WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" \
      wineboot --init >"$wine_dir/wineboot.log" 2>&1 \
    || { cat "$wine_dir/wineboot.log" >&2; say "ERROR: wineboot failed"; exit 1; }
  # Kept in the prefix's registry too, for every program the tests start in it.
  for name in winemenubuilder.exe mscoree mshtml; do
    env HOME="$wine_dir/home" WINEPREFIX="$prefix.new" WINEDEBUG=-all \
        wine reg add 'HKCU\Software\Wine\DllOverrides' /v "$name" /d '' /f >/dev/null 2>&1
  done
  env HOME="$wine_dir/home" WINEPREFIX="$prefix.new" wineserver --wait
  cp "$dll" "$prefix.new/drive_c/windows/system32/bcryptprimitives.dll"
  touch "$prefix.new/.complete"
  mv "$prefix.new" "$prefix"
fi
