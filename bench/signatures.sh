#!/usr/bin/env bash
# bench/signatures.sh: signatures per second with 64 concurrent clients straight against the
# store, one commit per signature against group commit, on SQLite and on PostgreSQL; then a
# burst on each engine killed with SIGKILL, showing that no acknowledged signature is lost.
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
cleanup() {
    [[ -n "$BURST_PID" ]] && kill -9 "$BURST_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> building the benchmark ($PROFILE)"
if [[ "$PROFILE" == release ]]; then
    cargo build --release -q -p picket-test-support --example sign_burst
    BIN="$CARGO_TARGET_DIR/release/examples/sign_burst"
else
    cargo build -q -p picket-test-support --example sign_burst
    BIN="$CARGO_TARGET_DIR/debug/examples/sign_burst"
fi

echo "==> $CLIENTS clients for ${SECONDS_PER_RUN} s each way, acknowledged signatures a second"
echo "| engine | clients | one commit per signature | group commit | ratio | check |"
echo "|---|---|---|---|---|---|"
for backend in sqlite postgres; do
    "$BIN" throughput "$backend" "$SECONDS_PER_RUN" "$CLIENTS"
done

echo "==> kill -9 in the middle of a burst"
for backend in sqlite postgres; do
    url=$("$BIN" prepare "$backend" "$WORK")
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
