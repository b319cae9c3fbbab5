#!/usr/bin/env bash
# The loopback scale benchmark (issue 8, item 4): one wx-tokio process (the scale_client
# example) against one wx-sim process, for 1, 100, 1,000 and 10,000 logged-in accounts, one
# text per account every 10 s spread over the period. Owns: building both once, starting and
# stopping the simulator for every size (SIGTERM, SIGKILL after 5 s), sampling both
# processes' CPU time and the simulator's resident memory, and writing the raw output
# (benches/results/scale.txt), the table (scale.md) and the chart (memory-per-account.svg,
# by benches/scale/chart.py).
#
#   benches/scale/run.sh
#   SCALE_ACCOUNTS="1 100" SCALE_SECONDS=20 benches/scale/run.sh
#
# Other knobs: SCALE_RATE_MS (10000), SCALE_CONTACTS (3 friends per account), SCALE_CONCURRENCY
# (64 logins at once), SCALE_OUT (benches/results), SCALE_CLIENT_ARGS (more scale_client flags,
# e.g. "--read-buffer 4096"), CARGO_TARGET_DIR (target).
set -euo pipefail

cd "$(dirname "$0")/../.."
ACCOUNTS=${SCALE_ACCOUNTS:-"1 100 1000 10000"}
WINDOW=${SCALE_SECONDS:-60}
RATE_MS=${SCALE_RATE_MS:-10000}
CONTACTS=${SCALE_CONTACTS:-3}
CONCURRENCY=${SCALE_CONCURRENCY:-64}
OUT=${SCALE_OUT:-benches/results}
TARGET=${CARGO_TARGET_DIR:-target}
SIM_BIN=$TARGET/release/wx-sim
CLIENT_BIN=$TARGET/release/examples/scale_client

# Each held synccheck is an open connection on both sides: raise the soft fd limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -n 20000 2>/dev/null || true

cargo build --release -p wx-sim --bin wx-sim -p wx-tokio --example scale_client

mkdir -p "$OUT"
RAW=$OUT/scale.txt
WORK=$(mktemp -d)
SIM_PID=
cleanup() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill -KILL "$SIM_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# CPU seconds (user + system) of a process, from /proc/PID/stat (USER_HZ is 100).
cpu_of() {
    awk '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# A field of /proc/PID/status in KiB.
kib_of() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# Stops the simulator: SIGTERM, then SIGKILL after 5 s; nothing may hang.
stop_sim() {
    kill -TERM "$SIM_PID" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$SIM_PID" 2>/dev/null; then
        echo "wx-sim did not stop within 5 s of SIGTERM: SIGKILL" >&2
        kill -KILL "$SIM_PID" 2>/dev/null || true
    fi
    wait "$SIM_PID" 2>/dev/null || true
    SIM_PID=
}

{
    echo "# benches/scale/run.sh, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "# accounts: $ACCOUNTS; window ${WINDOW} s; one text per account every ${RATE_MS} ms, spread;"
    echo "# $CONTACTS friends per account; $CONCURRENCY logins at once; soft fd limit $(ulimit -n)"
    echo "# client flags: ${SCALE_CLIENT_ARGS:-none}"
    echo "# git $(git rev-parse --short HEAD 2>/dev/null || echo '?'); files with uncommitted changes in wx-proto, wx-tokio, wx-sim: $(git status --short -- wx-proto wx-tokio wx-sim 2>/dev/null | wc -l)"
    echo "# nproc $(nproc); $(uptime)"
} > "$RAW"

for N in $ACCOUNTS; do
    echo "== $N accounts" | tee -a "$RAW"
    SIM_ARGS=(--port 0 --accounts "$N" --contacts "$CONTACTS" --groups 0 --official 0
        --auto-confirm 10 --each-account --rate-ms "$RATE_MS" --spread)
    echo "sim: wx-sim ${SIM_ARGS[*]}" >> "$RAW"
    "$SIM_BIN" "${SIM_ARGS[@]}" > "$WORK/sim.out" 2> "$WORK/sim.err" &
    SIM_PID=$!
    BASE=
    for _ in $(seq 100); do
        BASE=$(grep -o 'http://[0-9.:]*' "$WORK/sim.out" || true)
        [ -n "$BASE" ] && break
        sleep 0.1
    done
    if [ -z "$BASE" ]; then
        echo "wx-sim did not start" | tee -a "$RAW" >&2
        cat "$WORK/sim.err" >&2
        stop_sim
        continue
    fi
    # Login can take a while at 10,000 (the client gives up waiting after --ramp-timeout).
    RAMP=$((120 + N / 10))
    "$CLIENT_BIN" --base "$BASE" --sessions "$N" --seconds "$WINDOW" \
        --concurrency "$CONCURRENCY" --ramp-timeout "$RAMP" ${SCALE_CLIENT_ARGS:-} \
        > "$WORK/client.out" 2> "$WORK/client.err" &
    CLIENT_PID=$!
    SIM_CPU_READY=
    SIM_RSS_READY=
    DEADLINE=$((SECONDS + RAMP + WINDOW + 60))
    while kill -0 "$CLIENT_PID" 2>/dev/null; do
        if [ -z "$SIM_CPU_READY" ] && grep -q "measuring" "$WORK/client.err"; then
            SIM_CPU_READY=$(cpu_of "$SIM_PID")
            SIM_RSS_READY=$(kib_of "$SIM_PID" VmRSS)
        fi
        if [ "$SECONDS" -gt "$DEADLINE" ]; then
            echo "scale_client overran: killed" | tee -a "$RAW" >&2
            kill -KILL "$CLIENT_PID" 2>/dev/null || true
        fi
        sleep 0.2
    done
    wait "$CLIENT_PID" || echo "scale_client exited with $?" | tee -a "$RAW" >&2
    SIM_CPU_END=$(cpu_of "$SIM_PID")
    SIM_RSS_END=$(kib_of "$SIM_PID" VmRSS)
    SIM_HWM=$(kib_of "$SIM_PID" VmHWM)
    stop_sim
    grep -v '^scale_client: session' "$WORK/client.err" | tail -n 20 >> "$RAW" || true
    cat "$WORK/client.out" | tee -a "$RAW"
    ENDED=$(grep -c '^scale_client: session' "$WORK/client.err" || true)
    echo "sim-stats {\"accounts\":$N,\"cpu_login_s\":${SIM_CPU_READY:-null},\"cpu_end_s\":$SIM_CPU_END,\"rss_ready_kib\":${SIM_RSS_READY:-null},\"rss_end_kib\":$SIM_RSS_END,\"hwm_kib\":$SIM_HWM,\"client_sessions_ended\":$ENDED}" | tee -a "$RAW"
    tail -n 5 "$WORK/sim.err" >> "$RAW" || true
done
echo "# done $(date -u '+%H:%M:%S UTC'); $(uptime)" >> "$RAW"

python3 benches/scale/chart.py "$RAW" --svg "$OUT/memory-per-account.svg" > "$OUT/scale.md"
cat "$OUT/scale.md"
