"""Finding clang-22 and its tools, and the compiler split into callable components.

Components (the agents call these as tools):

* ``frontend``   C source -> unoptimized LLVM IR (clang -O<n> -disable-llvm-passes)
* ``middle_end`` IR -> IR with an explicit ``-passes=`` pipeline (opt)
* ``backend``    IR -> object or assembly (clang on IR with -disable-llvm-passes, so the
                 target options come from the same driver logic as a normal compile)

``frontend`` + ``middle_end('default<O3>')`` + ``backend`` reproduces ``clang-22 -O3 -c``
byte for byte on x86-64 (see test/unit/test_components.py).

Internal stages keep their stderr to themselves and run with ``-w`` so the user's
``-Werror``/warning flags can never make an internal compile fail (DROPIN 11).
"""
from __future__ import annotations

import os
from collections import namedtuple

from .outcome import Fallback

TYPE_CHECKING = False   # not typing's: importing typing costs every compile
if TYPE_CHECKING:
    from pathlib import Path

# No subprocess, pathlib or typing at import time: every compile finds its clang here
# before it knows whether it does more than run it (llmcc/driver/entry.py). Finding the
# compiler works on strings; ``find_toolchain`` wraps the result in Paths for the rest.

REQUIRED_MAJOR = 22
DEFAULT_LLVM_BINDIR_STR = f"/usr/lib/llvm-{REQUIRED_MAJOR}/bin"
# Flags appended to every internal compile: no warnings (so -Werror cannot fire), no colour,
# no complaints about flags that the split stage does not use.
QUIET_FLAGS = ["-w", "-fno-color-diagnostics", "-Wno-unused-command-line-argument"]
DEFAULT_STAGE_TIMEOUT = 300.0


def __getattr__(name: str):
    if name == "DEFAULT_LLVM_BINDIR":   # a Path, built on first use
        from pathlib import Path
        return Path(DEFAULT_LLVM_BINDIR_STR)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ToolchainError(Exception):
    """The toolchain cannot be used (missing, wrong version, recursion)."""


class Toolchain(namedtuple("Toolchain", "clang bindir major")):
    """clang: the real clang-22 driver (never llmcc itself), a Path; bindir: where opt,
    llc, llvm-objdump, FileCheck, llvm-mca live; major: its major version."""

    __slots__ = ()

    def tool(self, name: str) -> Path:
        """Path of an LLVM tool (``opt``, ``llc``, ``llvm-objdump``, ``FileCheck``...)."""
        for candidate in (self.bindir / name, self.bindir / f"{name}-{self.major}"):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        import shutil
        found = shutil.which(f"{name}-{self.major}")
        if found:
            from pathlib import Path
            return Path(found)
        raise ToolchainError(f"LLVM tool '{name}' not found next to {self.clang}")

    def identity(self) -> str:
        return clang_identity(str(self.clang))


def clang_identity(clang: str) -> str:
    """Cheap compiler identity for cache keys: resolved path, size and mtime (ccache's
    'mtime' compiler check), so no extra process runs per TU."""
    real = os.path.realpath(clang)
    st = os.stat(real)
    return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def _norm(path: str) -> str:
    """``str(Path(path))``: the spelling the driver used when it held Paths (no "./",
    no doubled or trailing slashes), so the command it runs is unchanged."""
    if ".." in path.split(os.sep):
        return path   # normpath would fold "a/../b", which Path keeps
    return os.path.normpath(path) if path else path


def _is_exe(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _is_llmcc(path: str | os.PathLike) -> bool:
    """True if ``path`` is llmcc itself (a masquerade symlink or the console script)."""
    try:
        real = os.path.realpath(path)
    except OSError:
        return False
    if os.path.basename(real) in ("llmcc", "llmc++"):
        return True
    try:
        with open(real, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and (b"llmcc" in head)


def clang_major(clang: str | os.PathLike) -> int:
    import re
    import subprocess
    out = subprocess.run([str(clang), "--version"], capture_output=True, text=True, timeout=30)
    m = re.search(r"clang version (\d+)\.", out.stdout)
    if not m:
        raise ToolchainError(f"{clang} does not identify as clang: {out.stdout.splitlines()[:1]}")
    return int(m.group(1))


_major_cache: dict[tuple[str, int, int], int] = {}


def _checked_major(clang: str | os.PathLike) -> int:
    """Major version of ``clang``. Debian installs clang under /usr/lib/llvm-N/bin, so
    the resolved path answers without running a process (start-up matters: this runs
    on every compile); anything else is asked with --version."""
    real = os.path.realpath(clang)
    bindir = os.path.dirname(real)
    llvm_dir = os.path.basename(os.path.dirname(bindir))   # /usr/lib/llvm-22/bin/clang -> "llvm-22"
    if os.path.basename(bindir) == "bin" and os.path.basename(real).startswith("clang") \
            and llvm_dir.startswith("llvm-") and llvm_dir[5:].isdigit():
        return int(llvm_dir[5:])
    st = os.stat(real)
    key = (real, st.st_size, st.st_mtime_ns)
    if key not in _major_cache:
        _major_cache[key] = clang_major(clang)
    return _major_cache[key]


def locate_clang(env=None, explicit: str | None = None,
                 skip_dirs: tuple[str | os.PathLike, ...] = ()) -> str:
    """The real clang-22 as a path string: ``explicit`` (launcher form), else
    ``$LLMCC_CLANG``, else ``clang-22`` on PATH, else /usr/lib/llvm-22/bin/clang. Never
    llmcc itself; any other major version is refused."""
    env = os.environ if env is None else env
    candidates: list[str] = []
    if explicit:
        p = _norm(explicit) if os.sep in explicit else _which_skipping(explicit, env, skip_dirs)
        if p is not None and os.sep not in p:
            p = "." + os.sep + p   # "./cc" normalized to "cc" would be looked up on PATH
        if p is None:
            raise ToolchainError(f"compiler '{explicit}' not found on PATH")
        candidates.append(p)
    elif env.get("LLMCC_CLANG"):
        candidates.append(_norm(env["LLMCC_CLANG"]))
    else:
        w = _which_skipping(f"clang-{REQUIRED_MAJOR}", env, skip_dirs)
        if w:
            candidates.append(w)
        candidates.append(os.path.join(DEFAULT_LLVM_BINDIR_STR, "clang"))
    for c in candidates:
        if not _is_exe(c):
            continue
        if _is_llmcc(c):
            raise ToolchainError(f"{c} is llmcc itself; set LLMCC_CLANG to the real clang-{REQUIRED_MAJOR}")
        major = _checked_major(c)
        if major != REQUIRED_MAJOR:
            raise ToolchainError(
                f"{c} is clang {major}; llmcc needs clang {REQUIRED_MAJOR} "
                f"(set LLMCC_CLANG to a clang-{REQUIRED_MAJOR} binary)")
        return c
    raise ToolchainError(
        f"clang-{REQUIRED_MAJOR} not found (tried {', '.join(candidates)}); "
        f"install clang-{REQUIRED_MAJOR} or set LLMCC_CLANG")


def resolve_clang(env=None, explicit: str | None = None,
                  skip_dirs: tuple[str | os.PathLike, ...] = ()) -> Path:
    """``locate_clang`` as a Path."""
    from pathlib import Path
    return Path(locate_clang(env, explicit, skip_dirs))


def _which_skipping(name: str, env, skip_dirs: tuple[str | os.PathLike, ...]) -> str | None:
    """``shutil.which`` over PATH, skipping directories in ``skip_dirs`` and any hit that
    is llmcc itself (masquerade directories put a ``clang`` symlink first on PATH)."""
    skip = {os.path.realpath(d) for d in skip_dirs}
    for entry in env.get("PATH", os.defpath).split(os.pathsep):
        if not entry:
            continue
        try:
            if os.path.realpath(entry) in skip:
                continue
        except OSError:
            continue
        cand = _norm(os.path.join(entry, name))
        if _is_exe(cand) and not _is_llmcc(cand):
            return cand
    return None


def find_toolchain(env=None, explicit: str | None = None,
                   skip_dirs: tuple[str | os.PathLike, ...] = ()) -> Toolchain:
    """Locate clang-22 and its bin directory; refuse any other major version."""
    return toolchain_for(locate_clang(env, explicit, skip_dirs))


def toolchain_for(clang: str) -> Toolchain:
    """The Toolchain of a clang that ``locate_clang`` returned."""
    from pathlib import Path
    bindir = os.path.dirname(os.path.realpath(clang))
    if not os.path.exists(os.path.join(bindir, "opt")) and os.path.isdir(DEFAULT_LLVM_BINDIR_STR):
        bindir = DEFAULT_LLVM_BINDIR_STR
    return Toolchain(clang=Path(clang), bindir=Path(bindir), major=REQUIRED_MAJOR)


def feature_plugin_path() -> Path | None:
    """The built feature pass plugin (see ``feature_plugin_file``) as a Path, or None."""
    found = feature_plugin_file()
    if found is None:
        return None
    from pathlib import Path
    return Path(found)


def feature_plugin_file() -> str | None:
    """The built feature pass plugin: ``$LLMCC_PLUGIN`` if set, else
    ``passes/build/libLLMCCFeatures.so`` in the repository; None if that file is absent.
    Lives here (not in llmcc.hotspots) because every candidate compile asks, and this
    module is already imported on that path."""
    explicit = os.environ.get("LLMCC_PLUGIN")
    candidate = explicit or os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                         "passes", "build", "libLLMCCFeatures.so")
    return candidate if os.path.isfile(candidate) else None


# --------------------------------------------------------------------------- components


class StageResult(namedtuple("StageResult", "output stderr", defaults=("",))):
    """Output path of a component plus what it printed (kept away from the user)."""

    __slots__ = ()


def _run_stage(name: str, argv: list[str], output: Path, timeout: float | None,
               cwd: str | os.PathLike | None = None) -> StageResult | Fallback:
    import subprocess
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd,
                              timeout=timeout or DEFAULT_STAGE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return Fallback(f"{name}-timeout", f"{name} exceeded {timeout}s")
    except OSError as e:
        return Fallback(f"{name}-failed", str(e))
    if proc.returncode != 0:
        return Fallback(f"{name}-failed", proc.stderr.strip()[-2000:])
    return StageResult(output=output, stderr=proc.stderr)


def frontend(tc: Toolchain, source: str | Path, flags: list[str], out: Path, *,
             opt_level: str = "-O3", emit_text: bool = False, cwd=None,
             timeout: float | None = None) -> StageResult | Fallback:
    """C source -> unoptimized IR, annotated for ``opt_level`` (so O3 function attributes
    and TBAA are present). ``flags`` are the user's compile flags without source, -o,
    -c and dependency-file options. The source keeps its own name so ``__FILE__`` and
    debug info stay right."""
    argv = [str(tc.clang), *flags, opt_level, "-Xclang", "-disable-llvm-passes",
            "-emit-llvm", "-S" if emit_text else "-c", str(source), "-o", str(out), *QUIET_FLAGS]
    return _run_stage("frontend", argv, out, timeout, cwd)


def relocation_model(flags: list[str] | tuple[str, ...]) -> str:
    """The relocation model clang derives from the user's flags. It matters to the
    middle end: TTI costs differ between pic and static, so opt (default: static) must be
    told what clang (Debian default: PIE) would use, or vectorization decisions differ."""
    model = "pic"
    for f in flags:
        if f in ("-fpic", "-fPIC", "-fpie", "-fPIE"):
            model = "pic"
        elif f in ("-fno-pic", "-fno-PIC", "-fno-pie", "-fno-PIE", "-static", "-mdynamic-no-pic"):
            model = "static"
    return model


def middle_end(tc: Toolchain, ir: Path, pipeline: str, out: Path, *,
               extra_args: list[str] | tuple[str, ...] = (), emit_text: bool = False,
               flags: list[str] | tuple[str, ...] = (),
               timeout: float | None = None) -> StageResult | Fallback:
    """IR -> IR through ``opt -passes=<pipeline>`` (plus cl::opt knobs in ``extra_args``).
    ``flags`` are the user's compile flags (for the relocation model)."""
    argv = [str(tc.tool("opt")), f"-passes={pipeline}", f"--relocation-model={relocation_model(flags)}",
            *extra_args, str(ir), "-o", str(out)]
    if emit_text:
        argv.append("-S")
    return _run_stage("middle-end", argv, out, timeout)


def backend(tc: Toolchain, ir: Path, flags: list[str], out: Path, *, emit: str = "obj",
            opt_level: str = "-O3", extra_args: list[str] | tuple[str, ...] = (), cwd=None,
            timeout: float | None = None) -> StageResult | Fallback:
    """IR -> object (``emit='obj'``) or assembly (``emit='asm'``). Runs clang on the IR with
    the user's codegen flags and LLVM passes disabled, so only codegen happens."""
    if emit not in ("obj", "asm"):
        raise ValueError(f"emit must be 'obj' or 'asm', not {emit!r}")
    argv = [str(tc.clang), *flags, opt_level, "-Xclang", "-disable-llvm-passes",
            "-S" if emit == "asm" else "-c", "-x", "ir", str(ir), "-o", str(out),
            *extra_args, *QUIET_FLAGS]
    return _run_stage("backend", argv, out, timeout, cwd)


def assemble(tc: Toolchain, asm: Path, flags: list[str], out: Path, *, cwd=None,
             timeout: float | None = None) -> StageResult | Fallback:
    """x86-64 assembly -> object (for asm-level candidates)."""
    argv = [str(tc.clang), *[f for f in flags if f.startswith(("-m", "-f", "--target"))],
            "-c", "-x", "assembler", str(asm), "-o", str(out), *QUIET_FLAGS]
    return _run_stage("assemble", argv, out, timeout, cwd)
