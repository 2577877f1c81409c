#!/usr/bin/env bash
# Runs a command inside a private D-Bus session bus with a real, unlocked gnome-keyring
# (the freedesktop Secret Service), then tears both down:
#   tests/with-keyring.sh CMD [ARGS...]
# The bus has no service directories, so D-Bus activation cannot start a second (locked)
# keyring daemon or anything else; we start the daemon ourselves with a known password.
# The keyring's files live in a temp dir: the user's own keyring is never touched.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: tests/with-keyring.sh CMD [ARGS...]" >&2; exit 2; }
for tool in dbus-daemon gnome-keyring-daemon dbus-send secret-tool; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing (run tests/setup.sh)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/cdf-signin-keyring.XXXXXX")
chmod 700 "$work"
mkdir -m 700 -p "$work/home/.local/share" "$work/run" "$work/control"
dbus_pid=""
keyring_pid=""
cleanup() {
  [ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null && wait "$keyring_pid" 2>/dev/null
  [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null && wait "$dbus_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$work/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile --print-address=3 3>"$work/address" 2>"$work/dbus.log" &
dbus_pid=$!
for _ in $(seq 1 100); do [ -s "$work/address" ] && break; sleep 0.05; done
[ -s "$work/address" ] || { echo "with-keyring: the private dbus-daemon did not start" >&2; exit 1; }
DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$work/address")
export DBUS_SESSION_BUS_ADDRESS

# --unlock with the password on stdin creates the "login" keyring (the default
# collection) if needed and unlocks it, so no prompt can ever appear.
printf '%s' "cdf-signin-test" | env HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_RUNTIME_DIR="$work/run" DISPLAY= WAYLAND_DISPLAY= \
  gnome-keyring-daemon --foreground --unlock --components=secrets --control-directory="$work/control" \
  >"$work/keyring.log" 2>&1 &
keyring_pid=$!

owned=false
for _ in $(seq 1 200); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    owned=true; break
  fi
  kill -0 "$keyring_pid" 2>/dev/null || break
  sleep 0.05
done
$owned || { echo "with-keyring: gnome-keyring did not take org.freedesktop.secrets:" >&2; cat "$work/keyring.log" >&2; exit 1; }

# Prove the default collection accepts and returns a secret without any prompt.
printf 'probe' | timeout 10 secret-tool store --label="cdf-signin test probe" purpose with-keyring-probe \
  || { echo "with-keyring: storing a probe secret failed" >&2; cat "$work/keyring.log" >&2; exit 1; }
[ "$(timeout 10 secret-tool lookup purpose with-keyring-probe)" = "probe" ] \
  || { echo "with-keyring: the probe secret did not come back" >&2; exit 1; }
timeout 10 secret-tool clear purpose with-keyring-probe || true

set +e
"$@"
status=$?
set -e
exit "$status"
