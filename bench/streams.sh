#!/usr/bin/env bash
# bench/streams.sh: the solidarity wall's live stream watched by a crowd. Holds N Server-Sent
# Events streams (`GET /northfield/wall/events`) open on one Picket process, approves a wall
# message, and times its arrival on every stream.
#
#   bench/streams.sh [STREAMS...]      (default: 10000; e.g. `bench/streams.sh 2000 10000`)
#
# It builds `picket` in release mode (or uses the binary in $PICKET_BIN), and for each count
# serves `picket demo` afresh on a temporary SQLite database on 127.0.0.1 with the default
# settings (log level info), posts a wall message through the API, opens the streams with
# bench/streams.py (one TCP connection each, with a browser's EventSource headers), waits
# until every stream has its response headers, reads the server's resident memory (VmRSS),
# approves the message through the API and waits until every stream has received it.
# It prints the streams connected, resident memory with no stream open, with all of them open
# and after the delivery, the memory per open stream, and the delivery times (p50, p99, max)
# from the approval request to the message on each stream. Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNTS=("$@")
[[ ${#COUNTS[@]} -eq 0 ]] && COUNTS=(10000)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

for tool in python3 curl; do
    command -v "$tool" >/dev/null || { echo "bench/streams.sh: $tool is missing" >&2; exit 2; }
done

# One descriptor per stream on each side, and some to spare.
max=0
for n in "${COUNTS[@]}"; do ((n > max)) && max=$n; done
want=$((max + 512))
if (($(ulimit -n) < want)); then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if (($(ulimit -n) < want)); then
    echo "bench/streams.sh: $max streams need $want open files; the limit is $(ulimit -Hn)" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picket-streams.XXXXXX")
PICKET_PID=""
cleanup() {
    [[ -n "$PICKET_PID" ]] && kill "$PICKET_PID" 2>/dev/null || true
    [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [[ -n "${PICKET_BIN:-}" ]]; then
    PICKET="$PICKET_BIN"
    echo "==> $PICKET"
else
    echo "==> building picket (release)"
    cargo build --release -q -p picket-cli
    PICKET="$CARGO_TARGET_DIR/release/picket"
    echo "==> $PICKET ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
fi

printf '    %8s %9s %9s %9s %9s %9s %9s %9s %9s\n' streams connected received \
    "idle MB" "open MB" "after MB" "KB/strm" "p99 s" "max s"
for n in "${COUNTS[@]}"; do
    PORT=$(free_port)
    DB="sqlite://$WORK/streams-$n.db"
    # As a service runs it: no RUST_BACKTRACE (with it, every error captures a backtrace).
    env -u RUST_BACKTRACE -u RUST_LIB_BACKTRACE \
        PICKET_WALL__POSTS_PER_IP_PER_HOUR=100000 PICKET_WALL__MIN_FILL_SECS=0 \
        "$PICKET" demo --addr "127.0.0.1:$PORT" --database-url "$DB" >"$WORK/demo-$n.log" 2>&1 &
    PICKET_PID=$!
    for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
    TOKEN=$(PICKET_DATABASE_URL="$DB" "$PICKET" token create --email organiser@picket.example --name bench 2>/dev/null)
    API="http://127.0.0.1:$PORT/api/v1/branches/northfield/wall"
    MARKER="Streamed to $n open pages"
    ID=$(curl -fs -H 'content-type: application/json' \
        -d "{\"name\":\"Bench supporter\",\"kind\":\"worker\",\"message\":\"$MARKER: solidarity with the social workers.\"}" "$API" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    python3 bench/streams.py --port "$PORT" --pid "$PICKET_PID" --streams "$n" --token "$TOKEN" \
        --message-id "$ID" --marker "$MARKER" >"$WORK/result-$n.txt"
    kill "$PICKET_PID" 2>/dev/null || true
    wait "$PICKET_PID" 2>/dev/null || true
    PICKET_PID=""
    python3 - "$WORK/result-$n.txt" <<'EOF'
import sys
r = dict(line.split(" ", 1) for line in open(sys.argv[1]).read().splitlines())
mb = lambda k: f"{int(r[k]) / 1024:.1f}"
print(f"    {r['requested']:>8} {r['connected']:>9} {r['received']:>9} {mb('rss_idle_kb'):>9} "
      f"{mb('rss_before_kb'):>9} {mb('rss_after_kb'):>9} {r['per_stream_kb']:>9} "
      f"{float(r['delivery_p99_secs']):>9.2f} {float(r['delivery_max_secs']):>9.2f}")
if not r["approve_status"].startswith("HTTP/1.1 200"):
    print(f"    the approval answered {r['approve_status']!r}", file=sys.stderr)
if r["received"] != r["connected"]:
    print(f"    {int(r['connected']) - int(r['received'])} streams did not receive the message "
          f"({r['closed']} closed)", file=sys.stderr)
EOF
done
