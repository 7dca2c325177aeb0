#!/usr/bin/env bash
# Regenerates tests/fixtures/semantic/expected.txt from Ruff 0.17.6 (the oracle for the
# semantic rule fixtures). Usage: scripts/refresh-semantic-fixtures.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
if ! ruff --version 2>/dev/null | grep -q '^ruff 0.17.6$'; then
    python3 -m pip install --quiet 'ruff==0.17.6'
fi
cd "$HERE/tests/fixtures"
TMP=$(mktemp)
ruff check --no-cache --isolated --target-version py311 \
    --select F821,F401,F811,F822,F403,F405 --output-format json semantic > "$TMP" || true
python3 -c '
import json, os, sys
rows = []
for x in json.load(sys.stdin):
    if x["code"] in (None, "invalid-syntax"):
        continue
    p = os.path.relpath(x["filename"], "semantic")
    loc = x["location"]
    rows.append("%s:%d:%d: %s %s" % (p, loc["row"], loc["column"], x["code"], x["message"]))
print("\n".join(sorted(rows)))
' < "$TMP" > semantic/expected.txt
rm -f "$TMP"
wc -l semantic/expected.txt
