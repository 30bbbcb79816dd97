"""The one evidence rule: what lets a candidate replace clang's object.

A model is wrong about half the time, and a wrong rewrite that skips work is faster by
construction, so the speed margin protects nothing. A candidate (for one function) may
be emitted only if

* no check refuted it (formal counterexample, differing test or fuzz input, UBSan
  report, invalid object, an instruction the target flags do not enable), and the object
  and ISA checks passed; and
* it is **proved**: a formal check against the *baseline* (the original TU's function,
  never only its parent state) answered PROVED; or
* it is **tested**: every differential test agreed, the built-in tests were among them
  (model-written tests add to them, never stand in for them), the fuzzer found no
  divergence within its budget, and (for a C rewrite) the UBSan build reported nothing.

INCONCLUSIVE is never proof. Fuzzing that does not apply (program mode, a signature the
fuzz target cannot encode, ``verify.fuzz_seconds = 0``) is recorded in the reason for a
pipeline edit; for a model-written candidate it leaves only the proof path. Any other
fuzzing failure (target not built, fuzzer crashed) rejects.

Every acceptance path (level agents, the guide, the pipeline tuner) asks ``judge``;
``llmcc.verify.evaluate.confirm_for_emission`` applies it to the winner and re-measures.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .verdict import Verdict, VerdictKind

AGAINST_BASELINE = "baseline"
_REFUTING = (VerdictKind.REFUTED, VerdictKind.INVALID, VerdictKind.TESTED_DIFFERENT)
REQUIRED_CHECKS = ("objcheck", "isa")


@dataclass(frozen=True)
class Evidence:
    """The rule's answer: may this candidate be emitted, on what basis, and why (not)."""

    may_emit: bool
    basis: str          # "proved" | "tested" | "" (rejected)
    reason: str

    def to_json(self) -> dict:
        return {"may_emit": self.may_emit, "basis": self.basis, "reason": self.reason}


def against_baseline(verdict: Verdict) -> Verdict:
    """``verdict`` marked as a formal check against the original TU's function: only such
    a PROVED verdict counts as proof."""
    return Verdict(verdict.kind, verdict.checker, verdict.detail, verdict.counterexample,
                   dict(verdict.data, against=AGAINST_BASELINE))


def is_proof(verdict: Verdict) -> bool:
    return verdict.kind == VerdictKind.PROVED and verdict.data.get("against") == AGAINST_BASELINE


def fuzz_not_applicable(verdict: Verdict) -> bool:
    return verdict.checker == "fuzz" and verdict.kind == VerdictKind.INCONCLUSIVE \
        and verdict.data.get("applicable") is False


def judge(verdicts: Iterable[Verdict], *, c_source: bool, llm_made: bool = False) -> Evidence:
    """Apply the rule to every verdict gathered for one candidate function.
    ``c_source``: the candidate is a C rewrite, so a clean UBSan run is required too.
    ``llm_made``: a model wrote the candidate (C, IR or asm), so fuzzing that cannot apply
    is missing evidence, not an excuse: only a proof admits it then. (A pipeline edit is
    LLVM's own transformation; its tests without fuzzing stay enough.)"""
    verdicts = list(verdicts)
    for v in verdicts:
        if v.kind in _REFUTING:
            return Evidence(False, "", f"{v.checker}: {v.kind.value}: {v.detail}"[:500])
    by_checker: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_checker.setdefault("difftest" if v.checker.startswith("difftest") else v.checker, []).append(v)
    for required in REQUIRED_CHECKS:
        if not any(v.kind == VerdictKind.TESTED_EQUAL for v in by_checker.get(required, [])):
            return Evidence(False, "", f"no passing {required} check")
    proofs = [v for v in verdicts if is_proof(v)]
    if proofs:
        return Evidence(True, "proved", f"proved against the baseline by {proofs[0].checker}")
    missing = []
    diffs = by_checker.get("difftest", [])
    if not diffs or any(v.kind != VerdictKind.TESTED_EQUAL for v in diffs):
        missing.append("differential tests")
    elif all(v.data.get("model_written") for v in diffs):
        # A model-written generator may test nothing useful (it need not even call the
        # function): without the built-in tests, only a proof admits the candidate.
        missing.append("the built-in differential tests (only model-written tests ran)")
    fuzz = by_checker.get("fuzz", [])
    fuzz_note = ""
    if fuzz and all(v.kind == VerdictKind.TESTED_EQUAL for v in fuzz):
        fuzz_note = "fuzz budget"
    elif fuzz and all(fuzz_not_applicable(v) for v in fuzz) and not llm_made:
        fuzz_note = f"fuzzing {fuzz[0].detail}"
    else:
        missing.append("the fuzz budget" if not fuzz else f"fuzzing ({fuzz[-1].kind.value}: {fuzz[-1].detail})")
    if c_source and not any(v.kind == VerdictKind.TESTED_EQUAL for v in by_checker.get("ubsan", [])):
        missing.append("a clean UBSan run")
    if missing:
        inconclusive = [v.checker for v in verdicts if v.kind == VerdictKind.INCONCLUSIVE and v.checker != "fuzz"]
        note = f" (inconclusive: {', '.join(inconclusive)})" if inconclusive else ""
        return Evidence(False, "", "not proved against the baseline and missing " + ", ".join(missing) + note)
    parts = ["differential tests", fuzz_note] + (["UBSan"] if c_source else [])
    return Evidence(True, "tested", "passed " + " + ".join(parts))
