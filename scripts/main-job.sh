#!/usr/bin/env bash
# The main job on the bundled example corpus: build incidex, ingest
# examples/corpus into the embedded database, and print the incidents, the
# statistics (with the TSR survey's cause classes) and a monthly table.
# Usage: scripts/main-job.sh [DB]   (default: incidex.db in the working folder)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-incidex.db}"
cargo build --release -q -p incidex-cli
bin=target/release/incidex
echo "== ingest examples/corpus into $db"
"$bin" --db "$db" ingest --no-progress examples/corpus
echo
echo "== incidents mentioning 不正アクセス"
"$bin" --db "$db" search 不正アクセス --format table | head -n 20
echo
echo "== statistics by cause (TSR classes)"
"$bin" --db "$db" stats --by category --taxonomy tsr
echo
echo "== statistics by month"
"$bin" --db "$db" stats --by month
echo
# The month with the most incidents gets its monthly table.
month=$("$bin" --db "$db" stats --by month | awk '$1 ~ /^[0-9]{4}-[0-9]{2}$/ && $2+0 > best {best=$2+0; m=$1} END {print m}')
echo "== monthly table for ${month:-2023-03}"
"$bin" --db "$db" report --month "${month:-2023-03}" --format md
echo
echo "Try: $bin --db $db show 1    |    $bin --db $db export --format stix > bundle.json"
