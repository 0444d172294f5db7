#!/usr/bin/env bash
# bench/fund.sh: the strike fund's speed on SQLite and PostgreSQL, each on a fresh database.
#
#   bench/fund.sh [MEMBERS] [DAYS] [LEDGER_LINES]     (default 2000 100 1000000)
#
# For each engine it records MEMBERS × DAYS participation records (one rep's entry each, a
# tenth of the members to a unit of work); makes a pay run over every day from them (a share
# of daily pay up to a cap) and times computing and writing it, reading it back whole (as the
# page that shows it for approval does), approving it (its days marked paid, its liability
# posted) and making a second run over the same days (which must pay nothing). It then fills
# the ledger to LEDGER_LINES lines of two-line transfers (the first 10,000 posted through the
# store, timed per transaction; the rest written straight into the tables a statement per
# 50,000 transactions), reads the bank account's balance a thousand times (median, p99 and
# worst) and times `picket export ledger --format hledger` over the whole ledger.
#
# PostgreSQL is reached at PICKET_TEST_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/postgres); a fresh database is made there and dropped
# afterwards. The build is release unless PROFILE=dev; CARGO_TARGET_DIR is honoured. Note the
# machine's load (`uptime`) with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${1:-2000}
DAYS=${2:-100}
LINES=${3:-1000000}
PROFILE=${PROFILE:-release}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/picket/target}"

echo "==> building picket and the benchmark ($PROFILE)"
if [[ "$PROFILE" == release ]]; then
    cargo build --release -q -p picket-cli -p picket-test-support --bin picket --example fund_bench
    DIR="$CARGO_TARGET_DIR/release"
else
    cargo build -q -p picket-cli -p picket-test-support --bin picket --example fund_bench
    DIR="$CARGO_TARGET_DIR/debug"
fi

echo "==> $MEMBERS members × $DAYS strike days, $LINES ledger lines"
uptime
echo "| engine | participation records | recording them | pay run: compute and write (lines, total) | read back | approve | run again | ledger lines | posting through the store | balance read | hledger export |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for backend in sqlite postgres; do
    "$DIR/examples/fund_bench" "$backend" "$MEMBERS" "$DAYS" "$LINES" "$DIR/picket"
done
