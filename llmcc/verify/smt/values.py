"""Symbolic values: an integer is a bit-vector plus a poison flag; a pointer also carries
the object it may access (its provenance)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PTR_BITS = 64
OBJ_BITS = 8


@dataclass(frozen=True)
class Val:
    """An integer value: ``bv`` (z3 BitVecRef) and ``poison`` (z3 BoolRef)."""

    bv: Any
    poison: Any

    @property
    def width(self) -> int:
        return self.bv.size()


@dataclass(frozen=True)
class PtrVal:
    """A pointer: its address, poison flag and object index (z3 BitVec of OBJ_BITS)."""

    addr: Any
    poison: Any
    obj: Any


def int_alloc_size(width: int) -> int:
    """DataLayout alloc size of iN on x86-64: store size rounded up to a power of two."""
    store = (width + 7) // 8
    size = 1
    while size < store:
        size *= 2
    return size


@dataclass(frozen=True)
class VecVal:
    """A vector of integers: every lane has its own value and poison flag."""

    lanes: tuple[Val, ...]


def lanes_of(value: Any) -> list[Val]:
    """The lanes of a vector, or a scalar as one lane."""
    return list(value.lanes) if isinstance(value, VecVal) else [value]


def from_lanes(lanes: list[Val], vector: bool) -> Any:
    return VecVal(tuple(lanes)) if vector else lanes[0]
