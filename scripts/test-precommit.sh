#!/usr/bin/env bash
# The wheel and the pre-commit hooks, for real:
#   1. builds the wheel with maturin (pyproject.toml) and installs it into a fresh venv, where
#      `codefacts` must run and check a file;
#   2. installs pre-commit with pip into a temporary venv and makes a temporary git repository
#      whose .pre-commit-config.yaml points at this checkout (its path and the commit HEAD):
#      committing a file with an undefined name fails, naming the file and the rule; the fixed
#      file commits; the ratchet hook refuses a commit that adds debt. pre-commit installs
#      these `language: python` hooks with pip, which builds the wheel from the clone (the
#      Rust build reuses this checkout's target/ folder for the dependencies);
#   3. the same with a `repo: local` hook that installs the wheel of step 1 (what a team does
#      with a wheel on its package index): no compiler involved;
#   4. with --with-src, the `-src` variant (language: rust) too.
#
# It tests the commit HEAD (pre-commit clones the hooks' repository at a commit): commit first.
# Usage: scripts/test-precommit.sh [--with-src]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
with_src=0
[[ "${1:-}" == "--with-src" ]] && with_src=1

rev="$(git -C "$here" rev-parse HEAD)"
if [[ -n "$(git -C "$here" status --porcelain -- .pre-commit-hooks.yaml pyproject.toml Cargo.toml src)" ]]; then
  echo "note: the work tree differs from HEAD; pre-commit tests HEAD ($rev)" >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
# The wheel's cargo build (inside pip's isolated build) reuses this checkout's build folder.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
export CARGO_TERM_COLOR=never

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== building the wheel (maturin) and installing it into a fresh venv"
python3 -m venv "$tmp/build"
"$tmp/build/bin/pip" install -q "maturin>=1.5,<2"
(cd "$here" && "$tmp/build/bin/maturin" build --release --locked -q -o "$tmp/dist") >/dev/null
wheel="$(ls "$tmp"/dist/codefacts-*.whl)"
echo "built $(basename "$wheel") ($(( $(stat -c %s "$wheel") / 1024 / 1024 )) MB)"
python3 -m venv "$tmp/fresh"
"$tmp/fresh/bin/pip" install -q "$wheel"
"$tmp/fresh/bin/codefacts" --version
mkdir -p "$tmp/one"
git -C "$tmp/one" init -q
printf 'print(nowhere)\n' > "$tmp/one/x.py"
if out="$(cd "$tmp/one" && "$tmp/fresh/bin/codefacts" check --output-format concise 2>&1)"; then
  echo "$out"
  fail "the installed wheel found nothing in x.py"
fi
echo "$out" | grep -q "x.py:1:7: F821" || { echo "$out"; fail "no F821 from the wheel"; }
echo "ok: the wheel's codefacts runs"

echo "== installing pre-commit into a temporary venv"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "pre-commit>=3,<5"
pc="$tmp/venv/bin/pre-commit"
"$pc" --version
"$pc" validate-manifest "$here/.pre-commit-hooks.yaml" || fail "pre-commit rejects .pre-commit-hooks.yaml"
echo "ok: the hooks manifest validates (all $(grep -c '^- id:' "$here/.pre-commit-hooks.yaml") hooks)"

proj="$tmp/proj"
mkdir -p "$proj/app"
cd "$proj"
git init -q
git config user.email test@example.com
git config user.name test
git config commit.gpgsign false
hooks="      - id: codefacts-check"
if [[ $with_src == 1 ]]; then
  hooks="$hooks
      - id: codefacts-check-src"
fi
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $here
    rev: $rev
    hooks:
$hooks
      - id: codefacts-ratchet
EOF
cat > pyproject.toml <<'EOF'
[tool.ruff.lint]
select = ["F", "TID252"]
EOF
printf 'def greet(name):\n    return "hello " + name\n' > app/__init__.py
printf 'from app import greet\n\nprint(greet("x"))\n' > app/main.py
git add -A

echo "== installing the hooks (pip builds the wheel)"
start=$(date +%s)
"$pc" install-hooks
echo "installed in $(( $(date +%s) - start )) s"
"$pc" install >/dev/null


echo "== a first commit, and the ratchet's baseline"
hook_bin="$(ls -d "$PRE_COMMIT_HOME"/repo*/py_env-*/bin/codefacts | head -n 1)"
"$hook_bin" ratchet --init >/dev/null 2>&1 \
  || fail "codefacts from the installed hook environment could not write the baseline"
git add -A
git commit -qm "first" || fail "a clean first commit was refused"

echo "== staging a file with an undefined name: the commit must fail, naming it"
printf 'from app import greet\n\nprint(greet(undefined_name))\n' > app/main.py
git add app/main.py
if out="$(git commit -m "bad" 2>&1)"; then
  echo "$out"
  fail "the commit with an undefined name passed"
fi
echo "$out" | grep -q -- "--> app/main.py:3:13" \
  && echo "$out" | grep -q "F821 Undefined name \`undefined_name\`" \
  || { echo "$out"; fail "the failure does not name app/main.py and F821"; }
echo "$out" | grep -q "codefacts check" || { echo "$out"; fail "no codefacts check hook line"; }
echo "ok: refused, naming app/main.py:3:13 F821"

echo "== fixed: the commit passes"
printf 'from app import greet\n\nprint(greet("y"))\n' > app/main.py
git add app/main.py
out="$(git commit -m "fixed" 2>&1)" || { echo "$out"; fail "the fixed commit was refused"; }
echo "ok: committed"

echo "== the ratchet: a commit that adds debt elsewhere fails, one that does not passes"
printf 'import os\n' > app/extra.py
git add app/extra.py
if out="$(git commit -m "debt" 2>&1)"; then
  echo "$out"
  fail "a commit adding an unused import passed the ratchet"
fi
echo "$out" | grep -q "codefacts ratchet" || { echo "$out"; fail "no ratchet hook line"; }
echo "ok: the ratchet refused new debt"
printf 'import os\n\nprint(os.sep)\n' > app/extra.py
git add app/extra.py
out="$(git commit -m "no debt" 2>&1)" || { echo "$out"; fail "a clean commit was refused"; }
echo "ok: committed"

echo "== a repo: local hook that installs the wheel: no compiler"
local_proj="$tmp/local"
mkdir -p "$local_proj"
cd "$local_proj" || fail "cannot enter $local_proj"
git init -q
git config user.email test@example.com
git config user.name test
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: local
    hooks:
      - id: codefacts-check
        name: codefacts check
        entry: codefacts check --force-exclude --files
        language: python
        additional_dependencies: ["$wheel"]
        types_or: [python, pyi]
        require_serial: true
EOF
printf 'print(undefined_here)\n' > a.py
git add -A
start=$(date +%s)
# No cargo on PATH: the hook environment is the wheel, nothing is compiled.
PATH="$tmp/venv/bin:/usr/bin:/bin" "$pc" install-hooks >/dev/null
echo "installed in $(( $(date +%s) - start )) s, with no cargo on PATH"
"$pc" install >/dev/null
if out="$(git commit -m "bad" 2>&1)"; then
  echo "$out"
  fail "the local hook let an undefined name through"
fi
echo "$out" | grep -q -- "--> a.py:1:7" && echo "$out" | grep -q "F821 Undefined name" \
  || { echo "$out"; fail "the local hook did not name a.py"; }
printf 'print("fine")\n' > a.py
git add a.py
out="$(git commit -m "fixed" 2>&1)" || { echo "$out"; fail "the fixed commit was refused"; }
echo "ok: refused, then committed"

echo "all pre-commit checks passed"
