#!/bin/sh
# Every check: lint, then all tests, browser tests included (they need Debian's chromium).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-venv.sh requirements-dev.txt
echo "ruff …" >&2
.venv/bin/ruff check .
# Two processes by default (ESR_TEST_WORKERS=0 for one): half the tests wait on a browser, a server
# or a child process. Work stealing evens out the files of very different lengths.
exec .venv/bin/python -m pytest -n "${ESR_TEST_WORKERS:-2}" --dist worksteal "$@"
