"""Byte-addressed memory for pointer arguments.

Each pointer argument ``i`` points into an object ``[lo_i, hi_i)`` of unknown size and
position (shared by src and tgt, like the initial memory contents). Objects may overlap
unless one of the two arguments is ``noalias`` in the source. An access is UB unless the
whole access lies inside the object of the pointer's provenance and is aligned; a poison
pointer makes any access UB. Memory is a z3 array of bytes plus an array of per-byte
poison flags; a load is poison if any of its bytes is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ir import Unsupported
from .values import OBJ_BITS, PTR_BITS, PtrVal, Val

# Provenance markers for memory bytes that hold no pointer this function stored.
PROV_CALLER = (1 << OBJ_BITS) - 2     # untouched: whatever the caller left there
PROV_INTEGER = (1 << OBJ_BITS) - 3    # integer bytes stored by the function
MAX_OBJECTS = PROV_INTEGER

# Objects end below this address, so address arithmetic on valid accesses never wraps.
_ADDRESS_LIMIT = 1 << 60
# Constant tables live above that limit, one fixed slot each.
_CONSTANTS_BASE = 1 << 61
_CONSTANT_SLOT = 1 << 20


@dataclass
class MemoryObjects:
    """The objects pointers may access: first those of the pointer arguments (in argument
    order), then the allocas executed by src and tgt (never compared after return)."""

    lows: list[Any] = field(default_factory=list)
    highs: list[Any] = field(default_factory=list)
    argument_objects: int = 0
    local_sizes: dict[int, int] = field(default_factory=dict)
    # Objects the caller (and callees) can see: argument objects and mutable globals.
    visible: list[int] = field(default_factory=list)
    # Stack objects in creation order per side: (index, size, align).
    locals_by_side: dict[str, list] = field(default_factory=dict)
    global_indices: list[int] = field(default_factory=list)

    # Object index of ``null`` (and of nothing): no byte of it is accessible.
    null_object: int = (1 << OBJ_BITS) - 1

    def add(self, index: int, pointer: Any) -> list[Any]:
        """A new object for pointer argument ``index``; returns its well-formedness facts."""
        import z3

        lo = z3.BitVec(f"obj{index}_lo", PTR_BITS)
        hi = z3.BitVec(f"obj{index}_hi", PTR_BITS)
        self.lows.append(lo)
        self.highs.append(hi)
        self.argument_objects = len(self.lows)
        self.visible.append(len(self.lows) - 1)
        # The pointer itself may be anywhere (dangling, one past the end, any integer):
        # only accesses need it inside its object, and comparisons or a returned pointer
        # must not assume more.
        return [z3.UGT(lo, 0), z3.ULE(lo, hi), z3.ULT(hi, _ADDRESS_LIMIT)]

    def add_local(self, name: str, size: int, align: int) -> tuple[int, Any, list[Any]]:
        """A fresh stack object of ``size`` bytes, disjoint from every other object.
        Returns (object index, address, facts)."""
        import z3

        mine = self.locals_by_side.setdefault(name, [])
        source = self.locals_by_side.get("src", [])
        if name == "tgt" and len(mine) < len(source) and source[len(mine)][1:] == (size, align):
            # The k-th stack object of the target takes the address of the source's k-th
            # one when they match: one choice of the source's addresses, so a proof stays
            # sound, and a function is no longer refuted against itself.
            shared = source[len(mine)]
            mine.append(shared)
            return shared[0], self.lows[shared[0]], []
        index = len(self.lows)
        if index >= MAX_OBJECTS:
            raise Unsupported("too many memory objects")
        mine.append((index, size, align))
        lo = z3.BitVec(f"{name}_alloca{index}", PTR_BITS)
        hi = lo + size
        facts = [z3.UGT(lo, 0), z3.ULT(hi, _ADDRESS_LIMIT), z3.ULE(lo, hi), _aligned(lo, align)]
        facts += [z3.Or(z3.ULE(hi, other_lo), z3.ULE(other_hi, lo))
                  for other_lo, other_hi in zip(self.lows, self.highs)]
        self.lows.append(lo)
        self.highs.append(hi)
        self.local_sizes[index] = size
        return index, lo, facts

    def add_constant(self, size: int) -> tuple[int, Any]:
        """An object for a constant table at a fixed address above every other object (so
        it needs no disjointness facts and its addresses stay concrete).
        Returns (object index, address)."""
        import z3

        index = len(self.lows)
        if index >= MAX_OBJECTS:
            raise Unsupported("too many memory objects")
        lo = z3.BitVecVal(_CONSTANTS_BASE + index * _CONSTANT_SLOT, PTR_BITS)
        self.lows.append(lo)
        self.highs.append(lo + size)
        return index, lo

    def add_global(self, name: str, size: int, align: int) -> tuple[int, Any, list[Any]]:
        """An object for a global variable whose contents belong to the program state:
        unknown at entry, compared at exit, visible to callees. It may overlap the objects
        of pointer arguments (they may point into it), never another global.
        Returns (object index, address, facts)."""
        import z3

        index = len(self.lows)
        if index >= MAX_OBJECTS:
            raise Unsupported("too many memory objects")
        lo = z3.BitVec(f"global_{name}", PTR_BITS)
        hi = lo + size
        facts = [z3.UGT(lo, 0), z3.ULT(hi, _ADDRESS_LIMIT), z3.ULE(lo, hi), _aligned(lo, align)]
        facts += [z3.Or(z3.ULE(hi, self.lows[k]), z3.ULE(self.highs[k], lo)) for k in self.global_indices]
        self.lows.append(lo)
        self.highs.append(hi)
        self.visible.append(index)
        self.global_indices.append(index)
        return index, lo, facts

    def is_visible(self, obj: Any) -> Any:
        """Bool: the object index is one the caller can see (argument or global object)."""
        import z3

        return z3.Or([obj == z3.BitVecVal(k, OBJ_BITS) for k in self.visible] or [z3.BoolVal(False)])

    def local_size(self, index: int) -> int | None:
        """Size of a stack object (None for argument objects and unknown indices)."""
        return self.local_sizes.get(index)

    def disjoint(self, i: int, j: int) -> Any:
        import z3

        return z3.Or(z3.ULE(self.highs[i], self.lows[j]), z3.ULE(self.highs[j], self.lows[i]))

    def bounds(self, obj: Any) -> tuple[Any, Any]:
        """(lo, hi) of a symbolic object index; null/unknown objects are [0, 0)."""
        import z3

        lo, hi = z3.BitVecVal(0, PTR_BITS), z3.BitVecVal(0, PTR_BITS)
        for k in range(len(self.lows)):
            hit = obj == z3.BitVecVal(k, OBJ_BITS)
            lo, hi = z3.If(hit, self.lows[k], lo), z3.If(hit, self.highs[k], hi)
        return lo, hi

    def contains(self, address: Any) -> Any:
        """True when ``address`` lies in some object (where final memory is compared)."""
        import z3

        return z3.Or([z3.And(z3.ULE(self.lows[k], address), z3.ULT(address, self.highs[k]))
                      for k in self.visible] or [z3.BoolVal(False)])


def access_ub(objects: MemoryObjects, ptr: PtrVal, nbytes: int, align: int) -> Any:
    """Condition under which accessing ``nbytes`` at ``ptr`` is undefined behaviour."""
    import z3

    lo, hi = objects.bounds(ptr.obj)
    inside = z3.And(z3.ULE(lo, ptr.addr), z3.ULE(ptr.addr, hi),
                    z3.ULE(z3.BitVecVal(nbytes, PTR_BITS), hi - ptr.addr))
    ok = z3.And(z3.Not(ptr.poison), inside, _aligned(ptr.addr, align))
    return z3.Not(ok)


def _aligned(addr: Any, align: int) -> Any:
    import z3

    if align <= 1:
        return z3.BoolVal(True)
    if align & (align - 1):
        raise Unsupported(f"alignment {align}")
    return (addr & z3.BitVecVal(align - 1, PTR_BITS)) == 0


def load_bytes(mem: Any, mem_poison: Any, addr: Any, width: int) -> Val:
    """Little-endian load of an iN (N a multiple of 8)."""
    import z3

    if width % 8:
        raise Unsupported(f"load/store of i{width} (not a whole number of bytes)")
    nbytes = width // 8
    parts = [z3.Select(mem, addr + k) for k in range(nbytes)]
    value = parts[0] if nbytes == 1 else z3.Concat(*reversed(parts))
    poison = z3.Or([z3.Select(mem_poison, addr + k) for k in range(nbytes)])
    return Val(value, poison)


def store_bytes(mem: Any, mem_poison: Any, addr: Any, value: Val) -> tuple[Any, Any]:
    """Write ``value`` little-endian; every byte inherits the value's poison flag."""
    import z3

    if value.width % 8:
        raise Unsupported(f"load/store of i{value.width} (not a whole number of bytes)")
    for k in range(value.width // 8):
        mem = z3.Store(mem, addr + k, z3.Extract(8 * k + 7, 8 * k, value.bv))
        mem_poison = z3.Store(mem_poison, addr + k, value.poison)
    return mem, mem_poison
