#!/usr/bin/env bash
# Store benchmark: generate N synthetic notices, ingest them with the release
# binary (timed, peak memory), then time searches, statistics and the monthly
# table. Usage: scripts/bench_store.sh [N] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=${2:-target/bench-store}
cargo build -q --release -p incidex-store --example bench_store
cargo build -q --release -p incidex-cli
bin=target/release/incidex
bench=target/release/examples/bench_store
rm -rf "$work" && mkdir -p "$work"
echo "== generating $n documents"
$bench gen "$work/docs" "$n"
bytes=$(du -sb "$work/docs" | cut -f1)
echo "corpus: $n documents, $bytes bytes"
echo "== ingest"
start=$(date +%s.%N)
/usr/bin/time -v "$bin" --db "$work/incidex.db" ingest --no-progress "$work/docs" 2> "$work/ingest.log" || true
end=$(date +%s.%N)
grep -E "^ingest:|Maximum resident|Elapsed" "$work/ingest.log"
secs=$(echo "$end - $start" | bc -l)
printf "ingest: %.1f s, %.0f documents/s, %.2f MB/s\n" "$secs" "$(echo "$n / $secs" | bc -l)" "$(echo "$bytes / 1000000 / $secs" | bc -l)"
echo "database: $(du -b "$work/incidex.db" | cut -f1) bytes (+ wal $(du -b "$work/incidex.db-wal" 2>/dev/null | cut -f1 || echo 0))"
echo "== rerun (everything skipped)"
/usr/bin/time -f "rerun: %e s, peak %M KB" "$bin" --db "$work/incidex.db" ingest --no-progress "$work/docs" 2>&1 | tail -n 2
echo "== queries"
$bench query "$work/incidex.db"
for cmd in "stats" "stats --by month" "report --month 2023-06"; do
  /usr/bin/time -f "$cmd (process): %e s" "$bin" --db "$work/incidex.db" $cmd > /dev/null
done
