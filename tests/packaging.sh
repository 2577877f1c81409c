#!/usr/bin/env bash
# The .deb, end to end: builds it with cargo-deb from Cargo.toml's [package.metadata.deb]
# (from the dev-profile binary the test suite already built: a release build costs ~6 min;
# packaging/build-deb.sh makes the real one), checks its control fields and file list,
# installs it with dpkg, checks the installed files and programs, removes it and checks
# that its files are gone. Needs root (or sudo) for dpkg; tests/setup.sh installs the tools.
# Refuses to run when a cdf-signin package is already installed: it would replace it.
set -euo pipefail
cd "$(dirname "$0")/.."
source packaging/lib.sh

t0=$(date +%s)
step() { echo "packaging: $*"; }
fail() { echo "packaging: FAIL: $*" >&2; exit 1; }

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
for tool in cargo dpkg dpkg-deb dpkg-query desktop-file-validate appstreamcli python3 man gzip; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run tests/setup.sh)"
done
ensure_cargo_deb

# dpkg's status of the package: empty or "... not-installed" when it is not on the system.
pkg_status() { dpkg-query -W -f='${Status}' cdf-signin 2>/dev/null || true; }
case "$(pkg_status)" in
  "" | *" not-installed") ;;
  *) fail "a cdf-signin package is on this system already ($(pkg_status)); this test installs and
removes its own build. Remove it first (dpkg --purge cdf-signin) or run the test on a CI machine." ;;
esac

version=$(cargo_version)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdf-signin-packaging.XXXXXX")
installed=false
cleanup() {
  local rc=$?
  set +e
  if $installed; then "${sudo_cmd[@]}" dpkg -r cdf-signin >/dev/null 2>&1; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# ---- build ---------------------------------------------------------------------------------
step "building cdf-signin (dev profile) and its completions and man page"
cargo build --locked --quiet --bin cdf-signin
generate_completions_and_man "$(cargo_target_dir)/debug/cdf-signin"
t_build=$(date +%s)
# --profile dev packages target/debug/cdf-signin (cargo-deb warns that it is meant for
# releases); --fast keeps the xz step short for the 80 MB unoptimised binary.
cargo deb --locked --no-build --profile dev --fast --quiet --output "$work/" >"$work/cargo-deb.out" \
  || fail "cargo deb failed"
debs=("$work"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb in $work, found: ${debs[*]}"
deb=${debs[0]}
step "built $(basename "$deb") in $(( $(date +%s) - t_build )) s"

# ---- control fields --------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = cdf-signin ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version-1" ] || fail "Version is '$(field Version)', Cargo.toml says $version"
# The maintainer is Cargo.toml's first author, the one place the publisher is named.
author=$(sed -n 's/^authors = \["\([^"]*\)".*$/\1/p' Cargo.toml | head -n1)
[ -n "$author" ] && [ "$(field Maintainer)" = "$author" ] || fail "Maintainer is '$(field Maintainer)', Cargo.toml's first author is '$author'"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
field Depends | grep -q '^libc6 (>= ' || fail "Depends lacks libc6: '$(field Depends)'"
field Depends | grep -q 'procps' && fail "Depends names procps, which exec no longer needs (it signals with kill(2)): '$(field Depends)'"
# One package name a line (files, not `| grep -q`, which can SIGPIPE the writer under pipefail).
field Recommends | tr ',|' '\n\n' | sed 's/ //g; s/(.*//' >"$work/recommends"
for pkg in libgl1 libegl1 libx11-6 libxkbcommon0 libwayland-client0 xdg-utils gnome-keyring; do
  grep -qx "$pkg" "$work/recommends" || fail "Recommends lacks $pkg: '$(field Recommends)'"
done

# ---- file list -------------------------------------------------------------------------------
icons=()
for n in 16 24 32 48 64 128 256 512; do icons+=("usr/share/icons/hicolor/${n}x${n}/apps/cdf-signin.png"); done
expected=(
  usr/bin/cdf-signin
  usr/share/applications/cdf-signin.desktop
  usr/share/metainfo/com.cognite.cdf_signin.metainfo.xml
  usr/share/icons/hicolor/scalable/apps/cdf-signin.svg
  "${icons[@]}"
  usr/share/bash-completion/completions/cdf-signin
  usr/share/zsh/vendor-completions/_cdf-signin
  usr/share/fish/vendor_completions.d/cdf-signin.fish
  usr/share/man/man1/cdf-signin.1.gz
  usr/share/doc/cdf-signin/copyright
)
dpkg-deb --contents "$deb" >"$work/contents"
# "mode path" a line, paths without the leading ./ (the root directory, if listed, is dropped)
awk '{sub(/^\.\//, "", $6); if ($6 != "") print $1, $6}' "$work/contents" >"$work/listed"
for f in "${expected[@]}"; do
  awk -v f="$f" '$2 == f {found = 1} END {exit !found}' "$work/listed" || fail "the .deb lacks /$f"
done
awk '$2 == "usr/bin/cdf-signin" && $1 == "-rwxr-xr-x" {ok = 1} END {exit !ok}' "$work/listed" \
  || fail "/usr/bin/cdf-signin is not mode 755"
# Nothing outside /usr (no stray files in / or /etc).
awk '$2 !~ /^usr\// {print $2}' "$work/listed" >"$work/outside"
[ ! -s "$work/outside" ] || fail "files outside /usr: $(tr '\n' ' ' <"$work/outside")"
step "control fields and ${#expected[@]} files are as expected"

# ---- install ---------------------------------------------------------------------------------
installed=true
"${sudo_cmd[@]}" dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log" >&2; fail "dpkg -i failed"; }
[ "$(dpkg-query -W -f='${Status} ${Version}' cdf-signin)" = "install ok installed $version-1" ] \
  || fail "dpkg says: $(dpkg-query -W -f='${Status} ${Version}' cdf-signin)"
for f in "${expected[@]}"; do
  [ -s "/$f" ] || fail "/$f is missing or empty after dpkg -i"
done
step "installed"

# The program on PATH is the installed one, and it is this version.
[ "$(command -v cdf-signin)" = /usr/bin/cdf-signin ] || fail "cdf-signin on PATH is $(command -v cdf-signin), not /usr/bin/cdf-signin"
got=$(/usr/bin/cdf-signin --version) || fail "/usr/bin/cdf-signin --version failed"
[ "$got" = "cdf-signin $version" ] || fail "/usr/bin/cdf-signin --version says '$got', Cargo.toml says $version"

# The desktop entry: valid, its Exec program runs, its icon is installed.
desktop=/usr/share/applications/cdf-signin.desktop
desktop-file-validate "$desktop" >"$work/dfv.log" 2>&1 || { cat "$work/dfv.log" >&2; fail "desktop-file-validate $desktop"; }
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
[ -n "$exec_line" ] || fail "$desktop has no Exec line"
exec_prog=${exec_line%% *}
exec_path=$(command -v "$exec_prog") || fail "the Exec program '$exec_prog' is not on PATH"
[ "$exec_path" = /usr/bin/cdf-signin ] || fail "the Exec program resolves to $exec_path"
got=$("$exec_prog" --version) || fail "'$exec_prog --version' (from Exec=) failed"
[ "$got" = "cdf-signin $version" ] || fail "'$exec_prog --version' (from Exec=) says '$got'"
icon=$(sed -n 's/^Icon=//p' "$desktop")
for n in 16 24 32 48 64 128 256 512; do
  png=/usr/share/icons/hicolor/${n}x${n}/apps/$icon.png
  size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n", "not a PNG"; print("%dx%d" % struct.unpack(">II", d[16:24]))' "$png") \
    || fail "$png (Icon=$icon) is not a PNG"
  [ "$size" = "${n}x${n}" ] || fail "$png is $size"
done
[ -s "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "no scalable icon for Icon=$icon"

# The AppStream metadata: valid, launches this desktop entry, names this version.
metainfo=/usr/share/metainfo/com.cognite.cdf_signin.metainfo.xml
# --strict: infos (a summary ending in a dot, say) fail too, not only errors and warnings.
appstreamcli validate --no-net --strict "$metainfo" >"$work/as.log" 2>&1 || { cat "$work/as.log" >&2; fail "appstreamcli validate --no-net --strict $metainfo"; }
read -r mi_id mi_launchable mi_release < <(python3 - "$metainfo" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
releases = root.findall("releases/release")
print(root.findtext("id"), root.findtext("launchable[@type='desktop-id']"),
      releases[0].get("version") if releases else "none")
PY
) || fail "cannot read $metainfo"
[ "$mi_id.metainfo.xml" = "$(basename "$metainfo")" ] || fail "metainfo <id> $mi_id does not match its file name"
[ "$mi_launchable" = "$(basename "$desktop")" ] || fail "metainfo <launchable> is $mi_launchable, the desktop file is $(basename "$desktop")"
[ "$mi_release" = "$version" ] || fail "the newest <release> in the metainfo is $mi_release, Cargo.toml says $version: add a release entry"

# The man page: found by man, renders without warnings, documents the commands.
[ "$(man -w cdf-signin)" = /usr/share/man/man1/cdf-signin.1.gz ] || fail "man -w cdf-signin says '$(man -w cdf-signin 2>&1)'"
MANWIDTH=100 man --warnings -P cat cdf-signin >"$work/man.txt" 2>"$work/man.err" || fail "man cdf-signin failed: $(cat "$work/man.err")"
[ ! -s "$work/man.err" ] || fail "man cdf-signin warns: $(cat "$work/man.err")"
for needle in "cdf-signin login" "cdf-signin profile add" "EXIT STATUS" "profiles.toml"; do
  grep -q "$needle" "$work/man.txt" || fail "the man page lacks '$needle'"
done

# Completions: bash loads and registers them; zsh and fish files are for cdf-signin.
spec=$(bash -c 'source /usr/share/bash-completion/completions/cdf-signin && complete -p cdf-signin') \
  || fail "the bash completion does not load"
case "$spec" in *" cdf-signin") ;; *) fail "bash: complete -p says '$spec'";; esac
head -n1 /usr/share/zsh/vendor-completions/_cdf-signin | grep -qx '#compdef cdf-signin' || fail "zsh completion lacks '#compdef cdf-signin'"
grep -q '^complete -c cdf-signin' /usr/share/fish/vendor_completions.d/cdf-signin.fish || fail "fish completion lacks 'complete -c cdf-signin'"
step "installed files check out (--version, desktop entry, icons, metainfo, man page, completions)"

# ---- remove --------------------------------------------------------------------------------
"${sudo_cmd[@]}" dpkg -r cdf-signin >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log" >&2; fail "dpkg -r failed"; }
installed=false
case "$(pkg_status)" in
  "" | *" not-installed") ;;
  *) fail "dpkg still lists cdf-signin after dpkg -r: $(pkg_status)" ;;
esac
for f in "${expected[@]}"; do
  [ ! -e "/$f" ] || fail "/$f is still there after dpkg -r"
done
step "removed; all files gone"
step "OK ($(( $(date +%s) - t0 )) s)"
