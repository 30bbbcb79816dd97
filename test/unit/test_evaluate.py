"""The candidate evaluator: test plans (or why a TU is untestable), the check order
(object check, formal verdict, differential test, UBSan), measurement, and that it never
raises."""
from __future__ import annotations

import dataclasses
import json

import pytest

from llmcc.config import load_settings
from llmcc.outcome import Fallback
from llmcc.verify.evaluate import Evaluation, build_test_plan, evaluate_candidate
from llmcc.verify.verdict import Verdict, VerdictKind
from test_difftest import DATA, compile_candidate, make_context


@pytest.fixture(scope="module")
def pop(tmp_path_factory):
    """One popcount TU and its plan, shared: building a plan costs a dozen sandboxed runs."""
    ctx = make_context(tmp_path_factory.mktemp("pop"), (DATA / "fn_pop.ref.c").read_text(), "pop",
                       has_main=False)
    plan = build_test_plan(ctx, "pop")
    assert not isinstance(plan, Fallback), plan
    return ctx, plan


def test_correct_candidate_is_measured_against_the_baseline(pop):
    ctx, plan = pop
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c")
    ev = evaluate_candidate(ctx, plan, cand)
    assert ev.correct, ev.reason
    assert [v.checker for v in ev.verdicts] == ["objcheck", "isa", "difftest-function"]
    assert ev.comparison is not None and ev.speedup == ev.comparison.speedup
    assert len(ev.comparison.ref_samples) == len(ev.comparison.cand_samples) == 3  # measure.repetitions
    assert ev.accepted == ev.comparison.accepted
    assert "vs baseline" in ev.reason
    json.dumps(ev.to_json())   # the report can store it
    # Against the best candidate so far instead of the baseline (the tuner's rollback rule).
    again = evaluate_candidate(ctx, plan, cand, best_so_far=cand)
    assert again.correct and again.comparison is not None
    assert "vs best so far" in again.reason


def test_wrong_candidate_is_rejected_and_not_measured(tmp_path):
    ctx = make_context(tmp_path, (DATA / "fn_split.ref.c").read_text(), "split", has_main=False)
    plan = build_test_plan(ctx, "split")
    ev = evaluate_candidate(ctx, plan, compile_candidate(ctx, DATA / "fn_split.bad.c"))
    assert not ev.correct and not ev.accepted
    assert ev.comparison is None and ev.speedup is None
    assert ev.reason.startswith("differential test: tested_different")
    assert ev.verdicts[-1].counterexample


def test_program_mode_evaluation(tmp_path):
    ctx = make_context(tmp_path, (DATA / "prog_half.ref.c").read_text(), "half", has_main=True)
    plan = build_test_plan(ctx, None)
    assert plan.mode == "program"
    bad = evaluate_candidate(ctx, plan, compile_candidate(ctx, DATA / "prog_half.bad.c"), measure=False)
    assert not bad.correct
    same = evaluate_candidate(ctx, plan, ctx.baseline_object, measure=False)
    assert same.correct and same.reason == "correct (not measured)"


def test_refuted_formal_verdict_rejects_before_testing(pop):
    ctx, plan = pop
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c")
    refuted = Verdict(VerdictKind.REFUTED, "smt", "counterexample found", counterexample="x = 3")
    ev = evaluate_candidate(ctx, plan, cand, formal=refuted)
    assert not ev.correct
    assert ev.reason.startswith("formal check: refuted")
    assert not any(v.checker.startswith("difftest") for v in ev.verdicts)


def test_inconclusive_formal_verdict_does_not_reject_passing_tests(pop):
    ctx, plan = pop
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c")
    unknown = Verdict(VerdictKind.INCONCLUSIVE, "alive2", "loop bound reached")
    ev = evaluate_candidate(ctx, plan, cand, formal=unknown, measure=False)
    assert ev.correct and not ev.accepted
    assert "formal check inconclusive" in ev.reason
    assert unknown in ev.verdicts


def test_candidate_source_with_undefined_behaviour_is_rejected(tmp_path):
    ctx = make_context(tmp_path, (DATA / "fn_mul7.ref.c").read_text(), "mul7", has_main=False)
    plan = build_test_plan(ctx, "mul7")
    source = DATA / "fn_mul7.ub.c"
    ev = evaluate_candidate(ctx, plan, compile_candidate(ctx, source), candidate_source=source,
                            measure=False)
    assert not ev.correct
    assert ev.reason.startswith("UBSan: tested_different")
    good = DATA / "fn_mul7.good.c"
    ok = evaluate_candidate(ctx, plan, compile_candidate(ctx, good, "good"), candidate_source=good,
                            measure=False)
    assert ok.correct, ok.reason


def test_untestable_translation_units_give_a_fallback(tmp_path):
    ctx = make_context(tmp_path / "a", "static int twice(int x) { return 2 * x; }\n"
                       "int use(int x) { return twice(x); }\n", "lib", has_main=False)
    no_function = build_test_plan(ctx, None)
    assert isinstance(no_function, Fallback) and no_function.reason == "untestable"
    static = build_test_plan(ctx, "twice")
    assert isinstance(static, Fallback) and "twice" in static.detail
    prog = make_context(tmp_path / "b", "int helper(void);\nint main(void) { return helper(); }\n",
                        "needs_other_tu", has_main=True)
    # It links against a trapping stand-in for helper(), which every input reaches.
    unlinked = build_test_plan(prog, None)
    assert isinstance(unlinked, Fallback) and "crashes on 10" in unlinked.detail


def test_slow_scale_inputs_are_dropped_from_the_plan(tmp_path):
    quadratic = ("#include <stddef.h>\nlong pairs(const int *a, size_t n) { long c = 0;\n"
                 "  for (size_t i = 0; i < n; i++) for (size_t j = 0; j < n; j++) c += a[i] < a[j];\n"
                 "  return c; }\n")
    ctx = make_context(tmp_path, quadratic, "pairs", has_main=False)
    plan = build_test_plan(ctx, "pairs")
    assert 1 <= len(plan.scale) < 5
    assert len(plan.detail["scale_dropped"]) == 5 - len(plan.scale)
    assert max(i.size for i in plan.scale) < 300000


def test_evaluator_never_raises(pop, tmp_path):
    ctx, plan = pop
    missing = evaluate_candidate(ctx, plan, tmp_path / "no-such.o")
    assert isinstance(missing, Evaluation) and not missing.correct
    plan = dataclasses.replace(plan, harness_c=tmp_path / "vanished.c")   # broken plan: internal error
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c")
    broken = evaluate_candidate(ctx, plan, cand)
    assert not broken.correct and broken.reason.startswith("internal error")



def test_instruction_count_mode_is_deterministic(tmp_path):
    import shutil

    if shutil.which("valgrind") is None and shutil.which("perf") is None:
        pytest.skip("no instruction counter (valgrind / perf) installed")
    ctx = make_context(tmp_path, (DATA / "fn_half.ref.c").read_text(), "half", has_main=False)
    ctx.settings = load_settings(env={"LLMCC_MEASURE_MODE": "instructions"})
    plan = build_test_plan(ctx, "half")
    plan.scale = plan.scale[:1]          # a small batch: valgrind is ~50x slower than native
    ev = evaluate_candidate(ctx, plan, ctx.baseline_object)
    assert ev.correct and ev.comparison is not None, ev.reason
    assert ev.comparison.deterministic
    # The same object counts (nearly: the loader varies by a few hundred instructions) the same.
    assert abs(ev.speedup - 1.0) < 0.01 and not ev.accepted


def test_nondeterministic_reference_output_makes_the_tu_untestable(tmp_path):
    # Prints a stack address: differs run to run (ASLR), so no input can judge a candidate.
    source = '#include <stdio.h>\nint main(void) { int x; printf("%p\\n", (void *)&x); return 0; }\n'
    ctx = make_context(tmp_path, source, "addr", has_main=True)
    plan = build_test_plan(ctx, None)
    assert isinstance(plan, Fallback) and "not deterministic" in plan.detail


def test_too_fast_to_time_is_averaged_over_repeated_calls(tmp_path):
    # One call takes nanoseconds: the harness repeats it until the total is measurable and
    # reports the average, so the comparison uses real per-call costs, not process noise.
    source = "#include <stddef.h>\nint first_or_zero(const int *a, size_t n) { return n ? a[0] : 0; }\n"
    ctx = make_context(tmp_path, source, "first", has_main=False)
    plan = build_test_plan(ctx, "first_or_zero")
    ev = evaluate_candidate(ctx, plan, ctx.baseline_object)
    assert ev.correct and ev.comparison is not None
    assert not any("whole-process CPU time" in note for note in ev.comparison.notes)
    samples = ev.comparison.ref_samples + ev.comparison.cand_samples
    assert all(0 < x < 1e-4 for x in samples)     # per-call averages, far below process start-up
    assert not ev.accepted                          # the object against itself is never faster


def test_instruction_mode_counts_per_call_so_slower_code_counts_more(tmp_path):
    # The harness repeats fast calls for 20 ms: counted whole, a slower candidate ran fewer
    # calls and looked "faster". Counted per call, -O0 code is clearly the slower one.
    import shutil

    if shutil.which("valgrind") is None and shutil.which("perf") is None:
        pytest.fail("no instruction counter (valgrind / perf) installed")
    source = ("#include <stddef.h>\nunsigned total(const unsigned *a, size_t n) { unsigned s = 0;\n"
              "  for (size_t i = 0; i < n; i++) s += a[i] * 3u;\n  return s; }\n")
    ctx = make_context(tmp_path, source, "total", has_main=False)
    ctx.settings = load_settings(env={"LLMCC_MEASURE_MODE": "instructions"})
    plan = build_test_plan(ctx, "total")
    plan.scale = plan.scale[:2]
    slow = ctx.cwd / "slow.o"
    import subprocess
    subprocess.run([str(ctx.toolchain.clang), "-O0", "-c", str(ctx.source_path), "-o", str(slow)], check=True)
    ev = evaluate_candidate(ctx, plan, slow)
    assert ev.correct and ev.comparison is not None and ev.comparison.deterministic, ev.reason
    assert ev.speedup < 0.7 and not ev.accepted
    # And the other way round: the -O2 object against the -O0 one is counted faster.
    back = evaluate_candidate(ctx, plan, ctx.baseline_object, best_so_far=slow)
    assert back.speedup > 1.4 and back.accepted


def test_emission_gate_requires_the_evidence_rule_and_re_measures(pop):
    from llmcc.verify.evaluate import confirm_for_emission
    from llmcc.verify.evidence import against_baseline

    ctx, plan = pop
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c", "gate")
    tested = confirm_for_emission(ctx, {"pop": plan}, cand)
    assert tested.correct and tested.evidence.may_emit and tested.evidence.basis == "tested", tested.reason
    assert {"objcheck", "isa", "difftest-function", "fuzz"} <= {v.checker for v in tested.verdicts}
    assert tested.comparison is not None and len(tested.comparison.ref_samples) == 3   # fresh runs
    assert "re-measured against the baseline" in tested.reason
    # A proof against the baseline needs no fuzzing; a proof of unknown origin is no proof.
    proof = against_baseline(Verdict(VerdictKind.PROVED, "smt", "refines"))
    proved = confirm_for_emission(ctx, {"pop": plan}, cand, formal={"pop": proof})
    assert proved.evidence.basis == "proved" and "fuzz" not in {v.checker for v in proved.verdicts}
    unknown = confirm_for_emission(ctx, {"pop": plan}, cand,
                                   formal={"pop": Verdict(VerdictKind.PROVED, "smt", "refines")})
    assert unknown.evidence.basis == "tested"
    # A wrong candidate never passes the gate, whatever it claims.
    wrong = compile_candidate(ctx, "unsigned pop(unsigned x) { return x ? __builtin_popcount(x) : 1; }\n", "wrong")
    refused = confirm_for_emission(ctx, {"pop": plan}, wrong, formal={"pop": proof})
    assert not refused.accepted and not refused.correct
    assert refused.verdicts[-1].checker in ("difftest-function", "fuzz")


def test_timing_inputs_without_a_generator_are_the_builtin_plans_largest_scale_input():
    from llmcc.verify.evaluate import timing_inputs
    from llmcc.verify.plan import TestPlan

    builtin = TestPlan(mode="function", function="f", harness_c=None, correctness=["c0", "c1"],
                       scale=["s0", "s1", "s2"], seed=0)
    assert timing_inputs(builtin) == (builtin, ["s2"])
    # A model-written plan times its own largest scale input while it has one...
    model = TestPlan(mode="function", function="f", harness_c=None, correctness=["g0"], scale=["gs0", "gs1"],
                     seed=0, detail={"generator": "gen.c"}, builtin=builtin)
    assert timing_inputs(model) == (model, ["gs1"])
    # ...and the built-in one's (in the built-in harness) when none is left.
    model.scale = []
    plan, timed = timing_inputs(model)
    assert plan is builtin and timed == ["s2"]
    # Only a plan with no scale input anywhere falls back to its last correctness input.
    builtin.scale = []
    plan, timed = timing_inputs(model)
    assert plan is model and timed == ["g0"]


def test_moved_object_has_the_same_code_one_placement_further(pop):
    from elftools.elf.elffile import ELFFile

    from llmcc.verify.evaluate import PLACEMENT_SHIFT_BYTES, _difftest_dir, _shifted_object

    ctx, _ = pop

    def text_and_pop(path):
        with open(path, "rb") as f:
            elf = ELFFile(f)
            sym = elf.get_section_by_name(".symtab").get_symbol_by_name("pop")[0]
            return elf.get_section_by_name(".text").data(), sym["st_value"], sym["st_size"]

    moved = _shifted_object(ctx, ctx.baseline_object, _difftest_dir(ctx))
    assert not isinstance(moved, Fallback), moved
    text, at, size = text_and_pop(ctx.baseline_object)
    moved_text, moved_at, moved_size = text_and_pop(moved)
    assert moved_at == at + PLACEMENT_SHIFT_BYTES and moved_size == size
    assert moved_text[:PLACEMENT_SHIFT_BYTES] == b"\xcc" * PLACEMENT_SHIFT_BYTES
    assert moved_text[PLACEMENT_SHIFT_BYTES:] == text      # relocations still to apply: same bytes


def test_emission_gate_refuses_a_speedup_that_vanishes_when_the_code_moves(pop, monkeypatch):
    # A loop straddling a fetch boundary in one link only (zlib slide_hash: identical vector
    # loops, "2.4x" from placement alone): faster in the first link, not with the code moved.
    import llmcc.verify.evaluate as evaluate
    from llmcc.measure.timing import decide

    ctx, plan = pop
    cand = compile_candidate(ctx, DATA / "fn_pop.good.c", "placed")
    measured = []

    def fake_measure(ctx, plan, reference_obj, candidate_obj, workdir, allow):
        moved = reference_obj.name.startswith("moved-")
        assert moved == candidate_obj.name.startswith("moved-")   # both sides move alike
        measured.append(moved)
        cand_cost = 1.0 if moved else 0.5
        return decide([1.0, 1.01, 0.99, 1.02, 0.98], [cand_cost * x for x in (1.0, 1.01, 0.99, 1.02, 0.98)])

    monkeypatch.setattr(evaluate, "_measure", fake_measure)
    proof = evaluate.against_baseline(Verdict(VerdictKind.PROVED, "smt", "refines"))
    gated = evaluate.confirm_for_emission(ctx, {"pop": plan}, cand, formal={"pop": proof})
    assert measured == [False, True]
    assert gated.correct and not gated.accepted, gated.reason
    assert gated.speedup == pytest.approx(1.0) and gated.comparison.shifted_speedup == pytest.approx(1.0)
    assert gated.comparison.speedup == pytest.approx(2.0)          # both placements are reported
    assert "(pop 2.000x, 1.000x with the code moved 32 bytes)" in gated.reason
    assert "not faster with the code moved 32 bytes" in gated.comparison.why_not()
    # A speedup that holds at both placements passes.
    monkeypatch.setattr(evaluate, "_measure", lambda *a: decide([1.0, 1.01, 0.99, 1.02, 0.98],
                                                                 [0.5, 0.505, 0.495, 0.51, 0.49]))
    real = evaluate.confirm_for_emission(ctx, {"pop": plan}, cand, formal={"pop": proof})
    assert real.accepted and "with the code moved 32 bytes" in real.reason, real.reason
    # The moved timing asks whether the gain is the code's: its median must clear the margin,
    # but a noisy (not significant) 1.15x there does not undo the first, significant result.
    noisy = iter([decide([1.0, 1.01, 0.99, 1.02, 0.98], [0.85, 0.86, 0.84, 0.87, 0.83]),
                  decide([1.0, 1.4, 0.7, 1.3, 0.8], [0.87, 1.2, 0.6, 1.1, 0.7])])
    monkeypatch.setattr(evaluate, "_measure", lambda *a: next(noisy))
    held = evaluate.confirm_for_emission(ctx, {"pop": plan}, cand, formal={"pop": proof})
    assert held.accepted, held.reason
    assert held.comparison.shifted_speedup == pytest.approx(1.0 / 0.87, rel=0.02)
