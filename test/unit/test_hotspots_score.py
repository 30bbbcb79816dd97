"""Hotspot scoring: real features of compiled C files, hand-made features for the edge
cases, remarks and profiles changing the ranking."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmcc.hotspots.features import (FunctionFeatures, LoopFeatures, ModuleFeatures,
                                     extract_features_llvmlite)
from llmcc.hotspots.remarks import RemarkSummary
from llmcc.hotspots.score import assess_functions, evidence_summary, score_functions
from llmcc.toolchain import find_toolchain

DATA = Path(__file__).parent / "data" / "hotspots"


@pytest.fixture(scope="module")
def compiled():
    """Features of the sample TUs at -O3 (llvmlite: no plugin needed here)."""
    tc = find_toolchain()
    out = {}
    for name in ("kernels", "control", "trivial"):
        text = subprocess.run([str(tc.clang), "-O3", "-S", "-emit-llvm", str(DATA / f"{name}.c"),
                               "-o", "-"], capture_output=True, text=True, check=True).stdout
        out[name] = extract_features_llvmlite(text)
    return out


def _module(*functions: FunctionFeatures) -> ModuleFeatures:
    return ModuleFeatures(module="m", source="m.c", producer="test", functions=list(functions),
                          call_graph={f.name: list(f.callees) for f in functions})


def test_matmul_ranks_first_and_getter_is_dropped(compiled):
    hot = score_functions(compiled["kernels"])
    names = [h.name for h in hot]
    assert names[0] == "matmul"
    assert "get_value" not in names
    assert hot[0].evidence["max_loop_depth"] == 3
    assert hot[0].evidence["terms"]["nesting"] > hot[0].evidence["terms"]["structure"]
    assert hot[0].evidence["fp_ops"] > 0        # the contracted llvm.fmuladd counts as FP work
    assert all(a.score >= b.score for a, b in zip(hot, hot[1:]))


def test_printing_functions_are_filtered(compiled):
    verdicts = {a.name: a for a in assess_functions(compiled["kernels"])}
    assert verdicts["dump_values"].excluded == "io-bound"   # a loop, but only printf in it
    assert verdicts["print_result"].excluded == "trivial"
    names = [h.name for h in score_functions(compiled["kernels"], threshold=0.0)]
    assert "dump_values" not in names and "print_result" not in names


def test_tu_of_trivial_functions_yields_nothing(compiled):
    assert score_functions(compiled["trivial"]) == []
    assert score_functions(compiled["trivial"], threshold=0.0) == []


def test_constant_trip_counts_raise_the_score():
    def one_loop(name: str, trips: int | None) -> FunctionFeatures:
        return FunctionFeatures(name=name, blocks=4, instructions=30, cond_branches=1,
                                loops=[LoopFeatures(depth=1, trip_count=trips)])
    hot = score_functions(_module(one_loop("tiny", 2), one_loop("unknown", None),
                                  one_loop("long", 10000)), threshold=0.0)
    assert [h.name for h in hot] == ["long", "unknown", "tiny"]
    assert hot[0].evidence["trip_counts"] == [10000]


def test_deeper_nesting_outweighs_more_blocks():
    nested = FunctionFeatures(name="nested", blocks=6, instructions=40, cond_branches=3,
                              loops=[LoopFeatures(1), LoopFeatures(2), LoopFeatures(3)])
    flat = FunctionFeatures(name="branchy", blocks=60, instructions=300, cond_branches=30)
    assert [h.name for h in score_functions(_module(flat, nested))] == ["nested", "branchy"]


def test_main_kept_only_with_its_own_loops():
    driver = FunctionFeatures(name="main", is_main=True, blocks=12, instructions=80,
                              direct_calls=8, cond_branches=5, callees=["work"])
    looping = FunctionFeatures(name="main", is_main=True, blocks=12, instructions=80,
                               cond_branches=5, loops=[LoopFeatures(1), LoopFeatures(2)])
    assert score_functions(_module(driver)) == []
    assert [h.name for h in score_functions(_module(looping))] == ["main"]


def test_top_k_and_threshold(compiled):
    assert len(score_functions(compiled["control"], top_k=2)) == 2
    everything = score_functions(compiled["control"], top_k=100, threshold=0.0)
    cut = everything[1].score
    assert [h.name for h in score_functions(compiled["control"], threshold=cut)] == \
        [h.name for h in everything[:2]]


def test_missed_loop_remarks_add_to_the_score():
    f = FunctionFeatures(name="k", blocks=5, instructions=40, loops=[LoopFeatures(1)])
    g = FunctionFeatures(name="j", blocks=5, instructions=40, loops=[LoopFeatures(1)])
    remark = RemarkSummary("k")
    remark.analysis["loop-vectorize:CantVectorizeLibcall"] = 2
    remark.missed["gvn:LoadClobbered"] = 40          # noise: never counts
    hot = score_functions(_module(f, g), {"k": remark})
    assert [h.name for h in hot] == ["k", "j"]
    assert hot[0].evidence["remarks"]["opportunities"] == 2
    assert hot[0].evidence["terms"]["remarks"] == 1.0


def test_profile_reorders_and_silences_cold_code():
    big = FunctionFeatures(name="big", blocks=10, instructions=90,
                           loops=[LoopFeatures(1), LoopFeatures(2)])
    small = FunctionFeatures(name="small", blocks=4, instructions=30, loops=[LoopFeatures(1)])
    static = [h.name for h in score_functions(_module(big, small))]
    profiled = score_functions(_module(big, small), profile={"small": 1.0, "big": 0.001})
    assert static == ["big", "small"]
    assert [h.name for h in profiled][0] == "small"
    assert profiled[0].evidence["profile_weight"] == 1.0
    # A profile that never saw the function scales it down to a tenth.
    never = score_functions(_module(big), profile={})
    assert never == [] or never[0].score < score_functions(_module(big))[0].score / 5


def test_profile_hot_loop_free_function_is_not_trivial():
    """Measured evidence beats static triviality: a loop-free helper the profile shows hot
    is ranked at the default threshold; without a profile, or with a cold or absent entry,
    it stays excluded as ``trivial`` and scores below any threshold."""
    med = FunctionFeatures(name="med3", blocks=4, instructions=12, cond_branches=3)
    m = _module(med)
    assert score_functions(m) == [] and score_functions(m, threshold=0.0) == []
    assert assess_functions(m)[0].excluded == "trivial"
    hot = score_functions(m, profile={"med3": 1.0, "main": 0.4})
    assert [h.name for h in hot] == ["med3"] and hot[0].score >= 1.0
    assert hot[0].evidence["terms"]["profile"] == 2.0
    # Just hot enough (a tenth of the hottest count): still crosses the default threshold.
    assert [h.name for h in score_functions(m, profile={"med3": 0.1})] == ["med3"]
    for cold in ({"med3": 0.099, "main": 1.0}, {"main": 1.0}, {}):
        verdict = assess_functions(m, profile=cold)[0]
        assert verdict.excluded == "trivial", cold
        assert verdict.evidence["terms"]["profile"] == 0.0
        assert score_functions(m, profile=cold, threshold=0.0) == []
    # A function absent from the profile still weighs 0 (a tenth of its static score).
    absent = assess_functions(m, profile={"main": 1.0})[0]
    assert absent.evidence["profile_weight"] == 0.0
    assert absent.score == pytest.approx(0.1 * assess_functions(m)[0].score, abs=0.002)


MED3_C = r"""
unsigned char med3(unsigned char a, unsigned char b, unsigned char c) {
  unsigned char t;
  if (a > b) { t = a; a = b; b = t; }
  if (b > c) { b = c; if (a > b) b = a; }
  return b;
}
int scale(int x) { return x * 3 + 1; }
"""

MED3_MAIN_C = r"""
#include <stdio.h>
unsigned char med3(unsigned char, unsigned char, unsigned char);
int scale(int);
int main(void) {
  unsigned s = 1, acc = 0;
  for (int i = 0; i < 200000; i++) {
    s = s * 1103515245u + 12345u;
    acc += med3(s >> 8, s >> 16, s >> 24);
  }
  printf("%u %d\n", acc, scale((int)acc));
  return 0;
}
"""


def test_real_profile_makes_a_helper_hot_that_another_tu_calls_in_a_loop(tmp_path):
    """The case this rule is for (bzip2's mmed3): the hot loop is in another TU, so the
    TU's own call graph cannot see it; an instrumentation profile of the program can."""
    import os

    from llmcc.hotspots.profile import load_profile
    tc = find_toolchain()
    (tmp_path / "med.c").write_text(MED3_C)
    (tmp_path / "main.c").write_text(MED3_MAIN_C)
    subprocess.run([str(tc.clang), "-O2", "-fprofile-instr-generate", "med.c", "main.c", "-o", "prog"],
                   cwd=tmp_path, check=True)
    subprocess.run(["./prog"], cwd=tmp_path, check=True, capture_output=True,
                   env={**os.environ, "LLVM_PROFILE_FILE": str(tmp_path / "prog.profraw")})
    profile = load_profile(tmp_path / "prog.profraw", tc)
    assert isinstance(profile, dict) and profile["med3"] >= 0.5, profile
    text = subprocess.run([str(tc.clang), "-O2", "-S", "-emit-llvm", "med.c", "-o", "-"], cwd=tmp_path,
                          capture_output=True, text=True, check=True).stdout
    features = extract_features_llvmlite(text)
    assert score_functions(features, threshold=0.0) == []          # statically: all trivial
    hot = score_functions(features, profile=profile)                # default threshold 1.0
    assert [h.name for h in hot] == ["med3"]
    # scale ran once: the profile shows it cold, so it stays trivial.
    verdicts = {a.name: a for a in assess_functions(features, profile=profile)}
    assert verdicts["scale"].excluded == "trivial"


def test_evidence_summary_is_one_readable_line(compiled):
    hot = score_functions(compiled["control"], top_k=100)
    fixed = next(h for h in hot if h.name == "fixed_loops")
    line = evidence_summary(fixed.evidence)
    assert "\n" not in line and "2 loops" in line and "blocks" in line


# --------------------------------------------------------------------------- call graph

CALLS_C = r"""
__attribute__((noinline)) int mix(int x) { return (x * x) ^ (x >> 3); }
__attribute__((noinline)) int once(int x) { return x + 7; }
long hot(const int *a, int n, int m) {
  long s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      s += mix(a[i] + j);
  return s;
}
int setup(int x) { return once(x) * 2; }
"""


def test_small_helper_called_inside_a_hot_loop_scores_hot(tmp_path):
    tc = find_toolchain()
    (tmp_path / "calls.c").write_text(CALLS_C)
    text = subprocess.run([str(tc.clang), "-O3", "-S", "-emit-llvm", str(tmp_path / "calls.c"), "-o", "-"],
                          capture_output=True, text=True, check=True).stdout
    features = extract_features_llvmlite(text)
    assert features.function("hot").callee_depths == {"mix": 2}
    verdicts = {a.name: a for a in assess_functions(features)}
    mix, once = verdicts["mix"], verdicts["once"]
    # On its own, mix is a trivial helper; its caller's inner loop makes it hot.
    assert mix.excluded is None and mix.evidence["callers"] == {"hot": 1.0}
    assert mix.evidence["terms"]["callers"] == pytest.approx(verdicts["hot"].score, abs=0.01)
    assert "mix" in [h.name for h in score_functions(features)]
    # A helper called once by a cold function stays trivial.
    assert once.excluded == "trivial" and once.evidence["terms"]["callers"] < 1.0
    assert "callers +" in evidence_summary(mix.evidence)


def test_call_site_depth_sets_the_share_and_recursion_stays_bounded():
    caller = FunctionFeatures(name="caller", blocks=8, instructions=60,
                              loops=[LoopFeatures(1), LoopFeatures(2)], callees=["deep", "shallow"],
                              callee_depths={"deep": 2, "shallow": 0})
    deep = FunctionFeatures(name="deep", blocks=3, instructions=25)
    shallow = FunctionFeatures(name="shallow", blocks=3, instructions=25)
    verdicts = {a.name: a for a in assess_functions(_module(caller, deep, shallow))}
    assert verdicts["deep"].evidence["callers"] == {"caller": 1.0}
    assert verdicts["shallow"].evidence["callers"] == {"caller": 0.25}
    assert verdicts["deep"].score > verdicts["shallow"].score
    # Mutual recursion inside loops: bounded by CALL_ROUNDS, never runaway.
    a = FunctionFeatures(name="a", blocks=4, instructions=30, loops=[LoopFeatures(1)],
                         callees=["a", "b"], callee_depths={"a": 1, "b": 1})
    b = FunctionFeatures(name="b", blocks=4, instructions=30, loops=[LoopFeatures(1)],
                         callees=["a"], callee_depths={"a": 1})
    scores = {x.name: x for x in assess_functions(_module(a, b))}
    own = scores["a"].score - scores["a"].evidence["terms"]["callers"]
    assert "a" not in scores["a"].evidence["callers"]          # self-calls pass nothing on
    assert 0 < scores["a"].score < own * 2 ** 4


def test_features_without_call_site_depths_count_every_edge_as_depth_zero():
    caller = FunctionFeatures(name="caller", blocks=8, instructions=60,
                              loops=[LoopFeatures(1)], callees=["callee"])
    callee = FunctionFeatures(name="callee", blocks=3, instructions=25)
    verdicts = {a.name: a for a in assess_functions(_module(caller, callee))}
    assert verdicts["callee"].evidence["callers"] == {"caller": 0.25}
