"""Optimization remarks: collected through the compile service, summarised per function,
plus name-based semantic hints."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmcc.hotspots.features import FunctionFeatures
from llmcc.hotspots.remarks import (collect_remarks, iter_remarks, semantic_hints,
                                    summarize_remarks)
from llmcc.outcome import Fallback
from llmcc.toolchain import find_toolchain
from llmcc.tu import CompileService

DATA = Path(__file__).parent / "data" / "hotspots"

LOOPS_C = """
void saxpy(int n, float a, float *restrict x, float *restrict y) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}
extern int opaque(int);
int call_in_loop(int n, int *v) {
  int s = 0;
  for (int i = 0; i < n; i++) s += opaque(v[i]);
  return s;
}
"""


@pytest.fixture(scope="module")
def tc():
    return find_toolchain()


@pytest.fixture(scope="module")
def o3(tc):
    """The compile service of an -O3 compile with no other flags."""
    return CompileService(tc, (), "-O3", timeout=120.0)


@pytest.fixture(scope="module")
def loops_c(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("remarks") / "loops.c"
    path.write_text(LOOPS_C)
    return path


def _check_loop_remarks(summary):
    assert summary["saxpy"].count("passed", "loop-vectorize:Vectorized") == 1
    withcall = summary["call_in_loop"]
    assert withcall.count("passed", "loop-vectorize:Vectorized") == 0
    assert withcall.count("missed", "loop-vectorize") >= 1
    assert withcall.count("analysis", "loop-vectorize:CantVectorizeLibcall") == 1
    assert any("cannot be vectorized" in m for m in withcall.messages)


def test_remarks_from_source_through_the_service_frontend(o3, loops_c, tmp_path):
    out = collect_remarks(o3, loops_c, tmp_path / "r.yaml")
    assert out == tmp_path / "r.yaml"
    _check_loop_remarks(summarize_remarks(out))


def test_remarks_from_unoptimized_ir_via_opt(tc, o3, loops_c, tmp_path):
    bc = tmp_path / "loops.bc"
    subprocess.run([str(tc.clang), "-O3", "-Xclang", "-disable-llvm-passes", "-c",
                    "-emit-llvm", str(loops_c), "-o", str(bc)], check=True)
    out = collect_remarks(o3, bc, tmp_path / "r.yaml")
    summary = summarize_remarks(out)
    _check_loop_remarks(summary)
    # opt runs no codegen, so no backend remarks appear.
    assert summary["saxpy"].count("analysis", "asm-printer") == 0


def test_remarks_documents_keep_their_tags(o3, loops_c, tmp_path):
    out = collect_remarks(o3, loops_c, tmp_path / "r.yaml")
    tags = {doc["_tag"] for doc in iter_remarks(out)}
    assert {"Passed", "Missed", "Analysis"} <= tags


def test_summary_to_json_is_plain_data(o3, loops_c, tmp_path):
    out = collect_remarks(o3, loops_c, tmp_path / "r.yaml")
    doc = summarize_remarks(out)["saxpy"].to_json()
    assert doc["function"] == "saxpy"
    assert doc["passed"]["loop-vectorize:Vectorized"] == 1
    assert isinstance(doc["missed"], dict) and isinstance(doc["messages"], list)


def test_compile_error_is_a_fallback(o3, tmp_path):
    result = collect_remarks(o3, DATA / "bad.c", tmp_path / "r.yaml")
    assert isinstance(result, Fallback) and result.reason == "remarks-failed"
    assert "error" in result.detail


def test_unreadable_remarks_give_empty_summary(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("--- !Passed\nPass: [unterminated\n")
    assert summarize_remarks(bad) == {}
    assert summarize_remarks(tmp_path / "missing.yaml") == {}


def test_handwritten_remark_file_counts_by_kind(tmp_path):
    yaml_text = (
        "--- !Missed\nPass: slp-vectorizer\nName: NotBeneficial\nFunction: f\n"
        "Args:\n  - String: 'List vectorization was possible but not beneficial'\n...\n"
        "--- !Missed\nPass: slp-vectorizer\nName: NotBeneficial\nFunction: f\n...\n"
        "--- !AnalysisFPCommute\nPass: loop-vectorize\nName: CantReorderFPOps\n"
        "Function: g\n...\n"
        "--- !Passed\nPass: licm\nName: Hoisted\nFunction: g\n...\n")
    path = tmp_path / "r.yaml"
    path.write_text(yaml_text)
    summary = summarize_remarks(path)
    assert summary["f"].count("missed", "slp-vectorizer:NotBeneficial") == 2
    assert summary["f"].messages == [
        "slp-vectorizer:NotBeneficial: List vectorization was possible but not beneficial",
        "slp-vectorizer:NotBeneficial: "]
    assert summary["g"].count("analysis") == 1 and summary["g"].count("passed", "licm") == 1


@pytest.mark.parametrize("name, hint", [
    ("crc32_update", "crc"), ("hashTableInsert", "hash"), ("quicksort", "sort"),
    ("matmul", "matmul"), ("popcount64", "popcount"), ("binary_search", "search"),
    ("build_hist", "histogram"), ("luaV_execute", "interpreter"),
])
def test_semantic_hints_from_names(name, hint):
    assert hint in semantic_hints(name)


def test_semantic_hints_leave_plain_names_alone():
    assert semantic_hints("get_x") == []
    assert semantic_hints("point_set") == []


def test_semantic_hints_from_features():
    fp = FunctionFeatures(name="kernel", instructions=20, fp_ops=10, vector_ops=2)
    assert semantic_hints("kernel", fp) == ["floating-point", "vectorized"]
