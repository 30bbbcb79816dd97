"""Differential testing: run the reference and a candidate on the same inputs, compare
exactly.

Function mode links the synthesized harness (``llmcc.verify.harness``) with each object;
program mode links each object on its own. Every run happens through
``llmcc.measure.sandbox.run_sandboxed`` in a fresh directory holding a copy of the
executable (always started as ``./prog``, so ``argv[0]`` is the same on both sides).
Observed per input: stdout, exit status, and the files the program wrote into its
directory. stderr is not compared (harness timing lines, diagnostics).

Outcomes (checker ``difftest-function`` / ``difftest-program``):

* ``TESTED_EQUAL``      every usable input gave byte-identical observations;
* ``TESTED_DIFFERENT``  the first differing input, with both observations, as counterexample;
* ``INVALID``           the candidate does not link;
* ``INCONCLUSIVE``      the reference crashed / timed out on so many inputs (bad tests, which
                        are dropped and listed in ``data["dropped"]``) that too few remain,
                        or the reference itself cannot be linked, or no sandbox is available.

``ubsan_check`` rebuilds a C-source candidate with UBSan and runs the same inputs; any
report is ``TESTED_DIFFERENT``.

Where the ORIGINAL is undefined, a rewrite may do anything (refinement), so an input on
which the candidate differs is first shown to the original's own source built with ASan +
UBSan (``OriginalDomain``, given ``original``): if a sanitizer reports, the input is no
counterexample; it is dropped and listed in ``data["dropped"]`` with the report's first
line. Only detected undefined behaviour drops an input, never a guess.

Function mode observes all the state a call can change: besides the harness's return
value and buffers, a *state table* object linked with the harness prints every writable
data object the reference defines (globals, file-scope and function-local statics) before
and after the call. Statics are local symbols no other object can name, so each object is
linked as a test copy in which they are renamed to reserved global names
(``prepare_object``, llvm-objcopy); the copy is never emitted. A candidate lacking one of
those objects prints ``absent`` and differs.

A library TU that needs symbols from other TUs is linked against stubs of exactly those
symbols (``build_stubs``): trapping weak functions for the ones it calls, zero-filled data
(observed like the TU's own globals) for the rest; inputs that reach a function stub crash
the reference and are dropped (and listed). Runs crash-retry once (a repeated crash
counts), and run a few at a time (sandbox start-up is mostly waiting), stopping at the
first differing chunk. A candidate that passes then meets the rare-path inputs
(``_rare_check``): boundary values, the reference's constants, and the constants only the
candidate's code holds, each call in its own child, compared call by call.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..outcome import Fallback
from ..toolchain import QUIET_FLAGS, Toolchain
from .verdict import Verdict, VerdictKind

if TYPE_CHECKING:
    from ..measure.sandbox import Limits
    from .domain import OriginalSource
    from .plan import TestPlan

log = logging.getLogger(__name__)

LINK_TIMEOUT = 120.0
# Fewer usable inputs than this (after dropping the ones the reference fails on) is too
# little evidence to call a candidate equal.
MIN_USABLE_INPUTS = 3
SHOWN_OUTPUT_CHARS = 1500
MAX_FILE_BYTES_KEPT = 1 << 20
UBSAN_FLAGS = ["-fsanitize=undefined", "-fno-sanitize-recover=all"]
UBSAN_MARKER = b"runtime error:"
EXE_NAME = "prog"
UNDEFINED_REFERENCE = re.compile(r"undefined reference to `([^']+)'")
C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PARALLEL_RUNS = 4


def default_limits() -> "Limits":
    """Per-run limits for tests: inputs are sized to run well under a second at -O3."""
    from ..measure.sandbox import Limits
    return Limits(cpu_seconds=5.0, wall_seconds=15.0, memory_bytes=2 << 30,
                  file_size_bytes=64 << 20, processes=16)


# --------------------------------------------------------------------------- observations


@dataclass(frozen=True)
class Observation:
    """What one run of one input showed. ``comparable()`` is what must match exactly."""

    returncode: int | None
    killed: str | None
    stdout: bytes
    files: tuple[tuple[str, str], ...] = ()   # (name, sha256) of files written
    stderr: bytes = b""
    cpu_time: float = 0.0
    isolation: str = ""

    @property
    def crashed(self) -> bool:
        """Killed by a signal or a limit: the input is not a valid test for the reference."""
        return self.killed is not None or self.returncode is None or self.returncode < 0

    def comparable(self) -> tuple:
        return (self.returncode, self.killed, self.stdout, self.files)

    def summary(self) -> str:
        status = f"killed={self.killed}" if self.killed else f"exit={self.returncode}"
        out = self.stdout.decode(errors="replace")
        if len(out) > SHOWN_OUTPUT_CHARS:
            out = out[:SHOWN_OUTPUT_CHARS] + f"... ({len(self.stdout)} bytes)"
        files = "".join(f"\n  file {n}: sha256 {h[:16]}" for n, h in self.files)
        return f"{status}\nstdout:\n{out}{files}"


def run_input(exe: Path, test_input, *, workdir: Path, limits: "Limits | None" = None,
              allow_unsandboxed: bool = False, env: dict[str, str] | None = None) -> Observation:
    """Run ``exe`` on one input in a fresh sandbox directory under ``workdir``.
    Raises ``SandboxUnavailable`` when no isolation is available and unsandboxed runs are
    not allowed."""
    from ..measure.sandbox import run_sandboxed

    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=workdir))
    try:
        shutil.copy2(exe, run_dir / EXE_NAME)
        result = run_sandboxed([f"./{EXE_NAME}", *test_input.argv], workdir=run_dir,
                               stdin=test_input.stdin, limits=limits or default_limits(),
                               env=env, allow_unsandboxed=allow_unsandboxed)
        files = _written_files(run_dir)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return Observation(returncode=result.returncode, killed=result.killed, stdout=result.stdout,
                       files=files, stderr=result.stderr, cpu_time=result.cpu_time,
                       isolation=result.isolation)


def _written_files(run_dir: Path) -> tuple[tuple[str, str], ...]:
    found = []
    for path in sorted(run_dir.rglob("*")):
        if path.is_file() and path.name != EXE_NAME:
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read(MAX_FILE_BYTES_KEPT)).hexdigest()
            found.append((str(path.relative_to(run_dir)), digest))
    return tuple(found)


# --------------------------------------------------------------------------- building


def is_linked_executable(path: Path) -> bool:
    """True for an ELF executable / PIE, False for a relocatable object (ELF e_type)."""
    try:
        with open(path, "rb") as f:
            header = f.read(18)
    except OSError:
        return False
    return len(header) == 18 and header[:4] == b"\x7fELF" and header[16] in (2, 3)


def compile_harness(toolchain: Toolchain, harness_c: Path, *, extra_flags: Iterable[str] = ()) -> Path | Fallback:
    """Compile the harness once (-O1) next to its source; reused for every link."""
    tag = hashlib.sha256((harness_c.read_text() + " ".join(extra_flags)).encode()).hexdigest()[:12]
    obj = harness_c.with_name(f"{harness_c.stem}-{tag}.o")
    if obj.exists():
        return obj
    tmp = obj.with_name(f"{obj.name}.{uuid.uuid4().hex}.tmp")   # concurrent evaluators
    argv = [str(toolchain.clang), "-O1", "-c", str(harness_c), "-o", str(tmp), *extra_flags, *QUIET_FLAGS]
    failure = _run_tool(argv, "harness-compile")
    if failure is not None:
        return failure
    tmp.replace(obj)
    return obj


def link_test_executable(toolchain: Toolchain, plan: "TestPlan", obj: Path, out: Path, *,
                         sanitize: bool = False, harness_c: Path | None = None,
                         sanitizers: list[str] | None = None) -> Path | Fallback:
    """Link ``obj`` for testing: with the harness (function mode; ``harness_c`` overrides
    the plan's, e.g. the rare-input harness) and the state table, or alone (program mode).
    ``sanitize``: with the UBSan runtime; ``sanitizers``: these sanitizer flags instead.
    ``Fallback("link-failed", stderr)`` if it does not link."""
    san = sanitizers if sanitizers is not None else (UBSAN_FLAGS if sanitize else [])
    inputs = _link_inputs(toolchain, plan, obj, out.parent, harness_c)
    if isinstance(inputs, Fallback):
        return inputs
    if plan.stub_object is not None:
        inputs.append(str(plan.stub_object))
    argv = [str(toolchain.clang), *san, *inputs, "-o", str(out), "-lm", *QUIET_FLAGS]
    failure = _run_tool(argv, "link")
    return failure if failure is not None else out


def _link_inputs(toolchain: Toolchain, plan: "TestPlan", obj: Path, workdir: Path,
                 harness_c: Path | None = None) -> list[str] | Fallback:
    """The object under test, preceded by the compiled harness and the state table in
    function mode (the object then is its test copy, with the observed statics made
    reachable: ``prepare_object``)."""
    if plan.mode != "function":
        return [str(obj)]
    harness_obj = compile_harness(toolchain, harness_c or plan.harness_c)
    if isinstance(harness_obj, Fallback):
        return harness_obj
    objects = observed_objects(plan)
    if objects is None:
        return [str(harness_obj), str(obj)]
    table = compile_state_table(toolchain, objects, workdir)
    if isinstance(table, Fallback):
        return table
    prepared = prepare_object(toolchain, obj, objects, workdir)
    if isinstance(prepared, Fallback):
        return prepared
    return [str(harness_obj), str(table), str(prepared)]


# --------------------------------------------------------------------------- observed state

# Sections that hold data a function may write (relocated read-only data is excluded).
READ_ONLY_AFTER_RELOCATION = (".data.rel.ro", ".init_array", ".fini_array", ".preinit_array",
                              ".got", ".tm_clone_table")
# Extern data the TU uses but another TU defines gets a zero-filled stand-in this big when
# its size is unknown (bss: it costs nothing unless touched).
STUB_DATA_BYTES = 64 << 10
# Hashing an object costs every run ~1 ns per byte, twice: bigger ones are not observed
# (and listed in plan.detail["unobserved_state"]).
MAX_OBSERVED_BYTES = 16 << 20


def tracked_objects(obj: Path) -> "tuple[list, list[str]]":
    """The writable data objects ``obj`` defines (globals, file-scope statics and
    function-local statics: every one the function or what it calls in the TU may write),
    as ``harness.TrackedObject``, and notes on the ones that cannot be observed (TLS, a
    local name defined twice)."""
    from elftools.elf.elffile import ELFFile
    from .harness import TrackedObject, static_link_name

    found, notes = [], []
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        symtab = elf.get_section_by_name(".symtab")
        if symtab is None:
            return [], ["no symbol table"]
        writable = set()
        for index, section in enumerate(elf.iter_sections()):
            flags = section["sh_flags"]
            if (flags & 0x1) and (flags & 0x2) and not section.name.startswith(READ_ONLY_AFTER_RELOCATION):
                writable.add(index)   # SHF_WRITE | SHF_ALLOC
        local_names: dict[str, int] = {}
        candidates = []
        for sym in symtab.iter_symbols():
            kind, bind = sym["st_info"]["type"], sym["st_info"]["bind"]
            shndx = sym["st_shndx"]
            if kind == "STT_TLS":
                notes.append(f"thread-local '{sym.name}' is not observed")
                continue
            if kind != "STT_OBJECT" or not sym.name or sym["st_size"] <= 0:
                continue
            if shndx == "SHN_COMMON" or (isinstance(shndx, int) and shndx in writable):
                candidates.append((sym.name, bind, int(sym["st_size"])))
                if bind == "STB_LOCAL":
                    local_names[sym.name] = local_names.get(sym.name, 0) + 1
    for name, bind, size in candidates:
        if size > MAX_OBSERVED_BYTES:
            notes.append(f"'{name}' ({size} bytes) is too big to observe")
            continue
        if bind == "STB_LOCAL":
            if local_names[name] > 1:
                notes.append(f"static '{name}' is defined {local_names[name]} times: not observed")
                continue
            found.append(TrackedObject(name, static_link_name(name), size, "static"))
        else:
            found.append(TrackedObject(name, name, size, "global"))
    return found, notes


def observed_objects(plan: "TestPlan") -> list | None:
    """The objects the plan's runs observe (``plan.detail["observed_state"]``, set when the
    reference is first linked), or None when the plan observes no state."""
    from .harness import TrackedObject
    entries = plan.detail.get("observed_state")
    if entries is None:
        return None
    return [TrackedObject.from_json(e) for e in entries]


def compile_state_table(toolchain: Toolchain, objects: list, workdir: Path) -> Path | Fallback:
    """Compile (once per content) the state table of ``objects`` (``harness.render_state_table``)."""
    from .harness import render_state_table

    text = render_state_table(objects)
    tag = hashlib.sha256(text.encode()).hexdigest()[:12]
    obj = workdir / f"state-{tag}.o"
    if obj.exists():
        return obj
    source = workdir / f"state-{tag}.c"
    source.write_text(text)
    tmp = obj.with_name(f"{obj.name}.{uuid.uuid4().hex}.tmp")
    failure = _run_tool([str(toolchain.clang), "-O1", "-c", str(source), "-o", str(tmp), *QUIET_FLAGS],
                        "state-compile")
    if failure is not None:
        return failure
    tmp.replace(obj)
    return obj


def prepare_object(toolchain: Toolchain, obj: Path, objects: list, workdir: Path) -> Path | Fallback:
    """The test copy of ``obj``: each observed static it defines (a local symbol, which no
    other object can name) renamed to its reserved global name so the state table reaches
    it. Code and data are untouched (relocations refer to sections, not to these names);
    the copy is used only for testing, never emitted. Unchanged objects are used as is."""
    statics = {o.name: o.symbol for o in objects if o.origin == "static"}
    if not statics:
        return obj
    present, _ = tracked_objects(obj)
    rename = [(o.name, statics[o.name]) for o in present if o.origin == "static" and o.name in statics]
    if not rename:
        return obj
    key = hashlib.sha256((_file_digest(obj) + repr(rename)).encode()).hexdigest()[:16]
    out = workdir / f"prepared-{key}.o"
    if out.exists():
        return out
    tmp = out.with_name(f"{out.name}.{uuid.uuid4().hex}.tmp")
    argv = [str(toolchain.tool("llvm-objcopy"))]
    for old, new in rename:     # llvm-objcopy matches --globalize-symbol on the old name
        argv += [f"--globalize-symbol={old}", f"--redefine-sym={old}={new}"]
    failure = _run_tool([*argv, str(obj), str(tmp)], "objcopy")
    if failure is not None:
        tmp.unlink(missing_ok=True)
        return failure
    tmp.replace(out)
    return out


def _run_tool(argv: list[str], what: str, cwd: Path | None = None) -> Fallback | None:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=LINK_TIMEOUT, cwd=cwd)
    except subprocess.TimeoutExpired:
        return Fallback(f"{what}-timeout", f"{what} exceeded {LINK_TIMEOUT}s")
    except OSError as e:
        return Fallback(f"{what}-failed", str(e))
    if proc.returncode != 0:
        return Fallback(f"{what}-failed", proc.stderr.decode(errors="replace")[-3000:])
    return None


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_executable(toolchain: Toolchain, plan: "TestPlan", path: Path, workdir: Path,
                      role: str, *, harness_c: Path | None = None) -> Path | Fallback:
    """``path`` itself if already linked, else its test executable (with the plan's harness
    or ``harness_c``), cached by content in ``workdir`` (so the reference is linked once
    per plan and harness)."""
    if is_linked_executable(path):
        return path
    if role == "ref" and plan.mode == "function" and "observed_state" not in plan.detail:
        _observe_state_of(plan, path)
    extra = _file_digest(harness_c) if harness_c is not None else ""
    key = hashlib.sha256(f"{plan.cache_key()}:{_file_digest(path)}:{extra}".encode()).hexdigest()[:16]
    out = workdir / f"{role}-{key}.exe"
    if out.exists():
        return out
    tmp = workdir / f"{role}-{key}.exe.{uuid.uuid4().hex}.tmp"   # concurrent evaluators
    linked = link_test_executable(toolchain, plan, path, tmp, harness_c=harness_c)
    if isinstance(linked, Fallback) and role == "ref" and plan.stub_object is None \
            and "undefined reference" in linked.detail:
        stubs = build_stubs(toolchain, plan, path, workdir)
        if not isinstance(stubs, Fallback):
            plan.stub_object = stubs
            linked = link_test_executable(toolchain, plan, path, tmp, harness_c=harness_c)
    if isinstance(linked, Fallback):
        tmp.unlink(missing_ok=True)
        return linked
    tmp.replace(out)
    return out


def _observe_state_of(plan: "TestPlan", reference: Path) -> None:
    """Record in the plan which objects every run observes: those the reference defines."""
    objects, notes = tracked_objects(reference)
    plan.detail["observed_state"] = [o.to_json() for o in objects]
    if notes:
        plan.detail["unobserved_state"] = notes


def build_stubs(toolchain: Toolchain, plan: "TestPlan", reference: Path, workdir: Path) -> Path | Fallback:
    """Stand-ins for the symbols the reference needs from *other* TUs, so a library TU that
    calls into the rest of its project can still be tested. Functions (symbols the
    reference calls) trap: inputs whose run reaches one crash the reference and are
    dropped as bad tests. Data (every other symbol: variables, tables, and functions whose
    address is only taken, which then crash if called) is a zero-filled array, of the size
    the TU declares when known (``FunctionSignature.extern_sizes``) else ``STUB_DATA_BYTES``,
    and is observed like the TU's own globals. Candidates link against the same stubs, so
    one that needs anything new still fails to link (INVALID)."""
    probe = workdir / f"probe-{uuid.uuid4().hex}.exe"
    inputs = _link_inputs(toolchain, plan, reference, workdir)
    if isinstance(inputs, Fallback):
        return inputs
    argv = [str(toolchain.clang), *inputs, "-o", str(probe), "-lm", "-Wl,--warn-unresolved-symbols", *QUIET_FLAGS]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=LINK_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Fallback("link-failed", str(e))
    finally:
        probe.unlink(missing_ok=True)
    names = sorted(set(UNDEFINED_REFERENCE.findall(proc.stderr.decode(errors="replace"))))
    if not names or not all(C_IDENTIFIER.fullmatch(n) for n in names):
        return Fallback("link-failed", f"cannot stub unresolved symbols {names[:10]}")
    called = called_symbols(reference)
    sizes = dict(getattr(plan.signature, "extern_sizes", ()) or ())
    data = {n: max(int(sizes.get(n) or STUB_DATA_BYTES), 1) for n in names if n not in called}
    text = "/* Generated by llmcc: symbols from other translation units. */\n" + "".join(
        f"__attribute__((weak, aligned(64))) unsigned char {n}[{data[n]}];\n" if n in data else
        f"__attribute__((weak)) void {n}(void) {{ __builtin_trap(); }}\n" for n in names)
    source = workdir / f"stubs-{hashlib.sha256(text.encode()).hexdigest()[:12]}.c"
    source.write_text(text)
    obj = source.with_suffix(".o")
    failure = _run_tool([str(toolchain.clang), "-O1", "-c", str(source), "-o", str(obj), *QUIET_FLAGS],
                        "stub-compile")
    if failure is not None:
        return failure
    plan.detail["stubbed_symbols"] = names
    plan.detail["stubbed_data"] = sorted(data)
    if "observed_state" in plan.detail:
        from .harness import TrackedObject
        known = {e["name"] for e in plan.detail["observed_state"]}
        plan.detail["observed_state"] = plan.detail["observed_state"] + [
            TrackedObject(n, n, size, "extern").to_json() for n, size in sorted(data.items()) if n not in known]
    return obj


def called_symbols(obj: Path) -> set[str]:
    """Undefined symbols ``obj`` calls (``R_X86_64_PLT32``: a call or tail call): these are
    functions; every other undefined symbol it uses is treated as data."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection

    called = set()
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        symtab = elf.get_section_by_name(".symtab")
        if symtab is None:
            return called
        for section in elf.iter_sections():
            if not isinstance(section, RelocationSection):
                continue
            for rel in section.iter_relocations():
                if rel["r_info_type"] == 4:          # R_X86_64_PLT32: calls and tail calls
                    sym = symtab.get_symbol(rel["r_info_sym"])
                    if sym["st_shndx"] == "SHN_UNDEF" and sym.name:
                        called.add(sym.name)
    return called


# --------------------------------------------------------------------------- the test


def checker_name(plan: "TestPlan") -> str:
    return f"difftest-{plan.mode}"


def run_differential(plan: "TestPlan", reference: Path, candidate: Path, *, toolchain: Toolchain,
                     workdir: Path, limits: "Limits | None" = None,
                     allow_unsandboxed: bool = False, include_scale: bool = True,
                     formally_proved: bool = False, rare: bool = True,
                     original: "OriginalSource | None" = None) -> Verdict:
    """Differential test of ``candidate`` against ``reference`` on the plan's inputs.

    ``reference`` / ``candidate`` are objects (linked here; the reference executable and its
    outputs are cached in ``workdir`` / the plan) or already linked test executables.

    A function that touches volatile or atomic objects (``FunctionSignature.volatile_reason``)
    is refused (INCONCLUSIVE, detail starting "unsupported:") unless the caller passes
    ``formally_proved=True`` for a candidate a formal checker proved: the tests do not
    observe the dynamic volatile/atomic traffic, so they alone cannot admit it.

    In function mode with a synthesized harness, a candidate that agrees on the plan's
    inputs then meets the rare-path inputs (``rare=False`` skips them): boundary values,
    the reference's constants and, per candidate, the constants only the candidate has
    (``_rare_check``).

    ``original``: the original TU's source; an input on which the candidate differs and
    the original's sanitized build reports undefined behaviour is dropped, not failed.
    """
    from ..measure.sandbox import SandboxUnavailable

    checker = checker_name(plan)
    volatile = getattr(plan.signature, "volatile_reason", "")
    if volatile and not formally_proved:
        return Verdict(VerdictKind.INCONCLUSIVE, checker,
                       f"unsupported: {volatile}; tests cannot observe volatile/atomic traffic, "
                       "so only a formally proved candidate may be tested and emitted")
    workdir.mkdir(parents=True, exist_ok=True)
    ref_exe = ensure_executable(toolchain, plan, reference, workdir, "ref")
    if isinstance(ref_exe, Fallback):
        return Verdict(VerdictKind.INCONCLUSIVE, checker, f"reference does not link: {ref_exe}")
    cand_exe = _link_candidate(toolchain, plan, candidate, workdir)
    if isinstance(cand_exe, Fallback):
        return Verdict(VerdictKind.INVALID, checker, "candidate does not link",
                       counterexample=cand_exe.detail[-SHOWN_OUTPUT_CHARS:])
    inputs = list(plan.correctness) + (list(plan.scale) if include_scale else [])
    try:
        domain = OriginalDomain(toolchain, plan, original, workdir=workdir, limits=limits,
                                allow_unsandboxed=allow_unsandboxed) if original is not None else None
        verdict = _compare_all(plan, ref_exe, cand_exe, inputs, checker, workdir=workdir,
                               limits=limits, allow_unsandboxed=allow_unsandboxed, domain=domain)
        if verdict.kind != VerdictKind.TESTED_EQUAL or not rare or not _has_rare_inputs(plan) \
                or is_linked_executable(reference) or is_linked_executable(candidate):
            return verdict
        return _rare_check(plan, reference, candidate, verdict, toolchain=toolchain, workdir=workdir,
                           limits=limits, allow_unsandboxed=allow_unsandboxed, domain=domain)
    except SandboxUnavailable as e:
        return Verdict(VerdictKind.INCONCLUSIVE, checker, f"no sandbox to run tests in: {e}")
    finally:
        if cand_exe != candidate:
            Path(cand_exe).unlink(missing_ok=True)


def _link_candidate(toolchain: Toolchain, plan: "TestPlan", candidate: Path, workdir: Path, *,
                    harness_c: Path | None = None) -> Path | Fallback:
    if is_linked_executable(candidate):
        return candidate
    handle, name = tempfile.mkstemp(prefix="cand-", suffix=".exe", dir=workdir)
    os.close(handle)
    out = Path(name)
    linked = link_test_executable(toolchain, plan, candidate, out, harness_c=harness_c)
    if isinstance(linked, Fallback):
        out.unlink(missing_ok=True)
    return linked


def _compare_all(plan: "TestPlan", ref_exe: Path, cand_exe: Path, inputs: list, checker: str, *,
                 workdir: Path, limits: "Limits | None", allow_unsandboxed: bool,
                 domain: "OriginalDomain | None" = None) -> Verdict:
    ref_key = _file_digest(ref_exe)

    def run(exe: Path, test_input) -> Observation:
        obs = run_input(exe, test_input, workdir=workdir, limits=limits, allow_unsandboxed=allow_unsandboxed)
        if obs.crashed:  # retry once: only a crash that repeats counts (machine hiccups do not)
            obs = run_input(exe, test_input, workdir=workdir, limits=limits, allow_unsandboxed=allow_unsandboxed)
        return obs

    def observe(test_input) -> tuple[Observation, Observation | None]:
        ref = plan.reference_observation(ref_key, test_input, lambda: run(ref_exe, test_input))
        if ref.crashed:
            return ref, None
        return ref, run(cand_exe, test_input)

    dropped: list[str] = []
    compared = 0
    isolation = ""
    for test_input, (ref, cand) in _observed_in_order(observe, inputs):
        if cand is None:
            dropped.append(f"{test_input.describe()}: reference {ref.killed or ref.returncode}")
            continue
        isolation = cand.isolation
        if cand.comparable() != ref.comparable():
            undefined = domain.undefined_on(test_input) if domain is not None else None
            if undefined is not None:
                dropped.append(f"{test_input.describe()}: the original is undefined on it ({undefined})")
                continue
            compared += 1
            return Verdict(VerdictKind.TESTED_DIFFERENT, checker,
                           f"outputs differ on {test_input.kind} input {test_input.index}"
                           f"{_origin_note(test_input)}",
                           counterexample=_counterexample(plan, test_input, ref, cand),
                           data={"inputs_compared": compared, "dropped": dropped,
                                 "isolation": isolation})
        compared += 1
    data = {"inputs_compared": compared, "dropped": dropped, "isolation": isolation,
            "seed": plan.seed}
    if compared < min(MIN_USABLE_INPUTS, len(inputs)) or compared == 0:
        return Verdict(VerdictKind.INCONCLUSIVE, checker,
                       f"only {compared} usable inputs: the reference failed on {len(dropped)}", data=data)
    return Verdict(VerdictKind.TESTED_EQUAL, checker,
                   f"{compared} inputs agree" + (f" ({len(dropped)} dropped)" if dropped else ""),
                   data=data)


# --------------------------------------------------------------------------- rare paths

MAX_REFERENCE_CONSTANTS = 128
SHOWN_FAILED_CALLS = 20


def _has_rare_inputs(plan: "TestPlan") -> bool:
    from .harness import FunctionSignature
    return plan.mode == "function" and isinstance(plan.signature, FunctionSignature)


def _rare_check(plan: "TestPlan", reference: Path, candidate: Path, verdict: Verdict, *,
                toolchain: Toolchain, workdir: Path, limits: "Limits | None",
                allow_unsandboxed: bool, domain: "OriginalDomain | None" = None) -> Verdict:
    """Compare on the rare-path inputs (``inputs.rare_calls``): the plan's (boundaries and
    the reference's constants, built once) and, if the candidate's code holds integer
    constants the reference's does not, a supplement aimed at those (a new magic number in
    a rewrite is a red flag). Adds the counts to ``verdict``'s data, or returns the first
    differing call as TESTED_DIFFERENT."""
    from . import inputs as gen
    from .harness import render_rare_harness

    checker = verdict.checker
    functions = _functions_under_test(plan, reference, candidate)
    if "reference_constants" not in plan.detail:
        ranked = object_constants(reference, functions)
        plan.detail["reference_constants"] = sorted(ranked[:MAX_REFERENCE_CONSTANTS])
    ref_constants = set(plan.detail["reference_constants"])
    new_constants = sorted(set(object_constants(candidate, functions)) - set(object_constants(reference, functions)))
    params = plan.signature.params
    runs = [("rare", gen.rare_calls(params, constants=ref_constants, seed=plan.seed))]
    if new_constants:
        runs.append(("candidate constants", gen.rare_calls(params, constants=new_constants, seed=plan.seed,
                                                           include_boundaries=False)))
    data = dict(verdict.data, rare_calls_compared=0, rare_dropped=[], candidate_constants=new_constants[:50])
    failed: list[str] = []
    for label, calls in runs:
        if not calls:
            continue
        rare_inputs = gen.rare_inputs(params, calls)
        text = render_rare_harness(plan.signature, rare_inputs)
        harness_c = workdir / f"rare-{hashlib.sha256(text.encode()).hexdigest()[:12]}.c"
        if not harness_c.exists():
            harness_c.write_text(text)
        ref_exe = ensure_executable(toolchain, plan, reference, workdir, "ref", harness_c=harness_c)
        if isinstance(ref_exe, Fallback):
            return Verdict(VerdictKind.INCONCLUSIVE, checker, f"reference does not link with the rare-input harness: {ref_exe}",
                           data=data)
        cand_exe = _link_candidate(toolchain, plan, candidate, workdir, harness_c=harness_c)
        if isinstance(cand_exe, Fallback):
            return Verdict(VerdictKind.INVALID, checker, "candidate does not link with the rare-input harness",
                           counterexample=cand_exe.detail[-SHOWN_OUTPUT_CHARS:], data=data)
        try:
            different = _compare_rare(plan, ref_exe, cand_exe, rare_inputs, label, data, failed, domain, harness_c,
                                      workdir=workdir, limits=limits, allow_unsandboxed=allow_unsandboxed)
        finally:
            Path(cand_exe).unlink(missing_ok=True)
        if different is not None:
            detail, counterexample = different
            return Verdict(VerdictKind.TESTED_DIFFERENT, checker, detail, counterexample=counterexample, data=data)
    if failed:
        # Reported, not silently dropped: the plan's detail lists what the reference fails on.
        plan.detail["rare_reference_failed"] = {"count": len(failed), "calls": failed[:SHOWN_FAILED_CALLS]}
    text = f"{verdict.detail}; {data['rare_calls_compared']} rare-path calls agree"
    if failed:
        text += f" ({len(failed)} calls the reference fails on skipped)"
    return Verdict(VerdictKind.TESTED_EQUAL, checker, text, data=data)


def _compare_rare(plan: "TestPlan", ref_exe: Path, cand_exe: Path, rare_inputs: list, label: str,
                  data: dict, failed: list[str], domain: "OriginalDomain | None" = None,
                  harness_c: Path | None = None, *, workdir: Path, limits: "Limits | None",
                  allow_unsandboxed: bool) -> tuple[str, str] | None:
    """Run the rare inputs; per call, compare the candidate's block of output with the
    reference's. Calls the reference crashes on, or answers differently in two runs, are
    skipped and reported, and so is a differing call on which the original's sanitized
    build (``domain``, linked with ``harness_c``) reports undefined behaviour. Returns
    (detail, counterexample) of the first differing call."""
    ref_key = _file_digest(ref_exe)
    params = plan.params()

    def run(exe: Path, test_input) -> Observation:
        return run_input(exe, test_input, workdir=workdir, limits=limits, allow_unsandboxed=allow_unsandboxed)

    def observe(test_input):
        ref = plan.reference_observation(ref_key, test_input, lambda: run(ref_exe, test_input))
        again = plan.reference_observation(ref_key + ":again", test_input, lambda: run(ref_exe, test_input))
        return ref, again, run(cand_exe, test_input)

    for test_input, (ref, again, cand) in _observed_in_order(observe, rare_inputs):
        if ref.crashed or ref.returncode != 0:
            failed.extend(f"{label}: {call.describe(params)}: reference {ref.killed or ref.returncode}"
                          for call in test_input.calls)
            data["rare_dropped"].append(f"{label}: {test_input.describe()}: reference {ref.killed or ref.returncode}")
            continue
        ref_head, ref_calls = split_calls(ref.stdout)
        _, again_calls = split_calls(again.stdout)
        cand_head, cand_calls = split_calls(cand.stdout)
        where = f"{label} input {test_input.index}"
        if cand.crashed or cand.returncode != 0 or cand_head != ref_head:
            return (f"outputs differ on {where}",
                    f"input: {where} ({len(test_input.calls)} calls)\n{first_difference(ref.stdout, cand.stdout)}"
                    f"--- reference: {ref.summary()}\n--- candidate: {cand.summary()}")
        for c, call in enumerate(test_input.calls):
            block = ref_calls.get(c)
            why = None
            if block is None:
                why = "printed nothing"
            elif b": crashed" in block or b": exit" in block:
                why = block.splitlines()[-1].decode(errors="replace").split(": ", 1)[-1]
            elif again_calls.get(c) != block:
                why = "is not deterministic"
            if why is not None:
                failed.append(f"{label}: {call.describe(params)}: reference {why}")
                continue
            if cand_calls.get(c) != block and domain is not None and harness_c is not None \
                    and c in domain.undefined_calls(test_input, harness_c):
                failed.append(f"{label}: {call.describe(params)}: the original is undefined on it")
                data["rare_undefined"] = data.get("rare_undefined", 0) + 1
                continue
            data["rare_calls_compared"] += 1
            if cand_calls.get(c) != block:
                got = cand_calls.get(c, b"<no output>")
                return (f"outputs differ on {where} call {c}",
                        f"input: {where} call {c}: {call.describe(params)}\n{first_difference(block, got)}"
                        f"--- reference:\n{block.decode(errors='replace')[:SHOWN_OUTPUT_CHARS]}\n"
                        f"--- candidate:\n{got.decode(errors='replace')[:SHOWN_OUTPUT_CHARS]}")
    return None


CALL_HEADER = re.compile(rb"^call (\d+)$")


def split_calls(stdout: bytes) -> tuple[bytes, dict[int, bytes]]:
    """A rare run's output: the lines before the first call (the initial state) and, per
    call index, the lines of that call (``call K`` header excluded; a ``call K: crashed``
    line printed by the parent included)."""
    head, calls, current = [], {}, None
    for line in stdout.splitlines(keepends=True):
        m = CALL_HEADER.match(line.rstrip(b"\n"))
        if m:
            current = int(m.group(1))
            calls[current] = b""
        elif current is None:
            head.append(line)
        else:
            calls[current] += line
    return b"".join(head), calls


def _functions_under_test(plan: "TestPlan", reference: Path, candidate: Path) -> set[str]:
    """Whose code the constants are read from: the function under test, the TU's static
    functions (it may call them), and functions only the candidate defines."""
    ref_funcs, ref_locals = _function_symbols(reference)
    cand_funcs, cand_locals = _function_symbols(candidate)
    return {plan.function or ""} | ref_locals | cand_locals | (cand_funcs - ref_funcs)


def _function_symbols(obj: Path) -> tuple[set[str], set[str]]:
    from elftools.elf.elffile import ELFFile
    every, local = set(), set()
    with open(obj, "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        for sym in symtab.iter_symbols() if symtab is not None else ():
            if sym["st_info"]["type"] == "STT_FUNC" and sym["st_shndx"] != "SHN_UNDEF" and sym.name:
                every.add(sym.name)
                if sym["st_info"]["bind"] == "STB_LOCAL":
                    local.add(sym.name)
    return every, local


# Immediates of these instructions are most likely bounds and magic values: kept first.
_COMPARING = ("cmp", "test", "sub", "add", "lea", "and", "movabs")


def object_constants(obj: Path, functions: set[str] | None = None) -> list[int]:
    """Integer constants in the code of ``obj`` (of ``functions`` only, if given): every
    immediate operand and every non-RIP displacement of ``lea``, as capstone decodes them,
    those of comparing instructions first. Deterministic order, no duplicates."""
    from capstone import CS_ARCH_X86, CS_MODE_64, Cs
    from capstone.x86 import X86_OP_IMM, X86_OP_MEM, X86_OP_REG, X86_REG_RIP, X86_REG_RSP
    from elftools.elf.elffile import ELFFile

    md = Cs(CS_ARCH_X86, CS_MODE_64)
    md.detail = True
    first, later = [], []
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        symtab = elf.get_section_by_name(".symtab")
        if symtab is None:
            return []
        for sym in symtab.iter_symbols():
            if sym["st_info"]["type"] != "STT_FUNC" or sym["st_shndx"] == "SHN_UNDEF" or sym["st_size"] <= 0:
                continue
            if functions is not None and sym.name not in functions:
                continue
            section = elf.get_section(sym["st_shndx"])
            start = sym["st_value"] - (section["sh_addr"] or 0)
            code = section.data()[start:start + sym["st_size"]]
            for insn in md.disasm(code, sym["st_value"]):
                if any(op.type == X86_OP_REG and op.reg == X86_REG_RSP for op in insn.operands):
                    continue      # frame set-up (sub rsp, 40; and rsp, -16): not the program's constants
                target = first if insn.mnemonic.startswith(_COMPARING) else later
                for op in insn.operands:
                    if op.type == X86_OP_IMM:
                        target.append(int(op.imm))
                    elif op.type == X86_OP_MEM and insn.mnemonic == "lea" and op.mem.base != X86_REG_RIP \
                            and op.mem.disp:
                        target.append(int(op.mem.disp))
    seen, out = set(), []
    for c in first + later:
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def _observed_in_order(observe, inputs: list):
    """Yield ``(input, observe(input))`` in input order. Runs are dominated by sandbox
    set-up (waiting, not CPU), so a chunk of them runs side by side; a caller that stops at
    the first difference does not pay for the remaining chunks."""
    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        for start in range(0, len(inputs), PARALLEL_RUNS):
            chunk = inputs[start:start + PARALLEL_RUNS]
            yield from zip(chunk, pool.map(observe, chunk))


def run_inputs(exe: Path, inputs: list, *, workdir: Path, limits: "Limits | None" = None,
               allow_unsandboxed: bool = False) -> list[Observation]:
    """Observations of ``exe`` on every input (runs side by side, results in input order)."""
    def observe(test_input) -> Observation:
        return run_input(exe, test_input, workdir=workdir, limits=limits, allow_unsandboxed=allow_unsandboxed)
    return [obs for _, obs in _observed_in_order(observe, inputs)]


def _origin_note(test_input) -> str:
    """" (model-written)" for an input a model's generator made: the report says whose
    test caught the candidate."""
    origin = getattr(test_input, "origin", "")
    return f" ({origin})" if origin else ""


def _counterexample(plan: "TestPlan", test_input, ref: Observation, cand: Observation) -> str:
    return (f"input: {test_input.describe(plan.params())}\n{first_difference(ref.stdout, cand.stdout)}"
            f"--- reference: {ref.summary()}\n--- candidate: {cand.summary()}")


def first_difference(ref: bytes, cand: bytes) -> str:
    """The first stdout line that differs (``post.counter`` / ``buf1`` / ``ret``...), so a
    counterexample names what changed even when the full outputs are long."""
    ref_lines, cand_lines = ref.splitlines(), cand.splitlines()
    for k in range(max(len(ref_lines), len(cand_lines))):
        a = ref_lines[k] if k < len(ref_lines) else b"<no line>"
        b = cand_lines[k] if k < len(cand_lines) else b"<no line>"
        if a != b:
            show = lambda line: line.decode(errors="replace")[:300]
            return f"first difference (line {k + 1}):\n  reference: {show(a)}\n  candidate: {show(b)}\n"
    return ""


# --------------------------------------------------------------------------- the original's domain

DOMAIN_SANITIZERS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
# A sanitizer report exits with this status (the rare harness prints "call K: exit 86").
DOMAIN_EXIT = 86
DOMAIN_ENV = {"ASAN_OPTIONS": f"detect_leaks=0:handle_abort=1:malloc_context_size=2:redzone=2048:exitcode={DOMAIN_EXIT}",
              "UBSAN_OPTIONS": f"print_stacktrace=0:exitcode={DOMAIN_EXIT}"}
_SANITIZER_REPORT = re.compile(rb"(AddressSanitizer: [^\n]*|runtime error: [^\n]*)")


class OriginalDomain:
    """Is the ORIGINAL undefined on a test input? Its source built with ASan + UBSan
    (no recovery) and linked with the plan's harness, run on the input: the first line of
    a sanitizer report if one fires, else None. Built lazily (only a differing input asks),
    once per plan and source (cached in ``workdir``)."""

    def __init__(self, toolchain: Toolchain, plan: "TestPlan", original: "OriginalSource", *,
                 workdir: Path, limits: "Limits | None", allow_unsandboxed: bool) -> None:
        self.toolchain, self.plan, self.original = toolchain, plan, original
        self.workdir, self.limits, self.allow = workdir, limits, allow_unsandboxed
        self._exes: dict[str, Path | Fallback] = {}
        self._rare: dict[tuple[str, int], set[int]] = {}

    def undefined_on(self, test_input) -> str | None:
        """The first line of the sanitizer report on ``test_input`` (plan's harness), or None."""
        obs = self._run(test_input, None)
        # Both the sanitizers' exit status and their report: a program that merely prints
        # "runtime error:" (or exits 86) must not make its input look out of domain.
        found = (_SANITIZER_REPORT.search(obs.stderr)
                 if obs is not None and obs.returncode == DOMAIN_EXIT else None)
        if not found:
            return None
        return found.group(1).decode(errors="replace").split(" on address ")[0][:200]

    def undefined_calls(self, rare_input, harness_c: Path) -> set[int]:
        """Indices of the calls of a rare input (each in its own child of ``harness_c``)
        on which a sanitizer reported (the call exited with ``DOMAIN_EXIT``)."""
        key = (_file_digest(harness_c), rare_input.index)
        if key not in self._rare:
            obs = self._run(rare_input, harness_c)
            _, calls = split_calls(obs.stdout) if obs is not None else (b"", {})
            marker = f": exit {DOMAIN_EXIT}".encode()
            self._rare[key] = {c for c, block in calls.items() if marker in block}
        return self._rare[key]

    def _run(self, test_input, harness_c: Path | None) -> Observation | None:
        from dataclasses import replace
        exe = self._executable(harness_c)
        if isinstance(exe, Fallback):
            log.info("original's sanitized build unavailable: %s", exe)
            return None
        # ASan reserves terabytes of address space for its shadow: no RLIMIT_AS.
        limits = replace(self.limits or default_limits(), memory_bytes=0)
        return run_input(exe, test_input, workdir=self.workdir, limits=limits,
                         allow_unsandboxed=self.allow, env=DOMAIN_ENV)

    def _executable(self, harness_c: Path | None) -> Path | Fallback:
        key = _file_digest(harness_c) if harness_c is not None else ""
        if key not in self._exes:
            self._exes[key] = self._build(harness_c)
        return self._exes[key]

    def _build(self, harness_c: Path | None) -> Path | Fallback:
        source = Path(self.original.path)
        extra = _file_digest(harness_c) if harness_c is not None else ""
        key = hashlib.sha256(f"{self.plan.cache_key()}:{_file_digest(source)}:{extra}:"
                             f"{' '.join(self.original.flags)}".encode()).hexdigest()[:16]
        out = self.workdir / f"original-domain-{key}.exe"
        if out.exists():
            return out
        obj = self.workdir / f"original-domain-{key}.{uuid.uuid4().hex}.o"
        tmp = out.with_name(f"{out.name}.{uuid.uuid4().hex}.tmp")
        try:
            from .domain import sanitized_compile_flags
            flags = sanitized_compile_flags(self.original.flags, DOMAIN_SANITIZERS, debug=True)
            failure = _run_tool([str(self.toolchain.clang), *flags, "-c", str(source), "-o", str(obj),
                                 *QUIET_FLAGS], "domain-compile", cwd=self.original.cwd)
            if failure is not None:
                return failure
            linked = link_test_executable(self.toolchain, self.plan, obj, tmp, harness_c=harness_c,
                                          sanitizers=DOMAIN_SANITIZERS)
            if isinstance(linked, Fallback):
                return linked
            tmp.replace(out)
            return out
        finally:
            obj.unlink(missing_ok=True)
            tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- UBSan


def ubsan_check(source_c: Path, flags: list[str], plan: "TestPlan", *, toolchain: Toolchain,
                workdir: Path, cwd: Path | None = None, limits: "Limits | None" = None,
                allow_unsandboxed: bool = False, reference_source: Path | None = None) -> Verdict:
    """Build the candidate *source* with UBSan (-fsanitize=undefined
    -fno-sanitize-recover=all) and run it on the plan's inputs; any report is
    TESTED_DIFFERENT with the report as counterexample. If ``reference_source`` is given,
    an input on which the reference source also reports undefined behaviour is dropped
    (a bad test, not the candidate's fault)."""
    from ..measure.sandbox import SandboxUnavailable

    checker = "ubsan"
    workdir.mkdir(parents=True, exist_ok=True)
    exe = _build_sanitized(toolchain, source_c, flags, plan, workdir, cwd)
    if isinstance(exe, Fallback):
        return Verdict(VerdictKind.INVALID, checker, "candidate source does not build with UBSan",
                       counterexample=exe.detail[-SHOWN_OUTPUT_CHARS:])
    dropped: list[str] = []
    all_inputs = list(plan.correctness) + list(plan.scale)
    try:
        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            observed = list(pool.map(lambda i: run_input(exe, i, workdir=workdir, limits=limits,
                                                         allow_unsandboxed=allow_unsandboxed), all_inputs))
        for test_input, obs in zip(all_inputs, observed):
            if UBSAN_MARKER not in obs.stderr:
                continue
            if reference_source is not None and _reference_also_ub(
                    toolchain, reference_source, flags, plan, test_input, workdir, cwd, limits,
                    allow_unsandboxed):
                dropped.append(test_input.describe())
                continue
            report = obs.stderr.decode(errors="replace")[-SHOWN_OUTPUT_CHARS:]
            return Verdict(VerdictKind.TESTED_DIFFERENT, checker,
                           f"undefined behaviour on {test_input.kind} input {test_input.index}",
                           counterexample=f"input: {test_input.describe(plan.params())}\n{report}",
                           data={"dropped": dropped})
    except SandboxUnavailable as e:
        return Verdict(VerdictKind.INCONCLUSIVE, checker, f"no sandbox to run tests in: {e}")
    finally:
        exe.unlink(missing_ok=True)
    return Verdict(VerdictKind.TESTED_EQUAL, checker, "no UBSan report on any input",
                   data={"dropped": dropped})


def _build_sanitized(toolchain: Toolchain, source_c: Path, flags: list[str], plan: "TestPlan",
                     workdir: Path, cwd: Path | None) -> Path | Fallback:
    handle, obj_name = tempfile.mkstemp(prefix="ubsan-", suffix=".o", dir=workdir)
    os.close(handle)
    obj = Path(obj_name)
    exe = obj.with_suffix(".exe")
    try:
        argv = [str(toolchain.clang), *flags, "-O1", "-g", *UBSAN_FLAGS, "-c", str(source_c),
                "-o", str(obj), *QUIET_FLAGS]
        failure = _run_tool(argv, "ubsan-compile", cwd=cwd)
        if failure is not None:
            return failure
        return link_test_executable(toolchain, plan, obj, exe, sanitize=True)
    finally:
        obj.unlink(missing_ok=True)


def _reference_also_ub(toolchain: Toolchain, reference_source: Path, flags: list[str],
                       plan: "TestPlan", test_input, workdir: Path, cwd: Path | None,
                       limits: "Limits | None", allow_unsandboxed: bool) -> bool:
    exe = _build_sanitized(toolchain, reference_source, flags, plan, workdir, cwd)
    if isinstance(exe, Fallback):
        return False
    try:
        obs = run_input(exe, test_input, workdir=workdir, limits=limits,
                        allow_unsandboxed=allow_unsandboxed)
        return UBSAN_MARKER in obs.stderr
    finally:
        exe.unlink(missing_ok=True)


@dataclass
class ReferenceObservations:
    """Cache of the reference's observations, keyed by executable digest and input, so
    evaluating many candidates runs the reference once per input."""

    entries: dict[tuple[str, str, int], Observation] = field(default_factory=dict)

    def get(self, ref_key: str, test_input, run) -> Observation:
        """The cached observation, or ``run()``'s result (then cached)."""
        key = (ref_key, test_input.kind, test_input.index)
        if key not in self.entries:
            self.entries[key] = run()
        return self.entries[key]

    def peek(self, ref_key: str, test_input) -> Observation | None:
        return self.entries.get((ref_key, test_input.kind, test_input.index))

    def put(self, ref_key: str, test_input, observation: Observation) -> None:
        self.entries[(ref_key, test_input.kind, test_input.index)] = observation
