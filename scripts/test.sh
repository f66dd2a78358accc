#!/bin/sh
# Every check: lint, then all tests, browser tests included (they need Debian's chromium).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-venv.sh requirements-dev.txt
echo "ruff …" >&2
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
