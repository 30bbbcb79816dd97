"""Non-LLM pipeline policies: greedy local search seeded by remark evidence, and random search.

Both draw from the same move universe (``candidate_moves``), so random search at the same
budget is a fair baseline for the greedy policy and for the LLM policy. A *move* is a short
list of edits applied on top of the best pipeline so far; accepted moves compose, which
makes the greedy policy a hill climber.

Evidence is read defensively from ``HotFunction.evidence`` (its schema belongs to the
hotspots module): any ``pass:RemarkName`` tag under a ``missed`` / ``passed`` /
``analysis`` key counts as a remark, and ``trip_count`` / ``max_trip_count`` / ``direct``
call counts found anywhere in it count as features.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from .model import KNOBS, EditSpace

_REMARK_TAG = re.compile(r"^([a-z0-9-]+):([A-Za-z0-9_]+)$")
_CATEGORIES = ("missed", "passed", "analysis")


@dataclass
class Signals:
    """What the evidence says, boiled down to what the move generator needs."""

    remarks: dict[str, set[str]] = field(default_factory=lambda: {c: set() for c in _CATEGORIES})
    trip_counts: list[int] = field(default_factory=list)   # known constant (max) trip counts
    loops: int = 0
    calls: int = 0
    fp_heavy: bool = False
    functions: list[str] = field(default_factory=list)

    def has(self, category: str, prefix: str) -> bool:
        """Any remark of ``category`` whose ``pass:Name`` tag starts with ``prefix``."""
        return any(tag.startswith(prefix) for tag in self.remarks.get(category, ()))

    def to_json(self) -> dict[str, Any]:
        """For the report ("evidence used")."""
        return {"remarks": {c: sorted(v) for c, v in self.remarks.items()},
                "trip_counts": sorted(set(self.trip_counts))[:20], "loops": self.loops,
                "calls": self.calls, "fp_heavy": self.fp_heavy, "functions": self.functions}


def extract_signals(hot_functions: Iterable[Any]) -> Signals:
    """Collect remark tags and loop/call features from the hot functions' evidence."""
    signals = Signals()
    for hot in hot_functions:
        signals.functions.append(getattr(hot, "name", str(hot)))
        _walk(getattr(hot, "evidence", {}) or {}, None, signals)
    return signals


def _walk(value: Any, category: str | None, signals: Signals) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            key_s = str(key)
            lowered = key_s.lower()
            cat = next((c for c in _CATEGORIES if c in lowered), category)
            _note_tag(key_s, cat, signals)
            _note_feature(lowered, item, signals)
            _walk(item, cat, signals)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _walk(item, category, signals)
    elif isinstance(value, str):
        _note_tag(value, category, signals)


def _note_tag(text: str, category: str | None, signals: Signals) -> None:
    if category and _REMARK_TAG.match(text):
        signals.remarks[category].add(text)


def _note_feature(key: str, value: Any, signals: Signals) -> None:
    if key == "trip_counts" and isinstance(value, list):
        signals.trip_counts += [int(t) for t in value if isinstance(t, int) and not isinstance(t, bool) and t > 0]
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if key == "loops" and isinstance(value, dict) and isinstance(value.get("count"), int):
            signals.loops += value["count"]
        return
    if key in ("trip_count", "max_trip_count") and value > 0:
        signals.trip_counts.append(int(value))
    elif key in ("direct", "calls"):
        signals.calls += int(value)
    elif key == "fp_ops" and value > 0:
        signals.fp_heavy = True
    elif key in ("loops", "loop_count", "num_loops"):
        signals.loops += int(value)


@dataclass(frozen=True)
class Move:
    """A named list of edits with the evidence that suggested it."""

    name: str
    edits: tuple[dict[str, Any], ...]
    because: str = ""
    priority: float = 0.0


@dataclass
class Proposal:
    """One candidate from a policy: edits on top of the best so far, and why."""

    edits: list[dict[str, Any]]
    rationale: str
    evidence: list[str] = field(default_factory=list)
    name: str = ""
    error: str = ""          # set when the policy's answer was unusable (failed attempt)
    raw: str = ""            # the untrusted text it came from (LLM reply), for the report


@dataclass
class TuningState:
    """What a policy sees: evidence, edit space, and earlier rounds."""

    signals: Signals
    space: EditSpace
    best_edits: list[dict[str, Any]]
    history: list[dict[str, Any]]          # report entries of earlier candidates
    tried: set[str] = field(default_factory=set)  # move names already evaluated
    seed: int = 0
    pipeline_text: str = ""                # the -O3 pipeline the edits apply to
    target: str = ""                       # target triple / CPU as the user's flags give it
    hot_functions: list[Any] = field(default_factory=list)  # for the LLM prompt


class Policy(Protocol):
    """Proposes up to ``k`` candidates per round; a policy never raises."""

    name: str

    def propose(self, state: TuningState, k: int) -> list[Proposal]: ...


def _knob(name: str, value: Any) -> dict[str, Any]:
    return {"op": "set_knob", "knob": name, "value": value}


def candidate_moves(signals: Signals, space: EditSpace) -> list[Move]:
    """The move universe, each with a priority from the evidence (higher first)."""
    s = signals
    missed_vec = s.has("missed", "loop-vectorize")
    small_trips = [t for t in s.trip_counts if 2 <= t <= 64]
    moves = [
        # Unrolling: the measured wins here (jacobi-1d, bitcount, dijkstra, adpcm).
        Move("unroll-threshold-600", (_knob("unroll-threshold", 600),),
             "loops present: a larger unroll budget", 3.0 if s.loops else 1.0),
        Move("unroll-threshold-1500", (_knob("unroll-threshold", 1500),),
             "loops present: a much larger unroll budget", 2.0 if s.loops else 0.5),
        # A forced count was the biggest single win measured here (crc32 1.5x), and a
        # loss elsewhere (lcs 4x slower): exactly what measure-and-roll-back is for.
        Move("unroll-count-4", (_knob("unroll-count", 4),),
             "loops with run-time trip counts: unroll by 4", 3.2 if s.loops else 0.5),
        Move("unroll-count-2", (_knob("unroll-count", 2),), "unroll by 2", 1.5 if s.loops else 0.3),
        Move("unroll-runtime-8",
             (_knob("unroll-runtime", True), _knob("unroll-max-count", 8),
              _knob("unroll-threshold", 600)),
             "run-time trip counts: runtime unrolling up to 8", 2.2 if s.loops else 0.4),
        Move("full-unroll-max-64",
             ({"op": "set_param", "pass": "loop-unroll", "params": {"full-unroll-max": 64}},
              _knob("unroll-threshold", 1000)),
             f"small known trip counts {sorted(set(small_trips))[:5]}: unroll them fully",
             4.0 if small_trips else 0.3),
        # Loop distribution: bicg went 1.6x faster with it.
        Move("loop-distribute", (_knob("enable-loop-distribute", True),),
             "missed vectorization: distribute loops so parts vectorize",
             3.5 if missed_vec else 1.2),
        Move("unroll-and-jam",
             ({"op": "insert", "after": "loop-distribute", "pass": "loop-unroll-and-jam"},),
             "nested loops with missed vectorization: unroll-and-jam", 2.0 if missed_vec else 0.6),
        Move("loop-interchange",
             ({"op": "insert", "before": "loop-distribute", "pass": "loop-interchange"},),
             "missed vectorization in nests: interchange for stride-1 access",
             1.8 if missed_vec else 0.5),
        Move("inline-threshold-500", (_knob("inline-threshold", 500),),
             f"{s.calls} direct calls in hot code: inline more", 3.0 if s.calls >= 3 else 0.5),
        Move("inline-threshold-1000", (_knob("inline-threshold", 1000),),
             "many calls: inline much more", 2.0 if s.calls >= 6 else 0.3),
        Move("slp-threshold-neg3", (_knob("slp-threshold", -3),),
             "slp-vectorizer NotBeneficial: accept slightly unprofitable SLP",
             3.0 if s.has("missed", "slp-vectorizer") else 0.4),
        Move("vectorizer-min-trip-4", (_knob("vectorizer-min-trip-count", 4),),
             "short loops not vectorized", 1.0 if missed_vec else 0.2),
    ]
    if space.allow_fp_reassoc:
        moves += [
            Move("interleave-4", (_knob("force-vector-interleave", 4),),
                 "missed vectorization: force interleave 4 (may change FP results)",
                 2.5 if missed_vec else 0.5),
            Move("vector-width-8", (_knob("force-vector-width", 8),),
                 "missed vectorization: force width 8 (may change FP results)",
                 2.0 if missed_vec else 0.4),
        ]
    return sorted(moves, key=lambda m: (-m.priority, m.name))


def _proposal(moves: list[Move], best_edits: list[dict[str, Any]]) -> Proposal:
    edits = [*best_edits]
    for move in moves:
        # A later knob setting replaces an earlier one rather than stacking duplicates.
        for edit in move.edits:
            if edit["op"] == "set_knob":
                edits = [e for e in edits if not (e["op"] == "set_knob" and e["knob"] == edit["knob"])]
            edits.append(dict(edit))
    return Proposal(edits=edits, rationale="; ".join(m.because for m in moves),
                    evidence=[m.because for m in moves], name="+".join(m.name for m in moves))


class GreedyPolicy:
    """Evidence-ranked local search: each round tries the best untried single moves on top
    of the best pipeline so far; accepted ones stay (the loop rolls back the rest)."""

    name = "greedy"

    def propose(self, state: TuningState, k: int) -> list[Proposal]:
        """The ``k`` highest-priority moves not tried yet."""
        moves = [m for m in candidate_moves(state.signals, state.space) if m.name not in state.tried]
        return [_proposal([m], state.best_edits) for m in moves[:k]]


class RandomPolicy:
    """Random search over the same moves: each candidate is 1-2 random moves (and a random
    in-range value for one knob), seeded so runs repeat."""

    name = "random"

    def propose(self, state: TuningState, k: int) -> list[Proposal]:
        """``k`` random combinations, deterministic for a given seed and round."""
        rng = random.Random(state.seed * 1000 + len(state.history))
        moves = candidate_moves(state.signals, state.space)
        knobs = [spec for spec in KNOBS.values() if state.space.allow_fp_reassoc or not spec.changes_fp]
        out: list[Proposal] = []
        for _ in range(k):
            picked = rng.sample(moves, rng.randint(1, 2))
            spec = rng.choice(knobs)
            value = rng.choice([True, False]) if spec.kind is bool else rng.randint(spec.low, spec.high)
            picked.append(Move(f"{spec.name}={value}", (_knob(spec.name, value),), f"random {spec.name}"))
            proposal = _proposal(picked, state.best_edits)
            proposal.rationale = "random search: " + proposal.name
            out.append(proposal)
        return out
