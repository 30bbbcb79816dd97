"""One tune session, top to bottom (``run_session``); see the package docstring for the flow.

Trees under the work directory: ``pristine`` (the project as it was), ``plain`` (built by
clang through llmcc in mode off: the reference), ``instr`` (instrumented), ``best`` (the
best build so far) and ``cand`` (a copy of best with one candidate applied). Each
candidate is judged by the user's own commands, run in those trees.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decisions import DEFAULT_NAME, write_decisions
from .record import ROOT_TOKEN, read_records, sha256_file
from .workload import CommandResult, compare_trees, run_command

TUNE_ENV = ("LLMCC_TUNE_RECORD", "LLMCC_TUNE_ROOT", "LLMCC_TUNE_INSTRUMENT", "LLMCC_TUNE_APPLIED",
            "LLMCC_DECISIONS")


# Acceptance margins. Timing on shared cores varies by up to ~7% between runs of one binary,
# so a timed win must clear 2% on top of the significance rule. Callgrind's count of a run
# is the same on every run of the same binary and input (measured here: identical counts
# over repeated runs), so no margin is needed against noise; 0.5% remains because fewer
# instructions is only a proxy for less time (a candidate that saves 0.1% of the
# instructions can still lose on cache misses or a longer dependency chain).
TIME_MARGIN = 0.02
INSTRUCTIONS_MARGIN = 0.005


def default_margin(measure: str) -> float:
    """The acceptance margin for a measure ("time" or "instructions"); see above."""
    return INSTRUCTIONS_MARGIN if measure == "instructions" else TIME_MARGIN


class TuneError(Exception):
    """The session cannot go on (the build or check fails on the plain tree, ...)."""


@dataclass
class TuneOptions:
    build: str
    run: str
    check: str | None = None
    minutes: float = 10.0
    decisions: Path = Path(DEFAULT_NAME)
    measure: str = "time"            # "time" | "instructions"
    margin: float = 0.02
    pairs: int = 5
    clean: str | None = None
    project: Path = Path(".")
    workdir: Path | None = None
    max_tus: int = 3
    pipeline_candidates: int = 4
    llm_candidates: int = 2        # LLM pipeline proposals per hot TU (with an endpoint)
    llm_rewrites: int = 1          # hottest functions per hot TU given to the level agents
    rewrite_levels: tuple[str, ...] = ("source", "ir", "asm")   # tried in this order until one is accepted


@dataclass
class Progress:
    """Progress lines on stderr: what is tried, budget left, best speedup so far."""

    start: float
    deadline: float
    stream: Any = sys.stderr
    best: float = 1.0

    def say(self, text: str) -> None:
        now = time.monotonic()
        left = max(0.0, self.deadline - now)
        self.stream.write(f"[tune {_mmss(now - self.start)} | {_mmss(left)} left | best {self.best:.3f}x] {text}\n")
        self.stream.flush()


def _mmss(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


@dataclass
class State:
    """What the session knows: trees, records, the baseline's output, accepted decisions."""

    opts: TuneOptions
    work: Path
    env: dict
    records: list[dict] = field(default_factory=list)
    baseline_run: CommandResult | None = None
    baseline_check: CommandResult | None = None
    profdata: Path | None = None
    profile_ref: dict | None = None
    accepted: dict[str, dict] = field(default_factory=dict)     # source -> transform
    evidence: dict[str, dict] = field(default_factory=dict)     # source -> evidence
    tried: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    tu_shares: list = field(default_factory=list)               # (TU, share, functions)
    llm_client: Any = None                                      # the LLM pipeline policy's client, if any
    build_seconds: float = 0.0
    candidate_seconds: float = 0.0

    @property
    def best(self) -> Path:
        return self.work / "best"

    @property
    def cand(self) -> Path:
        return self.work / "cand"


def run_session(opts: TuneOptions, stream=sys.stderr) -> dict:
    """Run a whole session; returns its summary (also stored in the decisions file)."""
    import tempfile
    start = time.monotonic()
    progress = Progress(start, start + opts.minutes * 60, stream)
    opts.project = opts.project.resolve()
    work = Path(opts.workdir or tempfile.mkdtemp(prefix="llmcc-tune-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    # Every command of the session (build, check, run) sees llmcc in mode off: compiles
    # are clang's or a decision's, never decided in the build by timing noise or a model.
    env = {**{k: v for k, v in os.environ.items() if k not in TUNE_ENV}, "LLMCC_MODE": "off"}
    st = State(opts, work, env)
    progress.say(f"work directory {work}")
    st.llm_client = _llm_client(progress)
    _prepare_trees(st, progress)
    _profile(st, progress)
    hot = _hot_tus(st, progress)
    # First, clang's PGO for every TU the workload ran: tune starts where PGO ends.
    profiled = {src: {"profile": st.profile_ref, "pipeline": None} for src, _, _ in _profiled_tus(st)}
    if profiled and _time_left(st, progress):
        _try(st, progress, "whole build", f"profile of {len(profiled)} TU(s)", profiled)
    for source, share, functions in hot:
        _tune_tu(st, progress, source, share, functions)
    summary = _finish(st, progress, hot)
    progress.say(f"done: {len(st.accepted)} TU decision(s) accepted; decisions in {opts.decisions}")
    if opts.workdir is None:     # a failed session keeps its trees and logs for the user
        shutil.rmtree(work, ignore_errors=True)
    return summary


def _llm_client(progress: Progress):
    """The configured endpoint's client (llm.backend), or None: then only the profile and
    the non-LLM policy's pipeline edits are tried; with it, also the LLM pipeline policy
    and source / IR rewrites of the hottest functions."""
    from ..config import load_settings
    from ..llm.client import make_client
    client = make_client(load_settings(), deadline=progress.deadline)
    progress.say("LLM pipeline edits and source/IR rewrites: "
                 + ("on (endpoint configured)" if client else "off (no endpoint configured)"))
    return client


# --------------------------------------------------------------------------- trees


def _copy_tree(src: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    subprocess.run(["cp", "-a", f"{src}/.", str(dest)], check=True)


def _build(st: State, tree: Path, extra_env: dict, what: str, timeout: float | None = None) -> CommandResult:
    env = {**st.env, "LLMCC_MODE": "off", **extra_env}
    return run_command(st.opts.build, tree, env, log=st.work / "build.log", timeout=timeout)


def _command_timeout(st: State, reference: CommandResult | None) -> float:
    """A candidate's check or run may take 10x the plain build's (a hang is a rejection)."""
    return 10 * (reference.wall_seconds if reference else 60.0) + 30


def _prepare_trees(st: State, progress: Progress) -> None:
    opts = st.opts
    if opts.clean:
        run_command(opts.clean, opts.project, st.env, log=st.work / "build.log")
    _copy_tree(opts.project, st.work / "pristine")
    _copy_tree(st.work / "pristine", st.best)
    record = st.work / "record.jsonl"
    record.unlink(missing_ok=True)
    progress.say("building with llmcc (mode off), recording every C compile")
    t0 = time.monotonic()
    r = _build(st, st.best, {"LLMCC_TUNE_RECORD": str(record), "LLMCC_TUNE_ROOT": str(st.best)}, "record")
    st.build_seconds = time.monotonic() - t0
    if not r.ok:
        raise TuneError(f"the build command failed (status {r.returncode}); see {st.work / 'build.log'}")
    # Configure-style probes compile files that are gone after the build: not TUs of the program.
    st.records = [rec for rec in read_records(record) if rec.get("output")
                  and (st.best / rec["source"]).is_file() and (st.best / rec["output"]).is_file()]
    if not st.records:
        raise TuneError("the build compiled no C source through llmcc (is the tree already built? "
                        "pass --clean 'make clean'; does the build use CC=llmcc?)")
    progress.say(f"recorded {len(st.records)} C compile(s) in {st.build_seconds:.1f}s")
    if opts.check:
        c = st.baseline_check = run_command(opts.check, st.best, st.env, log=st.work / "check.log")
        if not c.ok:
            raise TuneError(f"the check command fails on the plain build (status {c.returncode})")
    st.baseline_run = run_command(opts.run, st.best, st.env)
    if st.baseline_run.timed_out:
        raise TuneError("the run command timed out on the plain build")
    _copy_tree(st.best, st.work / "plain")


# --------------------------------------------------------------------------- profile


def _profile(st: State, progress: Progress) -> None:
    from ..toolchain import find_toolchain
    from .profile import merge_profiles
    tc = find_toolchain()
    instr = st.work / "instr"
    _copy_tree(st.work / "pristine", instr)
    progress.say("instrumented build (-fprofile-instr-generate) and a profiling run")
    r = _build(st, instr, {"LLMCC_TUNE_INSTRUMENT": "1"}, "instrument")
    if not r.ok:
        raise TuneError(f"the instrumented build failed (status {r.returncode}); see {st.work / 'build.log'}")
    raw = st.work / "profraw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir()
    run_command(st.opts.run, instr, {**st.env, "LLVM_PROFILE_FILE": f"{raw}/%p-%m.profraw"})
    merged = st.work / "merged.profdata"
    problem = merge_profiles(str(tc.tool("llvm-profdata")), raw, merged)
    if problem:
        raise TuneError(problem)
    digest = sha256_file(merged)
    st.profdata = merged
    st.profile_ref = {"file": f"llmcc-profile-{digest[:12]}.profdata", "sha256": digest}


def _hot_tus(st: State, progress: Progress) -> list[tuple[str, float, list[str]]]:
    from ..toolchain import find_toolchain
    from .profile import function_weights, rank_functions, tu_shares
    tc = find_toolchain()
    weights = function_weights(str(tc.tool("llvm-profdata")), st.profdata)
    ranked = rank_functions(weights, st.records, st.best, str(tc.tool("llvm-nm")))
    st.steps.append({"step": "profile", "functions": [
        {"name": f.name, "share": round(f.share, 4), "tu": f.tu} for f in ranked[:20]]})
    for f in ranked[:5]:
        progress.say(f"  {f.share:6.1%}  {f.name}  ({f.tu or 'TU unknown'})")
    st.tu_shares = tu_shares(ranked)
    return [row for row in st.tu_shares if row[1] >= 0.01][:st.opts.max_tus]


def _profiled_tus(st: State) -> list[tuple[str, float, list[str]]]:
    return list(st.tu_shares)


# --------------------------------------------------------------------------- candidates


def _record_of(st: State, source: str) -> dict:
    return next(r for r in st.records if r["source"] == source)


def _tune_tu(st: State, progress: Progress, source: str, share: float, functions: list[str]) -> None:
    progress.say(f"{source}: {share:.1%} of the workload ({', '.join(functions[:3])})")
    if not _time_left(st, progress):
        return
    if not st.accepted.get(source, {}).get("profile"):
        _try(st, progress, source, "profile", {source: {"profile": st.profile_ref, "pipeline": None}})
    tried: set[str] = set()
    for _ in range(st.opts.pipeline_candidates):
        # Proposed afresh each time: an accepted move stays under the next ones (hill climbing).
        if not _time_left(st, progress):
            return
        try:
            proposal = _pipeline_proposal(st, source, tried)
        except Exception as e:  # noqa: BLE001 - a policy or toolchain failure ends this TU's moves only
            st.tried.append({"tu": source, "name": "pipeline", "decision": "error",
                             "reason": f"proposing failed: {type(e).__name__}: {e}"})
            progress.say(f"{source}: no pipeline candidates ({type(e).__name__}: {e})")
            break
        if proposal is None:
            break
        move, name, transform = proposal
        tried.add(move)
        _try(st, progress, source, name, {source: transform})
    if st.llm_client is not None and st.opts.llm_candidates > 0 and _time_left(st, progress):
        _tune_tu_with_llm(st, progress, source)
    if st.llm_client is not None and st.opts.llm_rewrites > 0:
        _tune_tu_with_rewrites(st, progress, source, functions)


def _tune_tu_with_llm(st: State, progress: Progress, source: str) -> None:
    """Pipeline edits from the LLM policy, judged like every other candidate."""
    try:
        proposals = _llm_proposals(st, source, st.llm_client, st.opts.llm_candidates)
    except Exception as e:  # noqa: BLE001 - a model or policy failure ends only this step
        st.tried.append({"tu": source, "name": "llm-pipeline", "decision": "error",
                         "reason": f"{type(e).__name__}: {e}"})
        return
    for name, transform in proposals:
        if isinstance(transform, str):
            st.tried.append({"tu": source, "name": name, "decision": transform.partition(":")[0],
                             "reason": transform})
            progress.say(f"{source}: {name} refused ({transform[:120]})")
        elif _time_left(st, progress):
            _try(st, progress, source, name, {source: transform})


def _tune_tu_with_rewrites(st: State, progress: Progress, source: str, functions: list[str]) -> None:
    """LLM rewrites of the TU's hottest functions, source level first, then IR, then asm: each
    proposed and validated by the level agent against the original TU
    (``rewrite.propose_rewrite``), then judged on the workload like every other candidate.
    A function's later levels are skipped once one of its rewrites is accepted.

    A TU has one transform: a rewrite is validated and replayed as the level agent built it
    (the -O pipeline, no profile), so it replaces what was accepted for the TU before, and
    every rewrite starts from the original TU -- a second function's rewrite (with
    ``llm_rewrites`` > 1) replaces the first one's, and is accepted only if the program
    is faster with it than with the first."""
    for function in functions[:st.opts.llm_rewrites]:
        function = function.rsplit(":", 1)[-1]      # a static's profile name is "file.c:name"
        for level in st.opts.rewrite_levels:
            if not _time_left(st, progress):
                return
            if _try_rewrite(st, progress, source, function, level):
                break


def _try_rewrite(st: State, progress: Progress, source: str, function: str, level: str) -> bool:
    from .rewrite import propose_rewrite
    name = f"llm-{level}:{function}"
    progress.say(f"{source}: LLM {level} rewrite of {function} (level agent, checked against the original TU)")
    # The agent's own time, leaving room to judge its result on the workload.
    deadline = progress.deadline - (2 * _candidate_estimate(st) + st.build_seconds + 5)
    try:
        proposal = propose_rewrite(st.work / "plain", _record_of(st, source), function, st.llm_client,
                                   st.work / "rewrite" / f"{len(st.tried)}", deadline, level=level)
    except Exception as e:  # noqa: BLE001 - a model, agent or toolchain failure ends only this step
        proposal = f"error: {type(e).__name__}: {e}"
    if isinstance(proposal, str):
        st.tried.append({"tu": source, "name": name, "decision": "no-candidate", "reason": proposal})
        progress.say(f"{source}: {name}: no candidate ({proposal[:160]})")
        return False
    index = len(st.tried)
    accepted = _try(st, progress, source, name, {source: proposal.transform})
    st.tried[index]["samples"] = proposal.samples
    return accepted


def _time_left(st: State, progress: Progress) -> bool:
    """Room for one more candidate, the final comparison and the in-place build."""
    need = 2 * _candidate_estimate(st) + st.build_seconds + 5
    if time.monotonic() + need > progress.deadline:
        progress.say("budget spent: no room for another candidate")
        return False
    return True


def _candidate_estimate(st: State) -> float:
    """Seconds one candidate takes: the slowest so far, or before any, one TU's share of
    the build (thrice: compile, archive, link) plus the runs of one comparison."""
    if st.candidate_seconds:
        return st.candidate_seconds
    runs = 2 * st.opts.pairs + 4 if st.opts.measure == "time" else 60   # callgrind: ~50x slower
    return 3 * st.build_seconds / max(1, len(st.records)) + runs * st.baseline_run.wall_seconds


class _TUPipeline:
    """A TU's -O pipeline in the best tree, what is accepted for it, and the policies'
    view of it (evidence from its own IR: loops -- clang marks each with !llvm.loop --
    and calls)."""

    def __init__(self, st: State, source: str):
        from ..config import load_settings
        from ..pipeline.model import EditSpace, PipelineConfig
        from ..pipeline.policy import Signals
        from ..pipeline.tune import default_pipeline, describe_target
        from ..toolchain import find_toolchain
        from ..tu import HotFunction, TUContext, compile_service
        tc = find_toolchain()
        rec = _record_of(st, source)
        self.current = st.accepted.get(source) or {"profile": None, "pipeline": None}
        flags = [f.replace(ROOT_TOKEN, str(st.best)) for f in rec["flags"]]
        codegen, opt_level = flags[:-1], flags[-1]
        extra = _profile_args(st) if self.current.get("profile") else []
        cwd = st.best / (rec.get("cwd") or ".")
        ir = st.work / "tu-ir.ll"
        self.settings = load_settings()
        fe = compile_service(tc, self.settings, codegen, opt_level, cwd).frontend(
            st.best / source, ir, extra_flags=extra, emit_text=True)
        if not hasattr(fe, "output"):
            raise RuntimeError(f"frontend: {fe}")
        self.ctx = TUContext(source=source, cwd=cwd, flags=codegen, opt_level=opt_level, toolchain=tc,
                             settings=self.settings, workdir=st.work, baseline_object=st.best / rec["output"])
        base = default_pipeline(self.ctx, ir)
        if not isinstance(base, PipelineConfig):
            raise RuntimeError(f"default pipeline: {base}")
        self.base = base
        text = ir.read_text(errors="replace")
        self.signals = Signals(loops=text.count("!llvm.loop !"), calls=text.count(" call "))
        self.best_edits = list((self.current.get("pipeline") or {}).get("edits") or [])
        self.space = EditSpace(allow_fp_reassoc=bool(self.settings["pipeline.allow_fp_reassoc"]))
        self.target = describe_target(self.ctx)
        self.hot = [HotFunction(name=f, score=share) for f, share in _function_shares(st, source)]

    def state(self, tried: set[str], history: list[dict]):
        from ..pipeline.policy import TuningState
        return TuningState(signals=self.signals, space=self.space, best_edits=self.best_edits, history=history,
                           tried=set(tried), pipeline_text=self.base.text, target=self.target,
                           hot_functions=self.hot)

    def transform(self, edits: list[dict]) -> dict:
        """Edits -> the decision's transform (a full pipeline text and knobs: the decision
        replays them without any policy). Untrusted edits are repaired and validated
        first; EditError / RepairError / ValueError say why they cannot be used."""
        from ..pipeline.model import EditError, apply_edits
        from ..pipeline.repair import repair_edits
        from ..pipeline.validate import validate_edits
        edits, _ = repair_edits(edits)
        problem = validate_edits(edits, self.space)
        if problem:
            raise EditError(problem)
        config = apply_edits(self.base, edits)
        return {"profile": self.current.get("profile"),
                "pipeline": {"passes": config.text, "knobs": dict(config.knobs), "edits": edits,
                             "base": self.base.text}}


def _function_shares(st: State, source: str) -> list[tuple[str, float]]:
    for tu, _, functions in st.tu_shares:
        if tu == source:
            return [(f, 0.0) for f in functions[:5]]
    return []


def _pipeline_proposal(st: State, source: str, tried: set[str]) -> tuple[str, str, dict] | None:
    """The greedy policy's best untried move for this TU, on top of what is accepted for
    it, as (move, candidate name, transform). None when there is nothing (left) to try."""
    from ..pipeline.policy import GreedyPolicy
    tu = _TUPipeline(st, source)
    for p in GreedyPolicy().propose(tu.state(tried, []), 1):
        return p.name, f"pipeline:{'+'.join(_move_names(tu.best_edits, p.name))}", tu.transform(p.edits)
    return None


def _llm_proposals(st: State, source: str, client, k: int) -> list[tuple[str, dict | str]]:
    """The LLM pipeline policy's proposals for this TU: (name, transform) or (name, why
    it cannot be used). The model sees the same state as the non-LLM policy, plus what
    tune already tried for this TU."""
    from ..pipeline.model import EditError
    from ..pipeline.llm_policy import LLMPipelinePolicy
    from ..pipeline.repair import RepairError
    tu = _TUPipeline(st, source)
    history = [t for t in st.tried if t.get("tu") == source]
    out: list[tuple[str, dict | str]] = []
    for i, p in enumerate(LLMPipelinePolicy(client).propose(tu.state(set(), history), k)):
        name = f"llm-pipeline:{i}"
        if p.error:
            out.append((name, f"malformed: {p.error}"))
            continue
        try:
            out.append((name, tu.transform(p.edits)))
        except (EditError, RepairError, ValueError, KeyError, TypeError) as e:
            out.append((name, f"invalid: {e}"))
    return out


def _move_names(best_edits: list[dict], move: str) -> list[str]:
    """For the progress line: the knobs already accepted, then the new move."""
    kept = [f"{e['knob']}={e['value']}" for e in best_edits if e.get("op") == "set_knob"]
    return [*kept, move]


def _profile_args(st: State) -> list[str]:
    from .decisions import PROFILE_WARNINGS_OFF
    return [f"-fprofile-instr-use={st.profdata}", *PROFILE_WARNINGS_OFF]


def _try(st: State, progress: Progress, label: str, name: str, changes: dict[str, dict]) -> bool:
    """Apply one candidate (a transform per TU) in a copy of the best tree, check it,
    measure it, keep or drop it. True if accepted."""
    t0 = time.monotonic()
    entry: dict[str, Any] = {"tu": label, "name": name, "transforms": changes}
    st.tried.append(entry)
    progress.say(f"{label}: trying {name}")
    try:
        verdict = _evaluate(st, changes, entry)
    except Exception as e:  # noqa: BLE001 - one bad candidate must not end the session
        verdict = f"error: {type(e).__name__}: {e}"
    entry["seconds"] = round(time.monotonic() - t0, 2)
    if len(changes) == 1:   # the whole-build profile rebuilds many TUs: not a typical candidate
        st.candidate_seconds = max(st.candidate_seconds, entry["seconds"])
    if verdict != "accepted":
        entry.setdefault("decision", "rejected")
        entry["reason"] = verdict
        progress.say(f"{label}: {name} rolled back ({verdict})")
        return False
    comparison = entry["measure"]
    for source, transform in changes.items():
        st.accepted[source] = transform
        st.evidence[source] = {"check": "passed" if st.opts.check else "no check command",
                               "output": "equal to the plain build's", "step": name, "measure": comparison}
        rewrite = transform.get("rewrite")
        if rewrite:
            st.evidence[source]["level_checks"] = {
                "function": rewrite["function"], "verdicts": [
                    {k: v.get(k) for k in ("checker", "kind", "detail")} for v in rewrite.get("verdicts") or []]}
    shutil.rmtree(st.best)
    st.cand.rename(st.best)
    progress.best *= comparison["speedup"]
    st.steps.append({"step": "accepted", "tu": label, "name": name, "speedup": comparison["speedup"],
                     "cumulative": progress.best, "seconds": entry["seconds"],
                     # The whole program's measured cost before and after (for the report's plot).
                     "ref_cost": _median(comparison.get("ref_samples")),
                     "cost": _median(comparison.get("cand_samples"))})
    progress.say(f"{label}: {name} accepted, {comparison['speedup']:.3f}x "
                 f"[{comparison['ci_low']:.3f}, {comparison['ci_high']:.3f}]")
    return True


def _median(samples: list | None) -> float | None:
    import statistics
    values = [v for v in samples or [] if v is not None]
    return statistics.median(values) if values else None


def _evaluate(st: State, changes: dict[str, dict], entry: dict) -> str:
    """'accepted', or why not. Every check runs in the candidate tree."""
    # A source compiled several ways (static and -fPIC objects) has a decision per way.
    outputs = [rec["output"] for rec in st.records if rec["source"] in changes]
    tentative = st.work / "tentative" / DEFAULT_NAME
    _write(st, tentative, st.cand, {**st.accepted, **changes}, {})
    _copy_tree(st.best, st.cand)
    for output in outputs:
        (st.cand / output).unlink(missing_ok=True)
    applied = st.work / "applied.jsonl"
    applied.unlink(missing_ok=True)
    # A candidate compile may explode (unroll counts): it must not outlive the budget.
    b = _build(st, st.cand, {"LLMCC_DECISIONS": str(tentative), "LLMCC_TUNE_APPLIED": str(applied)}, "candidate",
               timeout=max(30.0, 3 * st.build_seconds))
    if not b.ok:
        return f"build failed (status {b.returncode})"
    notes = [json.loads(line) for line in applied.read_text().splitlines()] if applied.is_file() else []
    invalid = [n["invalid"] for n in notes if "invalid" in n]
    if invalid:
        entry["decision"] = "decision-invalid"
        return f"the build refused the decision on re-validation: {invalid[0]}"
    missing = set(changes) - {n.get("applied") for n in notes}
    if missing:
        stale = [n["stale"] for n in notes if "stale" in n]
        return f"decision not applied by the build to {sorted(missing)[0]}" + (f": {stale[0]}" if stale else "")
    if all(_same_file(st.cand / o, st.best / o) for o in outputs):
        return "no change: same object(s) as the best so far"
    if st.opts.check:
        c = run_command(st.opts.check, st.cand, st.env, log=st.work / "check.log",
                        timeout=_command_timeout(st, st.baseline_check))
        if not c.ok:
            entry["decision"] = "check-failed"
            return f"check command failed (status {c.returncode})"
    r = run_command(st.opts.run, st.cand, st.env, timeout=_command_timeout(st, st.baseline_run))
    base = st.baseline_run
    if r.returncode != base.returncode or r.stdout != base.stdout:
        entry["decision"] = "output-differs"
        return "the run's output differs from the plain build's"
    comparison = compare_trees(st.opts.run, st.best, st.cand, mode=st.opts.measure, pairs=st.opts.pairs,
                               margin=st.opts.margin, env=st.env, timeout=_command_timeout(st, st.baseline_run))
    entry["measure"] = comparison.to_json()
    if not comparison.accepted:
        return f"not faster: {comparison.speedup:.3f}x ({comparison.why_not()})"
    entry["decision"] = "accepted"
    return "accepted"


def _same_file(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def _write(st: State, path: Path, root: Path, transforms: dict[str, dict], session: dict,
           all_tus: bool = False) -> None:
    """A decisions file for ``root``: the given transforms (and, for the final file, plain
    clang for every other recorded TU), with the profile copied next to it."""
    tus = []
    for rec in st.records:
        transform = transforms.get(rec["source"])
        if transform is None and not all_tus:
            continue
        transform = transform or {"profile": None, "pipeline": None}
        tus.append({"source": rec["source"], "source_hash": rec["source_hash"], "flags": rec["flags"],
                    "headers": rec.get("headers") or [], "output": rec["output"], "transform": transform,
                    "evidence": st.evidence.get(rec["source"], {})})
    path.parent.mkdir(parents=True, exist_ok=True)
    if any((t["transform"].get("profile")) for t in tus):
        shutil.copyfile(st.profdata, path.parent / st.profile_ref["file"])
    write_decisions(path, root, tus, session)


# --------------------------------------------------------------------------- finish


def _finish(st: State, progress: Progress, hot: list) -> dict:
    """Measure the best against the plain build, write the decisions file, and rebuild
    the project tree with it (the same path every later build takes)."""
    opts = st.opts
    summary: dict[str, Any] = {"build": opts.build, "run": opts.run, "check": opts.check,
                               "measure": opts.measure, "margin": opts.margin, "minutes": opts.minutes,
                               "hot_tus": [{"tu": t, "share": round(s, 4), "functions": f[:5]} for t, s, f in hot],
                               "tried": st.tried, "steps": st.steps}
    if st.accepted:
        try:
            overall = compare_trees(opts.run, st.work / "plain", st.best, mode=opts.measure,
                                    pairs=opts.pairs, margin=0.0, env=st.env)
            summary["overall"] = overall.to_json()
            progress.say(f"tuned vs plain build: {overall.speedup:.3f}x "
                         f"[{overall.ci_low:.3f}, {overall.ci_high:.3f}]")
        except Exception as e:  # noqa: BLE001 - the decisions are still worth writing
            summary["overall"] = {"error": str(e)}
    decisions = (opts.project / opts.decisions) if not opts.decisions.is_absolute() else opts.decisions
    _write(st, decisions, opts.project, st.accepted, summary, all_tus=True)
    summary["in_place"] = _rebuild_in_place(st, progress, decisions)
    write_decisions_session(decisions, summary)
    return summary


def _rebuild_in_place(st: State, progress: Progress, decisions: Path) -> dict:
    """Build the project tree with the decisions file; compare its objects with the best."""
    for rec in st.records:
        (st.opts.project / rec["output"]).unlink(missing_ok=True)
    progress.say("rebuilding the project tree with the decisions file")
    env = {**st.env, "LLMCC_DECISIONS": str(decisions)}
    r = run_command(st.opts.build, st.opts.project, env, log=st.work / "build.log")
    result: dict[str, Any] = {"build_status": r.returncode}
    same = [rec["output"] for rec in st.records
            if _same_file(st.opts.project / rec["output"], st.best / rec["output"])]
    result["objects_reproduced"] = f"{len(same)}/{len(st.records)}"
    if st.opts.check and r.ok:
        result["check_status"] = run_command(st.opts.check, st.opts.project, st.env).returncode
    progress.say(f"project tree rebuilt (status {r.returncode}); tuned objects reproduced: "
                 f"{result['objects_reproduced']}")
    return result


def write_decisions_session(path: Path, summary: dict) -> None:
    """Store the final summary (with the in-place result) in the decisions file."""
    from ..cache import atomic_write_bytes
    data = json.loads(path.read_text())
    data["session"] = summary
    atomic_write_bytes(path, json.dumps(data, indent=2, sort_keys=True, default=str).encode() + b"\n")
