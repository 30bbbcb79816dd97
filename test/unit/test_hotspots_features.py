"""The llvmlite feature extractor on hand-written IR, the JSON schema round trip, and
how the plugin is found."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmcc.hotspots import features as feats
from llmcc.hotspots.features import (ModuleFeatures, extract_features,
                                     extract_features_llvmlite, load_plugin_features,
                                     plugin_path)
from llmcc.outcome import Fallback
from llmcc.toolchain import find_toolchain

DATA = Path(__file__).parent / "data" / "hotspots"

# Two nested loops (the outer one has two latches: still one loop), a block that is
# unreachable yet branches to itself (LoopInfo ignores it), a switch, calls of every kind.
LOOPS_IR = r"""
source_filename = "hand.c"
declare i32 @printf(ptr, ...)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
define internal i32 @helper(i32 %x) {
  ret i32 %x
}
define i32 @nest(i32 %n, ptr %p, ptr %fp) {
entry:
  br label %outer
outer:
  %i = phi i32 [ 0, %entry ], [ %i.next, %outer.latch ], [ %i.next, %skip ]
  br label %inner
inner:
  %j = phi i32 [ 0, %outer ], [ %j.next, %inner ]
  %v = load float, ptr %p
  %w = fadd float %v, 1.0
  store float %w, ptr %p
  %j.next = add i32 %j, 1
  %c1 = icmp slt i32 %j.next, %n
  br i1 %c1, label %inner, label %inner.exit
inner.exit:
  %odd = and i32 %i, 1
  switch i32 %odd, label %outer.latch [ i32 1, label %skip ]
skip:
  %i.next = add i32 %i, 1
  br label %outer
outer.latch:
  %r = call i32 @helper(i32 %i)
  %q = call i32 (ptr, ...) @printf(ptr %p, i32 %r)
  %ind = call i32 %fp(i32 %i)
  call void @llvm.memset.p0.i64(ptr %p, i8 0, i64 4, i1 false)
  %c2 = icmp slt i32 %i.next, %n
  br i1 %c2, label %outer, label %exit
dead:
  br label %dead
exit:
  %vec = insertelement <4 x i32> zeroinitializer, i32 %i, i32 0
  %e = extractelement <4 x i32> %vec, i32 0
  ret i32 %e
}
"""


@pytest.fixture(scope="module")
def module() -> ModuleFeatures:
    return extract_features_llvmlite(LOOPS_IR, module_name="hand.ll")


def test_llvmlite_finds_natural_loops_and_depths(module):
    nest = module.function("nest")
    assert nest.loop_count == 2          # two latches of one header are one loop
    assert nest.max_loop_depth == 2
    assert [lp.depth for lp in nest.loops] == [1, 2]    # preorder: outer first
    assert [lp.header for lp in nest.loops] == ["outer", "inner"]
    assert all(lp.trip_count is None for lp in nest.loops)


def test_llvmlite_counts_calls_branches_and_mix(module):
    nest = module.function("nest")
    assert nest.blocks == 8
    assert nest.cond_branches == 2 and nest.switches == 1
    assert (nest.direct_calls, nest.indirect_calls, nest.intrinsic_calls) == (2, 1, 1)
    assert nest.callees == ["helper", "printf"]
    # Both call sites sit in outer.latch: inside the outer loop only (depth 1).
    assert nest.callee_depths == {"helper": 1, "printf": 1}
    assert module.function("helper").callee_depths == {}
    assert nest.io_calls == 1
    assert (nest.loads, nest.stores, nest.fp_ops) == (1, 1, 1)
    assert nest.int_ops == 3            # j+1, i&1, i+1
    assert nest.vector_ops == 2         # insertelement, extractelement
    assert nest.linkage == "external" and not nest.is_main
    assert module.function("helper").linkage == "internal"


def test_only_defined_functions_and_call_graph(module):
    assert [f.name for f in module.functions] == ["helper", "nest"]
    assert module.call_graph == {"helper": [], "nest": ["helper", "printf"]}
    assert module.source == "hand.c" and module.module == "hand.ll"
    assert module.producer == "llvmlite"


COUNTED_IR = r"""
define void @counted(ptr %p) {
entry:
  br label %down
down:                                   ; for (i = 10; i > 0; i -= 2): 5 trips
  %i = phi i32 [ 10, %entry ], [ %i.next, %down ]
  store i32 %i, ptr %p
  %i.next = add nsw i32 %i, -2
  %more = icmp sgt i32 %i.next, 0
  br i1 %more, label %down, label %up
up:                                     ; for (j = 0; j != 99; j += 3): 33 trips
  %j = phi i64 [ 0, %down ], [ %j.next, %up ]
  store i64 %j, ptr %p
  %j.next = add i64 %j, 3
  %done = icmp eq i64 %j.next, 99
  br i1 %done, label %odd, label %up
odd:                                    ; j += 2 never equals 9 exactly: not obvious
  %k = phi i64 [ 0, %up ], [ %k.next, %odd ]
  %k.next = add i64 %k, 2
  %stop = icmp eq i64 %k.next, 9
  br i1 %stop, label %exit, label %odd
exit:
  ret void
}
"""


def test_llvmlite_trip_counts_of_obvious_counted_loops():
    counted = extract_features_llvmlite(COUNTED_IR).function("counted")
    assert [lp.trip_count for lp in counted.loops] == [5, 33, None]
    assert [lp.max_trip_count for lp in counted.loops] == [5, 33, None]


def test_json_round_trip_keeps_every_field(module, tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps(module.to_json()))
    again = load_plugin_features(path)
    assert again.to_json() == module.to_json()
    doc = module.to_json()["functions"][1]
    assert doc["loops"]["count"] == 2 and doc["calls"]["callees"] == ["helper", "printf"]


def test_load_rejects_non_feature_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ValueError):
        load_plugin_features(path)


def test_plugin_path_prefers_env_and_requires_an_existing_file(tmp_path, monkeypatch):
    so = tmp_path / "libLLMCCFeatures.so"
    monkeypatch.setenv("LLMCC_PLUGIN", str(so))
    assert plugin_path() is None
    so.write_bytes(b"\x7fELF")
    assert plugin_path() == so
    monkeypatch.delenv("LLMCC_PLUGIN")
    expected = feats.DEFAULT_PLUGIN if feats.DEFAULT_PLUGIN.is_file() else None
    assert plugin_path() == expected


def test_extract_features_falls_back_to_llvmlite_when_plugin_breaks(tmp_path):
    tc = find_toolchain()
    ir = tmp_path / "hand.ll"
    ir.write_text(LOOPS_IR)
    broken = tmp_path / "not-a-plugin.so"
    broken.write_text("garbage")
    result = extract_features(tc, ir, plugin=broken)
    assert not isinstance(result, Fallback)
    assert result.producer == "llvmlite" and result.function("nest").loop_count == 2


def test_extract_features_reads_bitcode_with_llvmlite(tmp_path, monkeypatch):
    import subprocess
    tc = find_toolchain()
    bc = tmp_path / "k.bc"
    subprocess.run([str(tc.clang), "-O3", "-c", "-emit-llvm", str(DATA / "kernels.c"),
                    "-o", str(bc)], check=True)
    monkeypatch.setenv("LLMCC_PLUGIN", str(tmp_path / "absent.so"))
    result = extract_features(tc, bc)
    assert result.producer == "llvmlite"
    assert result.function("matmul").max_loop_depth == 3
