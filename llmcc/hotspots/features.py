"""Static per-function features of an optimized module, from the pass plugin or llvmlite.

Two producers compute the same numbers:

* the C++ pass plugin ``passes/LLMCCFeatures.cpp`` (``libLLMCCFeatures.so``), cheap enough
  to ride along in the user's own compile and the only one that knows SCEV trip counts;
* ``extract_features_llvmlite`` here, the fallback when the plugin is not built. It finds
  loops as natural loops of back edges (same as LLVM's LoopInfo on reducible CFGs) and
  leaves trip counts ``None`` unless a constant-bound counted loop is obvious.

JSON schema (what the plugin writes; ``ModuleFeatures.to_json`` writes the same)::

    {
      "module":   str,              # module identifier (input file of opt / clang)
      "source":   str,              # source_filename of the module
      "producer": "plugin" | "llvmlite",
      "functions": [                # defined functions only, in module order
        {
          "name": str,
          "linkage": str,           # IR keyword: external, internal, linkonce_odr, ...
          "is_main": bool,
          "blocks": int,            # basic blocks
          "instructions": int,
          "loops": {
            "count": int,           # all loops, nested ones included
            "max_depth": int,       # 0 when loop-free, 1 for a single loop, ...
            "loops": [              # preorder (outer before inner)
              {"depth": int, "header": str,
               "trip_count": int | null,       # exact constant trip count
               "max_trip_count": int | null}   # constant upper bound
            ]
          },
          "calls": {
            "direct": int,          # calls to a known non-intrinsic function
            "indirect": int,        # calls through a pointer
            "intrinsic": int,       # llvm.* calls (memcpy, fmuladd, ...)
            "inline_asm": int,
            "callees": [str],       # sorted, unique direct callees
            "callee_depths": {str: int}   # per callee: deepest loop around a call site
          },                              # (0: outside loops; absent from old plugins)
          "cond_branches": int,     # conditional br
          "switches": int,
          "mix": {
            "loads": int, "stores": int,
            "fp_ops": int,          # fadd fsub fmul fdiv frem fneg fcmp, and intrinsic
                                    # calls returning FP (llvm.fmuladd, llvm.sqrt...)
            "int_ops": int,         # add sub mul [us]div [us]rem shl lshr ashr and or xor
            "vector_ops": int,      # instructions with a vector result or operand
            "io_calls": int         # direct calls to IO_FUNCTIONS
          }
        }
      ],
      "call_graph": {"caller": ["callee", ...]}   # every defined function is a key
    }
"""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..outcome import Fallback
from ..tmpsweep import temp_dir as _temp_dir
from ..toolchain import Toolchain, ToolchainError

log = logging.getLogger(__name__)

PLUGIN_ENV = "LLMCC_PLUGIN"
PLUGIN_PASS_NAME = "llmcc-features"
FEATURES_OUT_ENV = "LLMCC_FEATURES_OUT"
_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PLUGIN = _REPO_ROOT / "passes" / "build" / "libLLMCCFeatures.so"

# Library calls that make a function I/O-bound. Mirrors IOFunctionNames in the plugin.
IO_FUNCTIONS = frozenset({
    "printf", "fprintf", "vprintf", "vfprintf", "puts", "fputs", "putchar", "fputc",
    "putc", "fwrite", "fread", "fgets", "fgetc", "getc", "getchar", "scanf", "fscanf",
    "sscanf", "read", "write", "open", "close", "fopen", "fclose", "fflush", "perror",
    "__printf_chk", "__fprintf_chk", "__isoc99_scanf", "__isoc99_fscanf",
    "__isoc99_sscanf", "fseek", "ftell", "rewind", "pread", "pwrite", "send", "recv",
    "getline", "dprintf",
})

_INT_OPS = frozenset({"add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr",
                      "ashr", "and", "or", "xor"})
_FP_OPS = frozenset({"fadd", "fsub", "fmul", "fdiv", "frem", "fneg", "fcmp"})
_FP_TYPE_KINDS = frozenset({"half", "bfloat", "float", "double", "x86_fp80", "fp128",
                            "ppc_fp128"})
_CALL_OPS = frozenset({"call", "invoke", "callbr"})
# llvmlite's Linkage enum names -> the IR keywords the plugin prints.
_LINKAGE_KEYWORDS = {"linkonce_any": "linkonce", "weak_any": "weak",
                     "external_weak": "extern_weak"}


@dataclass
class LoopFeatures:
    depth: int
    header: str = ""
    trip_count: int | None = None
    max_trip_count: int | None = None


@dataclass
class FunctionFeatures:
    """Static features of one defined function (field meanings: module docstring)."""

    name: str
    linkage: str = "external"
    is_main: bool = False
    blocks: int = 0
    instructions: int = 0
    loops: list[LoopFeatures] = field(default_factory=list)
    direct_calls: int = 0
    indirect_calls: int = 0
    intrinsic_calls: int = 0
    inline_asm: int = 0
    callees: list[str] = field(default_factory=list)
    callee_depths: dict[str, int] = field(default_factory=dict)
    cond_branches: int = 0
    switches: int = 0
    loads: int = 0
    stores: int = 0
    fp_ops: int = 0
    int_ops: int = 0
    vector_ops: int = 0
    io_calls: int = 0

    @property
    def loop_count(self) -> int:
        return len(self.loops)

    @property
    def max_loop_depth(self) -> int:
        return max((lp.depth for lp in self.loops), default=0)

    def to_json(self) -> dict[str, Any]:
        """The plugin's JSON shape for this function."""
        return {
            "name": self.name, "linkage": self.linkage, "is_main": self.is_main,
            "blocks": self.blocks, "instructions": self.instructions,
            "loops": {"count": self.loop_count, "max_depth": self.max_loop_depth,
                      "loops": [vars(lp).copy() for lp in self.loops]},
            "calls": {"direct": self.direct_calls, "indirect": self.indirect_calls,
                      "intrinsic": self.intrinsic_calls, "inline_asm": self.inline_asm,
                      "callees": list(self.callees), "callee_depths": dict(self.callee_depths)},
            "cond_branches": self.cond_branches, "switches": self.switches,
            "mix": {"loads": self.loads, "stores": self.stores, "fp_ops": self.fp_ops,
                    "int_ops": self.int_ops, "vector_ops": self.vector_ops,
                    "io_calls": self.io_calls},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FunctionFeatures:
        """Parse one entry of the ``functions`` array."""
        loops, calls, mix = d.get("loops", {}), d.get("calls", {}), d.get("mix", {})
        return cls(
            name=d["name"], linkage=d.get("linkage", "external"),
            is_main=bool(d.get("is_main", d["name"] == "main")),
            blocks=int(d.get("blocks", 0)), instructions=int(d.get("instructions", 0)),
            loops=[LoopFeatures(depth=int(lp["depth"]), header=lp.get("header", ""),
                                trip_count=lp.get("trip_count"),
                                max_trip_count=lp.get("max_trip_count"))
                   for lp in loops.get("loops", [])],
            direct_calls=int(calls.get("direct", 0)),
            indirect_calls=int(calls.get("indirect", 0)),
            intrinsic_calls=int(calls.get("intrinsic", 0)),
            inline_asm=int(calls.get("inline_asm", 0)),
            callees=list(calls.get("callees", [])),
            callee_depths={str(k): int(v) for k, v in calls.get("callee_depths", {}).items()},
            cond_branches=int(d.get("cond_branches", 0)), switches=int(d.get("switches", 0)),
            loads=int(mix.get("loads", 0)), stores=int(mix.get("stores", 0)),
            fp_ops=int(mix.get("fp_ops", 0)), int_ops=int(mix.get("int_ops", 0)),
            vector_ops=int(mix.get("vector_ops", 0)), io_calls=int(mix.get("io_calls", 0)),
        )


@dataclass
class ModuleFeatures:
    """Features of every defined function of one module, plus its direct call graph."""

    module: str
    source: str
    producer: str                       # "plugin" or "llvmlite"
    functions: list[FunctionFeatures] = field(default_factory=list)
    call_graph: dict[str, list[str]] = field(default_factory=dict)

    def function(self, name: str) -> FunctionFeatures | None:
        """The features of ``name``, or None if it is not defined in the module."""
        return next((f for f in self.functions if f.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON document (see the module docstring)."""
        return {"module": self.module, "source": self.source, "producer": self.producer,
                "functions": [f.to_json() for f in self.functions],
                "call_graph": {k: list(v) for k, v in self.call_graph.items()}}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ModuleFeatures:
        """Parse the documented JSON document."""
        return cls(module=doc.get("module", ""), source=doc.get("source", ""),
                   producer=doc.get("producer", "plugin"),
                   functions=[FunctionFeatures.from_json(f) for f in doc.get("functions", [])],
                   call_graph={k: list(v) for k, v in doc.get("call_graph", {}).items()})


# --------------------------------------------------------------------------- plugin


def plugin_path() -> Path | None:
    """The built plugin (see ``llmcc.toolchain.feature_plugin_path``)."""
    from ..toolchain import feature_plugin_path
    return feature_plugin_path()


def load_plugin_features(path: str | os.PathLike) -> ModuleFeatures:
    """Read a JSON document written by the plugin. Raises OSError / ValueError if the file
    is missing or not the documented schema."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("functions"), list):
        raise ValueError(f"{path}: not an llmcc features document")
    return ModuleFeatures.from_json(doc)


def run_plugin(tc: Toolchain, ir: Path, plugin: Path, *,
               timeout: float = 120.0) -> ModuleFeatures | Fallback:
    """Run ``opt -passes=llmcc-features`` on ``ir`` (text or bitcode) and parse its JSON."""
    try:
        opt = tc.tool("opt")
    except ToolchainError as e:
        return Fallback("plugin-failed", str(e))
    with _temp_dir("features") as tmp:
        out = Path(tmp) / "features.json"
        env = {**os.environ, FEATURES_OUT_ENV: str(out)}
        argv = [str(opt), f"-load-pass-plugin={plugin}", f"-passes={PLUGIN_PASS_NAME}",
                str(ir), "-disable-output"]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, env=env,
                                  timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            return Fallback("plugin-failed", str(e))
        if proc.returncode != 0:
            return Fallback("plugin-failed", proc.stderr.strip()[-2000:])
        try:
            return load_plugin_features(out)
        except (OSError, ValueError) as e:
            return Fallback("plugin-failed", str(e))


def extract_features(tc: Toolchain, ir: Path, *,
                     plugin: Path | None = None) -> ModuleFeatures | Fallback:
    """Features of the module in ``ir``: through the plugin when one is given (or
    found by ``plugin_path``), else with llvmlite. A failing plugin falls back to
    llvmlite, so only an unreadable module yields a Fallback."""
    plugin = plugin or plugin_path()
    if plugin is not None:
        result = run_plugin(tc, ir, plugin)
        if not isinstance(result, Fallback):
            return result
        log.warning("feature plugin failed, using llvmlite: %s", result)
    try:
        data = ir.read_bytes()
        if data.startswith(b"BC"):
            return extract_features_llvmlite(_bitcode_to_text(data), module_name=str(ir))
        return extract_features_llvmlite(data.decode("utf-8", "replace"), module_name=str(ir))
    except (OSError, RuntimeError) as e:
        return Fallback("features-failed", str(e))


def _bitcode_to_text(data: bytes) -> str:
    import llvmlite.binding as llvm  # heavy: only on the fallback path
    return str(llvm.parse_bitcode(data))


# --------------------------------------------------------------------------- llvmlite


def extract_features_llvmlite(ir_text: str, *, module_name: str = "") -> ModuleFeatures:
    """The plugin's features computed from textual IR with llvmlite. Without SCEV, trip
    counts stay None unless the loop is an obvious constant-bound counted loop (then the
    max trip count is that same number); sibling loops may be listed in another order
    than LoopInfo's. Raises RuntimeError if the IR does not parse."""
    import llvmlite.binding as llvm  # heavy: only when the plugin is not used

    module = llvm.parse_assembly(ir_text)
    functions: list[FunctionFeatures] = []
    call_graph: dict[str, list[str]] = {}
    for fn in module.functions:
        if fn.is_declaration:
            continue
        features = _function_features(fn)
        functions.append(features)
        call_graph[features.name] = list(features.callees)
    return ModuleFeatures(module=module_name or module.name, source=module.source_file,
                          producer="llvmlite", functions=functions, call_graph=call_graph)


def _function_features(fn: Any) -> FunctionFeatures:
    blocks = list(fn.blocks)
    feats = FunctionFeatures(name=fn.name, is_main=fn.name == "main",
                             linkage=_LINKAGE_KEYWORDS.get(fn.linkage.name, fn.linkage.name),
                             blocks=len(blocks))
    callees: set[str] = set()
    successors: dict[Any, list[Any]] = {}
    # llvmlite hands out operands as plain values that refuse .opcode / .instructions;
    # equal pointers hash equal, so this maps an operand back to its block or instruction.
    by_pointer: dict[Any, Any] = {b: b for b in blocks}
    for block in blocks:
        instructions = list(block.instructions)
        for inst in instructions:
            by_pointer[inst] = inst
            _count_instruction(inst, feats, callees)
        terminator = instructions[-1]
        successors[block] = [by_pointer[op] for op in terminator.operands
                             if op.value_kind.name == "basic_block"]
    feats.callees = sorted(callees)
    block_depth: dict[Any, int] = {}
    feats.loops = _natural_loops(blocks, successors, by_pointer, block_depth)
    feats.callee_depths = _callee_depths(blocks, block_depth)
    return feats


def _callee_depths(blocks: list[Any], block_depth: dict[Any, int]) -> dict[str, int]:
    """Per direct (non-intrinsic) callee, the deepest loop around one of its call sites."""
    depths: dict[str, int] = {}
    for block in blocks:
        for inst in block.instructions:
            if inst.opcode not in _CALL_OPS:
                continue
            callee = list(inst.operands)[-1]
            if callee.value_kind.name == "function" and not callee.name.startswith("llvm."):
                depths[callee.name] = max(depths.get(callee.name, 0), block_depth.get(block, 0))
    return dict(sorted(depths.items()))


def _count_instruction(inst: Any, feats: FunctionFeatures, callees: set[str]) -> None:
    feats.instructions += 1
    opcode = inst.opcode
    operands = list(inst.operands)
    if opcode == "br":
        feats.cond_branches += len(operands) == 3
    elif opcode == "switch":
        feats.switches += 1
    elif opcode == "load":
        feats.loads += 1
    elif opcode == "store":
        feats.stores += 1
    elif opcode in _CALL_OPS:
        _count_call(operands[-1], feats, callees)
    if opcode in _FP_OPS or (opcode == "call" and _is_fp_intrinsic_call(inst, operands[-1])):
        feats.fp_ops += 1
    elif opcode in _INT_OPS:
        feats.int_ops += 1
    if inst.type.is_vector or any(op.type.is_vector for op in operands):
        feats.vector_ops += 1


def _is_fp_type(ty: Any) -> bool:
    if ty.is_vector:
        ty = next(iter(ty.elements))
    return ty.type_kind.name in _FP_TYPE_KINDS


def _is_fp_intrinsic_call(inst: Any, callee: Any) -> bool:
    """fmuladd, sqrt, fabs...: clang contracts a*b+c into llvm.fmuladd, so FP work would
    be invisible if only FP opcodes counted."""
    return (callee.value_kind.name == "function" and callee.name.startswith("llvm.")
            and _is_fp_type(inst.type))


def _count_call(callee: Any, feats: FunctionFeatures, callees: set[str]) -> None:
    kind = callee.value_kind.name
    if kind == "inline_asm":
        feats.inline_asm += 1
    elif kind != "function":
        feats.indirect_calls += 1
    elif callee.name.startswith("llvm."):
        feats.intrinsic_calls += 1
    else:
        feats.direct_calls += 1
        callees.add(callee.name)
        feats.io_calls += callee.name in IO_FUNCTIONS


def _reverse_postorder(entry: Any, successors: dict[Any, list[Any]]) -> list[Any]:
    """Blocks reachable from ``entry`` in reverse postorder (iterative DFS: deep CFGs
    such as interpreter loops would overflow Python's recursion limit)."""
    order: list[Any] = []
    seen = {entry}
    stack: list[tuple[Any, Iterable[Any]]] = [(entry, iter(successors.get(entry, ())))]
    while stack:
        block, it = stack[-1]
        nxt = next((s for s in it if s not in seen), None)
        if nxt is None:
            stack.pop()
            order.append(block)
        else:
            seen.add(nxt)
            stack.append((nxt, iter(successors.get(nxt, ()))))
    order.reverse()
    return order


def _immediate_dominators(rpo: list[Any], successors: dict[Any, list[Any]]) -> dict[Any, Any]:
    """Cooper-Harvey-Kennedy iterative dominators over the reachable blocks."""
    index = {b: i for i, b in enumerate(rpo)}
    preds: dict[Any, list[Any]] = {b: [] for b in rpo}
    for b in rpo:
        for s in successors.get(b, ()):
            preds[s].append(b)
    idom: dict[Any, Any] = {rpo[0]: rpo[0]}

    def intersect(a: Any, b: Any) -> Any:
        while a != b:
            while index[a] > index[b]:
                a = idom[a]
            while index[b] > index[a]:
                b = idom[b]
        return a

    changed = True
    while changed:
        changed = False
        for b in rpo[1:]:
            done = [p for p in preds[b] if p in idom]
            new = done[0]
            for p in done[1:]:
                new = intersect(p, new)
            if idom.get(b) != new:
                idom[b] = new
                changed = True
    return idom


def _dominates(a: Any, b: Any, idom: dict[Any, Any]) -> bool:
    while True:
        if a == b:
            return True
        parent = idom[b]
        if parent == b:
            return False
        b = parent


def _natural_loops(blocks: list[Any], successors: dict[Any, list[Any]],
                   by_pointer: dict[Any, Any], block_depth: dict[Any, int] | None = None) -> list[LoopFeatures]:
    """Loops as LoopInfo sees them: one loop per header that dominates a back-edge source,
    its body every block reaching such a source without passing the header. Fills
    ``block_depth`` (if given) with each block's loop depth, as ``LoopInfo::getLoopDepth``."""
    if not blocks:
        return []
    rpo = _reverse_postorder(blocks[0], successors)
    idom = _immediate_dominators(rpo, successors)
    preds: dict[Any, list[Any]] = {b: [] for b in rpo}
    for b in rpo:
        for s in successors.get(b, ()):
            preds[s].append(b)
    bodies: dict[Any, set[Any]] = {}
    latches_of: dict[Any, list[Any]] = {}
    for header in rpo:
        latches = [p for p in preds[header] if _dominates(header, p, idom)]
        if latches:
            bodies[header] = _loop_body(header, latches, preds)
            latches_of[header] = latches
    # A loop's depth is the number of loops whose body holds its header (itself included);
    # headers in RPO give outer loops before inner ones, like LoopInfo's preorder.
    loops = []
    for header in rpo:
        if header in bodies:
            depth = sum(1 for body in bodies.values() if header in body)
            trips = _constant_trip_count(header, latches_of[header], bodies[header],
                                         successors, by_pointer)
            loops.append(LoopFeatures(depth=depth, header=header.name, trip_count=trips,
                                      max_trip_count=trips))
    if block_depth is not None:
        for block in rpo:
            block_depth[block] = sum(1 for body in bodies.values() if block in body)
    return loops


def _loop_body(header: Any, latches: list[Any], preds: dict[Any, list[Any]]) -> set[Any]:
    body = {header}
    work = [b for b in latches if b not in body]
    body.update(work)
    while work:
        block = work.pop()
        for p in preds[block]:
            if p not in body:
                body.add(p)
                work.append(p)
    return body


# --------------------------------------------------------------------------- trip counts

_ICMP = re.compile(r"= icmp (?:samesign )?(\w+) ")
_NEGATED = {"eq": "ne", "ne": "eq", "slt": "sge", "sge": "slt", "sle": "sgt", "sgt": "sle",
            "ult": "uge", "uge": "ult", "ule": "ugt", "ugt": "ule"}


def _constant_trip_count(header: Any, latches: list[Any], body: set[Any],
                         successors: dict[Any, list[Any]],
                         by_pointer: dict[Any, Any]) -> int | None:
    """The trip count of an obvious counted loop, else None. Obvious means: one latch
    that is also the only exiting block, ending in ``br (icmp P iv, C)`` where ``iv`` is a
    header phi starting at a constant (or its ``add`` by a constant step)."""
    if len(latches) != 1:
        return None
    latch = latches[0]
    exiting = [b for b in body if any(s not in body for s in successors.get(b, ()))]
    if exiting != [latch]:
        return None
    branch = list(latch.instructions)[-1]
    ops = list(branch.operands)
    if branch.opcode != "br" or len(ops) != 3 or ops[0].value_kind.name != "instruction":
        return None
    cond, _false_dest, true_dest = ops     # LLVM stores a conditional br's targets reversed
    cond = by_pointer.get(cond)
    if cond is None or cond.opcode != "icmp":
        return None
    m = _ICMP.search(str(cond))
    if m is None or m.group(1) not in _NEGATED:
        return None
    predicate = m.group(1) if true_dest == header else _NEGATED[m.group(1)]
    lhs, bound = list(cond.operands)
    if bound.value_kind.name != "constant_int":
        return None
    iv = _induction(header, latch, lhs, by_pointer)
    if iv is None:
        return None
    first, step = iv
    return _count_iterations(first, step, predicate, _signed_constant(bound))


def _induction(header: Any, latch: Any, value: Any,
               by_pointer: dict[Any, Any]) -> tuple[int, int] | None:
    """(value compared in the first iteration, step) when ``value`` is a header phi
    ``[C0, outside], [phi + S, latch]`` or that ``phi + S`` itself."""
    value = by_pointer.get(value)
    if value is None:
        return None
    compared_after_step = value.opcode == "add"
    phi = by_pointer.get(list(value.operands)[0]) if compared_after_step else value
    if phi is None or phi.opcode != "phi" or phi.block != header:
        return None
    incoming = list(zip(phi.operands, phi.incoming_blocks))
    if len(incoming) != 2:
        return None
    start = next((v for v, b in incoming if b != latch), None)
    update = next((v for v, b in incoming if b == latch), None)
    if start is None or update is None or start.value_kind.name != "constant_int":
        return None
    update = by_pointer.get(update)
    if update is None or update.opcode != "add":
        return None
    base, step_value = list(update.operands)
    if base != phi or step_value.value_kind.name != "constant_int":
        return None
    if compared_after_step and update != value:
        return None
    start_value = _signed_constant(start)
    step = _signed_constant(step_value)
    return (start_value + step if compared_after_step else start_value), step


def _signed_constant(value: Any) -> int:
    """A constant int as a signed number of its own width (llvmlite's signed reading
    works on whole 64-bit words, so an i32 -1 would come back as 4294967295)."""
    width = value.type.type_width
    raw = value.get_constant_value() & ((1 << width) - 1)
    return raw - (1 << width) if raw >> (width - 1) else raw


def _count_iterations(first: int, step: int, stay: str, bound: int) -> int | None:
    """Iterations of ``v = first, first+step, ...`` while ``v <stay> bound`` holds at the
    bottom of each iteration (a rotated loop runs its body once before the first test)."""
    if step == 0 or (stay[0] == "u" and min(first, bound) < 0):
        return None    # unsigned compares of negative constants would wrap: not obvious
    kind = stay.lstrip("su")
    if kind == "ne":
        distance = bound - first
        if distance % step or distance // step < 0:
            return None
        checks = distance // step
    elif kind in ("lt", "le") and step > 0:
        limit = bound - first + (1 if kind == "le" else 0)
        checks = max(0, -(-limit // step))
    elif kind in ("gt", "ge") and step < 0:
        limit = first - bound + (1 if kind == "ge" else 0)
        checks = max(0, -(-limit // -step))
    else:
        return None
    return checks + 1
