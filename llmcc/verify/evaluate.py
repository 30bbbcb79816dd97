"""The candidate evaluator: one call decides whether a candidate object may replace the
baseline, and by how much it is faster. Used by the pipeline tuner and the LLM agents.

Typical use::

    plan = build_test_plan(ctx, "hot_function", seed=0)      # once per TU (or Fallback)
    ev = evaluate_candidate(ctx, plan, Path("cand.o"),
                            formal=alive_verdict,             # optional, IR-level candidates
                            candidate_source=Path("cand.c"))  # optional, C-source candidates
    if ev.accepted: ...   # correct and measurably faster than the baseline (or best_so_far)

Steps of ``evaluate_candidate`` (it never raises; internal errors give correct=False):

1. object check against ``ctx.baseline_object`` (``llmcc.verify.objcheck``);
2. the formal verdict, if given (looked at before any test runs, since it costs nothing):
   PROVED passes, INCONCLUSIVE does not reject when the tests pass (it stays in the
   report and the reason), anything else (REFUTED, INVALID...) rejects;
3. differential test against the baseline on the correctness and scale inputs;
4. UBSan run of the candidate source, if given;
5. measurement (if correct and ``measure``): interleaved ``compare_runtimes`` of the
   baseline (or ``best_so_far``) against the candidate on the largest kept scale input, cost =
   CPU time of the call(s) or instruction counts per ``measure.mode``.

Callers should show optimizing agents only a verdict's counterexample (one failing input),
never the plan's inputs, so they cannot overfit to the full tests (ACCLAIM).
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..outcome import Fallback
from ..tu import TUContext
from . import inputs as gen
from .difftest import (EXE_NAME, MIN_USABLE_INPUTS, Observation, ensure_executable,
                       run_differential, run_input, run_inputs, ubsan_check)
from .plan import TestPlan
from .verdict import Verdict, VerdictKind

log = logging.getLogger(__name__)

# A scale input on which the reference needs more CPU than this is dropped from the plan
# (the brief for scale inputs: big enough to time, small enough to repeat).
SCALE_BUDGET_SECONDS = 0.3
TIMED_SCALE_INPUTS = 1          # the largest kept scale input (best signal over noise) is timed
MIN_HARNESS_SECONDS = 1e-4      # harness readings below this are too coarse to compare
HARNESS_TIME = re.compile(rb"llmcc-harness-cpu-ns: (\d+)")
HARNESS_AVG = re.compile(rb"llmcc-harness-cpu-ns-avg: (\d+(?:\.\d+)?)")   # repeated fast calls


# --------------------------------------------------------------------------- the plan


def build_test_plan(ctx: TUContext, function: str | None, *, seed: int = 0) -> TestPlan | Fallback:
    """Program mode if the TU defines ``main``, else function mode for ``function`` through a
    synthesized harness. Scale inputs on which the reference crashes or runs longer than
    ``SCALE_BUDGET_SECONDS`` are dropped (listed in ``detail["scale_dropped"]``).
    ``Fallback("untestable", why)`` when neither mode applies."""
    try:
        plan = _plan_program(ctx, seed) if ctx.has_main else _plan_function(ctx, function, seed)
        if isinstance(plan, Fallback):
            return plan
        plan = _calibrate(ctx, plan)
        if isinstance(plan, Fallback):
            return plan
        return _drop_unusable_inputs(ctx, plan)
    except Exception as e:  # a broken plan must not break the build
        log.exception("building the test plan failed")
        return Fallback("untestable", f"internal error while building the test plan: {e}")


def _difftest_dir(ctx: TUContext) -> Path:
    d = ctx.workdir / "difftest"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _plan_program(ctx: TUContext, seed: int) -> TestPlan:
    return TestPlan(mode="program", function=None, harness_c=None,
                    correctness=gen.program_correctness_inputs(seed=seed),
                    scale=gen.program_scale_inputs(seed=seed), seed=seed)


def _plan_function(ctx: TUContext, function: str | None, seed: int) -> TestPlan | Fallback:
    from .harness import synthesize_harness

    if not function:
        return Fallback("untestable", "library TU (no main) and no function to test")
    if not _exports_function(ctx.baseline_object, function):
        return Fallback("untestable", f"'{function}' is not a global function of the baseline object")
    spec = synthesize_harness(ctx.toolchain, ctx.source_path, ctx.flags, function, cwd=ctx.cwd, seed=seed)
    if isinstance(spec, Fallback):
        return Fallback("untestable", str(spec))
    harness_c = spec.write(_difftest_dir(ctx) / f"harness-{_safe(function)}-{seed}.c")
    return TestPlan(mode="function", function=function, harness_c=harness_c,
                    correctness=spec.correctness, scale=spec.scale, seed=seed,
                    signature=spec.signature)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _exports_function(obj: Path, function: str) -> bool:
    """Does ``obj`` define ``function`` as a global (or weak) function symbol?"""
    from elftools.elf.elffile import ELFFile

    with open(obj, "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        if symtab is None:
            return False
        for sym in symtab.get_symbol_by_name(function) or []:
            defined = sym["st_shndx"] != "SHN_UNDEF"
            if defined and sym["st_info"]["type"] == "STT_FUNC" and sym["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK"):
                return True
    return False


def _calibrate(ctx: TUContext, plan: TestPlan) -> TestPlan | Fallback:
    """Link the reference once and run it on the scale inputs: keep the ones it handles
    within budget. Also proves the reference links (else the TU is untestable)."""
    from ..measure.sandbox import SandboxUnavailable

    workdir = _difftest_dir(ctx)
    ref_exe = ensure_executable(ctx.toolchain, plan, ctx.baseline_object, workdir, "ref")
    if isinstance(ref_exe, Fallback):
        return Fallback("untestable", f"the reference does not link for testing: {ref_exe}")
    plan.detail["reference_exe"] = str(ref_exe)
    ref_key = hashlib.sha256(ref_exe.read_bytes()).hexdigest()
    kept, dropped = [], []
    allow = bool(ctx.settings["verify.allow_unsandboxed"])

    limits = _calibration_limits()
    try:
        # In order of size, so the first input over budget ends the calibration: the
        # larger ones after it would only burn CPU up to the limit.
        for position, test_input in enumerate(plan.scale):
            obs = plan.reference_observation(ref_key, test_input, lambda i=test_input: run_input(
                ref_exe, i, workdir=workdir, limits=limits, allow_unsandboxed=allow))
            cost = _cost_seconds(obs)
            if not obs.crashed and cost <= SCALE_BUDGET_SECONDS:
                kept.append(test_input)
                continue
            why = f"reference {obs.killed or obs.returncode}" if obs.crashed else f"reference {cost:.3f}s"
            dropped.append(f"{test_input.describe()}: {why}")
            if obs.killed in ("cpu", "timeout") or not obs.crashed:
                dropped += [f"{later.describe()}: larger than a dropped input" for later in plan.scale[position + 1:]]
                break
    except SandboxUnavailable as e:
        plan.detail["calibration"] = f"skipped: {e}"
        return plan
    plan.detail["scale_dropped"] = dropped
    plan.scale = kept
    return plan


def _drop_unusable_inputs(ctx: TUContext, plan: TestPlan) -> TestPlan | Fallback:
    """Run the reference twice on every correctness input and drop the inputs it crashes on
    (bad tests: e.g. a call into a stubbed symbol of another TU) or whose output changes
    from run to run (time, addresses, uninitialized memory: no candidate could ever match).
    Too few inputs left: ``Fallback("untestable")``."""
    from ..measure.sandbox import SandboxUnavailable

    if "reference_exe" not in plan.detail:
        return plan
    ref_exe = Path(plan.detail["reference_exe"])
    ref_key = hashlib.sha256(ref_exe.read_bytes()).hexdigest()
    workdir = _difftest_dir(ctx)
    allow = bool(ctx.settings["verify.allow_unsandboxed"])
    # The small inputs only: run-to-run differences show there just as well, and the scale
    # inputs would double the plan's cost.
    every = list(plan.correctness)
    cache = plan.reference_cache
    try:
        missing = [i for i in every if cache.peek(ref_key, i) is None]
        for test_input, obs in zip(missing, run_inputs(ref_exe, missing, workdir=workdir, allow_unsandboxed=allow)):
            cache.put(ref_key, test_input, obs)
        first = [cache.peek(ref_key, i) for i in every]
        second = run_inputs(ref_exe, every, workdir=workdir, allow_unsandboxed=allow)
    except SandboxUnavailable as e:
        plan.detail["determinism"] = f"not checked: {e}"
        return plan
    crashed = [i.describe() for i, a in zip(every, first) if a.crashed]
    unstable = [i.describe() for i, a, b in zip(every, first, second)
                if not a.crashed and not b.crashed and a.comparable() != b.comparable()]
    plan.detail["reference_crashed"] = crashed
    plan.detail["nondeterministic"] = unstable
    bad = set(crashed) | set(unstable)
    plan.correctness = [i for i in plan.correctness if i.describe() not in bad]
    if len(plan.correctness) < MIN_USABLE_INPUTS:
        return Fallback("untestable", f"the reference crashes on {len(crashed)} and is not deterministic "
                                      f"on {len(unstable)} of {len(every)} correctness inputs")
    return plan


def _calibration_limits():
    """Limits for calibration runs: a little above the budget, so a runaway reference input
    is cut short instead of running to the test limit."""
    from ..measure.sandbox import Limits
    return Limits(cpu_seconds=max(1.0, math.ceil(SCALE_BUDGET_SECONDS * 2)), wall_seconds=10.0,
                  memory_bytes=2 << 30, processes=16)


def _cost_seconds(obs: Observation, *, whole_process: bool = False) -> float:
    """CPU seconds of the measured part: the harness's own timing line if present (it
    excludes process start-up and input generation), else (or if ``whole_process``) the
    process CPU time. A failed run costs infinity, so it can never look fast."""
    if obs.crashed or obs.returncode != 0:
        return math.inf
    if whole_process:
        return obs.cpu_time
    m = HARNESS_AVG.search(obs.stderr) or HARNESS_TIME.search(obs.stderr)
    return float(m.group(1)) / 1e9 if m else obs.cpu_time


def _precise(obs: Observation) -> bool:
    """The harness averaged repeated calls: its reading is precise however small."""
    return HARNESS_AVG.search(obs.stderr) is not None


# --------------------------------------------------------------------------- evaluation


@dataclass
class Evaluation:
    """Everything the caller needs to decide and to report."""

    verdicts: list[Verdict]
    correct: bool
    comparison: Any | None          # llmcc.measure.timing.Comparison
    speedup: float | None
    accepted: bool
    reason: str

    def to_json(self) -> dict:
        return {"verdicts": [v.to_json() for v in self.verdicts], "correct": self.correct,
                "comparison": self.comparison.to_json() if self.comparison is not None else None,
                "speedup": self.speedup, "accepted": self.accepted, "reason": self.reason}


def evaluate_candidate(ctx: TUContext, plan: TestPlan, candidate_obj: Path, *,
                       formal: Verdict | None = None, candidate_source: Path | None = None,
                       measure: bool = True, best_so_far: Path | None = None) -> Evaluation:
    """Check ``candidate_obj`` against the baseline and, if correct, time it against the
    baseline (or ``best_so_far``). See the module docstring for the steps. Never raises."""
    verdicts: list[Verdict] = []
    try:
        return _evaluate(ctx, plan, candidate_obj, verdicts, formal=formal,
                         candidate_source=candidate_source, measure=measure, best_so_far=best_so_far)
    except Exception as e:  # an evaluator bug rejects the candidate, never the build
        log.exception("evaluating %s failed", candidate_obj)
        return Evaluation(verdicts=verdicts, correct=False, comparison=None, speedup=None,
                          accepted=False, reason=f"internal error: {type(e).__name__}: {e}")


def _reject(verdicts: list[Verdict], reason: str) -> Evaluation:
    return Evaluation(verdicts=verdicts, correct=False, comparison=None, speedup=None,
                      accepted=False, reason=reason)


def _evaluate(ctx: TUContext, plan: TestPlan, candidate_obj: Path, verdicts: list[Verdict], *,
              formal: Verdict | None, candidate_source: Path | None, measure: bool,
              best_so_far: Path | None) -> Evaluation:
    workdir = _difftest_dir(ctx)
    allow = bool(ctx.settings["verify.allow_unsandboxed"])
    obj_verdict = _object_check(ctx.baseline_object, candidate_obj)
    verdicts.append(obj_verdict)
    if obj_verdict.kind in (VerdictKind.INVALID, VerdictKind.REFUTED, VerdictKind.TESTED_DIFFERENT):
        return _reject(verdicts, f"object check failed: {obj_verdict.detail}")
    if formal is not None:
        verdicts.append(formal)
        if not (formal.may_emit or formal.kind == VerdictKind.INCONCLUSIVE):
            return _reject(verdicts, f"formal check: {formal.kind.value}: {formal.detail}")
    diff = run_differential(plan, ctx.baseline_object, candidate_obj, toolchain=ctx.toolchain,
                            workdir=workdir, allow_unsandboxed=allow)
    verdicts.append(diff)
    if diff.kind != VerdictKind.TESTED_EQUAL:
        return _reject(verdicts, f"differential test: {diff.kind.value}: {diff.detail}")
    if candidate_source is not None:
        ub = ubsan_check(candidate_source, ctx.flags, plan, toolchain=ctx.toolchain, workdir=workdir,
                         cwd=ctx.cwd, allow_unsandboxed=allow, reference_source=ctx.source_path)
        verdicts.append(ub)
        if ub.kind != VerdictKind.TESTED_EQUAL:
            return _reject(verdicts, f"UBSan: {ub.kind.value}: {ub.detail}")
    notes = "; formal check inconclusive (tests passed)" if (
        formal is not None and formal.kind == VerdictKind.INCONCLUSIVE) else ""
    if not measure:
        return Evaluation(verdicts, True, None, None, False, "correct (not measured)" + notes)
    comparison = _measure(ctx, plan, best_so_far or ctx.baseline_object, candidate_obj, workdir, allow)
    if isinstance(comparison, Fallback):
        return Evaluation(verdicts, True, None, None, False, f"correct; not measured: {comparison}" + notes)
    against = "best so far" if best_so_far is not None else "baseline"
    verdict_text = "accepted" if comparison.accepted else f"rejected, {comparison.why_not()}"
    return Evaluation(verdicts, True, comparison, comparison.speedup, comparison.accepted,
                      f"correct; {verdict_text}: {comparison.speedup:.3f}x vs {against}" + notes)


def _object_check(reference: Path, candidate: Path) -> Verdict:
    """``llmcc.verify.objcheck.check_object`` when that module is installed; without it the
    step is recorded as inconclusive (the differential test still runs the object)."""
    try:
        from .objcheck import check_object
    except ImportError:
        return Verdict(VerdictKind.INCONCLUSIVE, "objcheck", "object checker not available")
    return check_object(reference, candidate)


# --------------------------------------------------------------------------- measurement


def _timed_inputs(plan: TestPlan) -> list:
    return plan.scale[-TIMED_SCALE_INPUTS:] if plan.scale else plan.correctness[-1:]


def _measure(ctx: TUContext, plan: TestPlan, reference_obj: Path, candidate_obj: Path,
             workdir: Path, allow: bool):
    """Compare costs of reference and candidate on the timed inputs, per ``measure.mode``."""
    from ..measure import timing

    ref_exe = ensure_executable(ctx.toolchain, plan, reference_obj, workdir, "ref")
    cand_exe = ensure_executable(ctx.toolchain, plan, candidate_obj, workdir, "cand")
    if isinstance(ref_exe, Fallback) or isinstance(cand_exe, Fallback):
        return Fallback("measure-link-failed", str(ref_exe if isinstance(ref_exe, Fallback) else cand_exe))
    timed = _timed_inputs(plan)
    margin = float(ctx.settings["measure.margin"])
    if ctx.settings["measure.mode"] == "instructions":
        counts = [_instructions(exe, timed, workdir, allow) for exe in (ref_exe, cand_exe)]
        if None not in counts:
            return timing.compare_instruction_counts(counts[0], counts[1], margin=margin)
        log.info("no instruction counter available; measuring CPU time instead")

    # The harness's own reading excludes start-up, but below its resolution it says ~0 and
    # any ratio of it is noise: then both sides are costed by whole-process CPU time.
    probes = [run_input(ref_exe, i, workdir=workdir, allow_unsandboxed=allow) for i in timed]
    whole_process = (sum(_cost_seconds(o) for o in probes) < MIN_HARNESS_SECONDS
                     and not all(_precise(o) for o in probes))

    def cost_of(exe: Path) -> Callable[[], float]:
        return lambda: sum(_cost_seconds(run_input(exe, i, workdir=workdir, allow_unsandboxed=allow),
                                         whole_process=whole_process) for i in timed)

    comparison = timing.compare_runtimes(cost_of(ref_exe), cost_of(cand_exe),
                                         repetitions=max(1, int(ctx.settings["measure.repetitions"])),
                                         margin=margin)
    if whole_process:
        comparison.notes.append(f"harness timing below {MIN_HARNESS_SECONDS}s: whole-process CPU time compared")
    return comparison


def _instructions(exe: Path, timed: list, workdir: Path, allow: bool) -> int | None:
    """Total instructions over the timed inputs, each run in a fresh directory holding a
    copy of the executable (as every test run), or None if no counter is available."""
    from ..measure.timing import instruction_count

    total = 0
    for test_input in timed:
        run_dir = Path(tempfile.mkdtemp(prefix="icount-", dir=workdir))
        try:
            shutil.copy2(exe, run_dir / EXE_NAME)
            n = instruction_count([f"./{EXE_NAME}", *test_input.argv], workdir=run_dir,
                                  stdin=test_input.stdin, allow_unsandboxed=allow)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        if n is None:
            return None
        total += n
    return total
