#!/usr/bin/env bash
# bench/campaign.sh: a dispute's public campaign page under a viral read load, against the
# wall page (the cached path bench/wall.sh compares with nginx) and against the same campaign
# page rendered afresh for a signed-in organiser, in one run on this machine, taking turns.
#
#   bench/campaign.sh [SECONDS_PER_ROUND] [ROUNDS]      (defaults: 10 and 3)
#
# It builds `picket` in release mode, serves the demo (its dispute has eleven periods of
# action, a timeline and picket locations) on a temporary SQLite database, then alternates
# wrk runs (64 connections, Accept-Encoding: gzip) against: the wall page, the campaign page as
# an anonymous visitor gets it, and the campaign page with an organiser's session cookie
# (rendered on every request). It prints requests per second and p99 latency, and the median
# ratios campaign/wall and signed-in/anonymous. Needs: wrk, curl. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=64
THREADS=2
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "bench/campaign.sh: $tool is missing (apt-get install wrk curl)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picket-bench.XXXXXX")
PICKET_PID=""
cleanup() {
    [[ -n "$PICKET_PID" ]] && kill "$PICKET_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "==> building picket (release)"
cargo build --release -q -p picket-cli
PICKET="$CARGO_TARGET_DIR/release/picket"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
echo "==> serving the demo on 127.0.0.1:$PORT"
PICKET_LOG__LEVEL=warn PICKET_SECURITY__MAX_FAILURES_PER_IP=1000 \
    "$PICKET" demo --addr "127.0.0.1:$PORT" --database-url "sqlite://$WORK/bench.db" >"$WORK/demo.log" 2>&1 &
PICKET_PID=$!
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done
CAMPAIGN=$(grep -o 'Campaign page: http://[^ ]*' "$WORK/demo.log" | sed "s|Campaign page: http://[^/]*||")
[[ -n "$CAMPAIGN" ]] || { echo "bench/campaign.sh: the demo did not print its campaign page" >&2; exit 1; }

# An organiser's session, for the page rendered on every request.
JAR="$WORK/cookies"
token=$(curl -fs -c "$JAR" "$BASE/login" | python3 -c 'import re,sys; print(re.search(r"name=\"csrf_token\" value=\"([^\"]+)\"", sys.stdin.read()).group(1))')
curl -fs -o /dev/null -b "$JAR" -c "$JAR" -H "Origin: $BASE" \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=organiser@picket.example" \
    --data-urlencode "password=picket-demo-2024" --data-urlencode "next=/dashboard" "$BASE/login"
SESSION=$(awk '$6 == "picket_session" {print $7}' "$JAR")
[[ -n "$SESSION" ]] || { echo "bench/campaign.sh: could not sign in" >&2; exit 1; }
anon=$(curl -fs --compressed "$BASE$CAMPAIGN" | wc -c)
zipped=$(curl -fs -H 'Accept-Encoding: gzip' "$BASE$CAMPAIGN" | wc -c)
echo "    campaign page $CAMPAIGN: $anon bytes, gzip $zipped bytes"

run_wrk() { # url [header] -> "req_per_sec p99_ms"
    local extra=()
    [[ -n "${2:-}" ]] && extra=(-H "$2")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s" --latency -H 'Accept-Encoding: gzip' "${extra[@]}" "$1" |
        awk '/Requests\/sec/ {rps=$2} / 99%/ {v=$2; if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v} END {printf "%.0f %.2f\n", rps, p99}'
}

echo "==> $ROUNDS rounds of ${SECONDS_PER_ROUND}s each, $CONNECTIONS connections, taking turns"
printf '    %-6s %-22s %12s %10s\n' round page "req/s" "p99 ms"
declare -a WALL ANON SIGNED
for round in $(seq 1 "$ROUNDS"); do
    read -r rps p99 < <(run_wrk "$BASE/northfield/wall")
    WALL+=("$rps"); printf '    %-6s %-22s %12s %10s\n' "$round" "wall (anonymous)" "$rps" "$p99"
    read -r rps p99 < <(run_wrk "$BASE$CAMPAIGN")
    ANON+=("$rps"); printf '    %-6s %-22s %12s %10s\n' "$round" "campaign (anonymous)" "$rps" "$p99"
    read -r rps p99 < <(run_wrk "$BASE$CAMPAIGN" "Cookie: picket_session=$SESSION")
    SIGNED+=("$rps"); printf '    %-6s %-22s %12s %10s\n' "$round" "campaign (signed in)" "$rps" "$p99"
done

python3 - "${WALL[@]}" -- "${ANON[@]}" -- "${SIGNED[@]}" <<'PY'
import statistics, sys
args = " ".join(sys.argv[1:]).split(" -- ")
wall, anon, signed = ([float(x) for x in part.split()] for part in args)
w, a, s = statistics.median(wall), statistics.median(anon), statistics.median(signed)
print(f"==> median req/s: wall {w:.0f}, campaign anonymous {a:.0f}, campaign signed in {s:.0f}")
print(f"    campaign/wall = {a / w:.2f}; signed-in/anonymous = {s / a:.2f}")
PY
