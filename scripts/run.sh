#!/bin/sh
# Serve the dashboard on the embedded PRO SOS plan and demo data: http://127.0.0.1:8050
# Extra arguments go to app.py (--host, --port, --plan DIR, --extracts DIR).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-venv.sh requirements.txt
exec .venv/bin/python app.py "$@"
