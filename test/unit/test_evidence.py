"""The one evidence rule: proved against the baseline, or tests + fuzz budget + UBSan."""
from __future__ import annotations

from llmcc.verify.evidence import against_baseline, judge
from llmcc.verify.verdict import Verdict, VerdictKind

OBJ = Verdict(VerdictKind.TESTED_EQUAL, "objcheck", "symbols and code sane")
ISA = Verdict(VerdictKind.TESTED_EQUAL, "isa", "only instructions the target enables")
TESTS = Verdict(VerdictKind.TESTED_EQUAL, "difftest-function", "15 inputs agree")
FUZZ = Verdict(VerdictKind.TESTED_EQUAL, "fuzz", "100000 fuzzed inputs agree")
UBSAN = Verdict(VerdictKind.TESTED_EQUAL, "ubsan", "no report")
PROVED = Verdict(VerdictKind.PROVED, "smt", "refines")


def test_tests_fuzz_and_ubsan_together_let_a_candidate_through():
    ok = judge([OBJ, ISA, TESTS, FUZZ, UBSAN], c_source=True)
    assert ok.may_emit and ok.basis == "tested"
    assert judge([OBJ, ISA, TESTS, FUZZ], c_source=False).may_emit


def test_each_missing_piece_of_tested_evidence_blocks_emission():
    assert "fuzz budget" in judge([OBJ, ISA, TESTS], c_source=False).reason
    assert not judge([OBJ, ISA, TESTS], c_source=False).may_emit
    assert not judge([OBJ, ISA, FUZZ], c_source=False).may_emit
    no_ubsan = judge([OBJ, ISA, TESTS, FUZZ], c_source=True)
    assert not no_ubsan.may_emit and "UBSan" in no_ubsan.reason
    assert not judge([ISA, TESTS, FUZZ], c_source=False).may_emit      # no object check
    assert not judge([OBJ, TESTS, FUZZ], c_source=False).may_emit      # no ISA check
    stopped = Verdict(VerdictKind.INCONCLUSIVE, "fuzz", "the fuzzer stopped")
    assert not judge([OBJ, ISA, TESTS, stopped], c_source=False).may_emit


def test_fuzzing_that_does_not_apply_is_named_in_the_reason():
    program = Verdict(VerdictKind.INCONCLUSIVE, "fuzz", "not applicable: program mode", data={"applicable": False})
    ev = judge([OBJ, ISA, Verdict(VerdictKind.TESTED_EQUAL, "difftest-program", "ok"), program], c_source=False)
    assert ev.may_emit and "not applicable" in ev.reason


def test_only_a_proof_against_the_baseline_is_proof():
    assert not judge([OBJ, ISA, PROVED], c_source=True).may_emit          # against what? not proof
    proof = judge([OBJ, ISA, against_baseline(PROVED)], c_source=True)
    assert proof.may_emit and proof.basis == "proved"
    unknown = against_baseline(Verdict(VerdictKind.INCONCLUSIVE, "alive2", "loop bound"))
    assert not judge([OBJ, ISA, unknown], c_source=False).may_emit        # inconclusive is never proof


def test_any_refutation_rejects_even_with_a_proof():
    for bad in (Verdict(VerdictKind.INVALID, "isa", "vpaddd needs AVX2"),
                Verdict(VerdictKind.TESTED_DIFFERENT, "fuzz", "x = 999331"),
                Verdict(VerdictKind.TESTED_DIFFERENT, "ubsan", "overflow"),
                Verdict(VerdictKind.REFUTED, "smt", "counterexample")):
        ev = judge([OBJ, ISA, against_baseline(PROVED), TESTS, FUZZ, UBSAN, bad], c_source=True)
        assert not ev.may_emit and ev.reason.startswith(bad.checker)


def test_model_written_tests_alone_never_suffice():
    # A generator that never calls the function agrees on every input: without the
    # built-in tests only a proof may admit the candidate (the hostile suite's Lua hole).
    model_only = Verdict(VerdictKind.TESTED_EQUAL, "difftest-function", "15 inputs agree",
                         data={"model_written": True})
    ev = judge([OBJ, ISA, model_only, FUZZ], c_source=False)
    assert not ev.may_emit and "built-in differential tests" in ev.reason
    assert judge([OBJ, ISA, model_only, TESTS, FUZZ], c_source=False).may_emit     # they add
    assert judge([OBJ, ISA, model_only, against_baseline(PROVED)], c_source=False).may_emit


def test_a_model_written_candidate_needs_fuzzing_or_a_proof():
    program = Verdict(VerdictKind.INCONCLUSIVE, "fuzz", "not applicable: program mode", data={"applicable": False})
    tests = Verdict(VerdictKind.TESTED_EQUAL, "difftest-program", "ok")
    ev = judge([OBJ, ISA, tests, program], c_source=False, llm_made=True)
    assert not ev.may_emit and "fuzzing" in ev.reason
    assert judge([OBJ, ISA, tests, program], c_source=False, llm_made=False).may_emit   # pipeline edit
    assert judge([OBJ, ISA, tests, program, against_baseline(PROVED)], c_source=False, llm_made=True).may_emit
