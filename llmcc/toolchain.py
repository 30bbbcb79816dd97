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
import subprocess
from pathlib import Path
from typing import NamedTuple

from .outcome import Fallback

REQUIRED_MAJOR = 22
DEFAULT_LLVM_BINDIR = Path(f"/usr/lib/llvm-{REQUIRED_MAJOR}/bin")
# Flags appended to every internal compile: no warnings (so -Werror cannot fire), no colour,
# no complaints about flags that the split stage does not use.
QUIET_FLAGS = ["-w", "-fno-color-diagnostics", "-Wno-unused-command-line-argument"]
DEFAULT_STAGE_TIMEOUT = 300.0


class ToolchainError(Exception):
    """The toolchain cannot be used (missing, wrong version, recursion)."""


class Toolchain(NamedTuple):
    clang: Path          # the real clang-22 driver (never llmcc itself)
    bindir: Path         # where opt, llc, llvm-objdump, FileCheck, llvm-mca live
    major: int

    def tool(self, name: str) -> Path:
        """Path of an LLVM tool (``opt``, ``llc``, ``llvm-objdump``, ``FileCheck``...)."""
        for candidate in (self.bindir / name, self.bindir / f"{name}-{self.major}"):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        import shutil
        found = shutil.which(f"{name}-{self.major}")
        if found:
            return Path(found)
        raise ToolchainError(f"LLVM tool '{name}' not found next to {self.clang}")

    def identity(self) -> str:
        """Cheap compiler identity for cache keys: resolved path, size and mtime
        (ccache's 'mtime' compiler check), so no extra process runs per TU."""
        real = self.clang.resolve()
        st = real.stat()
        return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def _is_llmcc(path: Path) -> bool:
    """True if ``path`` is llmcc itself (a masquerade symlink or the console script)."""
    try:
        real = path.resolve()
    except OSError:
        return False
    if real.name in ("llmcc", "llmc++"):
        return True
    try:
        with open(real, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and (b"llmcc" in head)


def clang_major(clang: Path) -> int:
    import re
    out = subprocess.run([str(clang), "--version"], capture_output=True, text=True, timeout=30)
    m = re.search(r"clang version (\d+)\.", out.stdout)
    if not m:
        raise ToolchainError(f"{clang} does not identify as clang: {out.stdout.splitlines()[:1]}")
    return int(m.group(1))


_major_cache: dict[tuple[str, int, int], int] = {}


def _checked_major(clang: Path) -> int:
    """Major version of ``clang``. Debian installs clang under /usr/lib/llvm-N/bin, so
    the resolved path answers without running a process (start-up matters: this runs
    on every compile); anything else is asked with --version."""
    real = clang.resolve()
    llvm_dir = real.parent.parent.name          # /usr/lib/llvm-22/bin/clang -> "llvm-22"
    if real.parent.name == "bin" and real.name.startswith("clang") and llvm_dir.startswith("llvm-") \
            and llvm_dir[5:].isdigit():
        return int(llvm_dir[5:])
    st = real.stat()
    key = (str(clang.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _major_cache:
        _major_cache[key] = clang_major(clang)
    return _major_cache[key]


def resolve_clang(env: os._Environ | dict | None = None, explicit: str | None = None,
                  skip_dirs: tuple[Path, ...] = ()) -> Path:
    """Find the real clang-22: ``explicit`` (launcher form), else ``$LLMCC_CLANG``, else
    ``clang-22`` on PATH, else /usr/lib/llvm-22/bin/clang. Never resolves to llmcc."""
    env = os.environ if env is None else env
    candidates: list[Path] = []
    if explicit:
        p = Path(explicit) if os.sep in explicit else (
            Path(w) if (w := _which_skipping(explicit, env, skip_dirs)) else None)
        if p is None:
            raise ToolchainError(f"compiler '{explicit}' not found on PATH")
        candidates.append(p)
    elif env.get("LLMCC_CLANG"):
        candidates.append(Path(env["LLMCC_CLANG"]))
    else:
        w = _which_skipping(f"clang-{REQUIRED_MAJOR}", env, skip_dirs)
        if w:
            candidates.append(Path(w))
        candidates.append(DEFAULT_LLVM_BINDIR / "clang")
    for c in candidates:
        if not (c.is_file() and os.access(c, os.X_OK)):
            continue
        if _is_llmcc(c):
            raise ToolchainError(f"{c} is llmcc itself; set LLMCC_CLANG to the real clang-{REQUIRED_MAJOR}")
        return c
    raise ToolchainError(
        f"clang-{REQUIRED_MAJOR} not found (tried {', '.join(map(str, candidates))}); "
        f"install clang-{REQUIRED_MAJOR} or set LLMCC_CLANG")


def _which_skipping(name: str, env, skip_dirs: tuple[Path, ...]) -> str | None:
    """``shutil.which`` over PATH, skipping directories in ``skip_dirs`` and any hit that
    is llmcc itself (masquerade directories put a ``clang`` symlink first on PATH)."""
    skip = {d.resolve() for d in skip_dirs}
    for entry in env.get("PATH", os.defpath).split(os.pathsep):
        if not entry:
            continue
        d = Path(entry)
        try:
            if d.resolve() in skip:
                continue
        except OSError:
            continue
        cand = d / name
        if cand.is_file() and os.access(cand, os.X_OK) and not _is_llmcc(cand):
            return str(cand)
    return None


def find_toolchain(env=None, explicit: str | None = None,
                   skip_dirs: tuple[Path, ...] = ()) -> Toolchain:
    """Locate clang-22 and its bin directory; refuse any other major version."""
    clang = resolve_clang(env, explicit, skip_dirs)
    major = _checked_major(clang)
    if major != REQUIRED_MAJOR:
        raise ToolchainError(
            f"{clang} is clang {major}; llmcc needs clang {REQUIRED_MAJOR} "
            f"(set LLMCC_CLANG to a clang-{REQUIRED_MAJOR} binary)")
    bindir = clang.resolve().parent
    if not (bindir / "opt").exists() and DEFAULT_LLVM_BINDIR.is_dir():
        bindir = DEFAULT_LLVM_BINDIR
    return Toolchain(clang=clang, bindir=bindir, major=major)


def feature_plugin_path() -> Path | None:
    """The built feature pass plugin: ``$LLMCC_PLUGIN`` if set, else
    ``passes/build/libLLMCCFeatures.so`` in the repository; None if that file is absent.
    Lives here (not in llmcc.hotspots) because every candidate compile asks, and this
    module is already imported on that path."""
    explicit = os.environ.get("LLMCC_PLUGIN")
    candidate = Path(explicit) if explicit else (
        Path(__file__).resolve().parents[1] / "passes" / "build" / "libLLMCCFeatures.so")
    return candidate if candidate.is_file() else None


# --------------------------------------------------------------------------- components


class StageResult(NamedTuple):
    """Output path of a component plus what it printed (kept away from the user)."""

    output: Path
    stderr: str = ""


def _run_stage(name: str, argv: list[str], output: Path, timeout: float | None,
               cwd: str | os.PathLike | None = None) -> StageResult | Fallback:
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
