#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a bounded time each, one after the
# other, and prints per target the executions, the time and whether it crashed.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS (default 600) bounds each target, and so does a cap of 10,000,000 executions
# (FUZZ_RUNS overrides it), whichever comes first. A crash, a timeout (an input that
# takes over FUZZ_TIMEOUT seconds, default 10) or running out of memory (over 2 GiB)
# ends that target; its input is copied to fuzz/regressions/<target>/, where the
# stable `cargo nextest run --lib` replays it (src/fuzzing/mod.rs). libFuzzer's output goes
# to FUZZ_LOGS/<target>.log (default fuzz/artifacts/logs), new inputs to
# fuzz/corpus/<target>/. Exit status 1 when any target found something.
set -euo pipefail

seconds=${1:-600}
shift || true
runs=${FUZZ_RUNS:-10000000}
timeout=${FUZZ_TIMEOUT:-10}
here=$(cd "$(dirname "$0")" && pwd)
logs=${FUZZ_LOGS:-$here/artifacts/logs}

case $seconds in
'' | *[!0-9]*)
    echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2
    exit 2
    ;;
esac

# The file targets write their input to a scratch directory and the token cache fsyncs
# what it stores: on tmpfs that costs nothing.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi

cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# All targets: a release build with debug assertions and overflow checks on.
echo "building (cargo +nightly fuzz build -s none)" >&2
cargo +nightly fuzz build -s none >&2
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin_dir=$here/target/$triple/release
mkdir -p "$logs"

found=0
printf '%-16s %12s %8s  %s\n' target executions seconds result
for target in "${targets[@]}"; do
    corpus=$here/corpus/$target
    artifacts=$here/artifacts/$target
    mkdir -p "$corpus" "$artifacts"
    # Its key-bearing seeds are made from tests/fixtures/, never committed here.
    [ "$target" != certificate ] || bash "$here/certificate-seeds.sh" "$corpus"
    # JSON answers and files get the JSON dictionary; the others are not JSON.
    dict=()
    case $target in
    loopback | dotenv | profiles_toml | certificate) ;;
    *) dict=("-dict=$here/dicts/json.dict") ;;
    esac
    log=$logs/$target.log
    started=$(date +%s)
    status=0
    "$bin_dir/$target" "$corpus" "$here/seeds/$target" \
        "-max_total_time=$seconds" "-runs=$runs" "-timeout=$timeout" -rss_limit_mb=2048 \
        -print_final_stats=1 "-artifact_prefix=$artifacts/" "${dict[@]}" \
        >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - started))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    result=clean
    saved=()
    for input in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
        [ -e "$input" ] || continue
        mkdir -p "$here/regressions/$target"
        cp "$input" "$here/regressions/$target/"
        saved+=("regressions/$target/$(basename "$input")")
        rm "$input"
    done
    if [ ${#saved[@]} -gt 0 ]; then
        result="FOUND: ${saved[*]}"
        found=1
    elif [ "$status" -ne 0 ]; then
        result="FAILED (exit $status, see $log)"
        found=1
    fi
    printf '%-16s %12s %8s  %s\n' "$target" "${executions:-?}" "$elapsed" "$result"
done
exit $found
