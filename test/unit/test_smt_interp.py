"""A tiny concrete interpreter for the integer subset (poison tracking, UB as an exception),
written independently of the z3 encoding, and brute-force refinement over every input.

The soundness tests use it to double-check every PROVED (and REFUTED) verdict of the
built-in checker on small bit widths. Inputs are every value plus poison; undef inputs
are not enumerated (the interpreter is deterministic).
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from conftest import alive2_fixtures

from llmcc.verify.smt.ir import Function, Operand, find_function, parse_module

POISON = "poison"
DATA = Path(__file__).parent / "data" / "smt"


class UB(Exception):
    pass


class NotModelled(Exception):
    """The interpreter cannot run this function (memory, undef, freeze of poison...)."""


def _signed(v: int, w: int) -> int:
    return v - (1 << w) if v >> (w - 1) else v


def _width(ty: str) -> int:
    if not ty.startswith("i"):
        raise NotModelled(ty)
    return int(ty[1:])


def _binop(op: str, flags, a: int, b: int, w: int):
    mask = (1 << w) - 1
    sa, sb = _signed(a, w), _signed(b, w)
    if op in ("udiv", "urem", "sdiv", "srem"):
        if b == 0:
            raise UB("division by zero")
        if op in ("sdiv", "srem") and sa == -(1 << (w - 1)) and sb == -1:
            raise UB("signed overflow")
    if op == "add":
        r = a + b
        if "nuw" in flags and r > mask or "nsw" in flags and not _fits(sa + sb, w):
            return POISON
    elif op == "sub":
        r = a - b
        if "nuw" in flags and a < b or "nsw" in flags and not _fits(sa - sb, w):
            return POISON
    elif op == "mul":
        r = a * b
        if "nuw" in flags and r > mask or "nsw" in flags and not _fits(sa * sb, w):
            return POISON
    elif op in ("udiv", "urem"):
        r = a // b if op == "udiv" else a % b
        if "exact" in flags and a % b:
            return POISON
    elif op in ("sdiv", "srem"):
        q = abs(sa) // abs(sb) * (1 if (sa < 0) == (sb < 0) else -1)
        rem = sa - q * sb
        r = q if op == "sdiv" else rem
        if "exact" in flags and rem:
            return POISON
    elif op in ("shl", "lshr", "ashr"):
        if b >= w:
            return POISON
        if op == "shl":
            r = (a << b) & mask
            if "nuw" in flags and (r >> b) != a or "nsw" in flags and _signed(r, w) >> b != sa:
                return POISON
        else:
            r = (a >> b) if op == "lshr" else (sa >> b)
            if "exact" in flags and (r << b) & mask != a:
                return POISON
    elif op == "and":
        r = a & b
    elif op == "or":
        if "disjoint" in flags and a & b:
            return POISON
        r = a | b
    elif op == "xor":
        r = a ^ b
    else:
        raise NotModelled(op)
    return r & mask


def _fits(v: int, w: int) -> bool:
    return -(1 << (w - 1)) <= v < (1 << (w - 1))


def _icmp(pred: str, flags, a: int, b: int, w: int):
    if "samesign" in flags and (a >> (w - 1)) != (b >> (w - 1)):
        return POISON
    sa, sb = _signed(a, w), _signed(b, w)
    table = {"eq": a == b, "ne": a != b, "ugt": a > b, "uge": a >= b, "ult": a < b,
             "ule": a <= b, "sgt": sa > sb, "sge": sa >= sb, "slt": sa < sb, "sle": sa <= sb}
    return int(table[pred])


def _intrinsic(callee: str, args: list, w: int):
    base = callee.split(".")[1]
    if base in ("usub", "uadd", "sadd", "ssub"):
        base += ".sat"
    if any(a is POISON for a in args):
        return POISON
    mask = (1 << w) - 1
    x = args[0]
    if base == "ctpop":
        return bin(x).count("1")
    if base == "ctlz":
        return POISON if (x == 0 and args[1]) else w - x.bit_length()
    if base == "cttz":
        return POISON if (x == 0 and args[1]) else (w if x == 0 else (x & -x).bit_length() - 1)
    if base == "abs":
        sx = _signed(x, w)
        return POISON if (args[1] and sx == -(1 << (w - 1))) else abs(sx) & mask
    y = args[1]
    sx, sy = _signed(x, w), _signed(y, w)
    simple = {"smax": x if sx > sy else y, "smin": x if sx < sy else y,
              "umax": max(x, y), "umin": min(x, y)}
    if base in simple:
        return simple[base]
    if base in ("fshl", "fshr"):
        s = args[2] % w
        joined = (x << w) | y
        return ((joined << s) >> w) & mask if base == "fshl" else (joined >> s) & mask
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    sat = {"uadd.sat": min(x + y, mask), "usub.sat": max(x - y, 0),
           "sadd.sat": max(lo, min(hi, sx + sy)) & mask, "ssub.sat": max(lo, min(hi, sx - sy)) & mask}
    if base in sat:
        return sat[base]
    raise NotModelled(callee)


def run(fn: Function, args: list, max_blocks: int = 10000):
    """Result of ``fn`` on concrete arguments (ints or POISON); raises UB."""
    env = {p.name: a for p, a in zip(fn.params, args)}

    def val(op: Operand, ty: str):
        if op.kind == "local":
            return env[op.name]
        if op.kind == "int":
            return op.value % (1 << _width(ty))
        if op.kind == "poison":
            return POISON
        raise NotModelled(op.kind)

    label, prev = fn.entry, None
    for _ in range(max_blocks):
        block = fn.blocks[label]
        phis = {i.result: val(next(v for v, b in i.incoming if b == prev), i.type)
                for i in block.insts if i.opcode == "phi"}
        env.update(phis)
        for inst in block.insts[len(phis):]:
            op = inst.opcode
            ops = [val(o, t) for o, t in zip(inst.ops, inst.op_types)]
            if op == "ret":
                return ops[0] if ops else None
            if op == "br":
                if not ops:
                    label, prev = inst.targets[0], label
                elif ops[0] is POISON:
                    raise UB("branch on poison")
                else:
                    label, prev = inst.targets[0 if ops[0] else 1], label
                break
            if op == "switch":
                if ops[0] is POISON:
                    raise UB("switch on poison")
                w = _width(inst.op_types[0])
                hit = [l for v, l in inst.cases if v % (1 << w) == ops[0]]
                label, prev = (hit[0] if hit else inst.targets[0]), label
                break
            env[inst.result] = _value(inst, ops)
        else:
            raise NotModelled("fell off a block")
    raise NotModelled("step limit")


def _value(inst, ops):
    op = inst.opcode
    if op == "select":
        c, a, b = ops
        return POISON if c is POISON else (a if c else b)
    if op == "freeze":
        if ops[0] is POISON:
            raise NotModelled("freeze of poison is non-deterministic")
        return ops[0]
    if op == "call":
        return _intrinsic(inst.callee, ops, _width(inst.type))
    if any(o is POISON for o in ops):
        if op in ("udiv", "urem", "sdiv", "srem") and ops[1] is POISON:
            raise UB("division by poison")
        if op in ("sdiv", "srem") and ops[1] != POISON:
            w = _width(inst.op_types[1])
            if _signed(ops[1], w) == -1:
                raise UB("poison / -1 may overflow")
        return POISON
    if op == "icmp":
        return _icmp(inst.pred, inst.flags, ops[0], ops[1], _width(inst.op_types[0]))
    if op in ("zext", "sext", "trunc"):
        w, to = _width(inst.op_types[0]), _width(inst.type)
        x = ops[0]
        if op == "zext":
            return POISON if ("nneg" in inst.flags and x >> (w - 1)) else x
        if op == "sext":
            return _signed(x, w) % (1 << to)
        r = x % (1 << to)
        if "nuw" in inst.flags and r != x or "nsw" in inst.flags and _signed(r, to) != _signed(x, w):
            return POISON
        return r
    from llmcc.verify.smt.ir import BINOPS

    if op in BINOPS:
        return _binop(op, inst.flags, ops[0], ops[1], _width(inst.type))
    raise NotModelled(op)


def _behaviour(fn: Function, args: list):
    try:
        return run(fn, args)
    except UB:
        return UB


def find_violation(src: Function, tgt: Function):
    """First input on which tgt does not refine src, or None (brute force)."""
    widths = [_width(p.type) for p in src.params]
    domains = [list(range(1 << w)) + [POISON] for w in widths]
    for args in itertools.product(*domains):
        s = _behaviour(src, list(args))
        if s is UB or s is POISON:
            continue
        t = _behaviour(tgt, list(args))
        if t is UB or t is POISON or t != s:
            return list(args), s, t
    return None


def load_pair(path: Path) -> tuple[Function, Function]:
    module = parse_module(path.read_text())
    return find_function(module, "src"), find_function(module, "tgt")


# --- the interpreter's own checks (so the oracle itself is trusted) --------------------

CORPUS = sorted(DATA.glob("*.srctgt.ll"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_pairs_are_correct_by_brute_force(path):
    src, tgt = load_pair(path)
    assert find_violation(src, tgt) is None


def test_interpreter_finds_the_fixture_bugs():
    fixtures = alive2_fixtures()
    module = parse_module((fixtures / "05_incorrect_more_poison.srctgt.ll").read_text()
                          .replace("i32", "i8"))
    violation = find_violation(find_function(module, "src"), find_function(module, "tgt"))
    assert violation is not None and violation[0] == [127] and violation[2] is POISON


def test_interpreter_semantics_spot_checks():
    module = parse_module("""
define i8 @f(i8 %x, i8 %y) {
  %d = sdiv i8 %x, %y
  ret i8 %d
}
define i8 @g(i8 %x) {
  %a = shl nsw i8 %x, 1
  ret i8 %a
}""")
    f, g = find_function(module, "f"), find_function(module, "g")
    assert run(f, [(-7) % 256, 2]) == (-3) % 256
    with pytest.raises(UB):
        run(f, [128, 255])
    assert run(g, [64]) is POISON and run(g, [(-64) % 256]) == 128
