#!/usr/bin/env bash
# bench/wall.sh: the solidarity wall under a viral read load, against nginx serving the same
# page as a precompressed static file, in one run on this machine, taking turns.
#
#   bench/wall.sh [SECONDS_PER_ROUND] [ROUNDS]      (defaults: 10 and 3)
#
# It builds `picket` in release mode, serves the demo with 200 approved wall messages on a
# temporary SQLite database, saves the page an anonymous visitor gets, serves that file with
# nginx (`gzip_static on`), then alternates wrk runs (64 connections, Accept-Encoding: gzip)
# against each. During every Picket round it posts and approves a message and checks that the
# next read shows it. It prints requests per second, p99 latency, Picket's resident memory,
# and the ratio Picket/nginx. Needs: wrk, nginx (apt-get install wrk nginx-light), curl.
# Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=64
THREADS=2
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { echo "bench/wall.sh: $tool is missing (apt-get install wrk nginx-light curl)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picket-bench.XXXXXX")
PICKET_PID=""
NGINX_PID=""
cleanup() {
    [[ -n "$PICKET_PID" ]] && kill "$PICKET_PID" 2>/dev/null || true
    [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "==> building picket (release)"
cargo build --release -q -p picket-cli
PICKET="$CARGO_TARGET_DIR/release/picket"

PORT=$(free_port)
DB="sqlite://$WORK/bench.db"
echo "==> serving the demo on 127.0.0.1:$PORT"
PICKET_WALL__POSTS_PER_IP_PER_HOUR=100000 PICKET_WALL__MIN_FILL_SECS=0 PICKET_LOG__LEVEL=warn \
    "$PICKET" demo --addr "127.0.0.1:$PORT" --database-url "$DB" >"$WORK/demo.log" 2>&1 &
PICKET_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
TOKEN=$(PICKET_DATABASE_URL="$DB" "$PICKET" token create --email organiser@picket.example --name bench 2>/dev/null)
API="http://127.0.0.1:$PORT/api/v1/branches/northfield/wall"

post_and_approve() { # message
    local id
    id=$(curl -fs -H 'content-type: application/json' \
        -d "{\"name\":\"Bench supporter\",\"kind\":\"worker\",\"message\":\"$1\"}" "$API" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    curl -fs -o /dev/null -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        -d '{"action":"approve"}' "$API/$id/moderation"
}

APPROVED=$(curl -fs "$API?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "==> filling the wall to 200 approved messages (has $APPROVED)"
for i in $(seq $((APPROVED + 1)) 200); do
    post_and_approve "Solidarity message number $i: we stand with the mental health social workers and their fight for a safe, properly staffed service."
done

# The first page of the wall, as every anonymous visitor gets it (20 messages of the 200).
PAGE_URL="http://127.0.0.1:$PORT/northfield/wall"
mkdir -p "$WORK/www"
curl -fs "$PAGE_URL" -o "$WORK/www/wall.html"
gzip -9 -k "$WORK/www/wall.html"
echo "    page: $(wc -c <"$WORK/www/wall.html") bytes, gzip $(wc -c <"$WORK/www/wall.html.gz") bytes"

NGINX_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    gzip_static on;
    sendfile on;
    keepalive_requests 1000000;
    types { text/html html; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        location = /northfield/wall { default_type text/html; try_files /wall.html =404; }
    }
}
EOF
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NGINX_PORT/northfield/wall" >/dev/null && break; sleep 0.1; done

run_wrk() { # url -> "req_per_sec p99_ms"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s" --latency -H 'Accept-Encoding: gzip' "$1" |
        awk '/Requests\/sec/ {rps=$2} / 99%/ {v=$2; if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v} END {printf "%.0f %.2f\n", rps, p99}'
}

echo "==> $ROUNDS rounds of ${SECONDS_PER_ROUND}s each, $CONNECTIONS connections, taking turns"
printf '    %-6s %-8s %12s %10s %10s %s\n' round server "req/s" "p99 ms" "RSS MB" "approved message on next read"
declare -a NGX PKT
for round in $(seq 1 "$ROUNDS"); do
    read -r rps p99 < <(run_wrk "http://127.0.0.1:$NGINX_PORT/northfield/wall")
    NGX+=("$rps")
    printf '    %-6s %-8s %12s %10s %10s\n' "$round" nginx "$rps" "$p99" "-"
    marker="Posted during round $round of the load"
    (sleep $((SECONDS_PER_ROUND / 2)); post_and_approve "$marker") &
    poster=$!
    read -r rps p99 < <(run_wrk "$PAGE_URL")
    wait "$poster" || echo "    posting during the load failed" >&2
    rss=$(($(ps -o rss= -p "$PICKET_PID") / 1024))
    seen=no
    # Read the whole page first: `curl | grep -q` fails under pipefail when grep stops early.
    page=$(curl -fs "$PAGE_URL")
    [[ "$page" == *"$marker"* ]] && seen=yes
    PKT+=("$rps")
    printf '    %-6s %-8s %12s %10s %10s %s\n' "$round" picket "$rps" "$p99" "$rss" "$seen"
done

python3 - "${NGX[@]}" -- "${PKT[@]}" <<'EOF'
import statistics, sys
args = sys.argv[1:]
cut = args.index("--")
ngx, pkt = [float(x) for x in args[:cut]], [float(x) for x in args[cut + 1:]]
ratio = statistics.median(pkt) / statistics.median(ngx)
print(f"==> median req/s: nginx {statistics.median(ngx):.0f}, picket {statistics.median(pkt):.0f}; picket/nginx = {ratio:.2f}")
EOF
