#!/usr/bin/env bash
# bench/signatures.sh: signatures per second from 64 concurrent clients through the public HTTP
# API of `picket serve` (each answer sent after the commit holding the signature), on SQLite and
# on PostgreSQL, with the server killed with SIGKILL in the middle of a burst to show that no
# acknowledged signature is lost; then the same straight against the store, one commit per
# signature against group commit, and a store-level burst killed with SIGKILL.
#
#   bench/signatures.sh [SECONDS_PER_RUN]        (default 5)
#
# PROFILE=dev builds without optimisation (quicker to build, slower to run); the default is
# release. PostgreSQL is the server at PICKET_TEST_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/postgres), where it makes a database per run and drops it.
# Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-5}
CLIENTS=64
PROFILE=${PROFILE:-release}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picket-sign-bench.XXXXXX")
BURST_PID=""
SERVER_PID=""
cleanup() {
    [[ -n "$BURST_PID" ]] && kill -9 "$BURST_PID" 2>/dev/null || true
    [[ -n "$SERVER_PID" ]] && kill -9 "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> building the benchmark ($PROFILE)"
if [[ "$PROFILE" == release ]]; then
    # One build for both, so they share their dependencies' features (two builds would each
    # compile the shared crates again).
    cargo build --release -q -p picket-cli --bin picket -p picket-test-support --example sign_burst
    BIN="$CARGO_TARGET_DIR/release/examples/sign_burst"
    PICKET="$CARGO_TARGET_DIR/release/picket"
else
    cargo build -q -p picket-cli --bin picket -p picket-test-support --example sign_burst
    BIN="$CARGO_TARGET_DIR/debug/examples/sign_burst"
    PICKET="$CARGO_TARGET_DIR/debug/picket"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# CPU time (user and system, in clock ticks of 1/100 s) a process has used.
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }

start_server() { # database URL -> sets SERVER_PID and SERVER
    local port
    port=$(free_port)
    PICKET_DATABASE_URL="$1" PICKET_EACTIONS__SIGNATURES_PER_IP_PER_HOUR=1000000000 \
        PICKET_LOG__LEVEL=warn "$PICKET" serve --addr "127.0.0.1:$port" >>"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    SERVER="http://127.0.0.1:$port"
    for _ in $(seq 1 200); do curl -fs "$SERVER/healthz" >/dev/null && return 0; sleep 0.1; done
    echo "picket serve did not start:" >&2; cat "$WORK/serve.log" >&2; return 1
}

echo "==> $CLIENTS clients over the public HTTP API for ${SECONDS_PER_RUN} s, acknowledged signatures a second"
echo "(client CPU: CPU seconds a second the load generator used; the server's follows each row)"
echo "| engine | clients | acknowledged a second | p50 | p99 | client CPU | check |"
echo "|---|---|---|---|---|---|---|"
for backend in sqlite postgres; do
    mkdir -p "$WORK/http-$backend"
    url=$("$BIN" prepare "$backend" "$WORK/http-$backend")
    start_server "$url"
    server_cpu_before=$(cpu_ticks "$SERVER_PID")
    started=$(date +%s.%N)
    "$BIN" http "$url" "$SERVER" "$SECONDS_PER_RUN" "$CLIENTS"
    server_cpu=$(python3 -c "import sys; print(f'{($(cpu_ticks "$SERVER_PID") - $server_cpu_before) / 100 / ($(date +%s.%N) - $started):.2f}')")
    echo "$backend: the server used $server_cpu CPU seconds a second; load: $(uptime | sed 's/.*load average/load average/')"
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    if [[ "$backend" == postgres ]]; then "$BIN" dropdb "$url"; fi
done

echo "==> kill -9 of picket serve in the middle of an HTTP burst"
for backend in sqlite postgres; do
    mkdir -p "$WORK/kill-$backend"
    url=$("$BIN" prepare "$backend" "$WORK/kill-$backend")
    start_server "$url"
    "$BIN" http-burst "$url" "$SERVER" "$CLIENTS" >"$WORK/http-acks" &
    BURST_PID=$!
    sleep 2
    kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    sleep 0.5
    kill -9 "$BURST_PID"; wait "$BURST_PID" 2>/dev/null || true; BURST_PID=""
    acked=$(tail -n 1 "$WORK/http-acks" | awk '{print $2}')
    stored=$("$BIN" count "$url")
    if [[ "$backend" == postgres ]]; then "$BIN" dropdb "$url"; fi
    if (( stored >= acked )); then verdict="none lost"; else verdict="LOST $((acked - stored))"; fi
    echo "$backend: acknowledged over HTTP before the server was killed: $acked; stored after it: $stored; $verdict"
    (( stored >= acked ))
done

echo "==> $CLIENTS clients straight against the store for ${SECONDS_PER_RUN} s each way, acknowledged signatures a second"
echo "| engine | clients | one commit per signature | group commit | ratio | check |"
echo "|---|---|---|---|---|---|"
for backend in sqlite postgres; do
    "$BIN" throughput "$backend" "$SECONDS_PER_RUN" "$CLIENTS"
done

echo "==> kill -9 in the middle of a burst"
for backend in sqlite postgres; do
    mkdir -p "$WORK/store-$backend"
    url=$("$BIN" prepare "$backend" "$WORK/store-$backend")
    "$BIN" burst "$url" "$CLIENTS" >"$WORK/acks" &
    BURST_PID=$!
    sleep 2
    kill -9 "$BURST_PID"
    wait "$BURST_PID" 2>/dev/null || true
    BURST_PID=""
    acked=$(tail -n 1 "$WORK/acks" | awk '{print $2}')
    stored=$("$BIN" count "$url")
    if [[ "$backend" == postgres ]]; then "$BIN" dropdb "$url"; fi
    if (( stored >= acked )); then verdict="none lost"; else verdict="LOST $((acked - stored))"; fi
    echo "$backend: acknowledged before the kill (last count printed): $acked; stored after it: $stored; $verdict"
    (( stored >= acked ))
done
