"""Harness synthesis and input generation: each supported signature kind gets a harness
that compiles, links with the real object and prints exact results; unsupported
signatures are refused with a reason; inputs are reproducible from their seed."""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from llmcc.outcome import Fallback
from llmcc.toolchain import find_toolchain
from llmcc.verify import inputs as gen
from llmcc.verify.harness import synthesize_harness
from llmcc.verify.inputs import (BufferParam, LengthParam, ScalarParam, StringParam,
                                 StructParam)

DATA = Path(__file__).parent / "data" / "difftest"
SIGS = DATA / "sigs.c"


@pytest.fixture(scope="module")
def toolchain():
    return find_toolchain()


@pytest.fixture(scope="module")
def sigs_object(toolchain, tmp_path_factory) -> Path:
    obj = tmp_path_factory.mktemp("sigs") / "sigs.o"
    subprocess.run([str(toolchain.clang), "-O2", "-c", str(SIGS), "-o", str(obj)], check=True)
    return obj


def _harness(toolchain, function: str, seed: int = 0):
    return synthesize_harness(toolchain, SIGS, [], function, seed=seed)


def _run(toolchain, spec, obj: Path, tmp_path: Path, *args: str) -> str:
    """Compile the harness, link it with ``obj`` and run one input (the harness is our
    own trusted code calling a trusted reference, so no sandbox is needed here)."""
    exe = tmp_path / f"h-{hashlib.sha256(spec.source.encode()).hexdigest()[:12]}"
    if not exe.exists():   # one build per harness, however many inputs a test runs
        c = spec.write(tmp_path / "h.c")
        subprocess.run([str(toolchain.clang), "-O1", str(c), str(obj), "-o", str(exe), "-lm"], check=True)
    proc = subprocess.run([str(exe), *args], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert b"llmcc-harness-cpu-ns:" in proc.stderr
    return proc.stdout.decode()


def _kinds(spec) -> list[type]:
    return [type(p) for p in spec.signature.params]


def test_integer_scalars_with_typedefs_are_resolved(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "add_u8")
    assert spec.signature.params[0].type.name == "unsigned char"
    assert spec.signature.returns.type.name == "unsigned char"
    # Every correctness input prints the exact one-byte sum (wrapping at 256).
    c = spec.write(tmp_path / "h.c")
    exe = tmp_path / "h"
    subprocess.run([str(toolchain.clang), "-O1", str(c), str(sigs_object), "-o", str(exe)], check=True)
    for inp in spec.correctness:
        a, b = inp.values
        out = subprocess.run([str(exe), *inp.argv], capture_output=True, check=True).stdout.decode()
        assert out == f"ret:{(a + b) & 0xff:02x}\n"


def test_bool_and_long_long(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "is_odd")
    assert spec.signature.params[0].type.name == "long long"
    assert spec.signature.returns.type.is_bool
    out = _run(toolchain, spec, sigs_object, tmp_path, "scale", "0")
    assert out.startswith("batch:")  # scalar-only functions are scaled by call count


def test_float_and_double_are_printed_as_raw_bits(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "scale_d")
    assert [p.type.name for p in spec.signature.params] == ["double", "float"]
    out = _run(toolchain, spec, sigs_object, tmp_path, "correctness", "1")
    x, k = spec.correctness[1].values
    import struct
    expected = struct.pack("<d", x * gen._as_float32(k)).hex()
    assert out == f"ret:{expected}\n"


def test_pointer_length_pairs_share_the_named_length(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "dot")
    a, b, n = spec.signature.params
    assert isinstance(a, BufferParam) and isinstance(b, BufferParam) and isinstance(n, LengthParam)
    assert a.length_param == b.length_param == 2 and a.elem.name == "short"
    lengths = {inp.values[2] for inp in spec.correctness}
    assert {0, 1} <= lengths and any(n % 2 for n in lengths)   # empty, single, odd
    out = _run(toolchain, spec, sigs_object, tmp_path, "correctness", "4")
    va, vb, length = spec.correctness[4].values
    expected = sum(x * y for x, y in zip(va.items[:length], vb.items[:length]))
    assert out.splitlines()[0] == "ret:" + (expected & (2**64 - 1)).to_bytes(8, "little").hex()


def test_output_buffer_with_next_integer_as_length(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "fill")
    out_p, count, v = spec.signature.params
    assert isinstance(out_p, BufferParam) and out_p.length_param == 1
    assert isinstance(count, LengthParam) and isinstance(v, ScalarParam)
    inp = spec.correctness[3]
    out = _run(toolchain, spec, sigs_object, tmp_path, "correctness", "3")
    n, start = inp.values[1], inp.values[2]
    expected = b"".join(((start + i) & 0xffffffff).to_bytes(4, "little") for i in range(n)).hex()
    assert f"buf0:{expected}" in out.splitlines()


def test_const_char_string(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "my_strlen")
    assert _kinds(spec) == [StringParam]
    for index in (0, 2):
        s = spec.correctness[index].values[0]
        out = _run(toolchain, spec, sigs_object, tmp_path, "correctness", str(index))
        assert out == f"ret:{len(s).to_bytes(8, 'little').hex()}\n"


def test_char_buffer_with_capacity_and_source_string(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "upcase")
    assert _kinds(spec) == [BufferParam, LengthParam, StringParam]
    for inp in spec.correctness:      # the destination really holds ``cap`` bytes: no overflow
        dst, cap, src = inp.values
        out = _run(toolchain, spec, sigs_object, tmp_path, *inp.argv).splitlines()
        copied = min(len(src), max(cap - 1, 0))
        assert out[0] == "ret:" + copied.to_bytes(8, "little").hex()
        if cap:
            expected = bytes(b - 32 if 97 <= b <= 122 else b for b in src[:copied]) + b"\0"
            assert out[1].startswith("buf0:" + expected.hex())


def test_fixed_size_array_parameter(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "sum4")
    (v,) = spec.signature.params
    assert isinstance(v, BufferParam) and v.fixed_length == 4
    assert all(len(inp.values[0].items) == 4 for inp in spec.correctness)
    _run(toolchain, spec, sigs_object, tmp_path, "scale", "1")


def test_struct_by_value_argument_and_return(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "mid")
    a, b = spec.signature.params
    assert isinstance(a, StructParam) and [n for n, _ in a.fields] == ["x", "w"]
    assert spec.signature.returns.kind == "struct"
    out = _run(toolchain, spec, sigs_object, tmp_path, "correctness", "0").splitlines()
    assert [line.split(":")[0] for line in out] == ["ret.x", "ret.w"]
    norm = _harness(toolchain, "norm1")
    assert isinstance(norm.signature.params[0], StructParam)


def test_pointer_return_is_reported_as_offset_into_the_buffer(toolchain, sigs_object, tmp_path):
    spec = _harness(toolchain, "find_char")
    assert spec.signature.returns.kind == "pointer"
    for inp in spec.correctness:
        s, c = inp.values
        signed = [b - 256 if b >= 128 else b for b in s] + [0]   # plain char is signed here
        k = next(i for i, ch in enumerate(signed) if ch == 0 or ch == c)
        expected = f"ret: buf0+{k}" if signed[k] != 0 else "ret: null"
        assert _run(toolchain, spec, sigs_object, tmp_path, *inp.argv).strip() == expected


@pytest.mark.parametrize("function, why", [
    ("hidden", "static"),
    ("apply", "unsupported type"),
    ("list_len", "not a scalar"),
    ("vsum", "variadic"),
    ("as_bits", "unsupported type"),
    ("nothing", "no observable output"),
    ("no_such_function", "no such function"),
])
def test_unsupported_signatures_are_refused_with_a_reason(toolchain, function, why):
    result = _harness(toolchain, function)
    assert isinstance(result, Fallback)
    assert result.reason == "unsupported-signature"
    assert why in result.detail


def test_inputs_are_deterministic_for_a_seed(toolchain):
    first, again, other = (_harness(toolchain, "dot", seed=s) for s in (7, 7, 8))
    assert first.source == again.source
    assert [i.describe() for i in first.correctness] == [i.describe() for i in again.correctness]
    assert first.source != other.source
    assert gen.program_correctness_inputs(seed=3) == gen.program_correctness_inputs(seed=3)
    assert gen.program_scale_inputs(seed=3) == gen.program_scale_inputs(seed=3)


def test_edge_values_cover_type_extremes():
    int_t = gen.SCALAR_TYPES["int"]
    edges = gen.int_edges(int_t)
    assert {0, 1, -1, 2**31 - 1, -2**31, 2, 3, 5, 7} <= set(edges)
    params = (ScalarParam("a", int_t), ScalarParam("b", int_t))
    pairs = {inp.values for inp in gen.correctness_inputs(params)}
    # Some input makes a + b overflow in each direction.
    assert any(a + b > int_t.max for a, b in pairs)
    assert any(a + b < int_t.min for a, b in pairs)
    floats = gen.float_edges(gen.SCALAR_TYPES["float"])
    assert any(x != x for x in floats) and float("inf") in floats and -0.0 in floats


def test_scale_inputs_grow_by_orders_of_magnitude():
    int_t = gen.SCALAR_TYPES["int"]
    params = (BufferParam("a", int_t, length_param=1), LengthParam("n", gen.SCALAR_TYPES["unsigned long"]))
    sizes = [i.size for i in gen.scale_inputs(params, count=5)]
    assert all(b == 10 * a for a, b in zip(sizes, sizes[1:]))
    assert sizes[-1] <= gen.MAX_SCALE_ELEMENTS


def test_aliasing_inputs_for_same_typed_pointer_pairs():
    int_t = gen.SCALAR_TYPES["int"]
    size_t = gen.SCALAR_TYPES["unsigned long"]
    params = (BufferParam("dst", int_t, length_param=2), BufferParam("src", int_t, const=True, length_param=2),
              LengthParam("n", size_t))
    aliased = [i for i in gen.correctness_inputs(params) if any(
        getattr(v, "alias_of", None) is not None for v in i.values)]
    offsets = {next(v.alias_offset for v in i.values if getattr(v, "alias_of", None) is not None)
               for i in aliased}
    assert {0, 1} <= offsets
    for inp in aliased:   # the owner really holds length + offset elements
        owner = next(v for v in inp.values if isinstance(v, gen.BufferValue) and v.alias_of is None)
        view = next(v for v in inp.values if isinstance(v, gen.BufferValue) and v.alias_of is not None)
        assert len(owner.items) >= inp.values[2] + view.alias_offset
    restricted = tuple(BufferParam(p.name, p.elem, p.const, True, p.length_param)
                       if isinstance(p, BufferParam) else p for p in params)
    assert not any(getattr(v, "alias_of", None) is not None
                   for i in gen.correctness_inputs(restricted) for v in i.values)


def test_struct_pointer_fields_are_classified_and_dumped(toolchain, tmp_path):
    source = tmp_path / "sp.c"
    source.write_text(
        "typedef struct { int mode; double w; short hist[4]; unsigned char *out; unsigned long out_len;\n"
        "                 void (*cb)(int); } state_t;\n"
        "int feed(state_t *st, int v) { st->hist[v & 3]++; if (st->out_len) st->out[0] = (unsigned char)v;\n"
        "  st->w += v; return st->mode; }\n"
        "union u { int a; float *b; };\nstruct bad { union u x; };\nint nope(struct bad *b) { return b->x.a; }\n")
    obj = tmp_path / "sp.o"
    subprocess.run([str(toolchain.clang), "-O2", "-c", str(source), "-o", str(obj)], check=True)
    spec = synthesize_harness(toolchain, source, [], "feed")
    st = spec.signature.params[0]
    assert isinstance(st, gen.StructPtrParam)
    assert [(f.name, f.kind) for f in st.fields] == [("mode", "scalar"), ("w", "scalar"), ("hist", "array"),
                                                    ("out", "pointer"), ("out_len", "scalar"), ("cb", "opaque")]
    assert st.fields[3].length_field == 4 and st.fields[2].count == 4
    out = _run(toolchain, spec, obj, tmp_path, "correctness", "1").splitlines()
    labels = [line.split(":")[0] for line in out]
    assert labels[:8] == ["ret", "a0.mode", "a0.w", "a0.hist", "a0.out", "a0.out[]", "a0.out_len", "a0.cb"]
    assert out[4] == "a0.out: buf3+0"        # still points at the start of its own buffer
    refused = synthesize_harness(toolchain, source, [], "nope")
    assert isinstance(refused, Fallback) and "not a scalar" in refused.detail
