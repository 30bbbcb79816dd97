"""The LLMCCFeatures pass plugin: builds, rides along in clang without changing the object,
runs from opt, and agrees exactly with the llvmlite fallback."""
from __future__ import annotations

import io
from collections import Counter
import json
import os
import subprocess
from pathlib import Path

import pytest

from llmcc.hotspots.command import score_command
from llmcc.hotspots.features import (extract_features_llvmlite, load_plugin_features,
                                     run_plugin)
from llmcc.toolchain import find_toolchain

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "hotspots"
LLVM_CMAKE = Path("/usr/lib/llvm-22/lib/cmake/llvm/LLVMConfig.cmake")
SOURCES = ["kernels.c", "control.c", "trivial.c"]


@pytest.fixture(scope="session")
def tc():
    return find_toolchain()


@pytest.fixture(scope="session")
def plugin(tmp_path_factory) -> Path:
    """Build the plugin once per session into a private build tree."""
    if not LLVM_CMAKE.is_file():
        pytest.skip("llvm-22-dev is not installed (no LLVMConfig.cmake)")
    build = tmp_path_factory.mktemp("plugin-build")
    proc = subprocess.run([str(REPO / "passes" / "build.sh"), str(build)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    so = Path(proc.stdout.strip())
    assert so == build / "libLLMCCFeatures.so" and so.is_file()
    return so


def _optimized_bitcode(tc, source: Path, out: Path) -> Path:
    subprocess.run([str(tc.clang), "-O3", "-c", "-emit-llvm", str(source), "-o", str(out)],
                   check=True, capture_output=True)
    return out


def test_build_script_explains_missing_llvm_dev(tmp_path):
    proc = subprocess.run([str(REPO / "passes" / "build.sh"), str(tmp_path / "b")],
                          capture_output=True, text=True,
                          env={**os.environ, "LLVM_DIR": str(tmp_path / "nowhere")})
    assert proc.returncode != 0
    assert "llvm-22-dev" in proc.stderr


@pytest.mark.parametrize("level", ["-O0", "-O2", "-O3", "-Os"])
def test_object_is_byte_identical_with_plugin_loaded(tc, plugin, tmp_path, level):
    src = DATA / "kernels.c"
    plain, with_plugin = tmp_path / "plain.o", tmp_path / "plugin.o"
    features_json = tmp_path / "features.json"
    subprocess.run([str(tc.clang), level, "-g", "-c", str(src), "-o", str(plain)], check=True)
    subprocess.run([str(tc.clang), level, "-g", f"-fpass-plugin={plugin}", "-c", str(src),
                    "-o", str(with_plugin)], check=True,
                   env={**os.environ, "LLMCC_FEATURES_OUT": str(features_json)})
    assert plain.read_bytes() == with_plugin.read_bytes()
    features = load_plugin_features(features_json)
    assert {"matmul", "hash_bytes", "main"} <= {f.name for f in features.functions}
    assert not list(tmp_path.glob("features.json.tmp*")), "temp file left behind"


def test_clang_writes_nothing_without_the_env_var(tc, plugin, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LLMCC_FEATURES_OUT"}
    proc = subprocess.run([str(tc.clang), "-O2", f"-fpass-plugin={plugin}", "-c",
                           str(DATA / "trivial.c"), "-o", str(tmp_path / "t.o")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.o"]


def test_opt_prints_json_to_stdout_when_env_unset(tc, plugin, tmp_path):
    bc = _optimized_bitcode(tc, DATA / "kernels.c", tmp_path / "k.bc")
    env = {k: v for k, v in os.environ.items() if k != "LLMCC_FEATURES_OUT"}
    proc = subprocess.run([str(tc.tool("opt")), f"-load-pass-plugin={plugin}",
                           "-passes=llmcc-features", str(bc), "-disable-output"],
                          capture_output=True, text=True, env=env, check=True)
    doc = json.loads(proc.stdout)
    assert doc["producer"] == "plugin" and doc["source"].endswith("kernels.c")
    matmul = next(f for f in doc["functions"] if f["name"] == "matmul")
    assert matmul["loops"]["max_depth"] == 3
    assert doc["call_graph"]["main"] == sorted(set(doc["call_graph"]["main"]))
    assert "printf" in doc["call_graph"]["print_result"]


def test_plugin_reports_scev_trip_counts(tc, plugin, tmp_path):
    bc = _optimized_bitcode(tc, DATA / "control.c", tmp_path / "c.bc")
    features = run_plugin(tc, bc, plugin)
    fixed = features.function("fixed_loops")
    trips = sorted(lp.trip_count for lp in fixed.loops if lp.trip_count)
    assert 100 in trips and 1000 in trips
    # A data-dependent bound has no exact trip count.
    assert all(lp.trip_count is None for lp in features.function("find_first").loops)
    text = subprocess.run([str(tc.tool("llvm-dis")), str(bc), "-o", "-"],
                          capture_output=True, text=True, check=True).stdout
    fallback = extract_features_llvmlite(text).function("fixed_loops")
    assert sorted(lp.trip_count for lp in fallback.loops if lp.trip_count) == trips


@pytest.mark.parametrize("source", SOURCES)
def test_plugin_and_llvmlite_agree(tc, plugin, tmp_path, source):
    bc = _optimized_bitcode(tc, DATA / source, tmp_path / "m.bc")
    text = subprocess.run([str(tc.tool("llvm-dis")), str(bc), "-o", "-"],
                          capture_output=True, text=True, check=True).stdout
    from_plugin = run_plugin(tc, bc, plugin)
    from_llvmlite = extract_features_llvmlite(text)
    assert [f.name for f in from_plugin.functions] == [f.name for f in from_llvmlite.functions]
    for a, b in zip(from_plugin.functions, from_llvmlite.functions):
        ja, jb = a.to_json(), b.to_json()
        # Only SCEV knows trip counts, and sibling loop order may differ: compare depths.
        loops_a, loops_b = ja.pop("loops"), jb.pop("loops")
        assert ja == jb, a.name
        assert loops_a["count"] == loops_b["count"], a.name
        assert loops_a["max_depth"] == loops_b["max_depth"], a.name
        assert sorted(lp["depth"] for lp in loops_a["loops"]) == \
            sorted(lp["depth"] for lp in loops_b["loops"]), a.name
        # llvmlite knows fewer trip counts, but those it knows are SCEV's.
        known_b = Counter(lp["trip_count"] for lp in loops_b["loops"] if lp["trip_count"])
        known_a = Counter(lp["trip_count"] for lp in loops_a["loops"] if lp["trip_count"])
        assert not known_b - known_a, a.name
    assert from_plugin.call_graph == from_llvmlite.call_graph


def test_score_command_uses_the_plugin_when_built(plugin, monkeypatch):
    monkeypatch.setenv("LLMCC_PLUGIN", str(plugin))
    out = io.StringIO()
    assert score_command([str(DATA / "kernels.c"), "--json"], stdout=out) == 0
    report = json.loads(out.getvalue())
    assert report["features"] == "plugin"
    assert report["hot"][0]["function"] == "matmul"
    assert report["hot"][0]["evidence"]["max_loop_depth"] == 3
