#!/usr/bin/env bash
# Verifies the safe fixes on real code beside Ruff's own (scripts/verify-fixes.py; docs/fixes.md).
set -euo pipefail
exec python3 "$(dirname "$0")/verify-fixes.py" "$@"
