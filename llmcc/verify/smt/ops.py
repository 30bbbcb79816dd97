"""Integer semantics of single instructions and intrinsics, following the LLVM LangRef:
results carry poison (flags violated, over-wide shifts, operands poison); division by
zero or a poison divisor and signed INT_MIN / -1 are immediate UB.

Every function returns ``(result, ub)`` where ``ub`` is a z3 Bool (often ``False``).
"""
from __future__ import annotations

from typing import Any, Callable

from .ir import Unsupported
from .values import Val


def _z3():
    import z3

    return z3


def _false():
    return _z3().BoolVal(False)


def any_poison(*vals: Val) -> Any:
    z3 = _z3()
    return z3.Or([v.poison for v in vals]) if vals else z3.BoolVal(False)


# --- overflow predicates (computed in a wider type: obviously right, easy to review) ---

def add_overflows(a: Any, b: Any, signed: bool) -> Any:
    z3 = _z3()
    ext = z3.SignExt if signed else z3.ZeroExt
    return ext(1, a) + ext(1, b) != ext(1, a + b)


def sub_overflows(a: Any, b: Any, signed: bool) -> Any:
    z3 = _z3()
    ext = z3.SignExt if signed else z3.ZeroExt
    return ext(1, a) - ext(1, b) != ext(1, a - b)


def mul_overflows(a: Any, b: Any, signed: bool) -> Any:
    z3 = _z3()
    w = a.size()
    ext = z3.SignExt if signed else z3.ZeroExt
    return ext(w, a) * ext(w, b) != ext(w, a * b)


def _wrap_flags(flags: frozenset[str], a: Any, b: Any, overflows: Callable) -> Any:
    z3 = _z3()
    conds = []
    if "nsw" in flags:
        conds.append(overflows(a, b, True))
    if "nuw" in flags:
        conds.append(overflows(a, b, False))
    return z3.Or(conds) if conds else z3.BoolVal(False)


def binop(op: str, flags: frozenset[str], a: Val, b: Val) -> tuple[Val, Any]:
    """add sub mul udiv sdiv urem srem shl lshr ashr and or xor with their flags."""
    z3 = _z3()
    w = a.width
    x, y = a.bv, b.bv
    poison = any_poison(a, b)
    ub = _false()
    extra = z3.BoolVal(False)
    if op in ("add", "sub", "mul"):
        value = {"add": x + y, "sub": x - y, "mul": x * y}[op]
        overflow = {"add": add_overflows, "sub": sub_overflows, "mul": mul_overflows}[op]
        extra = _wrap_flags(flags, x, y, overflow)
    elif op in ("udiv", "urem", "sdiv", "srem"):
        value, ub, extra = _division(op, flags, a, b)
    elif op in ("shl", "lshr", "ashr"):
        value, extra = _shift(op, flags, x, y, w)
    elif op in ("and", "or", "xor"):
        value = {"and": x & y, "or": x | y, "xor": x ^ y}[op]
        if op == "or" and "disjoint" in flags:
            extra = (x & y) != 0
    else:
        raise Unsupported(f"instruction '{op}'")
    return Val(value, z3.Or(poison, extra)), ub


def _division(op: str, flags: frozenset[str], a: Val, b: Val) -> tuple[Any, Any, Any]:
    z3 = _z3()
    w = a.width
    x, y = a.bv, b.bv
    ub = z3.Or(b.poison, y == 0)
    if op in ("sdiv", "srem"):
        int_min = z3.BitVecVal(1 << (w - 1), w)
        minus_one = z3.BitVecVal((1 << w) - 1, w)
        # A poison dividend might be INT_MIN, so INT_MIN / -1 overflow cannot be ruled out.
        ub = z3.Or(ub, z3.And(y == minus_one, z3.Or(a.poison, x == int_min)))
    value = {"udiv": z3.UDiv(x, y), "urem": z3.URem(x, y), "sdiv": x / y, "srem": z3.SRem(x, y)}[op]
    extra = z3.BoolVal(False)
    if "exact" in flags:
        rem = z3.URem(x, y) if op == "udiv" else z3.SRem(x, y)
        extra = rem != 0
    return value, ub, extra


def _shift(op: str, flags: frozenset[str], x: Any, y: Any, w: int) -> tuple[Any, Any]:
    z3 = _z3()
    too_far = z3.UGE(y, z3.BitVecVal(w, w))
    conds = [too_far]
    if op == "shl":
        value = x << y
        if "nuw" in flags:
            conds.append(z3.LShR(value, y) != x)
        if "nsw" in flags:
            conds.append((value >> y) != x)
    else:
        value = z3.LShR(x, y) if op == "lshr" else x >> y
        if "exact" in flags:
            conds.append((value << y) != x)
    return value, z3.Or(conds)


_ICMP = {
    "eq": lambda z3, x, y: x == y, "ne": lambda z3, x, y: x != y,
    "ugt": lambda z3, x, y: z3.UGT(x, y), "uge": lambda z3, x, y: z3.UGE(x, y),
    "ult": lambda z3, x, y: z3.ULT(x, y), "ule": lambda z3, x, y: z3.ULE(x, y),
    "sgt": lambda z3, x, y: x > y, "sge": lambda z3, x, y: x >= y,
    "slt": lambda z3, x, y: x < y, "sle": lambda z3, x, y: x <= y,
}


def bool_to_bv(cond: Any) -> Any:
    z3 = _z3()
    return z3.If(cond, z3.BitVecVal(1, 1), z3.BitVecVal(0, 1))


def icmp(pred: str, flags: frozenset[str], a: Val, b: Val) -> Val:
    z3 = _z3()
    if pred not in _ICMP:
        raise Unsupported(f"icmp predicate '{pred}'")
    poison = any_poison(a, b)
    if "samesign" in flags:
        w = a.width
        poison = z3.Or(poison, z3.Extract(w - 1, w - 1, a.bv) != z3.Extract(w - 1, w - 1, b.bv))
    return Val(bool_to_bv(_ICMP[pred](z3, a.bv, b.bv)), poison)


def cast(op: str, flags: frozenset[str], a: Val, to_width: int) -> Val:
    """zext [nneg], sext, trunc [nuw] [nsw]."""
    z3 = _z3()
    w = a.width
    extra = z3.BoolVal(False)
    if op in ("zext", "sext"):
        if to_width <= w:
            raise Unsupported(f"{op} to a narrower type")
        value = (z3.ZeroExt if op == "zext" else z3.SignExt)(to_width - w, a.bv)
        if op == "zext" and "nneg" in flags:
            extra = z3.Extract(w - 1, w - 1, a.bv) == 1
    elif op == "trunc":
        if to_width >= w:
            raise Unsupported("trunc to a wider type")
        value = z3.Extract(to_width - 1, 0, a.bv)
        conds = []
        if "nuw" in flags:
            conds.append(z3.ZeroExt(w - to_width, value) != a.bv)
        if "nsw" in flags:
            conds.append(z3.SignExt(w - to_width, value) != a.bv)
        extra = z3.Or(conds) if conds else extra
    else:
        raise Unsupported(f"cast '{op}'")
    return Val(value, z3.Or(a.poison, extra))


# --- intrinsics ------------------------------------------------------------------------

def _ctpop(x: Any) -> Any:
    z3 = _z3()
    w = x.size()
    return sum((z3.ZeroExt(w - 1, z3.Extract(i, i, x)) for i in range(w)), z3.BitVecVal(0, w))


def _count_zeros(x: Any, leading: bool) -> Any:
    z3 = _z3()
    w = x.size()
    result = z3.BitVecVal(w, w)
    order = range(w) if leading else range(w - 1, -1, -1)
    # Build from the least significant candidate outward so the first set bit wins.
    for i in order:
        bit = z3.Extract(i, i, x) == 1
        count = (w - 1 - i) if leading else i
        result = z3.If(bit, z3.BitVecVal(count, w), result)
    return result


def _bswap(x: Any) -> Any:
    z3 = _z3()
    w = x.size()
    if w % 16:
        raise Unsupported(f"bswap of i{w}")
    parts = [z3.Extract(8 * k + 7, 8 * k, x) for k in range(w // 8)]
    return z3.Concat(*parts)


def _funnel(a: Any, b: Any, c: Any, left: bool) -> Any:
    z3 = _z3()
    w = a.size()
    amount = z3.ZeroExt(w, z3.URem(c, z3.BitVecVal(w, w)))
    joined = z3.Concat(a, b)
    if left:
        return z3.Extract(2 * w - 1, w, joined << amount)
    return z3.Extract(w - 1, 0, z3.LShR(joined, amount))


def _saturating(name: str, x: Any, y: Any) -> Any:
    z3 = _z3()
    w = x.size()
    umax = z3.BitVecVal((1 << w) - 1, w)
    smax = z3.BitVecVal((1 << (w - 1)) - 1, w)
    smin = z3.BitVecVal(1 << (w - 1), w)
    if name == "uadd.sat":
        return z3.If(add_overflows(x, y, False), umax, x + y)
    if name == "usub.sat":
        return z3.If(z3.ULT(x, y), z3.BitVecVal(0, w), x - y)
    if name == "sadd.sat":
        return z3.If(add_overflows(x, y, True), z3.If(x < 0, smin, smax), x + y)
    return z3.If(sub_overflows(x, y, True), z3.If(x < 0, smin, smax), x - y)  # ssub.sat


REDUCTIONS = ("add", "mul", "and", "or", "xor", "smax", "smin", "umax", "umin")
INTRINSICS = ("ctpop", "ctlz", "cttz", "abs", "smax", "smin", "umax", "umin", "bswap", "fshl",
              "fshr", "usub.sat", "uadd.sat", "sadd.sat", "ssub.sat", "expect", "assume",
              *(f"vector.reduce.{r}" for r in REDUCTIONS))


def intrinsic_base(callee: str) -> str | None:
    """``llvm.smax.i32`` -> ``smax``; None for anything not in ``INTRINSICS``."""
    if not callee.startswith("llvm."):
        return None
    rest = callee[len("llvm."):]
    for base in sorted(INTRINSICS, key=len, reverse=True):
        if rest == base or rest.startswith(base + "."):
            return base
    return None


def _const_flag(flag: Any, name: str) -> bool:
    """The i1 immarg of ctlz/cttz/abs must be a constant."""
    z3 = _z3()
    simplified = z3.simplify(flag.bv)
    if not z3.is_bv_value(simplified):
        raise Unsupported(f"non-constant flag argument of {name}")
    return simplified.as_long() == 1


def intrinsic(base: str, args: list[Val]) -> tuple[Val | None, Any]:
    """Semantics of a supported intrinsic; ``(None, ub)`` for void ones (assume)."""
    z3 = _z3()
    if base == "assume":
        return None, z3.Or(args[0].poison, args[0].bv == 0)
    if base == "expect":
        return args[0], _false()
    if base in ("ctlz", "cttz", "abs"):
        x = args[0]
        zero_or_min_poison = _const_flag(args[1], base)
        w = x.width
        if base == "abs":
            int_min = z3.BitVecVal(1 << (w - 1), w)
            value = z3.If(x.bv < 0, -x.bv, x.bv)
            extra = z3.And(z3.BoolVal(zero_or_min_poison), x.bv == int_min)
        else:
            value = _count_zeros(x.bv, base == "ctlz")
            extra = z3.And(z3.BoolVal(zero_or_min_poison), x.bv == 0)
        return Val(value, z3.Or(x.poison, extra)), _false()
    poison = any_poison(*args)
    xs = [a.bv for a in args]
    if base == "ctpop":
        value = _ctpop(xs[0])
    elif base == "bswap":
        value = _bswap(xs[0])
    elif base in ("smax", "smin", "umax", "umin"):
        x, y = xs
        pick_x = {"smax": x > y, "smin": x < y, "umax": z3.UGT(x, y), "umin": z3.ULT(x, y)}[base]
        value = z3.If(pick_x, x, y)
    elif base in ("fshl", "fshr"):
        value = _funnel(xs[0], xs[1], xs[2], base == "fshl")
    else:
        value = _saturating(base, xs[0], xs[1])
    return Val(value, poison), _false()


def reduction(kind: str, lanes: list[Val]) -> tuple[Val, Any]:
    """``llvm.vector.reduce.<kind>``: poison if any lane is poison."""
    z3 = _z3()
    if kind not in REDUCTIONS:
        raise Unsupported(f"vector.reduce.{kind}")
    acc = lanes[0].bv
    for lane in lanes[1:]:
        x = lane.bv
        if kind in ("add", "mul", "and", "or", "xor"):
            acc = {"add": acc + x, "mul": acc * x, "and": acc & x, "or": acc | x, "xor": acc ^ x}[kind]
        else:
            keep = {"smax": acc > x, "smin": acc < x, "umax": z3.UGT(acc, x), "umin": z3.ULT(acc, x)}[kind]
            acc = z3.If(keep, acc, x)
    return Val(acc, any_poison(*lanes)), _false()
