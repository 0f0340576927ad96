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

echo "-- mail check: incidex mailcheck examples/mail/02_emotet_reply.eml (no database)"
status=0
"$bin" --db "$work/none.db" mailcheck examples/mail/02_emotet_reply.eml > "$work/mail.txt" || status=$?
cat "$work/mail.txt"
[ "$status" -eq 2 ] || { echo "mailcheck: expected exit 2 (dangerous), got $status" >&2; exit 1; }
grep -q "zip_password_in_body" "$work/mail.txt" || { echo "mailcheck: reason missing" >&2; exit 1; }
[ ! -e "$work/none.db" ] || { echo "mailcheck created a database" >&2; exit 1; }

echo "-- mail check with the store: ingest an Emotet notice, then mail from that company"
"$bin" --db "$work/mail.db" ingest crates/incidex-mailcheck/tests/store/misago_emotet_notice.txt > /dev/null 2>&1
printf 'From: kimura@misago-kogyo.example.co.jp\r\nTo: m.sato@aoba-denki.example.co.jp\r\nSubject: hello\r\n\r\nhi\r\n' > "$work/m.eml"
status=0
"$bin" --db "$work/mail.db" mailcheck --now 2024-05-20 "$work/m.eml" > "$work/m.txt" || status=$?
cat "$work/m.txt"
[ "$status" -eq 1 ] && grep -q "sender_recent_incident: incident #" "$work/m.txt" \
  || { echo "mailcheck: the store-aware check did not flag the mail (exit $status)" >&2; exit 1; }
status=0
"$bin" --db "$work/mail.db" mailcheck --now 2024-09-01 "$work/m.eml" > /dev/null || status=$?
[ "$status" -eq 0 ] || { echo "mailcheck: still flagged after the 90-day period (exit $status)" >&2; exit 1; }
echo "mail check walkthrough: ok"
