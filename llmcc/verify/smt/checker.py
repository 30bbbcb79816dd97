"""Refinement check of a target function against a source function (z3).

The query asks for an input on which the source is defined (no UB, path completed within
the unroll bound) while the target is UB, returns poison where the source did not,
returns another value, or leaves different (or more poisonous) bytes in memory:

* found, and the source made no non-deterministic choice for it -> REFUTED (counterexample)
* none, and no input can run past the unroll bound            -> PROVED
* otherwise (loop bound reached, solver timeout, choice-dependent) -> INCONCLUSIVE

In the first query the source sees each undef argument as one value (a behaviour it may
have), so "none" is a proof. A counterexample that needs an undef argument or a source
choice goes to a second, exact query where every source choice is universally quantified
(integer results only; with pointer arguments it stays INCONCLUSIVE).

Before any query the module-level state is checked (module.py): data layout, function and
parameter attributes, calling convention and globals outside the model give INCONCLUSIVE.
A proof also needs the target not to return (or store) undef where the source froze a
value, and, with calls to unknown functions, the same call trace on both sides.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from ..verdict import Verdict, VerdictKind
from .ir import Function, MalformedIR, Unsupported, callee_info, find_function, parse_module
from .inputs import BENIGN_PARAM_ATTRS, MODELLED_ATTR_PREFIXES, Inputs, make_inputs
from .module import compare_globals
from .semantics import Behaviour, Executor, may_vary
from .memory import PROV_CALLER, PROV_INTEGER
from .values import OBJ_BITS, PTR_BITS, PtrVal, lanes_of

log = logging.getLogger(__name__)
CHECKER = "smt"
# Source attributes the model does not use as assumptions: a counterexample might violate
# them, so with one of these present a counterexample is reported as inconclusive.
_UNMODELLED_ASSUMPTIONS = ("dereferenceable_or_null", "nofpclass")


def check_refinement(src_ir: str, tgt_ir: str, src_fn: str, tgt_fn: str | None = None, *,
                     unroll: int = 8, timeout_ms: int = 10000) -> Verdict:
    """Does ``@tgt_fn`` in ``tgt_ir`` refine ``@src_fn`` in ``src_ir`` (same name if None)?

    PROVED only for a complete proof within the model; REFUTED with a counterexample
    (inputs, source result, target result); INVALID for malformed IR or a signature
    mismatch; INCONCLUSIVE (reason in ``detail``) for anything else.
    """
    started = time.monotonic()
    try:
        src_module = parse_module(src_ir)
        tgt_module = src_module if tgt_ir is src_ir or tgt_ir == src_ir else parse_module(tgt_ir)
        src = find_function(src_module, src_fn)
        tgt = find_function(tgt_module, tgt_fn or src_fn)
    except MalformedIR as e:
        return Verdict(VerdictKind.INVALID, CHECKER, f"malformed IR: {e}")
    except Unsupported as e:
        return _inconclusive(f"unsupported: {e}", started)
    if src.signature != tgt.signature:
        return Verdict(VerdictKind.INVALID, CHECKER,
                       f"signature mismatch: src {_sig(src)} vs tgt {_sig(tgt)}")
    try:
        if tgt_module is not src_module:
            compare_globals(src_module, tgt_module)
            # A declaration is a promise about the callee: the target's module may not
            # promise more (e.g. memory(none)) than the source's.
            src_text = str(src_module)
            for name, info in tgt.callees.items():
                theirs = callee_info(src_module, src_text, name)
                if theirs is None and not _promises(info):
                    continue  # a new callee declared without promises: an unknown function
                if theirs != info:
                    raise Unsupported(f"declaration of @{name} differs between source and target modules")
            if src_module.data_layout != tgt_module.data_layout:
                raise Unsupported("source and target data layouts differ")
        _check_interface(src, tgt)
    except Unsupported as e:
        return _inconclusive(f"unsupported: {e}", started)
    try:
        verdict = _check(src, tgt, unroll=unroll, timeout_ms=timeout_ms)
    except Unsupported as e:
        return _inconclusive(f"unsupported: {e}", started)
    except Exception as e:  # a bug in the checker loses a proof, never a build
        log.exception("built-in checker failed on @%s", src_fn)
        return _inconclusive(f"internal error: {type(e).__name__}: {e}", started)
    data = dict(verdict.data, seconds=round(time.monotonic() - started, 3), unroll=unroll)
    return Verdict(verdict.kind, CHECKER, verdict.detail, verdict.counterexample, data)


# Parameter attributes that are part of the calling convention: callers compiled against
# the source's interface rely on them, so the target must keep them exactly.
_ABI_PARAM_ATTRS = ("zeroext", "signext", "noext", "inreg", "byval", "sret", "inalloca",
                    "preallocated", "swiftself", "swifterror", "nest", "returned")


def _promises(callee) -> bool:
    """Does a declaration promise something the model relies on (purity, returning,
    non-poison or ranged results)?"""
    words = set(callee.fn_attrs.split())
    return bool(words & {"readnone", "readonly", "writeonly", "willreturn", "nounwind"}) or \
        "memory(" in callee.fn_attrs or bool(callee.ret_attrs - {"zeroext", "signext", "noext"})


def _check_interface(src: Function, tgt: Function) -> None:
    """Calling convention, return/parameter ABI attributes and linkage must agree."""
    if src.abi_attrs != tgt.abi_attrs:
        raise Unsupported(f"return ABI attributes / calling convention differ: "
                          f"{sorted(src.abi_attrs)} vs {sorted(tgt.abi_attrs)}")
    if src.linkage != tgt.linkage:
        raise Unsupported(f"linkage differs: {sorted(src.linkage)} vs {sorted(tgt.linkage)}")
    for sp, tp in zip(src.params, tgt.params):
        sa = {a for a in sp.attrs if a.startswith(_ABI_PARAM_ATTRS)}
        ta = {a for a in tp.attrs if a.startswith(_ABI_PARAM_ATTRS)}
        if sa != ta:
            raise Unsupported(f"ABI attributes of %{tp.name} differ: {sorted(sa)} vs {sorted(ta)}")


def _sig(fn: Function) -> str:
    return f"{fn.ret_type} ({', '.join(p.type for p in fn.params)})"


def _inconclusive(detail: str, started: float) -> Verdict:
    return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, detail,
                   data={"seconds": round(time.monotonic() - started, 3)})


def _check(src: Function, tgt: Function, *, unroll: int, timeout_ms: int) -> Verdict:
    import z3

    _check_target_attributes(src, tgt)
    inputs = make_inputs(src, {**tgt.globals, **src.globals})
    src_b = Executor(src, inputs, is_source=True, unroll=unroll).run()
    tgt_b = Executor(tgt, inputs, is_source=False, unroll=unroll).run()
    s, t = _summarise(src_b, inputs.trace0), _summarise(tgt_b, inputs.trace0)
    address = z3.BitVec("cex_address", PTR_BITS)
    mismatch = z3.Or(t["ub"], _observed(s, t, z3.Or(_value_mismatch(s, t), _memory_mismatch(inputs, s, t, address))))
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*inputs.facts)
    solver.add(z3.Not(s["ub"]), z3.Not(s["oob"]), z3.Not(t["oob"]), mismatch)
    answer = solver.check()
    if answer == z3.unknown:
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, f"solver gave up: {solver.reason_unknown()}")
    if answer == z3.sat:
        verdict = _refutation(solver, src, inputs, src_b, s, t, address)
        if verdict is None:
            verdict = _exact_undef_check(src, tgt, inputs, unroll=unroll, timeout_ms=timeout_ms)
            if verdict.kind == VerdictKind.PROVED:
                return _undef_result_check(inputs, src_b, tgt_b, s, t, timeout_ms) or verdict
        return verdict
    verdict = _proof_or_bound(inputs, s, t, unroll, timeout_ms)
    if verdict.kind == VerdictKind.PROVED:
        return _undef_result_check(inputs, src_b, tgt_b, s, t, timeout_ms) or verdict
    return verdict


def _undef_result_check(inputs: Inputs, src_b: Behaviour, tgt_b: Behaviour, s: dict, t: dict,
                        timeout_ms: int) -> Verdict | None:
    """The queries above let each source choice be made after the target's undefs. That
    is exact unless the source froze a value (one value per run) while the target returns
    or stores a value that depends on an undef (a set of values, less defined than any one
    value): then nothing is proved (None when no such case exists)."""
    import z3

    if not src_b.freeze_choices or not tgt_b.undef_vars:
        return None
    if tgt_b.varying_call_args:
        solver = z3.Solver()
        solver.set("timeout", timeout_ms)
        solver.add(*inputs.facts)
        solver.add(z3.Not(s["ub"]), z3.Not(s["oob"]), z3.Or(src_b.freeze_choices), z3.Or(tgt_b.varying_call_args))
        if solver.check() != z3.unsat:
            return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                           "target may pass undef to a call where the source froze a value")
    varies = []
    if s["ret"] is not None and t["ret"] is not None:
        varies += [z3.And(z3.Not(sp), z3.Not(tp), may_vary(inputs, tgt_b.undef_vars, tv))
                   for sp, tp, tv in zip(s["ret_poison"], t["ret_poison"], t["ret"])]
    if inputs.objects.visible and s["mem"] is not None and t["mem"] is not None:
        a = z3.BitVec("undef_address", PTR_BITS)
        varies.append(z3.And(inputs.objects.contains(a), z3.Not(z3.Select(s["mem_poison"], a)),
                             z3.Not(z3.Select(t["mem_poison"], a)),
                             may_vary(inputs, tgt_b.undef_vars, z3.Select(t["mem"], a))))
    if not varies:
        return None
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*inputs.facts)
    solver.add(z3.Not(s["ub"]), z3.Not(s["oob"]), z3.Not(t["ub"]), z3.Or(src_b.freeze_choices),
               z3.Or(varies))
    answer = solver.check()
    if answer == z3.unsat:
        return None
    return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                   "target may return or store undef where the source froze a value "
                   "(undef is less defined than any frozen value)")


def _exact_undef_check(src: Function, tgt: Function, inputs: Inputs, *, unroll: int,
                       timeout_ms: int) -> Verdict:
    """Second stage when a counterexample needs an undef input or a source choice: every
    source choice (each use of an undef argument, undef constants, freeze) becomes a
    universally quantified variable, which is the exact refinement condition."""
    import z3

    if inputs.objects.visible:
        # The memory query picks one address; with quantified choices that would no
        # longer cover all addresses at once.
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, _UNDEF_ONLY + " (with memory)")
    src_b = Executor(src, inputs, is_source=True, unroll=unroll, exact_undef=True).run()
    tgt_b = Executor(tgt, inputs, is_source=False, unroll=unroll).run()
    s, t = _summarise(src_b, inputs.trace0), _summarise(tgt_b, inputs.trace0)
    body = z3.And(z3.Not(s["ub"]), z3.Not(s["oob"]), z3.Not(t["oob"]),
                  z3.Or(t["ub"], _observed(s, t, _value_mismatch(s, t))))
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*inputs.facts)
    solver.add(z3.ForAll(src_b.universals, body) if src_b.universals else body)
    answer = solver.check()
    if answer == z3.unknown:
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                       f"{_UNDEF_ONLY}; quantified query: {solver.reason_unknown()}")
    if answer == z3.sat:
        if src_b.undef_ub_risk:
            return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                           f"{_UNDEF_ONLY}; the source may be UB on undef there (not modelled)")
        cex = _format_counterexample(solver.model(), src, inputs, s, t, None, show_memory=False,
                                     source_shown=False)
        return Verdict(VerdictKind.REFUTED, CHECKER,
                       "target has a behaviour the source cannot have (undef/poison input or source choice)",
                       counterexample=cex, data={"undef_input": True})
    return _proof_or_bound(inputs, s, t, unroll, timeout_ms)


_UNDEF_ONLY = "a counterexample needs undef inputs or source non-determinism"


def _check_target_attributes(src: Function, tgt: Function) -> None:
    """Target argument attributes may only repeat the source's, add ``noundef`` (modelled
    as UB in the target) or add access attributes the target's instructions obey; anything
    else would add assumptions the model cannot see."""
    for sp, tp in zip(src.params, tgt.params):
        # readonly/writeonly/readnone/initializes make the target's own accesses UB
        # when it breaks them (semantics.py).
        extra = {a for a in tp.attrs - sp.attrs - {"noundef", "nocapture",
                                                     "captures(none)", "readonly", "writeonly", "readnone"}
                 if not a.startswith("initializes(")}
        if extra:
            raise Unsupported(f"target adds attribute(s) {', '.join(sorted(extra))} to %{tp.name}")
        odd = {a for a in sp.attrs if a not in BENIGN_PARAM_ATTRS and not a.startswith(
            (*MODELLED_ATTR_PREFIXES, *_UNMODELLED_ASSUMPTIONS))}
        if odd:
            raise Unsupported(f"argument attribute(s) {', '.join(sorted(odd))} on %{sp.name}")


def _summarise(b: Behaviour, trace0: Any = None) -> dict[str, Any]:
    """UB, out-of-bound, result and final memory of a function as single formulas."""
    import z3

    ub = z3.Or([z3.And(e.pc, e.ub) for e in b.ends] or [z3.BoolVal(False)])
    oob = z3.Or([z3.And(e.pc, z3.Not(e.ub)) for e in b.ends if e.out_of_bound] or [z3.BoolVal(False)])
    # Not conditioned on "no UB": UB found after an unmodelled step may itself be an artefact.
    unmodelled = z3.Or([z3.And(e.pc, e.unmodelled) for e in b.ends] or [z3.BoolVal(False)])
    done = [e for e in b.ends if not e.out_of_bound]
    trace = None
    for e in reversed(done):
        mine = e.trace if e.trace is not None else trace0
        if mine is not None:
            trace = mine if trace is None else z3.If(e.pc, mine, trace)
    diverged = [e for e in done if e.diverged]
    returned = z3.Not(z3.Or([e.pc for e in diverged])) if diverged else z3.BoolVal(True)
    done = [e for e in done if not e.diverged]
    ret_bv: list | None = None
    ret_poison: list | None = None
    mem = mem_poison = mem_prov = None
    for e in reversed(done):
        if e.ret is not None:
            if ret_bv is None:
                ret_bv, ret_poison = [v.bv for v in e.ret], [v.poison for v in e.ret]
            else:
                ret_bv = [z3.If(e.pc, v.bv, old) for v, old in zip(e.ret, ret_bv)]
                ret_poison = [z3.If(e.pc, v.poison, old) for v, old in zip(e.ret, ret_poison)]
        mem = e.mem if mem is None else z3.If(e.pc, e.mem, mem)
        mem_poison = e.mem_poison if mem_poison is None else z3.If(e.pc, e.mem_poison, mem_poison)
        mem_prov = e.mem_prov if mem_prov is None else z3.If(e.pc, e.mem_prov, mem_prov)
    # Paths the model cannot follow exactly count as "out of bound": never part of a proof.
    return {"ub": ub, "oob": z3.Or(oob, unmodelled), "loop_oob": oob, "unmodelled": unmodelled,
            "ret": ret_bv, "trace": trace, "returned": returned,
            "ret_poison": ret_poison, "mem": mem, "mem_poison": mem_poison, "mem_prov": mem_prov}


def _observed(s: dict, t: dict, mismatch: Any) -> Any:
    """With calls to unknown functions: the call traces must agree, and results and memory
    are compared only where both functions returned (not stuck in a call)."""
    import z3

    if s["trace"] is None and t["trace"] is None:
        return mismatch
    return z3.Or(s["trace"] != t["trace"], z3.And(s["returned"], t["returned"], mismatch))


def _value_mismatch(s: dict, t: dict) -> Any:
    import z3

    if s["ret"] is None or t["ret"] is None:
        return z3.BoolVal(False)  # void, or every path is UB / out of bound
    if len(s["ret"]) != len(t["ret"]):
        raise Unsupported("source and target return different numbers of lanes")
    # Lanes are independent: each defined source lane must be matched by the target.
    return z3.Or([z3.And(z3.Not(sp), z3.Or(tp, sv != tv))
                  for sv, sp, tv, tp in zip(s["ret"], s["ret_poison"], t["ret"], t["ret_poison"])])


def _memory_mismatch(inputs: Inputs, s: dict, t: dict, address: Any) -> Any:
    import z3

    if not inputs.objects.visible or s["mem"] is None or t["mem"] is None:
        return z3.BoolVal(False)
    src_poison = z3.Select(s["mem_poison"], address)
    s_prov, t_prov = z3.Select(s["mem_prov"], address), z3.Select(t["mem_prov"], address)
    # Integer bytes equal to what the caller left there are the same bytes, except where the
    # target replaced the caller's (possibly pointer) bytes by plain integers.
    caller, integer = (z3.BitVecVal(v, OBJ_BITS) for v in (PROV_CALLER, PROV_INTEGER))
    prov_differs = z3.And(s_prov != t_prov, z3.Not(z3.And(s_prov == integer, t_prov == caller)))
    differs = z3.Or(z3.Select(t["mem_poison"], address),
                    z3.Select(s["mem"], address) != z3.Select(t["mem"], address),
                    prov_differs)
    return z3.And(inputs.objects.contains(address), z3.Not(src_poison), differs)


def _refutation(solver, src: Function, inputs: Inputs, src_b: Behaviour, s: dict, t: dict,
                address: Any) -> Verdict | None:
    """A counterexample is trusted only if it needs no undef input and no source choice;
    None when every counterexample needs one."""
    import z3

    blockers = [u for lanes in inputs.undef.values() for u in lanes] + src_b.choices + src_b.undef_ub_risk
    solver.add(z3.Not(z3.Or(blockers or [z3.BoolVal(False)])))
    answer = solver.check()
    if answer != z3.sat:
        return None  # decided by the exact (quantified) stage
    model = solver.model()
    cex = _format_counterexample(model, src, inputs, s, t, address,
                                 show_memory=_reason(model, s, t) == "memory mismatch")
    unmodelled = sorted({a for p in src.params for a in p.attrs if a.startswith(_UNMODELLED_ASSUMPTIONS)})
    if unmodelled:
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                       f"counterexample may rely on source UB that is not modelled "
                       f"({', '.join(unmodelled)})",
                       counterexample=cex)
    return Verdict(VerdictKind.REFUTED, CHECKER, _reason(model, s, t), counterexample=cex)


def _reason(model, s: dict, t: dict) -> str:
    import z3

    def holds(expr) -> bool:
        return expr is not None and z3.is_true(model.eval(expr, model_completion=True))

    if holds(t["ub"]):
        return "target is UB where the source is defined"
    if s.get("trace") is not None and holds(s["trace"] != t["trace"]):
        return "calls to unknown functions differ (callee, arguments, memory, or how many)"
    if s["ret"] is not None and t["ret"] is not None:
        lanes = list(zip(s["ret"], s["ret_poison"], t["ret"], t["ret_poison"]))
        if any(holds(z3.And(z3.Not(sp), tp)) for _, sp, _, tp in lanes):
            return "target is more poisonous than source"
        if any(holds(z3.And(z3.Not(sp), sv != tv)) for sv, sp, tv, _ in lanes):
            return "value mismatch"
    return "memory mismatch"


def _format_counterexample(model, src: Function, inputs: Inputs, s: dict, t: dict, address: Any,
                           show_memory: bool, source_shown: bool = True) -> str:
    import z3

    def ev(expr):
        return model.eval(expr, model_completion=True)

    def show_lane(v, undef) -> str:
        if z3.is_true(ev(v.poison)):
            return "poison"
        if z3.is_true(ev(undef)):
            return "undef"
        return _show_int(ev(v.addr if isinstance(v, PtrVal) else v.bv))

    lines = ["Example:"]
    for p in src.params:
        v = inputs.values[p.name]
        lanes = [v] if isinstance(v, PtrVal) else lanes_of(v)
        shown = [show_lane(lane, u) for lane, u in zip(lanes, inputs.undef[p.name])]
        lines.append(f"{p.type} %{p.name} = " + (shown[0] if len(shown) == 1 else f"< {', '.join(shown)} >"))
    for side, d in (("Source", s), ("Target", t)):
        if side == "Source" and not source_shown:
            lines.append("Source: no choice of its undef uses gives the target's result")
            continue
        if z3.is_true(ev(d["ub"])):
            lines.append(f"{side}: UB")
        elif d["ret"] is None:
            lines.append(f"{side}: returns")
        else:
            shown = ["poison" if z3.is_true(ev(p)) else _show_int(ev(v))
                     for v, p in zip(d["ret"], d["ret_poison"])]
            lines.append(f"{side} value: " + (shown[0] if len(shown) == 1 else f"< {', '.join(shown)} >"))
    if show_memory:
        a = ev(address)
        lines.append(f"Memory at {_show_int(a)}: source {_show_int(ev(z3.Select(s['mem'], a)))}, "
                     f"target {_show_int(ev(z3.Select(t['mem'], a)))}")
    return "\n".join(lines)


def _show_int(value) -> str:
    import z3

    if not z3.is_bv_value(value):
        return str(value)
    w = value.size()
    u = value.as_long()
    signed = u - (1 << w) if u >> (w - 1) and w > 1 else u
    shown = f"{u}" if signed == u else f"{u}, {signed}"
    return f"#x{u:0{max(1, (w + 3) // 4)}x} ({shown})"


def _proof_or_bound(inputs: Inputs, s: dict, t: dict, unroll: int, timeout_ms: int) -> Verdict:
    """No counterexample among completed paths: a proof unless some input runs past the bound."""
    import z3

    if z3.is_false(z3.simplify(z3.Or(s["oob"], t["oob"]))):
        return Verdict(VerdictKind.PROVED, CHECKER, "target refines source")
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*inputs.facts)
    # A source that is UB excuses the target, but not UB the source only "has" after an
    # unmodelled step.
    solver.add(z3.Or(s["unmodelled"], z3.And(z3.Not(s["ub"]), z3.Or(s["oob"], t["oob"]))))
    answer = solver.check()
    if answer == z3.unsat:
        return Verdict(VerdictKind.PROVED, CHECKER, "target refines source (all loops within the bound)")
    if answer == z3.unknown:
        reason = "solver gave up on the loop-bound query"
    elif z3.is_false(z3.simplify(z3.Or(s["loop_oob"], t["loop_oob"]))):
        reason = "no counterexample, but some inputs use a pointer loaded from the caller's memory " \
                 "(not modelled)"
    else:
        reason = f"a loop may run more than {max(1, unroll)} iterations: no counterexample within " \
                 "the bound, but not a proof"
    return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, reason, data={"loop_bound": max(1, unroll)})
