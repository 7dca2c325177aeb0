#!/usr/bin/env bash
# Runs `ruff check` and `codefacts check` as a user runs them, with no flags but the paths, on
# the fixture repository tests/fixtures/dropin (nested configurations, `extend`, requires-python,
# per-file-ignores, a git-ignored folder, a shebang script), from the root and from subfolders,
# and compares the findings of codefacts' rules line by line (paths as printed).
# Usage: scripts/compare-dropin.sh [--write]   (--write records Ruff's output as the fixture's
# expected files, which tests/cli_dropin.rs compares codefacts against).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
FIX="$HERE/tests/fixtures/dropin"
if ! ruff --version 2>/dev/null | grep -q '^ruff 0.17.6$'; then
    python3 -m pip install --quiet 'ruff==0.17.6'
fi
(cd "$HERE" && cargo build --quiet --release --bin codefacts)
CF="$HERE/target/release/codefacts"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp -r "$FIX" "$TMP/repo"
rm -rf "$TMP/repo/expected"
(cd "$TMP/repo" && git init -q . && git add -A >/dev/null 2>&1 || true)
CODES='(F401|F403|F405|F706|F811|F821|F822|TID252|E902|invalid-syntax)'
# case name | folder to run in | arguments
# The same cases are in tests/cli_dropin.rs (`fixture_agrees_with_ruff_from_every_folder`).
CASES=(
  "root|.|"
  "root-pkg|.|pkg"
  "in-pkg|pkg|"
  "in-packages-b|packages/b|"
  "in-packages-c|packages/c|"
  "script|.|bin/tool"
  "ignored|.|ignored"
  "in-sub-parent|pkg/sub|../mod.py"
  "in-sub-top|pkg/sub|../../top.py"
  "in-sub-up|pkg/sub|.."
  "target-flag|.|--target-version py39 packages/c top.py"
  "in-notebooks|notebooks|"
  "notebook-file|.|notebooks/explore.ipynb"
)
# Absolute paths (files outside the folder run in) are written relative to <ROOT>.
norm() { { grep -E "^[^ ]+:(cell [0-9]+:)?[0-9]+:[0-9]+: $CODES" || true; } | sed -e 's/ \[\*\]//' -e "s|$TMP/repo|<ROOT>|g" | LC_ALL=C sort; }
printf "%-16s %8s %8s %8s %8s\n" case ruff ours matched differ
total=0; bad=0
for c in "${CASES[@]}"; do
  IFS='|' read -r name dir args <<< "$c"
  # shellcheck disable=SC2086
  (cd "$TMP/repo/$dir" && ruff check --no-cache --output-format concise $args 2>/dev/null || true) | norm > "$TMP/$name.ruff"
  # shellcheck disable=SC2086
  (cd "$TMP/repo/$dir" && "$CF" check --output-format concise $args 2>/dev/null || true) | norm > "$TMP/$name.ours"
  r=$(wc -l < "$TMP/$name.ruff"); o=$(wc -l < "$TMP/$name.ours")
  m=$(comm -12 "$TMP/$name.ruff" "$TMP/$name.ours" | wc -l)
  d=$(( r + o - 2 * m ))
  printf "%-16s %8d %8d %8d %8d\n" "$name" "$r" "$o" "$m" "$d"
  total=$((total + r)); bad=$((bad + d))
  if [ "$d" -ne 0 ]; then
    comm -23 "$TMP/$name.ruff" "$TMP/$name.ours" | sed 's/^/    only ruff: /'
    comm -13 "$TMP/$name.ruff" "$TMP/$name.ours" | sed 's/^/    only ours: /'
  fi
  if [ "${1:-}" = "--write" ]; then
    mkdir -p "$FIX/expected"
    cp "$TMP/$name.ruff" "$FIX/expected/$name.txt"
  fi
done
echo "findings: $total (Ruff), differing lines: $bad"
