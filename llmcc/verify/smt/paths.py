"""Path states of the symbolic executor and how states meeting at a block are merged."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .ir import Function
from .values import PtrVal, Val, VecVal


@dataclass
class State:
    env: dict[str, Any]
    pc: Any
    ub: Any
    mem: Any
    mem_poison: Any
    mem_prov: Any
    unmodelled: Any
    visits: Counter
    prev: str | None
    used_args: set[str]
    written: Any = None     # per byte: written through an ``initializes`` argument (or None)
    trace: Any = None       # the calls to unknown functions so far (see semantics._effectful_call)

    def fork(self, pc: Any) -> "State":
        return State(dict(self.env), pc, self.ub, self.mem, self.mem_poison, self.mem_prov,
                     self.unmodelled, Counter(self.visits), self.prev, set(self.used_args),
                     self.written, self.trace)


def reverse_post_order(fn: Function) -> dict[str, int]:
    """Block label -> position in reverse post-order (back edges ignored)."""
    seen: set[str] = set()
    post: list[str] = []

    def successors(label: str) -> list[str]:
        block = fn.blocks.get(label)
        return [t for i in block.insts for t in i.targets] if block else []

    stack = [(fn.entry, iter(successors(fn.entry)))]
    seen.add(fn.entry)
    while stack:
        label, it = stack[-1]
        nxt = next((t for t in it if t not in seen), None)
        if nxt is None:
            post.append(label)
            stack.pop()
        else:
            seen.add(nxt)
            stack.append((nxt, iter(successors(nxt))))
    return {label: i for i, label in enumerate(reversed(post))}


def merge(states: list[State]) -> State:
    """One state standing for several exclusive paths (selected by their conditions)."""
    import z3

    merged = states[0]
    for other in states[1:]:
        take = merged.pc
        env = dict(other.env)
        for name, value in merged.env.items():
            env[name] = _select_value(take, value, other.env[name]) if name in other.env else value
        visits = Counter({k: max(merged.visits[k], other.visits[k])
                          for k in set(merged.visits) | set(other.visits)})
        merged = State(env, z3.simplify(z3.Or(merged.pc, other.pc)),
                        z3.Or(z3.And(merged.pc, merged.ub), z3.And(other.pc, other.ub)),
                        z3.If(take, merged.mem, other.mem), z3.If(take, merged.mem_poison, other.mem_poison),
                        z3.If(take, merged.mem_prov, other.mem_prov),
                        z3.Or(z3.And(merged.pc, merged.unmodelled), z3.And(other.pc, other.unmodelled)),
                        visits, merged.prev, merged.used_args | other.used_args,
                        None if merged.written is None else z3.If(take, merged.written, other.written),
                        merged.trace if merged.trace is other.trace else z3.If(take, merged.trace, other.trace))
    return merged


def _select_value(take: Any, a: Any, b: Any) -> Any:
    import z3

    if a is b:
        return a
    if isinstance(a, PtrVal):
        return PtrVal(z3.If(take, a.addr, b.addr), z3.If(take, a.poison, b.poison), z3.If(take, a.obj, b.obj))
    if isinstance(a, VecVal):
        return VecVal(tuple(_select_value(take, x, y) for x, y in zip(a.lanes, b.lanes)))
    if a is None:
        return None
    return Val(z3.If(take, a.bv, b.bv), z3.If(take, a.poison, b.poison))
