#!/usr/bin/env bash
# Measures codefacts' agreement with Ruff on a tree of Python files.
# Usage: scripts/compare-ruff.sh DIR [OUTDIR]
#   TARGET=py311 (default)  BAN=parents|all (default: both, one after the other)
#   MODES="none explicit" (default: both)
# Runs `ruff check` and `codefacts check` (the real pipeline: index, rule queries, noqa) and
# prints per rule: matched / only ours / only Ruff, precision, recall, and sample disagreements
# with the source line. Findings match on (file, line, code), plus the name for F821.
#   none:     as a user runs both, in DIR, with no flags and no settings at all (each reads
#             DIR's own configuration, if any); only codefacts' rules are compared.
#   explicit: both with --isolated (no configuration file read) and the same settings given
#             to both (target, rules, ban-relative-imports, via --config).
set -euo pipefail
DIR=$(cd "$1" && pwd)
OUT=${2:-$(mktemp -d)}
RULES=F821,F401,F811,F822,F403,F405,F706,TID252
TARGET=${TARGET:-py311}
HERE=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT"

if ! ruff --version 2>/dev/null | grep -q '^ruff 0.17.6$'; then
    python3 -m pip install --quiet 'ruff==0.17.6'
fi
(cd "$HERE" && cargo build --quiet --release --bin codefacts)

RUNS=""
for MODE in ${MODES:-none explicit}; do
    if [ "$MODE" = none ]; then RUNS="$RUNS none"; else
        for BAN in ${BAN:-parents all}; do RUNS="$RUNS $BAN"; done
    fi
done
for BAN in $RUNS; do
if [ "$BAN" = none ]; then
echo "== $DIR  no settings on either side (as a user runs both)"
(cd "$DIR" && ruff check --no-cache --exit-zero --output-format json > "$OUT/ruff-$BAN.json" \
    2> "$OUT/ruff-$BAN.stderr" || true)
# A configuration that selects none of codefacts' rules (networkx's) is an error (exit 2,
# named on stderr): nothing to compare, not a crash of this script.
if ! (cd "$DIR" && "$HERE/target/release/codefacts" check --db "$OUT/facts-none.db" --exit-zero \
    --output-format json > "$OUT/ours-$BAN.json" 2> "$OUT/ours-$BAN.stderr"); then
    sed 's/^/    codefacts: /' "$OUT/ours-$BAN.stderr" | head -3
    [ -s "$OUT/ours-$BAN.json" ] || echo "[]" > "$OUT/ours-$BAN.json"
fi
else
echo "== $DIR  target-version=$TARGET  ban-relative-imports=$BAN"
(cd "$DIR" && ruff check --no-cache --isolated --target-version "$TARGET" --select "$RULES" \
    --config "lint.flake8-tidy-imports.ban-relative-imports = '$BAN'" \
    --output-format json . > "$OUT/ruff-$BAN.json" 2> "$OUT/ruff-$BAN.stderr" || true)
"$HERE/target/release/codefacts" check --root "$DIR" --db "$OUT/facts.db" --exit-zero \
    --isolated --select "$RULES" --output-format json \
    --config "target-version = '$TARGET'" \
    --config "lint.flake8-tidy-imports.ban-relative-imports = '$BAN'" > "$OUT/ours-$BAN.json"
fi

python3 - "$OUT/ruff-$BAN.json" "$OUT/ours-$BAN.json" "${SAMPLES:-8}" <<'PY'
import json, re, sys, collections
ruff = [x for x in json.load(open(sys.argv[1])) if x.get("code")]
ours = json.load(open(sys.argv[2]))
nsamples = int(sys.argv[3])
rules = ["F401", "F403", "F405", "F706", "F811", "F821", "F822", "TID252"]
ruff = [x for x in ruff if x["code"] in rules]
def key(x):
    k = (x["filename"], x["location"]["row"], x["code"])
    if x["code"] == "F821":
        m = re.match(r"Undefined name `(.*?)`(\.|$)", x["message"], re.S)
        k = k + (m.group(1) if m else x["message"],)
    return k
cr = collections.Counter(key(x) for x in ruff)
co = collections.Counter(key(x) for x in ours)
by_r = {key(x): x for x in ruff}
by_o = {key(x): x for x in ours}
lines_cache = {}
def src(path, row):
    if path not in lines_cache:
        try:
            lines_cache[path] = open(path, encoding="utf-8", errors="replace").read().splitlines()
        except OSError:
            lines_cache[path] = []
    ls = lines_cache[path]
    return ls[row - 1].strip() if 0 < row <= len(ls) else ""
msg_mismatch = collections.Counter()
print(f"{'rule':6} {'matched':>8} {'only_ours':>9} {'only_ruff':>9} {'precision':>9} {'recall':>8}")
report = []
for r in rules:
    m = o = f = 0
    only_o, only_r = [], []
    for k in set(cr) | set(co):
        if k[2] != r:
            continue
        a, b = cr.get(k, 0), co.get(k, 0)
        m += min(a, b)
        if b > a: o += b - a; only_o.append(k)
        if a > b: f += a - b; only_r.append(k)
        if a and b and by_r[k]["message"] != by_o[k]["message"]:
            msg_mismatch[r] += 1
            if msg_mismatch[r] <= 3:
                report.append(f"  {r} message differs at {k[0]}:{k[1]}\n    ruff: {by_r[k]['message']}\n    ours: {by_o[k]['message']}")
        elif a and b and (by_r[k]["location"]["column"] != by_o[k]["location"]["column"] or by_r[k]["end_location"] != by_o[k]["end_location"]):
            msg_mismatch[r + " range"] += 1
            if msg_mismatch[r + " range"] <= 3:
                report.append(f"  {r} range differs at {k[0]}:{k[1]}: ruff {by_r[k]['location']}-{by_r[k]['end_location']} ours {by_o[k]['location']}-{by_o[k]['end_location']}")
    p = m / (m + o) if m + o else 1.0
    rc = m / (m + f) if m + f else 1.0
    print(f"{r:6} {m:8} {o:9} {f:9} {p:9.4f} {rc:8.4f}")
    for label, ks, src_map in (("only ours", only_o, by_o), ("only ruff", only_r, by_r)):
        for k in sorted(ks)[:nsamples]:
            x = src_map[k]
            report.append(f"  {r} {label}: {k[0]}:{k[1]}:{x['location']['column']} {x['message']}\n      | {src(k[0], k[1])}")
print()
print("message/range mismatches among matches:", dict(msg_mismatch))
print("\n".join(report))
# Syntax errors: which files have one, and the line of the first (messages are tree-sitter's
# where it made an error node; docs/rules.md, "Syntax errors").
def syntax(rows):
    out = {}
    for x in rows:
        if x.get("code") in (None, "invalid-syntax"):
            out.setdefault(x["filename"], []).append(x["location"]["row"])
    return {f: min(v) for f, v in out.items()}
rs = syntax(json.load(open(sys.argv[1])))
os_ = syntax(ours)
both = set(rs) & set(os_)
same_line = sum(1 for f in both if rs[f] == os_[f])
print(f"\ninvalid-syntax files: both {len(both)}, only ours {len(set(os_) - set(rs))}, only ruff {len(set(rs) - set(os_))}; first error on the same line in {same_line} of {len(both)}")
for f in sorted(f for f in both if rs[f] != os_[f])[:nsamples]:
    print(f"  first error elsewhere: {f}: ruff line {rs[f]}, ours line {os_[f]}")
for f in sorted(set(os_) - set(rs))[:nsamples]:
    print(f"  only ours: {f}:{os_[f]}")
for f in sorted(set(rs) - set(os_))[:nsamples]:
    print(f"  only ruff: {f}:{rs[f]}")
e902 = [x for x in ours if x["code"] == "E902"]
print(f"E902 (files codefacts could not check): {len(e902)}")
for x in e902[:nsamples]:
    print(f"  {x['filename']}: {x['message']}")
PY
done
