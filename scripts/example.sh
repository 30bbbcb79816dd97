#!/usr/bin/env bash
# llmcc's main job on the bundled example: build examples/hotloops with plain clang-22
# and with `CC=llmcc` (compiler-only mode: AutoPass pipeline tuning, no model needed),
# check both give the right checksum, compare run times, and show what llmcc did.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
work=$(mktemp -d /tmp/llmcc-example.XXXXXX)
export LLMCC_CACHE_DIR="$work/cache"
cp -r examples/hotloops "$work/clang" && cp -r examples/hotloops "$work/llmcc"

echo "== building with plain clang-22 -O2"
make -s -C "$work/clang" CC=clang-22 check
echo "== building with llmcc (CC=llmcc; tunes hot TUs, validates, measures)"
time make -s -C "$work/llmcc" CC=llmcc check

llmcc report --json -n 100 > "$work/reports.json"
python3 scripts/example_summary.py "$work/reports.json" "$work/clang" "$work/llmcc" hotloops

echo "== llmcc report"
llmcc report
echo "== llmcc stats"
llmcc stats
echo "== a rebuild is served from the cache"
make -s -C "$work/llmcc" clean >/dev/null
time make -s -C "$work/llmcc" CC=llmcc check
llmcc stats | grep -E "cache_hit|cache_miss"
echo "(work directory: $work)"
