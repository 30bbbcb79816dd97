"""Generate the mass-produced part of the checker corpus (committed output, re-runnable).

    python test/checker_corpus/generate.py            # identities/ and o3/
    python test/checker_corpus/generate.py --check    # also brute-force the i8 pairs

* ``identities/``: InstCombine-style rewrites over several widths, each with a correct
  target and a mutated wrong one (value mismatch, more poison, more undefined, target UB).
* ``o3/``: small C functions compiled by clang-22 at -O0 (after mem2reg, as the source)
  and at -O3 (the target), plus one hand-broken -O3 target per function.

Every file holds ``@src`` and ``@tgt`` and a header::

    ; CLASS: correct | value-mismatch | more-poison | more-undef | src-more-defined | memory-mismatch
    ; EXPECT: proved | correct | refuted | not-proved

``proved``/``refuted`` are strict expectations for the test; ``correct`` means a correct
pair (inconclusive allowed, refuted is a false refutation); ``not-proved`` means a wrong
pair (anything but PROVED). Hand-written pairs live in the other directories.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDTHS = (8, 16, 32, 64)


def _consts(w: int) -> dict:
    mask = (1 << w) - 1
    return {"t": f"i{w}", "T": f"i{2 * w}", "w": w, "wm1": w - 1, "mask": mask, "smin": -(1 << (w - 1)),
            "smax": (1 << (w - 1)) - 1, "half": w // 2, "lowmask": (1 << (w // 2)) - 1,
            "lowmask_off": (1 << (w // 2 + 1)) - 1, "hi_nib": (mask >> 4) << 4 if w > 4 else 0}


# (name, params, src body, correct tgt body, [(wrong tgt body, class, expect), ...])
# Bodies end with a ``ret``; {t} is the width's type. Params are written as "{t} %x, ...".
IDENTITIES = [
    ("mul2_shl", "{t} %x", "%r = mul {t} %x, 2\n  ret {t} %r", "%r = shl {t} %x, 1\n  ret {t} %r",
     [("%r = shl {t} %x, 2\n  ret {t} %r", "value-mismatch", "refuted"),
      ("%r = shl nuw {t} %x, 1\n  ret {t} %r", "more-poison", "refuted")]),
    ("add_self", "{t} %x", "%r = add {t} %x, %x\n  ret {t} %r", "%r = shl {t} %x, 1\n  ret {t} %r",
     [("%r = shl nsw {t} %x, 1\n  ret {t} %r", "more-poison", "refuted")]),
    ("sub_self", "{t} %x", "%r = sub {t} %x, %x\n  ret {t} %r", "ret {t} 0",
     [("ret {t} 1", "value-mismatch", "refuted")]),
    ("not_as_sub", "{t} %x", "%r = xor {t} %x, -1\n  ret {t} %r", "%r = sub {t} -1, %x\n  ret {t} %r",
     [("%r = sub {t} 0, %x\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("and_self", "{t} %x", "%r = and {t} %x, %x\n  ret {t} %r", "ret {t} %x",
     [("%r = and {t} %x, 1\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("or_zero", "{t} %x", "%r = or {t} %x, 0\n  ret {t} %r", "ret {t} %x",
     [("%r = or {t} %x, 1\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("and_or_xor", "{t} %x, {t} %y",
     "%a = and {t} %x, %y\n  %b = xor {t} %x, %y\n  %r = or {t} %a, %b\n  ret {t} %r",
     "%r = or {t} %x, %y\n  ret {t} %r",
     [("%r = xor {t} %x, %y\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("or_minus_and", "{t} %x, {t} %y",
     "%a = or {t} %x, %y\n  %b = and {t} %x, %y\n  %r = sub {t} %a, %b\n  ret {t} %r",
     "%r = xor {t} %x, %y\n  ret {t} %r",
     [("%r = or {t} %x, %y\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("neg_neg", "{t} %x", "%a = sub {t} 0, %x\n  %r = sub {t} 0, %a\n  ret {t} %r", "ret {t} %x",
     [("%r = sub {t} 0, %x\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("add_sub_cancel", "{t} %x, {t} %y", "%a = add {t} %x, %y\n  %r = sub {t} %a, %y\n  ret {t} %r",
     "ret {t} %x",
     [("ret {t} %y", "value-mismatch", "refuted")]),
    ("select_abs", "{t} %x",
     "%c = icmp slt {t} %x, 0\n  %n = sub {t} 0, %x\n  %r = select i1 %c, {t} %n, {t} %x\n  ret {t} %r",
     "%r = call {t} @llvm.abs.{t}({t} %x, i1 false)\n  ret {t} %r",
     [("%r = call {t} @llvm.abs.{t}({t} %x, i1 true)\n  ret {t} %r", "more-poison", "refuted")]),
    ("select_umax", "{t} %x, {t} %y",
     "%c = icmp ugt {t} %x, %y\n  %r = select i1 %c, {t} %x, {t} %y\n  ret {t} %r",
     "%r = call {t} @llvm.umax.{t}({t} %x, {t} %y)\n  ret {t} %r",
     [("%r = call {t} @llvm.smax.{t}({t} %x, {t} %y)\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("low_bit_clear", "{t} %x",
     "%a = and {t} %x, 1\n  %r = icmp eq {t} %a, 0\n  ret i1 %r",
     "%b = trunc {t} %x to i1\n  %r = xor i1 %b, true\n  ret i1 %r",
     [("%r = trunc {t} %x to i1\n  ret i1 %r", "value-mismatch", "refuted")]),
    ("shl_lshr_mask", "{t} %x",
     "%a = shl {t} %x, {half}\n  %r = lshr {t} %a, {half}\n  ret {t} %r",
     "%r = and {t} %x, {lowmask}\n  ret {t} %r",
     [("%r = and {t} %x, {lowmask_off}\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("inc_sgt_nsw", "{t} %x",
     "%a = add nsw {t} %x, 1\n  %r = icmp sgt {t} %a, %x\n  ret i1 %r", "ret i1 true",
     [("ret i1 false", "value-mismatch", "refuted")]),
    ("inc_sgt_wraps", "{t} %x",
     "%a = add {t} %x, 1\n  %r = icmp sgt {t} %a, %x\n  ret i1 %r",
     "%r = icmp ne {t} %x, {smax}\n  ret i1 %r",
     [("ret i1 true", "value-mismatch", "refuted")]),
    ("sext_trunc", "{t} %x", "%a = sext {t} %x to {T}\n  %r = trunc {T} %a to {t}\n  ret {t} %r",
     "ret {t} %x",
     [("%r = add {t} %x, 1\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("zext_high_zero", "{t} %x", "%a = zext {t} %x to {T}\n  %r = lshr {T} %a, {w}\n  ret {T} %r",
     "ret {T} 0",
     [("%a = sext {t} %x to {T}\n  %r = lshr {T} %a, {w}\n  ret {T} %r", "value-mismatch", "refuted")]),
    ("shl_nsw_ashr", "{t} %x", "%a = shl nsw {t} %x, 1\n  %r = ashr {t} %a, 1\n  ret {t} %r",
     "ret {t} %x",
     [("%r = ashr {t} %x, 1\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("mul_nuw_udiv", "{t} %x", "%a = mul nuw {t} %x, 8\n  %r = udiv {t} %a, 8\n  ret {t} %r",
     "ret {t} %x",
     [("%r = lshr {t} %x, 3\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("srem2_even", "{t} %x", "%a = srem {t} %x, 2\n  %r = icmp eq {t} %a, 0\n  ret i1 %r",
     "%a = and {t} %x, 1\n  %r = icmp eq {t} %a, 0\n  ret i1 %r",
     [("%a = and {t} %x, 1\n  %r = icmp eq {t} %a, 1\n  ret i1 %r", "value-mismatch", "refuted")]),
    ("xor_twice", "{t} %x, {t} %y", "%a = xor {t} %x, %y\n  %r = xor {t} %a, %y\n  ret {t} %r",
     "ret {t} %x",
     [("%r = xor {t} %x, %y\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("select_same", "i1 %c, {t} %x", "%r = select i1 %c, {t} %x, {t} %x\n  ret {t} %r", "ret {t} %x",
     [("%r = select i1 %c, {t} %x, {t} 0\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("trunc_zext", "{t} %x", "%a = zext {t} %x to {T}\n  %r = trunc {T} %a to {t}\n  ret {t} %r",
     "ret {t} %x",
     [("%a = zext {t} %x to {T}\n  %b = lshr {T} %a, 1\n  %r = trunc {T} %b to {t}\n  ret {t} %r",
       "value-mismatch", "refuted")]),
    ("ult8_ule7", "{t} %x", "%r = icmp ult {t} %x, 8\n  ret i1 %r", "%r = icmp ule {t} %x, 7\n  ret i1 %r",
     [("%r = icmp ule {t} %x, 8\n  ret i1 %r", "value-mismatch", "refuted")]),
    ("sgt_m1_sge0", "{t} %x", "%r = icmp sgt {t} %x, -1\n  ret i1 %r", "%r = icmp sge {t} %x, 0\n  ret i1 %r",
     [("%r = icmp sgt {t} %x, 0\n  ret i1 %r", "value-mismatch", "refuted")]),
    ("sub1_addm1", "{t} %x", "%r = sub {t} %x, 1\n  ret {t} %r", "%r = add {t} %x, -1\n  ret {t} %r",
     [("%r = add nsw {t} %x, -1\n  ret {t} %r", "more-poison", "refuted")]),
    ("mul3", "{t} noundef %x", "%r = mul {t} %x, 3\n  ret {t} %r",
     "%a = shl {t} %x, 1\n  %r = add {t} %a, %x\n  ret {t} %r",
     [("%a = shl {t} %x, 1\n  %r = add {t} %a, 1\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("udiv_pow2", "{t} %x", "%r = udiv {t} %x, 16\n  ret {t} %r", "%r = lshr {t} %x, 4\n  ret {t} %r",
     [("%r = ashr {t} %x, 4\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("sdiv_exact", "{t} %x", "%r = sdiv exact {t} %x, 4\n  ret {t} %r", "%r = ashr exact {t} %x, 2\n  ret {t} %r",
     []),
    ("sdiv_not_ashr", "{t} noundef %x", "%r = sdiv {t} %x, 4\n  ret {t} %r",
     "%n = icmp slt {t} %x, 0\n  %b = add {t} %x, 3\n  %s = select i1 %n, {t} %b, {t} %x\n"
     "  %r = ashr {t} %s, 2\n  ret {t} %r",
     [("%r = ashr {t} %x, 2\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("urem_pow2", "{t} %x", "%r = urem {t} %x, 8\n  ret {t} %r", "%r = and {t} %x, 7\n  ret {t} %r",
     [("%r = and {t} %x, 15\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("disjoint_or", "{t} %x, {t} %y",
     "%a = and {t} %x, -16\n  %b = and {t} %y, 15\n  %r = or {t} %a, %b\n  ret {t} %r",
     "%a = and {t} %x, -16\n  %b = and {t} %y, 15\n  %r = or disjoint {t} %a, %b\n  ret {t} %r",
     [("%a = and {t} %x, -16\n  %b = and {t} %y, 31\n  %r = or disjoint {t} %a, %b\n  ret {t} %r",
       "more-poison", "refuted")]),
    ("freeze_freeze", "{t} %x", "%a = freeze {t} %x\n  %r = freeze {t} %a\n  ret {t} %r",
     "%r = freeze {t} %x\n  ret {t} %r",
     [("ret {t} %x", "more-poison", "not-proved")]),
    ("add_flags_dropped", "{t} %x, {t} %y", "%r = add nsw nuw {t} %x, %y\n  ret {t} %r",
     "%r = add {t} %x, %y\n  ret {t} %r",
     [("%r = add nuw nsw {t} %y, %x\n  %z = udiv {t} %r, %y\n  ret {t} %z", "src-more-defined", "refuted")]),
    ("div_by_zero_src_ub", "{t} %x", "%r = udiv {t} %x, 0\n  ret {t} %r", "ret {t} 7", []),
    ("umin_clamp", "{t} %x",
     "%c = icmp ult {t} %x, 100\n  %r = select i1 %c, {t} %x, {t} 100\n  ret {t} %r",
     "%r = call {t} @llvm.umin.{t}({t} %x, {t} 100)\n  ret {t} %r",
     [("%r = call {t} @llvm.umin.{t}({t} %x, {t} 99)\n  ret {t} %r", "value-mismatch", "refuted")]),
    ("target_div_ub", "{t} %x, {t} %y", "%r = and {t} %x, %y\n  ret {t} %r",
     "%r = and {t} %x, %y\n  ret {t} %r",
     [("%d = udiv {t} %x, %y\n  %r = and {t} %x, %y\n  ret {t} %r", "src-more-defined", "refuted")]),
    ("select_undef_arm", "i1 %c, {t} noundef %x", "%r = select i1 %c, {t} %x, {t} undef\n  ret {t} %r",
     "ret {t} %x",
     [("ret {t} undef", "more-undef", "not-proved")]),
    # A target that uses an undef-able argument more often than the source is less defined.
    ("mul3_undef_input", "{t} %x", "%r = mul {t} %x, 3\n  ret {t} %r", None,
     [("%a = shl {t} %x, 1\n  %r = add {t} %a, %x\n  ret {t} %r", "more-undef", "not-proved")]),
    # select c, x, undef -> x is wrong when x may be poison (the source gives undef there).
    ("select_undef_arm_poison", "i1 %c, {t} %x", "%r = select i1 %c, {t} %x, {t} undef\n  ret {t} %r", None,
     [("ret {t} %x", "more-poison", "refuted")]),
    ("freeze_undef_const", "{t} %x", "%r = freeze {t} undef\n  ret {t} %r", "ret {t} 0",
     [("ret {t} undef", "more-undef", "not-proved")]),
]

INTRINSIC_DECLS = ("abs", "umax", "smax", "umin")


def _declarations(text: str) -> str:
    out = []
    for name in INTRINSIC_DECLS:
        for m in sorted(set(re.findall(rf"@llvm\.{name}\.(i\d+)", text))):
            extra = ", i1" if name == "abs" else f", {m}"
            out.append(f"declare {m} @llvm.{name}.{m}({m}{extra})")
    return "\n".join(out)


def _ret_type(body: str) -> str:
    return re.search(r"ret (\S+)", body.strip().splitlines()[-1]).group(1)


def pair_text(header: dict, params: str, src: str, tgt: str) -> str:
    lines = [f"; {k.upper()}: {v}" for k, v in header.items()]
    text = (f"define {_ret_type(src)} @src({params}) {{\n  {src}\n}}\n\n"
            f"define {_ret_type(tgt)} @tgt({params}) {{\n  {tgt}\n}}\n")
    decls = _declarations(text)
    return "\n".join(lines) + "\n\n" + text + ("\n" + decls + "\n" if decls else "")


def generate_identities(out: Path) -> int:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    count = 0
    for name, params, src, good, wrongs in IDENTITIES:
        for w in WIDTHS:
            c = _consts(w)
            p, s = params.format(**c), src.format(**c)
            if good is not None:
                (out / f"{name}_i{w}.ll").write_text(pair_text(
                    {"class": "correct", "expect": "proved", "why": f"{name} holds at i{w}"}, p, s,
                    good.format(**c)))
                count += 1
            for k, (bad, cls, expect) in enumerate(wrongs):
                (out / f"{name}_i{w}_wrong{k}.ll").write_text(pair_text(
                    {"class": cls, "expect": expect, "why": f"mutated {name} at i{w}"}, p, s, bad.format(**c)))
                count += 1
    return count


# --- real -O3 vs -O0 ---------------------------------------------------------------------

C_FUNCTIONS = {
    "clamp": "int f(int a, int b) { int s = a + b; if (s > 100) s = 100; if (s < -100) s = -100; return s; }",
    "popc8": "unsigned f(unsigned x) { unsigned c = 0; for (int i = 0; i < 8; i++) { c += x & 1; x >>= 1; } return c; }",
    "swap": "void f(int *restrict p, int *restrict q) { int t = *p; *p = *q; *q = t; }",
    "abs": "int f(int x) { return x < 0 ? -x : x; }",
    "max3": "int f(int a, int b, int c) { int m = a > b ? a : b; return m > c ? m : c; }",
    "sign": "int f(long x) { return (x > 0) - (x < 0); }",
    "is_pow2": "int f(unsigned x) { return x && !(x & (x - 1)); }",
    "avg": "unsigned f(unsigned a, unsigned b) { return (a & b) + ((a ^ b) >> 1); }",
    "rotl": "unsigned f(unsigned x, unsigned n) { n &= 31; return (x << n) | (x >> ((32 - n) & 31)); }",
    "bswap16": "unsigned short f(unsigned short x) { return (unsigned short)((x >> 8) | (x << 8)); }",
    "div8": "int f(int x) { return x / 8; }",
    "mod16": "unsigned f(unsigned x) { return x % 16; }",
    "inc_ptr": "void f(int *p) { *p += 1; }",
    "sum4": "int f(const int *a) { int s = 0; for (int i = 0; i < 4; i++) s += a[i]; return s; }",
    "select_chain": "int f(int x) { if (x == 0) return 10; if (x == 1) return 20; if (x == 2) return 30; return 0; }",
    "min_u8": "unsigned char f(unsigned char a, unsigned char b) { return a < b ? a : b; }",
    "sat_add": "unsigned f(unsigned a, unsigned b) { unsigned s = a + b; return s < a ? ~0u : s; }",
    "bits": "int f(unsigned x) { return (x >> 3) & 1; }",
    "clear_low": "unsigned f(unsigned x) { return x & (x - 1); }",
    "copy2": "void f(char *restrict d, const char *restrict s) { d[0] = s[0]; d[1] = s[1]; }",
    "neg_abs_diff": "int f(int a, int b) { return a > b ? a - b : b - a; }",
    "mul_add": "long f(long a, long b) { return a * 4 + b * 4; }",
    "cond_store": "void f(int *p, int c) { if (c) *p = 1; else *p = 2; }",
    "count_bits4": "int f(unsigned char x) { int n = 0; while (x) { n += x & 1; x >>= 1; } return n; }",
}


def _clang() -> str:
    return shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"


def _opt() -> str:
    return shutil.which("opt-22") or "/usr/lib/llvm-22/bin/opt"


def _compile(c_source: str, tmp: Path) -> tuple[str, str]:
    """(mem2reg'd -O0-style IR, -O3 IR) of one C function named f."""
    c = tmp / "f.c"
    c.write_text(c_source + "\n")
    subprocess.run([_clang(), "-O1", "-Xclang", "-disable-llvm-passes", "-S", "-emit-llvm", str(c),
                    "-o", str(tmp / "o0.ll")], check=True)
    subprocess.run([_opt(), "-passes=sroa", "-S", str(tmp / "o0.ll"), "-o", str(tmp / "src.ll")], check=True)
    subprocess.run([_clang(), "-O3", "-S", "-emit-llvm", str(c), "-o", str(tmp / "o3.ll")], check=True)
    return (tmp / "src.ll").read_text(), (tmp / "o3.ll").read_text()


def _function_and_attrs(module: str, new_name: str) -> tuple[str, str]:
    """The definition of @f renamed, and its attribute group(s) renumbered per side."""
    m = re.search(r"^define [^\n]*@f\(.*?^}\n", module, re.S | re.M)
    body = m.group(0).replace("@f(", f"@{new_name}(", 1)
    groups = []
    for ref in set(re.findall(r"#(\d+)", body.split("{", 1)[0])):
        g = re.search(rf"^attributes #{ref} = (\{{.*\}})$", module, re.M).group(1)
        new_ref = str(int(ref) + (100 if new_name == "src" else 200))
        body = body.replace(f"#{ref} ", f"#{new_ref} ", 1).replace(f"#{ref}\n", f"#{new_ref}\n", 1)
        groups.append(f"attributes #{new_ref} = {g}")
    # Metadata (tbaa, loop hints) would need its definitions: drop the attachments.
    body = re.sub(r", ![\w.]+ ![0-9]+", "", body)
    return body, "\n".join(groups)


def _declarations_in(module: str, body: str) -> list[str]:
    return [ln for ln in module.splitlines() if ln.startswith("declare ")
            and re.search(r"@([\w.]+)\(", ln).group(1) in body]


def _header_lines(module: str) -> str:
    return "\n".join(ln for ln in module.splitlines() if ln.startswith(("target datalayout", "target triple")))


_SWAPS = [(r"= (tail call i\d+ @llvm\.)smax", r"= \1smin"), (r"= (tail call i\d+ @llvm\.)umin", r"= \1umax"),
          (r"= add ", "= sub "), (r"= sub ", "= add "), (r"= and ", "= or "), (r"= or ", "= xor "),
          (r"icmp slt ", "icmp sle "), (r"icmp sgt ", "icmp sge "), (r"icmp ult ", "icmp ule "),
          (r"icmp ugt ", "icmp uge "), (r"icmp eq ", "icmp ne "), (r"icmp ne ", "icmp eq "),
          (r"= lshr ", "= ashr "), (r"= ashr ", "= lshr ")]


def _break(o3_body: str) -> str | None:
    """One plausible wrong edit of an -O3 body: an integer constant off by one, else a
    swapped opcode or predicate (the first that applies)."""
    lines = o3_body.splitlines()
    for k, line in enumerate(lines):
        if not line.startswith("  ") or re.search(r"= (phi|getelementptr|alloca)|llvm\.(lifetime|assume)", line):
            continue
        m = re.search(r"(?<=[ ,(])(i(?:8|16|32|64) )(-?\d+)(?=[,)\s]|$)", line.split(", align")[0])
        if m:
            lines[k] = line[:m.start(2)] + str(int(m.group(2)) + 1) + line[m.end(2):]
            return "\n".join(lines)
    for pattern, replacement in _SWAPS:
        for k, line in enumerate(lines):
            if line.startswith("  ") and re.search(pattern, line):
                lines[k] = re.sub(pattern, replacement, line, count=1)
                return "\n".join(lines)
    return None


def generate_o3(out: Path) -> int:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in C_FUNCTIONS.items():
            src_mod, o3_mod = _compile(source, Path(tmp))
            src_body, src_attrs = _function_and_attrs(src_mod, "src")
            tgt_body, tgt_attrs = _function_and_attrs(o3_mod, "tgt")
            decls = sorted(set(_declarations_in(src_mod, src_body) + _declarations_in(o3_mod, tgt_body)))
            head = _header_lines(o3_mod)
            comment = f"; C: {source}"

            def emit(file: str, cls: str, expect: str, why: str, tgt: str) -> None:
                text = "\n".join([f"; CLASS: {cls}", f"; EXPECT: {expect}", "; UNROLL: 16", f"; WHY: {why}",
                                  comment, "",
                                  head, "", src_body, tgt, *decls, "", src_attrs, tgt_attrs, ""])
                (out / file).write_text(text)

            emit(f"{name}.ll", "correct", "correct", "clang -O3 output of the same C function", tgt_body)
            count += 1
            broken = _break(tgt_body)
            if broken is not None:
                emit(f"{name}_broken.ll", "value-mismatch", "not-proved",
                     "an integer constant of the -O3 output off by one", broken)
                count += 1
    return count


def brute_force_check(directory: Path) -> list[str]:
    """Compare each i8 pair's expectation with brute force (the unit tests' interpreter)."""
    sys.path.insert(0, str(HERE.parent / "unit"))
    from test_smt_interp import NotModelled, find_violation  # noqa: E402

    from llmcc.verify.smt.ir import find_function, parse_module

    problems = []
    for path in sorted(directory.glob("*_i8*.ll")):
        text = path.read_text()
        if "undef" in text or "freeze" in text:
            continue
        expect = re.search(r"; EXPECT: (\S+)", text).group(1)
        module = parse_module(text)
        try:
            violation = find_violation(find_function(module, "src"), find_function(module, "tgt"))
        except NotModelled:
            continue
        wrong = expect in ("refuted", "not-proved")
        if wrong != (violation is not None):
            problems.append(f"{path.name}: expected {expect}, brute force {violation}")
    return problems


def main() -> int:
    n = generate_identities(HERE / "identities")
    m = generate_o3(HERE / "o3")
    print(f"identities: {n} pairs, o3: {m} pairs")
    if "--check" in sys.argv:
        problems = brute_force_check(HERE / "identities")
        print("\n".join(problems) or "brute force agrees with every i8 expectation")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    raise SystemExit(main())
