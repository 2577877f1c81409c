#!/usr/bin/env bash
# Runs a command inside a private D-Bus session bus with a real, unlocked gnome-keyring
# (the freedesktop Secret Service), then tears both down and exits with the command's code:
#   tests/with-keyring.sh CMD [ARGS...]
#
# - The bus is our own dbus-daemon (type "session") on a unix socket in a temp dir. Its
#   config has no service directories, so D-Bus activation can start nothing: no second,
#   locked gnome-keyring, no GUI password prompter. A prompt therefore fails fast instead
#   of hanging, and any prompt is a bug.
# - gnome-keyring-daemon is started by us with a fixed password on stdin (--unlock): it
#   creates the "login" keyring in a private XDG_DATA_HOME and unlocks it; "login" is the
#   collection behind the alias "default". The user's own keyring is never touched.
# - CMD gets DBUS_SESSION_BUS_ADDRESS plus a private HOME, XDG_DATA_HOME, XDG_CONFIG_HOME,
#   XDG_CACHE_HOME, XDG_STATE_HOME and XDG_RUNTIME_DIR (all under the temp dir, mode 0700).
#   CARGO_HOME and RUSTUP_HOME are pinned to their effective values first, so cargo and
#   rustup keep working; the rest of the environment (PATH, DISPLAY, ...) is kept.
# - Everything is torn down on exit, whatever the reason; the daemons also get SIGTERM
#   from the kernel if this script itself is SIGKILLed (setpriv --pdeathsig), and the next
#   run removes the temp dir such a run left behind.
# WITH_KEYRING_VERBOSE=1 prints how long the setup took.
set -euo pipefail

die() { echo "with-keyring: $*" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: tests/with-keyring.sh CMD [ARGS...]" >&2; exit 2; }
t0=${EPOCHREALTIME/[.,]/}
for tool in dbus-daemon dbus-send gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || die "$tool is missing (run tests/setup.sh)"
done

# ---- private directories ----------------------------------------------------------------
tmp_root=${TMPDIR:-/tmp}
# A unix socket path must fit in 108 bytes: fall back to /tmp for a very long TMPDIR.
[ ${#tmp_root} -le 60 ] || tmp_root=/tmp
# Sweep the temp dirs of earlier runs that were SIGKILLed (their owner pid is gone).
for old in "$tmp_root"/cdf-signin-keyring.*; do
  [ -f "$old/owner" ] || continue
  kill -0 "$(cat "$old/owner" 2>/dev/null || echo 0)" 2>/dev/null || rm -rf "$old"
done
work=$(mktemp -d "$tmp_root/cdf-signin-keyring.XXXXXX") || die "cannot create a temp dir in $tmp_root"
echo $$ >"$work/owner"
dbus_pid=""
keyring_pid=""
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM HUP
  if [ -n "$keyring_pid" ]; then kill -TERM "$keyring_pid" 2>/dev/null; wait "$keyring_pid" 2>/dev/null; fi
  if [ -n "$dbus_pid" ]; then kill -TERM "$dbus_pid" 2>/dev/null; wait "$dbus_pid" 2>/dev/null; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 700 "$work"
home="$work/home"
mkdir -m 700 -p "$home" "$home/.local" "$home/.local/share" "$home/.local/state" "$home/.config" "$home/.cache" "$work/run" "$work/run/keyring"

# Children die with us even if we are SIGKILLed and our traps never run.
pdeath=()
if command -v setpriv >/dev/null && setpriv --pdeathsig TERM true 2>/dev/null; then
  pdeath=(setpriv --pdeathsig TERM)
fi

# ---- the bus ------------------------------------------------------------------------------
cat > "$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <!-- Like /usr/share/dbus-1/session.conf, but with no <servicedir> and no
       <standard_session_servicedirs/>: nothing can be started by D-Bus activation. -->
  <type>session</type>
  <keep_umask/>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

mkfifo "$work/address.fifo"
"${pdeath[@]}" dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile --nosyslog \
  --print-address=3 3>"$work/address.fifo" </dev/null >"$work/dbus.log" 2>&1 &
dbus_pid=$!
# Blocks until dbus-daemon prints its address, or gets EOF if it dies first.
address=""
IFS= read -r -t 10 address <"$work/address.fifo" || true
[ -n "$address" ] || { cat "$work/dbus.log" >&2; die "the private dbus-daemon did not start (log above)"; }
export DBUS_SESSION_BUS_ADDRESS="$address"
unset DBUS_SESSION_BUS_PID DBUS_STARTER_ADDRESS DBUS_STARTER_BUS_TYPE GNOME_KEYRING_CONTROL

# ---- the keyring ------------------------------------------------------------------------
# Pin cargo's and rustup's homes before HOME changes, so that CMD can still build.
real_home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
export CARGO_HOME="${CARGO_HOME:-$real_home/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$real_home/.rustup}"
# npm reads its user config (registry, CA) from ~/.npmrc: keep it.
if [ -z "${NPM_CONFIG_USERCONFIG:-}" ] && [ -f "$real_home/.npmrc" ]; then
  export NPM_CONFIG_USERCONFIG="$real_home/.npmrc"
fi
export HOME="$home"
export XDG_DATA_HOME="$home/.local/share" XDG_STATE_HOME="$home/.local/state"
export XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
export XDG_RUNTIME_DIR="$work/run"

# --unlock reads the password from stdin, creates the "login" keyring if there is none and
# unlocks it. No DISPLAY for the daemon: it must never try to show anything.
printf '%s' "cdf-signin-test" | env -u DISPLAY -u WAYLAND_DISPLAY \
  "${pdeath[@]}" gnome-keyring-daemon --foreground --unlock --components=secrets \
  --control-directory="$work/run/keyring" >"$work/keyring.log" 2>&1 &
keyring_pid=$!

# Wait (at most 10 s) until it owns org.freedesktop.secrets on our bus.
owned=false
deadline=$(( ${EPOCHREALTIME/[.,]/} + 10000000 ))
while [ "${EPOCHREALTIME/[.,]/}" -lt "$deadline" ]; do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    owned=true; break
  fi
  kill -0 "$keyring_pid" 2>/dev/null || break
  sleep 0.01
done
$owned || { cat "$work/keyring.log" >&2; die "gnome-keyring-daemon did not take org.freedesktop.secrets on the private bus (log above)"; }
export GNOME_KEYRING_CONTROL="$work/run/keyring"

# The alias "default" must name an unlocked collection that stores without a prompt.
default=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.secrets /org/freedesktop/secrets \
  org.freedesktop.Secret.Service.ReadAlias string:default 2>&1) || default="(error: $default)"
default=${default//[[:space:]]/}
case "$default" in
  /org/freedesktop/secrets/collection/*) ;;
  *) cat "$work/keyring.log" >&2; die "the keyring has no default collection (ReadAlias default: $default)";;
esac
printf 'probe' | timeout 10 secret-tool store --label="with-keyring probe" with-keyring probe \
  || { cat "$work/keyring.log" >&2; die "storing a probe secret in $default failed"; }
[ "$(timeout 10 secret-tool lookup with-keyring probe)" = "probe" ] \
  || { cat "$work/keyring.log" >&2; die "the probe secret did not come back from $default"; }
timeout 10 secret-tool clear with-keyring probe || die "clearing the probe secret failed"

if [ "${WITH_KEYRING_VERBOSE:-}" = 1 ]; then
  echo "with-keyring: ready in $(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 )) ms (bus $DBUS_SESSION_BUS_ADDRESS, default collection $default)" >&2
fi

# ---- the command ------------------------------------------------------------------------
set +e
"$@"
status=$?
set -e
exit "$status"
