"""Repair and validation of untrusted pipelines and edits; the pass table is pinned to opt-22."""
from __future__ import annotations

import json
import subprocess

import pytest

from llmcc.pipeline import passes
from llmcc.pipeline.model import EditSpace, PipelineConfig, parse_pipeline
from llmcc.pipeline.repair import RepairError, nearest_name, repair_edits, repair_pipeline_text
from llmcc.pipeline.validate import (check_edit_allowed, check_edit_schema, check_pipeline_static,
                                     validate_edits, validate_with_opt)
from llmcc.toolchain import find_toolchain


@pytest.fixture(scope="module")
def tc():
    return find_toolchain()


def test_pass_table_matches_installed_opt(tc):
    generated = passes.generate_pass_table(tc)
    checked_in = json.loads(passes.PASS_TABLE_PATH.read_text())
    assert generated == checked_in
    assert checked_in["llvm_major"] == 22
    assert "loop-unroll" in passes.insertable_pass_names()
    assert "asan" in passes.known_pass_names() and "asan" not in passes.insertable_pass_names()
    assert passes.pass_params("loop-unroll")["values"] == {"full-unroll-max": "int"}


@pytest.mark.parametrize("wrong, right", [("loop-unrol", "loop-unroll"), ("licmm", "licm"),
                                          ("instcombine2", "instcombine")])
def test_hallucinated_names_map_to_the_nearest_pass(wrong, right):
    repaired = repair_pipeline_text(f"function({wrong})")
    assert repaired.text == f"function({right})"
    assert any(wrong in note for note in repaired.notes)


@pytest.mark.parametrize("text", ["vectorize-everything", "function(make-it-fast)", "", "((((", "<<>>"])
def test_unrepairable_text_is_rejected_not_crashed(text):
    with pytest.raises(RepairError):
        repair_pipeline_text(text)


@pytest.mark.parametrize("broken, fixed", [
    ("function(instcombine,loop-mssa(licm)", "function(instcombine,loop-mssa(licm))"),
    ("function(sroa)),gvn", "function(sroa),gvn"),
    ("function(simplifycfg<bonus-inst-threshold=1)", "function(simplifycfg<bonus-inst-threshold=1>)"),
    ("function(,instcombine,,),", "function(instcombine)"),
    ("function(),gvn", "gvn"),
    ("function(loop-mssa()),  gvn", "gvn"),
    ("'-passes=function(gvn)'", "function(gvn)"),
])
def test_brackets_and_empty_adaptors_are_repaired(broken, fixed):
    assert repair_pipeline_text(broken).text == fixed


def test_repaired_text_is_accepted_by_opt(tc, tmp_path):
    (tmp_path / "k.c").write_text("int f(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n")
    subprocess.run([str(tc.clang), "-O3", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c",
                    str(tmp_path / "k.c"), "-o", str(tmp_path / "k.bc")], check=True)
    repaired = repair_pipeline_text("function(sroa,instcombine2,loop-mssa(licmm,loop-rotate),gvn")
    config = PipelineConfig(parse_pipeline(repaired.text))
    assert validate_with_opt(tc, config, tmp_path / "k.bc", tmp_path / "o.bc", timeout=60).ok


def test_edit_names_are_repaired_or_rejected():
    edits, notes = repair_edits([{"op": "insert", "after": "licmm@1", "pass": "loop-unrol<O3>"},
                                 {"op": "set_knob", "knob": "-unroll-treshold", "value": 400}])
    assert edits == [{"op": "insert", "after": "licm@1", "pass": "loop-unroll<O3>"},
                     {"op": "set_knob", "knob": "unroll-threshold", "value": 400}]
    assert len(notes) == 3
    with pytest.raises(RepairError):
        repair_edits([{"op": "set_knob", "knob": "make-everything-fast", "value": 1}])
    with pytest.raises(RepairError):
        repair_edits(["not an edit"])


def test_nearest_name_refuses_distant_matches():
    assert nearest_name("gvm", ["gvn", "dse"]) == "gvn"
    assert nearest_name("sccpxyz", ["sccp"]) is None


SPACE = EditSpace()


@pytest.mark.parametrize("edit, fragment", [
    ({"op": "insert", "after": "gvn", "pass": "not-a-pass"}, "not an allowed transform pass"),
    ({"op": "insert", "after": "gvn", "pass": "asan"}, "not an allowed transform pass"),
    ({"op": "set_knob", "knob": "unroll-count", "value": 64}, "outside [1, 8]"),
    ({"op": "set_knob", "knob": "inline-threshold", "value": "big"}, "wrong type"),
    ({"op": "set_knob", "knob": "force-vector-width", "value": 4}, "floating-point"),
    ({"op": "set_param", "pass": "loop-unroll", "params": {"full-unroll-max": 99999}}, "outside"),
    ({"op": "set_param", "pass": "loop-unroll", "params": {"turbo": True}}, "no flag 'turbo'"),
    ({"op": "set_cpu", "cpu": "native"}, "not allowed"),
    ({"op": "frobnicate"}, "unknown op"),
    ({"op": "insert", "pass": "gvn"}, "after"),
])
def test_validation_rejects_edits_outside_the_space(edit, fragment):
    problem = check_edit_schema(edit) or check_edit_allowed(edit, SPACE)
    assert problem is not None and fragment in problem


def test_fp_knobs_and_cpu_are_allowed_only_when_the_space_allows_them():
    permissive = EditSpace(allow_fp_reassoc=True, allowed_cpus=("skylake",))
    assert validate_edits([{"op": "set_knob", "knob": "force-vector-width", "value": 4},
                           {"op": "set_cpu", "cpu": "skylake"}], permissive) is None
    assert validate_edits([{"op": "set_cpu", "cpu": "znver4"}], permissive) is not None


def test_static_check_catches_unknown_passes_and_bad_params():
    assert check_pipeline_static(PipelineConfig(parse_pipeline("function(gvn<pre>)"))) is None
    assert "unknown pass" in check_pipeline_static(PipelineConfig(parse_pipeline("function(gvnx)")))
    assert "no flag" in check_pipeline_static(PipelineConfig(parse_pipeline("function(gvn<turbo>)")))


def test_pipeline_opt_refuses_is_invalid_with_its_message(tc, tmp_path):
    (tmp_path / "k.c").write_text("int f(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n")
    subprocess.run([str(tc.clang), "-O3", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c",
                    str(tmp_path / "k.c"), "-o", str(tmp_path / "k.bc")], check=True)
    # licm directly in a function list: every name is valid, but opt needs loop-mssa(...).
    config = PipelineConfig(parse_pipeline("function(licm)"))
    result = validate_with_opt(tc, config, tmp_path / "k.bc", tmp_path / "o.bc", timeout=60)
    assert not result.ok and "MemorySSA" in result.reason
    assert not (tmp_path / "o.bc").exists() or result.ir is None
