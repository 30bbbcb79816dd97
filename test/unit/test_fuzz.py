"""Differential fuzzing (libFuzzer) of candidate objects against the reference."""
from __future__ import annotations

import time

import pytest

from llmcc.outcome import Fallback
from llmcc.verify.evaluate import build_test_plan, evaluate_candidate
from llmcc.verify.fuzz import encode_input, fuzz_candidate
from llmcc.verify.verdict import VerdictKind
from test_difftest import DATA, compile_candidate, make_context

MIX = "int mix(int x, int y) { return x * 3 + (y ^ 5); }\n"
TRAPDOOR = "int mix(int x, int y) { if (x == 999331) return 0; return x * 3 + (y ^ 5); }\n"
MIX_GOOD = "int mix(int x, int y) { return x + x + x + (y ^ 5); }\n"


@pytest.fixture(scope="module")
def mix(tmp_path_factory):
    ctx = make_context(tmp_path_factory.mktemp("mix"), MIX, "mix", has_main=False)
    plan = build_test_plan(ctx, "mix")
    assert not isinstance(plan, Fallback), plan
    return ctx, plan


def _fuzz(ctx, plan, cand, seconds=3.0):
    return fuzz_candidate(ctx.toolchain, plan, ctx.baseline_object, cand, seconds=seconds,
                          workdir=ctx.workdir / "fuzz")


def test_trapdoor_on_one_value_is_found_by_the_fuzzer(mix):
    ctx, plan = mix
    # The built-in tests never reach the trapdoor: only the fuzzer can reject it.
    assert not any(999331 in getattr(i, "values", ()) for i in plan.correctness)
    cand = compile_candidate(ctx, TRAPDOOR, "trapdoor")
    started = time.monotonic()
    verdict = _fuzz(ctx, plan, cand)
    assert verdict.checker == "fuzz" and verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "x = 999331" in verdict.counterexample and "return values differ" in verdict.counterexample
    assert time.monotonic() - started < 30


def test_correct_candidate_survives_the_budget(mix):
    ctx, plan = mix
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, MIX_GOOD, "good"), seconds=2.0)
    assert verdict.checker == "fuzz" and verdict.kind is VerdictKind.TESTED_EQUAL, verdict
    assert verdict.data["executions"] > 1000


def test_comparison_tracing_finds_the_trapdoor_without_the_constant_dictionary(mix, tmp_path):
    # The candidate's IR built with -fsanitize=fuzzer-no-link: libFuzzer sees the operands
    # of 'x == 999331' and writes the constant into its inputs. The control run (no traced
    # build, no dictionary) has nothing to steer it to that one value in 2^32.
    from llmcc.verify.fuzz import instrumented_object
    ctx, plan = mix
    src = tmp_path / "trap.c"
    src.write_text(TRAPDOOR)
    cand = compile_candidate(ctx, src, "trap3")
    traced = instrumented_object(ctx.toolchain, src, ["-O2"], tmp_path / "trap-traced.o")
    assert traced is not None
    found = fuzz_candidate(ctx.toolchain, plan, ctx.baseline_object, cand, seconds=3.0,
                           workdir=ctx.workdir / "fuzz", traced={"candidate": traced}, dictionary=False)
    assert found.checker == "fuzz" and found.kind is VerdictKind.TESTED_DIFFERENT, found
    assert "x = 999331" in found.counterexample
    blind = fuzz_candidate(ctx.toolchain, plan, ctx.baseline_object, cand, seconds=2.0,
                           workdir=ctx.workdir / "fuzz", dictionary=False)
    assert blind.kind is VerdictKind.TESTED_EQUAL, blind


def test_evaluator_fuzzes_and_applies_the_evidence_rule(mix):
    ctx, plan = mix
    trap = evaluate_candidate(ctx, plan, compile_candidate(ctx, TRAPDOOR, "trapdoor2"), measure=False, fuzz=True)
    assert not trap.correct and not trap.may_emit
    # Rejected by a check that ran the trapdoor value (the tests, when they try the
    # candidate's constants, else the fuzzer), never by the speed margin.
    assert trap.verdicts[-1].checker in ("fuzz", "difftest-function")
    assert "999331" in (trap.verdicts[-1].counterexample or "")
    good = compile_candidate(ctx, MIX_GOOD, "good2")
    started = time.monotonic()
    ok = evaluate_candidate(ctx, plan, good, measure=False, fuzz=True)
    assert ok.correct and ok.may_emit and ok.evidence.basis == "tested", ok.reason
    assert ok.verdicts[-1].checker == "fuzz" and ok.verdicts[-1].kind is VerdictKind.TESTED_EQUAL
    assert time.monotonic() - started < 60
    # Without the fuzz budget the same candidate is correct but may not be emitted.
    tests_only = evaluate_candidate(ctx, plan, good, measure=False)
    assert tests_only.correct and not tests_only.may_emit and "fuzz" in tests_only.evidence.reason


def test_dropped_write_to_a_global_is_a_divergence(tmp_path):
    ref = "int calls;\nint bump(int x) { calls++; return x + 1; }\n"
    ctx = make_context(tmp_path, ref, "bump", has_main=False)
    plan = build_test_plan(ctx, "bump")
    cand = compile_candidate(ctx, "int calls;\nint bump(int x) { return x + 1; }\n", "nocount")
    verdict = _fuzz(ctx, plan, cand, seconds=2.0)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "'calls' differs" in verdict.counterexample


def test_buffer_difference_and_seeds(tmp_path):
    ctx = make_context(tmp_path, (DATA / "fn_split.ref.c").read_text(), "split", has_main=False)
    plan = build_test_plan(ctx, "split")
    # The correctness inputs become the fuzzer's seeds, in the target's own byte format.
    assert sum(encode_input(plan.signature, i) is not None for i in plan.correctness) >= 3
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, DATA / "fn_split.bad.c"), seconds=2.0)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "buffer hi differs" in verdict.counterexample


def test_a_candidate_that_crashes_where_the_reference_returns_is_a_divergence(mix):
    ctx, plan = mix
    crash = "int mix(int x, int y) { if (y == 77) __builtin_trap(); return x * 3 + (y ^ 5); }\n"
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, crash, "crash"))
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "candidate crashed" in verdict.counterexample


def test_program_mode_is_not_applicable(tmp_path):
    ctx = make_context(tmp_path, (DATA / "prog_half.ref.c").read_text(), "half", has_main=True)
    plan = build_test_plan(ctx, None)
    verdict = _fuzz(ctx, plan, ctx.baseline_object)
    assert verdict.kind is VerdictKind.INCONCLUSIVE and verdict.data["applicable"] is False


def test_pointer_globals_do_not_diverge_falsely_and_dropped_stores_through_them_do(tmp_path):
    # 'cur' holds each copy's own address of 'buf', so it differs from the start and is
    # not compared; the store through it lands in 'buf', which is.
    ref = "int buf[4]; int *cur = buf; int n_calls;\nint put(int x) { n_calls++; *cur = x; return buf[0] + x; }\n"
    ctx = make_context(tmp_path, ref, "put", has_main=False)
    plan = build_test_plan(ctx, "put")
    same = compile_candidate(ctx, ref.replace("n_calls++", "++n_calls"), "same")
    assert _fuzz(ctx, plan, same, seconds=2.0).kind is VerdictKind.TESTED_EQUAL
    dropped = compile_candidate(ctx, ref.replace("*cur = x; return buf[0] + x;", "return x + x;"), "dropped")
    verdict = _fuzz(ctx, plan, dropped, seconds=2.0)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "'buf' differs" in verdict.counterexample


def test_a_write_past_the_end_of_a_buffer_is_a_divergence(tmp_path):
    ref = "#include <stddef.h>\nvoid fill(int *a, size_t n) { for (size_t i = 0; i < n; i++) a[i] = (int)i; }\n"
    ctx = make_context(tmp_path, ref, "fill", has_main=False)
    plan = build_test_plan(ctx, "fill")
    # Rounds n up to a multiple of 4 and writes the tail: right on every n divisible by 4.
    over = compile_candidate(ctx, "#include <stddef.h>\nvoid fill(int *a, size_t n) {\n"
                             "  for (size_t i = 0; i < ((n + 3) & ~(size_t)3); i++) a[i] = (int)i; }\n", "over")
    verdict = _fuzz(ctx, plan, over, seconds=2.0)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "buffer a differs" in verdict.counterexample and "guard bytes" in verdict.counterexample
