"""The level agent's conversation with a model: what it is told (instruction, current C)
and how it understands replies as models write them. Every reply is scripted (served over
loopback HTTP by ``llmcc.llm.scripted_server``); nothing here is a real model.

Tests that need no validation (no-improvement answers, prompt contents, refused splices)
run without a test plan; a rewrite that reaches the evaluator gets the real one.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import baseline_tu, scripted_context

from llmcc.agents.level import LevelJob, run_level_agent
from llmcc.agents.levels import LEVEL_BY_NAME
from llmcc.config import load_settings
from llmcc.llm.client import RetryPolicy, make_client
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.toolchain import frontend, middle_end
from llmcc.tu import HotFunction, TUContext
from llmcc.tu import o_level_pipeline as pipeline_for

DATA = Path(__file__).parent / "data" / "agents"
FAST_RETRY = RetryPolicy(attempts=3, multiplier=0.01, max_wait=0.05, jitter=0.01)


# Counting instructions (valgrind) keeps these tests timing-free.
CTX_SETTINGS = {"LLMCC_MEASURE_MODE": "instructions"}


@pytest.fixture(scope="module")
def tu(tmp_path_factory):
    """kernels.c and its -O3 baseline object, built once."""
    root = tmp_path_factory.mktemp("tu")
    src, tc, base = baseline_tu(root, "kernels.c", (DATA / "kernels.c").read_text())
    return {"root": root, "src": src, "toolchain": tc, "baseline": base, "plans": {}}


def make_ctx(tu, tmp_path: Path, url: str, function: str, **env: str) -> TUContext:
    return scripted_context(tmp_path, (tu["src"], tu["toolchain"], tu["baseline"]), "kernels.c", url,
                            [HotFunction(function, 10.0)], **{**CTX_SETTINGS, **env})


def run(tu, tmp_path, script, function="popcount_sum", level="source", rounds=1, samples=1,
        plan=None, env=None, **job_fields):
    """Run the level agent against ``script``; returns (result, requests the server saw)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, function, **(env or {}))
        program = ctx.source_path if level == "source" else ir_of(ctx)
        job = LevelJob(ctx, LEVEL_BY_NAME[level], program, function, plan, ctx.workdir / "agent",
                       samples=samples, rounds=rounds, **job_fields)
        result = run_level_agent(job, make_client(ctx.settings, retry=FAST_RETRY))
        return result, srv.requests


def ir_of(ctx: TUContext) -> Path:
    bc = frontend(ctx.toolchain, ctx.source_path, [], ctx.workdir / "in.bc", cwd=ctx.cwd).output
    return middle_end(ctx.toolchain, bc, pipeline_for("-O3"), ctx.workdir / "in.ll", emit_text=True).output


def user_prompt(request: dict) -> str:
    return request["messages"][-1]["content"]


# --------------------------------------------------------------------------- no improvement


@pytest.mark.parametrize("answer", [
    "No improvement possible.",
    "After looking at it carefully, clang -O3 already vectorizes this loop, so the function "
    "is already optimal. I would leave it as is.",
    "I don't think this can be improved further:\n```c\nuint64_t popcount_sum(const uint32_t *words, size_t n);\n```",
])
def test_no_improvement_answer_ends_the_loop_quietly(tu, tmp_path, answer):
    result, requests = run(tu, tmp_path, [{"content": answer, "repeat": -1}], rounds=3)
    assert [s.status for s in result.samples] == ["no_improvement"]
    assert result.stopped == "no_improvement" and result.no_improvement
    assert result.best is None
    assert len(requests) == 1                     # no second round, no feedback prompt
    assert result.to_json()["no_improvement"] is True


def test_no_improvement_is_not_fed_back_as_an_error(tu, tmp_path):
    # Two samples per round: one says "no improvement", the other is broken code. The
    # round goes on to a second one, which hears about the broken code only.
    broken = "```c\nuint64_t popcount_sum(const uint32_t *words, size_t n) { return nope; }\n```"
    script = [{"content": "No further optimization is possible here."}, {"content": broken},
              {"content": broken, "repeat": -1}]
    result, requests = run(tu, tmp_path, script, rounds=2, samples=2)
    first_round = sorted(s.status for s in result.samples if s.round == 0)
    assert first_round == ["invalid", "no_improvement"] and result.rounds_run == 2
    second = user_prompt(requests[-1])
    assert "nope" in second and "No further optimization" not in second
    assert "no complete definition" not in second


# --------------------------------------------------------------------------- what the model is told


def test_guide_instruction_reaches_the_prompt(tu, tmp_path):
    instruction = "Replace the inner bit loop with __builtin_popcount."
    result, requests = run(tu, tmp_path, [{"content": "No improvement possible.", "repeat": -1}],
                           instruction=instruction)
    assert instruction in user_prompt(requests[0])


def test_ir_agent_sees_the_current_state_c_not_the_original(tu, tmp_path):
    current = tmp_path / "state" / "kernels.c"
    current.parent.mkdir()
    text = (DATA / "kernels.c").read_text().replace(
        "total += (w >> b) & 1u;", "total += (w >> b) & 1u; /* CURRENT-STATE-MARK */")
    current.write_text(text)
    result, requests = run(tu, tmp_path, [{"content": "No improvement possible.", "repeat": -1}],
                           level="ir", source_program=current)
    assert "CURRENT-STATE-MARK" in user_prompt(requests[0])
    assert result.stopped == "no_improvement"


# --------------------------------------------------------------------------- replies as models write them


WHOLE_FILE_WITH_HELPER = """Sure. The inner loop counts bits one at a time; a helper that
uses the popcount builtin does it in one step. Here is the complete file:

```c
{whole}
```

The other functions are unchanged.
"""


def whole_file_with_helper() -> str:
    original = (DATA / "kernels.c").read_text()
    old = ("        uint32_t w = words[i];\n        for (int b = 0; b < 32; b++)\n"
           "            total += (w >> b) & 1u;\n")
    assert old in original
    whole = original.replace(old, "        total += count_bits(words[i]);\n")
    helper = "static inline uint64_t count_bits(uint32_t w)\n{\n    return (uint64_t)__builtin_popcount(w);\n}\n\n"
    at = whole.index("uint64_t popcount_sum(")
    return WHOLE_FILE_WITH_HELPER.format(whole=whole[:at] + helper + whole[at:])


def shared_plan(tu, ctx, function):
    from llmcc.verify.evaluate import build_test_plan
    if function not in tu["plans"]:
        plan_ctx = TUContext(**{**ctx.__dict__, "workdir": tu["root"] / f"plan-{function}", "report": {}})
        plan_ctx.workdir.mkdir()
        plan = build_test_plan(plan_ctx, function)
        plan.scale = plan.scale[:3]      # instruction counts under valgrind: keep it small
        tu["plans"][function] = plan
    return tu["plans"][function]


def test_whole_file_reply_with_a_new_static_helper_is_an_accepted_rewrite(tu, tmp_path):
    reply = whole_file_with_helper()
    with ScriptedServer([{"content": reply, "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        job = LevelJob(ctx, LEVEL_BY_NAME["source"], ctx.source_path, "popcount_sum",
                       shared_plan(tu, ctx, "popcount_sum"), ctx.workdir / "agent", samples=1, rounds=1)
        result = run_level_agent(job, make_client(ctx.settings, retry=FAST_RETRY))
    [sample] = result.samples
    assert sample.status == "correct" and sample.accepted, (sample.status, sample.stage, sample.detail)
    program = result.best.program_path.read_text()
    assert program.count("static inline uint64_t count_bits") == 1
    assert program.count("unsigned bits32(unsigned w)") == 1     # the rest was not duplicated


def test_helper_colliding_with_a_tu_name_is_an_invalid_sample_naming_it(tu, tmp_path):
    reply = whole_file_with_helper().replace("count_bits", "sum_times7")
    result, requests = run(tu, tmp_path, [{"content": reply, "repeat": -1}], rounds=2)
    assert [(s.status, s.stage) for s in result.samples] == [("invalid", "splice")] * 2
    assert "'sum_times7'" in result.samples[0].detail and "already declared" in result.samples[0].detail
    assert "'sum_times7'" in user_prompt(requests[1])           # the model is told


def test_helper_colliding_with_a_header_name_is_refused(tu, tmp_path):
    reply = whole_file_with_helper().replace("count_bits", "ptrdiff_t")   # a <stddef.h> typedef
    result, _ = run(tu, tmp_path, [{"content": reply, "repeat": -1}])
    [sample] = result.samples
    assert (sample.status, sample.stage) == ("invalid", "splice") and "'ptrdiff_t'" in sample.detail


def test_helper_that_does_not_compile_is_an_invalid_sample_with_the_compiler_error(tu, tmp_path):
    reply = whole_file_with_helper().replace("__builtin_popcount(w)", "__builtin_popcount(w, nope_x)")
    result, _ = run(tu, tmp_path, [{"content": reply, "repeat": -1}])
    [sample] = result.samples
    assert (sample.status, sample.stage) == ("invalid", "compile") and "nope_x" in sample.detail


# --------------------------------------------------------------------------- context and profiles


def test_source_prompt_carries_the_context_not_just_the_code_before(tu, tmp_path):
    result, requests = run(tu, tmp_path, [{"content": "No improvement possible.", "repeat": -1}])
    prompt = user_prompt(requests[0])
    assert "/* target flags */\nclang -O3" in prompt and "/* hot loop */" in prompt
    assert re.search(r"typedef [^;]*\buint64_t;", prompt)       # from <stdint.h>
    assert "add_one" not in prompt and "sum_times7" not in prompt   # unused: not shown


def test_compact_profile_sends_a_shorter_system_prompt_and_smaller_context(tu, tmp_path):
    from llmcc.llm.prompts import uses_text_tools
    script = [{"content": "No improvement possible.", "repeat": -1}]
    _, full = run(tu, tmp_path / "full", script)
    result, compact = run(tu, tmp_path / "compact", script, env={"LLMCC_LLM_PROFILE": "compact"})
    full_system, compact_system = (r[0]["messages"][0]["content"] for r in (full, compact))
    assert len(compact_system) * 2 < len(full_system) and "No improvement possible." in compact_system
    assert len(user_prompt(compact[0])) < len(user_prompt(full[0]))
    assert result.stopped == "no_improvement"
    settings = load_settings(cwd=tmp_path, env={"LLMCC_CONFIG": str(tmp_path / "full" / "none.toml"),
                                                "LLMCC_LLM_PROFILE": "compact"})
    assert uses_text_tools(settings)


def test_a_crash_while_reading_a_reply_rejects_only_that_sample(tu, tmp_path, monkeypatch):
    from llmcc.agents import levels

    def broken(*args, **kwargs):
        raise IndexError("parser bug")
    monkeypatch.setattr(levels.SourceLevel, "splice", broken)
    result, _ = run(tu, tmp_path, [{"content": "```c\nint x;\n```", "repeat": -1}])
    [sample] = result.samples
    assert (sample.status, sample.stage) == ("invalid", "splice") and "IndexError" in sample.detail
