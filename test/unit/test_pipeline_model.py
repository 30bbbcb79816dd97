"""Pipeline model: the real -O3 pipeline round-trips; edits apply and print as opt expects."""
from __future__ import annotations

import subprocess

import pytest

from llmcc.pipeline.model import (EditError, PassNode, PipelineConfig, PipelineSyntaxError,
                                  apply_edit, apply_edits, parse_pipeline, print_pipeline)
from llmcc.toolchain import find_toolchain

SOURCE = "int sum(const int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n"


@pytest.fixture(scope="module")
def tc():
    return find_toolchain()


@pytest.fixture(scope="module")
def o3_ir(tc, tmp_path_factory):
    d = tmp_path_factory.mktemp("model")
    (d / "k.c").write_text(SOURCE)
    subprocess.run([str(tc.clang), "-O3", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-c",
                    str(d / "k.c"), "-o", str(d / "k.bc")], check=True)
    return d / "k.bc"


@pytest.fixture(scope="module")
def o3_text(tc, o3_ir):
    out = subprocess.run([str(tc.tool("opt")), "-passes=default<O3>", "-print-pipeline-passes",
                          "-disable-output", str(o3_ir)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _opt(tc, ir, config: PipelineConfig, out):
    return subprocess.run([str(tc.tool("opt")), f"-passes={config.text}", *config.opt_args(),
                           str(ir), "-o", str(out)], capture_output=True, text=True)


def test_real_o3_pipeline_round_trips_exactly(o3_text):
    tree = parse_pipeline(o3_text)
    assert print_pipeline(tree) == o3_text
    assert parse_pipeline(print_pipeline(tree)) == tree
    names = [n.name for n in tree]
    assert "cgscc" in names and "function" in names
    devirt = tree[names.index("cgscc")].children[0]
    assert devirt.name == "devirt" and devirt.params == ("4",)


def test_printed_o3_pipeline_builds_the_same_ir_as_default_o3(tc, o3_ir, o3_text, tmp_path):
    ours = _opt(tc, o3_ir, PipelineConfig(parse_pipeline(o3_text)), tmp_path / "a.bc")
    assert ours.returncode == 0, ours.stderr
    subprocess.run([str(tc.tool("opt")), "-passes=default<O3>", str(o3_ir), "-o", str(tmp_path / "b.bc")],
                   check=True)
    assert (tmp_path / "a.bc").read_bytes() == (tmp_path / "b.bc").read_bytes()


@pytest.mark.parametrize("text", ["gvn<>", "loop-vectorize<a;b;>", "function<eager-inv;no-rerun>(sroa)",
                                  "function()", "alloc-token<mode=<mode>>", "require<globals-aa>,function(invalidate<aa>)"])
def test_odd_spellings_round_trip(text):
    assert print_pipeline(parse_pipeline(text)) == text


@pytest.mark.parametrize("text", ["function(sroa", "gvn<pre", "a,,b", "(gvn)", "gvn)"])
def test_malformed_text_is_a_syntax_error(text):
    with pytest.raises(PipelineSyntaxError):
        parse_pipeline(text)


def test_insert_wraps_loop_pass_in_loop_adaptor(o3_text):
    config = PipelineConfig(parse_pipeline(o3_text))
    edited = apply_edit(config, {"op": "insert", "after": "loop-distribute", "pass": "loop-interchange"})
    assert "loop-distribute,loop-mssa(loop-interchange)," in edited.text
    assert len(edited.text) == len(o3_text) + len(",loop-mssa(loop-interchange)")


def test_insert_of_function_pass_after_loop_pass_climbs_out_of_the_loop(o3_text):
    config = PipelineConfig(parse_pipeline("function(loop-mssa(licm),gvn)"))
    edited = apply_edit(config, {"op": "insert", "after": "licm", "pass": "instcombine"})
    assert edited.text == "function(loop-mssa(licm),instcombine,gvn)"
    top = apply_edit(config, {"op": "insert", "before": "function", "pass": "licm"})
    assert top.text == "function(loop-mssa(licm)),function(loop-mssa(licm),gvn)"


def test_module_pass_after_a_function_pass_lands_in_the_module_list():
    config = PipelineConfig(parse_pipeline("function(gvn)"))
    edited = apply_edit(config, {"op": "insert", "after": "gvn", "pass": "globalopt"})
    assert edited.text == "function(gvn),globalopt"
    with pytest.raises(EditError):
        apply_edit(config, {"op": "insert", "after": "gvn", "pass": "no-such-pass"})


def test_remove_move_and_occurrence_references():
    config = PipelineConfig(parse_pipeline("function(instcombine,gvn,instcombine<max-iterations=1>,dse)"))
    removed = apply_edit(config, {"op": "remove", "pass": "instcombine@1"})
    assert removed.text == "function(instcombine,gvn,dse)"
    moved = apply_edit(config, {"op": "move", "pass": "dse", "after": "instcombine"})
    assert moved.text == "function(instcombine,dse,gvn,instcombine<max-iterations=1>)"
    by_path = apply_edit(config, {"op": "remove", "pass": [0, 1]})
    assert by_path.text == "function(instcombine,instcombine<max-iterations=1>,dse)"
    with pytest.raises(EditError):
        apply_edit(config, {"op": "remove", "pass": "licm"})


def test_set_param_replaces_flags_and_values_keeping_order(o3_text):
    config = PipelineConfig(parse_pipeline(o3_text))
    edited = apply_edit(config, {"op": "set_param", "pass": "loop-unroll",
                                 "params": {"full-unroll-max": 32, "runtime": True, "O2": True}})
    assert "loop-unroll<O2;full-unroll-max=32;runtime>" in edited.text
    again = apply_edit(edited, {"op": "set_param", "pass": "loop-unroll", "params": {"runtime": False}})
    assert "loop-unroll<O2;full-unroll-max=32;no-runtime>" in again.text
    vec = apply_edit(config, {"op": "set_param", "pass": "loop-vectorize",
                              "params": {"interleave-forced-only": True}})
    assert "loop-vectorize<interleave-forced-only;no-vectorize-forced-only;>" in vec.text


def test_knobs_become_opt_arguments_and_the_cpu_does_not():
    config = PipelineConfig((PassNode("gvn"),))
    edited = apply_edits(config, [{"op": "set_knob", "knob": "unroll-threshold", "value": 600},
                                  {"op": "set_knob", "knob": "unroll-runtime", "value": True},
                                  {"op": "set_cpu", "cpu": "skylake"}])
    # clang's per-function attributes beat opt -mcpu: the CPU goes into the IR instead.
    assert edited.opt_args() == ["-unroll-runtime=true", "-unroll-threshold=600"]
    assert edited.cpu == "skylake" and edited.to_json()["cpu"] == "skylake"
    assert config.opt_args() == [] and config.cpu is None  # the original is unchanged


def test_edited_pipelines_are_accepted_by_opt(tc, o3_ir, o3_text, tmp_path):
    config = PipelineConfig(parse_pipeline(o3_text))
    edited = apply_edits(config, [
        {"op": "insert", "after": "loop-distribute", "pass": "loop-unroll-and-jam"},
        {"op": "insert", "after": "globaldce", "pass": "licm"},
        {"op": "set_param", "pass": "loop-unroll", "params": {"full-unroll-max": 64, "runtime": True}},
        {"op": "remove", "pass": "loop-sink"},
        {"op": "move", "pass": "loop-load-elim", "before": "loop-distribute"},
        {"op": "set_knob", "knob": "unroll-threshold", "value": 900},
    ])
    result = _opt(tc, o3_ir, edited, tmp_path / "e.bc")
    assert result.returncode == 0, result.stderr
