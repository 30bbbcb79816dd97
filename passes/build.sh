#!/bin/sh
# Build the LLMCCFeatures pass plugin against LLVM 22.
#   passes/build.sh [BUILD_DIR]     (default: passes/build)
# Prints the path of the built libLLMCCFeatures.so on success; build logs stay in
# BUILD_DIR/build.log and are shown only on failure.
set -eu

src_dir=$(cd "$(dirname "$0")" && pwd)
build_dir=${1:-"$src_dir/build"}
llvm_dir=${LLVM_DIR:-/usr/lib/llvm-22/lib/cmake/llvm}

if [ ! -f "$llvm_dir/LLVMConfig.cmake" ]; then
    echo "build.sh: LLVM 22 CMake config not found in $llvm_dir;" \
         "install llvm-22-dev (apt-get install llvm-22-dev) or set LLVM_DIR" >&2
    exit 2
fi
if ! command -v cmake >/dev/null 2>&1; then
    echo "build.sh: cmake not found; install cmake" >&2
    exit 2
fi

if command -v ninja >/dev/null 2>&1; then
    generator=Ninja
else
    generator="Unix Makefiles"
fi

mkdir -p "$build_dir"
log="$build_dir/build.log"
# Re-use an existing build tree with whatever generator configured it.
if [ -f "$build_dir/CMakeCache.txt" ]; then set -- ; else set -- -G "$generator"; fi
if ! { cmake -S "$src_dir" -B "$build_dir" "$@" \
           -DCMAKE_BUILD_TYPE=Release -DLLVM_DIR="$llvm_dir" &&
       cmake --build "$build_dir"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "build.sh: building the LLMCCFeatures plugin failed (log: $log)" >&2
    exit 1
fi
echo "$build_dir/libLLMCCFeatures.so"
