#!/usr/bin/env bash
# bench/pickets.sh: 1,000 supporter sign-ups for the same picket shift from 64 concurrent
# clients, on SQLite and on PostgreSQL. Reports how many places were taken (it must be exactly
# the shift's capacity; every other request must be told the shift is full), requests a second
# and latency percentiles.
#
#   bench/pickets.sh [REQUESTS] [CLIENTS] [CAPACITY]      (defaults 1000, 64 and 6)
#
# It serves `picket demo` (the Northfield branch with its picket sites) on a temporary database
# of each engine, adds a shift of CAPACITY places open to supporters through the API, and fires
# REQUESTS sign-ups at it; then does the same at a second shift, so the first burst shows a
# server just started (its database connections still to open) and the second one running.
# The sign-ups go through the public API (`POST …/pickets/shifts/{id}/supporters`), each with its
# own name and email, from CLIENTS concurrent keep-alive connections of a Rust client
# (`crates/test-support/examples/post_burst.rs`, so no interpreter's lock is in the latency).
# Each request comes as from its own address (`X-Forwarded-For`, with
# `server.trust_proxy_headers` on, as behind a reverse proxy), so the public form's
# per-address limit is counted as it would be for real supporters; SAME_ADDRESS=1 sends them
# all from one address instead (the limit is raised for the run either way).
#
# PROFILE=dev builds without optimisation; the default is release. PICKET_BIN=… serves with
# that binary instead of the one built (to compare builds). PostgreSQL is the server at
# PICKET_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), where a
# database is made for the run and dropped after. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${1:-1000}
CLIENTS=${2:-64}
CAPACITY=${3:-6}
PROFILE=${PROFILE:-release}
PG_URL=${PICKET_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "bench/pickets.sh: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picket-pickets-bench.XXXXXX")
PICKET_PID=""
PG_DB=""
cleanup() {
    [[ -n "$PICKET_PID" ]] && kill "$PICKET_PID" 2>/dev/null && wait "$PICKET_PID" 2>/dev/null || true
    [[ -n "$PG_DB" ]] && psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ "$PROFILE" == release ]]; then
    echo "==> building picket and the load client ($PROFILE)"
    cargo build --release -q -p picket-cli -p picket-test-support --bin picket --example post_burst
    DIR="$CARGO_TARGET_DIR/release"
else
    echo "==> building picket and the load client ($PROFILE)"
    cargo build -q -p picket-cli -p picket-test-support --bin picket --example post_burst
    DIR="$CARGO_TARGET_DIR/debug"
fi
PICKET="${PICKET_BIN:-$DIR/picket}"
CLIENT="$DIR/examples/post_burst"
echo "==> $PICKET"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_engine() { # backend
    local backend=$1 db port base token dispute entrance day shift
    if [[ "$backend" == sqlite ]]; then
        db="sqlite://$WORK/bench.db"
    else
        PG_DB="picket_pickets_bench_$$"
        PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null
        db="${PG_URL%/*}/$PG_DB"
    fi
    port=$(free_port)
    PICKET_PICKETS__SIGNUPS_PER_IP_PER_HOUR=1000000 PICKET_LOG__LEVEL=warn PICKET_SERVER__TRUST_PROXY_HEADERS=true \
        "$PICKET" demo --addr "127.0.0.1:$port" --database-url "$db" >"$WORK/demo-$backend.log" 2>&1 &
    PICKET_PID=$!
    for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$WORK/demo-$backend.log" >&2; exit 1; }
    token=$(PICKET_DATABASE_URL="$db" "$PICKET" token create --email organiser@picket.example --name bench 2>/dev/null)
    base="http://127.0.0.1:$port/api/v1/branches/northfield"
    read -r dispute entrance < <(
        for d in $(curl -fs -H "authorization: Bearer $token" "$base/disputes" | python3 -c 'import json,sys; print(" ".join(str(d["id"]) for d in json.load(sys.stdin)))'); do
            curl -fs -H "authorization: Bearer $token" "$base/disputes/$d/pickets/sites" |
                python3 -c "import json,sys; s=json.load(sys.stdin); print($d, s[0]['entrances'][0]['id']) if s else None"
        done | head -n 1
    )
    day=$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=45))')
    # Two bursts, each at a shift of its own: the first straight after the server started
    # (its database connections still to be opened), the second once it has served one.
    local burst starts
    for burst in first second; do
        [[ $burst == first ]] && starts="18:00" || starts="20:00"
        shift=$(curl -fs -H "authorization: Bearer $token" -H 'content-type: application/json' \
            -d "{\"entrance\":$entrance,\"day\":\"$day\",\"starts\":\"$starts\",\"ends\":\"${starts%%:*}:45\",\"capacity\":$CAPACITY,\"open_to_supporters\":true}" \
            "$base/disputes/$dispute/pickets/shifts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ids"][0])')
        "$CLIENT" "http://127.0.0.1:$port/api/v1/branches/northfield/disputes/$dispute/pickets/shifts/$shift/supporters" \
            "$REQUESTS" "$CLIENTS" "$([[ "${SAME_ADDRESS:-0}" == 1 ]] && echo same || echo own)" >"$WORK/burst-$backend.json"
        python3 - "$backend" "$burst" "$REQUESTS" "$CLIENTS" "$CAPACITY" "$token" "$base/disputes/$dispute/pickets/shifts?from=$day&to=$day" "$shift" "$WORK/burst-$backend.json" <<'EOF'
import json, sys, urllib.request
backend, burst, n, clients, capacity, token, list_url, shift, path = sys.argv[1:]
n, capacity, shift = int(n), int(capacity), int(shift)
b = json.load(open(path))
answers = b["answers"]
req = urllib.request.Request(list_url, headers={"authorization": f"Bearer {token}"})
stored = next(s for s in json.load(urllib.request.urlopen(req)) if s["id"] == shift)
taken = stored["taken"]
full = answers.get("409 shift_full", 0)
ok = taken == capacity and answers.get("201 taken", 0) == capacity and full == n - capacity
print(f"| {backend} | {burst} | {n} | {clients} | {capacity} | {taken} | {full} | {n / b['wall']:.0f} | {b['p50']:.1f} | {b['p99']:.1f} | {b['max']:.1f} | {b['cpu'] / b['wall']:.2f} | {'ok' if ok else 'WRONG ' + repr(answers)} |")
sys.exit(0 if ok else 1)
EOF
    done
    kill "$PICKET_PID"
    wait "$PICKET_PID" 2>/dev/null || true
    PICKET_PID=""
}

echo "==> $REQUESTS supporter sign-ups for one shift of $CAPACITY from $CLIENTS clients"
echo "| engine | burst | requests | clients | capacity | places taken | told full | req/s | p50 ms | p99 ms | max ms | client CPU (s/s) | check |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
run_engine sqlite
run_engine postgres
