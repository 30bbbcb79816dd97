"""A small model of the LLVM IR subset the built-in checker understands.

llvmlite parses and verifies the module and prints every instruction in LLVM's canonical
form (unnamed values get their slot numbers); the instruction details the binding API
does not expose (flags such as nsw/nuw/exact, icmp predicates, phi incoming blocks, switch
cases, alignment) are read from that canonical text. Anything outside the subset raises
``Unsupported`` naming the construct; text llvmlite rejects raises ``MalformedIR``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


from .errors import MalformedIR, Unsupported
from .module import check_module, is_trusted_definition
from .values import int_alloc_size

__all__ = ["MalformedIR", "Unsupported"]


@dataclass(frozen=True)
class Operand:
    """An instruction operand: a local value or a constant."""

    kind: str            # "local" | "int" | "poison" | "undef" | "null" | "global" | "vector"
    name: str = ""       # local or global name, without the sigil
    value: int = 0       # for "int" (as written: may be negative)
    elems: tuple["Operand", ...] = ()   # for "vector": one operand per lane


@dataclass
class Inst:
    opcode: str
    result: str | None                # local name defined, None for void instructions
    type: str                         # result type ("i32", "ptr", "void", ...)
    ops: list[Operand] = field(default_factory=list)
    op_types: list[str] = field(default_factory=list)
    flags: frozenset[str] = frozenset()
    pred: str = ""                    # icmp predicate
    incoming: list[tuple[Operand, str]] = field(default_factory=list)   # phi
    targets: list[str] = field(default_factory=list)                  # br/switch successors
    cases: list[tuple[int, str]] = field(default_factory=list)          # switch (value, label)
    callee: str = ""                  # call
    arg_attrs: list[frozenset[str]] = field(default_factory=list)   # call: per argument
    call_attrs: str = ""              # call: attribute group reference(s) at the call site
    callee_ptr: Operand | None = None  # indirect call: the function pointer
    ret_attrs: frozenset[str] = frozenset()   # call: return attributes (noundef, range(...))
    align: int = 1                    # load/store
    elem_types: list[str] = field(default_factory=list)   # gep source element type chain
    text: str = ""


@dataclass(frozen=True)
class GlobalConstant:
    """A ``constant`` global of integers (e.g. a switch lookup table), flattened."""

    name: str
    element_width: int
    values: tuple[int, ...]
    align: int


@dataclass(frozen=True)
class Callee:
    """What a called function's declaration promises (its body, if any, is not used)."""

    name: str
    fn_attrs: str                      # function attributes as printed
    param_attrs: tuple[frozenset[str], ...]
    ret_attrs: frozenset[str]
    ret_type: str
    param_types: tuple[str, ...]
    varargs: bool

    def memory_effects(self) -> tuple[bool, bool]:
        """(may read, may write) any memory, per memory(...) / readnone / readonly."""
        return memory_effects(self.fn_attrs)


def memory_effects(fn_attrs: str) -> tuple[bool, bool]:
    """(may read, may write) memory anywhere, from a function attribute text."""
    m = re.search(r"\bmemory\(([^)]*)\)", fn_attrs)
    if m:
        effects = set()
        for part in (p.strip() for p in m.group(1).split(",")):
            effects.add(part.split(":", 1)[1].strip() if ":" in part else part)
        return any(e in ("read", "readwrite") for e in effects), any(e in ("write", "readwrite") for e in effects)
    words = set(re.sub(r'"[^"]*"(=("[^"]*"))?', " ", fn_attrs).split())
    if "readnone" in words:
        return False, False
    return "writeonly" not in words, "readonly" not in words


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    attrs: frozenset[str]


@dataclass
class Block:
    name: str
    insts: list[Inst]


@dataclass
class Function:
    name: str
    ret_type: str
    ret_attrs: frozenset[str]
    params: list[Param]
    blocks: dict[str, Block]
    entry: str
    text: str
    fn_attrs: str = ""              # function attributes as LLVM prints them
    constants: dict[str, GlobalConstant] = field(default_factory=dict)   # referenced tables
    callees: dict[str, "Callee"] = field(default_factory=dict)   # called non-intrinsic functions
    globals: dict[str, tuple[int, int, bool]] = field(default_factory=dict)  # name -> (size, align, writable)
    call_groups: dict[str, str] = field(default_factory=dict)    # "#N" -> attribute text
    has_indirect_calls: bool = False
    linkage: frozenset[str] = frozenset()     # linkage / visibility words of the definition
    abi_attrs: frozenset[str] = frozenset()   # calling convention, return zeroext/signext/inreg

    def argument_memory_access(self) -> tuple[bool, bool]:
        """(may read, may write) memory reachable through arguments, per ``memory(...)``
        (and the older readnone/readonly/writeonly function attributes)."""
        words = set(re.sub(r'"[^"]*"(=("[^"]*"))?', " ", self.fn_attrs).split())
        m = re.search(r"\bmemory\(([^)]*)\)", self.fn_attrs)
        if m:
            default, argmem = "none", None
            for part in (p.strip() for p in m.group(1).split(",")):
                if ":" in part:
                    location, effect = (x.strip() for x in part.split(":", 1))
                    if location == "argmem":
                        argmem = effect
                else:
                    default = part
            effect = argmem or default
            return effect in ("read", "readwrite"), effect in ("write", "readwrite")
        if "readnone" in words:
            return False, False
        return "writeonly" not in words, "readonly" not in words

    @property
    def signature(self) -> tuple[str, tuple[str, ...]]:
        return self.ret_type, tuple(p.type for p in self.params)


_INT_TYPE = re.compile(r"^i(\d+)$")
_VECTOR_TYPE = re.compile(r"^<(\d+) x (i\d+)>$")
MAX_INT_WIDTH = 512
MAX_LANES = 64


def vector_shape(ty: str) -> tuple[int, str] | None:
    """(lanes, element type) of ``<N x iM>``; None for a scalar type."""
    m = _VECTOR_TYPE.match(ty)
    if not m:
        return None
    lanes = int(m.group(1))
    if not 1 <= lanes <= MAX_LANES:
        raise Unsupported(f"vector type '{ty}'")
    int_width(m.group(2))
    return lanes, m.group(2)


def element_type(ty: str) -> str:
    shape = vector_shape(ty)
    return shape[1] if shape else ty


def lane_count(ty: str) -> int:
    shape = vector_shape(ty)
    return shape[0] if shape else 1


def int_width(ty: str) -> int:
    """Bit width of an integer type; Unsupported for any other type."""
    m = _INT_TYPE.match(ty)
    if not m or not 1 <= int(m.group(1)) <= MAX_INT_WIDTH:
        raise Unsupported(f"type '{ty}' (only integers up to i{MAX_INT_WIDTH} and ptr)")
    return int(m.group(1))


def check_value_type(ty: str) -> None:
    """Types a value may have in the subset: iN, <N x iM> or ptr."""
    if ty != "ptr" and vector_shape(ty) is None:
        int_width(ty)


# --- tokenizer -----------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<local>%"[^"]*"|%[-\w.$]+)
  | (?P<global>@"[^"]*"|@[-\w.$]+)
  | (?P<meta>![-\w.$]*)
  | (?P<attrref>\#\d+)
  | (?P<num>-?\d+)
  | (?P<word>[A-Za-z_][\w.]*)
  | (?P<punct>[\[\](){}<>,=*:]|\.\.\.)
)""", re.VERBOSE)


def tokenize(text: str) -> list[str]:
    """Split one instruction or header into tokens; strings and other oddities are refused."""
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if not rest:
                break
            raise Unsupported(f"syntax near '{rest[:30]}'")
        tokens.append(m.group(m.lastgroup))
        pos = m.end()
    return tokens


def _unsigil(tok: str) -> str:
    name = tok[1:]
    return name[1:-1] if name.startswith('"') else name


class _Cursor:
    """Reads tokens left to right; every ``expect`` failure is an Unsupported construct."""

    def __init__(self, tokens: list[str], text: str):
        self.toks = tokens
        self.i = 0
        self.text = text

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ""

    def take(self) -> str:
        tok = self.peek()
        if not tok:
            raise Unsupported(f"truncated instruction '{self.text.strip()}'")
        self.i += 1
        return tok

    def accept(self, tok: str) -> bool:
        if self.peek() == tok:
            self.i += 1
            return True
        return False

    def expect(self, tok: str) -> None:
        if not self.accept(tok):
            raise Unsupported(f"'{self.text.strip()}' (expected '{tok}' at '{self.peek()}')")

    def flags(self, allowed: set[str]) -> frozenset[str]:
        got = set()
        while self.peek() in allowed:
            got.add(self.take())
        return frozenset(got)

    def type(self) -> str:
        tok = self.take()
        if tok == "<" and re.fullmatch(r"\d+", self.peek()) and self.peek(1) == "x":
            count = self.take()
            self.take()
            elem = self.type()
            self.expect(">")
            ty = f"<{count} x {elem}>"
            if vector_shape(ty) is None:
                raise Unsupported(f"vector type '{ty}'")
            return ty
        if tok in ("[", "<", "{"):
            raise Unsupported(f"aggregate or scalable vector type in '{self.text.strip()}'")
        if tok in ("float", "double", "half", "bfloat", "fp128", "x86_fp80", "ppc_fp128"):
            raise Unsupported(f"floating point ({tok})")
        return tok

    def value(self) -> Operand:
        tok = self.take()
        if tok.startswith("%"):
            return Operand("local", _unsigil(tok))
        if tok.startswith("@"):
            return Operand("global", _unsigil(tok))
        if re.fullmatch(r"-?\d+", tok):
            return Operand("int", value=int(tok))
        simple = {"true": Operand("int", value=1), "false": Operand("int", value=0),
                  "poison": Operand("poison"), "undef": Operand("undef"),
                  "null": Operand("null"), "zeroinitializer": Operand("int", value=0)}
        if tok in simple:
            return simple[tok]
        if tok == "<":
            elems = []
            while True:
                elems.append(self.typed_value()[1])
                if not self.accept(","):
                    break
            self.expect(">")
            return Operand("vector", elems=tuple(elems))
        if tok == "splat":
            self.expect("(")
            _, elem = self.typed_value()
            self.expect(")")
            return Operand("splat", elems=(elem,))
        raise Unsupported(f"operand '{tok}' in '{self.text.strip()}'")

    def typed_value(self) -> tuple[str, Operand]:
        ty = self.type()
        return ty, self.value()

    def done(self) -> bool:
        return self.i >= len(self.toks)


# --- instruction parsing --------------------------------------------------------------

BINOPS = {"add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr",
          "and", "or", "xor"}
CASTS = {"zext", "sext", "trunc", "bitcast"}
_BINOP_FLAGS = {"nuw", "nsw", "exact", "disjoint"}
# Metadata that never changes a value's semantics (debug info, TBAA, loop hints).
# (!alias.scope / !noalias are not: they make aliasing accesses UB, like Alive2 refusing them.)
_BENIGN_METADATA = {"!dbg", "!tbaa", "!tbaa.struct", "!llvm.loop", "!llvm.access.group",
                    "!annotation", "!prof"}


def _strip_metadata(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Drop trailing ``, !kind !N`` attachments; return (tokens, attachment kinds)."""
    kinds = []
    for j, tok in enumerate(tokens):
        if tok.startswith("!") and j > 0 and tokens[j - 1] == ",":
            kinds = [t for t in tokens[j:] if t.startswith("!") and not re.fullmatch(r"!\d+", t)]
            return tokens[:j - 1], kinds
    return tokens, kinds


def parse_instruction(text: str) -> Inst:
    """Parse one canonical instruction line."""
    tokens, metadata = _strip_metadata(tokenize(text))
    groups = " ".join(t for t in tokens if t.startswith("#"))
    tokens = [t for t in tokens if not t.startswith("#")]
    cur = _Cursor(tokens, text)
    result = None
    if cur.peek().startswith("%") and cur.peek(1) == "=":
        result = _unsigil(cur.take())
        cur.take()
    inst = _parse_body(cur, result, text)
    inst.text = text.strip()
    inst.call_attrs = groups
    unknown_md = [k for k in metadata if k not in _BENIGN_METADATA]
    if unknown_md:
        # e.g. !range / !noundef / !nonnull add poison or UB the model would not see.
        inst.flags = inst.flags | {f"metadata:{k}" for k in unknown_md}
    return inst


def _parse_body(cur: _Cursor, result: str | None, text: str) -> Inst:
    op = cur.take()
    if op in ("tail", "musttail", "notail"):
        op = cur.take()
    parser = _PARSERS.get("binop" if op in BINOPS else "cast" if op in CASTS else op)
    if parser is None:
        raise Unsupported(f"instruction '{op}'")
    inst = parser(cur, op, result)
    if not cur.done():
        raise Unsupported(f"'{text.strip()}' (unparsed '{' '.join(cur.toks[cur.i:])}')")
    return inst


def _binop(cur: _Cursor, op: str, result: str | None) -> Inst:
    flags = cur.flags(_BINOP_FLAGS)
    ty, a = cur.typed_value()
    cur.expect(",")
    b = cur.value()
    return Inst(op, result, ty, [a, b], [ty, ty], flags)


def _icmp(cur: _Cursor, op: str, result: str | None) -> Inst:
    flags = cur.flags({"samesign"})
    pred = cur.take()
    ty, a = cur.typed_value()
    cur.expect(",")
    b = cur.value()
    # A vector compare gives one i1 per lane.
    shape = vector_shape(ty) if ty.startswith("<") else None
    result_type = f"<{shape[0]} x i1>" if shape else "i1"
    return Inst(op, result, result_type, [a, b], [ty, ty], flags, pred=pred)


def _select(cur: _Cursor, op: str, result: str | None) -> Inst:
    tc, c = cur.typed_value()
    cur.expect(",")
    ta, a = cur.typed_value()
    cur.expect(",")
    tb, b = cur.typed_value()
    if tc != "i1":
        raise Unsupported(f"select on '{tc}' condition")
    return Inst(op, result, ta, [c, a, b], [tc, ta, tb])


def _phi(cur: _Cursor, op: str, result: str | None) -> Inst:
    ty = cur.type()
    incoming = []
    while True:
        cur.expect("[")
        v = cur.value()
        cur.expect(",")
        label = cur.take()
        cur.expect("]")
        incoming.append((v, _unsigil(label)))
        if not cur.accept(","):
            break
    return Inst(op, result, ty, incoming=incoming)


def _cast(cur: _Cursor, op: str, result: str | None) -> Inst:
    flags = cur.flags({"nuw", "nsw", "nneg"})
    ty, a = cur.typed_value()
    cur.expect("to")
    to = cur.type()
    return Inst(op, result, to, [a], [ty], flags)


def _extractelement(cur: _Cursor, op: str, result: str | None) -> Inst:
    vty, v = cur.typed_value()
    cur.expect(",")
    ity, idx = cur.typed_value()
    return Inst(op, result, element_type(vty), [v, idx], [vty, ity])


def _insertelement(cur: _Cursor, op: str, result: str | None) -> Inst:
    vty, v = cur.typed_value()
    cur.expect(",")
    ety, e = cur.typed_value()
    cur.expect(",")
    ity, idx = cur.typed_value()
    return Inst(op, result, vty, [v, e, idx], [vty, ety, ity])


def _shufflevector(cur: _Cursor, op: str, result: str | None) -> Inst:
    aty, a = cur.typed_value()
    cur.expect(",")
    bty, b = cur.typed_value()
    cur.expect(",")
    mty, mask = cur.typed_value()
    shape = vector_shape(mty)
    if shape is None:
        raise Unsupported("shufflevector mask")
    return Inst(op, result, f"<{shape[0]} x {element_type(aty)}>", [a, b, mask], [aty, bty, mty])


def _freeze(cur: _Cursor, op: str, result: str | None) -> Inst:
    ty, a = cur.typed_value()
    return Inst(op, result, ty, [a], [ty])


def _br(cur: _Cursor, op: str, result: str | None) -> Inst:
    if cur.accept("label"):
        return Inst(op, None, "void", targets=[_unsigil(cur.take())])
    tc, c = cur.typed_value()
    cur.expect(",")
    cur.expect("label")
    t = _unsigil(cur.take())
    cur.expect(",")
    cur.expect("label")
    f = _unsigil(cur.take())
    return Inst(op, None, "void", [c], [tc], targets=[t, f])


def _switch(cur: _Cursor, op: str, result: str | None) -> Inst:
    ty, v = cur.typed_value()
    cur.expect(",")
    cur.expect("label")
    default = _unsigil(cur.take())
    cur.expect("[")
    cases = []
    while not cur.accept("]"):
        cty, cv = cur.typed_value()
        if cv.kind != "int":
            raise Unsupported("switch case that is not an integer constant")
        cur.expect(",")
        cur.expect("label")
        cases.append((cv.value, _unsigil(cur.take())))
    return Inst(op, None, "void", [v], [ty], targets=[default] + [l for _, l in cases], cases=cases)


def _ret(cur: _Cursor, op: str, result: str | None) -> Inst:
    if cur.accept("void"):
        return Inst(op, None, "void")
    ty, v = cur.typed_value()
    return Inst(op, None, "void", [v], [ty])


def _unreachable(cur: _Cursor, op: str, result: str | None) -> Inst:
    return Inst(op, None, "void")


def _align(cur: _Cursor) -> int:
    align = 1
    while cur.accept(","):
        key = cur.take()
        if key != "align":
            raise Unsupported(f"memory access option '{key}'")
        align = int(cur.take())
    return align


def _load(cur: _Cursor, op: str, result: str | None) -> Inst:
    if cur.peek() in ("volatile", "atomic"):
        raise Unsupported(f"{cur.peek()} load")
    ty = cur.type()
    cur.expect(",")
    pty, p = cur.typed_value()
    return Inst(op, result, ty, [p], [pty], align=_align(cur))


def _store(cur: _Cursor, op: str, result: str | None) -> Inst:
    if cur.peek() in ("volatile", "atomic"):
        raise Unsupported(f"{cur.peek()} store")
    ty, v = cur.typed_value()
    cur.expect(",")
    pty, p = cur.typed_value()
    return Inst(op, None, "void", [v, p], [ty, pty], align=_align(cur))


def _gep_type(cur: _Cursor) -> list[str]:
    """The source element type: iN, ptr, or nested arrays ``[N x T]`` as a chain."""
    if cur.accept("["):
        count = cur.take()
        cur.expect("x")
        inner = _gep_type(cur)
        cur.expect("]")
        return [f"[{count}]"] + inner
    return [cur.type()]


def _gep(cur: _Cursor, op: str, result: str | None) -> Inst:
    flags = cur.flags({"inbounds", "nuw", "nusw"})
    if cur.peek() == "inrange":
        raise Unsupported("getelementptr inrange")
    elem = _gep_type(cur)
    cur.expect(",")
    pty, base = cur.typed_value()
    ops, tys = [base], [pty]
    while cur.accept(","):
        ity, idx = cur.typed_value()
        ops.append(idx)
        tys.append(ity)
    return Inst(op, result, "ptr", ops, tys, flags, elem_types=elem)


def _alloca(cur: _Cursor, op: str, result: str | None) -> Inst:
    elem = _gep_type(cur)
    align = 1
    while cur.accept(","):
        key = cur.take()
        if key != "align":
            raise Unsupported(f"alloca with '{key}' (dynamic size or address space)")
        align = int(cur.take())
    return Inst(op, result, "ptr", elem_types=elem, align=align)


_CALL_RET_ATTRS = {"noundef", "zeroext", "signext", "nonnull"}


def _call(cur: _Cursor, op: str, result: str | None) -> Inst:
    ret_attrs = set()
    while True:
        tok = cur.peek()
        if tok in _CALL_RET_ATTRS:
            ret_attrs.add(cur.take())
        elif tok == "range":
            ret_attrs.add(_range_attr(cur))
        elif tok in ("fastcc", "ccc", "nnan", "ninf", "nsz", "arcp", "contract", "afn",
                     "reassoc", "fast"):
            raise Unsupported(f"call with '{tok}'")
        else:
            break
    ty = cur.type()
    callee = cur.take()
    callee_ptr = None
    if callee.startswith("%"):
        callee_ptr = Operand("local", _unsigil(callee))
    elif not callee.startswith("@"):
        raise Unsupported(f"call through '{callee}'")
    cur.expect("(")
    ops, tys, arg_attrs = [], [], []
    while not cur.accept(")"):
        aty = cur.type()
        attrs = set()
        while cur.peek() in ("noundef", "immarg", "zeroext", "signext", "noext"):
            attrs.add(cur.take())
        ops.append(cur.value())
        tys.append(aty)
        arg_attrs.append(frozenset(attrs))
        cur.accept(",")
    return Inst(op, result, ty, ops, tys, callee="" if callee_ptr else _unsigil(callee),
                ret_attrs=frozenset(ret_attrs), arg_attrs=arg_attrs, callee_ptr=callee_ptr)


def _range_attr(cur: _Cursor) -> str:
    """``range(i32 0, 33)`` -> ``"range:32:0:33"``."""
    cur.expect("range")
    cur.expect("(")
    ty = cur.type()
    lo = cur.take()
    cur.expect(",")
    hi = cur.take()
    cur.expect(")")
    return f"range:{int_width(ty)}:{lo}:{hi}"


_PARSERS = {"binop": _binop, "cast": _cast, "icmp": _icmp, "select": _select, "phi": _phi,
            "freeze": _freeze, "br": _br, "switch": _switch, "ret": _ret, "load": _load,
            "store": _store, "getelementptr": _gep, "call": _call, "unreachable": _unreachable,
            "extractelement": _extractelement, "insertelement": _insertelement,
            "shufflevector": _shufflevector, "alloca": _alloca}


# --- functions and modules ---------------------------------------------------------------

_LINKAGE_WORDS = {"dso_local", "dso_preemptable", "internal", "private", "external", "linkonce",
                  "linkonce_odr", "weak", "weak_odr", "hidden", "protected", "default",
                  "local_unnamed_addr", "unnamed_addr", "available_externally", "define"}
# Return attributes with no effect on the values the checker compares.
_ABI_ATTRS = {"zeroext", "signext", "noext", "inreg"}


def parse_module(ir_text: str):
    """Parse and verify a module with llvmlite; MalformedIR on any error."""
    import llvmlite.binding as llvm  # heavy: only when a check actually runs

    try:
        module = llvm.parse_assembly(ir_text)
        module.verify()
    except RuntimeError as e:
        raise MalformedIR(str(e).strip()) from None
    return module


def lookup_function(module, name: str):
    """The llvmlite function ``@name``; an unnamed function is addressed by its slot
    number (``@0``), as LLVM prints it."""
    if name.isdigit():
        for fn in module.functions:
            if not fn.name and re.search(rf"@{name}\(", str(fn).split("{", 1)[0]):
                return fn
        raise MalformedIR(f"no function @{name} in the module")
    try:
        return module.get_function(name)
    except NameError:
        raise MalformedIR(f"no function @{name} in the module") from None


def find_function(module, name: str, module_text: str | None = None) -> Function:
    """The named defined function of an llvmlite module, in the checker's model.

    Module-level state outside the model (data layout, module asm, aliases) and function
    attributes outside the allow-list raise ``Unsupported``.
    """
    fn = lookup_function(module, name)
    if fn.is_declaration:
        raise MalformedIR(f"@{name} is only declared, not defined")
    module_text = str(module) if module_text is None else module_text
    check_module(module, module_text)
    function = _convert_function(fn, module_text)
    _collect_callees(module, module_text, function)
    for gv in module.global_variables:
        if re.search(rf"@{re.escape(gv.name)}\b", function.text):
            constant = _parse_constant(str(gv))
            if constant is not None:
                function.constants[constant.name] = constant
                continue
            shape = _global_shape(str(gv).strip(), str(gv.global_value_type))
            if shape is not None:
                function.globals[gv.name] = shape
    return function


_GLOBAL_LINE = re.compile(r'^@("[^"]*"|[-\w.$]+) = (?:[\w ]*? )?constant (.*?)(?:, align (\d+))?$')
MAX_CONSTANT_BYTES = 1024


def _parse_constant(text: str) -> GlobalConstant | None:
    """``@t = private unnamed_addr constant [3 x i32] [i32 1, i32 2, i32 3], align 4``;
    None for anything else (mutable globals, strings, structs, pointers)."""
    m = _GLOBAL_LINE.match(text.strip())
    if not m or not is_trusted_definition(text.strip()):
        return None  # weak/linkonce/external...: the initializer may not be what is read
    string = re.fullmatch(r'\[(\d+) x i8\] c"([^"]*)"', m.group(2))
    if string:
        data = _c_string_bytes(string.group(2))
        if len(data) != int(string.group(1)) or len(data) > MAX_CONSTANT_BYTES:
            return None
        return GlobalConstant(_unsigil("@" + m.group(1)), 8, tuple(data), int(m.group(3) or 1))
    try:
        cur = _Cursor(tokenize(m.group(2)), text)
        chain = _gep_type(cur)
        elem = chain[-1]
        width = int_width(elem)
        count = 1
        for dim in chain[:-1]:
            count *= int(dim[1:-1])
        values = _constant_values(cur, chain, count)
    except (Unsupported, ValueError):
        return None
    if not cur.done() or width % 8 or count * width // 8 > MAX_CONSTANT_BYTES:
        return None
    return GlobalConstant(_unsigil("@" + m.group(1)), width, tuple(values), int(m.group(3) or 1))


def _global_shape(text: str, value_type: str) -> tuple[int, int, bool] | None:
    """(size, align, writable) of a global the model keeps in memory with unknown contents:
    a mutable global, or a constant whose initializer may not be what is read (weak,
    external...). None for types it cannot size (structs, floats)."""
    m = re.search(r"\b(global|constant)\b", text.split("=", 1)[1] if "=" in text else "")
    if m is None or "thread_local" in text or "addrspace(" in text:
        return None
    try:
        chain = _gep_type(_Cursor(tokenize(value_type), value_type))
        size = type_size(chain)
    except (Unsupported, ValueError):
        return None
    align = re.search(r", align (\d+)", text)
    # Without an explicit alignment a global gets its type's ABI alignment (x86-64).
    natural = 8 if chain[-1] == "ptr" else min(16, int_alloc_size_of(chain[-1]))
    return size, int(align.group(1)) if align else natural, m.group(1) == "global"


def int_alloc_size_of(ty: str) -> int:
    return int_alloc_size(int_width(ty))


def type_size(chain: list[str]) -> int:
    """Alloc size in bytes of iN, ptr or nested arrays ``[N x T]`` (as a type chain)."""
    head = chain[0]
    if head.startswith("["):
        return int(head[1:-1]) * type_size(chain[1:])
    if head == "ptr":
        return 8
    return int_alloc_size(int_width(head))


def _c_string_bytes(body: str) -> list[int]:
    """Bytes of an LLVM ``c"..."`` initializer (``\\XX`` hex escapes)."""
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\":
            out.append(int(body[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(ord(body[i]))
            i += 1
    return out


def _constant_values(cur: _Cursor, chain: list[str], count: int) -> list[int]:
    """Flattened integer initializer of a (nested) array or a scalar."""
    if cur.accept("zeroinitializer"):
        return [0] * count
    if len(chain) == 1:
        value = cur.value()
        if value.kind != "int":
            raise Unsupported("non-integer initializer")
        return [value.value]
    cur.expect("[")
    inner = count // int(chain[0][1:-1])
    values: list[int] = []
    while not cur.accept("]"):
        _gep_type(cur)
        values += _constant_values(cur, chain[1:], inner)
        cur.accept(",")
    if len(values) != count:
        raise Unsupported("initializer size")
    return values


def _collect_callees(module, module_text: str, function: Function) -> None:
    """Declarations of the functions ``function`` calls directly (intrinsics aside) and the
    attribute groups its call sites refer to."""
    for block in function.blocks.values():
        for inst in block.insts:
            if inst.opcode != "call":
                continue
            for ref in inst.call_attrs.split():
                m = re.search(rf"^attributes {ref} = {{ (.*) }}$", module_text, re.M)
                if m is None:
                    raise Unsupported(f"attribute group {ref} not found")
                function.call_groups[ref] = m.group(1)
            name = inst.callee
            if inst.callee_ptr is not None:
                function.has_indirect_calls = True
                continue
            if name.startswith("llvm.") or name in function.callees:
                continue
            info = callee_info(module, module_text, name)
            if info is None:
                raise Unsupported(f"call to @{name} (not declared)")
            function.callees[name] = info


def callee_info(module, module_text: str, name: str) -> Callee | None:
    """What the module's declaration (or definition) of ``@name`` promises; None if absent."""
    try:
        callee = module.get_function(name)
    except NameError:
        return None
    header = next((ln for ln in str(callee).splitlines() if ln.startswith(("declare", "define"))), "")
    ret_type, ret_attrs = _header_return(header, name) if header else ("", frozenset())
    _, attrs = _header_tail(header, module_text) if header else (None, "")
    params = tuple(_split_attrs(frozenset(a.decode() if isinstance(a, bytes) else str(a)
                                          for a in arg.attributes)) for arg in callee.arguments)
    return Callee(name, attrs, params, frozenset(ret_attrs - {"declare"}), ret_type,
                  tuple(str(a.type) for a in callee.arguments),
                  "..." in header.split("@", 1)[-1].split(")")[0])


def _convert_function(fn, module_text: str = "") -> Function:
    text = str(fn)
    header = next(ln for ln in text.splitlines() if ln.startswith("define"))
    ret_type, ret_attrs = _header_return(header, fn.name)
    linkage, fn_attrs = _header_tail(header, module_text)
    params = []
    unnamed = 0
    for arg in fn.arguments:
        ty = str(arg.type)
        check_value_type(ty)
        name = arg.name
        if not name:
            name = str(unnamed)
            unnamed += 1
        attrs = frozenset(a.decode() if isinstance(a, bytes) else str(a) for a in arg.attributes)
        params.append(Param(name, ty, _split_attrs(attrs)))
    blocks: dict[str, Block] = {}
    entry = ""
    for index, block in enumerate(fn.blocks):
        label = _block_label(block, unnamed if index == 0 else None)
        insts = [parse_instruction(str(inst)) for inst in block.instructions]
        blocks[label] = Block(label, insts)
        entry = entry or label
    check_function_attributes(fn_attrs, fn.name)
    function = Function(fn.name, ret_type, ret_attrs, params, blocks, entry, text, fn_attrs)
    function.linkage = linkage
    function.abi_attrs = frozenset(_header_abi_words(header))
    return function


# Function attributes that change nothing the checker compares (code generation hints,
# unwinding tables, properties the model already assumes such as "no exceptions"), or
# that it models (memory(...), readnone/readonly/writeonly).
_FN_ATTRS_OK = {"nounwind", "mustprogress", "willreturn", "norecurse", "nofree", "nosync", "uwtable",
                "noinline", "optnone", "alwaysinline", "inlinehint", "cold", "hot", "minsize",
                "optsize", "ssp", "sspstrong", "sspreq", "noredzone", "nocallback", "nonlazybind",
                "convergent", "noimplicitfloat", "readnone", "readonly", "writeonly", "noduplicate",
                "nomerge", "disable_sanitizer_instrumentation", "mustprogress", "noprofile",
                "skipprofile", "nocf_check", "nounwind"}
_FN_ATTR_PREFIXES_OK = ("memory(", "uwtable(", "vscale_range(")
_STRING_ATTRS_OK = {"frame-pointer", "no-trapping-math", "stack-protector-buffer-size", "target-cpu",
                    "target-features", "tune-cpu", "min-legal-vector-width", "probe-stack",
                    "stack-probe-size", "no-builtins", "denormal-fp-math", "denormal-fp-math-f32",
                    "approx-func-fp-math", "no-infs-fp-math", "no-nans-fp-math",
                    "no-signed-zeros-fp-math", "unsafe-fp-math", "less-precise-fpmad",
                    "use-soft-float", "zero-call-used-regs", "prefer-vector-width",
                    "indirect-tls-seg-refs", "sign-return-address", "branch-target-enforcement"}
# These only matter for floating point, which the subset checks against the function's
# instructions (no FP instruction, no effect).
FP_STRING_ATTRS = {"denormal-fp-math", "denormal-fp-math-f32", "approx-func-fp-math",
                   "no-infs-fp-math", "no-nans-fp-math", "no-signed-zeros-fp-math",
                   "unsafe-fp-math", "less-precise-fpmad"}


def check_function_attributes(fn_attrs: str, name: str) -> None:
    """Allow-list: any function attribute the model does not know makes the check
    inconclusive (e.g. null_pointer_is_valid changes what a null access means)."""
    for attr in split_attribute_text(fn_attrs):
        if attr.startswith('"'):
            key = attr.split("=", 1)[0].strip('"')
            if key in _STRING_ATTRS_OK or key.startswith("no-builtin-"):
                continue
            raise Unsupported(f"function attribute {attr} on @{name}")
        if attr in _FN_ATTRS_OK or attr.startswith(_FN_ATTR_PREFIXES_OK):
            continue
        raise Unsupported(f"function attribute {attr} on @{name}")


def split_attribute_text(text: str) -> list[str]:
    """``nounwind memory(argmem: read) "a"="b c"`` -> one string per attribute."""
    return re.findall(r'"[^"]*"(?:="[^"]*")?|[\w.]+(?:\([^)]*\))?', text)


def _header_tail(header: str, module_text: str) -> tuple[frozenset[str], str]:
    """(linkage/visibility words, function attributes) of a ``define`` line: the words
    before the return type, and the attribute group ``#N`` (or inline attributes) after the
    parameter list. Other trailing parts (personality, gc, prefix data) are refused."""
    before = header.split("@", 1)[0].split()
    linkage = frozenset(w for w in before if w in _LINKAGE_WORDS and w != "define")
    for w in before:
        if (w.endswith("cc") or w == "cc" or w.startswith("cc")) and w != "ccc":
            raise Unsupported(f"calling convention {w}")
        if w.startswith("addrspace(") or w in ("extern_weak", "common"):
            raise Unsupported(f"'{w}' on the definition of a function")
    depth, end = 0, None
    start = header.index("(", header.index("@"))
    for i in range(start, len(header)):
        depth += {"(": 1, ")": -1}.get(header[i], 0)
        if depth == 0:
            end = i
            break
    tail = header[end + 1:].rsplit("{", 1)[0] if end is not None else ""
    attrs = []
    for tok in re.findall(r'#\d+|"[^"]*"|\S+', tail):
        if tok.startswith("#"):
            m = re.search(rf"^attributes {tok} = {{ (.*) }}$", module_text, re.M)
            if m is None:
                raise Unsupported(f"attribute group {tok} not found")
            attrs.append(m.group(1))
        elif tok in ("unnamed_addr", "local_unnamed_addr"):
            continue
        elif re.fullmatch(r"align|\d+|comdat(\(\$[-\w.$]+\))?|section|\"[^\"]*\"", tok):
            continue  # function alignment, comdat and section only place the code
        else:
            raise Unsupported(f"'{tok}' on the definition of a function")
    return linkage, " ".join(attrs)


def _header_abi_words(header: str) -> list[str]:
    """Return ABI attributes and the calling convention printed before the name."""
    before = header.split("@", 1)[0].split()
    return [w for w in before if w in _ABI_ATTRS or w.endswith("cc") or w.startswith("cc")]


def _split_attrs(attrs: frozenset[str]) -> frozenset[str]:
    """llvmlite gives one string per argument attribute (``"align 4"``, ``"noundef"``)."""
    return frozenset(a.strip() for a in attrs if a.strip())


def _block_label(block, entry_slot: int | None) -> str:
    if block.name:
        return block.name
    first = str(block).lstrip("\n").split("\n", 1)[0]
    m = re.match(r"^(\d+):", first)
    if m:
        return m.group(1)
    # The unnamed entry block takes the slot after the unnamed arguments.
    return str(entry_slot if entry_slot is not None else 0)


def _header_return(header: str, name: str) -> tuple[str, frozenset[str]]:
    """Return type and return attributes from a ``define`` line."""
    before = header.split("@", 1)[0]
    tokens = tokenize(before)
    cur = _Cursor(tokens, header)
    attrs: set[str] = set()
    words: list[str] = []
    while not cur.done():
        tok = cur.peek()
        if tok == "range":
            attrs.add(_range_attr(cur))
        elif tok == "<":
            words.append(cur.type())
        else:
            words.append(cur.take())
    words = [w for w in words if w not in _LINKAGE_WORDS]
    if not words:
        raise Unsupported(f"cannot read the return type of @{name}")
    ret_type = words[-1]
    if ret_type != "void":
        check_value_type(ret_type)
    attrs.update(w for w in words[:-1] if w not in _ABI_ATTRS)
    return ret_type, frozenset(attrs)
