"""The built-in checker agrees with Alive2 on every fixture pair (real alive-tv outputs in
../shared/fixtures/alive2, unroll bounds as in RUNS.tsv)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import alive2_fixtures

from llmcc.verify.smt import check_refinement
from llmcc.verify.verdict import VerdictKind

FIXTURES = alive2_fixtures()
P, R, I, V = (VerdictKind.PROVED, VerdictKind.REFUTED, VerdictKind.INCONCLUSIVE,
              VerdictKind.INVALID)

# (file, src, tgt, unroll, expected). Alive2's "correct" on a loop it only unrolled is an
# under-approximation: the built-in checker must not turn it into PROVED (inconclusive).
CASES = [
    ("01_correct_mul_shl", "src", "tgt", 0, P),
    ("02_incorrect_add1_add2", "src", "tgt", 0, R),
    ("03_incorrect_nsw_dropped", "src", "tgt", 0, R),
    ("04_correct_nsw_fold", "src", "tgt", 0, P),
    ("05_incorrect_more_poison", "src", "tgt", 0, R),
    ("06_loop_correct", "src", "tgt", 0, I),
    ("06_loop_correct", "src", "tgt", 8, I),
    ("07_loop_incorrect", "src", "tgt", 0, R),
    ("07_loop_incorrect", "src", "tgt", 8, R),
    ("10_loop_bug_after_4_iters", "src", "tgt", 0, I),   # Alive2: false "correct"
    ("10_loop_bug_after_4_iters", "src", "tgt", 4, I),   # Alive2: false "correct"
    ("10_loop_bug_after_4_iters", "src", "tgt", 5, R),
    ("10_loop_bug_after_4_iters", "src", "tgt", 8, R),
    ("11_unknown_intrinsic", "src", "tgt", 0, I),
    ("12_signature_mismatch", "src", "tgt", 0, V),
    ("13_multi_pairs", "src", "tgt", 0, P),
    ("13_multi_pairs", "src1", "tgt1", 0, R),
    ("13_multi_pairs", "src_b", "tgt_b", 0, P),          # source always UB
    ("14_unsupported_metadata", "src", "tgt", 0, I),
]


def _text(name: str) -> str:
    return (FIXTURES / f"{name}.srctgt.ll").read_text()


@pytest.mark.parametrize("name,src,tgt,unroll,expected", CASES,
                         ids=[f"{c[0]}-{c[1]}-u{c[3]}" for c in CASES])
def test_checker_agrees_with_alive2(name, src, tgt, unroll, expected):
    verdict = check_refinement(_text(name), _text(name), src, tgt, unroll=unroll, timeout_ms=5000)
    assert verdict.kind == expected, verdict.detail
    assert verdict.checker == "smt"


def test_loop_bound_is_the_stated_reason():
    verdict = check_refinement(_text("10_loop_bug_after_4_iters"),
                               _text("10_loop_bug_after_4_iters"), "src", "tgt", unroll=4)
    assert "loop" in verdict.detail and "bound" in verdict.detail


def test_counterexamples_match_alive2s():
    loop = check_refinement(_text("10_loop_bug_after_4_iters"), _text("10_loop_bug_after_4_iters"),
                            "src", "tgt", unroll=8)
    assert "i32 %n = #x00000005 (5)" in loop.counterexample
    assert "Source value: #x00000005 (5)" in loop.counterexample
    assert "Target value: #x00000007 (7)" in loop.counterexample
    poison = check_refinement(_text("05_incorrect_more_poison"), _text("05_incorrect_more_poison"),
                              "src", "tgt")
    assert "i32 %x = #x7fffffff" in poison.counterexample
    assert "Target value: poison" in poison.counterexample
    assert "more poisonous" in poison.detail


def test_hard_mul_assoc_is_never_refuted():
    # Alive2 timed out on both runs (no verdict). The transformation is correct, so a
    # proof or an inconclusive answer agrees with it; a refutation would not.
    verdict = check_refinement(_text("08_hard_mul_assoc"), _text("08_hard_mul_assoc"), "src", "tgt",
                               timeout_ms=500)
    assert verdict.kind in (P, I)


def test_two_file_pair():
    verdict = check_refinement((FIXTURES / "09_twofile_src.ll").read_text(),
                               (FIXTURES / "09_twofile_tgt.ll").read_text(), "f")
    assert verdict.kind == P


def test_broken_input_is_invalid():
    verdict = check_refinement((FIXTURES / "15_broken_input.ll").read_text(),
                               _text("01_correct_mul_shl"), "src", "tgt")
    assert verdict.kind == V and "expected type" in verdict.detail
