"""Differential testing catches deliberately wrong candidates in function and program
mode, accepts correct rewrites, and keeps its outcomes distinct (invalid / inconclusive /
UBSan report)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmcc.config import load_settings
from llmcc.outcome import Fallback
from llmcc.toolchain import find_toolchain
from llmcc.tu import TUContext
from llmcc.verify.difftest import run_differential, ubsan_check
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.verdict import VerdictKind

DATA = Path(__file__).parent / "data" / "difftest"


def make_context(tmp_path: Path, source_text: str, name: str, *, has_main: bool) -> TUContext:
    """A TUContext as the driver would build it: the source, its -O2 baseline object."""
    tc = find_toolchain()
    tmp_path.mkdir(parents=True, exist_ok=True)
    src = tmp_path / f"{name}.c"
    src.write_text(source_text)
    obj = tmp_path / f"{name}.o"
    subprocess.run([str(tc.clang), "-O2", "-c", str(src), "-o", str(obj)], check=True)
    (tmp_path / "work").mkdir(exist_ok=True)
    return TUContext(source=str(src), cwd=tmp_path, flags=[], opt_level="-O2", toolchain=tc,
                     settings=load_settings(env={"LLMCC_MEASURE_REPETITIONS": "3"}),
                     workdir=tmp_path / "work", baseline_object=obj, has_main=has_main)


def compile_candidate(ctx: TUContext, source: Path | str, name: str = "cand") -> Path:
    src = Path(source)
    if not src.exists():
        src = ctx.cwd / f"{name}.c"
        src.write_text(str(source))
    obj = ctx.cwd / f"{name}.o"
    subprocess.run([str(ctx.toolchain.clang), "-O2", "-c", str(src), "-o", str(obj)], check=True)
    return obj


def differential(tmp_path: Path, case: str, variant: str, function: str | None):
    ctx = make_context(tmp_path, (DATA / f"{case}.ref.c").read_text(), case,
                       has_main=case.startswith("prog_"))
    plan = build_test_plan(ctx, function)
    assert not isinstance(plan, Fallback), plan
    cand = compile_candidate(ctx, DATA / f"{case}.{variant}.c")
    return run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                            workdir=ctx.workdir / "difftest")


@pytest.mark.parametrize("case, function, what", [
    ("fn_sum", "sum", "off-by-one loop bound"),
    ("fn_avg", "avg", "signed overflow on edge inputs"),
    ("fn_fsum", "total", "float vs double accumulation"),
    ("fn_half", "half", "x/2 vs x>>1 on negatives"),
    ("fn_split", "split", "dropped store to one of two output buffers"),
    ("fn_shift", "add_one", "assumes dst and src do not overlap"),
])
def test_function_mode_catches_wrong_candidates(tmp_path, case, function, what):
    verdict = differential(tmp_path, case, "bad", function)
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, (what, verdict)
    assert verdict.checker == "difftest-function"
    assert verdict.counterexample.startswith("input: correctness")
    assert "--- reference:" in verdict.counterexample and "--- candidate:" in verdict.counterexample


@pytest.mark.parametrize("case, what", [
    ("prog_sum", "off-by-one loop bound"),
    ("prog_avg", "signed overflow on edge inputs"),
    ("prog_half", "x/2 vs x>>1 on negatives"),
    ("prog_file", "dropped part of a written file"),
])
def test_program_mode_catches_wrong_candidates(tmp_path, case, what):
    verdict = differential(tmp_path, case, "bad", None)
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, (what, verdict)
    assert verdict.checker == "difftest-program"
    assert "stdin=" in verdict.counterexample


@pytest.mark.parametrize("case, function", [
    ("fn_pop", "pop"),           # popcount loop -> __builtin_popcount
    ("fn_mul7", "mul7"),         # x*7 -> (x<<3)-x
    ("prog_pop", None),
])
def test_correct_rewrites_are_tested_equal(tmp_path, case, function):
    verdict = differential(tmp_path, case, "good", function)
    assert verdict.kind == VerdictKind.TESTED_EQUAL, verdict
    assert verdict.data["inputs_compared"] >= 10
    assert verdict.data["dropped"] == []


def test_the_alias_case_is_what_catches_a_restrict_candidate(tmp_path):
    verdict = differential(tmp_path, "fn_shift", "bad", "add_one")
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, verdict
    assert "&arg" in verdict.counterexample.splitlines()[0], verdict  # overlapping pointers


def test_candidate_that_does_not_link_is_invalid(tmp_path):
    ctx = make_context(tmp_path, (DATA / "fn_pop.ref.c").read_text(), "pop", has_main=False)
    plan = build_test_plan(ctx, "pop")
    cand = compile_candidate(ctx, "int popcount_renamed(unsigned x) { return __builtin_popcount(x); }\n")
    verdict = run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                               workdir=ctx.workdir / "difftest")
    assert verdict.kind == VerdictKind.INVALID
    assert "pop" in verdict.counterexample


def test_reference_crashing_on_most_inputs_is_inconclusive(tmp_path):
    ctx = make_context(tmp_path, "int picky(int x) { return x != 12345; }\n", "picky", has_main=False)
    plan = build_test_plan(ctx, "picky")
    assert not isinstance(plan, Fallback)
    # Against a reference that traps on nearly every input there is nothing left to compare.
    trapping = compile_candidate(ctx, "int picky(int x) { if (x != 12345) __builtin_trap(); return 0; }\n")
    verdict = run_differential(plan, trapping, ctx.baseline_object, toolchain=ctx.toolchain,
                               workdir=ctx.workdir / "difftest")
    assert verdict.kind == VerdictKind.INCONCLUSIVE
    assert len(verdict.data["dropped"]) >= len(plan.correctness)
    # build_test_plan already refuses such a reference.
    other = make_context(tmp_path / "t", "int picky(int x) { if (x != 12345) __builtin_trap(); return 0; }\n",
                         "picky", has_main=False)
    refused = build_test_plan(other, "picky")
    assert isinstance(refused, Fallback) and "crashes on" in refused.detail


def test_inputs_the_reference_crashes_on_are_dropped_not_failed(tmp_path):
    # The reference traps only on INT_MIN; every other input still counts.
    source = "int neg(int x) { if (x == -2147483647 - 1) __builtin_trap(); return -x; }\n"
    ctx = make_context(tmp_path, source, "neg", has_main=False)
    plan = build_test_plan(ctx, "neg")
    assert len(plan.detail["reference_crashed"]) >= 1          # dropped from the plan up front
    assert len(plan.correctness) >= 7
    cand = compile_candidate(ctx, "int neg(int x) { return 0 - x; }\n")
    verdict = run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                               workdir=ctx.workdir / "difftest")
    assert verdict.kind == VerdictKind.TESTED_EQUAL


def test_candidate_crash_is_different(tmp_path):
    ctx = make_context(tmp_path, (DATA / "fn_half.ref.c").read_text(), "half", has_main=False)
    plan = build_test_plan(ctx, "half")
    cand = compile_candidate(ctx, "int half(int x) { if (x < 0) __builtin_trap(); return x / 2; }\n")
    verdict = run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                               workdir=ctx.workdir / "difftest")
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT
    assert "killed=signal" in verdict.counterexample


def test_ubsan_reports_undefined_behaviour_that_tests_miss(tmp_path):
    ctx = make_context(tmp_path, (DATA / "fn_mul7.ref.c").read_text(), "mul7", has_main=False)
    plan = build_test_plan(ctx, "mul7")
    ub_source = DATA / "fn_mul7.ub.c"
    # The object of the UB source behaves the same at -O2 ...
    same = run_differential(plan, ctx.baseline_object, compile_candidate(ctx, ub_source),
                            toolchain=ctx.toolchain, workdir=ctx.workdir / "difftest")
    assert same.kind == VerdictKind.TESTED_EQUAL
    # ... but UBSan sees the signed overflow.
    verdict = ubsan_check(ub_source, [], plan, toolchain=ctx.toolchain, workdir=ctx.workdir / "ub",
                          reference_source=ctx.source_path)
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT
    assert "signed integer overflow" in verdict.counterexample
    clean = ubsan_check(DATA / "fn_mul7.good.c", [], plan, toolchain=ctx.toolchain,
                        workdir=ctx.workdir / "ub")
    assert clean.kind == VerdictKind.TESTED_EQUAL


def test_ubsan_in_program_mode(tmp_path):
    ctx = make_context(tmp_path, (DATA / "prog_avg.ref.c").read_text(), "avg", has_main=True)
    plan = build_test_plan(ctx, None)
    verdict = ubsan_check(DATA / "prog_avg.bad.c", [], plan, toolchain=ctx.toolchain,
                          workdir=ctx.workdir / "ub")
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT
    assert "2147483647" in verdict.counterexample
    broken = tmp_path / "broken.c"
    broken.write_text("int main(void) { return undeclared; }\n")
    assert ubsan_check(broken, [], plan, toolchain=ctx.toolchain,
                       workdir=ctx.workdir / "ub").kind == VerdictKind.INVALID


def test_reference_outputs_are_reused_across_candidates(tmp_path, monkeypatch):
    ctx = make_context(tmp_path, (DATA / "fn_pop.ref.c").read_text(), "pop", has_main=False)
    plan = build_test_plan(ctx, "pop")
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c")
    run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain, workdir=ctx.workdir / "difftest")
    cached = len(plan.reference_cache.entries)
    plan_inputs = [key for key in plan.reference_cache.entries if key[1] != "rare"]
    assert len(plan_inputs) == len(plan.correctness) + len(plan.scale)
    assert cached > len(plan_inputs)       # rare inputs: the reference's outputs (run twice) kept too
    verdict = run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                               workdir=ctx.workdir / "difftest")
    assert verdict.kind == VerdictKind.TESTED_EQUAL
    assert len(plan.reference_cache.entries) == cached
    # The reference is linked once per harness: the plan's, and each rare-input harness.
    rare_harnesses = len(list((ctx.workdir / "difftest").glob("rare-*.c")))
    assert len(list((ctx.workdir / "difftest").glob("ref-*.exe"))) == 1 + rare_harnesses


def test_library_tu_calling_other_tus_is_tested_with_trapping_stubs(tmp_path):
    source = ("int helper(int);\nextern int table[];\n"
              "int clamp(int x) { return x < 0 ? 0 : x > 100 ? 100 : x; }\n"
              "int via(int x) { return x > 1000 ? helper(x) : table[x & 3]; }\n")
    ctx = make_context(tmp_path, source, "lib", has_main=False)
    plan = build_test_plan(ctx, "clamp")
    assert not isinstance(plan, Fallback), plan
    assert plan.detail["stubbed_symbols"] == ["helper", "table"]
    wrong = compile_candidate(ctx, source.replace("x > 100 ? 100", "x >= 100 ? 99"), "wrong")
    assert run_differential(plan, ctx.baseline_object, wrong, toolchain=ctx.toolchain,
                            workdir=ctx.workdir / "difftest").kind == VerdictKind.TESTED_DIFFERENT
    # A candidate needing a symbol the reference did not need cannot link: invalid.
    greedy = compile_candidate(ctx, source.replace("int clamp(int x) {", "int extra(int);\nint clamp(int x) { if (x == 7) return extra(x);"), "greedy")
    assert run_differential(plan, ctx.baseline_object, greedy, toolchain=ctx.toolchain,
                            workdir=ctx.workdir / "difftest").kind == VerdictKind.INVALID
