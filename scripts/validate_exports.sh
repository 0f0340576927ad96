#!/usr/bin/env bash
# Builds a database from the example corpus and the linking fixtures, exports
# it as STIX 2.1 and MISP, and checks both with the real tools: the OASIS
# validator (stix2-validator) and PyMISP. The two PyPI packages are installed
# into a virtual environment under target/ when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/export-venv
if ! "$venv/bin/python" -c "import stix2validator, pymisp" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q stix2-validator pymisp
fi
if [ -z "${INCIDEX_BIN:-}" ]; then
  cargo build -q --release -p incidex-cli
fi
bin=${INCIDEX_BIN:-target/release/incidex}
work=target/export-check
rm -rf "$work" && mkdir -p "$work"
db="$work/incidex.db"
"$bin" --db "$db" ingest --no-progress examples/corpus fixtures/linking 2> "$work/ingest.log" || { cat "$work/ingest.log"; exit 1; }
tail -n 1 "$work/ingest.log"
"$bin" --db "$db" export --format stix > "$work/bundle.json"
"$bin" --db "$db" export --format misp > "$work/misp.jsonl"

echo "== stix2-validator"
"$venv/bin/stix2_validator" --version 2>/dev/null || true
# --strict turns best-practice warnings into errors; custom content is not used.
"$venv/bin/stix2_validator" -v 2.1 "$work/bundle.json" | tee "$work/stix.log" | tail -n 5
grep -q "Result: VALID\|STIX JSON: Valid" "$work/stix.log" || { echo "STIX bundle is not valid"; exit 1; }
! grep -q "\[X\]" "$work/stix.log" || { echo "STIX bundle has errors"; exit 1; }

echo "== PyMISP"
"$venv/bin/python" - "$work/misp.jsonl" <<'PY'
import json, sys
from pymisp import MISPEvent
n = attrs = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        ev = MISPEvent()
        ev.load(line)
        assert ev.info and ev.date, "event without info or date"
        for a in ev.attributes:
            assert a.type and a.category and a.value is not None
        json.loads(ev.to_json())
        n += 1
        attrs += len(ev.attributes)
if n == 0:
    sys.exit("no MISP events exported")
print(f"PyMISP loaded {n} events with {attrs} attributes")
PY
echo "exports valid"
