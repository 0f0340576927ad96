#!/usr/bin/env bash
# Scores the bundled example corpus against its gold (examples/gold.jsonl).
# score.py reads documents as UTF-8 text, so every example is first turned into
# the text incidex reads (`incidex text`), whatever its encoding or format.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
bin=${INCIDEX_BIN:-target/release/incidex}
[ -x "$bin" ] || cargo build --release -q -p incidex-cli
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/docs"
for f in examples/corpus/*; do
  "$bin" text "$f" > "$out/docs/$(basename "$f")"
done
"$bin" extract examples/corpus > "$out/pred.jsonl"
python3 "$shared/eval/score.py" --gold examples/gold.jsonl --docs "$out/docs" --pred "$out/pred.jsonl" "${@:2}"
