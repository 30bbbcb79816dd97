"""The symbolic inputs src and tgt share: arguments (with poison and undef flags), the
objects pointer arguments point into, the initial memory, and what the source's argument
attributes let the checker assume."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import memory
from .ir import Function, Unsupported, int_width, vector_shape
from .memory import MemoryObjects
from .values import OBJ_BITS, PTR_BITS, PtrVal, Val, VecVal

# Parameter attributes that do not change the function's semantics in this subset (no
# calls, no captures), or that the checker models.
BENIGN_PARAM_ATTRS = {"noundef", "noalias", "nocapture", "captures(none)", "zeroext", "signext",
                      "noext", "nofree", "readonly", "writeonly", "readnone", "nonnull"}
MODELLED_ATTR_PREFIXES = ("range(", "align ", "dereferenceable(", "initializes(")


@dataclass
class Inputs:
    """The symbolic inputs shared by src and tgt: arguments, objects, initial memory."""

    values: dict[str, Any]          # argument name -> Val, VecVal or PtrVal
    undef: dict[str, list[Any]]     # argument name -> per lane Bool "this lane is undef"
    objects: MemoryObjects
    mem: Any
    mem_poison: Any
    mem_prov: Any                   # per byte: object index of a stored pointer, or a marker
    facts: list[Any]                # well-formedness / attribute assumptions
    order: list[str] = field(default_factory=list)   # source argument names, in order
    fresh_counter: list[int] = field(default_factory=lambda: [0])
    trace0: Any = None              # the call history before the function runs (shared)
    globals: dict[str, Any] = field(default_factory=dict)   # global name -> PtrVal

    def fresh(self, prefix: str, width: int) -> Any:
        import z3

        self.fresh_counter[0] += 1
        return z3.BitVec(f"{prefix}!{self.fresh_counter[0]}", width)


def make_inputs(src: Function, global_vars: dict | None = None) -> Inputs:
    """Arguments as the source's attributes allow them (noundef, noalias, nonnull...), and
    objects for the global variables either function uses (name -> (size, align, writable))."""
    import z3

    values: dict[str, Any] = {}
    undef: dict[str, Any] = {}
    objects = MemoryObjects()
    facts: list[Any] = []
    pointer_params = []
    for p in src.params:
        # dereferenceable(N) (unlike dereferenceable_or_null) also rules out poison/undef.
        not_poison = "noundef" in p.attrs or any(a.startswith("dereferenceable(") for a in p.attrs)
        poison = z3.BoolVal(False) if not_poison else z3.Bool(f"{p.name}_poison")
        if p.type == "ptr":
            addr = z3.BitVec(f"{p.name}", PTR_BITS)
            index = len(pointer_params)
            pointer_params.append(p)
            facts += objects.add(index, addr)
            # A misaligned pointer would be poison, and poison is an input of its own:
            # so the non-poison value may be taken as aligned.
            facts += _pointer_facts(p.attrs, addr, objects.lows[index], objects.highs[index])
            facts.append(z3.Not(_misaligned(p.attrs, addr)))
            values[p.name] = PtrVal(addr, poison, z3.BitVecVal(index, OBJ_BITS))
            undef[p.name] = [z3.BoolVal(False)]  # undef pointers are modelled as one address
        elif vector_shape(p.type):
            lanes, elem = vector_shape(p.type)
            values[p.name] = VecVal(tuple(
                Val(z3.BitVec(f"{p.name}_{k}", int_width(elem)),
                    z3.BoolVal(False) if not_poison else z3.Bool(f"{p.name}_{k}_poison"))
                for k in range(lanes)))
            undef[p.name] = [z3.BoolVal(False) if not_poison else z3.Bool(f"{p.name}_{k}_undef")
                             for k in range(lanes)]
        else:
            values[p.name] = Val(z3.BitVec(p.name, int_width(p.type)), poison)
            undef[p.name] = [z3.BoolVal(False) if not_poison else z3.Bool(f"{p.name}_undef")]
        facts += _range_facts(p.attrs, values[p.name])
    for i, a in enumerate(pointer_params):
        for j in range(i + 1, len(pointer_params)):
            if "noalias" in a.attrs or "noalias" in pointer_params[j].attrs:
                facts.append(objects.disjoint(i, j))
    globals_ = {}
    for name, (size, align, _) in sorted((global_vars or {}).items()):
        index, addr, gfacts = objects.add_global(name, size, align)
        facts += gfacts
        globals_[name] = PtrVal(addr, z3.BoolVal(False), z3.BitVecVal(index, OBJ_BITS))
        for i, a in enumerate(pointer_params):
            if "noalias" in a.attrs:
                facts.append(objects.disjoint(i, index))
    mem = z3.Array("mem0", z3.BitVecSort(PTR_BITS), z3.BitVecSort(8))
    mem_poison = z3.Array("mem0_poison", z3.BitVecSort(PTR_BITS), z3.BoolSort())
    mem_prov = z3.K(z3.BitVecSort(PTR_BITS), z3.BitVecVal(memory.PROV_CALLER, OBJ_BITS))
    return Inputs(values, undef, objects, mem, mem_poison, mem_prov, facts,
                  order=[p.name for p in src.params], globals=globals_)


def _pointer_facts(attrs: frozenset[str], addr: Any, lo: Any, hi: Any) -> list[Any]:
    """Caller guarantees on a pointer argument: ``nonnull``, ``dereferenceable(N)``."""
    import z3

    facts = []
    for a in attrs:
        if a == "nonnull":
            facts.append(addr != 0)
        m = re.fullmatch(r"dereferenceable\((\d+)\)", a)
        if m:
            facts += [z3.ULE(lo, addr), z3.ULE(addr, hi),
                      z3.ULE(z3.BitVecVal(int(m.group(1)), PTR_BITS), hi - addr)]
    return facts


def _misaligned(attrs: frozenset[str], addr: Any) -> Any:
    """``align N`` on an argument: a misaligned pointer is poison."""
    import z3

    conds = []
    for a in attrs:
        if a.startswith("align "):
            n = int(a.split()[1])
            conds.append((addr & z3.BitVecVal(n - 1, PTR_BITS)) != 0)
    return z3.Or(conds) if conds else z3.BoolVal(False)


def _range_facts(attrs: frozenset[str], value: Any) -> list[Any]:
    """``range(iN lo, hi)`` on a source argument: callers pass only values in range."""
    facts = []
    for a in attrs:
        if a.startswith("range(") and isinstance(value, Val):
            facts.append(in_range_attr(value.bv, a))
    return facts


def in_range_attr(bv: Any, attr: str) -> Any:
    """``range(i32 0, 33)`` (attribute text) -> z3 condition on ``bv``."""
    m = re.match(r"range\(i(\d+) (-?\d+), (-?\d+)\)", attr) or re.match(r"range:(\d+):(-?\d+):(-?\d+)", attr)
    if not m:
        raise Unsupported(f"attribute {attr}")
    return in_range(bv, int(m.group(2)), int(m.group(3)))


def in_range(bv: Any, lo: int, hi: int) -> Any:
    """Half-open, possibly wrapping range [lo, hi) as LLVM's ConstantRange."""
    import z3

    w = bv.size()
    mask = (1 << w) - 1
    lo_v, hi_v = lo & mask, hi & mask
    if lo_v == hi_v:
        return z3.BoolVal(True)  # full range (LLVM forbids the empty one)
    return z3.ULT(bv - z3.BitVecVal(lo_v, w), z3.BitVecVal((hi_v - lo_v) & mask, w))
