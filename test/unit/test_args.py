"""Command-line classification (DROPIN items 1-7)."""
from pathlib import Path

import pytest

from llmcc.driver.args import classify_invocation, expand_response_files


def classify(args, cwd=Path("/tmp"), **kw):
    return classify_invocation(args, cwd=cwd, **kw)


def test_single_c_source_to_object_at_O2_is_a_candidate():
    inv = classify(["-O2", "-Wall", "-c", "x.c", "-o", "build/x.o"])
    assert inv.candidate, inv.why_not
    assert inv.source == "x.c" and inv.output == "build/x.o" and inv.opt_level == "-O2"
    assert "-Wall" in inv.codegen_flags and "-c" not in inv.codegen_flags


@pytest.mark.parametrize("args, why", [
    (["-O2", "x.c", "-o", "x"], "no -c"),
    (["-O2", "-c", "a.c", "b.c"], "2 inputs"),
    (["-O2", "-E", "x.c"], "-E"),
    (["-O2", "-S", "-c", "x.c"], "-S"),
    (["-O2", "-c", "-"], "stdin"),
    (["-O2", "-c", "-x", "c++", "x.cc"], "language"),
    (["-O2", "-c", "x.s"], "not a .c"),
    (["-O2", "-c", "-x", "c", "/dev/null"], "device"),
    (["-O2", "-c", "x.c", "-o", "/dev/null"], "device"),
    (["-O0", "-c", "x.c"], "optimization level"),
    (["-Os", "-c", "x.c"], "optimization level"),
    (["-O2", "-c", "x.c", "-save-temps"], "-save-temps"),
    (["-O2", "-c", "x.c", "-flto"], "-flto"),
    (["-O2", "-c", "x.c", "-emit-llvm"], "-emit-llvm"),
    (["-O2", "-c", "x.c", "-###"], "-###"),
    (["-O2", "-c", "x.c", "-gsplit-dwarf"], "-gsplit-dwarf"),
    (["-O2", "-c", "x.c", "--coverage"], "--coverage"),
    (["-O2", "-c", "x.c", "-fsyntax-only"], "-fsyntax-only"),
    (["--version"], "--version"),
    (["-print-resource-dir"], "-print-"),
    (["-dumpmachine"], "-dump"),
])
def test_everything_else_passes_through(args, why):
    inv = classify(args)
    assert not inv.candidate
    assert why.split()[-1] in inv.why_not or why in inv.why_not


def test_no_dash_o_means_basename_in_cwd():
    inv = classify(["-O3", "-c", "src/dir/foo.c"])
    assert inv.output == "foo.o"


def test_x_is_positional_and_ends_at_x_none():
    assert classify(["-O2", "-c", "-x", "c", "notes.txt"]).candidate
    inv = classify(["-O2", "-x", "c", "-x", "none", "-c", "notes.txt"])
    assert not inv.candidate and "not a .c" in inv.why_not


def test_arguments_of_options_are_not_inputs():
    inv = classify(["-O2", "-I", "inc", "-D", "X=1", "-include", "pre.h", "-MF", "d.d", "-MT", "t", "-c", "x.c"])
    assert inv.candidate, inv.why_not
    assert inv.source == "x.c"
    assert inv.codegen_flags[:4] == ["-I", "inc", "-D", "X=1"]
    assert "-MF" not in inv.codegen_flags and "-MT" not in inv.codegen_flags


@pytest.mark.parametrize("args, dep", [
    (["-MD", "-c", "x.c", "-o", "o/x.o"], "o/x.d"),
    (["-MMD", "-MF", "deps/x.dep", "-c", "x.c"], "deps/x.dep"),
    (["-Wp,-MD,.x.o.d", "-c", "x.c"], ".x.o.d"),
    (["-c", "x.c"], None),
])
def test_dependency_file_location(args, dep):
    inv = classify(["-O2", *args])
    assert inv.candidate and inv.dep_file == dep


def test_response_files_expand_with_quotes_and_nesting(tmp_path):
    (tmp_path / "inner.rsp").write_text('-DGREETING="\\"hi there\\"" -O2\n')
    (tmp_path / "outer.rsp").write_text("@inner.rsp -c 'my file.c'")
    (tmp_path / "my file.c").write_text("int x;")
    assert expand_response_files(["@outer.rsp"], tmp_path) == [
        '-DGREETING="hi there"', "-O2", "-c", "my file.c"]
    inv = classify(["@outer.rsp"], cwd=tmp_path)
    assert inv.candidate and inv.source == "my file.c"


def test_missing_response_file_stays_literal():
    assert expand_response_files(["@nope.rsp"], Path("/nonexistent")) == ["@nope.rsp"]


def test_Ofast_counts_as_O3_and_keeps_fast_math():
    inv = classify(["-Ofast", "-c", "x.c"])
    assert inv.candidate and inv.opt_level == "-O3" and "-ffast-math" in inv.codegen_flags


def test_min_opt_level_is_configurable():
    assert classify(["-O1", "-c", "x.c"], min_opt_level=1).candidate
    assert not classify(["-O1", "-c", "x.c"]).candidate
