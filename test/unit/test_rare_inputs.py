"""Rare-path inputs: boundary values of every integer parameter, the constants of the
reference's and the candidate's code with their neighbours, lengths just past every bound,
full-range scalars. Wrong rewrites that hide on one rare value or range are rejected by
the differential test with the rare call as counterexample; correct ones still pass, and
calls the reference fails on are reported in the plan."""
from __future__ import annotations

from llmcc.outcome import Fallback
from llmcc.verify import inputs as gen
from llmcc.verify.difftest import object_constants, split_calls
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.inputs import BufferParam, LengthParam, ScalarParam
from llmcc.verify.verdict import VerdictKind
from test_difftest import make_context
from test_observe_state import check, compile_text

ADLER = """
#include <stddef.h>
#include <stdint.h>
uint32_t adler(uint32_t adler, const unsigned char *buf, size_t len) {
  uint32_t a = adler & 0xffff, b = adler >> 16;
  for (size_t i = 0; i < len; i++) { a = (a + buf[i]) % 65521; b = (b + a) % 65521; }
  return (b << 16) | a;
}
"""

MIX = """
#include <stdint.h>
uint64_t mix(uint64_t n, uint32_t k) {
  uint64_t h = n * 0x9E3779B97F4A7C15ull;
  return (h ^ (h >> 29)) + k;
}
"""

U32 = gen.SCALAR_TYPES["unsigned int"]
I32 = gen.SCALAR_TYPES["int"]
U64 = gen.SCALAR_TYPES["unsigned long"]


def plan_for(tmp_path, source: str, name: str, function: str):
    ctx = make_context(tmp_path, source, name, has_main=False)
    plan = build_test_plan(ctx, function)
    assert not isinstance(plan, Fallback), plan
    return ctx, plan


def rare_counterexample(verdict) -> str:
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, verdict
    assert verdict.checker == "difftest-function"
    return verdict.counterexample.splitlines()[0]


def test_trapdoor_on_a_value_only_the_candidate_mentions(tmp_path):
    ctx, plan = plan_for(tmp_path, ADLER, "adler", "adler")
    trap = ADLER.replace("uint32_t a = adler", "if (adler == 999331) return 0;\n  uint32_t a = adler")
    verdict = check(ctx, plan, trap, "trap")
    first = rare_counterexample(verdict)
    assert first.startswith("input: candidate constants input") and "adler=999331" in first, first
    assert 999331 in verdict.data["candidate_constants"]
    # The plan's own inputs (without the candidate's constants) do not hit it: luck is not the test.
    assert check(ctx, plan, trap, "trap2", rare=False).kind == VerdictKind.TESTED_EQUAL


def test_early_return_on_a_rare_range_of_a_scalar(tmp_path):
    ctx, plan = plan_for(tmp_path, MIX, "mix", "mix")
    ranged = MIX.replace("uint64_t h =", "if (n > 1000000 && n < (1ull << 32)) return 0;\n  uint64_t h =")
    first = rare_counterexample(check(ctx, plan, ranged, "ranged"))
    n = int(first.split("n=")[1].split(",")[0])
    assert 1_000_000 < n < 2**32, first


def test_loop_that_ignores_input_past_400000_elements(tmp_path):
    ctx, plan = plan_for(tmp_path, ADLER, "adler", "adler")
    assert max(i.size for i in plan.scale) < 400_000      # the plan's own sizes stay below it
    short = ADLER.replace("i < len;", "i < len && i < 400000;")
    first = rare_counterexample(check(ctx, plan, short, "short"))
    assert "len=4000" in first and "length past a bound" in first, first
    size = int(first.split("len=")[1].split(" ")[0].rstrip(","))
    assert size > 400_000


def test_correct_rewrite_with_new_constants_still_passes(tmp_path):
    ctx, plan = plan_for(tmp_path, ADLER, "adler", "adler")
    # Deferred modulo (as zlib does): new constants (5552), same results everywhere.
    good = ADLER.replace(
        "for (size_t i = 0; i < len; i++) { a = (a + buf[i]) % 65521; b = (b + a) % 65521; }",
        "while (len) { size_t k = len < 5552 ? len : 5552; len -= k;\n"
        "  while (k--) { a += *buf++; b += a; }\n  a %= 65521; b %= 65521; }")
    verdict = check(ctx, plan, good, "good")
    assert verdict.kind == VerdictKind.TESTED_EQUAL, verdict
    assert 5552 in verdict.data["candidate_constants"] or 5551 in verdict.data["candidate_constants"]
    assert verdict.data["rare_calls_compared"] > 100


def test_calls_the_reference_fails_on_are_reported_not_dropped(tmp_path):
    source = ("int pick(const int *t, unsigned long n, int k) {\n"
              "  if (k > 1000) __builtin_trap();\n  return n ? t[(unsigned long)k % n] : k; }\n")
    ctx, plan = plan_for(tmp_path, source, "pick", "pick")
    verdict = check(ctx, plan, source, "same")
    assert verdict.kind == VerdictKind.TESTED_EQUAL, verdict
    failed = plan.detail["rare_reference_failed"]
    assert failed["count"] > 10 and "crashed signal" in failed["calls"][0]
    assert "skipped" in verdict.detail


def test_boundary_values_cover_powers_of_two_and_extremes():
    values = gen.boundary_values(U64)
    assert {0, 1, 2**64 - 1, 2**64 - 2, 2**20 - 1, 2**20, 2**20 + 1, 2**32 + 1} <= set(values)
    signed = gen.boundary_values(I32)
    assert {-1, -2**31, -2**31 + 1, 2**31 - 1, -(2**16) - 1} <= set(signed)
    assert gen.constant_values([999331], U32)[:3] == [999330, 999331, 999332]
    assert (-5 & 0xFFFFFFFF) in gen.constant_values([5], U32)     # an lea displacement -5


def test_rare_calls_walk_each_scalar_and_sizes_pass_the_constants():
    params = (ScalarParam("seed", U32), BufferParam("p", I32, const=True, length_param=2),
              LengthParam("n", U64))
    calls = gen.rare_calls(params, constants=[-400000, 77])
    seeds = {c.scalars[0] for c in calls}
    assert {0, 1, 2**32 - 1, 2**31, 76, 77, 78} <= seeds
    sizes = {c.size for c in calls}
    assert {400001, 100001, 78} <= sizes        # elements, and bytes / sizeof(int)
    assert max(sizes) <= gen.MAX_RARE_ELEMENTS
    full = [c for c in calls if c.why == "full-range scalars"]
    assert len(full) == gen.RARE_FULL_RANGE_CALLS and max(c.scalars[0] for c in full) > 1000
    grouped = gen.rare_inputs(params, calls)
    assert sum(len(i.calls) for i in grouped) == len(calls)
    assert all(sum(c.size for c in i.calls) <= gen.RARE_ELEMENTS_PER_INPUT or len(i.calls) == 1 for i in grouped)
    assert gen.rare_calls(params, constants=[5], seed=3) == gen.rare_calls(params, constants=[5], seed=3)


def test_constants_are_read_from_the_code(tmp_path):
    ctx = make_context(tmp_path, ADLER, "adler", has_main=False)
    trap = compile_text(ctx, ADLER.replace("uint32_t a = adler", "if (adler == 999331) return 0;\n  uint32_t a = adler"), "t")
    assert 999331 in object_constants(trap, {"adler"})
    assert 999331 not in object_constants(ctx.baseline_object, {"adler"})


def test_split_calls_separates_the_initial_state_from_each_call():
    head, calls = split_calls(b"pre.x:00\ncall 0\nret:01\ncall 1\ncall 1: crashed signal 11\n")
    assert head == b"pre.x:00\n" and calls == {0: b"ret:01\n", 1: b"call 1: crashed signal 11\n"}


HEAD_ALIGNED = """
#include <stddef.h>
#include <stdint.h>
#include <string.h>
uint64_t sum_bytes(const unsigned char *buf, size_t len) {
  uint64_t s = 0;
  while (len && ((uintptr_t)buf & 7) != 0) { s += *buf++; len--; }
  while (len >= 8) {
    uint64_t w; memcpy(&w, buf, 8);
    for (int k = 0; k < 8; k++) s += (w >> (8 * k)) & 255;
    buf += 8; len -= 8;
  }
  while (len) { s += *buf++; len--; }
  return s;
}
"""


def test_a_wrong_unaligned_head_is_caught_because_buffers_start_misaligned(tmp_path):
    # zlib's crc32_z shape: bytes until 8-byte alignment, then words. A rewrite that is
    # wrong in the head loop only is only wrong for buffers that do not start aligned;
    # calloc's always do, so the harness rotates the buffers' start.
    ctx, plan = plan_for(tmp_path, HEAD_ALIGNED, "head", "sum_bytes")
    wrong = HEAD_ALIGNED.replace("{ s += *buf++; len--; }\n  while (len >= 8)",
                                 "{ s += 2 * *buf++; len--; }\n  while (len >= 8)")
    assert wrong != HEAD_ALIGNED
    verdict = check(ctx, plan, wrong, "head_wrong", rare=False)
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT and verdict.checker == "difftest-function", verdict
    assert check(ctx, plan, HEAD_ALIGNED.replace("s += *buf++; len--; }\n  while (len >= 8)",
                                                 "s += buf[0]; buf++; len--; }\n  while (len >= 8)"),
                 "head_ok").kind == VerdictKind.TESTED_EQUAL
