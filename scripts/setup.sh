#!/usr/bin/env bash
# Create ./.venv and install the project into it (idempotent; fast when nothing changed).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh llm,test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi
# torch first, pinned: 2.13.0 is the CPU build on this machine's disk; an unpinned torch
# would pull a multi-GB CUDA build.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    .venv/bin/python -m pip install --quiet torch==2.13.0
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras//,/_}"
if [ ! -f "$stamp" ]; then
    echo "Installing the project into .venv${extras:+ with extras [$extras]} (the llm extra compiles llama.cpp: ~5 min once)..."
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp"
fi
