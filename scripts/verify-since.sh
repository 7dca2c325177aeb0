#!/usr/bin/env bash
# `--since REV` against the real thing, on a real repository's history: for each base, the
# base is checked out in a git worktree and `ratchet --init` writes its findings' identities
# (a full index of the real tree); then, at HEAD, `ratchet --baseline` of that file and
# `ratchet --since BASE` (a scratch index of HEAD with the changed files' base contents) must
# list exactly the same new findings.
#
# Usage: scripts/verify-since.sh REPO BASE... (REPO: a git clone; nothing in it is changed but
# its .codefacts/ index and two temporary worktrees, removed afterwards)
# Example: git clone https://github.com/pallets/flask /tmp/flask &&
#          scripts/verify-since.sh /tmp/flask HEAD~30 HEAD~300 2.0.0 1.0
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$1"
shift
cf="$here/target/release/codefacts"
[[ -x "$cf" ]] || (cd "$here" && cargo build --release --quiet)
# Every rule codefacts implements, relative imports banned: many findings to match.
cfg=(--config "lint.select = ['F', 'TID252']"
     --config "lint.flake8-tidy-imports.ban-relative-imports = 'all'")
tmp="$(mktemp -d)"
cleanup() {
  git -C "$repo" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
status=0
printf '| base | files changed | base findings | new (real checkout) | new (--since) | differing |\n'
printf '|---|---|---|---|---|---|\n'
for base in "$@"; do
  sha="$(git -C "$repo" rev-parse --verify -q "$base^{commit}")" || { echo "no $base"; status=1; continue; }
  git -C "$repo" worktree add -q --detach "$tmp/base" "$sha"
  (cd "$tmp/base" && "$cf" ratchet --init --baseline "$tmp/baseline.json" "${cfg[@]}" >/dev/null 2>&1)
  # The baseline says which commit it was written at, so renames since are followed.
  python3 - "$tmp/baseline.json" "$sha" <<'EOF'
import json, sys
path, sha = sys.argv[1], sys.argv[2]
b = json.load(open(path))
b["commit"] = sha
json.dump(b, open(path, "w"))
EOF
  n_base=$(python3 -c "import json,sys; b=json.load(open(sys.argv[1])); print(sum(e['count'] for r in b['files'].values() for e in r.values()))" "$tmp/baseline.json")
  real=$(cd "$repo" && "$cf" ratchet --baseline "$tmp/baseline.json" --locked "${cfg[@]}" 2>/dev/null | grep '^new:' | sort || true)
  since=$(cd "$repo" && "$cf" ratchet --since "$sha" "${cfg[@]}" 2>/dev/null | grep '^new:' | sort || true)
  changed=$(git -C "$repo" diff --name-only "$sha" -- '*.py' '*.pyi' | wc -l)
  differ=$(diff <(echo "$real") <(echo "$since") | grep -c '^[<>]' || true)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$base" "$changed" "$n_base" \
    "$(echo -n "$real" | grep -c '^new:' || true)" "$(echo -n "$since" | grep -c '^new:' || true)" "$differ"
  if [[ "$differ" != 0 ]]; then
    diff <(echo "$real") <(echo "$since") | head -20
    status=1
  fi
  git -C "$repo" worktree remove --force "$tmp/base"
  rm -f "$tmp/baseline.json"
done
exit $status
