"""Seeded test-input generation for differential testing (ACCLAIM's testing agent, made
deterministic).

Two families, both fully determined by ``seed``:

* **correctness inputs** (``C``, default 10) probe edges: 0, +-1, the type's min/max,
  small primes, powers of two +-1, empty / length-1 / odd-length buffers, strings with
  awkward bytes, and aliasing pointer pairs where overlap is legal; random values from
  ``random.Random(seed)`` are mixed in.
* **scale inputs** (``L``, default 5) grow over orders of magnitude with their index ``i``
  (buffer length ``3 * 10**(i+1)``, or a batch of ``3 * 10**(i+2)`` calls for scalar-only
  functions). Their bulk data is produced *inside* the harness by a seeded xorshift
  generator, so the harness source stays small; only the seed and size are recorded here.

Contents aim at the paths real data takes: array fields of a pointed-to struct (counters,
frequency tables) are all zero in every fourth edge input and sparse in the next, and rare
inputs set each of their elements alone (``one_hot_slots``); a pointer without a length (a
table the code searches) holds a non-decreasing table of small values in half the inputs
(``ascending_items``), so keys equal, fall between and fall outside its entries.

The parameter model (``ScalarType`` and the ``*Param`` classes) lives here because the
generator needs it; ``llmcc.verify.harness`` fills it from clang's AST.
"""
from __future__ import annotations

import hashlib
import random
import struct
from dataclasses import dataclass
from typing import Union

DEFAULT_CORRECTNESS = 10
DEFAULT_SCALE = 5
# Buffer lengths of scale input i are SCALE_FACTOR * 10**(i+1) elements, capped at
# MAX_SCALE_ELEMENTS so a linear kernel at -O3 stays well under ~0.3 s; the evaluator
# additionally drops scale inputs on which the reference itself runs too long.
SCALE_FACTOR = 3
MAX_SCALE_ELEMENTS = 1_000_000
MAX_BATCH_CALLS = 3_000_000
# Lengths used by correctness inputs, in order: empty, single, odd, power of two +-1.
CORRECTNESS_LENGTHS = (0, 1, 3, 8, 17, 2, 7, 33, 64, 5, 1, 15)
# Correctness inputs spell every element out in the harness source: a ``T (*p)[K]`` buffer
# gets at most this many elements (whole rows, at least one), e.g. 9 rows of 450 doubles.
CORRECTNESS_ROW_ELEMENTS = 4096


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class ScalarType:
    """A C arithmetic type by its canonical spelling (as clang prints it)."""

    name: str
    size: int          # bytes
    signed: bool = True
    is_float: bool = False
    is_bool: bool = False

    @property
    def bits(self) -> int:
        return self.size * 8

    @property
    def min(self) -> int:
        if self.is_bool or not self.signed:
            return 0
        return -(1 << (self.bits - 1))

    @property
    def max(self) -> int:
        if self.is_bool:
            return 1
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


SCALAR_TYPES: dict[str, ScalarType] = {t.name: t for t in (
    ScalarType("_Bool", 1, signed=False, is_bool=True),
    ScalarType("char", 1, signed=True),          # x86-64: plain char is signed
    ScalarType("signed char", 1),
    ScalarType("unsigned char", 1, signed=False),
    ScalarType("short", 2),
    ScalarType("unsigned short", 2, signed=False),
    ScalarType("int", 4),
    ScalarType("unsigned int", 4, signed=False),
    ScalarType("long", 8),
    ScalarType("unsigned long", 8, signed=False),
    ScalarType("long long", 8),
    ScalarType("unsigned long long", 8, signed=False),
    ScalarType("float", 4, is_float=True),
    ScalarType("double", 8, is_float=True),
)}
# Spellings clang may print for the same canonical types.
SCALAR_ALIASES = {"short int": "short", "long int": "long", "long long int": "long long",
                  "unsigned": "unsigned int", "unsigned short int": "unsigned short",
                  "unsigned long int": "unsigned long",
                  "unsigned long long int": "unsigned long long", "bool": "_Bool"}


def scalar_type(name: str) -> ScalarType | None:
    """The ``ScalarType`` for a canonical C spelling, or None if it is not a scalar we handle."""
    name = " ".join(name.split())
    return SCALAR_TYPES.get(SCALAR_ALIASES.get(name, name))


@dataclass(frozen=True)
class ScalarParam:
    name: str
    type: ScalarType
    # Values that name the cases of the function (an enum's enumerators): the correctness
    # inputs cycle through them next to the other parameters' edges, so each case meets
    # every edge; other values of the type are still drawn too.
    choices: tuple[int, ...] = ()


@dataclass(frozen=True)
class LengthParam:
    """An integer parameter that gives the element count of one or more buffers (the row
    count of row buffers). ``cap``: the largest value the tests give it, set when it counts
    rows of ``T (*p)[K]``: K if it also bounds an inner index, else the scale budget's
    row count (see ``harness.LOOKUP_ELEMENTS``'s note)."""

    name: str
    type: ScalarType
    cap: int | None = None


@dataclass(frozen=True)
class BufferParam:
    """``T *p`` (with ``length_param`` = index of its length parameter), ``T p[N]``, a
    pointer without a length (``fixed_length`` = an extent, ``extent_from`` says where it
    comes from), or ``T (*p)[K]`` (``row_length`` = K: the buffer holds ``length * K``
    elements, its length parameter counts rows)."""

    name: str
    elem: ScalarType
    const: bool = False
    restrict: bool = False
    length_param: int | None = None
    fixed_length: int | None = None
    is_void: bool = False          # declared ``void *``: bytes
    row_length: int | None = None
    extent_from: str = ""          # fixed_length's origin: "declared" | "code constant" | "default"

    @property
    def unit(self) -> int:
        """Elements per unit of the length parameter (1, or K for ``T (*p)[K]``)."""
        return self.row_length or 1

    @property
    def lookup_table(self) -> bool:
        """A pointer without any length: the code indexes it by values (a table)."""
        return self.extent_from in ("code constant", "default")


@dataclass(frozen=True)
class StringParam:
    """``const char *`` (or mutable ``char *`` without a length): NUL-terminated."""

    name: str
    mutable: bool = False


@dataclass(frozen=True)
class StructParam:
    """A struct passed by value whose fields are all scalars."""

    name: str
    tag: str
    fields: tuple[tuple[str, ScalarType], ...]


@dataclass(frozen=True)
class FieldSpec:
    """A field of a struct reached through a pointer argument.

    ``kind``: ``"scalar"``; ``"array"`` (``T f[count]``); ``"pointer"`` (``T *f``: points
    to a real buffer the harness allocates and dumps after the call; ``length_field`` is
    the sibling integer field giving its length, if any); ``"opaque"`` (a pointer to
    anything else: a struct, a function, an incomplete type; left NULL)."""

    name: str
    kind: str
    type: ScalarType | None = None
    count: int = 1
    length_field: int | None = None
    is_void: bool = False


@dataclass(frozen=True)
class StructPtrParam:
    """``struct S *p``: one object of the struct, fields set from their types (edge and
    random scalars, filled arrays, pointer fields bound to real buffers), dumped field by
    field after the call together with the buffers its pointer fields point to."""

    name: str
    tag: str
    fields: tuple[FieldSpec, ...]
    const: bool = False

    def length_fields(self) -> set[int]:
        return {f.length_field for f in self.fields if f.length_field is not None}


# Elements of the buffer a pointer field without a length field points to (at least).
STRUCT_BUFFER_ELEMENTS = 64


def _field_size_align(f: FieldSpec) -> tuple[int, int]:
    if f.kind == "scalar":
        return f.type.size, f.type.size
    if f.kind == "array":
        return f.type.size * f.count, f.type.size
    return 8, 8                                  # a pointer (x86-64)


def struct_layout(p: StructPtrParam) -> tuple[int, tuple[int, ...]]:
    """(sizeof, field offsets) of the struct ``p`` points to, as C lays it out on x86-64
    (each field at its alignment, the size rounded up to the largest): the same layout the
    harness declares (``harness._field_c_decl``), hence the original's."""
    offset, align, offsets = 0, 1, []
    for f in p.fields:
        size, a = _field_size_align(f)
        offset = (offset + a - 1) // a * a
        offsets.append(offset)
        offset += size
        align = max(align, a)
    return (offset + align - 1) // align * align, tuple(offsets)


def pointer_free(p: StructPtrParam) -> bool:
    """Every field is a scalar or an array of scalars (so the object is just its bytes)."""
    return all(f.kind in ("scalar", "array") for f in p.fields)


def as_byte_buffer(p: StructPtrParam) -> BufferParam:
    """A pointer-free struct pointer seen as a fixed buffer of its bytes (``void *`` of
    ``sizeof`` bytes): for a driver that only knows buffers (the fuzz target)."""
    if not pointer_free(p):
        raise ValueError(f"struct {p.tag} holds pointers")
    return BufferParam(p.name, SCALAR_TYPES["unsigned char"], const=p.const,
                       fixed_length=struct_layout(p)[0], is_void=True, extent_from="declared")


def struct_bytes(p: StructPtrParam, value: tuple) -> bytes:
    """The bytes of a pointer-free struct holding the correctness ``value`` (one entry per
    field: a number, or a tuple for an array), padding zero."""
    size, offsets = struct_layout(p)
    out = bytearray(size)
    for f, at, v in zip(p.fields, offsets, value):
        items = v if f.kind == "array" else (v,)
        for k, x in enumerate(items):
            if f.type.is_float:
                data = struct.pack("<f" if f.type.size == 4 else "<d", float(x))
            else:
                data = (int(x) & ((1 << f.type.bits) - 1)).to_bytes(f.type.size, "little")
            out[at + k * f.type.size: at + (k + 1) * f.type.size] = data
    return bytes(out)

ParamSpec = Union[ScalarParam, LengthParam, BufferParam, StringParam, StructParam, StructPtrParam]


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class BufferValue:
    """Explicit contents, or a view into another buffer parameter (aliasing case)."""

    items: tuple = ()
    alias_of: int | None = None    # parameter index of the buffer this one points into
    alias_offset: int = 0          # element offset into that buffer


@dataclass(frozen=True)
class FunctionInput:
    """One call (correctness) or one scaled run (scale) of the function under test."""

    kind: str                      # "correctness" | "scale"
    index: int
    values: tuple = ()             # correctness: one value per parameter (see describe())
    size: int = 0                  # scale: buffer length, or number of calls in batch mode
    batch: bool = False            # scale: many calls with generated scalars
    seed: int = 0                  # scale: seed of the harness's xorshift generator
    scalars: tuple = ()            # scale: fixed values for scalar params (None = generated)
    calls: tuple = ()              # rare: the ``RareCall``s one harness run makes

    @property
    def argv(self) -> list[str]:
        return [self.kind, str(self.index)]

    @property
    def stdin(self) -> bytes:
        return b""

    def describe(self, params: tuple[ParamSpec, ...] = ()) -> str:
        """Readable text of the input, for counterexamples shown to agents and reports."""
        if self.kind == "rare":
            return f"rare {self.index}: {len(self.calls)} calls"
        if self.kind == "scale":
            what = f"{self.size} generated calls" if self.batch else f"buffers of {self.size} elements"
            return f"scale {self.index}: {what} (seed {self.seed})"
        parts = []
        for i, value in enumerate(self.values):
            name = params[i].name if i < len(params) else f"arg{i}"
            parts.append(f"{name}={_short(value)}")
        return f"correctness {self.index}: " + ", ".join(parts)


@dataclass(frozen=True)
class ProgramInput:
    """One run of a whole program: command-line arguments and stdin. ``origin``: "" for
    the built-in inputs, "model-written" for those a model's generator produced (shown in
    counterexamples, so a report says whose test caught a candidate)."""

    kind: str
    index: int
    args: tuple[str, ...] = ()
    stdin: bytes = b""
    origin: str = ""

    @property
    def argv(self) -> list[str]:
        return list(self.args)

    def describe(self, params: tuple = ()) -> str:
        shown = self.stdin[:200]
        more = f"... ({len(self.stdin)} bytes, sha256 {hashlib.sha256(self.stdin).hexdigest()[:12]})" \
            if len(self.stdin) > 200 else ""
        origin = f" ({self.origin})" if self.origin else ""
        return f"{self.kind} {self.index}{origin}: argv={list(self.args)!r} stdin={shown!r}{more}"


# A model-written program-input generator prints the program's stdin; an optional first
# line ``#ARGS a b c`` gives its command-line arguments (split at white space).
GENERATED_ARGS_PREFIX = b"#ARGS"
MAX_GENERATED_ARGS = 64
MAX_GENERATED_ARG_BYTES = 4096


def program_input_from_generator(kind: str, index: int, output: bytes) -> ProgramInput | None:
    """The ``ProgramInput`` a generator's ``output`` describes, or None when its argument
    line cannot be passed to a program (too many or too long arguments; a NUL byte cannot
    be in argv at all). The output is untrusted: nothing here may raise on it."""
    args: tuple[str, ...] = ()
    stdin = output
    if output.startswith(GENERATED_ARGS_PREFIX):
        line, _, stdin = output.partition(b"\n")
        words = line[len(GENERATED_ARGS_PREFIX):].split()
        if len(words) > MAX_GENERATED_ARGS or any(len(w) > MAX_GENERATED_ARG_BYTES or b"\0" in w for w in words):
            return None
        args = tuple(w.decode("utf-8", errors="surrogateescape") for w in words)
    return ProgramInput(kind, index, args=args, stdin=stdin, origin="model-written")


TestInput = Union[FunctionInput, ProgramInput]


def _short(value: object) -> str:
    if isinstance(value, BufferValue):
        if value.alias_of is not None:
            return f"&arg{value.alias_of}[{value.alias_offset}]"
        items = list(value.items)
        text = ", ".join(_number_text(v) for v in items[:16])
        return "{" + text + (", ..." if len(items) > 16 else "") + "}"
    if isinstance(value, (bytes, bytearray)):
        return repr(bytes(value))
    if isinstance(value, tuple):
        return "{" + ", ".join(_short(v) for v in value) + "}"
    if value is None:
        return "NULL"
    return _number_text(value)


def _number_text(v: object) -> str:
    return float(v).hex() if isinstance(v, float) else str(v)


# --------------------------------------------------------------------------- edge values


def _small_primes_and_powers(t: ScalarType) -> list[int]:
    values = [2, 3, 5, 7, 13, 31]
    for k in (7, 8, 15, 16, 31, 32, 63):
        values += [(1 << k) - 1, 1 << k, (1 << k) + 1]
    return [v for v in values if t.min <= v <= t.max]


def int_edges(t: ScalarType) -> list[int]:
    """Edge values of an integer type, most telling first (overflow pairs early)."""
    if t.is_bool:
        return [0, 1]
    edges = [0, 1, t.max, t.max - 1, 2]
    if t.signed:
        edges += [-1, t.min, t.min + 1, -2]
    else:
        edges += [t.max // 2, t.max // 2 + 1]
    edges += _small_primes_and_powers(t)
    if t.signed:
        edges += [-v for v in _small_primes_and_powers(t) if -v >= t.min][:6]
    seen: list[int] = []
    for v in edges:
        if v not in seen:
            seen.append(v)
    return seen


def float_edges(t: ScalarType) -> list[float]:
    """Edge values of float/double: signed zeros, +-1, halves, extremes, denormals, inf, NaN."""
    if t.size == 4:
        big, tiny, denorm = 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45
    else:
        big, tiny, denorm = 1.7976931348623157e308, 2.2250738585072014e-308, 5e-324
    return [0.0, 1.0, -1.0, -0.0, 0.5, -2.5, 3.0, big, -big, tiny, denorm,
            1e7 + 0.5 if t.size == 8 else 8388609.0, 0.1, float("inf"), float("-inf"), float("nan")]


def _as_float32(x: float) -> float:
    """Round to the nearest float32 so the harness literal is exact for a float param."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return float("inf") if x > 0 else float("-inf")


def random_scalar(t: ScalarType, rng: random.Random) -> int | float:
    """A random value of type ``t``: full-range bits for integers, a mix of magnitudes for floats."""
    if t.is_bool:
        return rng.randint(0, 1)
    if t.is_float:
        x = rng.choice([rng.uniform(-1000.0, 1000.0), rng.uniform(-1.0, 1.0),
                        rng.uniform(-1e6, 1e6), float(rng.randint(-100, 100))])
        return _as_float32(x) if t.size == 4 else x
    if rng.random() < 0.5:
        return rng.randint(max(t.min, -100), min(t.max, 100))
    return rng.randint(t.min, t.max)


def edge_scalar(t: ScalarType, position: int) -> int | float:
    """The ``position``-th edge value of ``t`` (cycling)."""
    edges = float_edges(t) if t.is_float else int_edges(t)
    return edges[position % len(edges)]


# --------------------------------------------------------------------------- strings


EDGE_STRINGS: tuple[bytes, ...] = (
    b"", b"a", b"hello, world", b"\x01\x7f\x80\xff", b"%s%n\\\"'", b"  leading and trailing  ",
    b"12345", b"A" * 17, b"\t\n\r\x1b", b"Zz09az",
)


def _random_string(rng: random.Random, length: int) -> bytes:
    return bytes(rng.randint(1, 255) for _ in range(length))


# --------------------------------------------------------------------------- function mode


def correctness_inputs(params: tuple[ParamSpec, ...], *, seed: int = 0,
                       count: int = DEFAULT_CORRECTNESS) -> list[FunctionInput]:
    """``count`` edge-probing inputs for a function with ``params``. Deterministic for ``seed``.

    The first ~70% cycle through edge values (each parameter at a different phase so
    extreme values meet each other, e.g. two INT_MAX); the rest are random. If two
    non-restrict buffers of the same element type share a length and one is writable, one
    input makes them alias exactly and one makes them overlap by one element.
    """
    rng = random.Random(seed)
    alias_pairs = _alias_pairs(params)
    alias_slots = _alias_slots(count, len(alias_pairs))
    inputs = []
    for j in range(count):
        use_edges = j < max(1, (count * 7) // 10)
        length = CORRECTNESS_LENGTHS[j % len(CORRECTNESS_LENGTHS)]
        values = [_value_for(p, pi, j, use_edges, length, rng) for pi, p in enumerate(params)]
        if j in alias_slots and alias_pairs:
            base, view = alias_pairs[alias_slots[j][0] % len(alias_pairs)]
            _make_alias(params, values, base, view, offset=alias_slots[j][1], rng=rng)
        _sync_lengths(params, values)
        inputs.append(FunctionInput("correctness", j, values=tuple(values)))
    return inputs


def _value_for(p: ParamSpec, pi: int, j: int, use_edges: bool, length: int,
               rng: random.Random) -> object:
    """The value of parameter ``p`` (index ``pi``) in correctness input ``j``."""
    phase = j + pi  # neighbours meet: (INT_MAX, INT_MAX-1), (INT_MIN, INT_MIN+1)
    if isinstance(p, (ScalarParam,)):
        if p.choices and j % 3 != 2:
            return p.choices[(j - j // 3) % len(p.choices)]
        return edge_scalar(p.type, phase) if use_edges else random_scalar(p.type, rng)
    if isinstance(p, LengthParam):
        return length                      # overwritten by _sync_lengths
    if isinstance(p, BufferParam):
        if p.fixed_length is not None:
            n = p.fixed_length
        elif p.row_length:
            # Whole rows; the length parameter's cap applies in _sync_lengths.
            n = min(length, max(1, CORRECTNESS_ROW_ELEMENTS // p.row_length)) * p.row_length
        else:
            n = length
        if p.lookup_table and j % 2 == 1:
            return BufferValue(items=ascending_items(p.elem, n, rng))
        items = tuple(_buffer_item(p.elem, phase + k, use_edges and k % 2 == 0, rng) for k in range(n))
        return BufferValue(items=items)
    if isinstance(p, StringParam):
        if use_edges:
            return EDGE_STRINGS[phase % len(EDGE_STRINGS)]
        return _random_string(rng, rng.randint(0, 40))
    if isinstance(p, StructParam):
        return tuple(edge_scalar(t, phase + k) if use_edges else random_scalar(t, rng)
                     for k, (_, t) in enumerate(p.fields))
    if isinstance(p, StructPtrParam):
        return struct_fields_value(p, phase, use_edges, length, rng)
    raise TypeError(f"unknown parameter kind {p!r}")


def struct_fields_value(p: StructPtrParam, phase: int, use_edges: bool, length: int,
                        rng: random.Random) -> tuple:
    """Field values of a pointed-to struct: scalars at edge (or random) values, arrays
    filled, pointer fields bound to ``length``-element buffers (their length fields set to
    ``length``), opaque pointers NULL."""
    lengths = p.length_fields()
    values: list = []
    for k, f in enumerate(p.fields):
        if f.kind == "scalar":
            if k in lengths:
                values.append(min(length, f.type.max))
            else:
                values.append(edge_scalar(f.type, phase + k) if use_edges else random_scalar(f.type, rng))
        elif f.kind == "array":
            values.append(array_fill(f.type, f.count, phase + k, use_edges, rng))
        elif f.kind == "pointer":
            n = length if f.length_field is not None else max(length, STRUCT_BUFFER_ELEMENTS)
            values.append(BufferValue(items=tuple(_buffer_item(f.type, phase + j, use_edges and j % 2 == 0, rng)
                                                  for j in range(n))))
        else:
            values.append(None)
    return tuple(values)


def array_fill(t: ScalarType, count: int, phase: int, use_edges: bool, rng: random.Random) -> tuple:
    """Contents of an array field. Counters and flags are mostly zero in real structs and
    code branches on "is this entry zero": every fourth edge input zeroes the whole
    array, the next makes it sparse (about one entry in 8 or in 64 non-zero, alternately);
    the others mix edge and random values. A third of the random inputs are sparse."""
    if use_edges and phase % 4 == 0:
        return tuple(_zero(t) for _ in range(count))
    if (use_edges and phase % 4 == 1) or (not use_edges and phase % 3 == 0):
        every = 8 if (phase // 4) % 2 == 0 else 64
        return tuple(_nonzero(t, rng) if rng.randrange(every) == 0 else _zero(t) for _ in range(count))
    return tuple(_buffer_item(t, phase + j, use_edges and j % 2 == 0, rng) for j in range(count))


def _zero(t: ScalarType) -> int | float:
    return 0.0 if t.is_float else 0


def _nonzero(t: ScalarType, rng: random.Random) -> int | float:
    v = random_scalar(t, rng)
    return v if v != 0 else (1.0 if t.is_float else 1)


def ascending_items(t: ScalarType, n: int, rng: random.Random) -> tuple:
    """``n`` non-decreasing small values with repeats (a cumulative table, a sorted key
    array): a search over a table needs keys that equal, fall between and fall outside
    its entries, which random full-range contents almost never give."""
    v = 0 if (t.is_bool or not t.signed) else rng.randint(-2, 1)
    items = []
    for _ in range(n):
        items.append(float(v) if t.is_float else v)
        v = min(t.max, v + rng.choice((0, 0, 1, 1, 2, 3)))
    return tuple(items)


def _buffer_item(t: ScalarType, position: int, edge: bool, rng: random.Random) -> int | float:
    return edge_scalar(t, position) if edge else random_scalar(t, rng)


def _alias_pairs(params: tuple[ParamSpec, ...]) -> list[tuple[int, int]]:
    """(base, view) index pairs of buffers that may legally overlap."""
    pairs = []
    buffers = [(i, p) for i, p in enumerate(params)
               if isinstance(p, BufferParam) and p.fixed_length is None and not p.restrict]
    for a_pos, (a, pa) in enumerate(buffers):
        for b, pb in buffers[a_pos + 1:]:
            same = (pa.elem == pb.elem and pa.length_param == pb.length_param
                    and pa.row_length == pb.row_length)
            if same and not (pa.const and pb.const):
                pairs.append((a, b))
    return pairs


def _alias_slots(count: int, n_pairs: int) -> dict[int, tuple[int, int]]:
    """Which correctness inputs become aliasing cases: {input index: (pair no., offset)}."""
    if n_pairs == 0 or count < 4:
        return {}
    # Late edge slots with non-trivial lengths: exact alias, then shifted by one each way.
    slots = {count - 1: (0, 0), count - 2: (0, 1), count - 3: (0, -1)}
    if n_pairs > 1 and count >= 6:
        slots[count - 4] = (1, 1)
    return slots


def _make_alias(params, values: list, base: int, view: int, *, offset: int,
                rng: random.Random) -> None:
    """Make ``values[view]`` point into ``values[base]`` (offset may be negative: then
    the base points into the view's storage instead)."""
    unit = params[base].unit
    units = len(values[base].items) // unit
    n = (max(8, units) if unit == 1 else max(1, units)) * unit   # at least 8 elements / 1 row
    shift = abs(offset)
    elem = params[base].elem
    storage = tuple(random_scalar(elem, rng) for _ in range(n + shift))
    owner, alias = (base, view) if offset >= 0 else (view, base)
    values[owner] = BufferValue(items=storage)
    values[alias] = BufferValue(alias_of=owner, alias_offset=shift)
    length_index = params[base].length_param
    if length_index is not None:
        values[length_index] = n // unit


def _sync_lengths(params: tuple[ParamSpec, ...], values: list) -> None:
    """Length params get the (smallest) length of the buffers bound to them (in rows, for
    row buffers); other buffers bound to the same length are resized so every pointer
    covers ``length`` units."""
    for li, lp in enumerate(params):
        if not isinstance(lp, LengthParam):
            continue
        bound = [i for i, p in enumerate(params) if isinstance(p, BufferParam) and p.length_param == li]
        explicit = [i for i in bound if values[i].alias_of is None]
        aliased = [i for i in bound if values[i].alias_of is not None]
        if aliased:
            # Already set by _make_alias: the owner holds length + shift elements.
            length = values[li]
        else:
            length = min((len(values[i].items) // params[i].unit for i in explicit), default=values[li])
        if lp.cap is not None:
            length = min(length, lp.cap)
        for i in explicit:
            items = values[i].items
            need = length * params[i].unit + (max((values[a].alias_offset for a in aliased
                                                    if values[a].alias_of == i), default=0))
            if len(items) < need:
                items = items + tuple(0 for _ in range(need - len(items)))
            values[i] = BufferValue(items=items)
        values[li] = length


def scale_inputs(params: tuple[ParamSpec, ...], *, seed: int = 0,
                 count: int = DEFAULT_SCALE) -> list[FunctionInput]:
    """``count`` inputs whose size grows tenfold per index. Functions with buffers or
    strings get longer data; scalar-only functions get a longer batch of calls."""
    rng = random.Random(seed ^ 0x5CA1E)
    has_data = any(isinstance(p, (BufferParam, StringParam, StructPtrParam)) for p in params)
    inputs = []
    limit = size_limit(params)
    sizes_seen: set[int] = set()
    for i in range(count):
        if has_data:
            size = min(SCALE_FACTOR * 10 ** (i + 1), MAX_SCALE_ELEMENTS, limit)
        else:
            size = min(SCALE_FACTOR * 10 ** (i + 2), MAX_BATCH_CALLS)
        if size in sizes_seen:
            continue          # capped: a larger size would only repeat a run
        sizes_seen.add(size)
        # Scalars next to big buffers stay small and fixed (a shift count or a factor), so
        # the run's cost is the data's size, not a pathological scalar.
        scalars = tuple(_scale_scalar(p, rng) if has_data else None for p in params)
        inputs.append(FunctionInput("scale", len(inputs), size=size, batch=not has_data,
                                    seed=rng.getrandbits(63) | 1, scalars=scalars))
    return inputs


def size_limit(params: tuple[ParamSpec, ...]) -> int:
    """The largest useful size of a sized call: when every size-driven datum is a row
    buffer whose row count is capped, sizes past the cap repeat the capped run; when no
    datum follows the size at all (fixed buffers, pointer-free structs), two sizes give
    two seeds and more give nothing."""
    sized = [p for p in params if isinstance(p, StringParam)
             or (isinstance(p, StructPtrParam) and any(f.kind == "pointer" for f in p.fields))
             or (isinstance(p, BufferParam) and p.fixed_length is None)]
    if not sized:
        return SCALE_FACTOR * 100     # fixed-size data only: two scale inputs (other seeds)
    caps = [p.cap for p in params if isinstance(p, LengthParam) and p.cap is not None]
    if caps and all(isinstance(p, BufferParam) and p.row_length for p in sized):
        return min(caps)
    return MAX_RARE_ELEMENTS


def _scale_scalar(p: ParamSpec, rng: random.Random) -> object:
    if isinstance(p, ScalarParam):
        if p.type.is_float:
            return float(rng.randint(1, 9)) + 0.5
        return rng.randint(0 if not p.type.signed else 1, min(p.type.max, 9))
    if isinstance(p, StructParam):
        return tuple(1.5 if t.is_float else min(t.max, rng.randint(1, 9)) for _, t in p.fields)
    if isinstance(p, StructPtrParam):
        # Length fields (None) follow the input's size; other scalars stay small.
        lengths = p.length_fields()
        return tuple(None if f.kind != "scalar" or k in lengths else
                     (1.5 if f.type.is_float else min(f.type.max, rng.randint(1, 9)))
                     for k, f in enumerate(p.fields))
    return None


# --------------------------------------------------------------------------- program mode


def program_correctness_inputs(*, seed: int = 0, count: int = DEFAULT_CORRECTNESS) -> list[ProgramInput]:
    """Small stdin texts and numeric argv for a whole program. Deterministic for ``seed``."""
    rng = random.Random(seed)
    # Edge texts: empty, counts followed by data, 32/64-bit extremes (overflow), negatives
    # (division vs shift), a numeric argument, words.
    fixed: list[tuple[tuple[str, ...], bytes]] = [
        ((), b""), ((), b"5\n1 2 3 4 5\n"), ((), b"2147483647 2147483646\n"),
        ((), b"3\n-7 0 7\n"), ((), b"-2147483648 -1\n"), (("3",), b"1\n"),
        ((), b"0\n"), ((), b"9223372036854775807 1\n"), ((), b"hello world\n"), ((), b"-1\n"),
    ]
    n_fixed = count - max(2, count // 5)      # the rest are random
    inputs = []
    for j in range(count):
        if j < min(n_fixed, len(fixed)):
            args, stdin = fixed[j]
        elif j % 2 == 0:
            n = rng.randint(1, 20)
            stdin = f"{n}\n{' '.join(str(rng.randint(-100, 100)) for _ in range(n))}\n".encode()
            args = ()
        else:
            args = (str(rng.randint(0, 50)),)
            stdin = _random_string(rng, rng.randint(0, 24)) + b"\n"
        inputs.append(ProgramInput("correctness", j, args=args, stdin=stdin))
    return inputs


def program_scale_inputs(*, seed: int = 0, count: int = DEFAULT_SCALE) -> list[ProgramInput]:
    """stdin ``n`` followed by ``n`` numbers, ``n = 3 * 10**(i+1)`` (the CodeNet input shape)."""
    rng = random.Random(seed ^ 0x5CA1E)
    inputs = []
    for i in range(count):
        n = min(SCALE_FACTOR * 10 ** (i + 1), MAX_SCALE_ELEMENTS)
        numbers = " ".join(str(rng.randint(1, 1000)) for _ in range(n))
        inputs.append(ProgramInput("scale", i, args=(), stdin=f"{n}\n{numbers}\n".encode()))
    return inputs


# --------------------------------------------------------------------------- rare paths
#
# Random and edge inputs reach the common paths; a wrong rewrite hides on a rare one: one
# magic value of one argument (``if (x == 999331) return 0``), one range (``1e6 < n <
# 2^32``), a length past every test size (a loop that stops at 400000). Rare inputs aim
# there: every boundary value of every integer parameter, every integer constant of the
# reference's or the candidate's code and its neighbours, buffer lengths just past every
# such constant, and full-range scalars next to sizeable buffers. They are many small
# calls, grouped into few processes; the harness runs each call in a forked child, so a
# call the reference crashes on is reported and skipped without losing the others.

RARE_SMALL_SIZE = 16             # buffer length while a scalar walks its values
RARE_FULL_RANGE_SIZE = 3000      # buffer length for the full-range scalar calls
RARE_FULL_RANGE_CALLS = 12
MAX_RARE_ELEMENTS = 1 << 22      # the largest buffer a size call uses (4M elements)
MAX_RARE_TOTAL_ELEMENTS = 48 << 20
RARE_CALLS_PER_INPUT = 256       # calls per harness process
RARE_ELEMENTS_PER_INPUT = 12 << 20
MAX_RARE_CALLS = 4096


@dataclass(frozen=True)
class RareCall:
    """One call of a rare input: buffers (and strings) of ``size`` elements filled from the
    harness's xorshift generator seeded with ``seed``, length parameters = ``size``, and
    explicit ``scalars`` (one per parameter: a value for scalars, a tuple for structs,
    None for the rest). ``why`` says what the call aims at."""

    size: int
    seed: int
    scalars: tuple
    why: str = ""

    def describe(self, params: tuple = ()) -> str:
        parts = []
        for i, value in enumerate(self.scalars):
            name = params[i].name if i < len(params) else f"arg{i}"
            if i < len(params) and isinstance(params[i], StructPtrParam):
                parts += [f"{name}->{f.name}={_short(x if x is not None else self.size)}"
                          for f, x in zip(params[i].fields, value or ()) if f.kind == "scalar"]
                parts += [f"{name}->{f.name} {array_pattern_text(x)}"
                          for f, x in zip(params[i].fields, value or ()) if f.kind == "array" and x is not None]
            elif value is not None:
                parts.append(f"{name}={_short(value)}")
            elif i < len(params) and isinstance(params[i], LengthParam):
                parts.append(f"{name}={self.size}")
        has_data = any(isinstance(p, (BufferParam, StringParam, StructPtrParam)) for p in params)
        data = f" buffers of {self.size} elements (seed {self.seed})" if has_data else ""
        return ", ".join(parts) + data + (f" [{self.why}]" if self.why else "")


def boundary_values(t: ScalarType) -> list[int]:
    """Every boundary value of an integer type: 0, +-1, min, min+1, max, max-1 and every
    power of two +-1 (and their negatives for signed types) that fits."""
    if t.is_bool:
        return [0, 1]
    values = [0, 1, -1, 2, -2, t.min, t.min + 1, t.max, t.max - 1]
    for k in range(1, t.bits):
        for v in ((1 << k) - 1, 1 << k, (1 << k) + 1):
            values += [v, -v]
    return _unique(v for v in values if t.min <= v <= t.max)


def constant_values(constants, t: ScalarType) -> list[int]:
    """Each constant and its neighbours (c-1, c, c+1; also -c's), wrapped into ``t`` the
    way the code under test would see the bits (a 32-bit immediate compared with an
    unsigned parameter, a negative displacement of ``lea``)."""
    if t.is_bool or t.is_float:
        return []
    mask = (1 << t.bits) - 1
    values = []
    for c in constants:
        for v in (c - 1, c, c + 1, -c - 1, -c, -c + 1):
            w = v & mask
            if t.signed and w > t.max:
                w -= 1 << t.bits
            values.append(w)
    return _unique(values)


def _unique(values) -> list:
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def rare_calls(params: tuple[ParamSpec, ...], *, constants=(), seed: int = 0,
               include_boundaries: bool = True) -> list[RareCall]:
    """The rare-path calls for ``params`` (see the section comment). ``constants``: integer
    constants of the reference's and/or the candidate's code (a caller adds a candidate's
    new constants per candidate). With ``include_boundaries=False`` only the calls the
    constants imply are made (the per-candidate supplement). Deterministic."""
    rng = random.Random(seed ^ 0x4A4E)
    constants = sorted({int(c) for c in constants})
    has_data = any(isinstance(p, (BufferParam, StringParam, StructPtrParam)) for p in params)
    base = tuple(_scale_scalar(p, rng) for p in params)
    calls: list[RareCall] = []

    def add(scalars: tuple, size: int, why: str) -> None:
        calls.append(RareCall(size=size, seed=rng.getrandbits(63) | 1, scalars=scalars, why=why))

    small = RARE_SMALL_SIZE if has_data else 0
    for i, p in enumerate(params):
        for field_k, t in _scalar_slots(p):
            values = (boundary_values(t) if include_boundaries else []) + constant_values(constants, t)
            if include_boundaries and t.is_float:
                values = list(float_edges(t))
            for v in _unique(values):
                add(_with_value(base, params, i, field_k, v), small, f"{p.name}: {'boundary' if include_boundaries else 'constant'}")
    if include_boundaries:
        for _ in range(RARE_FULL_RANGE_CALLS):   # full-range scalars next to sizeable data
            full = tuple(_full_range_scalar(p, rng) for p in params)
            add(full, RARE_FULL_RANGE_SIZE if has_data else 0, "full-range scalars")
    if has_data:
        for size in rare_sizes(params, constants, include_small=include_boundaries):
            add(base, size, "length past a bound")
    if include_boundaries:
        for i, k, e, why in one_hot_slots(params):
            add(_with_array_pattern(base, i, k, e), small, why)
    return calls[:MAX_RARE_CALLS]


# Array fields of a pointed-to struct get one call with the array all zero, one per element
# with only that element non-zero (a wrong rewrite that skips one entry of a frequency
# table, or tests the wrong one, differs there; the element's value is 1 << (index % bits),
# so a test of one byte of a wider entry misses some), and one per element set over a
# sparse background (about one entry in 64 non-zero: an entry whose effect shows only next
# to others, such as a byte class that is neither text nor binary), up to this many in all.
MAX_ONE_HOT_CALLS = 3072
# A rare call's array-field entry: None = generated contents, ARRAY_ZERO = all zero,
# e >= 0 = only element e non-zero, ARRAY_SPARSE - e = element e over a sparse background.
ARRAY_ZERO, ARRAY_SPARSE = -1, -3


def array_pattern_text(pattern: int) -> str:
    if pattern == ARRAY_ZERO:
        return "all zero"
    if pattern <= ARRAY_SPARSE:
        return f"[{ARRAY_SPARSE - pattern}] non-zero over a sparse background"
    return f"only [{pattern}] non-zero"


def one_hot_slots(params: tuple[ParamSpec, ...]) -> list[tuple[int, int, int, str]]:
    """(parameter, field, pattern, why) of the one-hot calls (see ``ARRAY_ZERO``)."""
    zero, sparse = [], []
    for i, p in enumerate(params):
        if not isinstance(p, StructPtrParam):
            continue
        for k, f in enumerate(p.fields):
            if f.kind != "array":
                continue
            zero.append((i, k, ARRAY_ZERO, f"{p.name}->{f.name}: all zero"))
            zero += [(i, k, e, f"{p.name}->{f.name}: {array_pattern_text(e)}") for e in range(f.count)]
            sparse += [(i, k, ARRAY_SPARSE - e, f"{p.name}->{f.name}: {array_pattern_text(ARRAY_SPARSE - e)}")
                       for e in range(f.count)]
    return (zero + sparse)[:MAX_ONE_HOT_CALLS]


def _with_array_pattern(base: tuple, i: int, field_k: int, pattern: int) -> tuple:
    values = list(base)
    fields = list(values[i])
    fields[field_k] = pattern
    values[i] = tuple(fields)
    return tuple(values)


def rare_sizes(params: tuple[ParamSpec, ...], constants=(), *, include_small: bool = True) -> list[int]:
    """Buffer lengths just around and past every bound the code implies: each positive
    constant c (as an element count and as a byte count of each element size) gives c-1,
    c, c+1; powers of two +-1 up to 4096 as well. Capped by ``MAX_RARE_ELEMENTS`` each and
    ``MAX_RARE_TOTAL_ELEMENTS`` in all (the smallest first)."""
    elem_sizes = {p.elem.size for p in params if isinstance(p, BufferParam)} | {1}
    sizes = set()
    if include_small:
        for k in range(1, 13):
            sizes |= {(1 << k) - 1, 1 << k, (1 << k) + 1}
    for c in {abs(c) for c in constants}:      # -c: a bound folded into an add/lea
        for s in elem_sizes:
            if c // s > 1:
                sizes |= {c // s - 1, c // s, c // s + 1}
    kept, total = [], 0
    limit = size_limit(params)
    for size in sorted({min(x, limit) for x in sizes if 0 < x <= MAX_RARE_ELEMENTS}):
        if total + size > MAX_RARE_TOTAL_ELEMENTS:
            break
        kept.append(size)
        total += size
    return kept


def _scalar_slots(p: ParamSpec) -> list[tuple[int | None, ScalarType]]:
    """(field index or None, type) of each scalar (integer or float) a rare call can set in ``p``."""
    if isinstance(p, ScalarParam):
        return [(None, p.type)]
    if isinstance(p, StructParam):
        return [(k, t) for k, (_, t) in enumerate(p.fields)]
    if isinstance(p, StructPtrParam):
        return [(k, f.type) for k, f in enumerate(p.fields) if f.kind == "scalar"]
    return []


def _field_type(p: ParamSpec, field_k: int) -> ScalarType:
    return p.fields[field_k].type if isinstance(p, StructPtrParam) else p.fields[field_k][1]


def _with_value(base: tuple, params, i: int, field_k: int | None, v) -> tuple:
    values = list(base)
    t = params[i].type if field_k is None else _field_type(params[i], field_k)
    if t.is_float and t.size == 4:
        v = _as_float32(float(v))
    if field_k is None:
        values[i] = v
    else:
        fields = list(values[i])
        fields[field_k] = v
        values[i] = tuple(fields)
    return tuple(values)


def _full_range_scalar(p: ParamSpec, rng: random.Random) -> object:
    if isinstance(p, ScalarParam):
        return _full_range_value(p.type, rng)
    if isinstance(p, StructParam):
        return tuple(_full_range_value(t, rng) for _, t in p.fields)
    if isinstance(p, StructPtrParam):
        lengths = p.length_fields()
        return tuple(_full_range_value(f.type, rng) if f.kind == "scalar" and k not in lengths else None
                     for k, f in enumerate(p.fields))
    return None


def _full_range_value(t: ScalarType, rng: random.Random) -> int | float:
    if t.is_bool:
        return rng.randint(0, 1)
    if t.is_float:
        x = rng.choice([rng.uniform(-1e6, 1e6), rng.uniform(-1e30, 1e30) if t.size == 8 else rng.uniform(-1e30, 1e30)])
        return _as_float32(x) if t.size == 4 else x
    return rng.randint(t.min, t.max)


def rare_inputs(params: tuple[ParamSpec, ...], calls: list[RareCall], *, first_index: int = 0) -> list[FunctionInput]:
    """Group ``calls`` into harness runs (``./harness rare K``): at most
    ``RARE_CALLS_PER_INPUT`` calls and ``RARE_ELEMENTS_PER_INPUT`` buffer elements each."""
    inputs, group, elements = [], [], 0
    for call in calls:
        if group and (len(group) >= RARE_CALLS_PER_INPUT or elements + call.size > RARE_ELEMENTS_PER_INPUT):
            inputs.append(FunctionInput("rare", first_index + len(inputs), calls=tuple(group)))
            group, elements = [], 0
        group.append(call)
        elements += call.size
    if group:
        inputs.append(FunctionInput("rare", first_index + len(inputs), calls=tuple(group)))
    return inputs
