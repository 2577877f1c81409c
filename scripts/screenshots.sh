#!/usr/bin/env bash
# Regenerates the screenshots in docs/ from the real window under Xvfb, against the test
# OpenID provider and a private keyring:
#   scripts/screenshots.sh            (runs itself inside tests/with-keyring.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CDF_SIGNIN_SHOTS_INNER:-}" ]; then
  bash tests/setup.sh >/dev/null
  cargo build --quiet
  exec env CDF_SIGNIN_SHOTS_INNER=1 bash tests/with-keyring.sh bash "$0"
fi

bin=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/cdf-signin
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The provider exits when its stdin closes: feed it a fifo that we hold open.
mkfifo "$work/idp.in"
sleep 3600 >"$work/idp.in" 2>/dev/null &
pids+=($!)
node tests/idp/server.mjs <"$work/idp.in" >"$work/idp.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/idp.out" ] && break; sleep 0.1; done
issuer=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["issuer"])' "$work/idp.out")

Xvfb :91 -screen 0 1000x680x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=:91
sleep 1

use_root() {
  export XDG_CONFIG_HOME=$work/$1/config XDG_DATA_HOME=$work/$1/data XDG_CACHE_HOME=$work/$1/cache
  export CDF_SIGNIN_KEYRING_SERVICE=cdf-signin-shots-$1
}
shot() { sleep "${2:-1.5}"; import -window root "docs/$1.png"; echo "docs/$1.png"; }
start_app() { "$bin" >/dev/null 2>&1 & app=$!; pids+=($app); xdotool search --sync --onlyvisible --class cdf-signin >/dev/null; }
click() { xdotool mousemove "$1" "$2" click 1; }

# First run: the welcome card.
use_root empty
start_app
shot welcome
click 362 230   # "Create your first profile"
shot editor
kill "$app"

# Three profiles: a service principal, a device-code user, a broken secret.
use_root main
common=(--cluster testcluster --project acme-prod --tenant-id contoso.onmicrosoft.com --authority "$issuer")
echo cc-secret | "$bin" profile add a-service "${common[@]}" --client-id cc-client --flow client-credentials --client-secret-stdin >/dev/null 2>&1
"$bin" profile add b-device "${common[@]}" --client-id device-client --flow device-code >/dev/null 2>&1
echo wrong | "$bin" profile add c-broken "${common[@]}" --client-id cc-client --flow client-credentials --client-secret-stdin >/dev/null 2>&1
start_app
shot signed-out 1
click 338 114    # Get token
shot token-view 3
click 60 153     # b-device in the sidebar
sleep 0.5
click 338 114    # Sign in
shot device-code 3
click 60 175     # c-broken
sleep 0.5
click 338 114    # Get token
shot error-banner 3
click 895 12     # About, in the top bar
shot about
kill "$app"

# CDF awareness: a profile against the fake CDF API, verified, on the Access tab.
mkfifo "$work/cdf.in"
sleep 3600 >"$work/cdf.in" 2>/dev/null &
pids+=($!)
node tests/idp/cdf.mjs --issuer "$issuer" --api-key legacy-key=old-project <"$work/cdf.in" >"$work/cdf.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/cdf.out" ] && break; sleep 0.1; done
cdf_url=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["base_url"])' "$work/cdf.out")
use_root cdf
echo cc-secret | "$bin" profile add my-project --cluster testcluster --project my-project --tenant-id contoso.onmicrosoft.com \
  --authority "$issuer" --base-url "$cdf_url" --client-id cc-client --flow client-credentials --client-secret-stdin >/dev/null 2>&1
echo legacy-key | "$bin" profile add old-project --cluster testcluster --project old-project --base-url "$cdf_url" \
  --flow api-key --api-key-stdin >/dev/null 2>&1
"$bin" profile use my-project >/dev/null 2>&1
start_app
click 338 114    # Get token
sleep 1.5
click "${VERIFY_X:-919}" "${VERIFY_Y:-43}"    # Verify, in the profile's header
shot access 2
# The Check panel beside Verify: the checklist, with one needed capability missing.
click "${CHECK_X:-861}" "${CHECK_Y:-43}"      # Check, in the profile's header
sleep 2
click "${NEEDS_X:-560}" "${NEEDS_Y:-115}"     # the Needed capabilities field
# Keys go to the focused window, and Xvfb has no window manager to give it focus.
xdotool search --onlyvisible --class cdf-signin windowfocus --sync
xdotool type --delay 40 "assetsAcl:READ, wellsAcl:READ"
sleep 0.3
click "${AGAIN_X:-810}" "${AGAIN_Y:-116}"     # Check again
shot check 3
