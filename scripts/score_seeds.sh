#!/usr/bin/env bash
# Extracts the seed documents and scores them against the seed gold; fails when
# report F1 or the overall score falls below the floors of issue 2.
# Usage: scripts/score_seeds.sh [SHARED_DIR]   (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
bin=${INCIDEX_BIN:-target/release/incidex}
[ -x "$bin" ] || cargo build --release -q -p incidex-cli
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" extract "$shared"/seeds/*.txt > "$out/pred.jsonl"
python3 "$shared/eval/score.py" --gold "$shared/gold/seeds.jsonl" --docs "$shared/seeds" --pred "$out/pred.jsonl"
python3 "$shared/eval/score.py" --gold "$shared/gold/seeds.jsonl" --docs "$shared/seeds" --pred "$out/pred.jsonl" --json > "$out/score.json"
python3 - "$out/score.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
f1, overall = s["reports"]["f1"], s["overall"]
floors = {"report F1": (f1, 0.85), "overall": (overall, 0.80)}
bad = [f"{k} {v:.3f} < {floor}" for k, (v, floor) in floors.items() if v < floor]
if bad:
    sys.exit("seed evaluation below the floor: " + "; ".join(bad))
print(f"seed evaluation: report F1 {f1:.3f} (floor 0.85), overall {overall:.3f} (floor 0.80)")
PY
