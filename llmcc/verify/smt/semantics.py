"""Symbolic execution of one function of the subset into z3 formulas.

States fork at conditional branches whose condition is not decided and are merged again
where they meet (blocks are taken in reverse post-order). Each block may be entered at
most ``unroll`` times on a path; a path that wants to enter it again ends as *out of
bound*, and a path that uses something the model cannot follow (a pointer loaded from the
caller's memory) is marked *unmodelled*: the checker never proves anything about inputs
that reach either. A path records its condition, the UB it hit, its return value and its
final memory.

Non-determinism: ``undef`` and ``freeze`` of poison/undef pick fresh values. In the target
that is exact (the target may pick anything). In the source a fresh value over-restricts
(a proof must then hold for every choice, which is sound); such choices are recorded in
``Behaviour.choices`` so the checker only trusts a counterexample that avoids them.
Undef arguments: the first use of an argument on a path sees the argument's value and
later uses in the target see fresh values, while the source always sees the same value.
Each copy of an undef (shuffle lanes, loads of stored undef) is a fresh undef. Branching
on undef, passing it to noundef and returning it from a noundef function are UB.

Calls to declared functions are uninterpreted functions shared by src and tgt (see
``_unknown_call``); global variables are memory objects whose contents belong to the
caller (unknown at entry, compared at exit).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from . import memory, ops
from .ir import (Callee, Function, Inst, Operand, Unsupported, check_value_type, element_type, int_width,
                 lane_count, memory_effects, split_attribute_text, type_size, vector_shape)
from .inputs import Inputs, in_range_attr
from .paths import State, merge, reverse_post_order
from .values import OBJ_BITS, PTR_BITS, PtrVal, Val, VecVal, from_lanes, lanes_of

MAX_PATHS = 512
MAX_STEPS = 20000
@dataclass
class PathEnd:
    pc: Any
    ub: Any
    ret: list[Val] | None            # returned lanes (a scalar is one lane)
    mem: Any
    mem_poison: Any
    mem_prov: Any
    out_of_bound: bool
    unmodelled: Any                  # Bool: the path used something the model cannot follow
    trace: Any = None                # calls made (a Trace term); None without unknown calls
    diverged: bool = False           # ended inside a call that did not return


@dataclass
class Behaviour:
    """All paths of one function on the shared inputs."""

    ends: list[PathEnd]
    choices: list[Any]               # source-side non-deterministic choices (see module doc)
    universals: list[Any]            # the source's choice variables (exact undef mode)
    freeze_choices: list[Any]        # source: path took a freeze of poison/undef
    undef_vars: list[tuple[Any, Any]]  # (variable, "is undef") of every undef this side used
    varying_call_args: list[Any] = None  # target: a call argument depends on an undef
    undef_ub_risk: list[Any] = None      # source: maybe UB on undef that the model ignores


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
        self.varying_call_args: list[Any] = []
        self.undef_ub_risk: list[Any] = []
        self.has_locals = bool(fn.constants) or any(
            i.opcode == "alloca" for b in fn.blocks.values() for i in b.insts)
        self.freeze_choices: list[Any] = []
        # Variables standing for undef: renaming them shows whether a value depends on an
        # undef (is a set of values rather than one value). Undef arguments count too.
        self.undef_vars: list[tuple[Any, Any]] = []
        for name in self.inputs.order:
            value = self.inputs.values[name]
            if not isinstance(value, PtrVal):
                self.undef_vars += [(lane.bv, u) for lane, u in zip(lanes_of(value), self.inputs.undef[name])]
        self.steps = 0
        self.args = {p.name: p for p in fn.params}
        # Inputs are named after the source's arguments; the target's may be named otherwise.
        self.key = {p.name: inputs.order[i] for i, p in enumerate(fn.params)}
        # Objects this function promises not to write / not to read through its arguments
        # (argument attributes, and the function's memory(...) effects on argument memory).
        self.initializes = self._initialized_ranges()
        may_read, may_write = fn.argument_memory_access()
        # Own memory attributes restricting accesses would also bind the calls it makes.
        self.fn_memory_restricted = bool(re.search(r"\bmemory\(|\breadnone\b|\breadonly\b|\bwriteonly\b",
                                                   fn.fn_attrs)) or any(
            {"readonly", "writeonly", "readnone"} & p.attrs for p in fn.params)
        self.no_write = self._pointer_objects(lambda p: not may_write or {"readonly", "readnone"} & p.attrs)
        self.no_read = self._pointer_objects(lambda p: not may_read or {"writeonly", "readnone"} & p.attrs)

    def _initialized_ranges(self) -> list[tuple[Any, Any, int, int]]:
        """(object, argument address, lo, hi) for every ``initializes((lo, hi), ...)``."""
        import re

        ranges = []
        for p in self.fn.params:
            for attr in p.attrs:
                if attr.startswith("initializes("):
                    arg = self.inputs.values[self.key[p.name]]
                    for lo, hi in re.findall(r"\((-?\d+), (-?\d+)\)", attr):
                        if not 0 <= int(hi) - int(lo) <= 256:
                            raise Unsupported(f"attribute {attr}")
                        ranges.append((arg.obj, arg.addr, int(lo), int(hi)))
        return ranges

    def _read_before_written(self, state: State, ptr: PtrVal, nbytes: int) -> Any:
        """UB: a read through an ``initializes`` argument of a byte it has not written yet."""
        import z3

        conds = []
        for obj, base, lo, hi in self.initializes:
            for k in range(nbytes):
                a = ptr.addr + k
                in_range = z3.And(z3.ULE(base + lo, a), z3.ULT(a, base + hi))
                conds.append(z3.And(ptr.obj == obj, in_range, z3.Not(z3.Select(state.written, a))))
        return z3.Or(conds) if conds else z3.BoolVal(False)

    def _mark_written(self, state: State, ptr: PtrVal, nbytes: int) -> None:
        import z3

        if not self.initializes:
            return
        through = z3.Or([ptr.obj == obj for obj, _, _, _ in self.initializes])
        for k in range(nbytes):
            a = ptr.addr + k
            state.written = z3.Store(state.written, a, z3.Or(through, z3.Select(state.written, a)))

    def _uninitialized_at_return(self, state: State) -> Any:
        """UB: returning before writing every byte an ``initializes`` argument promised."""
        import z3

        missing = [z3.Not(z3.Select(state.written, base + k))
                   for _, base, lo, hi in self.initializes for k in range(lo, hi)]
        return z3.Or(missing) if missing else z3.BoolVal(False)

    def _pointer_objects(self, forbidden) -> list[Any]:
        """Objects of the pointer arguments for which ``forbidden(param)`` holds."""
        return [self.inputs.values[self.key[p.name]].obj for p in self.fn.params
                if p.type == "ptr" and forbidden(p)]

    def _forbidden_access(self, ptr: PtrVal, objects: list[Any]) -> Any:
        """UB for an access through a pointer based on a readonly/writeonly argument."""
        import z3

        return z3.Or([ptr.obj == obj for obj in objects] or [z3.BoolVal(False)])

    def run(self) -> Behaviour:
        import z3

        start = State({}, z3.BoolVal(True), z3.BoolVal(False), self.inputs.mem,
                       self.inputs.mem_poison, self.inputs.mem_prov, z3.BoolVal(False), Counter(),
                       None, set())
        start.ub = self._target_param_ub()
        if self.initializes:
            start.written = z3.K(z3.BitVecSort(PTR_BITS), z3.BoolVal(False))
        if self.fn.callees or self.fn.has_indirect_calls:
            if self.inputs.trace0 is None:
                self.inputs.trace0 = z3.Const("trace0", z3.DeclareSort("Trace"))
            start.trace = self.inputs.trace0
        self.constants = {name: self._place_constant(start, c) for name, c in self.fn.constants.items()}
        # Writing a constant global (one whose contents are not trusted) is UB.
        self.no_write += [self.inputs.globals[n].obj for n, g in self.fn.globals.items()
                          if not g[2] and n in self.inputs.globals]
        order = reverse_post_order(self.fn)
        pending: list[tuple[State, str]] = [(start, self.fn.entry)]
        while pending:
            # Take the earliest block in reverse post-order together with every other state
            # waiting at it: they are merged, so diamonds inside loops do not multiply paths.
            label = min((lbl for _, lbl in pending), key=lambda lbl: order.get(lbl, len(order)))
            here = [st for st, lbl in pending if lbl == label]
            pending = [(st, lbl) for st, lbl in pending if lbl != label]
            entered = [st for st in (self._enter(st, label) for st in here) if st is not None]
            if entered:
                pending.extend(self._run_body(merge(entered), label))
            if len(self.ends) + len(pending) > MAX_PATHS:
                raise Unsupported(f"more than {MAX_PATHS} paths")
        return Behaviour(self.ends, self.choices, self.universals, self.freeze_choices, self.undef_vars,
                         self.varying_call_args, self.undef_ub_risk)

    def _place_constant(self, state: State, constant) -> PtrVal:
        """A read-only object holding a constant table (writes to it are UB)."""
        import z3

        nbytes = constant.element_width // 8
        index, addr = self.inputs.objects.add_constant(nbytes * len(constant.values))
        for k, value in enumerate(constant.values):
            bits = z3.BitVecVal(value % (1 << constant.element_width), constant.element_width)
            state.mem, state.mem_poison = memory.store_bytes(
                state.mem, state.mem_poison, addr + k * nbytes, Val(bits, z3.BoolVal(False)))
        marker = z3.BitVecVal(memory.PROV_INTEGER, OBJ_BITS)
        for k in range(nbytes * len(constant.values)):
            state.mem_prov = z3.Store(state.mem_prov, addr + k, marker)
        obj = z3.BitVecVal(index, OBJ_BITS)
        self.no_write.append(obj)
        return PtrVal(addr, z3.BoolVal(False), obj)

    def _target_param_ub(self) -> Any:
        """Target-only ``noundef`` arguments: passing poison/undef there is UB in tgt."""
        import z3

        if self.is_source:
            return z3.BoolVal(False)
        conds = []
        for p in self.fn.params:
            if "noundef" in p.attrs:
                value = self.inputs.values[self.key[p.name]]
                conds += [lane.poison for lane in
                          ([value] if isinstance(value, PtrVal) else lanes_of(value))]
                conds += self.inputs.undef[self.key[p.name]]
        return z3.Or(conds) if conds else z3.BoolVal(False)

    # --- blocks and control flow -------------------------------------------------------

    def _enter(self, state: State, label: str) -> State | None:
        """Count the visit (ending the path past the bound) and evaluate the phis."""
        if label not in self.fn.blocks:
            raise Unsupported(f"branch to unknown block %{label}")
        state.visits[label] += 1
        if state.visits[label] > self.bound:
            self._end(state, None, out_of_bound=True)
            return None
        phis = [i for i in self.fn.blocks[label].insts if i.opcode == "phi"]
        # All phis of a block read the values of the edge at once.
        incoming = {i.result: self._phi_value(state, i) for i in phis}
        state.env.update(incoming)
        return state

    def _run_body(self, state: State, label: str) -> list[tuple[State, str]]:
        block = self.fn.blocks[label]
        phis = [i for i in block.insts if i.opcode == "phi"]
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

    def _phi_value(self, state: State, inst: Inst) -> Any:
        for value, pred in inst.incoming:
            if pred == state.prev:
                return self._operand(state, value, inst.type)
        raise Unsupported(f"phi without an entry for %{state.prev}")

    def _terminator(self, state: State, inst: Inst, label: str) -> list | None:
        import z3

        if inst.opcode == "ret":
            state.ub = z3.Or(state.ub, self._uninitialized_at_return(state))
            if inst.ops:
                value = self._operand(state, inst.ops[0], inst.op_types[0])
                if isinstance(value, PtrVal):
                    # A returned pointer is its address and its provenance (the object it
                    # may access): the target must return the same pair.
                    value = Val(z3.Concat(value.obj, value.addr), value.poison)
                value = self._return_attrs(state, value, inst.ops[0])
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
            # Branching on poison or undef is UB.
            state.ub = z3.Or(state.ub, cond.poison, self._undef_ub(state, inst.ops[0], cond))
            return self._goto(state, label, [(cond.bv == 1, inst.targets[0]),
                                             (cond.bv == 0, inst.targets[1])])
        if inst.opcode == "switch":
            return self._switch(state, inst, label)
        return None

    def _switch(self, state: State, inst: Inst, label: str) -> list:
        import z3

        value = self._operand(state, inst.ops[0], inst.op_types[0])
        state.ub = z3.Or(state.ub, value.poison, self._undef_ub(state, inst.ops[0], value))
        w = value.width
        edges, seen = [], []
        for case_value, target in inst.cases:
            hit = value.bv == z3.BitVecVal(case_value & ((1 << w) - 1), w)
            edges.append((hit, target))
            seen.append(hit)
        edges.append((z3.Not(z3.Or(seen)) if seen else z3.BoolVal(True), inst.targets[0]))
        return self._goto(state, label, edges)

    def _undef_ub(self, state: State, operand: Operand, value: Val) -> Any:
        """UB condition for using ``value`` where undef is UB (branch, switch, noundef).

        Target: UB whenever the value depends on an undef (renaming the undef variables
        can change it), which the solver may pick. Source: only the direct forms (an
        ``undef`` constant, an undef argument); missing source UB only costs a proof."""
        import z3

        if not self.is_source:
            return self.may_vary(value.bv)
        if operand.kind == "undef":
            return z3.BoolVal(True)
        if operand.kind == "local" and operand.name in self.args and operand.name not in state.env:
            return z3.Or(*self.inputs.undef[self.key[operand.name]])
        # A value computed from an undef may make the source UB here, which the model does
        # not see: no counterexample may rely on such a path (checker: undef_ub_risk).
        used = {v.get_id() for v in _free_consts(value.bv)}
        risk = [is_undef for var, is_undef in self.undef_vars if var.get_id() in used]
        if risk:
            self.undef_ub_risk.append(z3.And(state.pc, z3.Or(risk)))
        return z3.BoolVal(False)

    def _new_undef_use(self, state: State, value: Val) -> Val:
        """Each copy of an undef (a shuffle lane, a load of stored undef bytes) is an undef
        of its own: the undef constants it depends on get fresh variables."""
        import z3

        consts = [var for var, is_undef in self.undef_vars
                  if z3.is_true(is_undef) and z3.is_const(var)]
        if not consts:
            return value
        used = {v.get_id() for v in _free_consts(value.bv)}
        pairs = []
        for var in consts:
            if var.get_id() in used:
                copy = self.inputs.fresh("undef_copy_use", var.size())
                self.undef_vars.append((copy, z3.BoolVal(True)))
                if self.is_source:
                    self.choices.append(state.pc)
                    self.universals.append(copy)
                pairs.append((var, copy))
        return Val(z3.substitute(value.bv, *pairs), value.poison) if pairs else value

    def may_vary(self, expr: Any) -> Any:
        """Bool: ``expr`` takes another value for other choices of this side's undefs."""
        return may_vary(self.inputs, self.undef_vars, expr)

    def _goto(self, state: State, label: str, edges: list[tuple[Any, str]]) -> list:
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

    def _end(self, state: State, ret: Any, out_of_bound: bool = False, diverged: bool = False) -> None:
        lanes = None if ret is None else lanes_of(ret)
        self.ends.append(PathEnd(state.pc, state.ub, lanes, state.mem, state.mem_poison, state.mem_prov,
                                 out_of_bound, state.unmodelled, state.trace, diverged))

    def _return_attrs(self, state: State, value: Any, operand: Operand | None = None) -> Any:
        import z3

        lanes = lanes_of(value)
        for attr in self.fn.ret_attrs:
            if attr == "noundef":
                # Returning poison or undef from a noundef function is UB.
                state.ub = z3.Or(state.ub, *[lane.poison for lane in lanes])
                if self.is_source and operand is not None:
                    state.ub = z3.Or(state.ub, self._undef_ub(state, operand, lanes[0]))
                elif not self.is_source:
                    state.ub = z3.Or(state.ub, *[self.may_vary(lane.bv) for lane in lanes])
            elif attr.startswith("range:"):
                lanes = [Val(v.bv, z3.Or(v.poison, z3.Not(in_range_attr(v.bv, attr)))) for v in lanes]
            elif attr == "nonnull" and self.fn.ret_type == "ptr":
                # A null returned pointer is poison (the address is the low 64 bits).
                lanes = [Val(v.bv, z3.Or(v.poison, z3.Extract(PTR_BITS - 1, 0, v.bv) == 0)) for v in lanes]
            else:
                raise Unsupported(f"return attribute {attr}")
        return from_lanes(lanes, isinstance(value, VecVal))

    # --- operands ---------------------------------------------------------------------

    def _operand(self, state: State, op: Operand, ty: str) -> Any:
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
            if op.kind == "global" and op.name in self.constants:
                return self.constants[op.name]
            if op.kind == "global" and op.name in self.inputs.globals:
                return self.inputs.globals[op.name]
            raise Unsupported(f"pointer operand '{op.kind} {op.name}' (globals are not modelled)")
        if vector_shape(ty):
            return self._vector_constant(state, op, ty)
        w = int_width(ty)
        if op.kind == "int":
            return Val(z3.BitVecVal(op.value % (1 << w), w), z3.BoolVal(False))
        if op.kind == "poison":
            return Val(z3.BitVecVal(0, w), z3.BoolVal(True))
        if op.kind == "undef":
            fresh = self.inputs.fresh("undef", w)
            self.undef_vars.append((fresh, z3.BoolVal(True)))
            if self.is_source:
                self.choices.append(state.pc)
                self.universals.append(fresh)
            return Val(fresh, z3.BoolVal(False))
        raise Unsupported(f"operand '{op.kind} {op.name}'")

    def _vector_constant(self, state: State, op: Operand, ty: str) -> VecVal:
        lanes, elem = vector_shape(ty)
        if op.kind == "vector":
            if len(op.elems) != lanes:
                raise Unsupported(f"vector constant with {len(op.elems)} elements for {ty}")
            return VecVal(tuple(self._operand(state, e, elem) for e in op.elems))
        if op.kind == "splat":
            return VecVal(tuple(self._operand(state, op.elems[0], elem) for _ in range(lanes)))
        if op.kind in ("int", "poison", "undef"):
            return VecVal(tuple(self._operand(state, op, elem) for _ in range(lanes)))
        raise Unsupported(f"vector operand '{op.kind}'")

    def _argument(self, state: State, name: str) -> Any:
        import z3

        value = self.inputs.values[self.key[name]]
        if isinstance(value, PtrVal):
            return value
        undef = self.inputs.undef[self.key[name]]
        lanes = lanes_of(value)
        vector = isinstance(value, VecVal)
        if self.exact_undef:
            choices = [self.inputs.fresh(f"{name}_src_use", v.width) for v in lanes]
            self.universals.extend(choices)
            self.undef_vars += list(zip(choices, undef))
            return from_lanes([Val(z3.If(u, c, v.bv), v.poison)
                               for v, u, c in zip(lanes, undef, choices)], vector)
        if self.is_source or name not in state.used_args:
            state.used_args.add(name)
            return value
        # A later use of an undef argument in the target may see a different value.
        out = []
        for v, u in zip(lanes, undef):
            fresh = self.inputs.fresh(f"{name}_use", v.width)
            self.undef_vars.append((fresh, z3.BoolVal(True)))
            out.append(Val(z3.If(u, fresh, v.bv), v.poison))
        return from_lanes(out, vector)

    # --- instructions -----------------------------------------------------------------

    def _execute(self, state: State, inst: Inst) -> None:
        import z3

        if any(f.startswith("metadata:") for f in inst.flags):
            self._metadata(inst)
        op = inst.opcode
        vector = vector_shape(inst.type) is not None
        if op in ops_binops():
            a = self._operand(state, inst.ops[0], inst.op_types[0])
            b = self._operand(state, inst.ops[1], inst.op_types[1])
            pairs = [ops.binop(op, inst.flags, x, y) for x, y in zip(lanes_of(a), lanes_of(b))]
            state.ub = z3.Or(state.ub, *[ub for _, ub in pairs])
            result = from_lanes([v for v, _ in pairs], vector)
        elif op == "icmp":
            if vector_shape(inst.op_types[0]) is None and inst.op_types[0] == "ptr":
                # Pointers compare as their addresses (provenance plays no part).
                a, b = (self._operand(state, o, "ptr") for o in inst.ops)
                result = ops.icmp(inst.pred, inst.flags, Val(a.addr, a.poison), Val(b.addr, b.poison))
                if inst.result is not None:
                    state.env[inst.result] = result
                return
            if element_type(inst.op_types[0]) == "ptr":
                raise Unsupported("comparison of pointer vectors")
            a = self._operand(state, inst.ops[0], inst.op_types[0])
            b = self._operand(state, inst.ops[1], inst.op_types[1])
            result = from_lanes([ops.icmp(inst.pred, inst.flags, x, y)
                                 for x, y in zip(lanes_of(a), lanes_of(b))], vector)
        elif op == "select":
            result = self._select(state, inst)
        elif op in ("zext", "sext", "trunc"):
            a = self._operand(state, inst.ops[0], inst.op_types[0])
            to = int_width(element_type(inst.type))
            result = from_lanes([ops.cast(op, inst.flags, x, to) for x in lanes_of(a)], vector)
        elif op == "bitcast":
            result = self._bitcast(state, inst)
        elif op in ("extractelement", "insertelement", "shufflevector"):
            result = self._vector_op(state, inst)
        elif op == "freeze":
            result = self._freeze(state, inst)
        elif op == "load":
            result = self._load(state, inst)
        elif op == "store":
            self._store(state, inst)
            return
        elif op == "getelementptr":
            result = self._gep(state, inst)
        elif op == "alloca":
            result = self._alloca(state, inst)
        elif op == "call":
            result = self._call(state, inst)
        else:
            raise Unsupported(f"instruction '{op}'")
        if inst.result is not None:
            state.env[inst.result] = result

    def _metadata(self, inst: Inst) -> None:
        kinds = sorted(f.removeprefix("metadata:") for f in inst.flags if f.startswith("metadata:"))
        raise Unsupported(f"metadata {', '.join(kinds)} on '{inst.text}'")

    def _select(self, state: State, inst: Inst) -> Any:
        import z3

        c = self._operand(state, inst.ops[0], inst.op_types[0])
        a = self._operand(state, inst.ops[1], inst.op_types[1])
        b = self._operand(state, inst.ops[2], inst.op_types[2])
        if isinstance(a, PtrVal):
            take_a = c.bv == 1
            return PtrVal(z3.If(take_a, a.addr, b.addr), z3.Or(c.poison, z3.If(take_a, a.poison, b.poison)),
                          z3.If(take_a, a.obj, b.obj))
        xs, ys = lanes_of(a), lanes_of(b)
        conds = lanes_of(c) if isinstance(c, VecVal) else [c] * len(xs)
        lanes = [Val(z3.If(k.bv == 1, x.bv, y.bv), z3.Or(k.poison, z3.If(k.bv == 1, x.poison, y.poison)))
                 for k, x, y in zip(conds, xs, ys)]
        return from_lanes(lanes, isinstance(a, VecVal))

    def _bitcast(self, state: State, inst: Inst) -> Any:
        """Between integers and integer vectors of the same size (little-endian lanes); the
        whole value is poison if any source lane is."""
        import z3

        from_ty, to_ty = inst.op_types[0], inst.type
        if "ptr" in (element_type(from_ty), element_type(to_ty)):
            raise Unsupported("bitcast of pointers")
        a = self._operand(state, inst.ops[0], from_ty)
        src_lanes = lanes_of(a)
        bits = src_lanes[0].bv if len(src_lanes) == 1 else z3.Concat(*[v.bv for v in reversed(src_lanes)])
        poison = z3.Or(*[v.poison for v in src_lanes])
        n, elem_w = lane_count(to_ty), int_width(element_type(to_ty))
        if n * elem_w != bits.size():
            raise Unsupported(f"bitcast {from_ty} to {to_ty}")
        lanes = [Val(z3.Extract(elem_w * (k + 1) - 1, elem_w * k, bits), poison) for k in range(n)]
        return from_lanes(lanes, vector_shape(to_ty) is not None)

    def _vector_op(self, state: State, inst: Inst) -> Any:
        import z3

        vec = self._operand(state, inst.ops[0], inst.op_types[0])
        lanes = lanes_of(vec)
        if inst.opcode == "shufflevector":
            other = lanes_of(self._operand(state, inst.ops[1], inst.op_types[1]))
            pool = lanes + other
            out = []
            for m in lanes_of(self._operand(state, inst.ops[2], inst.op_types[2])):
                index = _constant_int(m)
                out.append(self._new_undef_use(state, pool[index]) if index is not None and index < len(pool)
                           else Val(z3.BitVecVal(0, lanes[0].width), z3.BoolVal(True)))
            return VecVal(tuple(out))
        idx_pos = 1 if inst.opcode == "extractelement" else 2
        index = self._operand(state, inst.ops[idx_pos], inst.op_types[idx_pos])
        out_of_range = z3.Or(index.poison, z3.UGE(index.bv, z3.BitVecVal(len(lanes), index.width)))
        if inst.opcode == "extractelement":
            result = Val(z3.BitVecVal(0, lanes[0].width), z3.BoolVal(True))
            for k, lane in enumerate(lanes):
                hit = index.bv == z3.BitVecVal(k, index.width)
                result = Val(z3.If(hit, lane.bv, result.bv), z3.If(hit, lane.poison, result.poison))
            return Val(result.bv, z3.Or(result.poison, out_of_range))
        elem = self._operand(state, inst.ops[1], inst.op_types[1])
        out = []
        for k, lane in enumerate(lanes):
            hit = index.bv == z3.BitVecVal(k, index.width)
            out.append(Val(z3.If(hit, elem.bv, lane.bv),
                           z3.Or(out_of_range, z3.If(hit, elem.poison, lane.poison))))
        return VecVal(tuple(out))

    def _freeze(self, state: State, inst: Inst) -> Any:
        import z3

        if element_type(inst.type) == "ptr":
            raise Unsupported("freeze of a pointer")
        operand = inst.ops[0]
        a = self._operand(state, operand, inst.op_types[0])
        lanes = lanes_of(a)
        undef = [z3.BoolVal(False)] * len(lanes)
        if operand.kind == "local" and operand.name in self.args and operand.name not in state.env:
            undef = self.inputs.undef[self.key[operand.name]]
        if operand.kind == "undef":
            undef = [z3.BoolVal(True)] * len(lanes)
        out = []
        for lane, lane_undef in zip(lanes, undef):
            arbitrary = z3.Or(lane.poison, lane_undef)
            fresh = self.inputs.fresh("freeze", lane.width)
            if self.is_source:
                self.choices.append(z3.And(state.pc, arbitrary))
                self.freeze_choices.append(z3.And(state.pc, arbitrary))
                self.universals.append(fresh)
            out.append(Val(z3.If(arbitrary, fresh, lane.bv), z3.BoolVal(False)))
        return from_lanes(out, isinstance(a, VecVal))

    def _load(self, state: State, inst: Inst) -> Any:
        import z3

        if inst.type == "ptr":
            return self._load_pointer(state, inst)
        if element_type(inst.type) == "ptr":
            raise Unsupported("loading a vector of pointers")
        w = int_width(element_type(inst.type))
        n = lane_count(inst.type)
        ptr = self._operand(state, inst.ops[0], "ptr")
        lane_bytes = _lane_bytes(w, n)
        state.ub = z3.Or(state.ub, memory.access_ub(self.inputs.objects, ptr, lane_bytes * n, inst.align),
                         self._forbidden_access(ptr, self.no_read),
                         self._read_before_written(state, ptr, lane_bytes * n))
        lanes = [self._new_undef_use(state, memory.load_bytes(state.mem, state.mem_poison,
                                                              ptr.addr + k * lane_bytes, w))
                 for k in range(n)]
        return from_lanes(lanes, vector_shape(inst.type) is not None)

    def _load_pointer(self, state: State, inst: Inst) -> PtrVal:
        """A pointer this function stored earlier keeps its object; one that came from the
        caller's memory (or from integer bytes) could point anywhere: such paths are marked
        unmodelled, so no proof relies on them."""
        import z3

        ptr = self._operand(state, inst.ops[0], "ptr")
        state.ub = z3.Or(state.ub, memory.access_ub(self.inputs.objects, ptr, 8, inst.align),
                         self._forbidden_access(ptr, self.no_read),
                         self._read_before_written(state, ptr, 8))
        raw = memory.load_bytes(state.mem, state.mem_poison, ptr.addr, PTR_BITS)
        obj = z3.Select(state.mem_prov, ptr.addr)
        foreign = z3.Or(obj == memory.PROV_CALLER, obj == memory.PROV_INTEGER,
                        *[z3.Select(state.mem_prov, ptr.addr + k) != obj for k in range(1, 8)])
        state.unmodelled = z3.Or(state.unmodelled, z3.And(state.pc, z3.Not(raw.poison), foreign))
        return PtrVal(raw.bv, raw.poison, obj)

    def _store(self, state: State, inst: Inst) -> None:
        import z3

        if inst.op_types[0] == "ptr":
            self._store_pointer(state, inst)
            return
        if element_type(inst.op_types[0]) == "ptr":
            raise Unsupported("storing a vector of pointers")
        value = self._operand(state, inst.ops[0], inst.op_types[0])
        ptr = self._operand(state, inst.ops[1], "ptr")
        lanes = lanes_of(value)
        lane_bytes = _lane_bytes(lanes[0].width, len(lanes))
        state.ub = z3.Or(state.ub, memory.access_ub(self.inputs.objects, ptr, lane_bytes * len(lanes),
                                                    inst.align),
                         self._forbidden_access(ptr, self.no_write))
        self._mark_written(state, ptr, lane_bytes * len(lanes))
        for k, lane in enumerate(lanes):
            state.mem, state.mem_poison = memory.store_bytes(state.mem, state.mem_poison,
                                                             ptr.addr + k * lane_bytes, lane)
        marker = z3.BitVecVal(memory.PROV_INTEGER, OBJ_BITS)
        for k in range(lane_bytes * len(lanes)):
            state.mem_prov = z3.Store(state.mem_prov, ptr.addr + k, marker)

    def _store_pointer(self, state: State, inst: Inst) -> None:
        import z3

        value = self._operand(state, inst.ops[0], "ptr")
        ptr = self._operand(state, inst.ops[1], "ptr")
        if self.fn.callees:
            # A stored pointer to a stack object would let an unknown callee reach it.
            caller_object = self.inputs.objects.is_visible(value.obj)
            state.unmodelled = z3.Or(state.unmodelled, z3.And(state.pc, z3.Not(caller_object)))
        state.ub = z3.Or(state.ub, memory.access_ub(self.inputs.objects, ptr, 8, inst.align),
                         self._forbidden_access(ptr, self.no_write))
        self._mark_written(state, ptr, 8)
        state.mem, state.mem_poison = memory.store_bytes(state.mem, state.mem_poison, ptr.addr,
                                                         Val(value.addr, value.poison))
        for k in range(8):
            state.mem_prov = z3.Store(state.mem_prov, ptr.addr + k, value.obj)

    def _alloca(self, state: State, inst: Inst) -> PtrVal:
        """A fresh stack object whose bytes start out poison (uninitialized)."""
        import z3

        size = type_size(inst.elem_types)
        side = "src" if self.is_source else "tgt"
        index, addr, facts = self.inputs.objects.add_local(side, size, inst.align)
        self.inputs.facts.extend(facts)
        state.mem_poison = _poison_range(state.mem_poison, addr, size, self.inputs)
        return PtrVal(addr, z3.BoolVal(False), z3.BitVecVal(index, OBJ_BITS))

    def _gep(self, state: State, inst: Inst) -> PtrVal:
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

    def _call(self, state: State, inst: Inst) -> Any:
        import z3

        if inst.callee_ptr is not None:
            return self._unknown_call(state, inst)
        base = ops.intrinsic_base(inst.callee)
        if inst.callee.startswith("llvm.lifetime.") and self.is_source:
            # In the source, the object's bytes become poison (outside its lifetime an access
            # would be UB: poison is less UB, which can only cost a proof).
            ptr = self._operand(state, inst.ops[-1], "ptr")
            obj = z3.simplify(ptr.obj)
            known = self.inputs.objects.local_size(obj.as_long()) if z3.is_bv_value(obj) else None
            if known is not None:
                lo = self.inputs.objects.lows[obj.as_long()]
                state.mem_poison = _poison_range(state.mem_poison, lo, known, self.inputs)
            else:
                lo, hi = self.inputs.objects.bounds(ptr.obj)
                byte = self.inputs.fresh("lifetime_byte", PTR_BITS)
                inside = z3.And(z3.ULE(lo, byte), z3.ULT(byte, hi))
                state.mem_poison = z3.Lambda([byte], z3.Or(inside, z3.Select(state.mem_poison, byte)))
            return None
        if base is None:
            if inst.callee in self.fn.callees:
                return self._unknown_call(state, inst)
            raise Unsupported(f"call to @{inst.callee}")
        args = [self._operand(state, o, t) for o, t in zip(inst.ops, inst.op_types)]
        if any(isinstance(a, PtrVal) for a in args):
            raise Unsupported(f"pointer argument to @{inst.callee}")
        if base.startswith("vector.reduce."):
            result, ub = ops.reduction(base.removeprefix("vector.reduce."), lanes_of(args[0]))
        else:
            result, ub = self._lanewise_intrinsic(base, args, vector_shape(inst.type) is not None)
        state.ub = z3.Or(state.ub, ub)
        if result is None:
            return None
        lanes = lanes_of(result)
        for attr in inst.ret_attrs:
            if attr == "noundef":
                state.ub = z3.Or(state.ub, *[v.poison for v in lanes])
            elif attr.startswith("range:"):
                lanes = [Val(v.bv, z3.Or(v.poison, z3.Not(in_range_attr(v.bv, attr)))) for v in lanes]
            elif attr not in ("zeroext", "signext"):
                raise Unsupported(f"call return attribute {attr}")
        return from_lanes(lanes, isinstance(result, VecVal))

    # --- calls to unknown functions ----------------------------------------------------

    # Call-site attributes the target may carry without claiming anything new.
    _BENIGN_CALL_ATTRS = {"cold", "noinline", "nobuiltin", "builtin", "nomerge", "minsize", "optsize",
                          "noduplicate", "convergent"}

    def _unknown_call(self, state: State, inst: Inst) -> Any:
        """A call to a declared function, as an uninterpreted function of its arguments
        (and of the caller-visible memory, if it may read it), shared by src and tgt:
        the same callee with the same arguments and memory gives the same result and
        effects on both sides.

        A call that cannot write memory, always returns (willreturn) and does not unwind
        (nounwind) is pure: it may be added, removed or merged. Any other call is an event:
        it extends the call trace (callee, arguments, memory), which must end equal in src
        and tgt; it may write the caller-visible memory and may not return (the path ends
        there, both sides must agree on that too)."""
        import z3

        if inst.callee_ptr is not None:
            # Through a function pointer: nothing is known of the callee but its type; the
            # pointer is part of the call (calling poison is UB).
            fp = self._operand(state, inst.callee_ptr, "ptr")
            state.ub = z3.Or(state.ub, fp.poison)
            callee = Callee("indirect", "", tuple(frozenset() for _ in inst.ops), frozenset(), inst.type,
                            tuple(inst.op_types), False)
            callee_key = [fp.addr, fp.obj]
        else:
            callee = self.fn.callees[inst.callee]
            callee_key = []
        site = " ".join(self.fn.call_groups.get(ref, "") for ref in inst.call_attrs.split())
        if not self.is_source and site:
            claims = [a for a in split_attribute_text(site)
                      if a not in self._BENIGN_CALL_ATTRS and a not in split_attribute_text(callee.fn_attrs)]
            if claims:
                raise Unsupported(f"call-site attribute(s) {', '.join(claims)} on @{inst.callee} in the target")
        attrs = callee.fn_attrs + (" " + site if self.is_source else "")
        if callee.varargs or len(callee.param_types) != len(inst.ops):
            raise Unsupported(f"variadic call to @{callee.name}")
        if inst.type not in ("void",) and (inst.type == "ptr" or vector_shape(inst.type) is not None):
            raise Unsupported(f"call to @{inst.callee} returning {inst.type}")
        if self.initializes or self.fn_memory_restricted:
            raise Unsupported("calls in a function whose memory attributes the model checks")
        words = set(attrs.split())
        may_read, may_write = memory_effects(attrs)
        pure = not may_write and "willreturn" in words and "nounwind" in words
        key, sorts = list(callee_key), []
        for k, (op, ty) in enumerate(zip(inst.ops, inst.op_types)):
            value = self._operand(state, op, ty)
            noundef = "noundef" in inst.arg_attrs[k] or "noundef" in callee.param_attrs[k]
            lanes = [value] if isinstance(value, PtrVal) else lanes_of(value)
            for lane in lanes:
                if noundef:
                    state.ub = z3.Or(state.ub, lane.poison, self._undef_ub(state, op, lane) if not isinstance(
                        lane, PtrVal) else z3.BoolVal(False))
                if isinstance(lane, PtrVal):
                    # Only pointers into the caller's objects: the callee may not see the
                    # function's own stack objects, which the model does not track.
                    caller_object = self.inputs.objects.is_visible(lane.obj)
                    state.unmodelled = z3.Or(state.unmodelled,
                                             z3.And(state.pc, z3.Not(lane.poison), z3.Not(caller_object)))
                    key += [z3.If(lane.poison, z3.BitVecVal(0, PTR_BITS), lane.addr),
                            z3.If(lane.poison, z3.BitVecVal(0, OBJ_BITS), lane.obj), lane.poison]
                else:
                    if not self.is_source:
                        # An argument that depends on an undef is a set of values: fine
                        # against the same set in the source, but not against a frozen one
                        # (checked with the returned values, see checker._undef_result_check).
                        self.varying_call_args.append(z3.And(state.pc, z3.Not(lane.poison),
                                                             self.may_vary(lane.bv)))
                    key += [z3.If(lane.poison, z3.BitVecVal(0, lane.width), lane.bv), lane.poison]
        if may_read or not pure:
            key += self._visible_memory(state)
        sorts = [k.sort() for k in key]
        ret_width = None if inst.type == "void" else int_width(inst.type)
        if pure:
            if ret_width is None:
                return None
            value = z3.Function(f"call_{callee.name}_ret", *sorts, z3.BitVecSort(ret_width))(*key)
            poison = z3.Function(f"call_{callee.name}_poison", *sorts, z3.BoolSort())(*key)
            return self._call_result(state, inst, callee, value, poison)
        trace_sort = self.inputs.trace0.sort()
        step = z3.Function(f"call_{callee.name}_step", trace_sort, *sorts, trace_sort)
        state.trace = step(state.trace, *key)
        if "willreturn" not in words or "nounwind" not in words:
            returns = z3.Function("call_returns", trace_sort, z3.BoolSort())(state.trace)
            stuck = state.fork(z3.simplify(z3.And(state.pc, z3.Not(returns))))
            stuck.trace = z3.Function("call_diverged", trace_sort, trace_sort)(state.trace)
            self._end(stuck, None, diverged=True)
            state.pc = z3.simplify(z3.And(state.pc, returns))
        if may_write:
            self._clobber_visible_memory(state)
        if ret_width is None:
            return None
        value = z3.Function("call_ret", trace_sort, z3.BitVecSort(ret_width))(state.trace)
        poison = z3.Function("call_ret_poison", trace_sort, z3.BoolSort())(state.trace)
        return self._call_result(state, inst, callee, value, poison)

    def _call_result(self, state: State, inst: Inst, callee, value: Any, poison: Any) -> Val:
        import z3

        attrs = set(inst.ret_attrs) | set(callee.ret_attrs)
        if "noundef" in callee.ret_attrs:
            poison = z3.BoolVal(False)  # the callee promises it (else the callee is UB)
        result = Val(value, poison)
        for attr in attrs:
            if attr == "noundef" and attr not in callee.ret_attrs:
                state.ub = z3.Or(state.ub, result.poison)
            elif attr.startswith("range:"):
                result = Val(result.bv, z3.Or(result.poison, z3.Not(in_range_attr(result.bv, attr))))
            elif attr not in ("zeroext", "signext", "noext", "noundef"):
                raise Unsupported(f"call return attribute {attr}")
        return result

    def _visible_memory(self, state: State) -> list[Any]:
        """The caller's objects as a callee sees them (bytes, poison, pointer provenance)."""
        import z3

        if not self.has_locals:
            # Nothing but the caller's objects can differ between src and tgt memory here:
            # the whole arrays are a finer (still sound) and much cheaper key.
            return [state.mem, state.mem_poison, state.mem_prov]
        a = z3.BitVec("visible_byte", PTR_BITS)
        inside = self.inputs.objects.contains(a)
        prov = z3.Select(state.mem_prov, a)
        integer = z3.BitVecVal(memory.PROV_INTEGER, OBJ_BITS)
        caller = z3.BitVecVal(memory.PROV_CALLER, OBJ_BITS)
        return [z3.Lambda([a], z3.If(inside, z3.Select(state.mem, a), z3.BitVecVal(0, 8))),
                z3.Lambda([a], z3.And(inside, z3.Select(state.mem_poison, a))),
                z3.Lambda([a], z3.If(inside, z3.If(prov == integer, caller, prov), caller))]

    def _clobber_visible_memory(self, state: State) -> None:
        """After a call that may write: the caller's objects hold whatever the call left
        (a function of the trace, the same on both sides)."""
        import z3

        trace_sort = self.inputs.trace0.sort()
        a = z3.BitVec("clobbered_byte", PTR_BITS)
        inside = self.inputs.objects.contains(a)
        new_byte = z3.Function("call_mem", trace_sort, z3.BitVecSort(PTR_BITS), z3.BitVecSort(8))
        new_poison = z3.Function("call_mem_poison", trace_sort, z3.BitVecSort(PTR_BITS), z3.BoolSort())
        state.mem = z3.Lambda([a], z3.If(inside, new_byte(state.trace, a), z3.Select(state.mem, a)))
        state.mem_poison = z3.Lambda([a], z3.If(inside, new_poison(state.trace, a), z3.Select(state.mem_poison, a)))
        caller = z3.BitVecVal(memory.PROV_CALLER, OBJ_BITS)
        state.mem_prov = z3.Lambda([a], z3.If(inside, caller, z3.Select(state.mem_prov, a)))

    def _lanewise_intrinsic(self, base: str, args: list, vector: bool) -> tuple[Any, Any]:
        """Apply a scalar intrinsic per lane; scalar arguments (immargs) go to every lane."""
        import z3

        n = max(len(lanes_of(a)) for a in args) if args else 1
        results, ubs = [], []
        for k in range(n):
            lane_args = [a.lanes[k] if isinstance(a, VecVal) else a for a in args]
            value, ub = ops.intrinsic(base, lane_args)
            results.append(value)
            ubs.append(ub)
        if results[0] is None:
            return None, z3.Or(*ubs)
        return from_lanes(results, vector), z3.Or(*ubs)


_SMALL_OBJECT = 64


def _free_consts(expr: Any, limit: int = 20000) -> list[Any]:
    """Uninterpreted constants occurring in ``expr`` (bounded walk over shared subterms)."""
    import z3

    seen, out, todo = set(), [], [expr]
    while todo and len(seen) < limit:
        e = todo.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out.append(e)
        todo.extend(e.children())
    if todo:
        raise Unsupported("expression too large to track undef copies")
    return out


def may_vary(inputs: Inputs, undef_vars: list[tuple[Any, Any]], expr: Any) -> Any:
    """Bool: ``expr`` changes when every undef variable (with its "is undef" condition)
    is renamed to a fresh copy, i.e. the value depends on an undef: it is a set of values.
    The copies are free variables, so a solver looking for a counterexample picks them."""
    import z3

    if not undef_vars:
        return z3.BoolVal(False)
    pairs = []
    for var, is_undef in undef_vars:
        copy = inputs.fresh("undef_copy", var.size())
        pairs.append((var, copy if z3.is_true(is_undef) else z3.If(is_undef, copy, var)))
    return expr != z3.substitute(expr, *pairs)


def _poison_range(mem_poison: Any, lo: Any, size: int, inputs: Inputs) -> Any:
    """Mark ``size`` bytes from ``lo`` poison (explicit stores for small objects: cheaper
    for the solver than a lambda array)."""
    import z3

    if size <= _SMALL_OBJECT:
        for k in range(size):
            mem_poison = z3.Store(mem_poison, lo + k, z3.BoolVal(True))
        return mem_poison
    byte = inputs.fresh("poison_byte", PTR_BITS)
    inside = z3.And(z3.ULE(lo, byte), z3.ULT(byte, lo + size))
    return z3.Lambda([byte], z3.Or(inside, z3.Select(mem_poison, byte)))


def _lane_bytes(width: int, lanes: int) -> int:
    """Bytes per lane in memory; lanes narrower than a byte are not modelled."""
    if width % 8:
        raise Unsupported(f"memory access of i{width} lanes" if lanes > 1 else
                          f"load/store of i{width} (not a whole number of bytes)")
    return width // 8


def _constant_int(v: Val) -> int | None:
    """The value of a constant, non-poison lane (shuffle masks), else None."""
    import z3

    if z3.is_true(z3.simplify(v.poison)):
        return None
    value = z3.simplify(v.bv)
    if not z3.is_bv_value(value):
        raise Unsupported("non-constant shufflevector mask")
    return value.as_long()


def ops_binops() -> set[str]:
    from .ir import BINOPS

    return BINOPS


def _gep_scales(elem_types: list[str], n_indices: int) -> list[int]:
    """Byte scale of each GEP index: the first steps over whole source elements, the
    following ones into nested arrays."""
    sizes = []
    for k in range(len(elem_types)):
        sizes.append(type_size(elem_types[k:]))
    if n_indices > len(sizes):
        raise Unsupported("getelementptr into a non-array type")
    return sizes[:n_indices]
