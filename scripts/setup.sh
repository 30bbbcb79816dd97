#!/usr/bin/env bash
# Set up everything llmcc needs on a fresh Debian 12 machine (idempotent, quick when done):
# the LLVM 22 toolchain from Debian, bubblewrap for the sandbox, a virtualenv with llmcc,
# and the feature pass plugin built against llvm-22-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for p in clang-22 llvm-22 llvm-22-dev llvm-22-tools lld-22 bubblewrap cmake make valgrind; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import llmcc, llvmlite, z3, openai, pytest, lit" 2>/dev/null \
   || [ pyproject.toml -nt .venv/.llmcc-installed ]; then
  echo "setup: installing llmcc and its dependencies into .venv"
  # compat mode: a plain .pth path entry; the default import-hook finder costs ~10 ms
  # at every compiler start-up.
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat
  touch .venv/.llmcc-installed
fi

if [ -x passes/build.sh ] || [ -f passes/build.sh ]; then
  if [ ! -f passes/build/libLLMCCFeatures.so ] || [ -n "$(find passes -maxdepth 1 -newer passes/build/libLLMCCFeatures.so -name '*.cpp' -o -maxdepth 1 -newer passes/build/libLLMCCFeatures.so -name CMakeLists.txt)" ]; then
    echo "setup: building the feature pass plugin"
    bash passes/build.sh passes/build
  fi
fi
# The native client (llmcc/native/client.c) becomes .venv/bin/llmcc, in place of pip's
# Python console script: a compiler call then costs a connect to the warm llmcc server
# instead of a Python start-up (falls back to the Python entry on any problem).
# LLMCC_NO_CLIENT=1 keeps the Python console script.
client_src=llmcc/native/client.c
client_bin=.venv/bin/llmcc
if [ -z "${LLMCC_NO_CLIENT:-}" ] && [ -f "$client_src" ]; then
  if [ "$(head -c 4 "$client_bin" 2>/dev/null | od -An -c | tr -d ' ')" != '177ELF' ] \
     || [ "$client_src" -nt "$client_bin" ]; then
    echo "setup: building the native client"
    CLANG=$(command -v clang-22 || echo /usr/lib/llvm-22/bin/clang)
    client_id=$(cat "$client_src" pyproject.toml | sha256sum | cut -c1-16)
    if "$CLANG" -O2 -Wall -o "$client_bin.new" "$client_src" \
         -DLLMCC_PYTHON="\"$PWD/.venv/bin/python\"" -DLLMCC_CLIENT_ID="\"$client_id\""; then
      mv -f "$client_bin.new" "$client_bin"   # a rename: running builds keep their file
    else
      rm -f "$client_bin.new"
      echo "setup: warning: the native client did not build; llmcc runs as Python" >&2
    fi
  fi
fi
echo "setup: done (llmcc is .venv/bin/llmcc)"
