"""Command-line classification: is this invocation "one C source -> one object"?

Modelled on ccache's option table (compopt.cpp): we only need to know which options take
a separate argument (so we do not mistake their argument for an input), which ones make
an invocation "too hard" (run clang untouched), and which ones produce side files.

The original argv is never rewritten for the user-visible compile; classification works
on a response-file-expanded copy (DROPIN 6).
"""
from __future__ import annotations

import os

# Paths are strings here (no pathlib): every compile is classified before llmcc knows
# whether it does anything but run clang (llmcc/driver/entry.py).

# Options whose value is the next argument when written separately (``-o out.o``).
TAKES_ARG = frozenset("""
-o -x -MF -MT -MQ -I -D -U -include -imacros -isystem -iquote -idirafter -isysroot
-iprefix -iwithprefix -iwithprefixbefore -imultilib -ivfsoverlay -include-pch --sysroot
-target --target -arch -Xclang -Xlinker -Xpreprocessor -Xassembler -Xanalyzer -mllvm -L -l
-u -z -T -e -MJ -serialize-diagnostics -F -B -aux-triple --param -dependency-file
-dependency-dot -main-file-name -idirafter -working-directory --config -Xarch_host
-Xarch_device -Xopenmp-target -Xcuda-fatbinary -Xcuda-ptxas -fmodules-cache-path
-fprofile-remapping-file -fembed-offload-object -isystem-after -ccc-install-dir -gcc-toolchain
--gcc-toolchain -resource-dir --ld-path -rpath -Wl,-rpath
""".split())

# Actions that are not "compile one C file to one object": run clang untouched (DROPIN 1).
# Also options whose side files we do not reproduce from a cache (.dwo, .gcno, records).
TOO_HARD_EXACT = frozenset("""
-E -S -M -MM -fsyntax-only -emit-llvm -### -save-temps -flto -flto=thin -flto=full
-fembed-bitcode -fembed-bitcode=all -fembed-bitcode=bitcode -gsplit-dwarf --coverage
-ftest-coverage -fprofile-arcs -fsave-optimization-record -Xclang -mllvm -fpass-plugin
-emit-ast -emit-interface-stubs -fmodules -fcxx-modules -ftime-trace -print-stats -v
-MJ -serialize-diagnostics -arch -precompile --precompile -fdriver-only -cc1 -cc1as
-fsanitize-coverage -fexperimental-new-pass-manager -fno-integrated-as --analyze
""".split())
TOO_HARD_PREFIX = ("-save-temps=", "-fsave-optimization-record=", "-foptimization-record",
                   "-fpass-plugin=", "-fplugin", "-flto=", "-ftime-trace", "-fprofile-generate",
                   "-fprofile-instr-generate", "-fcs-profile-generate", "-gsplit-dwarf=",
                   "-print-", "-dump", "--print", "-fembed-bitcode", "-Wl,--version", "--version",
                   "--help", "-fsanitize-coverage", "-Xclang", "-mllvm", "-gmodules")

C_SOURCE_SUFFIXES = (".c",)
DEP_FLAGS_NOARG = frozenset({"-MD", "-MMD", "-MP", "-MG", "-MV"})
DEP_FLAGS_ARG = frozenset({"-MF", "-MT", "-MQ"})
OPT_SUFFIXES = frozenset(["", "s", "z", "g", "fast", *"0123456789"])


def _is_opt_flag(arg: str) -> bool:
    """-O, -O0..-O9, -Os, -Oz, -Og, -Ofast (string logic: no regex at start-up)."""
    return arg.startswith("-O") and arg[2:] in OPT_SUFFIXES


class Invocation:
    """The result of classifying one command line. (A plain class: dataclasses would
    cost ~10 ms of start-up on every compile.)"""

    def __init__(self, args: list[str], expanded: list[str], candidate: bool, why_not: str = ""):
        self.args = args                  # original arguments (after the compiler name), unexpanded
        self.expanded = expanded          # response files expanded
        self.candidate = candidate        # one C source -> one object at a high enough -O level
        self.why_not = why_not            # why it is not a candidate (for the log)
        self.source: str | None = None    # the input as the user wrote it
        self.output: str | None = None    # the object path (explicit -o or derived basename.o)
        self.opt_level = "-O0"
        self.codegen_flags: list[str] = []   # for the split stages
        self.dep_file: str | None = None  # where clang writes the .d, if anywhere
        self.color_flag = False           # the user chose -f[no-]color-diagnostics
        self.user_headers_only_deps = False  # -MMD: clang's header printing would change the .d

    def __repr__(self) -> str:
        return f"Invocation({self.__dict__!r})"


class ResponseFileError(Exception):
    pass


def expand_response_files(args: list[str], cwd: str | os.PathLike | None = None,
                          depth: int = 0) -> list[str]:
    """Expand ``@file`` arguments the way clang does on Linux (GNU quoting, nesting;
    a missing file stays a literal argument, as in clang)."""
    if depth > 32:
        raise ResponseFileError("response files nested too deeply")
    out: list[str] = []
    for a in args:
        if a.startswith("@") and len(a) > 1:
            path = a[1:]
            if cwd is not None and not os.path.isabs(path):
                path = os.path.join(cwd, path)
            try:
                with open(path, errors="surrogateescape") as f:
                    text = f.read()
            except OSError:
                out.append(a)
                continue
            import shlex   # only when there is a response file
            try:
                inner = shlex.split(text, comments=False, posix=True)
            except ValueError as e:
                raise ResponseFileError(f"{a}: {e}") from None
            # Nested @files resolve against the working directory, as clang's GNU mode does.
            out.extend(expand_response_files(inner, cwd, depth + 1))
        else:
            out.append(a)
    return out


def _opt_rank(level: str) -> int:
    """-O level as a number for comparison with the minimum (Ofast counts as 3)."""
    v = level[2:] if level.startswith("-O") else ""
    if v == "":
        return 1  # plain -O means -O1
    if v == "fast":
        return 3
    if v.isdigit():
        return min(int(v), 3)
    return 0  # -Os, -Oz, -Og: size/debug goals, not speed: never optimized by llmcc


def _norm(path: str) -> str:
    """``str(Path(path))`` without pathlib: no "./", no doubled or trailing slashes."""
    if not path or ".." in path.split(os.sep):
        return path
    return os.path.normpath(path)


def classify_invocation(args: list[str], *, cwd: str | os.PathLike, min_opt_level: int = 2) -> Invocation:
    """Decide whether ``args`` (without the compiler name) is an optimization candidate."""
    try:
        expanded = expand_response_files(args, cwd)
    except ResponseFileError as e:
        return Invocation(args, list(args), False, f"response file: {e}")
    inv = Invocation(args=args, expanded=expanded, candidate=False)

    inputs: list[tuple[str, str | None]] = []   # (path, -x language in effect)
    language: str | None = None
    has_c = False
    codegen: list[str] = []
    i = 0
    n = len(expanded)
    while i < n:
        a = expanded[i]
        nxt = expanded[i + 1] if i + 1 < n else None
        if a in TOO_HARD_EXACT or a.startswith(TOO_HARD_PREFIX):
            inv.why_not = f"option {a}"
            return inv
        if a == "-c":
            has_c = True
        elif a == "-o":
            if nxt is None:
                inv.why_not = "-o without a value"
                return inv
            inv.output = nxt
            i += 1
        elif a.startswith("-o") and len(a) > 2:
            inv.output = a[2:]
        elif a == "-x":
            if nxt is None:
                inv.why_not = "-x without a value"
                return inv
            language = None if nxt == "none" else nxt
            i += 1
        elif a.startswith("-x") and len(a) > 2:
            language = None if a[2:] == "none" else a[2:]
        elif a in DEP_FLAGS_NOARG:
            if a in ("-MD", "-MMD"):
                inv.dep_file = inv.dep_file or ""
                inv.user_headers_only_deps |= a == "-MMD"
        elif a in DEP_FLAGS_ARG:
            if nxt is None:
                inv.why_not = f"{a} without a value"
                return inv
            if a == "-MF":
                inv.dep_file = nxt
            i += 1
        elif a.startswith(("-MF", "-MT", "-MQ")) and len(a) > 3:
            if a.startswith("-MF"):
                inv.dep_file = a[3:]
        elif a.startswith(("-Wp,-MD,", "-Wp,-MMD,")):
            inv.dep_file = a.split(",", 2)[2]
            inv.user_headers_only_deps |= a.startswith("-Wp,-MMD,")
        elif a.startswith("-Wp,"):
            inv.why_not = f"option {a}"   # arbitrary preprocessor options: too hard
            return inv
        elif _is_opt_flag(a):
            inv.opt_level = "-O3" if a == "-Ofast" else ("-O1" if a == "-O" else a)
            if a == "-Ofast":
                codegen.append("-ffast-math")
        elif a in ("-fcolor-diagnostics", "-fno-color-diagnostics", "-fdiagnostics-color",
                   "-fno-diagnostics-color") or a.startswith("-fdiagnostics-color="):
            inv.color_flag = True
        elif a.startswith("-") and a != "-":
            codegen.append(a)
            if a in TAKES_ARG:
                if nxt is None:
                    inv.why_not = f"{a} without a value"
                    return inv
                codegen.append(nxt)
                i += 1
        else:
            inputs.append((a, language))
        i += 1

    if not has_c:
        inv.why_not = "no -c (link or other action)"
        return inv
    if len(inputs) != 1:
        inv.why_not = f"{len(inputs)} inputs"
        return inv
    src, lang = inputs[0]
    if src == "-":
        inv.why_not = "stdin input"
        return inv
    if lang is not None and lang != "c":
        inv.why_not = f"language {lang}"
        return inv
    if lang is None and not src.endswith(C_SOURCE_SUFFIXES):
        inv.why_not = "not a .c source"
        return inv
    if os.path.realpath(src) == "/dev/null" or src.startswith("/dev/"):
        inv.why_not = "device input (flag probe)"
        return inv
    if inv.output is None:
        # DROPIN 2: basename in the cwd, not beside the source
        inv.output = os.path.splitext(os.path.basename(_norm(src)))[0] + ".o"
    if inv.output == "-" or inv.output.startswith("/dev/"):
        inv.why_not = "output to a device"
        return inv
    if inv.dep_file == "":  # -MD/-MMD without -MF: clang names the .d from -o
        inv.dep_file = os.path.splitext(_norm(inv.output))[0] + ".d"
    inv.source = src
    inv.codegen_flags = (["-x", "c"] if lang == "c" else []) + codegen
    if _opt_rank(inv.opt_level) < min_opt_level:
        inv.why_not = f"optimization level {inv.opt_level}"
        return inv
    inv.candidate = True
    return inv
