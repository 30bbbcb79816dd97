"""What happens to a candidate TU after its baseline object exists.

    score       features (plugin JSON from the baseline compile, else llvmlite) -> hot list
    budget      the build session admits the TU (best-scored TUs, seconds left) or says
                why not: below-build-rank / budget-exhausted (llmcc/session.py)
    context     unoptimized IR for the optimizers (frontend component)
    optimize    AutoPass pipeline tuning (no endpoint) or the guiding agent (endpoint)
    emit        a validated, measured-faster candidate replaces the baseline object

Returns an outcome name for ``llmcc stats`` or a ``Fallback``; never writes the object
unless a candidate was accepted. Called only from ``compile.optimize_or_fallback``.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..cache import atomic_copy
from ..config import Settings
from ..outcome import Fallback, NoWin
from ..toolchain import Toolchain
from .args import Invocation

TYPE_CHECKING = False   # not typing's: importing typing costs every compile start-up
if TYPE_CHECKING:   # the TU context is built only for hot TUs; keep it off the common path
    from ..tu import HotFunction, TUContext


def optimize_tu(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path, work: Path,
                features_json: Path | None, report: dict, *, deadline: float) -> str | Fallback:
    scored = score_tu(tc, settings, inv, cwd, work, features_json, report)
    if isinstance(scored, Fallback):
        return scored
    features, profile, hot = scored
    _report_hot(report, hot)
    if not hot:
        return "not_hot"
    mode = resolve_mode(settings)
    report["mode_resolved"] = mode
    # Open breaker, or nothing listening at the endpoint's address: skip the work that
    # only serves the model (remarks, context, test plans, the HTTP client's imports).
    from ..llm.breaker import endpoint_down, endpoint_unreachable
    if mode == "llm" and (why := endpoint_down(settings) or endpoint_unreachable(settings)):
        return Fallback("endpoint-unavailable", why)
    if mode == "score":
        return _score_only(tc, settings, inv, cwd, work, hot, deadline, features, profile, report)
    # The build-wide budget: only the build's best-scored TUs are optimized, each within
    # the seconds the build has left (llmcc/session.py).
    from ..session import BuildSession
    session = BuildSession.from_settings(settings, mode)
    admission = session.admit(_tu_id(inv), max(h.score for h in hot),
                              tu_deadline=max(0.0, deadline - time.monotonic()),
                              uses_model=mode == "llm")
    report["budget"] = {"granted_s": round(admission.granted, 3), "skipped": admission.reason,
                        "detail": admission.detail, "build": session.build}
    if not admission.admitted:
        return Fallback(admission.reason, admission.detail)
    started = time.monotonic()
    budget_deadline = started + admission.granted
    effective = min(deadline, budget_deadline)
    try:
        result = _optimize_admitted(tc, settings, inv, cwd, work, hot, features, profile, report,
                                    mode, effective)
    finally:
        calls = int((report.get("llm_usage") or {}).get("requests", 0) or 0)
        session.finish(admission, time.monotonic() - started, calls)
    if not isinstance(result, Fallback) and result != "optimized" and time.monotonic() > effective:
        if budget_deadline < deadline:
            return Fallback("budget-exhausted", "the build's budget ran out while optimizing this TU")
        return Fallback("deadline", "optimizing took longer than tu_deadline")
    return result


def _tu_id(inv: Invocation) -> str:
    """The TU as the session ranks it: its source and codegen flags (a -fPIC variant of
    the same file is another TU)."""
    return f"{inv.source} {' '.join(inv.codegen_flags)}"


def _score_only(tc, settings, inv, cwd, work, hot, deadline, features, profile, report) -> str | Fallback:
    """mode=score: rank with remarks and report; nothing is tuned (no budget needed)."""
    ctx = make_context(tc, settings, inv, cwd, work, hot, deadline, report=report)
    if isinstance(ctx, Fallback):
        return ctx
    ctx.hot_functions = rescore_with_remarks(ctx, features, profile, report)
    _report_hot(report, ctx.hot_functions)
    return "scored"


def _optimize_admitted(tc, settings, inv, cwd, work, hot, features, profile, report: dict,
                       mode: str, deadline: float) -> str | Fallback:
    """Context, remarks, then the optimizer for ``mode``; emits an accepted candidate.
    The optimizers write their sections (pipeline rounds, agent traces, usage) into the
    TU's one report through ``ctx.report``; what was decided is written here from the
    candidate / NoWin / Fallback they return."""
    ctx = make_context(tc, settings, inv, cwd, work, hot, deadline, report=report)
    if isinstance(ctx, Fallback):
        return ctx
    # Remarks cost an extra optimizer run, so only TUs that passed the cheap feature
    # filter and the build's budget pay for them; they refine the ranking and seed the
    # pipeline policy.
    ctx.hot_functions = rescore_with_remarks(ctx, features, profile, report)
    _report_hot(report, ctx.hot_functions)
    if not ctx.hot_functions:
        return "scored"
    if mode == "llm":
        candidate = _run_agents(ctx)
    else:
        from ..pipeline.tune import tune
        candidate = tune(ctx, policy="greedy", deadline=deadline)
    if isinstance(candidate, Fallback):
        return candidate
    if isinstance(candidate, NoWin) or candidate is None:
        if isinstance(candidate, NoWin):
            report["no_win"] = {"reason": candidate.reason, "detail": candidate.detail}
        return "no_improvement"
    if time.monotonic() > deadline:
        report["no_win"] = {"reason": "deadline", "detail": "a candidate came after the deadline"}
        return "no_improvement"     # the caller names which deadline ran out
    atomic_copy(candidate.object_path, cwd / inv.output)
    report["emitted"] = {"origin": candidate.origin, "speedup": candidate.speedup,
                         "verdicts": candidate.verdicts, "detail": candidate.detail}
    return "optimized"


def _report_hot(report: dict, hot: list[HotFunction]) -> None:
    report["hot_functions"] = [{"name": h.name, "score": h.score, "evidence": h.evidence} for h in hot]


def resolve_mode(settings: Settings) -> str:
    mode = settings["mode"]
    if mode == "auto":
        return "llm" if settings["llm.backend"] != "none" else "pipeline"
    return mode


def score_tu(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path, work: Path,
             features_json: Path | None, report: dict):
    """Rank the TU's functions: (features, profile, hot list) or a Fallback. The plugin's
    JSON comes free with the baseline compile; without the plugin, the optimized IR is
    rebuilt and analysed with llvmlite."""
    from ..hotspots import features as feat, score
    if features_json is not None:
        features = feat.load_plugin_features(features_json)
        report["features_from"] = "plugin"
    else:
        ir = _optimized_ir(tc, settings, inv, cwd, work)
        if isinstance(ir, Fallback):
            return ir
        features = feat.extract_features_llvmlite(ir.read_text())
        report["features_from"] = "llvmlite"
    profile = None
    if settings["hotspots.profile"]:
        from ..hotspots.profile import load_profile
        profile = load_profile(Path(settings["hotspots.profile"]), tc)
        if isinstance(profile, Fallback):
            return profile
    hot = score.score_functions(features, None, profile, top_k=settings["hotspots.top_k"],
                                threshold=settings["hotspots.threshold"])
    return features, profile, hot


def rescore_with_remarks(ctx: TUContext, features, profile, report: dict) -> list[HotFunction]:
    from ..hotspots import remarks as rem, score
    out = rem.collect_remarks(ctx.compiler, ctx.unoptimized_ir, ctx.workdir / "remarks.yaml")
    if isinstance(out, Fallback):
        report["remarks"] = {"error": str(out)}
        return ctx.hot_functions
    summaries = rem.summarize_remarks(out)
    report["remarks"] = {"functions": len(summaries)}
    return score.score_functions(features, summaries, profile, top_k=ctx.settings["hotspots.top_k"],
                                 threshold=ctx.settings["hotspots.threshold"])


def _optimized_ir(tc, settings, inv, cwd, work) -> Path | Fallback:
    from ..tu import compile_service
    compiler = compile_service(tc, settings, inv.codegen_flags, inv.opt_level, cwd)
    fe = compiler.frontend(inv.source, work / "score.bc")
    if isinstance(fe, Fallback):
        return fe
    me = compiler.middle_end(fe.output, work / "score.ll", emit_text=True)
    return me if isinstance(me, Fallback) else me.output


def make_context(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path, work: Path,
                 hot: list[HotFunction], deadline: float, *, report: dict | None = None) -> TUContext | Fallback:
    """The optimizers' view of the TU; the unoptimized IR comes from the frontend
    component run under the user's cwd and source name (so __FILE__ / debug info match).
    ``report``: the TU's report dict, shared as ``ctx.report`` (a fresh one if None)."""
    opt_dir = work / "opt"
    opt_dir.mkdir(exist_ok=True)
    from ..tu import TUContext, compile_service
    fe = compile_service(tc, settings, inv.codegen_flags, inv.opt_level, cwd).frontend(inv.source, opt_dir / "tu.bc")
    if isinstance(fe, Fallback):
        return fe
    has_main = any(h.name == "main" for h in hot) or defines_main(cwd / inv.output)
    return TUContext(source=inv.source, cwd=cwd, flags=inv.codegen_flags, opt_level=inv.opt_level,
                     toolchain=tc, settings=settings, workdir=opt_dir,
                     baseline_object=_keep_copy(cwd / inv.output, opt_dir / "baseline.o"),
                     unoptimized_ir=fe.output, hot_functions=hot, has_main=has_main,
                     deadline=deadline, report={} if report is None else report)


def _keep_copy(src: Path, dest: Path) -> Path:
    dest.write_bytes(src.read_bytes())
    return dest


def defines_main(obj: Path) -> bool:
    from elftools.elf.elffile import ELFFile
    with open(obj, "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        if symtab is None:
            return False
        return any(s.name == "main" and s["st_shndx"] != "SHN_UNDEF" for s in symtab.iter_symbols())


def _run_agents(ctx: TUContext):
    from ..agents.guiding import run_guiding_agent
    from ..llm.client import make_client
    client = make_client(ctx.settings, deadline=ctx.deadline)
    if client is None:
        return Fallback("llm-unconfigured", "mode=llm but llm.backend is none")
    try:
        found = run_guiding_agent(ctx, client)
    finally:
        ctx.report.setdefault("llm_usage", client.usage.to_json())
    if found is None or isinstance(found, Fallback):
        if client.unavailable:      # a dead endpoint: a fallback of its own
            return Fallback("endpoint-unavailable", client.unavailable)
    return found    # a candidate, None (no win), or the guide's crash (guide-internal-error)
