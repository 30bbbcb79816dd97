"""``llmcc score FILE.c [clang flags] [--json] [--top K] [--all] [--threshold X]
[--profile P]``: rank a TU's functions the way the driver does, and say why.

The TU is compiled as the baseline would be (frontend at -O3, then ``default<O3>``, with
the remarks of that same opt run), features come from the pass plugin when it is built
(else llvmlite), and the profile from ``--profile`` or the ``hotspots.profile`` setting.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..config import ConfigError, load_settings
from ..outcome import Fallback
from ..toolchain import ToolchainError, find_toolchain
from .features import ModuleFeatures, extract_features, plugin_path
from .profile import load_profile
from .remarks import RemarkSummary, summarize_remarks
from .score import FunctionAssessment, assess_functions, evidence_summary, score_functions
from ..tmpsweep import temp_dir

USAGE = ("usage: llmcc score FILE.c [clang flags] [--json] [--top K] [--all] "
         "[--threshold X] [--profile FILE]")
_SOURCE_SUFFIXES = (".c", ".i")
# Flags that make sense for a build but not for scoring one TU in isolation.
_DROP_FLAGS = frozenset({"-c", "-S", "-E", "-MD", "-MMD", "-MP", "-M", "-MM", "-emit-llvm"})
_DROP_WITH_ARG = frozenset({"-o", "-MF", "-MT", "-MQ"})


@dataclass
class ScoreRequest:
    source: str = ""
    clang_flags: list[str] = field(default_factory=list)
    as_json: bool = False
    show_all: bool = False
    top_k: int | None = None
    threshold: float | None = None
    profile: str | None = None


class UsageError(Exception):
    """Bad ``llmcc score`` arguments."""


def parse_score_args(argv: list[str]) -> ScoreRequest:
    """Split ``argv`` into llmcc's own options, the source file and clang flags. Parsed
    by hand because clang flags (``-I dir``, ``-O2``) would confuse argparse."""
    req = ScoreRequest()
    it = iter(argv)
    for arg in it:
        name, eq, inline = arg.partition("=")
        if name in ("--top", "--threshold", "--profile"):
            value = inline if eq else next(it, None)
            if value is None:
                raise UsageError(f"{name} needs a value")
            _set_valued_option(req, name, value)
        elif arg == "--json":
            req.as_json = True
        elif arg == "--all":
            req.show_all = True
        elif arg in ("-h", "--help"):
            raise UsageError("")
        elif not req.source and not arg.startswith("-") and arg.endswith(_SOURCE_SUFFIXES):
            req.source = arg
        elif arg in _DROP_WITH_ARG:
            next(it, None)
        elif arg in _DROP_FLAGS or arg.startswith(("-o", "-O")):
            continue   # the score always describes the -O3 baseline
        else:
            req.clang_flags.append(arg)
    if not req.source:
        raise UsageError("no C source file given")
    return req


def _set_valued_option(req: ScoreRequest, name: str, value: str) -> None:
    try:
        if name == "--top":
            req.top_k = int(value)
        elif name == "--threshold":
            req.threshold = float(value)
        else:
            req.profile = value
    except ValueError:
        raise UsageError(f"{name}: bad value {value!r}") from None


def score_command(argv: list[str], stdout: TextIO | None = None,
                  stderr: TextIO | None = None) -> int:
    """Run ``llmcc score``; returns the exit code (0 ok, 1 compile/toolchain error,
    2 usage error)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        req = parse_score_args(argv)
    except UsageError as e:
        print(f"llmcc score: {e}\n{USAGE}" if str(e) else USAGE, file=err)
        return 2
    try:
        settings = load_settings()
        tc = find_toolchain()
    except (ConfigError, ToolchainError) as e:
        print(f"llmcc score: {e}", file=err)
        return 1
    top_k = req.top_k if req.top_k is not None else settings["hotspots.top_k"]
    threshold = req.threshold if req.threshold is not None else settings["hotspots.threshold"]
    profile_path = req.profile or settings["hotspots.profile"] or None

    with temp_dir("score") as tmp:
        analysed = _analyse(tc, req, Path(tmp), settings["stage_timeout"])
    if isinstance(analysed, Fallback):
        print(analysed.detail or str(analysed), file=err)
        return 1
    features, remarks = analysed
    profile = None
    if profile_path:
        loaded = load_profile(profile_path, tc)
        if isinstance(loaded, Fallback):
            print(f"llmcc score: ignoring profile {profile_path}: {loaded}", file=err)
        else:
            profile = loaded
    hot = score_functions(features, remarks, profile, top_k=top_k, threshold=threshold)
    everything = assess_functions(features, remarks, profile)
    report = _report(req, features, remarks, profile_path if profile else None,
                     threshold, top_k, hot, everything)
    if req.as_json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        _print_table(report, req.show_all, out)
    return 0


def _analyse(tc, req: ScoreRequest, tmp: Path, timeout: float
             ) -> tuple[ModuleFeatures, dict[str, RemarkSummary]] | Fallback:
    """Baseline compile of the TU to optimized bitcode (remarks from the same opt run),
    then its features."""
    unoptimized, optimized, remarks_yaml = tmp / "tu.bc", tmp / "tu.O3.bc", tmp / "remarks.yaml"
    from ..tu import CompileService
    # Scored as -O3 code whatever the flags say: hotness is about what the optimizer can do.
    compiler = CompileService(tc, tuple(req.clang_flags), "-O3", timeout=timeout)
    stage = compiler.frontend(req.source, unoptimized)
    if isinstance(stage, Fallback):
        return stage
    stage = compiler.middle_end(unoptimized, optimized, extra_args=[f"-pass-remarks-output={remarks_yaml}"])
    if isinstance(stage, Fallback):
        return stage
    features = extract_features(tc, optimized, plugin=plugin_path())
    if isinstance(features, Fallback):
        return features
    features.source = features.source or req.source
    return features, summarize_remarks(remarks_yaml)


def _report(req: ScoreRequest, features: ModuleFeatures, remarks: dict[str, RemarkSummary],
            profile: str | None, threshold: float, top_k: int, hot: list,
            everything: list[FunctionAssessment]) -> dict[str, Any]:
    hot_names = {h.name for h in hot}
    return {
        "file": req.source,
        "features": features.producer,
        "remarks": sum(r.count(k) for r in remarks.values()
                       for k in ("passed", "missed", "analysis")),
        "profile": profile,
        "threshold": threshold,
        "top_k": top_k,
        "hot": [{"rank": i, "function": h.name, "score": h.score,
                 "summary": evidence_summary(h.evidence), "evidence": h.evidence}
                for i, h in enumerate(hot, 1)],
        "others": [{"function": a.name, "score": a.score,
                    "reason": a.excluded or ("below threshold" if a.score < threshold
                                             else "beyond top-k")}
                   for a in everything if a.name not in hot_names],
    }


def _print_table(report: dict[str, Any], show_all: bool, out: TextIO) -> None:
    print(f"{report['file']}: features from {report['features']}, "
          f"{report['remarks']} remarks, profile: {report['profile'] or 'none'}", file=out)
    if not report["hot"]:
        print(f"no hot functions (threshold {report['threshold']})", file=out)
    else:
        width = max(len(h["function"]) for h in report["hot"])
        print(f"{'rank':>4}  {'score':>8}  {'function':<{width}}  evidence", file=out)
        for h in report["hot"]:
            print(f"{h['rank']:>4}  {h['score']:>8.2f}  {h['function']:<{width}}  {h['summary']}",
                  file=out)
    if show_all and report["others"]:
        print("not selected:", file=out)
        for o in report["others"]:
            print(f"      {o['score']:>8.2f}  {o['function']}  ({o['reason']})", file=out)
