"""The AutoPass tuning loop: propose, repair, validate, build, evaluate, accept or roll back.

``tune_pipeline`` orchestrates one TU, top to bottom::

    unoptimized IR -> -O3 pipeline text (opt -print-pipeline-passes) -> test plan
    for each round:  policy proposes <= pipeline.candidates edit lists (on top of the best)
        per proposal: repair -> validate edits -> apply -> opt -verify-each (deadline)
                      -> backend -> evaluate_candidate vs the best so far
                      -> accepted: new best; otherwise rolled back
    final:           the best pipeline is re-measured against the -O3 object and returned
                     only if that comparison is accepted (beats -O3 by measure.margin)

Every candidate, failed or not, becomes an entry in ``ctx.report["pipeline"]["rounds"]``.
Knobs (cl::opt) are process-global: they apply to every function of the TU in that opt
run; the report says so (``knob_scope``).
"""
from __future__ import annotations

import logging
import math
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from ..outcome import Fallback, NoWin
from ..tu import Candidate, TUContext
from .cpu import retune
from .model import EditError, EditSpace, PipelineConfig, apply_edits, parse_pipeline
from .policy import GreedyPolicy, Policy, Proposal, RandomPolicy, TuningState, extract_signals
from .repair import RepairError, repair_edits
from .validate import changed_functions, validate_edits, validate_with_opt

logger = logging.getLogger(__name__)

KNOB_SCOPE = "whole TU: cl::opt knobs are process-global in the opt run"

Evaluator = Callable[..., Any]
PlanBuilder = Callable[..., Any]


def tune_pipeline(ctx: TUContext, policy: str = "greedy", client: Any = None, *,
                  deadline: float | None = None, evaluator: Evaluator | None = None,
                  plan_builder: PlanBuilder | None = None) -> Candidate | None:
    """Tune the pass pipeline of one TU; the best measured-faster candidate or None
    (for callers that only need the candidate, like the guiding agent's tool)."""
    out = tune(ctx, policy, client, deadline=deadline, evaluator=evaluator, plan_builder=plan_builder)
    return out if isinstance(out, Candidate) else None


def tune(ctx: TUContext, policy: str = "greedy", client: Any = None, *,
         deadline: float | None = None, evaluator: Evaluator | None = None,
         plan_builder: PlanBuilder | None = None) -> Candidate | NoWin | Fallback:
    """Tune the pass pipeline of one TU: the measured-faster candidate, a ``NoWin`` with
    its reason (nothing beat -O3, untestable, out of time), or ``Fallback("pipeline-error")``
    for an internal error. Never raises; every step is also recorded in
    ``ctx.report["pipeline"]``. ``evaluator``/``plan_builder`` default to
    ``llmcc.verify.evaluate``'s ``evaluate_candidate``/``build_test_plan``."""
    report = ctx.report.setdefault("pipeline", {})
    report.update({"policy": policy, "knob_scope": KNOB_SCOPE, "rounds": [], "result": None})
    try:
        found = _tune(ctx, policy, client, report, deadline, evaluator, plan_builder)
    except Exception as e:  # the tuner must never break a build
        logger.exception("pipeline tuning failed")
        detail = f"internal error: {type(e).__name__}: {e}"
        report["result"] = {"decision": "error", "reason": detail}
        return Fallback("pipeline-error", detail)
    if found is not None:
        return found
    result = report.get("result") or {}
    return NoWin(str(result.get("decision", "baseline")), str(result.get("reason", "")))


def _tune(ctx: TUContext, policy_name: str, client: Any, report: dict[str, Any],
          deadline: float | None, evaluator: Evaluator | None,
          plan_builder: PlanBuilder | None) -> Candidate | None:
    settings = ctx.settings
    if deadline is None:
        deadline = getattr(ctx, "deadline", None) or time.monotonic() + settings["tu_deadline"]
    if evaluator is None or plan_builder is None:
        from ..verify import evaluate as evaluate_module
        evaluator = evaluator or evaluate_module.evaluate_candidate
        plan_builder = plan_builder or evaluate_module.build_test_plan
    if policy_name == "llm" and client is None:
        from ..llm.client import make_client
        client = make_client(settings, deadline=deadline)
    policy = make_policy(policy_name, client)
    ir = ensure_unoptimized_ir(ctx)
    if isinstance(ir, Fallback):
        return _give_up(report, ir)
    base = default_pipeline(ctx, ir)
    if isinstance(base, Fallback):
        return _give_up(report, base)
    report["base_pipeline"] = base.text
    # Test plans compile and run harnesses: the costliest set-up step. A TU whose budget
    # is already spent stops here instead of overrunning the build's budget.
    if time.monotonic() > deadline:
        return _give_up(report, Fallback("deadline", "no time left for test plans"))
    plan = _test_plans(ctx, plan_builder, deadline)
    if isinstance(plan, Fallback):
        return _give_up(report, plan)
    loop = _Loop(ctx, ir, base, plan, policy, evaluator, report, deadline)
    try:
        return loop.run()
    finally:
        _record_llm_usage(client, report)


def make_policy(name: str, client: Any = None) -> Policy:
    """``greedy``, ``random`` or ``llm`` (needs a client). ValueError for anything else.
    (Here, not in policy.py: the LLM policy builds on policy.py's types, so the factory
    that knows all three lives with their one user.)"""
    if name == "greedy":
        return GreedyPolicy()
    if name == "random":
        return RandomPolicy()
    if name == "llm":
        from .llm_policy import LLMPipelinePolicy
        return LLMPipelinePolicy(client)
    raise ValueError(f"unknown pipeline policy {name!r}")


MAX_TESTED_FUNCTIONS = 4


class PlanSet:
    """Test plans for several hot functions of a library TU. Pipeline knobs act on the
    whole TU, so every function a candidate changes must be tested: candidates may change
    the functions that have a plan here, and each changed one is tested and timed."""

    mode = "function-set"
    function = None

    def __init__(self, plans: dict[str, Any], skipped: dict[str, str]) -> None:
        self.plans = plans          # function -> its TestPlan
        self.skipped = skipped      # function -> why it has no plan

    def functions(self) -> set[str]:
        return set(self.plans)


class SetEvaluation:
    """Several functions' evaluations as one: correct if all are; accepted if all are
    correct, at least one is accepted, and none is slower by more than the margin (a win
    in one function may not be paid for by a loss in another); speedup is their geomean."""

    def __init__(self, parts: dict[str, Any], margin: float) -> None:
        self.parts = parts
        self.verdicts = [v for e in parts.values() for v in getattr(e, "verdicts", [])]
        self.correct = bool(parts) and all(getattr(e, "correct", False) for e in parts.values())
        speedups = [e.speedup for e in parts.values() if getattr(e, "speedup", None)]
        self.speedup = math.prod(speedups) ** (1 / len(speedups)) if speedups else None
        no_loss = all((e.speedup or 1.0) >= 1 - margin for e in parts.values())
        self.accepted = self.correct and no_loss and any(getattr(e, "accepted", False) for e in parts.values())
        self.reason = "; ".join(f"{f}: {getattr(e, 'reason', '')}" for f, e in parts.items())

    def to_json(self) -> dict[str, Any]:
        return {"correct": self.correct, "accepted": self.accepted, "speedup": self.speedup,
                "reason": self.reason, "functions": {f: _evaluation_json(e) for f, e in self.parts.items()}}


def _test_plans(ctx: TUContext, plan_builder: PlanBuilder, deadline: float | None = None) -> Any:
    """One program-mode plan when the TU has main; else function plans for up to
    MAX_TESTED_FUNCTIONS hot functions (a Fallback if none of them can be tested)."""
    if ctx.has_main or not ctx.hot_functions:
        return plan_builder(ctx, None, seed=0)
    plans: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    first_failure: Fallback | None = None
    for hot in ctx.hot_functions[:MAX_TESTED_FUNCTIONS]:
        if plans and deadline is not None and time.monotonic() > deadline:
            skipped[hot.name] = "deadline: no time left for another test plan"
            continue
        plan = plan_builder(ctx, hot.name, seed=0)
        if isinstance(plan, Fallback):
            skipped[hot.name] = str(plan)
            first_failure = first_failure or plan
        else:
            plans[hot.name] = plan
    if not plans:
        return first_failure or Fallback("untestable", "no hot function could be tested")
    return PlanSet(plans, skipped)


def _record_llm_usage(client: Any, report: dict[str, Any]) -> None:
    """Tokens and cost of the LLM policy, when the client keeps totals."""
    usage = getattr(client, "usage", None)
    if usage is None:
        return
    import dataclasses
    if dataclasses.is_dataclass(usage):
        report["llm_usage"] = dataclasses.asdict(usage)


def _give_up(report: dict[str, Any], fallback: Fallback) -> None:
    report["result"] = {"decision": "gave-up", "reason": str(fallback)}
    return None


def ensure_unoptimized_ir(ctx: TUContext) -> Path | Fallback:
    """The TU's frontend output (made once and stored in ``ctx.unoptimized_ir``)."""
    if ctx.unoptimized_ir is not None and Path(ctx.unoptimized_ir).is_file():
        return Path(ctx.unoptimized_ir)
    out = ctx.workdir / "pipeline-input.bc"
    result = ctx.compiler.frontend(ctx.source, out)
    if isinstance(result, Fallback):
        return result
    ctx.unoptimized_ir = out
    return out


def default_pipeline(ctx: TUContext, ir: Path) -> PipelineConfig | Fallback:
    """The exact pipeline ``default<On>`` expands to for this TU's IR, as a tree."""
    argv = [str(ctx.toolchain.tool("opt")), f"-passes={ctx.pipeline}", "-print-pipeline-passes",
            "-disable-output", str(ir)]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=ctx.stage_timeout())
    except (OSError, subprocess.TimeoutExpired) as e:
        return Fallback("pipeline-unavailable", str(e))
    if proc.returncode != 0:
        return Fallback("pipeline-unavailable", proc.stderr[-500:])
    text = proc.stdout.strip()
    return PipelineConfig(parse_pipeline(text))


def edit_space(ctx: TUContext) -> EditSpace:
    """Allowed edits: FP-changing knobs per setting; CPUs only those the user's flags name."""
    cpus: list[str] = []
    for flag in ctx.flags:
        for prefix in ("-march=", "-mcpu=", "-mtune="):
            if flag.startswith(prefix):
                cpu = flag[len(prefix):]
                if cpu and cpu != "native" and cpu not in cpus:
                    cpus.append(cpu)
    return EditSpace(allow_fp_reassoc=bool(ctx.settings["pipeline.allow_fp_reassoc"]),
                     allowed_cpus=tuple(cpus))


def describe_target(ctx: TUContext) -> str:
    """The target as the user's flags set it (for the LLM prompt); x86-64 default otherwise."""
    target_flags = [f for f in ctx.flags if f.startswith(("-march=", "-mcpu=", "-mtune=", "--target=",
                                                          "-target", "-m"))]
    return " ".join(target_flags) or "default x86-64 (no -march/-mcpu/-mtune given)"


class _Loop:
    """State of one tuning run (the best so far, what was tried) and its steps."""

    def __init__(self, ctx: TUContext, ir: Path, base: PipelineConfig, plan: Any, policy: Policy,
                 evaluator: Evaluator, report: dict[str, Any], deadline: float) -> None:
        self.ctx, self.ir, self.base, self.plan = ctx, ir, base, plan
        self.policy, self.evaluate, self.report, self.deadline = policy, evaluator, report, deadline
        self.space = edit_space(ctx)
        self.best_obj: Path | None = None         # None: the -O3 baseline is the best
        self.best_edits: list[dict[str, Any]] = []
        self.best_config = base
        self.seen: set[str] = set()
        self.state = TuningState(signals=extract_signals(ctx.hot_functions), space=self.space,
                                 best_edits=[], history=[], seed=0,
                                 pipeline_text=base.text, target=describe_target(ctx),
                                 hot_functions=list(ctx.hot_functions))
        report["evidence"] = self.state.signals.to_json()
        # Knobs and passes act on the whole TU, but a function-mode plan tests one function:
        # a candidate that changes any other function is refused (it would ship untested).
        if isinstance(plan, PlanSet):
            self.tested: set[str] | None = plan.functions()
        elif getattr(plan, "mode", "") == "function":
            self.tested = {plan.function}
        else:
            self.tested = None      # program mode: the whole TU is exercised
        self.reference_ir: Path | None = None
        self.changed: dict[Path, set[str]] = {}    # candidate object -> functions it changed
        report["tested"] = {"mode": getattr(plan, "mode", None),
                            "functions": sorted(self.tested) if self.tested else None,
                            "untestable": getattr(plan, "skipped", {})}

    def run(self) -> Candidate | None:
        """All rounds, then the final comparison against -O3."""
        settings = self.ctx.settings
        for round_index in range(settings["pipeline.rounds"]):
            if time.monotonic() > self.deadline:
                self.report["stopped"] = "deadline"
                break
            self._round(round_index, settings["pipeline.candidates"])
        return self._finish()

    def _round(self, round_index: int, k: int) -> None:
        entry: dict[str, Any] = {"round": round_index, "candidates": [], "best_before": list(self.best_edits)}
        self.report["rounds"].append(entry)
        self.state.best_edits = list(self.best_edits)
        try:
            proposals = self.policy.propose(self.state, k)[:k]
        except Exception as e:  # a policy bug must not end the build; record and go on
            logger.exception("policy %s failed", self.policy.name)
            entry["error"] = f"policy failed: {type(e).__name__}: {e}"
            return
        for index, proposal in enumerate(proposals):
            if time.monotonic() > self.deadline:
                entry["stopped"] = "deadline"
                break
            record = self._try(proposal, f"r{round_index}c{index}")
            entry["candidates"].append(record)
            self.state.history.append(record)
            if proposal.name:
                self.state.tried.add(proposal.name)
        entry["best_after"] = list(self.best_edits)

    def _try(self, proposal: Proposal, tag: str) -> dict[str, Any]:
        record: dict[str, Any] = {"name": proposal.name, "edits": proposal.edits,
                                  "rationale": proposal.rationale, "evidence": proposal.evidence}
        if proposal.raw:
            record["reply"] = proposal.raw[:2000]
        if proposal.error:
            return _failed(record, "malformed", proposal.error)
        built = self._build(proposal, tag, record)
        if isinstance(built, str):
            return record
        # Static pre-filter: many knob settings change nothing in the emitted code, and an
        # identical object cannot be faster; skip its differential tests and timing.
        from ..verify.objcheck import same_code
        if same_code(built, self.best_obj or self.ctx.baseline_object):
            return _failed(record, "no-change", "same code as the best object so far")
        try:
            evaluation = self._evaluate(built, self.best_obj)
        except Exception as e:  # the evaluator promises not to raise; one bad call ends only this candidate
            logger.exception("evaluating %s failed", built)
            return _failed(record, "evaluation-error", f"{type(e).__name__}: {e}")
        record["evaluation"] = _evaluation_json(evaluation)
        if getattr(evaluation, "accepted", False) and getattr(evaluation, "correct", False):
            record["decision"] = "accepted"
            self.best_obj, self.best_edits = built, record["edits"]
        else:
            record["decision"] = "rolled-back"
            record["reason"] = getattr(evaluation, "reason", "") or "not faster than the best so far"
        return record

    def _build(self, proposal: Proposal, tag: str, record: dict[str, Any]) -> Path | str:
        """Repair, validate and compile one proposal; an object, or a failure (recorded)."""
        try:
            edits, notes = repair_edits(proposal.edits)
        except RepairError as e:
            return _fail(record, "repair-rejected", str(e))
        record["edits"], record["repairs"] = edits, notes
        problem = validate_edits(edits, self.space)
        if problem:
            return _fail(record, "invalid", problem)
        try:
            config = apply_edits(self.base, edits)
        except EditError as e:
            return _fail(record, "invalid", str(e))
        # The full pipeline text is in the report once (base_pipeline); a candidate keeps it
        # only when its edits changed the passes.
        record["config"] = {k: v for k, v in config.to_json().items()
                            if k != "passes" or v != self.base.text}
        key = config.text + " " + " ".join(config.opt_args()) + f" cpu={config.cpu}"
        if key in self.seen or (not edits):
            return _fail(record, "duplicate", "same pipeline and knobs as an earlier candidate")
        self.seen.add(key)
        timeout = self.ctx.stage_timeout(self.deadline)
        ir_in, retuned = self.ir, []
        if config.cpu:
            try:
                ir_in, retuned = self._retuned_ir(config.cpu, tag, timeout)
            except (OSError, ValueError, subprocess.SubprocessError) as e:
                return _fail(record, "invalid", f"set_cpu: {e}")
            record["retuned"] = retuned
        ir_out = self.ctx.workdir / f"pipeline-{tag}.bc"
        validation = validate_with_opt(self.ctx.toolchain, config, ir_in, ir_out, timeout=timeout,
                                       flags=self.ctx.flags)
        if not validation.ok:
            return _fail(record, "invalid", validation.reason)
        # A retuned function's IR may come out of opt unchanged while its machine code
        # does not (the backend schedules for the new CPU): it counts as changed.
        changed = self._changed_functions(ir_out) | (set(retuned) if self.tested is not None else set())
        untested = changed - self.tested if self.tested is not None else set()
        if untested:
            return _fail(record, "untested-change",
                         "changes functions the tests do not cover: " + ", ".join(sorted(untested)[:10]))
        obj = self.ctx.workdir / f"pipeline-{tag}.o"
        self.changed[obj] = changed
        result = self.ctx.compiler.backend(ir_out, obj, deadline=self.deadline)
        if isinstance(result, Fallback):
            return _fail(record, "build-failed", str(result))
        return obj

    def _evaluate(self, obj: Path, best_so_far: Path | None) -> Any:
        """Evaluate with the single plan, or (PlanSet) every tested function the candidate
        changed; the best so far, if any, changed functions that must be timed too."""
        if not isinstance(self.plan, PlanSet):
            return self.evaluate(self.ctx, self.plan, obj, best_so_far=best_so_far)
        touched = self.changed.get(obj, set()) | (self.changed.get(best_so_far, set()) if best_so_far else set())
        functions = sorted(touched & self.plan.functions()) or sorted(self.plan.functions())[:1]
        parts = {f: self.evaluate(self.ctx, self.plan.plans[f], obj, best_so_far=best_so_far) for f in functions}
        return SetEvaluation(parts, self.ctx.settings["measure.margin"])

    def _retuned_ir(self, cpu: str, tag: str, timeout: float) -> tuple[Path, list[str]]:
        """The TU's IR with ``"tune-cpu"`` set on the tested functions (all of them in
        program mode), as a text file for opt (``llmcc.pipeline.cpu``)."""
        text = subprocess.run([str(self.ctx.toolchain.tool("llvm-dis")), str(self.ir), "-o", "-"],
                              capture_output=True, text=True, timeout=timeout, check=True).stdout
        retuned_text, retuned = retune(text, cpu, self.tested)
        if not retuned:
            raise ValueError("no tested function to retune")
        out = self.ctx.workdir / f"pipeline-{tag}-tuned.ll"
        out.write_text(retuned_text)
        return out, retuned

    def _changed_functions(self, candidate_ir: Path) -> set[str]:
        """Functions whose optimized IR the candidate changed, compared with the unedited
        pipeline's output (program mode: not needed, everything is exercised)."""
        if self.tested is None:
            return set()
        if self.reference_ir is None:
            reference = self.ctx.workdir / "pipeline-reference.bc"
            built = validate_with_opt(self.ctx.toolchain, self.base, self.ir, reference,
                                      timeout=self.ctx.stage_timeout(self.deadline), flags=self.ctx.flags)
            if not built.ok:
                return {"<reference build failed>"}
            self.reference_ir = reference
        return set(changed_functions(self.ctx.toolchain, self.reference_ir, candidate_ir))

    def _finish(self) -> Candidate | None:
        """Re-measure the best against the -O3 object; emit only if that is accepted."""
        result: dict[str, Any] = {"best_edits": self.best_edits}
        self.report["result"] = result
        if self.best_obj is None:
            result.update(decision="baseline", reason="no candidate beat -O3")
            return None
        # The one emission gate: the evidence rule (fuzz budget included) against the
        # baseline for every tested function, then fresh interleaved runs.
        from ..verify.evaluate import confirm_for_emission
        plans = self.plan.plans if isinstance(self.plan, PlanSet) else {self.plan.function or "program": self.plan}
        final = confirm_for_emission(self.ctx, plans, self.best_obj)
        result["final_evaluation"] = _evaluation_json(final)
        speedup = getattr(final, "speedup", None)
        margin = self.ctx.settings["measure.margin"]
        if not (getattr(final, "accepted", False) and getattr(final, "correct", False)
                and speedup is not None and speedup > 1.0 + margin):
            result.update(decision="baseline", reason=f"best candidate does not beat -O3 by {margin:.0%} "
                                                      f"in the final comparison (speedup {speedup})")
            return None
        config = apply_edits(self.base, self.best_edits)
        result.update(decision="emit", speedup=speedup, config=config.to_json())
        verdicts = [v.to_json() if hasattr(v, "to_json") else v for v in getattr(final, "verdicts", [])]
        return Candidate(object_path=self.best_obj, origin="pipeline", speedup=float(speedup),
                         verdicts=verdicts, detail={"edits": self.best_edits, **config.to_json(),
                                                    "knob_scope": KNOB_SCOPE})


def _fail(record: dict[str, Any], decision: str, reason: str) -> str:
    _failed(record, decision, reason)
    return decision


def _failed(record: dict[str, Any], decision: str, reason: str) -> dict[str, Any]:
    record["decision"], record["reason"] = decision, reason
    return record


def _evaluation_json(evaluation: Any) -> dict[str, Any]:
    if hasattr(evaluation, "to_json"):
        try:
            return evaluation.to_json()
        except Exception as e:  # a report must not fail the run
            return {"error": f"to_json failed: {e}"}
    return {"speedup": getattr(evaluation, "speedup", None),
            "accepted": getattr(evaluation, "accepted", None), "reason": getattr(evaluation, "reason", "")}
