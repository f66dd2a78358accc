#!/bin/sh
# Create .venv and install the pinned requirements given as $1, only when they changed.
set -eu
cd "$(dirname "$0")/.."
requirements=${1:-requirements.txt}
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.installed-$(basename "$requirements")
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$requirements" || [ requirements.txt -nt "$stamp" ]; then
  echo "installing $requirements into .venv …" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi
