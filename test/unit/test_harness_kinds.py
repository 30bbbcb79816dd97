"""The built-in harness for the signatures of issue 12's corpus: struct fields that are
arrays of pointer-free structs (zlib's ``ct_data dyn_ltree[573]``), a pointer without a
length (bzip2's ``Int32 *cftab``) and ``double (*)[450]`` rows bound to ``n`` (matmul).

For each: the known-good rewrite of ``bench/rewrite_corpus`` is TESTED_EQUAL on the
built-in tests, and a wrong rewrite (one skipped entry, one flipped comparison, a loop
interchange without its alias check) is TESTED_DIFFERENT by ``difftest-function``."""
from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from llmcc.outcome import Fallback
from llmcc.verify import inputs as gen
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.harness import LOOKUP_ELEMENTS, synthesize_harness
from llmcc.verify.inputs import BufferParam, BufferValue, LengthParam, StructPtrParam
from llmcc.verify.verdict import VerdictKind
from test_difftest import make_context
from test_observe_state import check

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "rewrite_corpus"


def corpus_plan(tmp_path, case: str, function: str):
    ctx = make_context(tmp_path, (CORPUS / case / "kernel.c").read_text(), case, has_main=False)
    plan = build_test_plan(ctx, function)
    assert not isinstance(plan, Fallback), plan
    return ctx, plan


def known_good(case: str) -> str:
    return (CORPUS / case / "rewrite.c").read_text()


def assert_caught(verdict) -> str:
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, verdict
    assert verdict.checker == "difftest-function", verdict
    return verdict.counterexample


# --------------------------------------------------------------------------- struct arrays


def test_array_of_pointer_free_structs_is_a_byte_array_with_the_same_layout(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "zlib_detect_data_type", "detect_data_type")
    (s,) = plan.signature.params
    assert isinstance(s, StructPtrParam)
    # ct_data is two unions of one ush: 4 bytes, aligned to 2 -> 2 * 573 unsigned shorts.
    (f,) = s.fields
    assert (f.name, f.kind, f.type.name, f.count) == ("dyn_ltree", "array", "unsigned short", 1146)
    # The edge inputs include an all-zero table (every zero-test branch taken) and sparse ones.
    tables = [inp.values[0][0] for inp in plan.correctness]
    assert any(not any(t) for t in tables)
    assert any(0 < sum(1 for x in t if x) < len(t) // 4 for t in tables)


def test_known_good_detect_data_type_rewrite_is_tested_equal(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "zlib_detect_data_type", "detect_data_type")
    verdict = check(ctx, plan, known_good("zlib_detect_data_type"), "good")
    assert verdict.kind == VerdictKind.TESTED_EQUAL, verdict
    assert verdict.data["rare_calls_compared"] > 1146      # one call per entry of the table


@pytest.mark.parametrize("what, old, new, caught_by", [
    # Freq of byte 13 is unsigned short 26 of the table: the call that sets it alone.
    ("forgets allow-listed byte 13", "| (1UL << 13)", "", "only [26] non-zero"),
    # Byte 7 is neither text nor binary: only a text byte next to it shows the change.
    ("block-lists byte 7", "0xf3ffc07fUL", "0xf3ffc0ffUL", "[14] non-zero over a sparse background"),
    # ORs only the low byte of each frequency: a frequency of 256 is missed.
    ("tests one byte of a frequency", "any |= s->dyn_ltree[n].Freq;",
     "any |= (unsigned char)s->dyn_ltree[n].Freq;", "non-zero"),
])
def test_wrong_detect_data_type_rewrites_are_caught(tmp_path, what, old, new, caught_by):
    ctx, plan = corpus_plan(tmp_path, "zlib_detect_data_type", "detect_data_type")
    wrong = known_good("zlib_detect_data_type").replace(old, new)
    assert wrong != known_good("zlib_detect_data_type")
    counterexample = assert_caught(check(ctx, plan, wrong, "wrong"))
    assert "s->dyn_ltree" in counterexample and caught_by in counterexample, (what, counterexample)


def test_nested_aggregates_keep_every_offset(tmp_path):
    source = tmp_path / "nest.c"
    source.write_text(
        "struct pair { short a; int b; };\n"
        "struct s { char c; struct pair in[3]; union { float f; unsigned u; } un; long tail; };\n"
        "long get_tail(struct s *p) { p->in[1].a++; return p->tail + p->c; }\n"
        "struct bad { char c; struct { int *p; } in; };\nint nope(struct bad *b) { return b->c; }\n")
    obj = tmp_path / "nest.o"
    subprocess.run(["clang-22", "-O2", "-c", str(source), "-o", str(obj)], check=True)
    spec = synthesize_harness(_toolchain(), source, [], "get_tail")
    assert not isinstance(spec, Fallback), spec
    fields = [(f.name, f.kind, f.type.name, f.count) for f in spec.signature.params[0].fields]
    assert fields == [("c", "scalar", "char", 1), ("in", "array", "unsigned int", 6),
                      ("un", "array", "unsigned int", 1), ("tail", "scalar", "long", 1)]
    exe = tmp_path / "nest"
    subprocess.run(["clang-22", "-O1", str(spec.write(tmp_path / "h.c")), str(obj), "-o", str(exe)], check=True)
    for inp in spec.correctness:
        out = subprocess.run([str(exe), *inp.argv], capture_output=True, check=True).stdout.decode()
        ret = int.from_bytes(bytes.fromhex(out.splitlines()[0].split(":")[1]), "little", signed=True)
        c, _, _, tail = inp.values[0]
        # The function read tail and c at the offsets the harness wrote them to.
        assert ret == (tail + c + 2**63) % 2**64 - 2**63, (inp.describe(), out)
    refused = synthesize_harness(_toolchain(), source, [], "nope")
    assert isinstance(refused, Fallback) and "holds a pointer" in refused.detail


def _toolchain():
    from llmcc.toolchain import find_toolchain
    return find_toolchain()


# --------------------------------------------------------------------------- pointer, no length


def test_pointer_without_length_is_a_table_of_a_fixed_extent(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "bzip2_index_into_f", "BZ2_indexIntoF")
    indx, cftab = plan.signature.params
    assert isinstance(cftab, BufferParam) and cftab.fixed_length == LOOKUP_ELEMENTS == 1024
    assert cftab.extent_from == "default" and cftab.length_param is None
    # Half the edge inputs hold a non-decreasing table of small values (a cumulative table).
    assert any(list(v.items) == sorted(v.items) and max(v.items) < 5000
               for v in (inp.values[1] for inp in plan.correctness))
    source = tmp_path / "far.c"
    source.write_text("int far(const int *t) { return t[2000] - t[0]; }\n")
    spec = synthesize_harness(ctx.toolchain, source, [], "far")
    (t,) = spec.signature.params
    assert (t.fixed_length, t.extent_from) == (2001, "code constant")


def test_known_good_index_into_f_rewrite_is_tested_equal(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "bzip2_index_into_f", "BZ2_indexIntoF")
    verdict = check(ctx, plan, known_good("bzip2_index_into_f"), "good")
    assert verdict.kind == VerdictKind.TESTED_EQUAL, verdict


def test_index_into_f_with_one_flipped_comparison_is_caught(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "bzip2_index_into_f", "BZ2_indexIntoF")
    good = known_good("bzip2_index_into_f")
    wrong = good.replace("(indx >= cftab[nb + 4])", "(indx > cftab[nb + 4])")
    assert wrong != good
    counterexample = assert_caught(check(ctx, plan, wrong, "flip"))
    # Where indx equals the probed entry: only tables with repeated small values give that.
    assert "indx=" in counterexample, counterexample


# --------------------------------------------------------------------------- rows of K


def test_rows_of_fixed_length_arrays_bound_to_n(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "matmul_ikj", "matmul")
    n, a, b, c = plan.signature.params
    assert isinstance(n, LengthParam) and n.cap == 450
    assert all(isinstance(p, BufferParam) and p.row_length == 450 and p.length_param == 0 for p in (a, b, c))
    for inp in plan.correctness:
        rows = inp.values[0]
        assert 0 <= rows <= gen.CORRECTNESS_ROW_ELEMENTS // 450
        for v in inp.values[1:]:
            assert v.alias_of is not None or len(v.items) >= rows * 450
    assert max(inp.values[0] for inp in plan.correctness) == 9
    assert any(v.alias_of is not None for inp in plan.correctness for v in inp.values[1:])
    # Scale sizes stop at the cap (n = 450: 91M multiply-adds) instead of repeating it.
    assert [inp.size for inp in gen.scale_inputs(plan.signature.params)] == [30, 300, 450]


def test_known_good_matmul_interchange_is_tested_equal(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "matmul_ikj", "matmul")
    verdict = check(ctx, plan, known_good("matmul_ikj"), "good")
    assert verdict.kind == VerdictKind.TESTED_EQUAL, verdict


def test_matmul_interchange_without_its_alias_check_is_caught(tmp_path):
    ctx, plan = corpus_plan(tmp_path, "matmul_ikj", "matmul")
    good = known_good("matmul_ikj")
    wrong = good.replace("rows_disjoint(n, c, a) && rows_disjoint(n, c, b)", "1")
    assert wrong != good
    counterexample = assert_caught(check(ctx, plan, wrong, "noalias", rare=False))
    assert "&arg" in counterexample, counterexample      # an input where c overlaps a or b


ROWS = """
void scale_rows(int n, float (*m)[4], float f) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < 4; j++) m[i][j] *= f;
}
"""


def test_rows_not_bounding_the_inner_index_are_not_capped_at_k(tmp_path):
    # n counts rows only (the inner loop runs to the constant 4): capping n at 4 would
    # leave every n > 4 untested, and a rewrite that stops after 4 rows would pass.
    ctx = make_context(tmp_path, ROWS, "rows", has_main=False)
    plan = build_test_plan(ctx, "scale_rows")
    assert not isinstance(plan, Fallback), plan
    n, m, _ = plan.signature.params
    assert m.row_length == 4 and n.cap == gen.MAX_SCALE_ELEMENTS // 4
    assert max(inp.values[0] for inp in plan.correctness) > 4
    stops = ROWS.replace("i < n;", "i < n && i < 4;")
    assert_caught(check(ctx, plan, stops, "stops", rare=False))
    assert check(ctx, plan, ROWS.replace("m[i][j] *= f", "m[i][j] = m[i][j] * f"), "same").kind \
        == VerdictKind.TESTED_EQUAL


# --------------------------------------------------------------------------- NaNs and inputs


def test_nan_sign_is_not_a_difference_but_every_other_bit_is(tmp_path):
    source = "double prod(const double *x, int n) { double p = 1.0; for (int i = 0; i < n; i++) p = p * x[i]; return p; }\n"
    ctx = make_context(tmp_path, source, "prod", has_main=False)
    plan = build_test_plan(ctx, "prod")
    # x[i] * p: the same products, operands swapped (which NaN an x86 multiply passes on
    # depends on operand order): NaN results may differ in sign, nothing else does.
    swapped = source.replace("p = p * x[i]", "p = x[i] * p")
    assert check(ctx, plan, swapped, "swapped").kind == VerdictKind.TESTED_EQUAL
    signed_zero = source.replace("return p;", "return p == 0.0 ? 0.0 : p;")   # -0.0 -> +0.0
    assert_caught(check(ctx, plan, signed_zero, "zero", rare=False))


def test_array_fill_patterns_and_one_hot_slots():
    u16 = gen.SCALAR_TYPES["unsigned short"]
    rng = random.Random(1)
    assert gen.array_fill(u16, 50, 0, True, rng) == (0,) * 50
    sparse = gen.array_fill(u16, 400, 1, True, rng)
    assert 0 < sum(1 for x in sparse if x) < 200
    table = gen.ascending_items(gen.SCALAR_TYPES["int"], 300, rng)
    assert list(table) == sorted(table) and len(set(table)) < 300
    p = StructPtrParam("s", "t", (gen.FieldSpec("h", "array", u16, 5),))
    slots = gen.one_hot_slots((p,))
    assert [e for _, _, e, _ in slots] == [gen.ARRAY_ZERO, 0, 1, 2, 3, 4, -3, -4, -5, -6, -7]
    assert gen.array_pattern_text(-5) == "[2] non-zero over a sparse background"
    assert isinstance(BufferValue(items=table), BufferValue)


def test_struct_layout_and_bytes_match_the_compiler(tmp_path):
    # The byte view a buffer-only driver (the fuzz target) can use for a pointer-free struct.
    source = tmp_path / "lay.c"
    source.write_text(
        "struct pair { short a; int b; };\n"
        "struct s { char c; struct pair in[3]; union { float f; unsigned u; } un; long tail; double d; };\n"
        "long get(struct s *p) { return p->tail; }\n")
    spec = synthesize_harness(_toolchain(), source, [], "get")
    (p,) = spec.signature.params
    size, offsets = gen.struct_layout(p)
    check_c = tmp_path / "check.c"
    check_c.write_text(source.read_text() + "#include <stddef.h>\n"
                       f"_Static_assert(sizeof(struct s) == {size}, \"size\");\n"
                       f"_Static_assert(offsetof(struct s, in) == {offsets[1]}, \"in\");\n"
                       f"_Static_assert(offsetof(struct s, un) == {offsets[2]}, \"un\");\n"
                       f"_Static_assert(offsetof(struct s, tail) == {offsets[3]}, \"tail\");\n"
                       f"_Static_assert(offsetof(struct s, d) == {offsets[4]}, \"d\");\n")
    subprocess.run(["clang-22", "-fsyntax-only", str(check_c)], check=True)
    assert gen.pointer_free(p)
    view = gen.as_byte_buffer(p)
    assert view.fixed_length == size and view.is_void
    value = spec.correctness[2].values[0]
    data = gen.struct_bytes(p, value)
    assert len(data) == size
    assert int.from_bytes(data[offsets[3]:offsets[3] + 8], "little", signed=True) == value[3]


# --------------------------------------------------------------------------- enum parameters

ENUM_KERNEL = """typedef enum { ROUND_EQ, ROUND_FLOOR, ROUND_CEIL } Mode;
int convert(int x, int *out, Mode mode) {
  int q = x / 4, r = x % 4;
  if (r != 0) {
    if (mode == ROUND_EQ) return 0;
    if (mode == ROUND_CEIL) q += 1;
  }
  *out = q;
  return 1;
}
"""


def test_an_enum_parameter_is_its_integer_type_and_never_a_length(tmp_path):
    ctx = make_context(tmp_path, ENUM_KERNEL, "enums", has_main=False)
    plan = build_test_plan(ctx, "convert")
    assert not isinstance(plan, Fallback), plan
    x, out, mode = plan.signature.params
    assert (mode.name, mode.type.name) == ("mode", "int") and not isinstance(mode, LengthParam)
    assert isinstance(out, BufferParam) and out.length_param is None
    # Each enumerator meets the other parameters' edges in the correctness inputs.
    assert mode.choices == (0, 1, 2)
    assert {inp.values[2] for inp in plan.correctness} >= {0, 1, 2}
    # A rewrite that mishandles one enumerator (ROUND_CEIL) is caught...
    wrong = ENUM_KERNEL.replace("if (mode == ROUND_CEIL) q += 1;", "if (mode == ROUND_CEIL) q += x > 0;")
    assert_caught(check(ctx, plan, wrong, "ceil_sign"))
    # ...and so is one that treats a value outside the enumerators differently: C lets any
    # int reach the function, and the original rounds down for every other value.
    assert_caught(check(ctx, plan, ENUM_KERNEL.replace("if (mode == ROUND_CEIL) q += 1;",
                                                      "if (mode >= ROUND_CEIL) q += 1;"), "not_floor"))
    assert check(ctx, plan, ENUM_KERNEL.replace("int q = x / 4, r = x % 4;",
                                                "int q = x / 4, r = x - q * 4;"), "same").kind \
        == VerdictKind.TESTED_EQUAL


def test_enums_wider_than_int_are_refused_and_fixed_types_kept(tmp_path):
    from llmcc.verify.harness import Unsupported, dump_ast, signature_from_ast
    src = tmp_path / "e.c"
    src.write_text("enum big { B0, B1 = 0x100000000LL };\nenum small : unsigned char { S0 };\n"
                   "enum e { A, B = 5, C, D = -2 + 1, E = A };\nint pick(enum e v) { return v; }\n"
                   "int wide(enum big b) { return (int)b; }\nint narrow(enum small s) { return s; }\n")
    ast = dump_ast(make_context(tmp_path, "int x;\n", "unused", has_main=False).toolchain, src, ["-std=c2x"])
    with pytest.raises(Unsupported, match="wider than int"):
        signature_from_ast(ast, "wide", src.read_bytes())
    (s,) = signature_from_ast(ast, "narrow", src.read_bytes()).params
    assert s.type.name == "unsigned char"
    (v,) = signature_from_ast(ast, "pick", src.read_bytes()).params
    assert (v.type.name, v.choices) == ("int", (0, 5, 6, -1))
