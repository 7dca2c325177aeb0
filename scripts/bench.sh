#!/usr/bin/env bash
# Times codefacts against Ruff, side by side, on the same tree (default: this machine's
# Python standard library, copied to a scratch folder so nothing real is modified).
#
# Usage: scripts/bench.sh [TREE] [RUNS]
# Prints the median of RUNS runs (default 5) of each step, peak RSS, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

RUFF_VERSION=0.17.6
TREE=${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}
RUNS=${2:-5}

if ! ruff --version 2>/dev/null | grep -q "ruff $RUFF_VERSION"; then
  python3 -m pip install --quiet "ruff==$RUFF_VERSION"
fi
cargo build --release --quiet --bin codefacts --example parse_only

exec python3 scripts/bench.py "$TREE" "$RUNS"
