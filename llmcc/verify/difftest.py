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

A library TU that needs symbols from other TUs is linked against trapping weak stubs of
exactly those symbols (``build_stubs``); inputs that reach a stub crash the reference and
are dropped. Runs crash-retry once (a repeated crash counts), and run a few at a time
(sandbox start-up is mostly waiting), stopping at the first differing chunk.
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
                         sanitize: bool = False) -> Path | Fallback:
    """Link ``obj`` for testing: with the harness (function mode) or alone (program mode).
    ``Fallback("link-failed", stderr)`` if it does not link."""
    san = UBSAN_FLAGS if sanitize else []
    inputs = _link_inputs(toolchain, plan, obj)
    if isinstance(inputs, Fallback):
        return inputs
    if plan.stub_object is not None:
        inputs.append(str(plan.stub_object))
    argv = [str(toolchain.clang), *san, *inputs, "-o", str(out), "-lm", *QUIET_FLAGS]
    failure = _run_tool(argv, "link")
    return failure if failure is not None else out


def _link_inputs(toolchain: Toolchain, plan: "TestPlan", obj: Path) -> list[str] | Fallback:
    """The object under test, preceded by the compiled harness in function mode."""
    if plan.mode != "function":
        return [str(obj)]
    harness_obj = compile_harness(toolchain, plan.harness_c)
    if isinstance(harness_obj, Fallback):
        return harness_obj
    return [str(harness_obj), str(obj)]


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
                      role: str) -> Path | Fallback:
    """``path`` itself if already linked, else its test executable, cached by content in
    ``workdir`` (so the reference is linked once per plan)."""
    if is_linked_executable(path):
        return path
    key = hashlib.sha256(f"{plan.cache_key()}:{_file_digest(path)}".encode()).hexdigest()[:16]
    out = workdir / f"{role}-{key}.exe"
    if out.exists():
        return out
    tmp = workdir / f"{role}-{key}.exe.{uuid.uuid4().hex}.tmp"   # concurrent evaluators
    linked = link_test_executable(toolchain, plan, path, tmp)
    if isinstance(linked, Fallback) and role == "ref" and plan.stub_object is None \
            and "undefined reference" in linked.detail:
        stubs = build_stubs(toolchain, plan, path, workdir)
        if not isinstance(stubs, Fallback):
            plan.stub_object = stubs
            linked = link_test_executable(toolchain, plan, path, tmp)
    if isinstance(linked, Fallback):
        tmp.unlink(missing_ok=True)
        return linked
    tmp.replace(out)
    return out


def build_stubs(toolchain: Toolchain, plan: "TestPlan", reference: Path, workdir: Path) -> Path | Fallback:
    """Trapping weak definitions of the symbols the reference needs from *other* TUs, so a
    library TU that calls into the rest of its project can still be tested: inputs whose
    run reaches a stub crash the reference and are dropped as bad tests. Candidates link
    against the same stubs, so one that needs anything new still fails to link (INVALID)."""
    probe = workdir / f"probe-{uuid.uuid4().hex}.exe"
    inputs = _link_inputs(toolchain, plan, reference)
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
    source = workdir / f"stubs-{hashlib.sha256(' '.join(names).encode()).hexdigest()[:12]}.c"
    source.write_text("/* Generated by llmcc: symbols from other translation units. */\n" + "".join(
        f"__attribute__((weak)) void {n}(void) {{ __builtin_trap(); }}\n" for n in names))
    obj = source.with_suffix(".o")
    failure = _run_tool([str(toolchain.clang), "-O1", "-c", str(source), "-o", str(obj), *QUIET_FLAGS],
                        "stub-compile")
    if failure is not None:
        return failure
    plan.detail["stubbed_symbols"] = names
    return obj


# --------------------------------------------------------------------------- the test


def checker_name(plan: "TestPlan") -> str:
    return f"difftest-{plan.mode}"


def run_differential(plan: "TestPlan", reference: Path, candidate: Path, *, toolchain: Toolchain,
                     workdir: Path, limits: "Limits | None" = None,
                     allow_unsandboxed: bool = False, include_scale: bool = True) -> Verdict:
    """Differential test of ``candidate`` against ``reference`` on the plan's inputs.

    ``reference`` / ``candidate`` are objects (linked here; the reference executable and its
    outputs are cached in ``workdir`` / the plan) or already linked test executables.
    """
    from ..measure.sandbox import SandboxUnavailable

    checker = checker_name(plan)
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
        return _compare_all(plan, ref_exe, cand_exe, inputs, checker, workdir=workdir,
                            limits=limits, allow_unsandboxed=allow_unsandboxed)
    except SandboxUnavailable as e:
        return Verdict(VerdictKind.INCONCLUSIVE, checker, f"no sandbox to run tests in: {e}")
    finally:
        if cand_exe != candidate:
            Path(cand_exe).unlink(missing_ok=True)


def _link_candidate(toolchain: Toolchain, plan: "TestPlan", candidate: Path, workdir: Path) -> Path | Fallback:
    if is_linked_executable(candidate):
        return candidate
    handle, name = tempfile.mkstemp(prefix="cand-", suffix=".exe", dir=workdir)
    os.close(handle)
    out = Path(name)
    linked = link_test_executable(toolchain, plan, candidate, out)
    if isinstance(linked, Fallback):
        out.unlink(missing_ok=True)
    return linked


def _compare_all(plan: "TestPlan", ref_exe: Path, cand_exe: Path, inputs: list, checker: str, *,
                 workdir: Path, limits: "Limits | None", allow_unsandboxed: bool) -> Verdict:
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
        compared += 1
        if cand.comparable() != ref.comparable():
            return Verdict(VerdictKind.TESTED_DIFFERENT, checker,
                           f"outputs differ on {test_input.kind} input {test_input.index}",
                           counterexample=_counterexample(plan, test_input, ref, cand),
                           data={"inputs_compared": compared, "dropped": dropped,
                                 "isolation": isolation})
    data = {"inputs_compared": compared, "dropped": dropped, "isolation": isolation,
            "seed": plan.seed}
    if compared < min(MIN_USABLE_INPUTS, len(inputs)) or compared == 0:
        return Verdict(VerdictKind.INCONCLUSIVE, checker,
                       f"only {compared} usable inputs: the reference failed on {len(dropped)}", data=data)
    return Verdict(VerdictKind.TESTED_EQUAL, checker,
                   f"{compared} inputs agree" + (f" ({len(dropped)} dropped)" if dropped else ""),
                   data=data)


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


def _counterexample(plan: "TestPlan", test_input, ref: Observation, cand: Observation) -> str:
    return (f"input: {test_input.describe(plan.params())}\n"
            f"--- reference: {ref.summary()}\n--- candidate: {cand.summary()}")


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
