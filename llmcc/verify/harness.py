"""Test-harness synthesis for one function of a library TU (function-mode differential tests).

The function's signature comes from clang itself (``-ast-dump=json``), so typedefs,
macros and odd spellings are resolved the way the compiler sees them. The harness is a
separate C file that declares the function with canonical types, calls it on the inputs
from ``llmcc.verify.inputs`` and prints, exactly and in hex, the return value and the
bytes of every buffer after the call. One binary serves every input:
``./harness correctness 3`` or ``./harness scale 2``. Around the call(s) it measures
process CPU time and reports it on stderr (``llmcc-harness-cpu-ns: N``) so timing can
ignore process start-up.

What is supported (anything else is a ``Fallback("unsupported-signature", why)``, never a
guess): integer scalars of every width, ``_Bool``, ``float``/``double``; ``T *p`` bound to a
length parameter (named like n/len/size/count, else the next integer parameter); fixed
``T p[N]``; ``T *p`` without any length: a table of a fixed extent (``LOOKUP_ELEMENTS``);
``T (*p)[K]`` rows bound to a length (capped at K when it also bounds an inner index);
``const char *`` strings; structs by value whose fields are all scalars; ``struct S *p``
whose fields are scalars, arrays of scalars, pointer-free aggregates (nested structs,
unions, arrays of them: an array of the unsigned type as wide as their alignment, so every
offset stays the original's) or pointers (pointers to scalars get real buffers, others stay
NULL); returns of those kinds, ``void`` and pointers into a passed buffer. The function
must have external linkage. Floating-point outputs print every NaN as the one quiet NaN
(``llmcc_canon_nan``: IEEE 754 leaves a NaN result's sign and payload unspecified).

Besides the return value and the argument buffers (struct fields and the buffers they
point to included), every run prints the TU's writable globals and statics before the
call and after it: the harness calls ``llmcc_state_dump`` of a separate *state table*
object (``render_state_table``; ``llmcc.verify.difftest`` links it, with the statics made
reachable). Rare-path inputs (``./harness rare K``, ``render_rare_harness``) run each
call in a forked child.
"""
from __future__ import annotations

import json
import logging
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from ..outcome import Fallback
from ..toolchain import QUIET_FLAGS, Toolchain
from . import inputs as gen
from .inputs import (BufferParam, BufferValue, FieldSpec, FunctionInput, LengthParam, ParamSpec,
                     ScalarParam, ScalarType, StringParam, StructParam, StructPtrParam)

log = logging.getLogger(__name__)

AST_TIMEOUT = 60.0
# Buffers bigger than this are printed as length + FNV-1a hash instead of every byte:
# still an exact comparison in practice, and printing megabytes would dominate timing.
HASH_ABOVE_BYTES = 4096
LENGTH_NAME = re.compile(
    r"^(n|nn|len|length|size|count|cnt|num|sz|nbytes|nelems?|nitems|nmemb|cap|capacity|max\w*|limit"
    r"|\w*_?(len|length|size|sz|count|num|cap|_n))$",
    re.IGNORECASE)
# A pointer without a length parameter (``Int32 *cftab``: a table the code indexes by
# values) gets a buffer of LOOKUP_ELEMENTS elements, or one past the largest constant below
# MAX_BOUND_CONSTANT in the function's body if that is larger (``for (i = 0; i < 2000;
# i++)``, ``t[1500]``), at most MAX_LOOKUP_ELEMENTS (correctness inputs spell every element
# out in the harness source). Why not guess less: reads past the end of a harness buffer
# would see whatever follows it in the heap; a generous extent keeps a table lookup's
# reads inside data both builds fill identically.
# ``T (*p)[K]`` bound to a length n: n rows of K. When n also bounds an inner index (the
# body compares it with a variable used in some ``p[i][j]``'s ``j``: matmul, transpose,
# any square kernel), n is capped at K: a larger n would index past a row, undefined
# behaviour for the reference, so its results would compare nothing. Otherwise n only
# counts rows and goes as far as the scale budget (``MAX_SCALE_ELEMENTS`` elements):
# a cap at K there would leave every n > K untested, where a wrong rewrite could hide.
LOOKUP_ELEMENTS = 1024
MAX_LOOKUP_ELEMENTS = 4096
MAX_BOUND_CONSTANT = 1 << 16
ARRAY_SUFFIX = re.compile(r"\[\s*(?:static\s+)?(?:const\s+)?(\d+)\s*\]\s*$")


class Unsupported(Exception):
    """The signature is outside what the harness supports (message says why)."""


# --------------------------------------------------------------------------- signature


@dataclass(frozen=True)
class ReturnSpec:
    kind: str                       # "void" | "scalar" | "pointer" | "struct"
    type: ScalarType | None = None  # scalar; pointee for pointer
    struct: StructParam | None = None
    pointee_c: str = ""             # C spelling of the pointee for pointer returns


@dataclass(frozen=True)
class FunctionSignature:
    """The harness's view of a function: what it takes and returns, plus what the TU tells
    about its state. Public: the fuzzer (``llmcc.verify.fuzz``) renders its own driver from
    it with the same parameter model (``llmcc.verify.inputs``).

    ``extern_sizes``: (name, bytes) of extern data the TU declares with a known size (the
    test link's zero-filled stand-ins get that size). ``volatile_reason``: non-empty when
    the function (or a TU function it calls) touches volatile or atomic objects, whose
    dynamic traffic the tests cannot observe; such a function's candidates are testable
    only once formally proved (``run_differential(formally_proved=True)``)."""

    name: str
    returns: ReturnSpec
    params: tuple[ParamSpec, ...]
    extern_sizes: tuple[tuple[str, int], ...] = ()
    volatile_reason: str = ""


@dataclass
class HarnessSpec:
    """A synthesized harness: its C text and the inputs it was generated for."""

    signature: FunctionSignature
    source: str
    correctness: list[FunctionInput]
    scale: list[FunctionInput]
    seed: int
    notes: list[str] = field(default_factory=list)

    def write(self, path: Path) -> Path:
        path.write_text(self.source)
        return path


def synthesize_harness(toolchain: Toolchain, source: Path, flags: list[str], function: str, *,
                       cwd: Path | None = None, seed: int = 0,
                       n_correctness: int = gen.DEFAULT_CORRECTNESS,
                       n_scale: int = gen.DEFAULT_SCALE) -> HarnessSpec | Fallback:
    """Read ``function``'s signature with clang, generate inputs for it and render the
    harness C source. Returns ``Fallback("unsupported-signature" | "ast-failed", why)``
    when the function cannot be tested this way (the caller then uses program mode or
    gives up)."""
    ast = dump_ast(toolchain, source, flags, cwd=cwd)
    if isinstance(ast, Fallback):
        return ast
    try:
        signature = signature_from_ast(ast, function, _read_text(source, cwd))
    except Unsupported as e:
        return Fallback("unsupported-signature", f"{function}: {e}")
    correctness = gen.correctness_inputs(signature.params, seed=seed, count=n_correctness)
    scale = gen.scale_inputs(signature.params, seed=seed, count=n_scale)
    text = render_harness(signature, correctness, scale)
    return HarnessSpec(signature=signature, source=text, correctness=correctness,
                       scale=scale, seed=seed)


def _read_text(source: Path, cwd: Path | None) -> bytes:
    path = source if source.is_absolute() or cwd is None else cwd / source
    try:
        return path.read_bytes()   # bytes: clang's offsets count bytes, not characters
    except OSError:
        return b""


def dump_ast(toolchain: Toolchain, source: Path, flags: list[str], *,
             cwd: Path | None = None) -> dict | Fallback:
    """The TU's AST as clang's JSON (top-level ``TranslationUnitDecl``)."""
    argv = [str(toolchain.clang), *flags, "-Xclang", "-ast-dump=json", "-fsyntax-only",
            str(source), *QUIET_FLAGS]
    try:
        proc = subprocess.run(argv, capture_output=True, cwd=cwd, timeout=AST_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Fallback("ast-failed", str(e))
    if proc.returncode != 0:
        return Fallback("ast-failed", proc.stderr.decode(errors="replace")[-2000:])
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return Fallback("ast-failed", f"unreadable AST JSON: {e}")


class _Types:
    """Typedef and record lookup over the top-level declarations of the AST."""

    def __init__(self, ast: dict):
        self.typedefs: dict[str, dict] = {}
        self.records_by_id: dict[str, dict] = {}
        self.records_by_name: dict[str, dict] = {}
        self.typedefs_by_id: dict[str, dict] = {}
        self.enums_by_id: dict[str, dict] = {}
        self.enums_by_name: dict[str, dict] = {}
        for node in ast.get("inner", []):
            kind = node.get("kind")
            if kind == "TypedefDecl":
                self.typedefs[node.get("name", "")] = node
                self.typedefs_by_id[node["id"]] = node
            elif kind == "RecordDecl" and node.get("completeDefinition"):
                self.records_by_id[node["id"]] = node
                if node.get("name"):
                    self.records_by_name[node["name"]] = node
            elif kind == "EnumDecl":
                self.enums_by_id[node["id"]] = node
                if node.get("name"):
                    self.enums_by_name[node["name"]] = node
        # Named records defined inside another record (C puts their tags at file scope).
        self.nested_records: dict[str, dict] = {}
        stack = [n for n in self.records_by_id.values()]
        while stack:
            for inner in stack.pop().get("inner", []):
                if inner.get("kind") == "RecordDecl" and inner.get("completeDefinition"):
                    if inner.get("name"):
                        self.nested_records.setdefault(inner["name"], inner)
                    stack.append(inner)

    def canonical(self, spelled: str, depth: int = 0) -> str:
        """Resolve typedef names inside a type spelling (``uint8_t *`` -> ``unsigned char *``)."""
        if depth > 16:
            raise Unsupported(f"typedef chain too deep at '{spelled}'")
        words = re.findall(r"[A-Za-z_]\w*|\d+|\S", spelled)
        out, changed = [], False
        for k, w in enumerate(words):
            td = self.typedefs.get(w)
            tagged = k > 0 and words[k - 1] in ("struct", "union", "enum")  # a tag, not a typedef
            if td is not None and not tagged:
                t = td.get("type", {})
                out.append(t.get("desugaredQualType") or t.get("qualType", w))
                changed = True
            else:
                out.append(w)
        text = " ".join(out)
        return self.canonical(text, depth + 1) if changed else text

    def enum_for(self, type_info: dict, canonical: str) -> dict | None:
        """The EnumDecl of an ``enum X`` type (named, or anonymous behind a typedef)."""
        alias = type_info.get("typeAliasDeclId")
        for _ in range(16):
            td = self.typedefs_by_id.get(alias) if alias else None
            if td is None:
                break
            for inner in td.get("inner", []):
                decl = inner.get("decl", {})
                if inner.get("kind") == "EnumType" and decl.get("id") in self.enums_by_id:
                    return self.enums_by_id[decl["id"]]
            alias = td.get("type", {}).get("typeAliasDeclId")
        return self.enums_by_name.get(canonical.split()[-1])

    def record_for(self, type_info: dict, canonical: str) -> dict:
        """The RecordDecl of a ``struct X`` type (named, or anonymous behind a typedef)."""
        alias = type_info.get("typeAliasDeclId")
        seen = 0
        while alias and seen < 16:
            td = self.typedefs_by_id.get(alias)
            if td is None:
                break
            for inner in td.get("inner", []):
                decl = inner.get("decl", {})
                if inner.get("kind") == "RecordType" and decl.get("id") in self.records_by_id:
                    return self.records_by_id[decl["id"]]
            alias = td.get("type", {}).get("typeAliasDeclId")
            seen += 1
        name = canonical.split()[-1]
        if name in self.records_by_name:
            return self.records_by_name[name]
        raise Unsupported(f"no complete definition found for '{canonical}'")


def signature_from_ast(ast: dict, function: str, source_text: bytes = b"") -> FunctionSignature:
    """Build the harness's view of ``function`` from the AST; raises ``Unsupported``."""
    types = _Types(ast)
    decls = [n for n in ast.get("inner", []) if n.get("kind") == "FunctionDecl" and n.get("name") == function]
    if not decls:
        raise Unsupported("no such function in the translation unit")
    definitions = [d for d in decls if any(i.get("kind") == "CompoundStmt" for i in d.get("inner", []))]
    if not definitions:
        raise Unsupported("the function is declared but not defined in this translation unit")
    if any(d.get("storageClass") == "static" for d in decls):
        raise Unsupported("the function is static (no external symbol to call)")
    # C99: an external definition exists unless every declaration is plain ``inline``.
    if all(d.get("inline") for d in decls) and not any(d.get("storageClass") == "extern" for d in decls):
        raise Unsupported("the function is an inline definition without an external symbol")
    decl = definitions[0]
    if decl.get("variadic"):
        raise Unsupported("variadic functions are not supported")
    raw_params = [n for n in decl.get("inner", []) if n.get("kind") == "ParmVarDecl"]
    params = _classify_params(raw_params, types, source_text, body_constants(decl), inner_index_bounds(decl))
    fn_type = decl.get("type", {}).get("qualType", "")
    returns = _return_spec(fn_type, types, params)
    return FunctionSignature(name=function, returns=returns, params=params,
                             extern_sizes=_extern_sizes(ast, types),
                             volatile_reason=volatile_or_atomic_use(ast, function))


_ATOMIC_BUILTIN = re.compile(r"^__(atomic|sync|c11_atomic)_")


def volatile_or_atomic_use(ast: dict, function: str) -> str:
    """Why ``function`` (or a function of the TU it calls, transitively) touches volatile or
    atomic objects, or "" if it does not: an expression of volatile or ``_Atomic`` type, an
    atomic operation, or an ``__atomic``/``__sync`` builtin call."""
    bodies = {n.get("name"): n for n in ast.get("inner", [])
              if n.get("kind") == "FunctionDecl" and any(i.get("kind") == "CompoundStmt" for i in n.get("inner", []))}
    todo, seen = [function], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in bodies:
            continue
        seen.add(name)
        stack = [i for i in bodies[name].get("inner", []) if i.get("kind") != "ParmVarDecl"]
        while stack:
            node = stack.pop()
            kind = node.get("kind", "")
            qual = node.get("type", {}).get("qualType", "")
            ref = node.get("referencedDecl", {})
            where = f"'{function}'" + (f" (through '{name}')" if name != function else "")
            if kind == "AtomicExpr":
                return f"{where} performs an atomic operation"
            # The object itself volatile ("volatile int", "int *volatile"), not merely a
            # pointer to one that may never be dereferenced here.
            own = qual.rsplit("*", 1)[-1] if "*" in qual else qual
            if not kind.endswith("Decl") and ("volatile" in own.split() or "_Atomic" in qual):
                return f"{where} accesses a {'volatile' if 'volatile' in qual else 'atomic'} object ({qual})"
            if ref.get("kind") == "FunctionDecl":
                if _ATOMIC_BUILTIN.match(ref.get("name", "")):
                    return f"{where} calls {ref.get('name')}"
                todo.append(ref.get("name", ""))
            stack.extend(node.get("inner", []))
    return ""


def _extern_sizes(ast: dict, types: _Types) -> tuple[tuple[str, int], ...]:
    """(name, bytes) of the extern variables the TU declares but does not define, where the
    declared type gives the size (a scalar, a pointer or an array of either)."""
    defined, declared = set(), {}
    for node in ast.get("inner", []):
        if node.get("kind") != "VarDecl" or not node.get("name"):
            continue
        if node.get("storageClass") == "extern" and "init" not in node:
            info = node.get("type", {})
            declared[node["name"]] = info.get("desugaredQualType") or info.get("qualType", "")
        else:
            defined.add(node["name"])
    sizes = []
    for name, spelled in sorted(declared.items()):
        dims = "".join(re.findall(r"\[\s*\d*\s*\]", spelled))
        try:
            size = _type_size(types.canonical(re.sub(r"\[\s*\d*\s*\]", "", spelled)) + dims)
        except Unsupported:
            size = None
        if name not in defined and size:
            sizes.append((name, size))
    return tuple(sizes)


def _type_size(canonical: str) -> int | None:
    """Bytes of a scalar, pointer or (multi-dimensional) array of them; None otherwise."""
    text = _strip_qualifiers(canonical)
    dims = [int(d) for d in re.findall(r"\[\s*(\d+)\s*\]", text)]
    base = re.sub(r"\[\s*\d*\s*\]", "", text).strip()
    if re.search(r"\[\s*\]", text):
        return None
    if "*" in base and "(" not in base:
        elem = 8
    else:
        t = gen.scalar_type(base)
        if t is None:
            return None
        elem = t.size
    for d in dims:
        elem *= d
    return elem


@dataclass
class _RawParam:
    name: str
    canonical: str
    type_info: dict
    written: str          # source text of the declaration (for T p[N])


def body_constants(decl: dict) -> list[int]:
    """The integer literals of a function's body (clang's AST, after macro expansion)."""
    found, stack = [], [i for i in decl.get("inner", []) if i.get("kind") == "CompoundStmt"]
    while stack:
        node = stack.pop()
        if node.get("kind") == "IntegerLiteral":
            try:
                found.append(int(node.get("value", "")))
            except ValueError:
                pass
        stack.extend(node.get("inner", []))
    return found


_COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}


def inner_index_bounds(decl: dict) -> set[str]:
    """Names of the variables that bound the inner index of a ``p[i][j]`` in the function's
    body: used in ``j`` itself or compared with a variable used there (``j < n``)."""
    def refs(node: dict) -> set[str]:
        names, stack = set(), [node]
        while stack:
            n = stack.pop()
            if n.get("kind") == "DeclRefExpr" and n.get("referencedDecl", {}).get("kind") in ("VarDecl", "ParmVarDecl"):
                names.add(n["referencedDecl"].get("name", ""))
            stack.extend(n.get("inner", []))
        return names

    def unwrap(node: dict) -> dict:
        while node.get("kind") in ("ImplicitCastExpr", "ParenExpr") and node.get("inner"):
            node = node["inner"][0]
        return node

    body = [i for i in decl.get("inner", []) if i.get("kind") == "CompoundStmt"]
    inner_vars: set[str] = set()
    comparisons: list[tuple[set[str], set[str]]] = []
    stack = list(body)
    while stack:
        node = stack.pop()
        kids = node.get("inner", [])
        if node.get("kind") == "ArraySubscriptExpr" and len(kids) == 2 \
                and unwrap(kids[0]).get("kind") == "ArraySubscriptExpr":
            inner_vars |= refs(kids[1])
        if node.get("kind") == "BinaryOperator" and node.get("opcode") in _COMPARISONS and len(kids) == 2:
            comparisons.append((refs(kids[0]), refs(kids[1])))
        stack.extend(kids)
    bounds = set(inner_vars)
    for left, right in comparisons:
        if left & inner_vars:
            bounds |= right
        if right & inner_vars:
            bounds |= left
    return bounds


def lookup_extent(constants: list[int]) -> tuple[int, str]:
    """Elements of a buffer the harness passes for a pointer without a length (see
    ``LOOKUP_ELEMENTS``): the default, or one past the largest small constant of the code."""
    bounds = [c + 1 for c in constants if 0 < c < MAX_BOUND_CONSTANT]
    if bounds and max(bounds) > LOOKUP_ELEMENTS:
        return min(max(bounds), MAX_LOOKUP_ELEMENTS), "code constant"
    return LOOKUP_ELEMENTS, "default"


def _classify_params(raw_params: list[dict], types: _Types, source_text: bytes,
                     constants: list[int] = (), inner_bounds: set[str] = frozenset()) -> tuple[ParamSpec, ...]:
    raws = []
    for i, node in enumerate(raw_params):
        info = node.get("type", {})
        spelled = info.get("desugaredQualType") or info.get("qualType", "")
        raws.append(_RawParam(name=node.get("name") or f"arg{i}", canonical=types.canonical(spelled),
                              type_info=info, written=_param_text(node, source_text)))
    specs: list[ParamSpec | None] = [None] * len(raws)
    length_of: dict[int, int] = {}
    for i, raw in enumerate(raws):
        if "*" not in raw.canonical:
            specs[i] = _value_param(raw, types)
    for i, raw in enumerate(raws):
        if "*" in raw.canonical:
            specs[i] = _pointer_param(i, raw, raws, specs, length_of, types, list(constants))
    for i, li in length_of.items():
        spec = specs[li]
        rows = [specs[b].row_length for b, l in length_of.items() if l == li and specs[b].row_length]
        cap = _row_cap(rows, raws[li].name in inner_bounds) if rows else None
        if isinstance(spec, ScalarParam):
            specs[li] = LengthParam(spec.name, spec.type, cap=cap)
        elif isinstance(spec, LengthParam) and cap is not None and (spec.cap is None or cap < spec.cap):
            specs[li] = LengthParam(spec.name, spec.type, cap=cap)
    return tuple(s for s in specs if s is not None)


def _row_cap(row_lengths: list[int], bounds_inner_index: bool) -> int:
    """The largest length given to a length parameter that counts rows of ``T (*p)[K]``:
    K when it also bounds an inner index (more would index past a row), else as many rows
    as ``MAX_SCALE_ELEMENTS`` elements hold."""
    if bounds_inner_index:
        return min(row_lengths)
    return max(1, gen.MAX_SCALE_ELEMENTS // max(row_lengths))


def _param_text(node: dict, source_text: bytes) -> str:
    """The parameter's declaration as written (to see ``[N]``, which the AST decays away)."""
    rng = node.get("range", {})
    begin, end = rng.get("begin", {}), rng.get("end", {})
    if "offset" not in begin or "offset" not in end or not source_text:
        return ""
    text = source_text[begin["offset"]: end["offset"] + end.get("tokLen", 0)].decode(errors="replace")
    return text if node.get("name", "") in text else ""


def _value_param(raw: _RawParam, types: _Types) -> ParamSpec:
    t = gen.scalar_type(_strip_qualifiers(raw.canonical))
    if t is not None:
        return ScalarParam(raw.name, t)
    base = _strip_qualifiers(raw.canonical)
    if base.startswith("struct "):
        return _struct_param(raw.name, raw.type_info, base, types)
    if base.startswith("enum "):
        return ScalarParam(raw.name, _enum_type(raw, base, types),
                           choices=_enumerators(types.enum_for(raw.type_info, base)))
    raise Unsupported(f"parameter '{raw.name}' has unsupported type '{raw.canonical}'")


def _enumerators(decl: dict) -> tuple[int, ...]:
    """The enumerators' values, in order and without repeats (an explicit one is the
    ConstantExpr's value in the AST; an implicit one is the previous plus one)."""
    values: list[int] = []
    nxt = 0
    for c in decl.get("inner", []):
        if c.get("kind") != "EnumConstantDecl":
            continue
        explicit = next((i.get("value") for i in c.get("inner") or [] if "value" in i), None)
        nxt = int(explicit) if explicit is not None else nxt
        if nxt not in values:
            values.append(nxt)
        nxt += 1
    return tuple(values)


def _enum_type(raw: _RawParam, base: str, types: _Types) -> gen.ScalarType:
    """An enum parameter is tested as its integer type over ALL its values, not only the
    enumerators: C lets any value of that type reach the function, and a rewrite must
    agree on each. The type is the declared fixed one (``enum e : unsigned char``), else
    ``int``: clang gives an enum whose enumerators all fit ``int`` a 32-bit type (``int``,
    or ``unsigned int`` with the same bits in the argument register); one whose enumerators
    do not fit (they then have the enum's own type in the AST) is refused."""
    decl = types.enum_for(raw.type_info, base)
    if decl is None:
        raise Unsupported(f"parameter '{raw.name}': definition of '{base}' not found")
    fixed = decl.get("fixedUnderlyingType")
    if fixed:
        t = gen.scalar_type(_strip_qualifiers(types.canonical(fixed.get("desugaredQualType") or fixed.get("qualType", ""))))
        if t is None:
            raise Unsupported(f"parameter '{raw.name}': '{base}' has an unsupported underlying type")
        return t
    for c in decl.get("inner", []):
        if c.get("kind") == "EnumConstantDecl" and c.get("type", {}).get("qualType") != "int":
            raise Unsupported(f"parameter '{raw.name}': '{base}' has enumerators wider than int")
    return gen.scalar_type("int")


def _struct_param(name: str, type_info: dict, canonical: str, types: _Types) -> StructParam:
    record = types.record_for(type_info, canonical)
    if record.get("tagUsed") != "struct":
        raise Unsupported(f"'{canonical}' is a {record.get('tagUsed')}, not a struct")
    fields: list[tuple[str, ScalarType]] = []
    for node in record.get("inner", []):
        kind = node.get("kind", "")
        if kind.endswith("Attr"):
            raise Unsupported(f"'{canonical}' has attribute {kind} (layout may differ)")
        if kind != "FieldDecl":
            continue
        if node.get("isBitfield"):
            raise Unsupported(f"'{canonical}' has bit-fields")
        info = node.get("type", {})
        t = gen.scalar_type(_strip_qualifiers(types.canonical(info.get("desugaredQualType") or info.get("qualType", ""))))
        if t is None:
            raise Unsupported(f"field '{node.get('name')}' of '{canonical}' is not a scalar")
        fields.append((node.get("name") or f"f{len(fields)}", t))
    if not fields:
        raise Unsupported(f"'{canonical}' has no fields")
    tag = re.sub(r"\W", "_", record.get("name") or canonical.split()[-1] or "anon")
    return StructParam(name=name, tag=tag, fields=tuple(fields))


def _struct_ptr_param(raw: _RawParam, base: str, const: bool, types: _Types) -> StructPtrParam:
    """``struct S *p``: the struct's fields from its definition (scalars, arrays of scalars,
    pointers), pointer fields paired with a later integer field named like a length."""
    spelled = (raw.type_info.get("qualType") or "").split("*")[0]
    alias = types.typedefs.get(_strip_qualifiers(spelled))
    record = types.record_for({"typeAliasDeclId": alias["id"]} if alias else {}, base)
    if record.get("tagUsed") != "struct":
        raise Unsupported(f"'{base}' is a {record.get('tagUsed')}, not a struct")
    fields: list[FieldSpec] = []
    for pos, node in enumerate(record.get("inner", [])):
        kind = node.get("kind", "")
        if kind.endswith("Attr"):
            raise Unsupported(f"'{base}' has attribute {kind} (layout may differ)")
        if kind != "FieldDecl":
            continue
        if node.get("isBitfield"):
            raise Unsupported(f"'{base}' has bit-fields")
        info = node.get("type", {})
        canonical = types.canonical(info.get("desugaredQualType") or info.get("qualType", ""))
        name = node.get("name") or f"f{len(fields)}"
        try:
            fields.append(_field_spec(name, canonical, base))
        except Unsupported:
            # A pointer-free aggregate (a struct, a union, an array of them): its bytes.
            fields.append(_aggregate_field(name, info, record, pos, types, base))
    if not fields:
        raise Unsupported(f"'{base}' has no fields")
    for k, f in enumerate(fields):
        if f.kind == "pointer":
            later = [j for j in range(k + 1, len(fields)) if fields[j].kind == "scalar"
                     and not fields[j].type.is_float and not fields[j].type.is_bool
                     and LENGTH_NAME.match(fields[j].name)]
            if later:
                fields[k] = FieldSpec(f.name, f.kind, f.type, f.count, later[0], f.is_void)
    tag = re.sub(r"\W", "_", record.get("name") or base.split()[-1] or "anon")
    return StructPtrParam(name=raw.name, tag=tag, fields=tuple(fields), const=const)


def _field_spec(name: str, canonical: str, owner: str) -> FieldSpec:
    text = _strip_qualifiers(canonical)
    t = gen.scalar_type(text)
    if t is not None:
        return FieldSpec(name, "scalar", t)
    array = re.fullmatch(r"(.+?)\s*\[\s*(\d+)\s*\]", text)
    if array and gen.scalar_type(_strip_qualifiers(array.group(1))) is not None:
        return FieldSpec(name, "array", gen.scalar_type(_strip_qualifiers(array.group(1))), int(array.group(2)))
    if text.count("*") == 1 and "(" not in text and "[" not in text:
        pointee = _strip_qualifiers(text.split("*")[0])
        if pointee == "void":
            return FieldSpec(name, "pointer", gen.SCALAR_TYPES["unsigned char"], is_void=True)
        if gen.scalar_type(pointee) is not None:
            return FieldSpec(name, "pointer", gen.scalar_type(pointee))
        return FieldSpec(name, "opaque")
    if "(*)" in text.replace(" ", ""):
        return FieldSpec(name, "opaque")         # function pointer
    raise Unsupported(f"field '{name}' of '{owner}' is not a scalar, an array of scalars or a pointer")


# The unsigned integer type as wide as an aggregate's alignment: an array of it has the
# aggregate's size and alignment, so the harness's copy of the struct keeps every offset.
_UNSIGNED_OF_ALIGN = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int", 8: "unsigned long"}
_ANONYMOUS = re.compile(r"\((unnamed|anonymous) ")


def _aggregate_field(name: str, info: dict, owner: dict, pos: int, types: _Types, owner_c: str) -> FieldSpec:
    """A field that is a pointer-free aggregate (``ct_data dyn_ltree[573]``, a nested
    struct or union) as ``FieldSpec("array")`` of the unsigned type as wide as its
    alignment: filled, compared and dumped as bytes. Anything holding a pointer, an enum,
    a bit-field or a layout attribute is refused (``Unsupported``)."""
    try:
        size, align = _layout(info, owner, pos, types, 0)
    except Unsupported as e:
        raise Unsupported(f"field '{name}' of '{owner_c}' is not a scalar, an array of scalars, "
                          f"a pointer or a pointer-free aggregate ({e})") from None
    unit = _UNSIGNED_OF_ALIGN.get(align)
    if unit is None or size % align:
        raise Unsupported(f"field '{name}' of '{owner_c}' has alignment {align}")
    return FieldSpec(name, "array", gen.SCALAR_TYPES[unit], size // align)


def _layout(info: dict, context: dict, pos: int, types: _Types, depth: int) -> tuple[int, int]:
    """(size, alignment) in bytes of a field's type on x86-64 (System V), from the AST.
    ``context``/``pos``: the record holding the field and the field's index in its
    ``inner`` (an unnamed struct or union is the RecordDecl just before its field)."""
    if depth > 16:
        raise Unsupported("aggregate nested too deeply")
    raw = info.get("desugaredQualType") or info.get("qualType", "")
    dims = [int(d) for d in re.findall(r"\[\s*(\d+)\s*\]", raw)]
    if re.search(r"\[\s*\]", raw):
        raise Unsupported("flexible or unsized array")
    count = 1
    for d in dims:
        count *= d
    elem_text = re.sub(r"\s*\[\s*\d+\s*\]", "", raw).strip()
    if _ANONYMOUS.search(elem_text):
        record = next((n for n in reversed(context.get("inner", [])[:pos]) if n.get("kind") == "RecordDecl"), None)
        if record is None:
            raise Unsupported(f"no definition for '{elem_text}'")
        size, align = _record_layout(record, types, depth + 1)
        return size * count, align
    text = _strip_qualifiers(types.canonical(elem_text))
    if "*" in text or "(" in text:
        raise Unsupported(f"'{text}' holds a pointer")
    t = gen.scalar_type(text)
    if t is not None:
        return t.size * count, t.size
    if text.startswith(("struct ", "union ")):
        name = text.split()[-1]
        record = types.nested_records.get(name) or types.records_by_name.get(name)
        if record is None or record.get("tagUsed") != text.split()[0]:
            raise Unsupported(f"no complete definition of '{text}'")
        size, align = _record_layout(record, types, depth + 1)
        return size * count, align
    raise Unsupported(f"'{text}' is not a scalar or an aggregate of scalars")


def _record_layout(record: dict, types: _Types, depth: int) -> tuple[int, int]:
    size, align, is_union = 0, 1, record.get("tagUsed") == "union"
    fields = 0
    for pos, node in enumerate(record.get("inner", [])):
        kind = node.get("kind", "")
        if kind.endswith("Attr"):
            raise Unsupported(f"attribute {kind} (layout may differ)")
        if kind != "FieldDecl":
            continue
        if node.get("isBitfield"):
            raise Unsupported("bit-fields")
        fsize, falign = _layout(node.get("type", {}), record, pos, types, depth)
        align = max(align, falign)
        if is_union:
            size = max(size, fsize)
        else:
            size = (size + falign - 1) // falign * falign + fsize
        fields += 1
    if not fields:
        raise Unsupported("an empty aggregate")
    return (size + align - 1) // align * align, align


def _strip_qualifiers(text: str) -> str:
    return " ".join(w for w in text.split() if w not in ("const", "volatile", "restrict"))


ROW_POINTER = re.compile(r"^(?P<base>[^()*\[\]]+?)\s*\(\s*\*\s*(?P<quals>(?:\w+\s*)*)\)\s*\[\s*(?P<k>\d+)\s*\]$")


def _row_param(i: int, raw: _RawParam, raws: list[_RawParam], specs: list,
               length_of: dict[int, int]) -> BufferParam:
    """``T (*p)[K]`` (written ``T p[][K]`` or ``T p[N][K]``): rows of K scalars whose count
    is the length parameter (capped at K by the caller: see ``LOOKUP_ELEMENTS``'s note)."""
    m = ROW_POINTER.match(raw.canonical)
    base = _strip_qualifiers(m.group("base"))
    elem = gen.scalar_type(base)
    if elem is None or int(m.group("k")) == 0:
        raise Unsupported(f"parameter '{raw.name}' has unsupported type '{raw.canonical}'")
    li = _length_index(i, raws, specs)
    if li is None:
        raise Unsupported(f"pointer parameter '{raw.name}' (rows of {m.group('k')}) has no length parameter")
    length_of[i] = li
    quals = m.group("quals").split()
    return BufferParam(raw.name, elem, const="const" in m.group("base").split(),
                       restrict="restrict" in quals or "__restrict" in quals,
                       length_param=li, row_length=int(m.group("k")))


def _pointer_param(i: int, raw: _RawParam, raws: list[_RawParam], specs: list,
                   length_of: dict[int, int], types: _Types, constants: list[int] = ()) -> ParamSpec:
    if ROW_POINTER.match(raw.canonical):
        return _row_param(i, raw, raws, specs, length_of)
    if raw.canonical.count("*") != 1 or "(" in raw.canonical or "[" in raw.canonical:
        raise Unsupported(f"parameter '{raw.name}' has unsupported type '{raw.canonical}'")
    before, after = raw.canonical.split("*")
    base = _strip_qualifiers(before)
    const = "const" in before.split()
    restrict = "restrict" in after.split() or "__restrict" in after.split()
    fixed = ARRAY_SUFFIX.search(raw.written)
    if base.startswith("struct "):
        return _struct_ptr_param(raw, base, const, types)
    if base == "void":
        elem, is_void = gen.SCALAR_TYPES["unsigned char"], True
    else:
        elem, is_void = gen.scalar_type(base), False
    if elem is None:
        raise Unsupported(f"parameter '{raw.name}' points to unsupported type '{base}'")
    if fixed:
        return BufferParam(raw.name, elem, const=const, restrict=restrict, fixed_length=int(fixed.group(1)),
                           is_void=is_void, extent_from="declared")
    li = _length_index(i, raws, specs)
    if base == "char" and not _is_char_buffer(i, li, const, raws):
        return StringParam(raw.name, mutable=not const)
    if li is None:
        extent, why = lookup_extent(list(constants))
        return BufferParam(raw.name, elem, const=const, restrict=restrict, fixed_length=extent,
                           is_void=is_void, extent_from=why)
    length_of[i] = li
    return BufferParam(raw.name, elem, const=const, restrict=restrict, length_param=li, is_void=is_void)


def _is_char_buffer(i: int, li: int | None, const: bool, raws: list[_RawParam]) -> bool:
    """``char *`` directly followed by its length is a buffer (``dst, cap``; ``buf, len``);
    otherwise a NUL-terminated string. A ``const char *`` followed by an integer not named
    like a length is a string plus a character or flag (``strchr(s, c)``)."""
    if li is None or li != i + 1:
        return False
    return not const or bool(LENGTH_NAME.match(raws[li].name))


def _length_index(i: int, raws: list[_RawParam], specs: list) -> int | None:
    """The integer parameter giving the length of pointer ``i``: the first later integer
    named like a length, else the first later integer, else the nearest earlier integer
    named like a length."""
    def is_int(j: int) -> bool:
        s = specs[j]
        # An enum names a choice, never a count.
        return (isinstance(s, ScalarParam) and not s.type.is_float and not s.type.is_bool
                and not _strip_qualifiers(raws[j].canonical).startswith("enum "))

    later = [j for j in range(i + 1, len(raws)) if is_int(j)]
    named = [j for j in later if LENGTH_NAME.match(raws[j].name)]
    if named:
        return named[0]
    if later:
        return later[0]
    earlier = [j for j in range(i - 1, -1, -1) if is_int(j) and LENGTH_NAME.match(raws[j].name)]
    return earlier[0] if earlier else None


def _return_spec(fn_type: str, types: _Types, params: tuple[ParamSpec, ...]) -> ReturnSpec:
    cut = fn_type.find("(")
    if cut <= 0:
        raise Unsupported(f"cannot read the return type from '{fn_type}'")
    spelled = fn_type[:cut].strip()
    canonical = types.canonical(spelled)
    base = _strip_qualifiers(canonical)
    has_buffers = any(isinstance(p, (BufferParam, StringParam, StructPtrParam)) for p in params)
    if base == "void":
        if not has_buffers:
            raise Unsupported("void function without buffers: no observable output")
        return ReturnSpec("void")
    if canonical.count("*") == 1 and "(" not in canonical:
        if not has_buffers:
            raise Unsupported("returns a pointer but takes no buffer it could point into")
        return ReturnSpec("pointer", pointee_c=canonical.split("*")[0].strip() or "void")
    t = gen.scalar_type(base)
    if t is not None:
        return ReturnSpec("scalar", type=t)
    if base.startswith("struct ") and "*" not in canonical:
        typedef = types.typedefs.get(spelled.split()[-1])
        info = {"typeAliasDeclId": typedef["id"]} if typedef else {}
        return ReturnSpec("struct", struct=_struct_param("ret", info, base, types))
    raise Unsupported(f"unsupported return type '{canonical}'")


# --------------------------------------------------------------------------- rendering

_PRELUDE = r"""/* Generated by llmcc: differential-test harness. Do not edit. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t llmcc_state = 88172645463325252ULL;
static void llmcc_seed(uint64_t s) { llmcc_state = s ? s : 88172645463325252ULL; }
static uint64_t llmcc_next(void) {
  uint64_t x = llmcc_state;
  x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
  llmcc_state = x;
  return x * 2685821657736338717ULL;
}
static double llmcc_unit(void) { return (double)(llmcc_next() >> 11) * 0x1.0p-53; }
static void *llmcc_alloc(size_t bytes) {
  void *p = calloc(bytes ? bytes : 1, 1);
  if (!p) { fprintf(stderr, "llmcc harness: out of memory\n"); exit(3); }
  return p;
}
/* Data buffers start at a rotating offset (a multiple of the element size, within 16
   bytes), so code with its own path for an unaligned head (zlib's crc32_z aligns to 8
   bytes first) runs that path in the tests. Deterministic: both builds see the same. */
static unsigned llmcc_misalign_next;
static void *llmcc_alloc_data(size_t bytes, size_t elem) {
  size_t slots = (elem && elem < 16) ? 16 / elem : 1;
  size_t off = (llmcc_misalign_next++ % slots) * elem;
  return (char *)llmcc_alloc(bytes + off) + off;
}
static uint64_t llmcc_fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 1099511628211ULL; }
  return h;
}
static void llmcc_dump(const char *label, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  if (n > HASH_ABOVE_BYTES) {
    printf("%s: len=%zu fnv=%016llx\n", label, n,
           (unsigned long long)llmcc_fnv(14695981039346656037ULL, p, n));
    return;
  }
  printf("%s:", label);
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\n");
}
/* IEEE 754 leaves the sign and payload of a NaN result unspecified (LLVM's semantics:
   non-deterministic), so reassociated or reordered floating-point code may return another
   NaN where the original returned one (inf * 0 gives x86's negative default NaN; which of
   two NaN operands an add passes on depends on operand order). Outputs of floating-point
   type therefore print every NaN as the one quiet NaN; every other value, -0.0 and the
   infinities included, stays bit-exact. */
static void llmcc_canon_nan(void *p, size_t bytes, size_t elem) {
  unsigned char *b = (unsigned char *)p;
  for (size_t i = 0; i + elem <= bytes; i += elem) {
    if (elem == 8) { double d; memcpy(&d, b + i, 8); if (d != d) { d = __builtin_nan(""); memcpy(b + i, &d, 8); } }
    else if (elem == 4) { float f; memcpy(&f, b + i, 4); if (f != f) { f = __builtin_nanf(""); memcpy(b + i, &f, 4); } }
  }
}
static int llmcc_dump_ptr(const char *label, const void *r, const void *base, size_t bytes, int which) {
  const char *c = (const char *)r, *lo = (const char *)base;
  if (!c || c < lo || c > lo + bytes) return 0;
  printf("%s: buf%d+%td\n", label, which, c - lo);
  return 1;
}
/* Observed state (globals and statics of the TU, stubbed extern data): defined by the
   state-table object linked next to the harness (``render_state_table``); weak, so the
   harness also links without it. "post" is dumped right after the compared call(s). */
extern void llmcc_state_dump(const char *phase) __attribute__((weak));
extern void llmcc_state_note_buffer(const char *label, const void *base, size_t bytes) __attribute__((weak));
static void llmcc_post(void) { if (llmcc_state_dump) llmcc_state_dump("post"); }
static void llmcc_note(const char *label, const void *base, size_t bytes) {
  if (llmcc_state_note_buffer) llmcc_state_note_buffer(label, base, bytes);
}
static struct timespec llmcc_t0;
static long long llmcc_last_ns;
static void llmcc_start(void) { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &llmcc_t0); }
static long long llmcc_elapsed(void) {
  struct timespec t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  return (long long)(t1.tv_sec - llmcc_t0.tv_sec) * 1000000000LL + (t1.tv_nsec - llmcc_t0.tv_nsec);
}
static void llmcc_stop(void) {
  llmcc_last_ns = llmcc_elapsed();
  fprintf(stderr, "llmcc-harness-cpu-ns: %lld\n", llmcc_last_ns);
}
/* Scale inputs of fast functions: after the one call whose outputs are compared, repeat
   the call until the total is well above the clock's resolution and report the average
   per call (the repeated calls see the buffers the first call left: same for both sides). */
#define LLMCC_REPEAT_TIMING(call) do { \
    long long llmcc_reps = 1, llmcc_ns = llmcc_last_ns; \
    while (llmcc_ns < 20000000LL && llmcc_reps < (1LL << 24)) { \
      llmcc_reps *= 4; llmcc_start(); \
      for (long long llmcc_k = 0; llmcc_k < llmcc_reps; llmcc_k++) (void)(call); \
      llmcc_ns = llmcc_elapsed(); } \
    if (llmcc_reps > 1) fprintf(stderr, "llmcc-harness-cpu-ns-avg: %lld.%03lld\n", \
                                llmcc_ns / llmcc_reps, (llmcc_ns % llmcc_reps) * 1000 / llmcc_reps); \
  } while (0)
"""


def _c_type(t: ScalarType) -> str:
    return t.name


def _c_literal(t: ScalarType, value: int | float) -> str:
    """An exact C expression of type ``t`` for ``value`` (hex floats, two's-complement ints)."""
    if t.is_float:
        v = float(value)
        if v != v:
            text = '__builtin_nan("")'
        elif v in (float("inf"), float("-inf")):
            text = "__builtin_inf()" if v > 0 else "-__builtin_inf()"
        else:
            text = v.hex()
        return f"({t.name})({text})"
    if t.is_bool:
        return "1" if value else "0"
    return f"({t.name})0x{int(value) & 0xFFFFFFFFFFFFFFFF:x}ULL"


def _c_bytes(data: bytes) -> str:
    return '"' + "".join(f"\\{b:03o}" for b in data) + '"'


def _struct_name(s: StructParam) -> str:
    return f"llmcc_struct_{s.tag}"


def _param_c_decl(p: ParamSpec) -> str:
    if isinstance(p, (ScalarParam, LengthParam)):
        return _c_type(p.type)
    if isinstance(p, BufferParam):
        base = "void" if p.is_void else _c_type(p.elem)
        return f"{'const ' if p.const else ''}{base} *"
    if isinstance(p, StringParam):
        return "char *" if p.mutable else "const char *"
    if isinstance(p, StructParam):
        return f"struct {_struct_name(p)}"
    if isinstance(p, StructPtrParam):
        return f"{'const ' if p.const else ''}struct {_pstruct_name(p)} *"
    raise TypeError(p)


def _return_c(r: ReturnSpec) -> str:
    if r.kind == "void":
        return "void"
    if r.kind == "scalar":
        return _c_type(r.type)
    if r.kind == "pointer":
        return f"{r.pointee_c} *"
    return f"struct {_struct_name(r.struct)}"


def render_harness(sig: FunctionSignature, correctness: list[FunctionInput],
                   scale: list[FunctionInput], rare: list[FunctionInput] = ()) -> str:
    """The harness C source for ``sig`` and the given inputs (``./harness correctness K``,
    ``scale K``, ``rare K``)."""
    parts = _render_head(sig)
    for inp in correctness:
        parts.append(_render_correctness(sig, inp))
    for inp in scale:
        parts.append(_render_batch(sig, inp) if inp.batch else _render_sized(sig, inp))
    if rare:
        parts.append(_RARE_RUNNER.replace("LLMCC_CALL_CPU", str(RARE_CALL_CPU_SECONDS)))
    for inp in rare:
        parts.append(_render_rare(sig, inp))
    parts.append(_render_main(len(correctness), len(scale), len(rare)))
    return "\n".join(parts)


def render_rare_harness(sig: FunctionSignature, rare: list[FunctionInput]) -> str:
    """A harness holding only rare inputs (``./harness rare K``): built per plan for the
    reference's constants and per candidate for the constants only it has."""
    return render_harness(sig, [], [], rare)


def _render_head(sig: FunctionSignature) -> list[str]:
    """Prelude, struct layouts and the declaration of the function under test."""
    parts = [_PRELUDE.replace("HASH_ABOVE_BYTES", str(HASH_ABOVE_BYTES))]
    structs = {p.tag: p for p in sig.params if isinstance(p, StructParam)}
    if sig.returns.struct is not None:
        structs.setdefault(sig.returns.struct.tag, sig.returns.struct)
    for s in structs.values():
        # Field names f0, f1...: same layout, and no clash with macros of the harness's headers.
        fields = " ".join(f"{_c_type(t)} f{k};" for k, (_, t) in enumerate(s.fields))
        parts.append(f"struct {_struct_name(s)} {{ {fields} }};")
    for p in {p.tag: p for p in sig.params if isinstance(p, StructPtrParam)}.values():
        parts.append(f"struct {_pstruct_name(p)} {{ {' '.join(_field_c_decl(k, f) for k, f in enumerate(p.fields))} }};")
    params_c = ", ".join(_param_c_decl(p) for p in sig.params) or "void"
    parts.append(f"extern {_return_c(sig.returns)} {sig.name}({params_c});\n")
    return parts


def _pstruct_name(p: StructPtrParam) -> str:
    return f"llmcc_pstruct_{p.tag}"


def _field_c_decl(k: int, f: FieldSpec) -> str:
    """The same layout as the original: same sizes and alignments, fields named fK."""
    if f.kind == "scalar":
        return f"{_c_type(f.type)} f{k};"
    if f.kind == "array":
        return f"{_c_type(f.type)} f{k}[{f.count}];"
    if f.kind == "pointer":
        return f"{'void' if f.is_void else _c_type(f.type)} *f{k};"
    return f"void *f{k};"


# A rare call may loop on a pathological scalar: its child gets this much CPU (and four
# times as much wall time) before it is killed and reported as failed.
RARE_CALL_CPU_SECONDS = 2

_RARE_RUNNER = r"""#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
/* Each rare call runs in a forked child: it starts from the initial state, and a call that
   crashes or hangs is reported ("call K: crashed signal S") without losing the others. */
static void llmcc_run_calls(void (*one)(size_t), size_t count) {
  for (size_t c = 0; c < count; c++) {
    printf("call %zu\n", c);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("llmcc harness: fork"); abort(); }
    if (pid == 0) {
      struct rlimit cpu = {LLMCC_CALL_CPU, LLMCC_CALL_CPU + 1};
      setrlimit(RLIMIT_CPU, &cpu);
      alarm(4 * LLMCC_CALL_CPU);
      one(c);
      fflush(stdout);
      _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {}
    if (WIFSIGNALED(status)) printf("call %zu: crashed signal %d\n", c, WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0) printf("call %zu: exit %d\n", c, WEXITSTATUS(status));
  }
  if (llmcc_state_dump) llmcc_state_dump(0);   /* the parent never called the function */
}
"""


def _call_expr(sig: FunctionSignature, args: list[str]) -> str:
    return f"{sig.name}({', '.join(args)})"


def _emit_call_and_dump(sig: FunctionSignature, args: list[str], out: list[str]) -> None:
    call = _call_expr(sig, args)
    r = sig.returns
    out.append("  llmcc_start();")
    if r.kind == "void":
        out.append(f"  {call};")
        out.append("  llmcc_stop();")
        return
    out.append(f"  {_return_c(r)} llmcc_r = {call};")
    out.append("  llmcc_stop();")
    if r.kind == "scalar":
        _canon(out, "&llmcc_r", "sizeof llmcc_r", r.type)
        out.append("  llmcc_dump(\"ret\", &llmcc_r, sizeof llmcc_r);")
    elif r.kind == "struct":
        for k, (n, t) in enumerate(r.struct.fields):
            _canon(out, f"&llmcc_r.f{k}", f"sizeof llmcc_r.f{k}", t)
            out.append(f"  llmcc_dump(\"ret.{n}\", &llmcc_r.f{k}, sizeof llmcc_r.f{k});")
    else:
        out.append("  int llmcc_hit = 0;")
        for i, p in enumerate(sig.params):
            if isinstance(p, (BufferParam, StringParam, StructPtrParam)):
                out.append(f"  llmcc_hit = llmcc_hit || llmcc_dump_ptr(\"ret\", llmcc_r, a{i}_base, a{i}_bytes, {i});")
        # Not into any buffer: only null-ness is comparable (the address itself is not).
        out.append("  if (!llmcc_hit) printf(llmcc_r ? \"ret: elsewhere\\n\" : \"ret: null\\n\");")


def _render_correctness(sig: FunctionSignature, inp: FunctionInput) -> str:
    body: list[str] = []
    args = [f"a{i}" for i in range(len(sig.params))]
    # Owners first: an aliasing view may point into a buffer declared later in the list.
    order = sorted(range(len(sig.params)), key=lambda i: isinstance(inp.values[i], BufferValue)
                   and inp.values[i].alias_of is not None)
    for i in order:
        _declare_correctness_arg(i, sig.params[i], inp.values[i], body)
    _note_buffers(sig, inp.values, body)
    _emit_call_and_dump(sig, args, body)
    _dump_buffers(sig, inp.values, body)
    body.append("  llmcc_post();")
    return f"static void run_correctness_{inp.index}(void) {{\n" + "\n".join(body) + "\n}\n"


def _declare_correctness_arg(i: int, p: ParamSpec, v: object, body: list[str]) -> str:
    if isinstance(p, (ScalarParam, LengthParam)):
        body.append(f"  {_c_type(p.type)} a{i} = {_c_literal(p.type, v)};")
        return f"a{i}"
    if isinstance(p, StructParam):
        inits = ", ".join(_c_literal(t, x) for (_, t), x in zip(p.fields, v))
        body.append(f"  struct {_struct_name(p)} a{i} = {{ {inits} }};")
        return f"a{i}"
    if isinstance(p, StructPtrParam):
        _declare_struct_ptr(i, p, v, body)
        return f"a{i}"
    if isinstance(p, StringParam):
        data = bytes(v)
        body.append(f"  size_t a{i}_bytes = {len(data) + 1};")
        body.append(f"  char *a{i} = llmcc_alloc_data(a{i}_bytes, 1);")
        body.append(f"  memcpy(a{i}, {_c_bytes(data)}, a{i}_bytes);")
        body.append(f"  const void *a{i}_base = a{i}; (void)a{i}_base;")
        return f"a{i}"
    assert isinstance(p, BufferParam) and isinstance(v, BufferValue)
    t = _c_type(p.elem)
    if v.alias_of is not None:
        body.append(f"  {t} *a{i} = a{v.alias_of}_all + {v.alias_offset};")
        body.append(f"  const void *a{i}_base = a{v.alias_of}_base; size_t a{i}_bytes = a{v.alias_of}_bytes;")
        return f"a{i}"
    n = len(v.items)
    body.append(f"  size_t a{i}_bytes = {n} * sizeof({t});")
    body.append(f"  {t} *a{i}_all = llmcc_alloc_data(a{i}_bytes, sizeof({t}));")
    if n:
        items = ", ".join(_c_literal(p.elem, x) for x in v.items)
        body.append(f"  static const {t} a{i}_init[{n}] = {{ {items} }};")
        body.append(f"  memcpy(a{i}_all, a{i}_init, a{i}_bytes);")
    body.append(f"  {t} *a{i} = a{i}_all; const void *a{i}_base = a{i}_all;")
    return f"a{i}"


def _declare_struct_ptr(i: int, p: StructPtrParam, v: tuple, body: list[str]) -> None:
    """A zeroed struct object with explicit field values; pointer fields own real buffers."""
    body.append(f"  struct {_pstruct_name(p)} *a{i} = llmcc_alloc(sizeof *a{i});")
    body.append(f"  const void *a{i}_base = a{i}; size_t a{i}_bytes = sizeof *a{i};")
    for k, (f, x) in enumerate(zip(p.fields, v)):
        if f.kind == "scalar":
            body.append(f"  a{i}->f{k} = {_c_literal(f.type, x)};")
        elif f.kind == "array":
            items = ", ".join(_c_literal(f.type, item) for item in x)
            body.append(f"  {{ static const {_c_type(f.type)} init[{f.count}] = {{ {items} }}; memcpy(a{i}->f{k}, init, sizeof init); }}")
        elif f.kind == "pointer":
            t = _c_type(f.type)
            n = len(x.items)
            body.append(f"  size_t a{i}_p{k}_bytes = {n} * sizeof({t}); {t} *a{i}_p{k} = llmcc_alloc(a{i}_p{k}_bytes);")
            if n:
                items = ", ".join(_c_literal(f.type, item) for item in x.items)
                body.append(f"  {{ static const {t} init[{n}] = {{ {items} }}; memcpy(a{i}_p{k}, init, sizeof init); }}")
            body.append(f"  a{i}->f{k} = a{i}_p{k};")


def _generated_struct_ptr(i: int, p: StructPtrParam, inits: list, body: list[str]) -> None:
    """A struct object for a sized call: scalar fields from ``inits`` (C expressions, None
    for length fields: ``llmcc_n``), arrays and pointed-to buffers from the generator."""
    body.append(f"  struct {_pstruct_name(p)} *a{i} = llmcc_alloc(sizeof *a{i});")
    body.append(f"  const void *a{i}_base = a{i}; size_t a{i}_bytes = sizeof *a{i};")
    for k, f in enumerate(p.fields):
        if f.kind == "scalar":
            value = inits[k] if inits[k] is not None else f"({_c_type(f.type)})llmcc_n"
            body.append(f"  a{i}->f{k} = {value};")
        elif f.kind == "array" and inits[k] is not None:
            # A rare call's pattern (``inputs.ARRAY_ZERO``...): generated (-2), all zero
            # (-1), only element e non-zero (e), e over a sparse background (-3 - e).
            body.append(f"  {{ long hot = {inits[k]}; int gen = hot == -2, sparse = hot <= -3;")
            body.append("    if (sparse) hot = -3 - hot;")
            body.append(f"    for (size_t k = 0; k < {f.count}; k++) a{i}->f{k}[k] = gen ? {_random_expr(f.type)}"
                        f" : sparse && llmcc_next() % 64 == 0 ? {_nonzero_expr(f.type)} : 0;")
            body.append(f"    if (hot >= 0) a{i}->f{k}[hot] = {_one_bit_expr(f.type, 'hot')}; }}")
        elif f.kind == "array":
            body.append(f"  for (size_t k = 0; k < {f.count}; k++) a{i}->f{k}[k] = {_random_expr(f.type)};")
        elif f.kind == "pointer":
            t = _c_type(f.type)
            n = "llmcc_n" if f.length_field is not None else f"(llmcc_n > {gen.STRUCT_BUFFER_ELEMENTS} ? llmcc_n : {gen.STRUCT_BUFFER_ELEMENTS})"
            body.append(f"  size_t a{i}_p{k}_bytes = {n} * sizeof({t}); {t} *a{i}_p{k} = llmcc_alloc(a{i}_p{k}_bytes);")
            body.append(f"  for (size_t k = 0; k < a{i}_p{k}_bytes / sizeof({t}); k++) a{i}_p{k}[k] = {_random_expr(f.type)};")
            body.append(f"  a{i}->f{k} = a{i}_p{k};")


def _dump_struct_ptr(i: int, p: StructPtrParam, body: list[str]) -> None:
    """Every field after the call; a pointer field as an offset into its own buffer (or
    null / elsewhere), then that buffer's bytes."""
    for k, f in enumerate(p.fields):
        label = f"a{i}.{f.name}"
        if f.kind in ("scalar", "array"):
            _canon(body, f"&a{i}->f{k}", f"sizeof a{i}->f{k}", f.type)
            body.append(f"  llmcc_dump(\"{label}\", &a{i}->f{k}, sizeof a{i}->f{k});")
        elif f.kind == "pointer":
            body.append(f"  if (!llmcc_dump_ptr(\"{label}\", a{i}->f{k}, a{i}_p{k}, a{i}_p{k}_bytes, {k}))"
                        f" printf(a{i}->f{k} ? \"{label}: elsewhere\\n\" : \"{label}: null\\n\");")
            _canon(body, f"a{i}_p{k}", f"a{i}_p{k}_bytes", f.type)
            body.append(f"  llmcc_dump(\"{label}[]\", a{i}_p{k}, a{i}_p{k}_bytes);")
        else:
            body.append(f"  printf(a{i}->f{k} ? \"{label}: set\\n\" : \"{label}: null\\n\");")


def _note_buffers(sig: FunctionSignature, values: tuple | None, body: list[str]) -> None:
    """Tell the state table where the argument buffers are, so a global that ends up
    pointing into one is printed as ``&bufI+offset`` (addresses differ between runs)."""
    for i, p in enumerate(sig.params):
        owner = isinstance(p, (StringParam, StructPtrParam)) or (
            isinstance(p, BufferParam) and (values is None or values[i].alias_of is None))
        if owner:
            body.append(f"  llmcc_note(\"buf{i}\", a{i}_base, a{i}_bytes);")
        if isinstance(p, StructPtrParam):
            body += [f"  llmcc_note(\"a{i}.{f.name}[]\", a{i}_p{k}, a{i}_p{k}_bytes);"
                     for k, f in enumerate(p.fields) if f.kind == "pointer"]


def _canon(body: list[str], address: str, size: str, t: ScalarType | None) -> None:
    """For a floating-point output: the statement making its every NaN the quiet NaN
    (``llmcc_canon_nan``) before it is printed or hashed."""
    if t is not None and t.is_float:
        body.append(f"  llmcc_canon_nan({address}, {size}, {t.size});")


def _dump_buffers(sig: FunctionSignature, values: tuple | None, body: list[str]) -> None:
    """Print every buffer the call could have written (aliases are covered by their owner)."""
    for i, p in enumerate(sig.params):
        if isinstance(p, BufferParam):
            if values is not None and values[i].alias_of is not None:
                continue
            _canon(body, f"(void *)a{i}_base", f"a{i}_bytes", p.elem)
            body.append(f"  llmcc_dump(\"buf{i}\", a{i}_base, a{i}_bytes);")
        elif isinstance(p, StringParam) and p.mutable:
            body.append(f"  llmcc_dump(\"buf{i}\", a{i}_base, a{i}_bytes);")
        elif isinstance(p, StructPtrParam):
            _dump_struct_ptr(i, p, body)


def _render_sized(sig: FunctionSignature, inp: FunctionInput) -> str:
    body = [f"  llmcc_seed({inp.seed}ULL);", f"  size_t llmcc_n = {inp.size};"]
    scalars = [None if i >= len(inp.scalars) else inp.scalars[i] for i in range(len(sig.params))]
    args = _generated_args(sig, [_struct_ptr_inits(p, v) if isinstance(p, StructPtrParam) else _scalar_init(p, v)
                                 for p, v in zip(sig.params, scalars)], body)
    _note_buffers(sig, None, body)
    _emit_call_and_dump(sig, args, body)
    _dump_buffers(sig, None, body)
    body.append("  llmcc_post();")   # before the timing repeats, whose count varies
    body.append(f"  LLMCC_REPEAT_TIMING({_call_expr(sig, args)});")
    return f"static void run_scale_{inp.index}(void) {{\n" + "\n".join(body) + "\n}\n"


def _struct_ptr_inits(p: StructPtrParam, values: tuple | None) -> list:
    """C literals of a pointed-to struct's scalar fields (None: generated or ``llmcc_n``)."""
    values = values or (None,) * len(p.fields)
    return [_c_literal(f.type, x) if f.kind == "scalar" and x is not None else None
            for f, x in zip(p.fields, values)]


def _scalar_init(p: ParamSpec, value) -> str | None:
    """C initializer of a scalar or by-value struct parameter (None for the others)."""
    if isinstance(p, ScalarParam):
        return _c_literal(p.type, value)
    if isinstance(p, StructParam):
        return "{ " + ", ".join(_c_literal(t, x) for (_, t), x in zip(p.fields, value)) + " }"
    return None


def _generated_args(sig: FunctionSignature, inits: list, body: list[str]) -> list[str]:
    """Declare the arguments of a sized call: buffers and strings of ``llmcc_n`` elements
    from the seeded generator, length parameters = ``llmcc_n``, scalars from ``inits``."""
    args = []
    for i, p in enumerate(sig.params):
        if isinstance(p, LengthParam):
            body.append(f"  {_c_type(p.type)} a{i} = ({_c_type(p.type)}){_capped_n(p)};")
        elif isinstance(p, ScalarParam):
            body.append(f"  {_c_type(p.type)} a{i} = {inits[i]};")
        elif isinstance(p, StructParam):
            body.append(f"  struct {_struct_name(p)} a{i} = {inits[i]};")
        elif isinstance(p, StructPtrParam):
            _generated_struct_ptr(i, p, inits[i] or [None] * len(p.fields), body)
        elif isinstance(p, StringParam):
            body.append(f"  size_t a{i}_bytes = llmcc_n + 1;")
            body.append(f"  char *a{i} = llmcc_alloc_data(a{i}_bytes, 1);")
            body.append(f"  for (size_t k = 0; k + 1 < a{i}_bytes; k++) a{i}[k] = (char)(32 + llmcc_next() % 95);")
            body.append(f"  const void *a{i}_base = a{i}; (void)a{i}_base;")
        else:
            if p.fixed_length is not None:
                n = str(p.fixed_length)
            elif p.row_length:
                n = f"({_capped_n(sig.params[p.length_param])} * {p.row_length})"
            else:
                n = "llmcc_n"
            t = _c_type(p.elem)
            body.append(f"  size_t a{i}_bytes = {n} * sizeof({t});")
            body.append(f"  {t} *a{i} = llmcc_alloc_data(a{i}_bytes, sizeof({t})); const void *a{i}_base = a{i};")
            if p.lookup_table:
                # Half the calls get a non-decreasing table of small values (as the
                # correctness inputs do: see ``inputs.ascending_items``), half random contents.
                start = "0" if (p.elem.is_bool or not p.elem.signed) else "(long long)(llmcc_next() % 4) - 2"
                body.append(f"  if (llmcc_next() & 1) {{ long long v = {start};")
                body.append(f"    for (size_t k = 0; k < {n}; k++) {{ a{i}[k] = ({t})v; v += (long long)(llmcc_next() % 6) / 2; }}")
                body.append(f"  }} else for (size_t k = 0; k < {n}; k++) a{i}[k] = {_random_expr(p.elem)};")
            else:
                body.append(f"  for (size_t k = 0; k < {n}; k++) a{i}[k] = {_random_expr(p.elem)};")
        args.append(f"a{i}")
    return args


def _capped_n(p: ParamSpec) -> str:
    """The C value of a length parameter in a sized call: ``llmcc_n``, or at most its cap."""
    cap = getattr(p, "cap", None)
    return "llmcc_n" if cap is None else f"(llmcc_n < {cap} ? llmcc_n : (size_t){cap})"


def _render_rare(sig: FunctionSignature, inp: FunctionInput) -> str:
    """Tables of the input's calls, one function making call ``c``, and the run over all of
    them (each in a forked child: ``llmcc_run_calls``)."""
    k, calls = inp.index, inp.calls
    count = len(calls)
    out = [f"static const size_t rare{k}_size[{count}] = {{ {', '.join(str(c.size) for c in calls)} }};",
           f"static const uint64_t rare{k}_seed[{count}] = {{ {', '.join(f'{c.seed}ULL' for c in calls)} }};"]
    inits: list = []
    for i, p in enumerate(sig.params):
        if isinstance(p, (ScalarParam, StructParam)):
            ctype = _c_type(p.type) if isinstance(p, ScalarParam) else f"struct {_struct_name(p)}"
            values = ", ".join(_scalar_init(p, c.scalars[i]) for c in calls)
            out.append(f"static const {ctype} rare{k}_a{i}[{count}] = {{ {values} }};")
            inits.append(f"rare{k}_a{i}[c]")
        elif isinstance(p, StructPtrParam):
            fields = []
            for j, f in enumerate(p.fields):
                if f.kind == "array":
                    # -2: generated contents, else an ``inputs.ARRAY_ZERO``... pattern.
                    patterns = [c.scalars[i][j] if c.scalars[i] and c.scalars[i][j] is not None else -2
                                for c in calls]
                    if any(x != -2 for x in patterns):
                        out.append(f"static const long rare{k}_a{i}_h{j}[{count}] = {{ {', '.join(map(str, patterns))} }};")
                        fields.append(f"rare{k}_a{i}_h{j}[c]")
                    else:
                        fields.append(None)
                    continue
                if f.kind != "scalar":
                    fields.append(None)
                    continue
                # A length field nobody set follows the call's size.
                values = ", ".join(_c_literal(f.type, c.scalars[i][j] if c.scalars[i] and c.scalars[i][j] is not None
                                              else min(c.size, f.type.max)) for c in calls)
                out.append(f"static const {_c_type(f.type)} rare{k}_a{i}_f{j}[{count}] = {{ {values} }};")
                fields.append(f"rare{k}_a{i}_f{j}[c]")
            inits.append(fields)
        else:
            inits.append(None)
    body = [f"  llmcc_seed(rare{k}_seed[c]);", f"  size_t llmcc_n = rare{k}_size[c];"]
    args = _generated_args(sig, inits, body)
    _note_buffers(sig, None, body)
    _emit_call_and_dump(sig, args, body)
    _dump_buffers(sig, None, body)
    body.append("  llmcc_post();")
    out.append(f"static void rare{k}_call(size_t c) {{\n" + "\n".join(body) + "\n}")
    out.append(f"static void run_rare_{k}(void) {{ llmcc_run_calls(rare{k}_call, {count}); }}\n")
    return "\n".join(out)


def _one_bit_expr(t: ScalarType, index: str) -> str:
    """A non-zero value of ``t`` with one bit set, at a position that moves with ``index``."""
    if t.is_bool:
        return "(_Bool)1"
    if t.is_float:
        return f"({t.name})(1 << ({index} % 16))"
    return f"({t.name})(1ULL << ({index} % {t.bits}))"


def _nonzero_expr(t: ScalarType) -> str:
    if t.is_bool:
        return "(_Bool)1"
    if t.is_float:
        return f"({t.name})(1.0 + llmcc_unit() * 999.0)"
    return f"({t.name})(llmcc_next() | 1)"


def _random_expr(t: ScalarType) -> str:
    if t.is_bool:
        return "(_Bool)(llmcc_next() & 1)"
    if t.is_float:
        return f"({t.name})(llmcc_unit() * 2000.0 - 1000.0)"
    return f"({t.name})llmcc_next()"


def _render_batch(sig: FunctionSignature, inp: FunctionInput) -> str:
    """Scalar-only function: many calls with generated arguments, results hashed."""
    body = [f"  llmcc_seed({inp.seed}ULL);", "  uint64_t llmcc_h = 14695981039346656037ULL;",
            "  llmcc_start();", f"  for (size_t it = 0; it < {inp.size}; it++) {{"]
    args = []
    for i, p in enumerate(sig.params):
        if isinstance(p, StructParam):
            inits = ", ".join(_random_expr(t) for _, t in p.fields)
            body.append(f"    struct {_struct_name(p)} a{i} = {{ {inits} }};")
        else:
            body.append(f"    {_c_type(p.type)} a{i} = {_random_expr(p.type)};")
        args.append(f"a{i}")
    call = _call_expr(sig, args)
    body.append(f"    {_return_c(sig.returns)} llmcc_r = {call};")
    if sig.returns.kind == "struct":
        for k in range(len(sig.returns.struct.fields)):
            _canon(body, f"&llmcc_r.f{k}", f"sizeof llmcc_r.f{k}", sig.returns.struct.fields[k][1])
            body.append(f"    llmcc_h = llmcc_fnv(llmcc_h, &llmcc_r.f{k}, sizeof llmcc_r.f{k});")
    else:
        _canon(body, "&llmcc_r", "sizeof llmcc_r", sig.returns.type)
        body.append("    llmcc_h = llmcc_fnv(llmcc_h, &llmcc_r, sizeof llmcc_r);")
    body += ["  }", "  llmcc_stop();", "  llmcc_dump(\"batch\", &llmcc_h, sizeof llmcc_h);", "  llmcc_post();"]
    return f"static void run_scale_{inp.index}(void) {{\n" + "\n".join(body) + "\n}\n"


def _render_main(n_correctness: int, n_scale: int, n_rare: int = 0) -> str:
    lines = ["int main(int argc, char **argv) {",
             "  if (argc != 3) { fprintf(stderr, \"usage: %s correctness|scale|rare INDEX\\n\", argv[0]); return 2; }",
             "  int idx = atoi(argv[2]);",
             "  llmcc_misalign_next = (unsigned)idx * 5u;   /* each input starts its buffers elsewhere */"]
    for kind, n in (("correctness", n_correctness), ("scale", n_scale), ("rare", n_rare)):
        if n == 0:
            continue
        lines.append(f"  if (strcmp(argv[1], \"{kind}\") == 0) switch (idx) {{")
        lines += [f"    case {k}: run_{kind}_{k}(); return 0;" for k in range(n)]
        lines.append("  }")
    lines += ["  fprintf(stderr, \"no such input: %s %s\\n\", argv[1], argv[2]);", "  return 2;", "}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- observed state


@dataclass(frozen=True)
class TrackedObject:
    """A data object of the TU whose bytes every test run prints before and after the call.

    ``name`` is how it is shown (``counter``, ``f.calls``); ``symbol`` is the link name the
    state table refers to (the object's own name for globals and stubbed extern data; for a
    static, the name it gets in the test copy of the object, see
    ``llmcc.verify.difftest.prepare_object``); ``size`` in bytes; ``origin`` is
    ``"global"``, ``"static"`` or ``"extern"`` (stubbed by the test link)."""

    name: str
    symbol: str
    size: int
    origin: str

    def to_json(self) -> dict:
        return {"name": self.name, "symbol": self.symbol, "size": self.size, "origin": self.origin}

    @classmethod
    def from_json(cls, d: dict) -> "TrackedObject":
        return cls(name=d["name"], symbol=d["symbol"], size=int(d["size"]), origin=d["origin"])


STATIC_PREFIX = "__llmcc_st_"
STATE_HEX_BYTES = 256            # observed objects bigger than this are printed as a hash
MAX_NOTED_BUFFERS = 64


def static_link_name(name: str) -> str:
    """The global name a file-scope or function-local static gets in the test copy of an
    object: a reserved prefix (no clash with the program's or libc's names) and the local
    name with every non-identifier byte spelled as ``_XX`` (``f.calls`` -> ``f_2ecalls``)."""
    return STATIC_PREFIX + "".join(c if (c.isalnum() and c.isascii()) else f"_{ord(c):02x}" for c in name)


_STATE_PRELUDE = r"""/* Generated by llmcc: the state every differential-test run observes. Do not edit. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct llmcc_obj { const char *name; const unsigned char *addr; size_t size; };
struct llmcc_buf { const char *label; const unsigned char *base; size_t bytes; };
static struct llmcc_buf llmcc_bufs[MAX_NOTED_BUFFERS];
static int llmcc_nbufs, llmcc_done;

void llmcc_state_note_buffer(const char *label, const void *base, size_t bytes) {
  if (llmcc_nbufs < MAX_NOTED_BUFFERS)
    llmcc_bufs[llmcc_nbufs++] = (struct llmcc_buf){label, (const unsigned char *)base, bytes};
}

/* Addresses differ between the reference and the candidate executable (and between runs):
   an aligned word that points into an observed object or a noted buffer is printed as
   &name+offset, any other word that looks like a user-space address as "ptr". */
static int llmcc_symbolize(uint64_t v, char *out, size_t cap) {
  for (size_t k = 0; k < LLMCC_NOBJS; k++) {
    uint64_t lo = (uint64_t)(uintptr_t)llmcc_objs[k].addr;
    if (lo && v >= lo && v <= lo + llmcc_objs[k].size) {
      snprintf(out, cap, "[&%s+%llu]", llmcc_objs[k].name, (unsigned long long)(v - lo));
      return 1;
    }
  }
  for (int k = 0; k < llmcc_nbufs; k++) {
    uint64_t lo = (uint64_t)(uintptr_t)llmcc_bufs[k].base;
    if (v >= lo && v <= lo + llmcc_bufs[k].bytes) {
      snprintf(out, cap, "[&%s+%llu]", llmcc_bufs[k].label, (unsigned long long)(v - lo));
      return 1;
    }
  }
  if (v >= 0x500000000000ULL && v < 0x800000000000ULL) { snprintf(out, cap, "[ptr]"); return 1; }
  return 0;
}

/* Normalized bytes of one object: printed in hex up to HASH_ABOVE_BYTES, else hashed
   (a TU may hold hundreds of objects: two dumps per run must stay small). */
static void llmcc_state_one(const char *phase, const struct llmcc_obj *o) {
  if (!o->addr) { printf("%s.%s: absent\n", phase, o->name); return; }
  int hash = o->size > HASH_ABOVE_BYTES;
  uint64_t h = 14695981039346656037ULL;
  char tok[96];
  if (!hash) printf("%s.%s:", phase, o->name);
  for (size_t i = 0; i < o->size;) {
    const unsigned char *p = o->addr + i;
    uint64_t v;
    if (((uintptr_t)p & 7) == 0 && i + 8 <= o->size) {
      memcpy(&v, p, 8);
      if (llmcc_symbolize(v, tok, sizeof tok)) {
        if (hash) for (const char *c = tok; *c; c++) { h ^= (unsigned char)*c; h *= 1099511628211ULL; }
        else fputs(tok, stdout);
        i += 8;
        continue;
      }
    }
    if (hash) { h ^= *p; h *= 1099511628211ULL; } else printf("%02x", *p);
    i++;
  }
  if (hash) printf("%s.%s: len=%zu fnv=%016llx\n", phase, o->name, o->size, (unsigned long long)h);
  else printf("\n");
}

/* phase NULL: the harness took care of the dumps (no dump at exit). */
void llmcc_state_dump(const char *phase) {
  if (!phase) { llmcc_done = 1; return; }
  for (size_t k = 0; k < LLMCC_NOBJS; k++) llmcc_state_one(phase, &llmcc_objs[k]);
  llmcc_done = 1;
}

/* "pre" before main (the initial state, as the call finds it); a harness that never
   dumps (a model-written test generator) still shows the state it left, at exit. */
__attribute__((constructor)) static void llmcc_state_pre(void) { llmcc_state_dump("pre"); llmcc_done = 0; }
__attribute__((destructor)) static void llmcc_state_exit(void) { if (!llmcc_done) llmcc_state_dump("exit"); }
"""


def render_state_table(objects: "list[TrackedObject] | tuple[TrackedObject, ...]") -> str:
    """C source of the state-table object linked with a test harness: weak references to
    every tracked object (absent in a candidate that lacks it: printed ``absent``, which
    differs from the reference) and ``llmcc_state_dump(phase)`` printing each one's
    normalized bytes as ``phase.name:hex`` lines on stdout."""
    decls, rows = [], []
    for k, o in enumerate(objects):
        if not C_SYMBOL.fullmatch(o.symbol):
            raise ValueError(f"unusable link name {o.symbol!r}")
        decls.append(f'extern const unsigned char llmcc_o{k}[] __asm__("{o.symbol}") __attribute__((weak));')
        label = o.name.replace("\\", "_").replace('"', "_")
        rows.append(f'  {{"{label}", llmcc_o{k}, {int(o.size)}}},')
    table = ("static const struct llmcc_obj llmcc_objs[] = {\n" + "\n".join(rows)
             + ("\n" if rows else "") + '  {"", 0, 0}\n};\n'
             f"#define LLMCC_NOBJS {len(objects)}\n")
    prelude = _STATE_PRELUDE.replace("HASH_ABOVE_BYTES", str(STATE_HEX_BYTES)).replace(
        "MAX_NOTED_BUFFERS", str(MAX_NOTED_BUFFERS))
    head, tail = prelude.split("void llmcc_state_note_buffer", 1)
    return head + "\n".join(decls) + "\n" + table + "\nvoid llmcc_state_note_buffer" + tail


C_SYMBOL = re.compile(r"[A-Za-z_.$][A-Za-z0-9_.$]*")
