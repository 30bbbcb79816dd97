"""The candidate evaluator: checks a candidate object against the baseline, applies the
one evidence rule (``llmcc.verify.evidence``) and measures it. Used by the pipeline tuner,
the level agents and the guide.

Typical use::

    plan = build_test_plan(ctx, "hot_function", seed=0)      # once per TU (or Fallback)
    ev = evaluate_candidate(ctx, plan, Path("cand.o"),
                            formal=formal_against_baseline(ctx, ir_text, "hot_function"),
                            candidate_source=Path("cand.c"),  # C-source candidates
                            fuzz=True)                        # the full evidence
    if ev.accepted: ...   # correct and measurably faster than the baseline (or best_so_far)
    final = confirm_for_emission(ctx, {"hot_function": plan}, Path("cand.o"), ...)
    if final.accepted: ...  # the only way to emit: the evidence rule + a fresh re-measurement

Steps of ``evaluate_candidate`` (it never raises; internal errors give correct=False):

1. object check against ``ctx.baseline_object`` (``llmcc.verify.objcheck``), the ISA
   check against the user's target flags, and (C rewrites) no added ``target`` overrides;
2. the formal verdict, if given (looked at before any test runs, since it costs nothing):
   REFUTED / INVALID reject; PROVED against the baseline is proof; INCONCLUSIVE is not;
3. differential tests against the baseline on the correctness and scale inputs of every
   plan (a model-written plan carries the built-in one, which always runs too);
4. UBSan run of the candidate source, if given;
5. differential fuzzing (``fuzz=True`` and not proved): ``verify.fuzz_seconds``
   (``verify.fuzz_seconds_asm`` for asm candidates) of libFuzzer, ``llmcc.verify.fuzz``;
6. ``evidence.judge`` over all verdicts (``Evaluation.evidence``);
7. static evidence (``llmcc.measure.static``, computed first for every candidate and kept
   in ``Evaluation.static``): a correct candidate clearly worse than the baseline on llvm-mca
   cycles, IR instruction count and .text size skips timing and is rejected with
   ``rejected_by="static-evidence"``; an unknown metric never rejects;
8. measurement (if correct and ``measure``): interleaved ``compare_runtimes`` of the
   baseline (or ``best_so_far``) against the candidate on the largest kept scale input
   (``timing_inputs``: the model-written generator's when it has one, else the built-in
   plan's), cost = CPU time of the call(s) or instructions per call per ``measure.mode``.

``correct`` means no check refuted the candidate and every test agreed; only
``evidence.may_emit`` (and ``confirm_for_emission``) lets it reach an object.

Callers should show optimizing agents only a verdict's counterexample (one failing input),
never the plan's inputs, so they cannot overfit to the full tests (ACCLAIM).
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..outcome import Fallback
from ..tu import TUContext
from . import inputs as gen
from .difftest import (EXE_NAME, MIN_USABLE_INPUTS, Observation, ensure_executable,
                       run_differential, run_input, run_inputs, ubsan_check)
from .domain import OriginalSource
from .evidence import Evidence, against_baseline, is_proof, judge
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
    evidence: Evidence | None = None
    static: Any | None = None           # llmcc.measure.static.StaticComparison
    rejected_by: str | None = None      # the stage that rejected a correct candidate

    @property
    def may_emit(self) -> bool:
        """The evidence rule holds (proved, or tests + fuzz budget + UBSan)."""
        return self.evidence is not None and self.evidence.may_emit

    def to_json(self) -> dict:
        return {"verdicts": [v.to_json() for v in self.verdicts], "correct": self.correct,
                "comparison": self.comparison.to_json() if self.comparison is not None else None,
                "speedup": self.speedup, "accepted": self.accepted, "reason": self.reason,
                "evidence": self.evidence.to_json() if self.evidence is not None else None,
                "static": self.static.to_json() if self.static is not None else None,
                "rejected_by": self.rejected_by}


def evaluate_candidate(ctx: TUContext, plan: TestPlan, candidate_obj: Path, *,
                       formal: Verdict | None = None, candidate_source: Path | None = None,
                       measure: bool = True, best_so_far: Path | None = None,
                       fuzz: bool = False, level: str | None = None,
                       candidate_ir: Path | None = None) -> Evaluation:
    """Check ``candidate_obj`` against the baseline and, if correct, time it against the
    baseline (or ``best_so_far``). ``formal`` must be a check against the baseline
    (``formal_against_baseline``); ``fuzz`` adds the fuzz budget (``level="asm"`` takes the
    asm budget); ``candidate_ir`` (the IR the object came from, if any) gives the fuzzer an
    instrumented copy whose comparisons it can see. See the module docstring for the
    steps. Never raises."""
    verdicts: list[Verdict] = []
    static = static_comparison(ctx, getattr(plan, "function", None), candidate_obj, candidate_ir)
    try:
        evaluation = _evaluate(ctx, plan, candidate_obj, verdicts, formal=formal,
                               candidate_source=candidate_source, measure=measure, best_so_far=best_so_far,
                               fuzz=fuzz, level=level, candidate_ir=candidate_ir, static=static)
    except Exception as e:  # an evaluator bug rejects the candidate, never the build
        log.exception("evaluating %s failed", candidate_obj)
        evaluation = Evaluation(verdicts=verdicts, correct=False, comparison=None, speedup=None,
                                accepted=False, reason=f"internal error: {type(e).__name__}: {e}")
    evaluation.static = static
    return evaluation


def static_comparison(ctx: TUContext, function: str | None, candidate_obj: Path,
                      candidate_ir: Path | None):
    """``llmcc.measure.static`` numbers of the candidate against the baseline object (and,
    when the candidate came with IR, the baseline's optimized IR). None if even that
    failed: static evidence is advisory and never stops an evaluation."""
    from ..measure.static import compare_static, mcpu_for, static_metrics

    try:
        mcpu = mcpu_for(list(ctx.flags))
        cand_ir = None
        if candidate_ir is not None and Path(candidate_ir).is_file():
            cand_ir = Path(candidate_ir).read_text(errors="replace")
        baseline = _baseline_static(ctx, function, mcpu, with_ir=cand_ir is not None)
        candidate = static_metrics(candidate_obj, function=function, ir_text=cand_ir, mcpu=mcpu)
        return compare_static(baseline, candidate, with_ir=cand_ir is not None)
    except Exception as e:  # unknown, never worse
        log.info("static evidence for %s failed: %s", candidate_obj, e)
        return None


def _reject(verdicts: list[Verdict], reason: str, *, c_source: bool = False) -> Evaluation:
    return Evaluation(verdicts=verdicts, correct=False, comparison=None, speedup=None,
                      accepted=False, reason=reason, evidence=judge(verdicts, c_source=c_source, llm_made=True))


def _static_checks(ctx: TUContext, candidate_obj: Path, candidate_source: Path | None,
                   level: str | None = None, candidate_ir: Path | None = None) -> list[Verdict]:
    """Object check, ISA check, and (C rewrites) no added target overrides."""
    from .objcheck import check_isa, check_target_overrides

    checks = [_object_check(ctx.baseline_object, candidate_obj, ctx.flags),
              check_isa(ctx.baseline_object, candidate_obj, str(ctx.toolchain.clang), ctx.flags,
                        compiler_emitted=_compiler_emitted(level, candidate_source, candidate_ir))]
    if candidate_source is not None:
        try:
            original = ctx.source_path.read_text(errors="replace")
            override = check_target_overrides(original, Path(candidate_source).read_text(errors="replace"))
        except OSError as e:
            override = Verdict(VerdictKind.INVALID, "isa", f"cannot read the candidate source: {e}")
        if override is not None:
            checks.append(override)
    return checks


_INLINE_ASM = re.compile(r"\b(?:__asm__|__asm|asm)\b|\bmodule asm\b|\basm\s+(?:sideeffect\s+)?\"")


def _compiler_emitted(level: str | None, candidate_source: Path | None, candidate_ir: Path | None) -> bool:
    """Did clang's backend make all of the candidate's code (no asm-level rewrite, no inline
    assembly in the candidate's C or IR)? Unreadable text counts as no."""
    if level == "asm":
        return False
    try:
        texts = [p.read_text(errors="replace") for p in (candidate_source, candidate_ir) if p is not None]
    except OSError:
        return False
    return not any(_INLINE_ASM.search(text) for text in texts)


def _evaluate(ctx: TUContext, plan: TestPlan, candidate_obj: Path, verdicts: list[Verdict], *,
              formal: Verdict | None, candidate_source: Path | None, measure: bool,
              best_so_far: Path | None, fuzz: bool, level: str | None,
              candidate_ir: Path | None = None, static: Any | None = None) -> Evaluation:
    workdir = _difftest_dir(ctx)
    allow = bool(ctx.settings["verify.allow_unsandboxed"])
    c_source = candidate_source is not None
    for check in _static_checks(ctx, candidate_obj, candidate_source, level, candidate_ir):
        verdicts.append(check)
        if check.kind in (VerdictKind.INVALID, VerdictKind.REFUTED, VerdictKind.TESTED_DIFFERENT):
            what = "ISA check" if check.checker == "isa" else "object check"
            return _reject(verdicts, f"{what} failed: {check.detail}", c_source=c_source)
    if formal is not None:
        verdicts.append(formal)
        if not (formal.may_emit or formal.kind == VerdictKind.INCONCLUSIVE):
            return _reject(verdicts, f"formal check: {formal.kind.value}: {formal.detail}", c_source=c_source)
    for each in _all_plans(plan):
        # Volatile/atomic functions are admitted by the tests only when a formal check
        # against the baseline proved the candidate (the tests cannot see that traffic).
        diff = run_differential(each, ctx.baseline_object, candidate_obj, toolchain=ctx.toolchain,
                                workdir=workdir, allow_unsandboxed=allow,
                                formally_proved=formal is not None and is_proof(formal),
                                original=OriginalSource(ctx.source_path, (ctx.opt_level, *ctx.flags), ctx.cwd))
        if "generator" in each.detail:     # the model's own tests: they add, never suffice
            diff = Verdict(diff.kind, diff.checker, diff.detail, diff.counterexample,
                           dict(diff.data, model_written=True))
        verdicts.append(diff)
        if diff.kind != VerdictKind.TESTED_EQUAL:
            return _reject(verdicts, f"differential test: {diff.kind.value}: {diff.detail}", c_source=c_source)
    for each in _all_plans(plan) if candidate_source is not None else ():
        ub = ubsan_check(candidate_source, ctx.flags, each, toolchain=ctx.toolchain,
                         workdir=workdir, cwd=ctx.cwd, allow_unsandboxed=allow,
                         reference_source=ctx.source_path)
        verdicts.append(ub)
        if ub.kind != VerdictKind.TESTED_EQUAL:
            return _reject(verdicts, f"UBSan: {ub.kind.value}: {ub.detail}", c_source=True)
    if fuzz and not any(is_proof(v) for v in verdicts):
        fuzzed = _fuzz(ctx, plan, candidate_obj, level, candidate_ir)
        verdicts.append(fuzzed)
        if fuzzed.kind == VerdictKind.TESTED_DIFFERENT or fuzzed.kind == VerdictKind.INVALID:
            return _reject(verdicts, f"fuzzing: {fuzzed.kind.value}: {fuzzed.detail}", c_source=c_source)
    evidence = judge(verdicts, c_source=c_source, llm_made=level is not None)
    notes = "; formal check inconclusive (tests passed)" if (
        formal is not None and formal.kind == VerdictKind.INCONCLUSIVE) else ""
    if fuzz:
        notes += f"; evidence: {evidence.reason}"
    if not measure:
        return Evaluation(verdicts, True, None, None, False, "correct (not measured)" + notes, evidence)
    if static is not None and static.clearly_worse:
        # Only ever adds a rejection: timing is skipped for code that does clearly more.
        return Evaluation(verdicts, True, None, None, False, f"static-evidence: {static.reason}" + notes,
                          evidence, rejected_by="static-evidence")
    comparison = _measure(ctx, plan, best_so_far or ctx.baseline_object, candidate_obj, workdir, allow)
    if isinstance(comparison, Fallback):
        return Evaluation(verdicts, True, None, None, False, f"correct; not measured: {comparison}" + notes,
                          evidence)
    against = "best so far" if best_so_far is not None else "baseline"
    verdict_text = "accepted" if comparison.accepted else f"rejected, {comparison.why_not()}"
    timed = f" (timed on {comparison.timed_on})" if comparison.timed_on else ""
    return Evaluation(verdicts, True, comparison, comparison.speedup, comparison.accepted,
                      f"correct; {verdict_text}: {comparison.speedup:.3f}x vs {against}{timed}" + notes, evidence)


def _signature_plan(plan: TestPlan) -> TestPlan:
    """The plan with the synthesized harness (the built-in one under a model-written plan):
    the one whose inputs the fuzzer and UBSan can use by signature."""
    return next((p for p in _all_plans(plan) if getattr(p, "signature", None) is not None), plan)


def _all_plans(plan: TestPlan) -> list:
    """The plan and the built-in plan it extends (a plan-like object without one: itself)."""
    every = getattr(plan, "all_plans", None)
    return every() if callable(every) else [plan]


def fuzz_seconds(ctx: TUContext, level: str | None) -> float:
    key = "verify.fuzz_seconds_asm" if level == "asm" else "verify.fuzz_seconds"
    return float(ctx.settings[key])


def _fuzz(ctx: TUContext, plan: TestPlan, candidate_obj: Path, level: str | None,
          candidate_ir: Path | None = None) -> Verdict:
    from .fuzz import fuzz_candidate

    seconds = fuzz_seconds(ctx, level)
    if seconds <= 0:
        return Verdict(VerdictKind.INCONCLUSIVE, "fuzz", "not applicable: disabled (verify.fuzz_seconds=0)",
                       data={"applicable": False})
    base = _signature_plan(plan)
    if base.stub_object is None and plan.stub_object is not None:
        base.stub_object = plan.stub_object
    workdir = _difftest_dir(ctx) / "fuzz"
    workdir.mkdir(parents=True, exist_ok=True)
    # The ORIGINAL's sanitized build (once per TU): inputs it is undefined on are discarded.
    from .domain import domain_object
    domain = workdir / "domain-reference.o"
    if not domain.exists():
        domain_object(ctx.toolchain, Path(ctx.source_path), [ctx.opt_level, *ctx.flags], domain, cwd=ctx.cwd)
    return fuzz_candidate(ctx.toolchain, base, ctx.baseline_object, candidate_obj, seconds=seconds,
                          workdir=workdir, allow_unsandboxed=bool(ctx.settings["verify.allow_unsandboxed"]),
                          traced=_traced_objects(ctx, candidate_ir, workdir),
                          domain=domain if domain.exists() else None)


def _traced_objects(ctx: TUContext, candidate_ir: Path | None, workdir: Path) -> dict[str, Path]:
    """Builds with comparison tracing for the fuzzer: the original source (once per TU)
    and the candidate's IR, if any (asm candidates have none: the fuzzer's dictionary of
    code constants stands in)."""
    from .fuzz import instrumented_object

    traced = {}
    reference = workdir / "traced-reference.o"
    if not reference.exists():
        instrumented_object(ctx.toolchain, ctx.source_path, [ctx.opt_level, *ctx.flags], reference, cwd=ctx.cwd)
    if reference.exists():
        traced["reference"] = reference
    if candidate_ir is not None and Path(candidate_ir).is_file():
        digest = hashlib.sha256(Path(candidate_ir).read_bytes()).hexdigest()[:16]
        out = workdir / f"traced-{digest}.o"
        if out.exists() or instrumented_object(ctx.toolchain, Path(candidate_ir), [ctx.opt_level, *ctx.flags],
                                               out, cwd=ctx.cwd) is not None:
            traced["candidate"] = out
    return traced


def _object_check(reference: Path, candidate: Path, flags: list[str]) -> Verdict:
    """``llmcc.verify.objcheck.check_object`` with the imports the user's flags allow."""
    from .objcheck import allowed_undefined_for, check_object
    return check_object(reference, candidate, allowed_undefined=allowed_undefined_for(flags))


def _baseline_static(ctx: TUContext, function: str | None, mcpu: str, *, with_ir: bool):
    """The baseline's static metrics, computed once per TU, function, CPU and IR need (a
    file in the work directory: every candidate of the TU compares with the same numbers)."""
    import json

    from ..measure.static import StaticMetrics, static_metrics

    cache = ctx.workdir / f"static-baseline-{_safe(function or 'TU')}-{_safe(mcpu)}-{int(with_ir)}.json"
    try:
        return StaticMetrics.from_json(json.loads(cache.read_text()))
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    base_ir = None
    if with_ir:
        base = baseline_ir(ctx)
        base_ir = None if isinstance(base, Fallback) else base
    metrics = static_metrics(ctx.baseline_object, function=function, ir_text=base_ir, mcpu=mcpu)
    try:
        cache.write_text(json.dumps(metrics.to_json()))
    except OSError:
        pass
    return metrics


# --------------------------------------------------------------------------- formal, baseline


def baseline_ir(ctx: TUContext) -> str | Fallback:
    """The original TU's optimized IR (the user's -O pipeline on the frontend's output),
    made once per TU: what every formal check compares a candidate function with."""
    from dataclasses import replace

    out = ctx.workdir / "baseline-formal.ll"
    if out.is_file():
        return out.read_text(errors="replace")
    # Not clamped by the TU's deadline: the final emission gate needs the reference too.
    compiler = replace(ctx.compiler, deadline=None)
    unopt = Path(ctx.unoptimized_ir) if ctx.unoptimized_ir is not None else None
    if unopt is None or not unopt.is_file():
        fe = compiler.frontend(ctx.source, ctx.workdir / "baseline-formal.bc")
        if isinstance(fe, Fallback):
            return fe
        unopt = fe.output
    opt = compiler.middle_end(unopt, out, emit_text=True)
    if isinstance(opt, Fallback):
        return opt
    return out.read_text(errors="replace")


def formal_against_baseline(ctx: TUContext, candidate_ir: str, function: str) -> Verdict:
    """Formal check of ``function`` in ``candidate_ir`` against the *original* TU's function
    (never against a parent state), marked so the evidence rule counts a PROVED answer.
    A checker that cannot run (baseline not built, a module it cannot cut) is INCONCLUSIVE."""
    from .formal import check_function

    try:
        base = baseline_ir(ctx)
        if isinstance(base, Fallback):
            return Verdict(VerdictKind.INCONCLUSIVE, "formal", f"baseline IR not available: {base}")
        verdict = check_function(base, candidate_ir, function, ctx.settings)
    except Exception as e:  # a checker problem loses the proof, it never passes a candidate
        log.warning("formal check of %s crashed: %s", function, e)
        return Verdict(VerdictKind.INCONCLUSIVE, "formal", f"checker error: {e}")
    if verdict.kind == VerdictKind.INVALID:
        # A module the checker could not cut is its limitation, not a refutation (the
        # candidate's IR was built by clang or already verified when spliced).
        verdict = Verdict(VerdictKind.INCONCLUSIVE, verdict.checker, f"could not check: {verdict.detail}",
                          data=verdict.data)
    return against_baseline(verdict)


# --------------------------------------------------------------------------- emission gate


def confirm_for_emission(ctx: TUContext, plans: dict[str, TestPlan], candidate_obj: Path, *,
                         formal: dict[str, Verdict] | None = None, candidate_source: Path | None = None,
                         level: str | None = None, candidate_ir: Path | None = None) -> Evaluation:
    """The last gate before a candidate object replaces the baseline (every optimizer's
    winner goes through it). For each function the candidate may have changed (``plans``):
    every check again against the *baseline*, the fuzz budget unless proved, and the
    evidence rule. Then fresh interleaved runs against the baseline: accepted only if some
    function is faster by ``measure.margin`` and none is slower by more than it.
    Never raises."""
    verdicts: list[Verdict] = []
    try:
        return _confirm(ctx, plans, candidate_obj, verdicts, formal or {}, candidate_source, level,
                        candidate_ir)
    except Exception as e:  # the gate's own bug keeps the baseline
        log.exception("confirming %s failed", candidate_obj)
        return Evaluation(verdicts, False, None, None, False, f"internal error: {type(e).__name__}: {e}")


def _confirm(ctx: TUContext, plans: dict[str, TestPlan], candidate_obj: Path, verdicts: list[Verdict],
             formal: dict[str, Verdict], candidate_source: Path | None, level: str | None,
             candidate_ir: Path | None = None) -> Evaluation:
    if not plans:
        return Evaluation(verdicts, False, None, None, False, "no test plan for the changed functions")
    evidences = []
    static = None
    for function, plan in plans.items():
        ev = evaluate_candidate(ctx, plan, candidate_obj, formal=formal.get(function),
                                candidate_source=candidate_source, measure=False, fuzz=True, level=level,
                                candidate_ir=candidate_ir)
        static = static or ev.static       # the report shows the first function's numbers
        verdicts.extend(ev.verdicts)
        if not ev.correct or not ev.may_emit:
            why = ev.evidence.reason if ev.evidence is not None else ev.reason
            return Evaluation(verdicts, False, None, None, False, f"{function}: {why}", ev.evidence)
        evidences.append(f"{function}: {ev.evidence.reason}")
    evidence = Evidence(True, "proved" if all("proved" in e for e in evidences) else "tested",
                        "; ".join(evidences))
    margin = float(ctx.settings["measure.margin"])
    workdir = _difftest_dir(ctx)
    allow = bool(ctx.settings["verify.allow_unsandboxed"])
    comparisons = {}
    for function, plan in plans.items():
        comparison = _measure(ctx, plan, ctx.baseline_object, candidate_obj, workdir, allow)
        if isinstance(comparison, Fallback):
            return Evaluation(verdicts, True, None, None, False, f"not re-measured: {comparison}", evidence)
        if comparison.accepted and not comparison.deterministic:
            comparison = _at_second_placement(ctx, plan, candidate_obj, comparison, workdir, allow)
        comparisons[function] = comparison
    speedups = [_gate_speedup(c) for c in comparisons.values()]
    speedup = math.exp(sum(math.log(max(x, 1e-9)) for x in speedups) / len(speedups))
    no_loss = all(x >= 1 - margin for x in speedups)
    accepted = no_loss and any(c.accepted for c in comparisons.values())
    first = next(iter(comparisons.values()))
    shown = ", ".join(f"{f} {c.speedup:.3f}x" + (f" on {c.timed_on}" if c.timed_on else "")
                      + (f", {c.shifted_speedup:.3f}x with the code moved {PLACEMENT_SHIFT_BYTES} bytes"
                         if c.shifted_speedup is not None else "")
                      for f, c in comparisons.items())
    text = "accepted" if accepted else "rejected"
    return Evaluation(verdicts, True, first, speedup, accepted,
                      f"re-measured against the baseline: {text} ({shown}); evidence: {evidence.reason}",
                      evidence, static=static)


# The emission gate times an accepted candidate a second time with the TU's code moved by
# this many bytes (a padding object linked in front of each object, both sides alike). A
# small loop that straddles a 32/64-byte fetch boundary in one link can cost twice as much
# as in another: the zlib slide_hash rewrite of the corpus compiles to the very same vector
# loop as the original and still measured 2.4x faster in one link, from placement alone.
# The user's link puts the code anywhere: a real speedup holds at both placements.
PLACEMENT_SHIFT_BYTES = 32


def _at_second_placement(ctx: TUContext, plan: TestPlan, candidate_obj: Path, first, workdir: Path,
                         allow: bool):
    """``first`` (an accepted comparison), still accepted only if the candidate's speedup
    with both objects moved by ``PLACEMENT_SHIFT_BYTES`` also clears the margin (it goes to
    ``shifted_speedup``; the gate counts the smaller of the two). ``first`` already showed
    the gain is significant; the second timing asks whether it is the code's or the link's,
    so its median must clear the margin, without a second significance test (two of them
    would refuse most real gains near 1.1-1.2x on a loaded machine). When the moved objects
    cannot be made, ``first`` stands (placement is a question of how much faster, never of
    correctness; ``shifted_speedup`` stays None)."""
    shifted = [_shifted_object(ctx, obj, workdir) for obj in (ctx.baseline_object, candidate_obj)]
    failed = next((o for o in shifted if isinstance(o, Fallback)), None)
    second = failed or _measure(ctx, plan, shifted[0], shifted[1], workdir, allow)
    if isinstance(second, Fallback):
        log.warning("not re-timed at a second code placement: %s", second)
        return first
    first.shifted_speedup = second.speedup
    margin = float(ctx.settings["measure.margin"])
    if second.speedup < 1 + margin:
        first.accepted = False
        first.notes.append(f"not faster with the code moved {PLACEMENT_SHIFT_BYTES} bytes: "
                           f"{second.speedup:.3f}x (below the {margin:.0%} margin); "
                           f"{first.speedup:.3f}x before")
    return first


def _gate_speedup(comparison) -> float:
    """The smaller of the speedups at the two code placements (only one if not re-timed)."""
    if comparison.shifted_speedup is None:
        return comparison.speedup
    return min(comparison.speedup, comparison.shifted_speedup)


def _shifted_object(ctx: TUContext, obj: Path, workdir: Path) -> Path | Fallback:
    """``obj`` relinked (``-r``) behind ``PLACEMENT_SHIFT_BYTES`` of padding: the same code and
    data, every function ``PLACEMENT_SHIFT_BYTES`` further into .text. Cached by content."""
    from ..toolchain import QUIET_FLAGS

    pad = workdir / f"placement-pad-{PLACEMENT_SHIFT_BYTES}.o"
    if not pad.exists():
        asm = pad.with_suffix(".s")
        # int3 filler (never executed); the note keeps the stack non-executable.
        asm.write_text(f"\t.text\n\t.p2align 4\n\t.fill {PLACEMENT_SHIFT_BYTES},1,0xcc\n"
                       "\t.section .note.GNU-stack,\"\",@progbits\n")
        tmp = pad.with_name(f"{pad.name}.{_digest_of(asm)}.tmp")
        proc = subprocess.run([str(ctx.toolchain.clang), "-c", str(asm), "-o", str(tmp), *QUIET_FLAGS],
                              capture_output=True, timeout=120)
        if proc.returncode != 0:
            return Fallback("placement-pad-failed", proc.stderr.decode(errors="replace")[-300:])
        tmp.replace(pad)
    out = workdir / f"moved-{_digest_of(obj)}.o"
    if out.exists():
        return out
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    proc = subprocess.run([str(ctx.toolchain.clang), "-r", "-nostdlib", str(pad), str(obj), "-o", str(tmp),
                           *QUIET_FLAGS], capture_output=True, timeout=120)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        return Fallback("placement-link-failed", proc.stderr.decode(errors="replace")[-300:])
    tmp.replace(out)
    return out


def _digest_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


# --------------------------------------------------------------------------- measurement


def timing_inputs(plan: TestPlan) -> tuple[TestPlan, list]:
    """What candidates are timed on: (the plan whose harness runs them, the inputs).

    ACCLAIM's design: the testing agent's scale inputs measure performance, so a validated
    model-written generator's largest kept scale input is timed (it was written for the
    function's real workload; the built-in inputs only know the types). With none of its
    scale inputs left (all over budget, or none made), the built-in plan's largest scale
    input, with the built-in harness: never a tiny correctness input, whose cost is
    process start-up. Only a plan without any scale input times its last correctness input.
    Timing inputs never decide correctness: every input of every plan is compared anyway.
    The emission gate re-measures through this same choice, so it times the same inputs."""
    if plan.scale:
        return plan, plan.scale[-TIMED_SCALE_INPUTS:]
    builtin = getattr(plan, "builtin", None)
    if builtin is not None and builtin.scale:
        return builtin, builtin.scale[-TIMED_SCALE_INPUTS:]
    return plan, plan.correctness[-1:]


def _measure(ctx: TUContext, plan: TestPlan, reference_obj: Path, candidate_obj: Path,
             workdir: Path, allow: bool):
    """Compare costs of reference and candidate on the timed inputs (``timing_inputs``),
    per ``measure.mode``; the comparison's ``timed_on`` says which inputs were timed."""
    plan, timed = timing_inputs(plan)
    ref_exe = ensure_executable(ctx.toolchain, plan, reference_obj, workdir, "ref")
    cand_exe = ensure_executable(ctx.toolchain, plan, candidate_obj, workdir, "cand")
    if isinstance(ref_exe, Fallback) or isinstance(cand_exe, Fallback):
        return Fallback("measure-link-failed", str(ref_exe if isinstance(ref_exe, Fallback) else cand_exe))
    margin = float(ctx.settings["measure.margin"])
    comparison = _compare(ctx, plan, reference_obj, candidate_obj, ref_exe, cand_exe, timed, workdir, allow,
                          margin)
    comparison.timed_on = "; ".join(i.describe(plan.params()) for i in timed)
    return comparison


def _compare(ctx: TUContext, plan: TestPlan, reference_obj: Path, candidate_obj: Path, ref_exe: Path,
             cand_exe: Path, timed: list, workdir: Path, allow: bool, margin: float):
    """The comparison itself: instruction counts, or interleaved CPU-time runs."""
    from ..measure import timing

    if ctx.settings["measure.mode"] == "instructions":
        counts = [_instructions_per_call(ctx, plan, obj, timed, workdir, allow)
                  for obj in (reference_obj, candidate_obj)]
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


# The harness repeats a fast call until 20 ms of CPU time have passed, so a faster
# candidate runs *more* calls and, counted whole, more instructions. For counting, the
# harness is linked with a stand-in clock: "one" makes every reading a second later (the
# first call is never repeated), "many" makes the first four readings a nanosecond apart
# (the repetition loop runs 4 then 16 more calls) and the later ones a second apart. The
# difference of the two counts is exactly 20 calls of the function, with no start-up,
# input generation or output in it.
REPEATED_CALLS = 20
_FAKE_CLOCK = r"""
#include <time.h>
static long long llmcc_now_ns, llmcc_reads;
int clock_gettime(clockid_t id, struct timespec *ts) {
  (void)id;
  llmcc_reads++;
  llmcc_now_ns += (LLMCC_MANY && llmcc_reads <= 4) ? 1LL : 1000000000LL;
  ts->tv_sec = llmcc_now_ns / 1000000000LL;
  ts->tv_nsec = llmcc_now_ns % 1000000000LL;
  return 0;
}
"""


def _counting_executable(ctx: TUContext, plan: TestPlan, obj: Path, workdir: Path, many: bool) -> Path | None:
    """``obj`` linked with the plan's harness and a stand-in clock (see above)."""
    from ..toolchain import QUIET_FLAGS
    from .difftest import compile_harness, is_linked_executable

    if plan.mode != "function" or plan.harness_c is None or is_linked_executable(obj):
        return None
    clock_c = workdir / f"fake-clock-{int(many)}.c"
    clock_o = clock_c.with_suffix(".o")
    if not clock_o.exists():
        clock_c.write_text(_FAKE_CLOCK.replace("LLMCC_MANY", "1" if many else "0"))
        proc = subprocess.run([str(ctx.toolchain.clang), "-O1", "-c", str(clock_c), "-o", str(clock_o),
                               *QUIET_FLAGS], capture_output=True, timeout=120)
        if proc.returncode != 0:
            return None
    harness = compile_harness(ctx.toolchain, plan.harness_c)
    if isinstance(harness, Fallback):
        return None
    digest = hashlib.sha256(obj.read_bytes() + plan.cache_key().encode()).hexdigest()[:16]
    out = workdir / f"count-{digest}-{int(many)}.exe"
    if not out.exists():
        stubs = [str(plan.stub_object)] if plan.stub_object is not None else []
        proc = subprocess.run([str(ctx.toolchain.clang), str(harness), str(obj), *stubs, str(clock_o),
                               "-o", str(out), "-lm", *QUIET_FLAGS], capture_output=True, timeout=120)
        if proc.returncode != 0:
            return None
    return out


def _instructions_per_call(ctx: TUContext, plan: TestPlan, obj: Path, timed: list, workdir: Path,
                           allow: bool) -> float | None:
    """Instructions of one call of the function, summed over the timed inputs (see
    ``REPEATED_CALLS``). An input the harness never repeats (a batch of generated calls, or
    any run of a model-written generator, which never reads the clock) counts whole: both
    sides then run the same fixed work. Program mode and linked executables count the
    whole run. None if no counter is available."""
    one = _counting_executable(ctx, plan, obj, workdir, many=False)
    many = _counting_executable(ctx, plan, obj, workdir, many=True)
    if one is None or many is None:
        exe = ensure_executable(ctx.toolchain, plan, obj, workdir, "count")
        return None if isinstance(exe, Fallback) else _instructions(exe, timed, workdir, allow)
    total = 0.0
    for test_input in timed:
        if getattr(test_input, "batch", False) or "generator" in plan.detail:
            count = _instructions(one, [test_input], workdir, allow)
            if count is None:
                return None
            total += count
            continue
        counts = [_instructions(exe, [test_input], workdir, allow) for exe in (one, many)]
        if None in counts:
            return None
        total += max(0, counts[1] - counts[0]) / REPEATED_CALLS
    return total


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
