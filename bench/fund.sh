#!/usr/bin/env bash
# bench/fund.sh: the strike fund's speed on SQLite and PostgreSQL, each on a fresh database.
#
#   bench/fund.sh [MEMBERS] [DAYS] [LEDGER_LINES]     (default 2000 100 1000000)
#
# For each engine it records MEMBERS × DAYS participation records (one rep's entry each, in
# one unit of work), computes a pay run over every day from them (a share of daily pay up to
# a cap), posts LEDGER_LINES ledger lines (two-line transfers, a thousand transactions per
# unit of work), reads the bank account's balance a thousand times (median and worst), and
# times `picket export ledger --format hledger` over the whole ledger. PostgreSQL is reached
# at PICKET_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
# database is made there and dropped afterwards. PROFILE=dev builds without optimisation.
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${1:-2000}
DAYS=${2:-100}
LINES=${3:-1000000}
PROFILE=${PROFILE:-release}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

echo "==> building picket and the benchmark ($PROFILE)"
if [[ "$PROFILE" == release ]]; then
    cargo build --release -q -p picket-cli -p picket-test-support --example fund_bench
    DIR="$CARGO_TARGET_DIR/release"
else
    cargo build -q -p picket-cli -p picket-test-support --example fund_bench
    DIR="$CARGO_TARGET_DIR/debug"
fi

echo "==> $MEMBERS members × $DAYS strike days, $LINES ledger lines"
echo "| engine | participation records | recording them | pay run (total in pence) | ledger lines | posting them | balance read | hledger export |"
echo "|---|---|---|---|---|---|---|---|"
for backend in sqlite postgres; do
    "$DIR/examples/fund_bench" "$backend" "$MEMBERS" "$DAYS" "$LINES" "$DIR/picket"
done
