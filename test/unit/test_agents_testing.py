"""The testing agent: a model-written input generator is validated on the reference before
it is used, and a broken one falls back to the deterministic plan. Answers are scripted."""
from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from conftest import baseline_tu, scripted_context

from llmcc.agents.levels import SourceLevel
from llmcc.agents.testing import make_test_plan
from llmcc.config import load_settings
from llmcc.llm.client import RetryPolicy, make_client
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.toolchain import find_toolchain
from llmcc.tu import HotFunction, TUContext
from llmcc.verify.evaluate import evaluate_candidate

DATA = Path(__file__).parent / "data" / "agents"
GENERATOR = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned bits32(unsigned w);

static uint64_t state = 88172645463325252ULL;
static uint64_t next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int i = atoi(argv[2]);
    if (strcmp(argv[1], "correctness") == 0) {
        static const unsigned edge[] = {0u, 1u, 0xFFFFFFFFu, 0x80000000u, 0x55555555u,
                                        0xAAAAAAAAu, 7u, 0x7FFFFFFFu, 0x00010000u, 12345u};
        printf("%u\n", bits32(edge[i % 10]));
        return 0;
    }
    unsigned long n = 1000;
    for (int k = 0; k < i; k++)
        n *= 10;
    unsigned long long acc = 0;
    for (unsigned long k = 0; k < n; k++)
        acc += bits32((unsigned)next());
    printf("%llu\n", acc);
    return 0;
}
"""


@pytest.fixture
def ctx_for(tmp_path):
    tu = baseline_tu(tmp_path, "kernels.c", (DATA / "kernels.c").read_text())
    return lambda url: scripted_context(tmp_path, tu, "kernels.c", url, [HotFunction("bits32", 1.0)])


def plan_from(ctx_for, reply: str):
    with ScriptedServer([{"content": reply}]) as srv:
        ctx = ctx_for(srv.url)
        client = make_client(ctx.settings, retry=RetryPolicy(attempts=2, multiplier=0.01, max_wait=0.02))
        return ctx, make_test_plan(ctx, "bits32", client)


def test_valid_generator_becomes_the_plan_and_catches_a_wrong_candidate(ctx_for):
    ctx, plan = plan_from(ctx_for, f"Here is a generator:\n```c\n{GENERATOR}\n```\n")
    assert ctx.report["agents_testing"]["bits32"]["plan"] == "model-generator+builtin"
    assert plan.harness_c.read_text().strip() == GENERATOR.strip()
    assert len(plan.correctness) == 10 and 1 <= len(plan.scale) <= 5
    # The built-in plan rides along: model tests add, they never replace.
    assert plan.builtin is not None and plan.builtin.harness_c.name.startswith("harness-")
    assert plan.all_plans() == [plan, plan.builtin]
    # A candidate that counts only the lowest bit must fail on the generator's inputs.
    wrong = SourceLevel().splice(ctx.source_path.read_text(), "bits32",
                                 "```c\nunsigned bits32(unsigned w) { return w & 1u; }\n```")
    (ctx.workdir / "wrong.c").write_text(wrong)
    obj = ctx.workdir / "wrong.o"
    subprocess.run([str(ctx.toolchain.clang), "-O3", "-c", str(ctx.workdir / "wrong.c"), "-o", str(obj)], check=True)
    evaluation = evaluate_candidate(ctx, plan, obj, measure=False)
    assert not evaluation.correct
    assert any(v.kind.value == "tested_different" for v in evaluation.verdicts)


@pytest.mark.parametrize("broken", ["crashes", "constant", "no-code"])
def test_broken_generator_falls_back_to_the_deterministic_plan(ctx_for, broken):
    program = {"crashes": GENERATOR.replace("int i = atoi(argv[2]);", "int i = atoi(argv[2]);\n    if (i == 3) abort();"),
               "constant": GENERATOR.replace('printf("%u\\n", bits32(edge[i % 10]));',
                                             'printf("%u\\n", bits32(edge[0]));'),
               "no-code": ""}[broken]
    reply = f"```c\n{program}\n```" if program else "I would rather not."
    ctx, plan = plan_from(ctx_for, reply)
    notes = ctx.report["agents_testing"]["bits32"]
    assert notes["plan"] == "deterministic", notes
    expected = {"crashes": "correctness 3", "constant": "same output", "no-code": "generator-missing"}[broken]
    assert expected in notes["generator_rejected"]
    assert plan.mode == "function" and plan.harness_c.name.startswith("harness-")


# A generator that looks fine (deterministic, distinct outputs) but never exercises large
# values: it only ever calls bits32 on small numbers.
WEAK_GENERATOR = GENERATOR.replace("acc += bits32((unsigned)next());", "acc += bits32((unsigned)(next() & 0xFF));").replace(
    "static const unsigned edge[] = {0u, 1u, 0xFFFFFFFFu, 0x80000000u, 0x55555555u,\n"
    "                                        0xAAAAAAAAu, 7u, 0x7FFFFFFFu, 0x00010000u, 12345u};",
    "static const unsigned edge[] = {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u};")


def test_builtin_tests_still_run_under_a_weak_model_generator(ctx_for):
    assert WEAK_GENERATOR != GENERATOR and "0xFFFFFFFFu" not in WEAK_GENERATOR
    ctx, plan = plan_from(ctx_for, f"```c\n{WEAK_GENERATOR}\n```\n")
    assert ctx.report["agents_testing"]["bits32"]["plan"] == "model-generator+builtin"
    # Wrong only above 0xFFFF: the weak generator never sees it, the built-in inputs do.
    wrong = SourceLevel().splice(ctx.source_path.read_text(), "bits32",
                                 "```c\nunsigned bits32(unsigned w) { return __builtin_popcount(w & 0xFFFFu); }\n```")
    (ctx.workdir / "wrong.c").write_text(wrong)
    obj = ctx.workdir / "wrong.o"
    subprocess.run([str(ctx.toolchain.clang), "-O3", "-c", str(ctx.workdir / "wrong.c"), "-o", str(obj)], check=True)
    only_model = evaluate_candidate(ctx, dataclasses.replace(plan, builtin=None), obj, measure=False)
    assert only_model.correct                                   # the model's tests miss it
    evaluation = evaluate_candidate(ctx, plan, obj, measure=False)
    assert not evaluation.correct
    failing = [v for v in evaluation.verdicts if v.kind.value == "tested_different"]
    assert failing and failing[0].checker == "difftest-function"
    # The failing input is a built-in one (the model's generator inputs all agreed).
    assert evaluation.verdicts[-1] is failing[0] and "model-written" not in failing[0].counterexample


# --------------------------------------------------------------------------- timing

# The generator's scale inputs are small enough to count under valgrind: 1000 << i calls.
SMALL_SCALE_GENERATOR = GENERATOR.replace("n *= 10;", "n *= 2;")
# Its scale inputs all fail (the reference "cannot finish" them): none is left to time.
NO_SCALE_GENERATOR = GENERATOR.replace("unsigned long n = 1000;", "return 1;\n    unsigned long n = 1000;")


def _popcount_candidate(ctx) -> tuple[Path, Path]:
    """The good rewrite of bits32 (far fewer instructions than -O3's unrolled loop)."""
    good = SourceLevel().splice(ctx.source_path.read_text(), "bits32",
                                "```c\nunsigned bits32(unsigned w) { return __builtin_popcount(w); }\n```")
    src = ctx.workdir / "good.c"
    src.write_text(good)
    obj = ctx.workdir / "good.o"
    subprocess.run([str(ctx.toolchain.clang), "-O3", "-c", str(src), "-o", str(obj)], check=True)
    return src, obj


def _counting(ctx, **env):
    import shutil
    if shutil.which("valgrind") is None and shutil.which("perf") is None:
        pytest.fail("no instruction counter (valgrind / perf) installed")
    ctx.settings = load_settings(cwd=ctx.workdir.parent, env={
        "LLMCC_CONFIG": str(ctx.workdir.parent / "none.toml"), "LLMCC_MEASURE_MODE": "instructions", **env})


def test_a_validated_generators_scale_inputs_are_the_ones_timed(ctx_for):
    from llmcc.verify.evaluate import confirm_for_emission, timing_inputs
    assert SMALL_SCALE_GENERATOR != GENERATOR
    ctx, plan = plan_from(ctx_for, f"```c\n{SMALL_SCALE_GENERATOR}\n```\n")
    assert len(plan.scale) == 5 and plan.builtin is not None and plan.builtin.scale
    timed_plan, timed = timing_inputs(plan)
    assert timed_plan is plan and [i.describe() for i in timed] == ["scale 4 (model-written generator)"]
    assert ctx.report["agents_testing"]["bits32"]["timed_on"] == "model-written generator: 1 scale input(s)"
    _counting(ctx, LLMCC_VERIFY_FUZZ_SECONDS="1")
    src, obj = _popcount_candidate(ctx)
    ev = evaluate_candidate(ctx, plan, obj, candidate_source=src, level="source")
    assert ev.correct and ev.comparison is not None and ev.comparison.deterministic, ev.reason
    assert ev.comparison.timed_on == "scale 4 (model-written generator)"
    assert "(timed on scale 4 (model-written generator))" in ev.reason
    # The generator never reads the clock, so its run counts whole (per-call counting
    # through the stand-in clock would give 0 against 0, i.e. "1.0x").
    assert ev.comparison.ref_samples[0] > 16000 * 20 and ev.speedup > 1.2 and ev.accepted, ev.reason
    # The emission gate re-measures on the same input.
    final = confirm_for_emission(ctx, {"bits32": plan}, obj, candidate_source=src, level="source")
    assert final.accepted and "bits32" in final.reason, final.reason
    assert "on scale 4 (model-written generator)" in final.reason


def test_without_generator_scale_inputs_the_builtin_ones_are_timed(ctx_for):
    from llmcc.verify.evaluate import timing_inputs
    ctx, plan = plan_from(ctx_for, f"```c\n{NO_SCALE_GENERATOR}\n```\n")
    assert ctx.report["agents_testing"]["bits32"]["plan"] == "model-generator+builtin"
    assert plan.scale == [] and plan.builtin.scale
    timed_plan, timed = timing_inputs(plan)
    # Not the generator's last correctness input (a single call: process start-up is all
    # that would be timed) but the built-in plan's largest scale input, in its own harness.
    assert timed_plan is plan.builtin and timed == plan.builtin.scale[-1:]
    assert ctx.report["agents_testing"]["bits32"]["timed_on"] == "built-in plan: 1 scale input(s)"
    _counting(ctx)
    plan.builtin.scale = plan.builtin.scale[:1]     # a small batch: valgrind is ~50x slower
    src, obj = _popcount_candidate(ctx)
    ev = evaluate_candidate(ctx, plan, obj)
    assert ev.correct and ev.comparison is not None and ev.comparison.deterministic, ev.reason
    assert ev.comparison.timed_on == plan.builtin.scale[0].describe(plan.builtin.params())
    assert ev.comparison.timed_on.startswith("scale 0") and "model-written" not in ev.comparison.timed_on
    assert ev.speedup > 1.05, ev.reason     # a batch counts whole, start-up included
    # Both plans' inputs were still compared: timing never narrows the tests.
    assert [v.checker for v in ev.verdicts if v.checker.startswith("difftest")] == ["difftest-function"] * 2
    # A rewrite wrong only above 0xFFFF is still refused, by a named check.
    wrong = SourceLevel().splice(ctx.source_path.read_text(), "bits32",
                                 "```c\nunsigned bits32(unsigned w) { return __builtin_popcount(w & 0xFFFFu); }\n```")
    (ctx.workdir / "wrong.c").write_text(wrong)
    bad = ctx.workdir / "wrong.o"
    subprocess.run([str(ctx.toolchain.clang), "-O3", "-c", str(ctx.workdir / "wrong.c"), "-o", str(bad)], check=True)
    refused = evaluate_candidate(ctx, plan, bad)
    assert not refused.correct and refused.comparison is None
    assert refused.verdicts[-1].checker == "difftest-function" and refused.verdicts[-1].kind.value == "tested_different"


# --------------------------------------------------------------------------- programs

PROGRAM = r"""
#include <stdio.h>

long mix(long x) { return (x * x + 3 * x) % 1000003; }

int main(void)
{
    long n, x, acc = 0;
    if (scanf("%ld", &n) != 1 || n < 0)
        return 1;
    for (long i = 0; i < n && scanf("%ld", &x) == 1; i++)
        acc += mix(x);
    printf("%ld\n", acc);
    return 0;
}
"""

# Inputs in the program's own format: "n" then n numbers. Correctness input 4 holds 31337,
# a value no built-in input contains; scale inputs grow 10x per step.
PROGRAM_GENERATOR = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long s = 88172645463325252ULL;
static unsigned long long next(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int i = atoi(argv[2]);
    long n = strcmp(argv[1], "scale") == 0 ? 300L : 1 + i % 5;
    for (int k = 0; strcmp(argv[1], "scale") == 0 && k < i; k++)
        n *= 10;
    printf("%ld\n", n);
    for (long k = 0; k < n; k++)
        printf("%ld ", i == 4 && k == 0 && argv[1][0] == 'c' ? 31337L : (long)(next() % 100000) + i);
    printf("\n");
    return 0;
}
"""


@pytest.fixture
def program_ctx_for(tmp_path):
    tu = baseline_tu(tmp_path, "prog.c", PROGRAM)
    return lambda url: scripted_context(tmp_path, tu, "prog.c", url, [HotFunction("mix", 1.0)], has_main=True)


def program_plan_from(program_ctx_for, reply: str):
    with ScriptedServer([{"content": reply}]) as srv:
        ctx = program_ctx_for(srv.url)
        client = make_client(ctx.settings, retry=RetryPolicy(attempts=2, multiplier=0.01, max_wait=0.02))
        plan = make_test_plan(ctx, "mix", client)
        return ctx, plan, srv


def _compiled_variant(ctx, old: str, new: str) -> Path:
    text = ctx.source_path.read_text()
    assert old in text
    (ctx.workdir / "variant.c").write_text(text.replace(old, new))
    obj = ctx.workdir / "variant.o"
    subprocess.run([str(ctx.toolchain.clang), "-O3", "-c", str(ctx.workdir / "variant.c"), "-o", str(obj)], check=True)
    return obj


def test_program_plan_adds_model_written_stdin_inputs_and_catches_what_only_they_reach(program_ctx_for):
    ctx, plan, srv = program_plan_from(program_ctx_for, f"A generator:\n```c\n{PROGRAM_GENERATOR}\n```\n")
    # The model was asked for a program-input generator and shown the program.
    asked = srv.requests[0]["messages"][-1]["content"]
    assert "./gen correctness I" in asked and "acc += mix(x);" in asked
    notes = ctx.report["agents_testing"]["mix"]
    assert notes["plan"] == "model-generator+builtin" and notes["mode"] == "program", notes
    assert plan.mode == "program" and len(plan.correctness) == 10 and len(plan.scale) >= 2
    assert all(i.origin == "model-written" for i in [*plan.correctness, *plan.scale])
    assert plan.correctness[4].stdin.startswith(b"5\n31337 ")
    # The built-in stdin inputs still run: model tests add, never replace.
    assert plan.builtin is not None and plan.builtin.mode == "program"
    assert len(plan.builtin.correctness) >= 3 and all(i.origin == "" for i in plan.builtin.correctness)
    assert plan.all_plans() == [plan, plan.builtin]
    # Wrong only on 31337: no built-in input has it, the model's input 4 does.
    wrong = _compiled_variant(ctx, "return (x * x + 3 * x) % 1000003;",
                              "if (x == 31337) return 0; return (x * x + 3 * x) % 1000003;")
    only_builtin = evaluate_candidate(ctx, plan.builtin, wrong, measure=False)
    assert only_builtin.correct, only_builtin.reason          # the built-in inputs miss it
    evaluation = evaluate_candidate(ctx, plan, wrong, measure=False)
    assert not evaluation.correct
    failing = [v for v in evaluation.verdicts if v.kind.value == "tested_different"]
    assert failing and failing[0].checker == "difftest-program"
    assert "correctness input 4 (model-written)" in failing[0].detail


@pytest.mark.parametrize("broken", ["crashes", "hangs", "nul-argument", "does-not-compile", "no-code",
                                    "nondeterministic"])
def test_hostile_program_generator_is_dropped_with_a_counted_reason(program_ctx_for, broken):
    program = {"crashes": PROGRAM_GENERATOR.replace("int i = atoi(argv[2]);", "int i = atoi(argv[2]);\n    if (i == 6) abort();"),
               "hangs": PROGRAM_GENERATOR.replace("int i = atoi(argv[2]);", "int i = atoi(argv[2]);\n    while (i == 2) { }"),
               "nul-argument": PROGRAM_GENERATOR.replace('printf("%ld\\n", n);',
                                                         'printf("#ARGS a%cb\\n", 0); printf("%ld\\n", n);'),
               "does-not-compile": PROGRAM_GENERATOR.replace("return 0;\n}", "return undeclared_name;\n}"),
               "no-code": "",
               "nondeterministic": PROGRAM_GENERATOR.replace("static unsigned long long s = 88172645463325252ULL;",
                                                             "static unsigned long long s;").replace(
                   "int i = atoi(argv[2]);", "int i = atoi(argv[2]);\n    struct timespec ts;\n"
                   "    clock_gettime(CLOCK_MONOTONIC, &ts);\n    s = (unsigned long long)ts.tv_nsec | 1;").replace(
                   "#include <string.h>", "#include <string.h>\n#include <time.h>")}[broken]
    assert program != PROGRAM_GENERATOR
    reply = f"```c\n{program}\n```" if program else "Sorry, I cannot see how the program reads its input."
    ctx, plan, _ = program_plan_from(program_ctx_for, reply)
    notes = ctx.report["agents_testing"]["mix"]
    expected = {"crashes": "generator-crashed", "hangs": "generator-hung", "nul-argument": "generator-invalid",
                "does-not-compile": "generator-build-failed", "no-code": "generator-missing",
                "nondeterministic": "generator-invalid"}[broken]
    assert notes["plan"] == "deterministic" and notes["generator_rejected_reason"] == expected, notes
    assert ctx.report["agents_testing_rejected"] == {expected: 1}
    if broken == "nondeterministic":
        assert "not deterministic" in notes["generator_rejected"]
    # The built-in program plan is what remains, untouched.
    assert plan.mode == "program" and plan.builtin is None and "generator" not in plan.detail
    assert all(i.origin == "" for i in plan.correctness)


# --------------------------------------------------------------------------- library types

SHAPES_H = """#ifndef SHAPES_H
#define SHAPES_H
#include <stddef.h>
typedef struct shape { int w, h; long weight; } shape_t;
#endif
"""
SHAPES_C = """#include "shapes.h"

long total_area(const shape_t *s, size_t n)
{
    long a = 0;
    for (size_t i = 0; i < n; i++)
        a += (long)s[i].w * s[i].h * s[i].weight;
    return a;
}
"""


def test_library_generator_prompt_holds_the_parameter_types_from_headers(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "shapes.h").write_text(SHAPES_H)
    (src / "shapes.c").write_text(SHAPES_C)
    tc = find_toolchain()
    base = tmp_path / "shapes.o"
    subprocess.run([str(tc.clang), "-O3", "-c", "shapes.c", "-o", str(base)], cwd=src, check=True)
    (tmp_path / "none.toml").write_text("")
    with ScriptedServer([{"content": "I cannot write that."}]) as srv:
        settings = load_settings(cwd=tmp_path, env={
            "LLMCC_CONFIG": str(tmp_path / "none.toml"), "LLMCC_LLM_BACKEND": "openai",
            "LLMCC_LLM_BASE_URL": srv.url, "LLMCC_LLM_MODEL": "scripted",
            "LLMCC_CACHE_DIR": str(tmp_path / "cache")})
        (tmp_path / "work").mkdir()
        ctx = TUContext(source="shapes.c", cwd=src, flags=[], opt_level="-O3", toolchain=tc,
                        settings=settings, workdir=tmp_path / "work", baseline_object=base,
                        hot_functions=[HotFunction("total_area", 1.0)])
        client = make_client(ctx.settings, retry=RetryPolicy(attempts=2, multiplier=0.01, max_wait=0.02))
        make_test_plan(ctx, "total_area", client)
        asked = srv.requests[0]["messages"][-1]["content"]
    # The struct behind the typedef lives in a header the function's file only includes.
    assert "typedef struct shape { int w, h; long weight; } shape_t;" in asked
    assert "long total_area(const shape_t *s, size_t n);" in asked
    assert ctx.report["agents_testing_rejected"] == {"generator-missing": 1}


def test_program_generator_without_usable_scale_inputs_times_on_the_builtin_ones(program_ctx_for):
    # Every scale input is too big to make: 3e8 numbers pass the generator's output cap.
    slow = PROGRAM_GENERATOR.replace('long n = strcmp(argv[1], "scale") == 0 ? 300L : 1 + i % 5;',
                                     'long n = strcmp(argv[1], "scale") == 0 ? 300000000L : 1 + i % 5;')
    assert slow != PROGRAM_GENERATOR
    ctx, plan, _ = program_plan_from(program_ctx_for, f"```c\n{slow}\n```")
    notes = ctx.report["agents_testing"]["mix"]
    assert notes["plan"] == "model-generator+builtin", notes
    # Candidates are timed on the built-in plan's largest scale input, not a tiny one.
    from llmcc.verify.evaluate import timing_inputs
    assert plan.scale == [] and plan.builtin.scale
    timed_plan, timed = timing_inputs(plan)
    assert timed_plan is plan.builtin and timed == plan.builtin.scale[-1:]
    assert notes["timed_on"] == "built-in plan: 1 scale input(s)"
    assert any("scale 0" in d for d in plan.detail["scale_dropped"])
