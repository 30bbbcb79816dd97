"""Behaviour of the built-in checker on memory, intrinsics, undef/poison, loops and the
constructs it must refuse (always with the construct named)."""
from __future__ import annotations

import pytest

from llmcc.verify.smt import check_refinement
from llmcc.verify.verdict import VerdictKind

P, R, I, V = (VerdictKind.PROVED, VerdictKind.REFUTED, VerdictKind.INCONCLUSIVE,
              VerdictKind.INVALID)


def check(src: str, tgt: str, **kw):
    return check_refinement(src, tgt, "src", "tgt", **kw)


# --- memory ---------------------------------------------------------------------------

STORE_LOAD = """
define i32 @src(ptr %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  %v = load i32, ptr %p, align 4
  ret i32 %v
}"""


def test_store_to_load_forwarding_is_proved():
    tgt = """
define i32 @tgt(ptr %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret i32 %x
}"""
    assert check(STORE_LOAD, tgt).kind == P


def test_dropping_a_store_is_a_memory_mismatch():
    tgt = """
define i32 @tgt(ptr %p, i32 noundef %x) {
  ret i32 %x
}"""
    verdict = check(STORE_LOAD, tgt)
    assert verdict.kind == R and verdict.detail == "memory mismatch"
    assert "Memory at" in verdict.counterexample


def _two_stores(attr: str) -> str:
    return f"""
define i8 @src(ptr {attr} %p, ptr %q) {{
  store i8 1, ptr %p, align 1
  store i8 2, ptr %q, align 1
  %v = load i8, ptr %p, align 1
  ret i8 %v
}}"""


def _two_stores_tgt(attr: str) -> str:
    return f"""
define i8 @tgt(ptr {attr} %p, ptr %q) {{
  store i8 1, ptr %p, align 1
  store i8 2, ptr %q, align 1
  ret i8 1
}}"""


def test_pointers_may_alias_unless_noalias():
    assert check(_two_stores(""), _two_stores_tgt("")).kind == R
    assert check(_two_stores("noalias"), _two_stores_tgt("noalias")).kind == P


def test_target_cannot_add_noalias():
    verdict = check(_two_stores(""), _two_stores_tgt("noalias"))
    assert verdict.kind == I and "noalias" in verdict.detail


BYTE_LOADS = """
define i16 @src(ptr %p) {
  %a = load i8, ptr %p, align 1
  %q = getelementptr inbounds i8, ptr %p, i64 1
  %b = load i8, ptr %q, align 1
  %a16 = zext i8 %a to i16
  %b16 = zext i8 %b to i16
  %hi = shl i16 %b16, 8
  %r = or disjoint i16 %hi, %a16
  ret i16 %r
}"""


def test_two_byte_loads_merge_into_a_little_endian_load():
    tgt = "define i16 @tgt(ptr %p) {\n  %r = load i16, ptr %p, align 1\n  ret i16 %r\n}"
    assert check(BYTE_LOADS, tgt).kind == P


def test_raising_the_alignment_adds_ub():
    tgt = "define i16 @tgt(ptr %p) {\n  %r = load i16, ptr %p, align 2\n  ret i16 %r\n}"
    verdict = check(BYTE_LOADS, tgt)
    assert verdict.kind == R and "UB" in verdict.detail


def test_speculating_a_load_is_refuted():
    src = """
define i8 @src(ptr %p, i1 %c) {
entry:
  br i1 %c, label %yes, label %no
yes:
  %v = load i8, ptr %p, align 1
  ret i8 %v
no:
  ret i8 0
}"""
    tgt = """
define i8 @tgt(ptr %p, i1 %c) {
  %v = load i8, ptr %p, align 1
  %r = select i1 %c, i8 %v, i8 0
  ret i8 %r
}"""
    verdict = check(src, tgt)
    assert verdict.kind == R and "target is UB" in verdict.detail


def test_dereferenceable_and_align_arguments_allow_speculation():
    src = """
define i8 @src(ptr noundef dereferenceable(2) align 2 %p, i1 %c) {
entry:
  br i1 %c, label %yes, label %no
yes:
  %v = load i8, ptr %p, align 1
  ret i8 %v
no:
  ret i8 0
}"""
    tgt = """
define i8 @tgt(ptr noundef dereferenceable(2) align 2 %p, i1 %c) {
  %q = getelementptr inbounds i8, ptr %p, i64 1
  %u = load i8, ptr %q, align 1
  %v = load i8, ptr %p, align 2
  %r = select i1 %c, i8 %v, i8 0
  ret i8 %r
}"""
    assert check(src, tgt).kind == P
    too_far = tgt.replace("i64 1", "i64 2")
    verdict = check(src, too_far)
    assert verdict.kind == R and "UB" in verdict.detail
    # A wider load is poison as soon as one of its bytes is: not a refinement.
    widened = tgt.replace("%v = load i8, ptr %p, align 2", "%w = load i16, ptr %p, align 2\n"
                          "  %v = trunc i16 %w to i8")
    assert check(src, widened).kind == R


ARRAY_SUM_LOOP = """
define i32 @src(ptr noundef %a) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  %v = load i32, ptr %p, align 4
  %s.next = add i32 %s, %v
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp ult i64 %i.next, 3
  br i1 %c, label %loop, label %exit
exit:
  ret i32 %s.next
}"""


def _unrolled_sum(first_index: int) -> str:
    return f"""
define i32 @tgt(ptr noundef %a) {{
  %v0 = load i32, ptr %a, align 4
  %p1 = getelementptr inbounds [3 x i32], ptr %a, i64 0, i64 {first_index}
  %v1 = load i32, ptr %p1, align 4
  %p2 = getelementptr inbounds i8, ptr %a, i64 8
  %v2 = load i32, ptr %p2, align 4
  %s1 = add i32 %v1, %v0
  %s2 = add i32 %s1, %v2
  ret i32 %s2
}}"""


def test_constant_trip_count_loop_over_an_array_is_proved():
    assert check(ARRAY_SUM_LOOP, _unrolled_sum(1)).kind == P
    assert check(ARRAY_SUM_LOOP, _unrolled_sum(2)).kind == R


def test_loop_longer_than_the_bound_is_inconclusive_never_proved():
    verdict = check(ARRAY_SUM_LOOP, _unrolled_sum(1), unroll=2)
    assert verdict.kind == I and "loop" in verdict.detail


def test_target_may_rename_arguments():
    src = "define i8 @src(i8 %x, ptr %p) {\n  %v = load i8, ptr %p\n  %r = add i8 %x, %v\n  ret i8 %r\n}"
    tgt = "define i8 @tgt(i8 %a, ptr %q) {\n  %v = load i8, ptr %q\n  %r = add i8 %v, %a\n  ret i8 %r\n}"
    assert check(src, tgt).kind == P
    assert check(src, tgt.replace("add i8 %v, %a", "sub i8 %v, %a")).kind == R


def test_function_memory_effects_are_part_of_the_contract():
    src = "define void @src(i8 noundef %x, ptr %p) {\n  store i8 %x, ptr %p\n  ret void\n}"
    tgt = "define void @tgt(i8 noundef %x, ptr %p) {} {{\n  store i8 %x, ptr %p\n  ret void\n}}"
    assert check(src, tgt.format("memory(argmem: readwrite)")).kind == P
    for lie in ("memory(argmem: read)", "memory(read, inaccessiblemem: none)", "memory(none)"):
        verdict = check(src, tgt.format(lie))
        assert verdict.kind == R and "UB" in verdict.detail, lie


def test_initializes_promise_is_checked():
    src = """
define void @src(ptr noundef %p, i32 noundef %x, i1 noundef %c) {
  store i32 %x, ptr %p, align 4
  ret void
}"""
    kept = """
define void @tgt(ptr noundef initializes((0, 4)) %p, i32 noundef %x, i1 noundef %c) {
  store i32 %x, ptr %p, align 4
  %v = load i32, ptr %p, align 4
  ret void
}"""
    assert check(src, kept).kind == P
    reads_first = kept.replace("  store i32 %x, ptr %p, align 4\n  %v = load i32, ptr %p, align 4",
                               "  %v = load i32, ptr %p, align 4\n  store i32 %x, ptr %p, align 4")
    assert check(src, reads_first).kind == R
    # Writing 4 bytes on one path only breaks the promise on the other.
    one_path = """
define void @tgt(ptr noundef initializes((0, 4)) %p, i32 noundef %x, i1 noundef %c) {
entry:
  br i1 %c, label %w, label %done
w:
  store i32 %x, ptr %p, align 4
  br label %done
done:
  ret void
}"""
    src_one_path = one_path.replace("@tgt", "@src").replace(" initializes((0, 4))", "")
    verdict = check(src_one_path, one_path)
    assert verdict.kind == R and "UB" in verdict.detail and "%c = #x0" in verdict.counterexample


# --- stack objects and pointers in memory ---------------------------------------------

O0_STYLE = """
define i32 @src(ptr noundef %p, i32 noundef %x) {
  %slot = alloca ptr, align 8
  %tmp = alloca i32, align 4
  call void @llvm.lifetime.start.p0(ptr %tmp)
  store ptr %p, ptr %slot, align 8
  store i32 %x, ptr %tmp, align 4
  %q = load ptr, ptr %slot, align 8
  %v = load i32, ptr %tmp, align 4
  %w = add i32 %v, 1
  store i32 %w, ptr %q, align 4
  call void @llvm.lifetime.end.p0(ptr %tmp)
  ret i32 %v
}
declare void @llvm.lifetime.start.p0(ptr)
declare void @llvm.lifetime.end.p0(ptr)"""


def test_allocas_and_spilled_pointers_fold_away():
    tgt = """
define i32 @tgt(ptr noundef %p, i32 noundef %x) {
  %w = add i32 %x, 1
  store i32 %w, ptr %p, align 4
  ret i32 %x
}"""
    # Several seconds of solver time: a generous wall clock for a loaded machine.
    assert check(O0_STYLE, tgt, timeout_ms=60000).kind == P
    assert check(O0_STYLE, tgt.replace("add i32 %x, 1", "add i32 %x, 2"), timeout_ms=60000).kind == R


def test_uninitialized_stack_memory_is_poison():
    src = """
define i8 @src() {
  %a = alloca i8, align 1
  %v = load i8, ptr %a, align 1
  ret i8 %v
}"""
    assert check(src, "define i8 @tgt() {\n  ret i8 42\n}").kind == P


def test_pointer_from_the_callers_memory_is_not_trusted():
    src = """
define i32 @src(ptr noundef %pp) {
  %p = load ptr, ptr %pp, align 8
  %v = load i32, ptr %p, align 4
  ret i32 %v
}"""
    verdict = check(src, src.replace("@src", "@tgt"))
    assert verdict.kind == I and "caller's memory" in verdict.detail


def test_target_lifetime_markers_are_inconclusive():
    tgt = O0_STYLE.replace("@src", "@tgt")
    verdict = check(O0_STYLE, tgt)
    assert verdict.kind == I and "llvm.lifetime" in verdict.detail


SWITCH_SRC = """
define i8 @src(i8 noundef %x) {
entry:
  switch i8 %x, label %other [
    i8 0, label %a
    i8 1, label %b
    i8 2, label %c
  ]
a:
  ret i8 10
b:
  ret i8 20
c:
  ret i8 -7
other:
  ret i8 0
}"""


def _table_tgt(table: str, store: str = "") -> str:
    return f"""
@table = private unnamed_addr constant [3 x i8] [{table}], align 1
define i8 @tgt(i8 noundef %x) {{
entry:
  %in = icmp ult i8 %x, 3
  br i1 %in, label %look, label %out
look:
  %i = zext i8 %x to i64
  %p = getelementptr inbounds i8, ptr @table, i64 %i
  {store}
  %v = load i8, ptr %p, align 1
  ret i8 %v
out:
  ret i8 0
}}"""


def test_switch_lookup_tables_are_read_from_the_constant():
    assert check(SWITCH_SRC, _table_tgt("i8 10, i8 20, i8 -7")).kind == P
    wrong = check(SWITCH_SRC, _table_tgt("i8 10, i8 21, i8 -7"))
    assert wrong.kind == R and "i8 %x = #x01" in wrong.counterexample
    writes = check(SWITCH_SRC, _table_tgt("i8 10, i8 20, i8 -7", store="store i8 0, ptr %p, align 1"))
    assert writes.kind == R and "UB" in writes.detail


# --- integer semantics ----------------------------------------------------------------

IDENTITIES = [
    ("bswap twice", "i16", "%a = call i16 @llvm.bswap.i16(i16 %x)\n  %r = call i16 @llvm.bswap.i16(i16 %a)",
     "%r = add i16 %x, 0", P),
    ("cttz via ctpop", "i8", "%r = call i8 @llvm.cttz.i8(i8 %x, i1 false)",
     "%n = sub i8 0, %x\n  %l = and i8 %x, %n\n  %m = add i8 %l, -1\n  %r = call i8 @llvm.ctpop.i8(i8 %m)", P),
    ("ctlz of zero may be poison", "i8", "%r = call i8 @llvm.ctlz.i8(i8 %x, i1 false)",
     "%r = call i8 @llvm.ctlz.i8(i8 %x, i1 true)", R),
    ("ctlz zero-poison dropped", "i8", "%r = call i8 @llvm.ctlz.i8(i8 %x, i1 true)",
     "%r = call i8 @llvm.ctlz.i8(i8 %x, i1 false)", P),
    ("uadd.sat by select", "i8", "%s = add i8 %x, 7\n  %o = icmp ult i8 %s, 7\n  %r = select i1 %o, i8 -1, i8 %s",
     "%r = call i8 @llvm.uadd.sat.i8(i8 %x, i8 7)", P),
    ("sadd.sat is not add nsw", "i8", "%r = call i8 @llvm.sadd.sat.i8(i8 %x, i8 100)",
     "%r = add nsw i8 %x, 100", R),
    ("ssub.sat clamps", "i8", "%r = call i8 @llvm.ssub.sat.i8(i8 %x, i8 1)",
     "%c = icmp eq i8 %x, -128\n  %s = sub i8 %x, 1\n  %r = select i1 %c, i8 -128, i8 %s", P),
    ("abs int_min poison", "i8", "%r = call i8 @llvm.abs.i8(i8 %x, i1 true)",
     "%r = call i8 @llvm.abs.i8(i8 %x, i1 false)", P),
    ("abs adds poison", "i8", "%r = call i8 @llvm.abs.i8(i8 %x, i1 false)",
     "%r = call i8 @llvm.abs.i8(i8 %x, i1 true)", R),
    ("umax", "i8", "%c = icmp ugt i8 %x, 9\n  %r = select i1 %c, i8 %x, i8 9",
     "%r = call i8 @llvm.umax.i8(i8 %x, i8 9)", P),
    ("fshr rotate", "i8", "%a = lshr i8 %x, 3\n  %b = shl i8 %x, 5\n  %r = or i8 %a, %b",
     "%r = call i8 @llvm.fshr.i8(i8 %x, i8 %x, i8 3)", P),
    ("sdiv by -1 is UB for INT_MIN", "i8", "%r = sdiv i8 %x, -1", "%r = sub i8 0, %x", P),
    ("srem sign", "i8", "%r = srem i8 %x, 4", "%r = and i8 %x, 3", R),
    ("trunc nuw", "i8", "%w = zext i8 %x to i16\n  %r = trunc nuw i16 %w to i8", "%r = or i8 %x, 0", P),
    ("zext nneg adds poison", "i8", "%w = zext i8 %x to i16\n  %r = trunc i16 %w to i8",
     "%w = zext nneg i8 %x to i16\n  %r = trunc i16 %w to i8", R),
    ("shl past width is poison", "i8", "%r = shl i8 %x, 8", "%r = add i8 %x, 1", P),
    ("or disjoint", "i8", "%a = and i8 %x, 15\n  %r = or i8 %a, 16", "%a = and i8 %x, 15\n  %r = or disjoint i8 %a, 16", P),
    ("icmp samesign adds poison", "i8", "%c = icmp ult i8 %x, 5\n  %r = zext i1 %c to i8",
     "%c = icmp samesign ult i8 %x, 5\n  %r = zext i1 %c to i8", R),
]


def _unary(name: str, ty: str, body: str) -> str:
    decls = "\n".join(sorted({f"declare {d}" for d in _declarations(body, ty)}))
    return f"define {ty} @{name}({ty} noundef %x) {{\n  {body}\n  ret {ty} %r\n}}\n{decls}\n"


def _declarations(body: str, ty: str) -> list[str]:
    import re

    out = []
    for m in re.finditer(r"call (i\d+) @(llvm\.[\w.]+)\(([^)]*)\)", body):
        params = ", ".join(a.split()[0] for a in m.group(3).split(","))
        out.append(f"{m.group(1)} @{m.group(2)}({params})")
    return out


@pytest.mark.parametrize("name,ty,src,tgt,expected", IDENTITIES, ids=[c[0] for c in IDENTITIES])
def test_integer_identities(name, ty, src, tgt, expected):
    verdict = check(_unary("src", ty, src), _unary("tgt", ty, tgt), timeout_ms=5000)
    assert verdict.kind == expected, (verdict.detail, verdict.counterexample)


def test_undef_input_breaks_duplicating_a_use():
    src = "define i8 @src(i8 %x) {\n  %r = shl i8 %x, 1\n  ret i8 %r\n}"
    tgt = "define i8 @tgt(i8 %x) {\n  %r = add i8 %x, %x\n  ret i8 %r\n}"
    verdict = check(src, tgt)
    assert verdict.kind == R and "%x = undef" in verdict.counterexample
    assert check(src.replace("i8 %x)", "i8 noundef %x)"), tgt.replace("i8 %x)", "i8 noundef %x)")).kind == P
    assert check(tgt.replace("@tgt", "@src"), src.replace("@src", "@tgt")).kind == P


def test_freeze_must_not_be_dropped():
    src = "define i8 @src(i8 %x) {\n  %f = freeze i8 %x\n  %r = add i8 %f, %f\n  ret i8 %r\n}"
    tgt = "define i8 @tgt(i8 %x) {\n  %f = freeze i8 %x\n  %r = shl i8 %f, 1\n  ret i8 %r\n}"
    assert check(src, tgt).kind == P
    assert check(src, "define i8 @tgt(i8 %x) {\n  %r = add i8 %x, %x\n  ret i8 %r\n}").kind == R


def test_return_attributes_are_part_of_the_contract():
    src = "define i8 @src(i8 %x) {\n  %r = add nsw i8 %x, 1\n  ret i8 %r\n}"
    tgt = "define noundef i8 @tgt(i8 %x) {\n  %r = add nsw i8 %x, 1\n  ret i8 %r\n}"
    verdict = check(src, tgt)
    assert verdict.kind == R and "UB" in verdict.detail


# --- vectors ----------------------------------------------------------------------------

SCALAR_ADD_LOOP = """
define void @src(ptr noalias noundef %a) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %p = getelementptr inbounds i8, ptr %a, i64 %i
  %v = load i8, ptr %p, align 1
  %w = add nsw i8 %v, 3
  store i8 %w, ptr %p, align 1
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp ult i64 %i.next, 4
  br i1 %c, label %loop, label %exit
exit:
  ret void
}"""


def _vector_add(constant: str, flags: str = "nsw") -> str:
    return f"""
define void @tgt(ptr noalias noundef readonly %a) {{
  %v = load <4 x i8>, ptr %a, align 1
  %w = add {flags} <4 x i8> %v, {constant}
  store <4 x i8> %w, ptr %a, align 1
  ret void
}}"""


def test_vectorized_loop_is_proved_and_a_wrong_lane_refuted():
    good = _vector_add("splat (i8 3)").replace(" readonly", "")
    assert check(SCALAR_ADD_LOOP, good).kind == P
    wrong_lane = _vector_add("<i8 3, i8 3, i8 4, i8 3>").replace(" readonly", "")
    verdict = check(SCALAR_ADD_LOOP, wrong_lane)
    assert verdict.kind == R and verdict.detail == "memory mismatch"


def test_readonly_target_that_writes_is_refuted():
    verdict = check(SCALAR_ADD_LOOP, _vector_add("splat (i8 3)"))
    assert verdict.kind == R and "UB" in verdict.detail


def test_reduction_of_a_vector_load():
    src = """
define i8 @src(ptr noundef %a) {
  %x = load i8, ptr %a, align 1
  %p = getelementptr inbounds i8, ptr %a, i64 1
  %y = load i8, ptr %p, align 1
  %s = add i8 %x, %y
  ret i8 %s
}"""
    tgt = """
define i8 @tgt(ptr noundef %a) {
  %v = load <2 x i8>, ptr %a, align 1
  %s = call i8 @llvm.vector.reduce.add.v2i8(<2 x i8> %v)
  ret i8 %s
}
declare i8 @llvm.vector.reduce.add.v2i8(<2 x i8>)"""
    assert check(src, tgt).kind == P
    assert check(src, tgt.replace("reduce.add", "reduce.xor")).kind == R


def _vector_fn(name: str, body: str) -> str:
    return f"define <4 x i8> @{name}(<4 x i8> %v) {{\n  {body}\n  ret <4 x i8> %r\n}}"


def test_shuffles_and_lane_poison():
    src = _vector_fn("src", "%r = add <4 x i8> %v, splat (i8 1)")
    reversed_twice = ("%a = shufflevector <4 x i8> %v, <4 x i8> poison, <4 x i32> <i32 3, i32 2, i32 1, i32 0>\n"
                      "  %b = add <4 x i8> %a, splat (i8 1)\n"
                      "  %r = shufflevector <4 x i8> %b, <4 x i8> poison, <4 x i32> <i32 3, i32 2, i32 1, i32 0>")
    assert check(src, _vector_fn("tgt", reversed_twice)).kind == P
    one_lane_poison = reversed_twice.replace("i32 1, i32 0>\n  %b", "i32 1, i32 poison>\n  %b")
    verdict = check(src, _vector_fn("tgt", one_lane_poison))
    assert verdict.kind == R and "more poisonous" in verdict.detail
    assert "poison" in verdict.counterexample


def test_bitcast_lanes_are_little_endian():
    src = """
define i16 @src(<2 x i8> %v) {
  %r = bitcast <2 x i8> %v to i16
  ret i16 %r
}"""
    tgt = """
define i16 @tgt(<2 x i8> %v) {
  %lo = extractelement <2 x i8> %v, i64 0
  %hi = extractelement <2 x i8> %v, i64 1
  %l = zext i8 %lo to i16
  %h = zext i8 %hi to i16
  %s = shl i16 %h, 8
  %r = or i16 %s, %l
  ret i16 %r
}"""
    assert check(src, tgt).kind == P
    assert check(src, tgt.replace("i64 0\n", "i64 1\n", 1)).kind == R


# --- what must be refused -----------------------------------------------------------------

SIMPLE_SRC = "define i32 @src(i32 %x) {\n  ret i32 %x\n}"


@pytest.mark.parametrize("construct,body,named", [
    ("float", "%f = sitofp i32 %x to float\n  %r = fptosi float %f to i32", "sitofp"),
    ("unknown intrinsic", "%r = call i32 @llvm.bitreverse.i32(i32 %x)", "llvm.bitreverse"),
    ("scalable vector", "%v = insertelement <vscale x 2 x i32> poison, i32 %x, i32 0\n"
     "  %r = extractelement <vscale x 2 x i32> %v, i32 0", "vscale"),
    ("ptrtoint", "%p = inttoptr i32 %x to ptr\n  %r = ptrtoint ptr %p to i32", "inttoptr"),
])
def test_constructs_outside_the_subset_are_inconclusive(construct, body, named):
    tgt = (f"@g = global i32 0\ndeclare i32 @opaque(i32)\ndeclare i32 @llvm.bitreverse.i32(i32)\n"
           f"define i32 @tgt(i32 %x) {{\n  {body}\n  ret i32 %r\n}}")
    # The source module holds the same global: only the target's body is out of the subset.
    verdict = check("@g = global i32 0\n" + SIMPLE_SRC, tgt)
    assert verdict.kind == I, verdict.detail
    assert named in verdict.detail


def test_a_mutable_global_is_memory_with_unknown_contents():
    src = "@g = global i32 0\ndefine i32 @src(i32 %x) {\n  %r = load i32, ptr @g, align 4\n  ret i32 %r\n}"
    same = src.replace("@src", "@tgt")
    assert check(src, same).kind == P  # default (ABI) alignment 4: the load is not UB
    verdict = check(src, src.replace("@src", "@tgt").replace("ret i32 %r", "ret i32 0"))
    assert verdict.kind == R and verdict.detail == "value mismatch"


def test_a_call_the_source_does_not_make_is_refuted():
    tgt = ("declare i32 @opaque(i32)\n"
           "define i32 @tgt(i32 %x) {\n  %r = call i32 @opaque(i32 %x)\n  ret i32 %x\n}")
    verdict = check(SIMPLE_SRC, tgt)
    assert verdict.kind == R and "calls to unknown functions differ" in verdict.detail


def test_volatile_and_atomic_accesses_are_inconclusive():
    for kind in ("volatile", "atomic"):
        order = " unordered" if kind == "atomic" else ""
        src = f"define i32 @src(ptr %p) {{\n  %r = load {kind} i32, ptr %p{order}, align 4\n  ret i32 %r\n}}"
        verdict = check(src, src.replace("@src", "@tgt"))
        assert verdict.kind == I and kind in verdict.detail


def test_malformed_and_mismatched_signatures_are_invalid():
    assert check("define i32 @src(i32 %x) {\n  ret i32 %y\n}", SIMPLE_SRC).kind == V
    mismatch = check(SIMPLE_SRC, "define i32 @tgt(i32 %x, i32 %y) {\n  ret i32 %x\n}")
    assert mismatch.kind == V and "signature" in mismatch.detail
    missing = check_refinement(SIMPLE_SRC, SIMPLE_SRC, "src", "nope")
    assert missing.kind == V and "@nope" in missing.detail
