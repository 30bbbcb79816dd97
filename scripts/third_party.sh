#!/bin/sh
# Real third-party C projects built through llmcc (drop-in tests and the overhead bench).
#
#   scripts/third_party.sh fetch
#       Fetch the Debian source packages lua5.4 and zlib (scripts/fetch_sources.py: every
#       version apt knows, newest first, through a download cache outside the work tree)
#       and unpack the upstream (orig) tarballs: third_party/lua-5.4.4,
#       third_party/zlib-1.2.13.dfsg. Adds a deb-src entry mirroring debian.sources if
#       none exists.
#   scripts/third_party.sh build-lua [DEST]
#       Copy the pristine Lua tree to DEST (default third_party/build/lua) and run
#       `make linux` there with CC (default: llmcc), then a smoke check of DEST/src/lua.
#   scripts/third_party.sh build-zlib-cmake [BUILD_DIR] [toolchain|launcher|plain]
#       Configure a copy of zlib (BUILD_DIR/src) with CMake into BUILD_DIR/build (default:
#       the llmcc toolchain file; launcher = clang-22 behind llmcc; plain = clang-22),
#       build, and run ctest.
#
# Environment: CC (compiler for build-lua), LLMCC (llmcc to use), JOBS (make -j, default 2),
# THIRD_PARTY_DIR (default <repo>/third_party), LLMCC_SOURCES_CACHE (download cache).
# Debian patches are not applied: the upstream sources build as they are. Lua's own test suite is a separate download
# (lua-5.4.4-tests.tar.gz from lua.org) that the Debian source package does not contain.
set -eu

repo_root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
tp_dir=${THIRD_PARTY_DIR:-$repo_root/third_party}
jobs=${JOBS:-2}
lua_src=$tp_dir/lua-5.4.4
zlib_src=$tp_dir/zlib-1.2.13.dfsg
lua_orig=lua5.4_5.4.4.orig.tar.gz
zlib_orig=zlib_1.2.13.dfsg.orig.tar.bz2

die() {
    echo "third_party.sh: $*" >&2
    exit 1
}

find_llmcc() {
    if [ -n "${LLMCC:-}" ]; then
        echo "$LLMCC"
    elif command -v llmcc >/dev/null 2>&1; then
        command -v llmcc
    elif [ -x "$repo_root/.venv/bin/llmcc" ]; then
        echo "$repo_root/.venv/bin/llmcc"
    else
        die "llmcc not found (set LLMCC or create $repo_root/.venv)"
    fi
}

# Download (or take from the download cache) the orig tarballs and unpack them.
# scripts/fetch_sources.py tries every source version apt knows, newest first, and keeps
# the files in a cache outside the work tree ($LLMCC_SOURCES_CACHE, default
# ~/.cache/llmcc/debian-sources), so fresh clones do not download again.
cmd_fetch() {
    mkdir -p "$tp_dir"
    if [ ! -f "$tp_dir/$lua_orig" ] || [ ! -f "$tp_dir/$zlib_orig" ]; then
        python3 "$repo_root/scripts/fetch_sources.py" --dest "$tp_dir" lua5.4 zlib >/dev/null \
            || die "could not fetch the Lua and zlib sources (see the line above)"
    fi
    [ -f "$tp_dir/$lua_orig" ] || die "missing $tp_dir/$lua_orig after download"
    [ -f "$tp_dir/$zlib_orig" ] || die "missing $tp_dir/$zlib_orig after download"
    [ -d "$lua_src" ] || tar -xzf "$tp_dir/$lua_orig" -C "$tp_dir"
    [ -d "$zlib_src" ] || tar -xjf "$tp_dir/$zlib_orig" -C "$tp_dir"
    echo "third_party.sh: sources ready in $tp_dir"
}

require_sources() {
    [ -d "$1" ] || die "$1 is missing: run 'scripts/third_party.sh fetch' first"
}

cmd_build_lua() {
    require_sources "$lua_src"
    dest=${1:-$tp_dir/build/lua}
    compiler=${CC:-$(find_llmcc)}
    rm -rf "$dest"
    mkdir -p "$(dirname -- "$dest")"
    cp -R "$lua_src" "$dest"
    # Lua's own default is `gcc -std=gnu99`; keep the language level with our compiler.
    make -C "$dest" -j"$jobs" linux CC="$compiler -std=gnu99"
    "$dest/src/lua" -e 'assert(string.format("%d", 6 * 7) == "42"); print("lua smoke: " .. _VERSION)'
}

cmd_build_zlib_cmake() {
    require_sources "$zlib_src"
    build_dir=${1:-$tp_dir/build/zlib}
    how=${2:-toolchain}
    case $how in
        toolchain) compiler_args="-DCMAKE_TOOLCHAIN_FILE=$repo_root/cmake/llmcc-toolchain.cmake" ;;
        launcher)  compiler_args="-DCMAKE_C_COMPILER=clang-22 -DCMAKE_C_COMPILER_LAUNCHER=$(find_llmcc)" ;;
        plain)     compiler_args="-DCMAKE_C_COMPILER=clang-22" ;;
        *) die "build-zlib-cmake: unknown compiler setup '$how' (toolchain|launcher|plain)" ;;
    esac
    rm -rf "$build_dir"
    mkdir -p "$build_dir"
    # zlib's CMakeLists renames zconf.h in its source tree and lists win32/zlib1.rc, which
    # the DFSG tarball drops: configure a private copy with an empty placeholder (the .rc
    # is ignored off Windows) so the pristine tree stays reusable.
    cp -R "$zlib_src" "$build_dir/src"
    mkdir -p "$build_dir/src/win32"
    : > "$build_dir/src/win32/zlib1.rc"
    # Release = -O3: the optimization candidates are -O2 and higher.
    # shellcheck disable=SC2086  # compiler_args is one or two -D words without spaces
    cmake -S "$build_dir/src" -B "$build_dir/build" -DCMAKE_BUILD_TYPE=Release $compiler_args
    cmake --build "$build_dir/build" -j"$jobs"
    (cd "$build_dir/build" && ctest --output-on-failure)
}

usage() {
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
    fetch) cmd_fetch "$@" ;;
    build-lua) cmd_build_lua "$@" ;;
    build-zlib-cmake) cmd_build_zlib_cmake "$@" ;;
    -h|--help|help) usage ;;
    *) echo "third_party.sh: unknown command '$command'" >&2; usage ;;
esac
