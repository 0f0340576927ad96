#!/usr/bin/env bash
# Browser tests of the web application: headless Chromium driven by
# playwright-core against `incidex serve` over examples/corpus.
# Screenshots of each page go to docs/screenshots/.
# Environment: INCIDEX_BIN (default: target/release/incidex if built with the
# server, else a debug build), SCREENSHOTS (default docs/screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Chromium, and a Japanese font so pages (and screenshots) show Japanese text.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list :lang=ja 2>/dev/null | grep -q . || need+=(fonts-ipafont-gothic)
if [ ${#need[@]} -gt 0 ]; then
  echo "browser-tests: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v node >/dev/null || { echo "browser-tests: node is required" >&2; exit 1; }

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

if [ -z "${INCIDEX_BIN:-}" ]; then
  # A release binary is used when it is there and has this server (not a stale build).
  if [ -x target/release/incidex ] && target/release/incidex serve --help 2>/dev/null | grep -q -- --token; then
    INCIDEX_BIN=$root/target/release/incidex
  else
    cargo build -q -p incidex-cli
    INCIDEX_BIN=$root/target/debug/incidex
  fi
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$INCIDEX_BIN" --db "$work/web.db" ingest examples/corpus >"$work/ingest.log" 2>&1 \
  || { cat "$work/ingest.log" >&2; exit 1; }

token="browser-$RANDOM$RANDOM"
INCIDEX_TOKEN="$token" "$INCIDEX_BIN" --db "$work/web.db" serve --addr 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^ ]*' "$work/serve.log" 2>/dev/null | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "browser-tests: the server printed no URL" >&2; cat "$work/serve.log" >&2; exit 1; }
echo "browser-tests: server at $url"

INCIDEX_URL="$url" INCIDEX_TOKEN="$token" SCREENSHOTS="${SCREENSHOTS:-$root/docs/screenshots}" \
  node tests/browser/run.mjs
