"""Which functions of a TU are worth optimizing: a small, explainable score.

Per defined function (AutoPass's static features, loops weighted most)::

    structure = 0.05*blocks + 0.1*cond_branches + 0.1*switches + 0.1*calls
    nesting   = sum over loops of 2 * 2**(depth-1) * trip_factor
                trip_factor = clamp(log10(trip_count), 0.25, 3) when SCEV knows the exact
                              trip count, clamp(log10(max_trip_count), 0.25, 1) when only a
                              bound below 100 is known, else 1 (data-dependent: unknown)
    work      = 0.01*instructions + 0.02*(fp_ops + vector_ops)
    remarks   = 0.5 * min(6, missed + analysis remarks of loop/vector passes)
                (-O3 saw an opportunity there and gave up: room for a better pipeline)
    static    = structure + nesting + work + remarks
    measured  = 1 + weight   when the profile shows the function hot (weight >= PROFILE_HOT)
              = 0            otherwise, and without a profile
    own       = static * (0.1 + 1.9*weight) + measured   with a profile (weight: hottest
                                              = 1.0; a function absent from it weighs 0)
              = static                         without one
    callers   = sum over callers c (direct call edges of the TU, recursion left out) of
                min(1, 0.25 * 2**depth) * (own(c) + callers(c))
                depth = the deepest loop around a call site of f in c: a helper called
                in a caller's inner loop runs as often as that loop, one called once
                per call of the caller gets a quarter of its hotness; followed along
                call chains CALL_ROUNDS deep (bounded, so recursion cannot blow up)
    score     = own + callers

``calls`` counts direct non-I/O and indirect calls (not intrinsics). Some functions are
excluded before ranking, with the reason kept in the evidence:

* ``trivial``: no loops and fewer than 20 instructions (getters, wrappers), unless its
  callers make it hot (``callers`` >= ``HOT_CALLEE``: a small helper inside a hot loop)
  or the profile does (weight >= ``PROFILE_HOT``);
* ``io-bound``: I/O calls (printf, fwrite, read...) are at least half of its calls and it
  does little arithmetic besides (at most 4 arithmetic ops per I/O call);
* ``driver``: ``main`` without loops of its own only calls the real work.

Why measured evidence beats static triviality: a loop-free helper (a median of three, a
shift, a compare) is hot in a real program because a hot loop elsewhere calls it, often
from another TU, which the call graph of this TU cannot see; its static score stays tiny.
A profile measures it. The rule is "at least a tenth of the hottest function's count"
(``PROFILE_HOT``): an instrumentation count is entries plus executed blocks, so a helper
called once per iteration of the program's hottest loop lands near 1.0, and one called
once per outer iteration far below 0.1. ``measured`` is at least 1.1 for such a function,
so it crosses the default threshold (1.0) on the profile alone; a function the profile
never saw, or saw cold, gets nothing from it.

Functions scoring at least ``threshold`` are ranked, best first, and the top ``top_k``
returned. A TU where nothing crosses the threshold yields [].
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..tu import HotFunction
from .features import FunctionFeatures, LoopFeatures, ModuleFeatures
from .remarks import RemarkSummary, semantic_hints

TRIVIAL_INSTRUCTIONS = 20
IO_ARITH_PER_CALL = 4
REMARK_CAP = 6
CALL_SHARE = 0.25     # share of a caller's score passed to a callee called outside loops
CALL_ROUNDS = 3       # call-chain length the propagation follows
HOT_CALLEE = 1.0      # inherited score that makes a trivial helper worth a look
PROFILE_HOT = 0.1     # profile weight (count / hottest count) that makes a function hot
# Middle-end passes whose missed/analysis remarks point at loop code -O3 did not improve.
# (gvn's LoadClobbered and inline's NoDefinition fire on nearly every function: noise.)
OPPORTUNITY_PASSES = frozenset({
    "loop-vectorize", "slp-vectorizer", "loop-unroll", "licm", "loop-distribute",
    "loop-interchange", "loop-unroll-and-jam", "loop-idiom", "loop-fusion",
})


@dataclass
class FunctionAssessment:
    """Score of one function with its evidence; ``excluded`` names a filter that hit."""

    name: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    excluded: str | None = None


def score_functions(features: ModuleFeatures, remarks: Mapping[str, RemarkSummary] | None = None,
                    profile: Mapping[str, float] | None = None, *, top_k: int = 10,
                    threshold: float = 1.0) -> list[HotFunction]:
    """The TU's hot functions, best first: not excluded, score >= ``threshold``, at most
    ``top_k``. The formula is in the module docstring; each ``HotFunction.evidence``
    says which terms contributed."""
    ranked = [a for a in assess_functions(features, remarks, profile)
              if a.excluded is None and a.score >= threshold]
    ranked.sort(key=lambda a: (-a.score, a.name))
    return [HotFunction(a.name, a.score, a.evidence) for a in ranked[:top_k]]


def assess_functions(features: ModuleFeatures,
                     remarks: Mapping[str, RemarkSummary] | None = None,
                     profile: Mapping[str, float] | None = None) -> list[FunctionAssessment]:
    """Every defined function's score and evidence, excluded ones included (for reports
    and ``llmcc score --all``), in module order. Includes the ``callers`` term."""
    assessed = [assess_function(f, (remarks or {}).get(f.name), profile) for f in features.functions]
    _add_callers_term(features, assessed)
    return assessed


def call_shares(features: ModuleFeatures) -> dict[str, dict[str, float]]:
    """callee -> {caller: share of the caller's score it inherits} over the TU's defined
    functions (see the module docstring; an old plugin without call-site depths gives
    every edge depth 0)."""
    defined = {f.name: f for f in features.functions}
    shares: dict[str, dict[str, float]] = {}
    for caller, callees in features.call_graph.items():
        depths = defined[caller].callee_depths if caller in defined else {}
        for callee in callees:
            if callee in defined and callee != caller:
                share = min(1.0, CALL_SHARE * 2 ** depths.get(callee, 0))
                shares.setdefault(callee, {})[caller] = share
    return shares


def _add_callers_term(features: ModuleFeatures, assessed: list[FunctionAssessment]) -> None:
    """Add each function's inherited hotness to its score and evidence, and lift the
    ``trivial`` exclusion of a helper its callers make hot."""
    shares = call_shares(features)
    own = {a.name: a.score for a in assessed}
    inherited = {name: 0.0 for name in own}
    for _ in range(CALL_ROUNDS):
        inherited = {name: sum(share * (own[c] + inherited[c]) for c, share in shares.get(name, {}).items())
                     for name in own}
    by_name = {f.name: f for f in features.functions}
    for a in assessed:
        extra = inherited[a.name]
        a.evidence["terms"]["callers"] = round(extra, 3)
        a.evidence["callers"] = {c: round(share, 3) for c, share in sorted(shares.get(a.name, {}).items())}
        a.score = round(a.score + extra, 3)
        if a.excluded == "trivial" and extra >= HOT_CALLEE:
            a.excluded = _exclusion(by_name[a.name], trivial=False)


def assess_function(f: FunctionFeatures, remark: RemarkSummary | None = None,
                    profile: Mapping[str, float] | None = None) -> FunctionAssessment:
    """Score one function (see the module docstring)."""
    calls = (f.direct_calls - f.io_calls) + f.indirect_calls
    terms = {
        "structure": 0.05 * f.blocks + 0.1 * f.cond_branches + 0.1 * f.switches + 0.1 * calls,
        "nesting": sum(_loop_weight(lp) for lp in f.loops),
        "work": 0.01 * f.instructions + 0.02 * (f.fp_ops + f.vector_ops),
        "remarks": 0.5 * min(REMARK_CAP, _opportunities(remark)),
    }
    static = sum(terms.values())
    weight = None if profile is None else float(profile.get(f.name, 0.0))
    profile_hot = weight is not None and weight >= PROFILE_HOT
    measured = 1.0 + weight if profile_hot else 0.0
    score = static if weight is None else static * (0.1 + 1.9 * weight) + measured
    if weight is not None:    # not part of ``static``: the profile's own term
        terms["profile"] = measured
    evidence = {
        "terms": {k: round(v, 3) for k, v in terms.items()},
        "blocks": f.blocks, "instructions": f.instructions,
        "loops": f.loop_count, "max_loop_depth": f.max_loop_depth,
        "trip_counts": [lp.trip_count for lp in f.loops],
        "cond_branches": f.cond_branches, "switches": f.switches,
        "calls": calls, "io_calls": f.io_calls,
        "fp_ops": f.fp_ops, "vector_ops": f.vector_ops, "loads": f.loads, "stores": f.stores,
        "callees": list(f.callees),
        "profile_weight": weight,
        "hints": semantic_hints(f.name, f),
    }
    if remark is not None:
        evidence["remarks"] = _remark_evidence(remark)
    # Measured evidence beats static triviality: a profile-hot function is never "trivial".
    return FunctionAssessment(f.name, round(score, 3), evidence, _exclusion(f, trivial=not profile_hot))


def _loop_weight(loop: LoopFeatures) -> float:
    nest = 2.0 * 2 ** (loop.depth - 1)
    if loop.trip_count:
        trip = min(3.0, max(0.25, math.log10(loop.trip_count)))
    elif loop.max_trip_count and loop.max_trip_count < 100:
        trip = min(1.0, max(0.25, math.log10(loop.max_trip_count)))
    else:
        trip = 1.0
    return nest * trip


def _opportunities(remark: RemarkSummary | None) -> int:
    if remark is None:
        return 0
    return sum(n for counter in (remark.missed, remark.analysis)
               for key, n in counter.items() if key.split(":", 1)[0] in OPPORTUNITY_PASSES)


def _remark_evidence(remark: RemarkSummary) -> dict[str, Any]:
    # Full per-tag counts under passed/missed/analysis: the pipeline policies read the
    # ``pass:Name`` tags from there.
    return {"passed": dict(remark.passed), "missed": dict(remark.missed),
            "analysis": dict(remark.analysis),
            "counts": {kind: remark.count(kind) for kind in ("passed", "missed", "analysis")},
            "opportunities": _opportunities(remark),
            "vectorized": remark.count("passed", "loop-vectorize:Vectorized")
            + remark.count("passed", "slp-vectorizer:VectorizedList"),
            "top_missed": [k for k, _ in (remark.missed + remark.analysis).most_common()
                           if k.split(":", 1)[0] in OPPORTUNITY_PASSES][:3]}


def _exclusion(f: FunctionFeatures, *, trivial: bool = True) -> str | None:
    if trivial and not f.loops and f.instructions < TRIVIAL_INSTRUCTIONS:
        return "trivial"
    all_calls = f.direct_calls + f.indirect_calls
    arithmetic = f.int_ops + f.fp_ops + f.vector_ops
    if f.io_calls and 2 * f.io_calls >= all_calls and arithmetic <= IO_ARITH_PER_CALL * f.io_calls:
        return "io-bound"
    if f.is_main and not f.loops:
        return "driver"
    return None


def evidence_summary(evidence: Mapping[str, Any]) -> str:
    """One line saying why a function scored as it did (for ``llmcc score``)."""
    parts = []
    loops = evidence.get("loops", 0)
    if loops:
        trips = [t for t in evidence.get("trip_counts", []) if t]
        parts.append(f"{loops} loop{'s' if loops != 1 else ''} (depth {evidence['max_loop_depth']}"
                     + (f", trips {','.join(map(str, trips[:4]))}" if trips else "") + ")")
    parts.append(f"{evidence.get('blocks', 0)} blocks, {evidence.get('cond_branches', 0)} cond br, "
                 f"{evidence.get('calls', 0)} calls")
    remark = evidence.get("remarks")
    if remark:
        counts = remark["counts"]
        parts.append(f"remarks {counts['passed']}P/{counts['missed']}M/{counts['analysis']}A"
                     + (f", {remark['vectorized']} vectorized" if remark["vectorized"] else ""))
        if remark["top_missed"]:
            parts.append("missed " + ",".join(remark["top_missed"][:2]))
    inherited = (evidence.get("terms") or {}).get("callers")
    if inherited:
        parts.append(f"callers +{inherited:g} ({','.join(list(evidence.get('callers', {}))[:3])})")
    if evidence.get("profile_weight") is not None:
        parts.append(f"profile {evidence['profile_weight']:.3g}")
    if evidence.get("hints"):
        parts.append("hints " + ",".join(evidence["hints"]))
    return "; ".join(parts)
