#!/usr/bin/env bash
# Screenshots of every page of the installer and the uninstaller under Wine, for looking
# at (not part of tests/run.sh; about a minute):
#   tests/wine/installer-pages.sh SETUP.exe OUTDIR
# SETUP.exe comes from packaging/windows/build.sh; tests/wine/prepare.sh must have made
# the Wine prefix. Works in a private copy of it on a private Xvfb display, clicks the
# default button (Enter) from page to page, and writes OUTDIR/NN-name.png.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SETUP.exe OUTDIR" >&2; exit 2; }
setup=$(realpath "$1")
out=$2
mkdir -p "$out"
out=$(realpath "$out")
cd "$(dirname "$0")/../.."
base="${CARGO_TARGET_DIR:-$PWD/target}/wine/prefix"
[ -f "$base/.complete" ] || { echo "run tests/wine/prepare.sh first" >&2; exit 1; }

work=$(mktemp -d)
xvfb_pid=
cleanup() {
  WINEPREFIX="$work/prefix" HOME="$work/home" wineserver --kill 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cp -al "$base" "$work/prefix"
for hive in system.reg user.reg userdef.reg; do
  cp --remove-destination "$base/$hive" "$work/prefix/$hive"
done
mkdir -p "$work/home"
exec 8< <(Xvfb -displayfd 1 -screen 0 1024x768x24 -nolisten tcp 2>/dev/null)
xvfb_pid=$!
read -r display <&8
export DISPLAY=":$display" WINEPREFIX="$work/prefix" HOME="$work/home" WINEDEBUG=-all
export WINEDLLOVERRIDES="winemenubuilder.exe,mscoree,mshtml="

# The window whose title starts with $1, waited for up to 60 s.
window() {
  local id
  for _ in $(seq 120); do
    id=$(xdotool search --onlyvisible --name "^$1" 2>/dev/null | head -n1 || true)
    [ -n "$id" ] && { echo "$id"; return; }
    sleep 0.5
  done
  echo "no window titled $1" >&2
  exit 1
}
shot() { sleep 1.5; import -window "$1" "$out/$2.png"; echo "$out/$2.png"; }
next() { xdotool key --window "$1" Return; }

wine "$setup" &
w=$(window "cdf-signin .* Setup")
shot "$w" 01-welcome; next "$w"
shot "$w" 02-directory; next "$w"
shot "$w" 03-components
# The PATH option ticked (a click on its box) and pointed at, for its description.
eval "$(xdotool getwindowgeometry --shell "$w")"
xdotool mousemove --window "$w" 214 163 click 1 sleep 0.3 mousemove --window "$w" 262 163 sleep 0.3 mousemove --window "$w" 266 164
shot "$w" 04-components-path; next "$w"
sleep 3
shot "$w" 05-finish
# Untick "Start cdf-signin now" (the focused checkbox), then Finish.
xdotool key --window "$w" space
next "$w"
wineserver --wait || true

uninstaller="$work/prefix/drive_c/users/$(ls "$work/prefix/drive_c/users" | grep -v Public | head -n1)/AppData/Local/Programs/cdf-signin/uninstall.exe"
wine "$uninstaller" &
w=$(window "cdf-signin .* Uninstall")
shot "$w" 06-uninstall-components; next "$w"
sleep 3
shot "$w" 07-uninstall-done
next "$w" || true
wineserver --wait || true
