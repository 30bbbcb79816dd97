"""Fuzzing with the domain oracle: inputs on which the ORIGINAL is undefined (detected by
its ASan + UBSan build) are discarded, never counted; every other input is still judged."""
from __future__ import annotations

from pathlib import Path

import pytest

from llmcc.outcome import Fallback
from llmcc.verify import domain as dom
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.fuzz import MIN_JUDGED, fuzz_candidate, render_target
from llmcc.verify.verdict import VerdictKind
from test_difftest import compile_candidate, make_context

REPO = Path(__file__).resolve().parents[2]
QUICKSORT = REPO / "bench" / "rewrite_corpus" / "quicksort_insertion"


def _setup(tmp_path: Path, source: str, function: str):
    ctx = make_context(tmp_path, source, function, has_main=False)
    plan = build_test_plan(ctx, function)
    assert not isinstance(plan, Fallback), plan
    oracle = dom.domain_object(ctx.toolchain, Path(ctx.source_path), [], tmp_path / "domain.o")
    assert oracle is not None
    return ctx, plan, oracle


def _fuzz(ctx, plan, cand, oracle, seconds=2.0):
    return fuzz_candidate(ctx.toolchain, plan, ctx.baseline_object, cand, seconds=seconds,
                          workdir=ctx.workdir / "fuzz", domain=oracle)


def test_hooks_cover_asan_entry_points_only():
    renames = dom.hook_renames({"__asan_report_load4", "__asan_report_store_n", "__asan_load8",
                                "__asan_storeN", "__asan_memcpy", "__asan_init", "memcpy",
                                "__asan_register_elf_globals"})
    assert set(renames) == {"__asan_report_load4", "__asan_report_store_n", "__asan_load8",
                            "__asan_storeN", "__asan_memcpy"}
    text = dom.hooks_c(renames)
    for hook in renames.values():
        assert f"{hook}(" in text
    assert "__asan_region_is_poisoned" in text and "__asan_default_options" in text


def test_known_good_quicksort_rewrite_is_accepted_only_with_the_domain(tmp_path):
    # The corpus case: the harness takes 'lo' for a's length, so random (lo, hi) index
    # past the buffer, undefined in the original too. Without the oracle such an input
    # was judged (the versions scribble differently: refused in the corpus run, or the
    # heap broke and the fuzzer died); with it, it is discarded.
    ctx, plan, oracle = _setup(tmp_path, (QUICKSORT / "kernel.c").read_text(), "quicksort")
    good = compile_candidate(ctx, QUICKSORT / "rewrite.c")
    with_domain = _fuzz(ctx, plan, good, oracle)
    assert with_domain.checker == "fuzz" and with_domain.kind is VerdictKind.TESTED_EQUAL, with_domain
    assert with_domain.data["domain"] is True
    assert with_domain.data["judged"] >= MIN_JUDGED and with_domain.data["discarded"] > 0


WRONG_QUICKSORT = """
static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }
void quicksort(int *a, int lo, int hi) {
  if ((long long)hi - lo > 20) return;          /* wrong: long ranges are left unsorted */
  while (lo < hi) {
    int pivot = a[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap(&a[i], &a[j]); i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}
"""


def test_wrong_quicksort_is_caught_on_in_domain_inputs(tmp_path):
    # Only inputs with hi - lo > 20 inside the buffer show it: buffers hold slack elements
    # past their (guessed) length, so such inputs are in the original's domain.
    ctx, plan, oracle = _setup(tmp_path, (QUICKSORT / "kernel.c").read_text(), "quicksort")
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, WRONG_QUICKSORT, "wrong"), oracle, seconds=3.0)
    assert verdict.checker == "fuzz" and verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "buffer a differs" in verdict.counterexample


def test_a_trapdoor_on_one_in_domain_value_is_still_found(tmp_path):
    # x * y overflows (undefined) on most random inputs, which are discarded; the
    # trapdoor's x = 999331 with a small y is in the domain, and the fuzzer finds it.
    ctx, plan, oracle = _setup(tmp_path, "int scale(int x, int y) { return x * y; }\n", "scale")
    trap = compile_candidate(ctx, "int scale(int x, int y) { if (x == 999331) return 0; return x * y; }\n",
                             "trap")
    verdict = _fuzz(ctx, plan, trap, oracle, seconds=3.0)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "x = 999331" in verdict.counterexample and "return values differ" in verdict.counterexample


def test_a_difference_only_where_the_original_overflows_is_discarded(tmp_path):
    # clang folds 'x + 1 > x' to 1; the rewrite answers 0 at INT_MAX, where the
    # original's addition overflows (UBSan): not a counterexample under refinement.
    ctx, plan, oracle = _setup(tmp_path, "int grows(int x) { return x + 1 > x; }\n", "grows")
    cand = compile_candidate(ctx, "int grows(int x) { return x != 2147483647; }\n", "grows2")
    blind = _fuzz(ctx, plan, cand, None)
    assert blind.kind is VerdictKind.TESTED_DIFFERENT and "x = 2147483647" in blind.counterexample, blind
    seen = _fuzz(ctx, plan, cand, oracle)
    assert seen.kind is VerdictKind.TESTED_EQUAL, seen
    assert seen.data["discarded"] >= 1 and seen.data["judged"] >= MIN_JUDGED


def test_out_of_bounds_writes_and_reads_where_the_original_stays_in_bounds_are_caught(tmp_path):
    ref = "#include <stddef.h>\nint sum_fill(int *a, size_t n) {\n  int s = 0;\n" \
          "  for (size_t i = 0; i < n; i++) { s += a[i]; a[i] = (int)i; }\n  return s; }\n"
    ctx, plan, oracle = _setup(tmp_path, ref, "sum_fill")
    # Also zeroes the elements up to the next multiple of 4 (reads nothing there).
    writes = compile_candidate(ctx, ref.replace("return s;", "for (size_t i = n; i < ((n + 3) & ~(size_t)3); i++)"
                                                " a[i] = 0;\n  return s;"), "writes")
    verdict = _fuzz(ctx, plan, writes, oracle)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "buffer a differs" in verdict.counterexample
    # Reads one element past n (and writes nothing there): the sum sees it.
    reads = compile_candidate(ctx, ref.replace("return s;", "if (n) s += a[n] & 1;\n  return s;"), "reads")
    verdict = _fuzz(ctx, plan, reads, oracle)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "return values differ" in verdict.counterexample


def test_a_function_undefined_on_every_input_is_inconclusive(tmp_path):
    ctx, plan, oracle = _setup(tmp_path, "#include <stddef.h>\n"
                               "int before(const int *p, size_t n) { return p[-1] + (int)n; }\n", "before")
    verdict = _fuzz(ctx, plan, ctx.baseline_object, oracle)
    assert verdict.checker == "fuzz" and verdict.kind is VerdictKind.INCONCLUSIVE, verdict
    assert verdict.data["judged"] == 0 and verdict.data["discarded"] > 0
    assert "judged" in verdict.detail
    # Too few judged inputs earn one longer run (it cannot help here: the verdict stands).
    assert verdict.data["rounds"] == 2 and verdict.data["budget"] > verdict.data["seconds"] / 10


def test_the_oracle_runs_from_the_reference_state(tmp_path):
    # pos advances before the store: once pos reaches 8 the original writes past tab
    # (ASan: global redzone). The oracle's own copy of pos would run on past discarded
    # inputs and wrap back into bounds; copied from the reference's it stays at 8, so
    # every later input is discarded and too few are judged.
    ref = "int tab[8]; int pos;\nint push(int x) { pos = (pos + 1) & 15; tab[pos] = x; return pos; }\n"
    ctx, plan, oracle = _setup(tmp_path, ref, "push")
    verdict = _fuzz(ctx, plan, ctx.baseline_object, oracle)
    assert verdict.kind is VerdictKind.INCONCLUSIVE, verdict
    assert verdict.data["judged"] <= 8 and verdict.data["discarded"] > 100


def test_global_state_is_still_compared_and_not_disturbed_by_the_oracle(tmp_path):
    # 'cur' points at each copy's own 'buf'; the oracle runs with the reference's
    # pointer and stores through it into the reference's buf, which is restored.
    ref = "int buf[4]; int *cur = buf; int n_calls;\nint put(int x) { n_calls++; *cur = x; return buf[0] + x; }\n"
    ctx, plan, oracle = _setup(tmp_path, ref, "put")
    same = compile_candidate(ctx, ref.replace("n_calls++", "++n_calls"), "same")
    assert _fuzz(ctx, plan, same, oracle).kind is VerdictKind.TESTED_EQUAL
    dropped = compile_candidate(ctx, ref.replace("n_calls++;", ""), "dropped")
    verdict = _fuzz(ctx, plan, dropped, oracle)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "'n_calls' differs" in verdict.counterexample


def test_target_without_oracle_has_no_sanitizer_hooks(tmp_path):
    ctx = make_context(tmp_path, "int one(int x) { return x; }\n", "one", has_main=False)
    plan = build_test_plan(ctx, "one")
    text = render_target(plan.signature, [])
    assert "__asan" not in text and "LLMCC-FUZZ-COUNTS" in text


@pytest.mark.parametrize("judged, discarded, skipped, kind", [
    (150, 5000, 0, VerdictKind.TESTED_EQUAL),      # enough judged, however many discarded
    (60, 10, 2, VerdictKind.TESTED_EQUAL),         # a slow function: most inputs judged
    (60, 400, 0, VerdictKind.INCONCLUSIVE),        # the domain ate the budget
    (50, 10, 600, VerdictKind.TESTED_EQUAL),       # mostly too slow (a 2^31 loop bound): the speed
    (19, 0, 600, VerdictKind.INCONCLUSIVE),        # ... but not below the floor
    (15, 0, 0, VerdictKind.INCONCLUSIVE),          # never enough
])
def test_too_few_judged_inputs_is_inconclusive(judged, discarded, skipped, kind):
    from types import SimpleNamespace
    from llmcc.verify.fuzz import _verdict
    result = SimpleNamespace(returncode=0, killed=None, stdout=b"", stderr=b"")
    data = {"seconds": 3.0, "judged": judged, "discarded": discarded, "skipped": skipped}
    verdict = _verdict(result, data)
    assert verdict.checker == "fuzz" and verdict.kind is kind, verdict
    if kind is VerdictKind.INCONCLUSIVE:
        assert f"only {judged} fuzzed inputs judged" in verdict.detail


def test_a_target_that_prints_no_counts_is_inconclusive():
    from types import SimpleNamespace
    from llmcc.verify.fuzz import _verdict
    result = SimpleNamespace(returncode=0, killed=None, stdout=b"", stderr=b"Done 100 runs")
    assert _verdict(result, {"seconds": 1.0}).kind is VerdictKind.INCONCLUSIVE


def test_flags_that_define_overflow_turn_its_check_off():
    assert dom.defined_by_flags(["-O2"]) == []
    assert dom.defined_by_flags(["-fwrapv"]) == ["-fno-sanitize=signed-integer-overflow"]
    assert dom.defined_by_flags(["-fno-strict-overflow"]) == \
        ["-fno-sanitize=pointer-overflow,signed-integer-overflow"]
    assert dom.defined_by_flags(["-fwrapv", "-fno-wrapv"]) == []


def test_under_fwrapv_a_rewrite_wrong_only_on_overflow_is_caught(tmp_path):
    # With -fwrapv, 'x + 1 > x' is 0 at INT_MAX (defined: it wraps), so the oracle must
    # not discard that input; without -fwrapv the same input is discarded (see above).
    import subprocess
    ctx, plan, _ = _setup(tmp_path, "int grows(int x) { return x + 1 > x; }\n", "grows")
    subprocess.run([str(ctx.toolchain.clang), "-O2", "-fwrapv", "-c", str(ctx.source_path), "-o",
                    str(ctx.baseline_object)], check=True)
    oracle = dom.domain_object(ctx.toolchain, Path(ctx.source_path), ["-O2", "-fwrapv"], tmp_path / "wrapv.o")
    cand = compile_candidate(ctx, "int grows(int x) { return 1; }\n", "always")
    verdict = _fuzz(ctx, plan, cand, oracle)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "x = 2147483647" in verdict.counterexample, verdict


def test_read_only_tables_are_not_copied_into_the_oracle(tmp_path):
    # lua's ceillog2 reads a static const table (.rodata): copying the reference's state
    # into the oracle must skip it (writing it crashed the target: "killed memory").
    case = REPO / "bench" / "rewrite_corpus" / "lua_ceillog2"
    ctx, plan, oracle = _setup(tmp_path, (case / "kernel.c").read_text(), "luaO_ceillog2")
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, case / "rewrite.c", "good"), oracle)
    assert verdict.kind is VerdictKind.TESTED_EQUAL, verdict
    assert verdict.data["judged"] >= MIN_JUDGED


CORPUS = REPO / "bench" / "rewrite_corpus"


def test_a_pointer_free_struct_pointer_is_fuzzed_as_its_bytes(tmp_path):
    # zlib's detect_data_type(deflate_state *s): the struct holds ct_data dyn_ltree[573].
    case = CORPUS / "zlib_detect_data_type"
    ctx, plan, oracle = _setup(tmp_path, (case / "kernel.c").read_text(), "detect_data_type")
    good = _fuzz(ctx, plan, compile_candidate(ctx, case / "rewrite.c", "good"), oracle)
    assert good.kind is VerdictKind.TESTED_EQUAL and good.data["judged"] >= MIN_JUDGED, good
    # Forgets that a carriage return (byte 13) alone makes the block text.
    wrong = (case / "kernel.c").read_text().replace("\n            || s->dyn_ltree[13].Freq != 0)", ")")
    assert "dyn_ltree[13]" not in wrong
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, wrong, "wrong"), oracle, seconds=3.0)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "return values differ" in verdict.counterexample, verdict


def test_row_buffers_and_nan_outputs(tmp_path):
    # matmul(n, double a[450][450], ...): n counts rows (capped so a buffer fits the input);
    # a NaN product is compared as the one quiet NaN (its sign is unspecified).
    case = CORPUS / "matmul_ikj"
    ctx, plan, oracle = _setup(tmp_path, (case / "kernel.c").read_text(), "matmul")
    good = _fuzz(ctx, plan, compile_candidate(ctx, case / "rewrite.c", "good"), oracle)
    assert good.kind is VerdictKind.TESTED_EQUAL, good
    wrong = (case / "kernel.c").read_text().replace("for (int i = 0; i < n; i++)",
                                                   "for (int i = 0; i < (n > 5 ? 5 : n); i++)")
    assert "n > 5" in wrong
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, wrong, "wrong"), oracle)
    assert verdict.kind is VerdictKind.TESTED_DIFFERENT and "buffer c differs" in verdict.counterexample, verdict


def test_a_rewrite_undefined_where_the_original_is_defined_is_caught(tmp_path):
    # The corpus's first quicksort rewrite tested hi - lo > 16 before lo < hi: on an empty
    # range with extreme bounds (lo = 17, hi = INT_MIN) the original does nothing, the
    # rewrite overflows and runs wild. The input is in the original's domain: judged, and
    # the rewrite's wild writes either show as a divergence or kill the fuzzer (on a seed,
    # outside the guarded call): both refuse it, never TESTED_EQUAL.
    from llmcc.verify.evidence import judge
    ctx, plan, oracle = _setup(tmp_path, (QUICKSORT / "kernel.c").read_text(), "quicksort")
    wrong = (QUICKSORT / "rewrite.c").read_text().replace("while (lo < hi && hi - lo > 16)", "while (hi - lo > 16)")
    assert "while (hi - lo > 16)" in wrong
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, wrong, "overflowing"), oracle, seconds=3.0)
    assert verdict.checker == "fuzz" and verdict.kind in (VerdictKind.TESTED_DIFFERENT, VerdictKind.INCONCLUSIVE), verdict
    assert verdict.data.get("judged") is None            # it did not run to the end of its budget
    from llmcc.verify.verdict import Verdict
    passed = [Verdict(VerdictKind.TESTED_EQUAL, c, "passed") for c in ("objcheck", "isa", "difftest-function", "ubsan")]
    evidence = judge(passed + [verdict], c_source=True, llm_made=True)
    assert not evidence.may_emit and "fuzz" in evidence.reason, evidence


def test_an_oracle_that_does_not_link_is_not_the_candidates_fault(tmp_path):
    ctx, plan, _ = _setup(tmp_path, "int twice(int x) { return x + x; }\n", "twice")
    broken_src = tmp_path / "broken.c"
    broken_src.write_text("extern int nowhere_defined;\nint twice(int x) { return x + x + nowhere_defined; }\n")
    broken = dom.domain_object(ctx.toolchain, broken_src, [], tmp_path / "broken.o")
    assert broken is not None
    verdict = _fuzz(ctx, plan, compile_candidate(ctx, "int twice(int x) { return 2 * x; }\n", "good"), broken)
    assert verdict.kind is VerdictKind.TESTED_EQUAL and verdict.data["domain"] is False, verdict
