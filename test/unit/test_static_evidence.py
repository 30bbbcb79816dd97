"""Static evidence (llmcc.measure.static): llvm-mca cycles weighted by loop depth, IR
instruction count and .text size of a function; the "clearly worse on all three" rule; and
its use in the candidate evaluator (skips timing, never rejects on an unknown metric, never
admits what another check rejects)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from llmcc.measure import static
from llmcc.measure.static import (StaticMetrics, compare_static, disassemble, ir_instruction_count,
                                  loop_shape, mcpu_for, parse_mca_regions, static_metrics)
from llmcc.outcome import Fallback

CLANG = shutil.which("clang-22")
needs_tools = pytest.mark.skipif(CLANG is None or static.llvm_mca() is None,
                                 reason="clang-22 and llvm-mca-22 are needed")

NESTED = """
long nest(int *a, int n, int m) {
  long s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      s += a[i] ^ j;
  return s;
}
int flat(int x) { return x * 3 + 1; }
"""


def _build(tmp_path: Path, source: str, name: str, opt: str = "-O2") -> tuple[Path, str]:
    src = tmp_path / f"{name}.c"
    src.write_text(source)
    obj, ll = tmp_path / f"{name}.o", tmp_path / f"{name}.ll"
    # No vectorizer: the nest stays two plain loops, one inside the other.
    flags = [opt, "-fno-vectorize", "-fno-slp-vectorize", "-fno-unroll-loops"]
    subprocess.run([CLANG, *flags, "-c", str(src), "-o", str(obj)], check=True)
    subprocess.run([CLANG, *flags, "-S", "-emit-llvm", str(src), "-o", str(ll)], check=True)
    return obj, ll.read_text()


@needs_tools
def test_metrics_of_a_loop_nest_and_a_straight_line_function(tmp_path):
    obj, ir = _build(tmp_path, NESTED, "nest")
    nest = static_metrics(obj, function="nest", ir_text=ir)
    flat = static_metrics(obj, function="flat", ir_text=ir)
    assert nest.notes == [] and flat.notes == []
    assert nest.loop_shape == (1, 1)          # one outer loop holding one inner loop
    assert flat.loop_shape == ()
    assert flat.ir_instructions == 3          # mul, add, ret (no labels, no comments)
    assert 0 < flat.text_bytes < nest.text_bytes
    # A loop body counts LOOP_WEIGHT times per depth: far above its share of the bytes.
    assert nest.mca_cycles > static.LOOP_WEIGHT ** 2 * 0.5 > flat.mca_cycles
    whole = static_metrics(obj, function=None, ir_text=ir)
    assert whole.text_bytes >= nest.text_bytes + flat.text_bytes
    assert whole.ir_instructions == nest.ir_instructions + flat.ir_instructions
    assert whole.mca_cycles == pytest.approx(nest.mca_cycles + flat.mca_cycles, rel=0.05)


def test_ir_instruction_count_skips_labels_comments_and_debug_records():
    ir = ('define i32 @"f"(i32 %x) {\nentry:\n  ; a comment\n  %a = add i32 %x, 1\n'
          '    #dbg_value(i32 %x, !1, !DIExpression(), !2)\n  br label %next\n'
          'next:                                  ; preds = %entry\n  ret i32 %a\n}\n'
          'define void @g() {\n  ret void\n}\n')
    assert ir_instruction_count(ir, "f") == 3
    assert ir_instruction_count(ir, None) == 4
    assert ir_instruction_count(ir, "missing") is None


def test_mca_region_parsing_gives_cycles_per_iteration():
    text = ("[0] Code Region - f0\n\nIterations:        100\nInstructions:      500\n"
            "Total Cycles:      250\n\n[1] Code Region - f0l0\n\nIterations:        100\n"
            "Total Cycles:      1200\nBlock RThroughput: 3.0\n")
    assert parse_mca_regions(text) == {"f0": 2.5, "f0l0": 12.0}


def test_the_modelled_cpu_is_the_users_target_not_the_build_machine():
    assert mcpu_for([]) == "x86-64"
    assert mcpu_for(["-march=haswell"]) == "haswell"
    assert mcpu_for(["-march=x86-64-v3", "-mtune=znver3"]) == "znver3"


def _metrics(mca, ir, text, shape=(1,)):
    return StaticMetrics(mca_cycles=mca, ir_instructions=ir, text_bytes=text, loop_shape=shape)


def test_clearly_worse_needs_every_applicable_metric_worse():
    base = _metrics(20.0, 11, 28)
    assert compare_static(base, _metrics(40.0, 20, 60), with_ir=True).clearly_worse
    # One metric not worse (the same IR size): not clearly worse.
    assert not compare_static(base, _metrics(40.0, 11, 60), with_ir=True).clearly_worse
    # Worse by ratio but by less than the absolute minimum (a few bytes): noise.
    tiny = _metrics(1.0, 2, 6)
    assert not compare_static(tiny, _metrics(1.6, 3, 10), with_ir=True).clearly_worse
    # A candidate without IR (asm) is judged on the other two.
    verdict = compare_static(base, _metrics(40.0, None, 60), with_ir=False)
    assert verdict.clearly_worse and verdict.applicable == ("mca_cycles", "text_bytes")


def test_unknown_is_never_worse():
    base = _metrics(20.0, 11, 28)
    for unknown in (_metrics(None, 20, 60), _metrics(40.0, None, 60), _metrics(40.0, 20, None)):
        verdict = compare_static(base, unknown, with_ir=True)
        assert not verdict.clearly_worse and verdict.reason.startswith("unknown:")
    assert not compare_static(_metrics(None, None, None), _metrics(40.0, 20, 60), with_ir=True).clearly_worse


def test_a_different_loop_structure_is_never_clearly_worse():
    """Unrolling and vectorization add loops and grow every static number while running
    fewer iterations: the rule stays out of it."""
    verdict = compare_static(_metrics(20.0, 11, 28, (1,)), _metrics(200.0, 60, 300, (1, 2)), with_ir=True)
    assert not verdict.clearly_worse and "loop structure" in verdict.reason


@needs_tools
def test_a_failing_or_missing_llvm_mca_gives_unknown(tmp_path, monkeypatch):
    obj, _ = _build(tmp_path, NESTED, "nest")
    monkeypatch.setattr(static, "llvm_mca", lambda: shutil.which("false"))
    failed = static_metrics(obj, function="nest")
    assert failed.mca_cycles is None and "mca_cycles: unknown" in failed.notes
    assert failed.text_bytes is not None and failed.loop_shape == (1, 1)
    monkeypatch.setattr(static, "llvm_mca", lambda: None)
    assert static_metrics(obj, function="nest").mca_cycles is None
    # A symbol the object does not have: unknown, no exception.
    missing = static_metrics(obj, function="no_such_function")
    assert missing.text_bytes is None and missing.mca_cycles is None


@needs_tools
def test_loops_are_backward_jumps_inside_the_function(tmp_path):
    obj, _ = _build(tmp_path, NESTED, "nest")
    functions = disassemble(obj, None)
    assert set(functions) >= {"nest", "flat"}
    assert loop_shape({"flat": functions["flat"]}) == ()
    assert loop_shape(functions) == (1, 1)


# --------------------------------------------------------------------------- in the evaluator


@pytest.fixture(scope="module")
def pop(tmp_path_factory):
    from llmcc.verify.evaluate import build_test_plan
    from test_difftest import DATA, make_context

    if static.llvm_mca() is None:
        pytest.skip("llvm-mca-22 is needed")
    ctx = make_context(tmp_path_factory.mktemp("pop"), (DATA / "fn_pop.ref.c").read_text(), "pop",
                       has_main=False)
    plan = build_test_plan(ctx, "pop")
    assert not isinstance(plan, Fallback), plan
    return ctx, plan


def _o0_candidate(ctx, source: str, name: str) -> tuple[Path, Path]:
    """The candidate as unoptimized code: the same loop, clearly more work per iteration."""
    src = ctx.cwd / f"{name}.c"
    src.write_text(source)
    obj, ll = ctx.cwd / f"{name}.o", ctx.cwd / f"{name}.ll"
    subprocess.run([str(ctx.toolchain.clang), "-O0", "-c", str(src), "-o", str(obj)], check=True)
    subprocess.run([str(ctx.toolchain.clang), "-O0", "-S", "-emit-llvm", str(src), "-o", str(ll)], check=True)
    return obj, ll


POP = "int pop(unsigned x) { int c = 0; while (x) { c += x & 1; x >>= 1; } return c; }\n"


def test_a_correct_but_clearly_worse_candidate_skips_timing(pop):
    from llmcc.verify.evaluate import evaluate_candidate

    ctx, plan = pop
    obj, ll = _o0_candidate(ctx, POP, "slow")
    ev = evaluate_candidate(ctx, plan, obj, candidate_ir=ll)
    assert ev.correct and not ev.accepted
    assert ev.rejected_by == "static-evidence" and ev.reason.startswith("static-evidence:")
    assert ev.comparison is None and ev.speedup is None       # never timed
    report = json.loads(json.dumps(ev.to_json()))
    assert report["rejected_by"] == "static-evidence"
    numbers = report["static"]
    assert numbers["clearly_worse"] and numbers["applicable"] == ["mca_cycles", "ir_instructions", "text_bytes"]
    for side in ("baseline", "candidate"):
        assert all(numbers[side][m] is not None for m in ("mca_cycles", "ir_instructions", "text_bytes"))
    # The baseline's numbers are computed once per TU and function, then read back.
    cached = ctx.workdir / "static-baseline-pop-x86_64-1.json"
    assert json.loads(cached.read_text()) == numbers["baseline"]
    # Without measurement (the emission gate's own pass) nothing is rejected by it.
    assert evaluate_candidate(ctx, plan, obj, candidate_ir=ll, measure=False).rejected_by is None


def test_an_unknown_metric_lets_the_worse_candidate_be_timed(pop, monkeypatch):
    from llmcc.verify.evaluate import evaluate_candidate

    ctx, plan = pop
    obj, ll = _o0_candidate(ctx, POP, "slow-unknown")
    monkeypatch.setattr(static, "llvm_mca", lambda: shutil.which("false"))   # llvm-mca fails
    ev = evaluate_candidate(ctx, plan, obj, candidate_ir=ll)
    assert ev.correct and ev.rejected_by is None
    assert ev.comparison is not None                       # timed as before
    assert ev.static is not None and ev.static.reason == "unknown: mca_cycles"


def test_a_good_candidate_is_not_held_back(pop):
    from llmcc.verify.evaluate import evaluate_candidate
    from test_difftest import DATA, compile_candidate

    ctx, plan = pop
    ev = evaluate_candidate(ctx, plan, compile_candidate(ctx, DATA / "fn_pop.good.c"), measure=False)
    assert ev.correct and ev.static is not None and not ev.static.clearly_worse


def test_a_wrong_candidate_is_rejected_by_its_check_not_by_static_evidence(pop):
    from llmcc.verify.evaluate import evaluate_candidate

    ctx, plan = pop
    wrong = POP.replace("return c;", "return c + (c == 7);")
    obj, ll = _o0_candidate(ctx, wrong, "wrong")
    ev = evaluate_candidate(ctx, plan, obj, candidate_ir=ll)
    assert not ev.correct and ev.rejected_by is None
    assert ev.reason.startswith("differential test: tested_different")
    assert ev.static is not None and ev.static.clearly_worse   # computed all the same


# --------------------------------------------------------------------------- known-good rewrites

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "rewrite_corpus"


@needs_tools
def test_no_known_good_rewrite_of_the_corpus_is_clearly_worse(tmp_path):
    """The rule must not cost real wins: every known-good rewrite of the scripted-answer
    corpus (bench/rewrite_corpus, each measured faster than clang -O2) passes it. Many are
    bigger by every count (tables, split loops, unrolling by hand): the loop-structure
    guard and the all-three rule are what keep them."""
    cases = sorted(p for p in CORPUS.iterdir() if (p / "case.json").is_file())
    assert len(cases) >= 20
    for case in cases:
        function = json.loads((case / "case.json").read_text())["function"]
        rewrite = case / "rewrite.c" if (case / "rewrite.c").is_file() else case / "rewrite.ll"
        metrics = []
        for side, src in (("base", case / "kernel.c"), ("cand", rewrite)):
            obj, ll = tmp_path / f"{case.name}-{side}.o", tmp_path / f"{case.name}-{side}.ll"
            lang = ["-x", "ir"] if src.suffix == ".ll" else []
            subprocess.run([CLANG, "-O2", *lang, "-c", str(src), "-o", str(obj)], check=True)
            subprocess.run([CLANG, "-O2", *lang, "-S", "-emit-llvm", str(src), "-o", str(ll)], check=True)
            metrics.append(static_metrics(obj, function=function, ir_text=ll.read_text()))
        verdict = compare_static(*metrics, with_ir=True)
        assert not verdict.clearly_worse, (case.name, verdict.reason)
        assert all(getattr(m, name) is not None for m in metrics
                   for name in ("mca_cycles", "ir_instructions", "text_bytes")), (case.name, metrics)
