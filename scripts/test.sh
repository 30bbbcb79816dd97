#!/usr/bin/env bash
# Set up and run the whole test suite: pytest unit tests (incl. the slow third-party
# builds of Lua with make and zlib with CMake) and the lit regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/third_party.sh fetch
export PATH="$PWD/.venv/bin:$PATH"
# Keep llmcc's cache and reports of this run away from the user's own.
export LLMCC_CACHE_DIR="${LLMCC_CACHE_DIR:-$(mktemp -d /tmp/llmcc-test-cache.XXXXXX)}"
status=0
.venv/bin/lit -sv test/lit || status=$?
.venv/bin/python -m pytest -q -rs --continue-on-collection-errors test/unit || status=$?
exit $status
