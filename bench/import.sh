#!/usr/bin/env bash
# bench/import.sh: `picket import members` on a generated 100,000-row CSV, on SQLite and on
# PostgreSQL, in one run on this machine.
#
#   bench/import.sh [ROWS]          (default 100000)
#
# It builds `picket` in release mode, writes a CSV of ROWS invented members (14 columns, four
# teams), and for each engine times, on a fresh database: a dry run, the first import (every
# row new), the same file again (every row unchanged), and a file in which every row changed
# (every row updated). PostgreSQL is reached at PICKET_BENCH_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/postgres); a database named picket_bench_PID is created
# there and dropped afterwards. Needs python3 and psql.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-100000}
PG_ADMIN=${PICKET_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"
for tool in python3 psql; do
    command -v "$tool" >/dev/null || { echo "bench/import.sh: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picket-import-bench.XXXXXX")
PG_DB="picket_bench_$$"
cleanup() {
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> building picket (release)"
cargo build --release -q -p picket-cli
PICKET="$CARGO_TARGET_DIR/release/picket"

echo "==> writing $ROWS rows"
generate() { # generate FILE VARIANT
    python3 - "$1" "$ROWS" "$2" <<'PY'
import sys
path, rows, variant = sys.argv[1], int(sys.argv[2]), sys.argv[3]
teams = ["Duty and Assessment", "Community Mental Health North", "Community Mental Health South", "Hospital Discharge"]
first = ["Aisha", "Bartek", "Ciara", "Dev", "Eilidh", "Femi", "Gwen", "Hamza", "Ines", "Jonah"]
last = ["Abernethy", "Brightwell", "Castellano", "Dunmore", "Ekwueme", "Farrant", "Gallacher", "Hartigan"]
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("Membership number,Name,Email,Phone,Employer,Team,Workplace,Job title,Daily pay,Rep,"
            "Contact by email,Contact by phone,Consent,Consent given\n")
    for i in range(rows):
        title = "Senior social worker" if variant == "changed" else "Social worker"
        f.write(f"B{i:07d},{first[i % 10]} {last[i % 8]} {i},member{i}@example.org,07700 9{i % 100000:05d},"
                f"Northfield Council,{teams[i % 4]},\"Civic Centre, Northfield\",{title},{100 + i % 80}.{i % 100:02d},"
                f"{'yes' if i % 50 == 0 else 'no'},yes,no,The branch may contact me by email.,2024-01-15\n")
PY
}
generate "$WORK/members.csv" first
generate "$WORK/changed.csv" changed
ls -l "$WORK/members.csv" | awk '{printf "    %s bytes\n", $5}'

run() { # run URL LABEL ARGS... ; prints seconds
    local url=$1 label=$2; shift 2
    local start end
    start=$(date +%s.%N)
    PICKET_DATABASE_URL="$url" PICKET_LOG__LEVEL=warn "$PICKET" import members "$@" --branch bench \
        >"$WORK/out.txt" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }
    end=$(date +%s.%N)
    printf "    %-34s %7.2f s   %s\n" "$label" "$(python3 -c "print($end - $start)")" "$(tail -n 1 "$WORK/out.txt" | sed 's/.*rows ([^)]*): //')"
}

bench_engine() { # bench_engine NAME URL
    local name=$1 url=$2
    echo "==> $name"
    PICKET_DATABASE_URL="$url" "$PICKET" branch add --slug bench --name Bench --division england-and-wales >/dev/null
    for team in "Duty and Assessment" "Community Mental Health North" "Community Mental Health South" "Hospital Discharge"; do
        PICKET_DATABASE_URL="$url" "$PICKET" team add --branch bench --name "$team" >/dev/null
    done
    run "$url" "dry run (all new)" "$WORK/members.csv" --dry-run
    run "$url" "first import (all new)" "$WORK/members.csv"
    run "$url" "same file again (all unchanged)" "$WORK/members.csv"
    run "$url" "every row changed (all updated)" "$WORK/changed.csv"
}

bench_engine SQLite "sqlite://$WORK/bench.db"
psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" >/dev/null
bench_engine PostgreSQL "${PG_ADMIN%/*}/$PG_DB"
