# -*- Python -*-
"""lit configuration for llmcc's drop-in regression tests (test/lit).

Run from the repository root:  .venv/bin/lit -sv test/lit

Substitutions: %llmcc (the llmcc under test), %clang (the real clang-22), %{python},
and the LLVM tools FileCheck, not, count (also reachable on PATH, which starts with the
LLVM 22 bin directory). Tool paths are discovered: $LLMCC / $LLMCC_CLANG if set, else the
repository's .venv and clang-22 on PATH, else the LLVM 22 default directory.

Under lit there is no HOME, so every run gets its own cache directory (LLMCC_CACHE_DIR)
in a fresh temp dir; tests that count cache events use their own %t cache.
"""
import os
import shutil
import sys
import tempfile

import lit.formats

config.name = "llmcc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".test"]
config.excludes = ["Inputs"]

repo_root = os.path.dirname(os.path.abspath(__file__))
config.test_source_root = os.path.join(repo_root, "test", "lit")
config.test_exec_root = config.test_source_root  # Output/ lands next to the tests (gitignored)

LLVM_DEFAULT_BINDIR = "/usr/lib/llvm-22/bin"


def first_executable(*candidates):
    """The first candidate that is an executable file (None entries are skipped)."""
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return os.path.abspath(path)
    return None


def find_llmcc():
    return first_executable(os.environ.get("LLMCC"),
                            os.path.join(repo_root, ".venv", "bin", "llmcc"),
                            shutil.which("llmcc"))


def find_clang():
    return first_executable(os.environ.get("LLMCC_CLANG"), shutil.which("clang-22"),
                            os.path.join(LLVM_DEFAULT_BINDIR, "clang"))


def find_llvm_bindir(clang):
    """Directory with FileCheck, not, count, llvm-objdump: next to the real clang binary,
    else the LLVM 22 default directory."""
    for bindir in (os.path.dirname(os.path.realpath(clang)) if clang else None,
                   LLVM_DEFAULT_BINDIR):
        if bindir and os.path.isfile(os.path.join(bindir, "FileCheck")):
            return bindir
    return None


llmcc = find_llmcc()
clang = find_clang()
if llmcc is None:
    lit_config.fatal("llmcc not found: set LLMCC or create the venv (.venv/bin/llmcc)")
if clang is None:
    lit_config.fatal("clang-22 not found: set LLMCC_CLANG or install clang-22")
llvm_bindir = find_llvm_bindir(clang)
if llvm_bindir is None:
    lit_config.fatal("LLVM 22 tools (FileCheck, not) not found next to clang or in "
                     + LLVM_DEFAULT_BINDIR)

config.environment["PATH"] = os.pathsep.join(
    [llvm_bindir, os.path.dirname(llmcc), os.environ.get("PATH", os.defpath)])
config.environment["LLMCC_CACHE_DIR"] = tempfile.mkdtemp(prefix="llmcc-lit-cache-")
if os.environ.get("LLMCC_CLANG"):
    config.environment["LLMCC_CLANG"] = os.environ["LLMCC_CLANG"]
# Keep the user's llmcc settings out of the tests: each test sets what it needs.
for name in list(config.environment):
    if name.startswith("LLMCC_") and name not in ("LLMCC_CACHE_DIR", "LLMCC_CLANG"):
        del config.environment[name]


def tool_pattern(name):
    """Match a tool name used as a command word, not inside a path or another word."""
    return r"(?<![\w/.%{-])" + name.replace("-", r"\-") + r"(?![\w/.-])"


config.substitutions.append(("%llmcc", llmcc))
config.substitutions.append(("%clang", clang))
config.substitutions.append(("%{python}", sys.executable))
for tool in ("FileCheck", "not", "count"):
    config.substitutions.append((tool_pattern(tool), os.path.join(llvm_bindir, tool)))

if hasattr(os, "getuid") and os.getuid() == 0:
    config.available_features.add("root")
