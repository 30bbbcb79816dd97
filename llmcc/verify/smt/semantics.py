"""Symbolic execution of one function of the subset into z3 formulas.

Paths are explored one by one (forking at conditional branches whose condition is not
decided); each block may be entered at most ``unroll`` times per path, and a path that
wants to enter it again ends as *out of bound*: the checker never proves anything about
inputs that reach such a path. A path records its condition, the UB it hit, its return
value and its final memory.

Non-determinism: ``undef`` and ``freeze`` of poison/undef pick fresh values. In the target
that is exact (the target may pick anything). In the source a fresh value over-restricts
(a proof must then hold for every choice, which is sound); such choices are recorded in
``Behaviour.choices`` so the checker only trusts a counterexample that avoids them.
Undef arguments: the first use of an argument on a path sees the argument's value and
later uses in the target see fresh values, while the source always sees the same value.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import memory, ops
from .ir import Function, Inst, Operand, Unsupported, check_value_type, int_width
from .memory import MemoryObjects
from .values import OBJ_BITS, PTR_BITS, PtrVal, Val, int_alloc_size

MAX_PATHS = 512
MAX_STEPS = 20000
# Parameter attributes that do not change the function's semantics in this subset (no
# calls, no captures), or that the checker models.
BENIGN_PARAM_ATTRS = {"noundef", "noalias", "nocapture", "captures(none)", "zeroext", "signext",
                      "noext", "nofree", "readonly", "writeonly", "readnone", "nonnull"}


@dataclass
class Inputs:
    """The symbolic inputs shared by src and tgt: arguments, objects, initial memory."""

    values: dict[str, Any]          # argument name -> Val or PtrVal
    undef: dict[str, Any]           # argument name -> Bool "this argument is undef"
    objects: MemoryObjects
    mem: Any
    mem_poison: Any
    facts: list[Any]                # well-formedness / attribute assumptions
    fresh_counter: list[int] = field(default_factory=lambda: [0])

    def fresh(self, prefix: str, width: int) -> Any:
        import z3

        self.fresh_counter[0] += 1
        return z3.BitVec(f"{prefix}!{self.fresh_counter[0]}", width)


def make_inputs(src: Function) -> Inputs:
    """Arguments as the source's attributes allow them (noundef, noalias, nonnull...)."""
    import z3

    values: dict[str, Any] = {}
    undef: dict[str, Any] = {}
    objects = MemoryObjects()
    facts: list[Any] = []
    pointer_params = []
    for p in src.params:
        not_poison = "noundef" in p.attrs
        poison = z3.BoolVal(False) if not_poison else z3.Bool(f"{p.name}_poison")
        if p.type == "ptr":
            addr = z3.BitVec(f"{p.name}", PTR_BITS)
            index = len(pointer_params)
            pointer_params.append(p)
            facts += objects.add(index, addr)
            if "nonnull" in p.attrs:
                facts.append(addr != 0)
            values[p.name] = PtrVal(addr, poison, z3.BitVecVal(index, OBJ_BITS))
            undef[p.name] = z3.BoolVal(False)  # undef pointers are modelled as one address
        else:
            values[p.name] = Val(z3.BitVec(p.name, int_width(p.type)), poison)
            undef[p.name] = z3.BoolVal(False) if not_poison else z3.Bool(f"{p.name}_undef")
        facts += _range_facts(p.attrs, values[p.name])
    for i, a in enumerate(pointer_params):
        for j in range(i + 1, len(pointer_params)):
            if "noalias" in a.attrs or "noalias" in pointer_params[j].attrs:
                facts.append(objects.disjoint(i, j))
    mem = z3.Array("mem0", z3.BitVecSort(PTR_BITS), z3.BitVecSort(8))
    mem_poison = z3.Array("mem0_poison", z3.BitVecSort(PTR_BITS), z3.BoolSort())
    return Inputs(values, undef, objects, mem, mem_poison, facts)


def _range_facts(attrs: frozenset[str], value: Any) -> list[Any]:
    """``range(iN lo, hi)`` on a source argument: callers pass only values in range."""
    facts = []
    for a in attrs:
        if a.startswith("range(") and isinstance(value, Val):
            facts.append(_in_range_attr(value.bv, a))
    return facts


def _in_range_attr(bv: Any, attr: str) -> Any:
    """``range(i32 0, 33)`` (attribute text) -> z3 condition on ``bv``."""
    import re

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


@dataclass
class PathEnd:
    pc: Any
    ub: Any
    ret: Val | None
    mem: Any
    mem_poison: Any
    out_of_bound: bool


@dataclass
class Behaviour:
    """All paths of one function on the shared inputs."""

    ends: list[PathEnd]
    choices: list[Any]               # source-side non-deterministic choices (see module doc)
    universals: list[Any]            # the source's choice variables (exact undef mode)


@dataclass
class _State:
    env: dict[str, Any]
    pc: Any
    ub: Any
    mem: Any
    mem_poison: Any
    visits: Counter
    prev: str | None
    used_args: set[str]

    def fork(self, pc: Any) -> "_State":
        return _State(dict(self.env), pc, self.ub, self.mem, self.mem_poison, Counter(self.visits),
                      self.prev, set(self.used_args))


class Executor:
    """Explores the paths of ``fn`` (as source or as target) on ``inputs``."""

    def __init__(self, fn: Function, inputs: Inputs, *, is_source: bool, unroll: int,
                 exact_undef: bool = False):
        """``exact_undef``: in the source, every use of an undef argument is its own choice
        (recorded in ``universals``, to be universally quantified by the checker)."""
        self.fn = fn
        self.exact_undef = exact_undef and is_source
        self.universals: list[Any] = []
        self.inputs = inputs
        self.is_source = is_source
        self.bound = max(1, unroll)
        self.ends: list[PathEnd] = []
        self.choices: list[Any] = []
        self.steps = 0
        self.args = {p.name: p for p in fn.params}

    def run(self) -> Behaviour:
        import z3

        start = _State({}, z3.BoolVal(True), z3.BoolVal(False), self.inputs.mem,
                       self.inputs.mem_poison, Counter(), None, set())
        start.ub = self._target_param_ub()
        stack = [(start, self.fn.entry)]
        while stack:
            state, label = stack.pop()
            stack.extend(self._run_block(state, label))
            if len(self.ends) + len(stack) > MAX_PATHS:
                raise Unsupported(f"more than {MAX_PATHS} paths (branches inside loops?)")
        return Behaviour(self.ends, self.choices, self.universals)

    def _target_param_ub(self) -> Any:
        """Target-only ``noundef`` arguments: passing poison/undef there is UB in tgt."""
        import z3

        if self.is_source:
            return z3.BoolVal(False)
        conds = []
        for p in self.fn.params:
            if "noundef" in p.attrs:
                v = self.inputs.values[p.name]
                conds += [v.poison, self.inputs.undef[p.name]]
        return z3.Or(conds) if conds else z3.BoolVal(False)

    # --- blocks and control flow -------------------------------------------------------

    def _run_block(self, state: _State, label: str) -> list[tuple[_State, str]]:
        if label not in self.fn.blocks:
            raise Unsupported(f"branch to unknown block %{label}")
        state.visits[label] += 1
        if state.visits[label] > self.bound:
            self._end(state, None, out_of_bound=True)
            return []
        block = self.fn.blocks[label]
        phis = [i for i in block.insts if i.opcode == "phi"]
        # All phis of a block read the values of the edge at once.
        incoming = {i.result: self._phi_value(state, i) for i in phis}
        state.env.update(incoming)
        for inst in block.insts[len(phis):]:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise Unsupported(f"more than {MAX_STEPS} instructions executed")
            if inst.opcode == "phi":
                raise Unsupported("phi after a non-phi instruction")
            successors = self._terminator(state, inst, label)
            if successors is not None:
                return successors
            self._execute(state, inst)
        raise Unsupported(f"block %{label} has no terminator")

    def _phi_value(self, state: _State, inst: Inst) -> Any:
        for value, pred in inst.incoming:
            if pred == state.prev:
                return self._operand(state, value, inst.type)
        raise Unsupported(f"phi without an entry for %{state.prev}")

    def _terminator(self, state: _State, inst: Inst, label: str) -> list | None:
        import z3

        if inst.opcode == "ret":
            if inst.ops:
                if inst.op_types[0] == "ptr":
                    raise Unsupported("returning a pointer")
                value = self._operand(state, inst.ops[0], inst.op_types[0])
                value = self._return_attrs(state, value)
                self._end(state, value)
            else:
                self._end(state, None)
            return []
        if inst.opcode == "unreachable":
            state.ub = z3.BoolVal(True)
            self._end(state, None)
            return []
        if inst.opcode == "br":
            if not inst.ops:
                return self._goto(state, label, [(z3.BoolVal(True), inst.targets[0])])
            cond = self._operand(state, inst.ops[0], "i1")
            state.ub = z3.Or(state.ub, cond.poison)  # branching on poison is UB
            return self._goto(state, label, [(cond.bv == 1, inst.targets[0]),
                                             (cond.bv == 0, inst.targets[1])])
        if inst.opcode == "switch":
            return self._switch(state, inst, label)
        return None

    def _switch(self, state: _State, inst: Inst, label: str) -> list:
        import z3

        value = self._operand(state, inst.ops[0], inst.op_types[0])
        state.ub = z3.Or(state.ub, value.poison)
        w = value.width
        edges, seen = [], []
        for case_value, target in inst.cases:
            hit = value.bv == z3.BitVecVal(case_value & ((1 << w) - 1), w)
            edges.append((hit, target))
            seen.append(hit)
        edges.append((z3.Not(z3.Or(seen)) if seen else z3.BoolVal(True), inst.targets[0]))
        return self._goto(state, label, edges)

    def _goto(self, state: _State, label: str, edges: list[tuple[Any, str]]) -> list:
        import z3

        out = []
        for cond, target in edges:
            pc = z3.simplify(z3.And(state.pc, cond))
            if z3.is_false(pc):
                continue  # infeasible edge (e.g. a loop exit with a known trip count)
            nxt = state.fork(pc)
            nxt.prev = label
            out.append((nxt, target))
        return out

    def _end(self, state: _State, ret: Val | None, out_of_bound: bool = False) -> None:
        self.ends.append(PathEnd(state.pc, state.ub, ret, state.mem, state.mem_poison, out_of_bound))

    def _return_attrs(self, state: _State, value: Val) -> Val:
        import z3

        for attr in self.fn.ret_attrs:
            if attr == "noundef":
                state.ub = z3.Or(state.ub, value.poison)
            elif attr.startswith("range:"):
                value = Val(value.bv, z3.Or(value.poison, z3.Not(_in_range_attr(value.bv, attr))))
            elif attr in ("nonnull", "noalias"):
                raise Unsupported(f"return attribute {attr}")
            else:
                raise Unsupported(f"return attribute {attr}")
        return value

    # --- operands ---------------------------------------------------------------------

    def _operand(self, state: _State, op: Operand, ty: str) -> Any:
        import z3

        check_value_type(ty)
        if op.kind == "local":
            if op.name in state.env:
                return state.env[op.name]
            if op.name in self.args:
                return self._argument(state, op.name)
            raise Unsupported(f"use of %{op.name} before its definition on this path")
        if ty == "ptr":
            if op.kind == "null":
                return PtrVal(z3.BitVecVal(0, PTR_BITS), z3.BoolVal(False),
                              z3.BitVecVal(self.inputs.objects.null_object, OBJ_BITS))
            if op.kind == "poison":
                return PtrVal(z3.BitVecVal(0, PTR_BITS), z3.BoolVal(True),
                              z3.BitVecVal(self.inputs.objects.null_object, OBJ_BITS))
            raise Unsupported(f"pointer operand '{op.kind} {op.name}' (globals are not modelled)")
        w = int_width(ty)
        if op.kind == "int":
            return Val(z3.BitVecVal(op.value % (1 << w), w), z3.BoolVal(False))
        if op.kind == "poison":
            return Val(z3.BitVecVal(0, w), z3.BoolVal(True))
        if op.kind == "undef":
            fresh = self.inputs.fresh("undef", w)
            if self.is_source:
                self.choices.append(state.pc)
                self.universals.append(fresh)
            return Val(fresh, z3.BoolVal(False))
        raise Unsupported(f"operand '{op.kind} {op.name}'")

    def _argument(self, state: _State, name: str) -> Any:
        import z3

        value = self.inputs.values[name]
        if self.exact_undef and isinstance(value, Val):
            choice = self.inputs.fresh(f"{name}_src_use", value.width)
            self.universals.append(choice)
            return Val(z3.If(self.inputs.undef[name], choice, value.bv), value.poison)
        if self.is_source or isinstance(value, PtrVal) or name not in state.used_args:
            state.used_args.add(name)
            return value
        # A later use of an undef argument in the target may see a different value.
        fresh = self.inputs.fresh(f"{name}_use", value.width)
        return Val(z3.If(self.inputs.undef[name], fresh, value.bv), value.poison)

    # --- instructions -----------------------------------------------------------------

    def _execute(self, state: _State, inst: Inst) -> None:
        import z3

        if any(f.startswith("metadata:") for f in inst.flags):
            self._metadata(inst)
        op = inst.opcode
        if op in ops_binops():
            a = self._operand(state, inst.ops[0], inst.op_types[0])
            b = self._operand(state, inst.ops[1], inst.op_types[1])
            result, ub = ops.binop(op, inst.flags, a, b)
            state.ub = z3.Or(state.ub, ub)
        elif op == "icmp":
            if inst.op_types[0] == "ptr":
                raise Unsupported("pointer comparison")
            a = self._operand(state, inst.ops[0], inst.op_types[0])
            b = self._operand(state, inst.ops[1], inst.op_types[1])
            result = ops.icmp(inst.pred, inst.flags, a, b)
        elif op == "select":
            result = self._select(state, inst)
        elif op in ("zext", "sext", "trunc"):
            a = self._operand(state, inst.ops[0], inst.op_types[0])
            result = ops.cast(op, inst.flags, a, int_width(inst.type))
        elif op == "freeze":
            result = self._freeze(state, inst)
        elif op == "load":
            result = self._load(state, inst)
        elif op == "store":
            self._store(state, inst)
            return
        elif op == "getelementptr":
            result = self._gep(state, inst)
        elif op == "call":
            result = self._call(state, inst)
        else:
            raise Unsupported(f"instruction '{op}'")
        if inst.result is not None:
            state.env[inst.result] = result

    def _metadata(self, inst: Inst) -> None:
        kinds = sorted(f.removeprefix("metadata:") for f in inst.flags if f.startswith("metadata:"))
        raise Unsupported(f"metadata {', '.join(kinds)} on '{inst.text}'")

    def _select(self, state: _State, inst: Inst) -> Any:
        import z3

        c = self._operand(state, inst.ops[0], "i1")
        a = self._operand(state, inst.ops[1], inst.op_types[1])
        b = self._operand(state, inst.ops[2], inst.op_types[2])
        take_a = c.bv == 1
        if isinstance(a, PtrVal):
            return PtrVal(z3.If(take_a, a.addr, b.addr), z3.Or(c.poison, z3.If(take_a, a.poison, b.poison)),
                          z3.If(take_a, a.obj, b.obj))
        return Val(z3.If(take_a, a.bv, b.bv), z3.Or(c.poison, z3.If(take_a, a.poison, b.poison)))

    def _freeze(self, state: _State, inst: Inst) -> Val:
        import z3

        if inst.type == "ptr":
            raise Unsupported("freeze of a pointer")
        operand = inst.ops[0]
        a = self._operand(state, operand, inst.op_types[0])
        arbitrary = a.poison
        if operand.kind == "local" and operand.name in self.args and operand.name not in state.env:
            arbitrary = z3.Or(arbitrary, self.inputs.undef[operand.name])
        fresh = self.inputs.fresh("freeze", a.width)
        if self.is_source:
            self.choices.append(z3.And(state.pc, arbitrary))
            self.universals.append(fresh)
        return Val(z3.If(arbitrary, fresh, a.bv), z3.BoolVal(False))

    def _load(self, state: _State, inst: Inst) -> Val:
        import z3

        if inst.type == "ptr":
            raise Unsupported("loading a pointer")
        w = int_width(inst.type)
        ptr = self._operand(state, inst.ops[0], "ptr")
        nbytes = (w + 7) // 8
        state.ub = z3.Or(state.ub, memory.access_ub(self.inputs.objects, ptr, nbytes, inst.align))
        return memory.load_bytes(state.mem, state.mem_poison, ptr.addr, w)

    def _store(self, state: _State, inst: Inst) -> None:
        import z3

        if inst.op_types[0] == "ptr":
            raise Unsupported("storing a pointer")
        value = self._operand(state, inst.ops[0], inst.op_types[0])
        ptr = self._operand(state, inst.ops[1], "ptr")
        nbytes = (value.width + 7) // 8
        state.ub = z3.Or(state.ub, memory.access_ub(self.inputs.objects, ptr, nbytes, inst.align))
        state.mem, state.mem_poison = memory.store_bytes(state.mem, state.mem_poison, ptr.addr, value)

    def _gep(self, state: _State, inst: Inst) -> PtrVal:
        import z3

        base = self._operand(state, inst.ops[0], "ptr")
        sizes = _gep_scales(inst.elem_types, len(inst.ops) - 1)
        offset = z3.BitVecVal(0, PTR_BITS)
        poison = [base.poison]
        signed_wrap, unsigned_wrap = [], []
        for operand, ty, scale in zip(inst.ops[1:], inst.op_types[1:], sizes):
            idx = self._operand(state, operand, ty)
            w = idx.width
            if w > PTR_BITS:
                raise Unsupported(f"getelementptr index of type {ty}")
            poison.append(idx.poison)
            wide = z3.SignExt(PTR_BITS - w, idx.bv) if w < PTR_BITS else idx.bv
            scale_v = z3.BitVecVal(scale, PTR_BITS)
            term = wide * scale_v
            signed_wrap += [ops.mul_overflows(wide, scale_v, True), ops.add_overflows(offset, term, True)]
            uwide = z3.ZeroExt(PTR_BITS - w, idx.bv) if w < PTR_BITS else idx.bv
            unsigned_wrap += [ops.mul_overflows(uwide, scale_v, False),
                              ops.add_overflows(offset, uwide * scale_v, False)]
            offset = offset + term
        addr = base.addr + offset
        flags = inst.flags
        if "inbounds" in flags or "nusw" in flags:
            poison += signed_wrap
        if "nuw" in flags:
            poison += unsigned_wrap + [ops.add_overflows(base.addr, offset, False)]
        if "inbounds" in flags:
            lo, hi = self.inputs.objects.bounds(base.obj)
            in_object = z3.And(z3.ULE(lo, addr), z3.ULE(addr, hi), z3.ULE(lo, base.addr), z3.ULE(base.addr, hi))
            # Offset 0 from any pointer (even null) stays in bounds.
            poison.append(z3.And(offset != 0, z3.Not(in_object)))
        return PtrVal(addr, z3.Or(poison), base.obj)

    def _call(self, state: _State, inst: Inst) -> Any:
        import z3

        base = ops.intrinsic_base(inst.callee)
        if base is None:
            raise Unsupported(f"call to @{inst.callee}")
        args = [self._operand(state, o, t) for o, t in zip(inst.ops, inst.op_types)]
        if any(isinstance(a, PtrVal) for a in args):
            raise Unsupported(f"pointer argument to @{inst.callee}")
        result, ub = ops.intrinsic(base, args)
        state.ub = z3.Or(state.ub, ub)
        if result is None:
            return None
        for attr in inst.ret_attrs:
            if attr == "noundef":
                state.ub = z3.Or(state.ub, result.poison)
            elif attr.startswith("range:"):
                result = Val(result.bv, z3.Or(result.poison, z3.Not(_in_range_attr(result.bv, attr))))
            elif attr not in ("zeroext", "signext"):
                raise Unsupported(f"call return attribute {attr}")
        return result


def ops_binops() -> set[str]:
    from .ir import BINOPS

    return BINOPS


def _gep_scales(elem_types: list[str], n_indices: int) -> list[int]:
    """Byte scale of each GEP index: the first steps over whole source elements, the
    following ones into nested arrays."""
    sizes = []
    for k in range(len(elem_types)):
        sizes.append(_type_size(elem_types[k:]))
    if n_indices > len(sizes):
        raise Unsupported("getelementptr into a non-array type")
    return sizes[:n_indices]


def _type_size(chain: list[str]) -> int:
    head = chain[0]
    if head.startswith("["):
        return int(head[1:-1]) * _type_size(chain[1:])
    if head == "ptr":
        return 8
    return int_alloc_size(int_width(head))
