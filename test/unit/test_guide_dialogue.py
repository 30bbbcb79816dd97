"""The guide <-> level-agent dialogue (ACCLAIM): the guide's instruction reaches the level
agent, the rewrite comes back to the guide as a diff with its checks and speedup, IR
agents see the current state's C, and the report holds the transcript. Every model answer
here is scripted (``data/agents/rewrites.json`` and inline); nothing is a real model."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import baseline_tu, scripted_context

from llmcc.agents.guiding import run_guiding_agent, transcript_text
from llmcc.config import load_settings
from llmcc.llm.client import RetryPolicy, make_client
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.report import dumps_report
from llmcc.toolchain import find_toolchain
from llmcc.tu import HotFunction, TUContext
from llmcc.verify.evaluate import build_test_plan

DATA = Path(__file__).parent / "data" / "agents"
REWRITES = {r["name"]: r for r in json.loads((DATA / "rewrites.json").read_text())}
GUIDE = "You steer"
INSTRUCTION = "Replace the per-bit loop with __builtin_popcount on each word; keep one accumulator."
IR_INSTRUCTION = "Try a vectorized ctpop over four words at a time."
EVIDENCE = {"loops": 2, "max_loop_depth": 2, "trip_counts": [32], "blocks": 7, "cond_branches": 2,
            "calls": 0, "profile_weight": 0.83,
            "remarks": {"counts": {"passed": 3, "missed": 2, "analysis": 1}, "vectorized": 0,
                        "top_missed": ["loop-vectorize:MissedDetails"]}}


@pytest.fixture
def ctx_for(tmp_path):
    tu = baseline_tu(tmp_path, "kernels.c", (DATA / "kernels.c").read_text())
    return lambda url: scripted_context(tmp_path, tu, "kernels.c", url,
                                        [HotFunction("popcount_sum", 12.5, EVIDENCE)],
                                        LLMCC_MEASURE_MODE="instructions", LLMCC_AGENTS_SAMPLES="1",
                                        LLMCC_AGENTS_ROUNDS="1")


def small_plan(ctx: TUContext):
    plan = build_test_plan(ctx, "popcount_sum")
    plan.scale = plan.scale[:3]       # instruction counting under valgrind: keep it small
    return plan


def test_instruction_goes_out_and_diff_checks_speedup_come_back_into_the_report(ctx_for):
    script = [{"match": GUIDE, "tool_calls": [{"name": "source_agent", "arguments": {
                  "state": "p0", "function": "popcount_sum", "instruction": INSTRUCTION}}]},
              {"match": GUIDE, "tool_calls": [{"name": "ir_agent", "arguments": {
                  "state": "p1", "function": "popcount_sum", "instruction": IR_INSTRUCTION}}]},
              {"match": GUIDE, "content": "Done."},
              {"match": "Rewrite the C function", "content": REWRITES["popcount-builtin"]["reply"]},
              {"match": "Rewrite the LLVM", "content": "No improvement possible: the loop is already optimal."}]
    with ScriptedServer(script) as srv:
        ctx = ctx_for(srv.url)
        run_guiding_agent(ctx, make_client(ctx.settings, retry=RetryPolicy(attempts=2, multiplier=0.01, max_wait=0.02)),
                          plans={"popcount_sum": small_plan(ctx)})
        requests = srv.requests
    first_guide = requests[0]["messages"][-1]["content"]
    # The guide's first prompt carries the evidence it spends on, not only an excerpt.
    assert "`popcount_sum` score 12.5, profile share 0.83" in first_guide
    assert "missed loop-vectorize:MissedDetails" in first_guide and "2 loops (depth 2" in first_guide
    # The guide's instruction reached the source agent.
    source_prompt = next(r for r in requests if "Rewrite the C function" in r["messages"][-1]["content"])
    assert INSTRUCTION in source_prompt["messages"][-1]["content"]
    # The IR agent got its own instruction and the C of the rewritten state, not the original.
    ir_prompt = next(r for r in requests if "Rewrite the LLVM" in r["messages"][-1]["content"])
    ir_text = ir_prompt["messages"][-1]["content"]
    assert IR_INSTRUCTION in ir_text and "__builtin_popcount(words[i])" in ir_text
    # The rewrite came back to the guide: its next turn holds the diff, checks and speedup.
    second_guide = [r for r in requests if GUIDE in (r["messages"][1].get("content") or "")][1]
    tool_result = json.loads(second_guide["messages"][-1]["content"])
    assert "+        total += (uint64_t)__builtin_popcount(words[i]);" in tool_result["diff"]
    assert tool_result["diff"].startswith("--- p0\n+++ p1\n")
    assert "difftest-function: tested_equal" in tool_result["checks"]
    assert tool_result["speedup"] > 1 and tool_result["accepted"] is True
    third_guide = [r for r in requests if GUIDE in (r["messages"][1].get("content") or "")][2]
    ir_result = json.loads(third_guide["messages"][-1]["content"])
    assert ir_result["no_improvement"].startswith("No improvement possible")
    assert ir_result["result"] == "the agent found no improvement" and "failures" not in ir_result
    # The report's transcript: instruction sent, diff and measurement received, per call.
    transcript = ctx.report["agents"]["transcript"]
    assert [t["tool"] for t in transcript] == ["source_agent", "ir_agent"]
    assert transcript[0]["instruction"] == INSTRUCTION and transcript[0]["new_state"] == "p1"
    assert transcript[0]["diff"] == tool_result["diff"] and transcript[0]["speedup"] == pytest.approx(
        tool_result["speedup"], abs=0.01)
    assert transcript[1]["instruction"] == IR_INSTRUCTION and transcript[1]["state"] == "p1"
    assert transcript[1]["worked_on"] == "p2" and "new_state" not in transcript[1]
    # It survives the report's JSON and reads as text.
    assert json.loads(dumps_report(ctx.report))["agents"]["transcript"][0]["instruction"] == INSTRUCTION
    text = transcript_text(ctx.report["agents"])
    assert f"instruction: {INSTRUCTION}" in text and "| +        total += (uint64_t)__builtin_popcount" in text
    assert "agent: No improvement possible" in text


def test_a_huge_diff_is_cut_and_a_missing_instruction_is_allowed(ctx_for):
    filler = "\n".join(f"static const int filler_table_{i}[4] = {{ {i}, {i + 1}, {i + 2}, {i + 3} }};"
                       for i in range(200))
    reply = REWRITES["popcount-builtin"]["reply"].replace("```c\n", "```c\n" + filler + "\n", 1)
    script = [{"match": GUIDE, "tool_calls": [{"name": "source_agent", "arguments": {"state": "p0"}}]},
              {"match": GUIDE, "tool_calls": [{"name": "test", "arguments": {"state": "p1"}}]},
              {"match": GUIDE, "content": "Done."},
              {"match": "Rewrite the C function", "content": reply}]
    with ScriptedServer(script) as srv:
        ctx = ctx_for(srv.url)
        run_guiding_agent(ctx, make_client(ctx.settings, retry=RetryPolicy(attempts=2, multiplier=0.01, max_wait=0.02)),
                          plans={"popcount_sum": small_plan(ctx)})
    entry = ctx.report["agents"]["transcript"][0]
    assert entry["instruction"] == "" and entry["function"] == "popcount_sum"
    assert entry["new_state"] == "p1", entry
    assert len(entry["diff"]) < 4100 and "(diff cut:" in entry["diff"]
    # The free test call's measurement is in the transcript too.
    tested = ctx.report["agents"]["transcript"][1]
    assert tested["tool"] == "test" and tested["state"] == "p1" and tested["correct"] is True
    text = transcript_text(ctx.report["agents"])
    assert "instruction: (none)" in text and "[step 2] test on p1\n  -> correct True" in text


WRONG_MAIN = """Counting the magic value once is faster:

```c
int main(void)
{
    long n, x, acc = 0;
    if (scanf("%ld", &n) != 1 || n < 0)
        return 1;
    for (long i = 0; i < n && scanf("%ld", &x) == 1; i++)
        acc += x == 31337 ? 0 : mix(x);
    printf("%ld\\n", acc);
    return 0;
}
```
"""


def test_a_program_rewrite_is_tested_on_model_written_stdin_inputs_through_the_guide(tmp_path):
    from test_agents_testing import PROGRAM, PROGRAM_GENERATOR
    src = tmp_path / "src"
    src.mkdir()
    (src / "prog.c").write_text(PROGRAM)
    tc = find_toolchain()
    base = tmp_path / "prog.o"
    subprocess.run([str(tc.clang), "-O3", "-c", "prog.c", "-o", str(base)], cwd=src, check=True)
    (tmp_path / "none.toml").write_text("")
    script = [{"match": GUIDE, "tool_calls": [{"name": "source_agent", "arguments": {
                  "state": "p0", "function": "main", "instruction": "Skip work for values that add nothing."}}]},
              {"match": GUIDE, "content": "Done."},
              {"match": "test-input generator for the C program", "content": f"```c\n{PROGRAM_GENERATOR}\n```"},
              {"match": "Rewrite the C function", "content": WRONG_MAIN}]
    with ScriptedServer(script) as srv:
        settings = load_settings(cwd=tmp_path, env={
            "LLMCC_CONFIG": str(tmp_path / "none.toml"), "LLMCC_LLM_BACKEND": "openai",
            "LLMCC_LLM_BASE_URL": srv.url, "LLMCC_LLM_MODEL": "scripted",
            "LLMCC_CACHE_DIR": str(tmp_path / "cache"), "LLMCC_MEASURE_MODE": "instructions",
            "LLMCC_AGENTS_SAMPLES": "1", "LLMCC_AGENTS_ROUNDS": "1"})
        (tmp_path / "work").mkdir()
        ctx = TUContext(source="prog.c", cwd=src, flags=[], opt_level="-O3", toolchain=tc,
                        settings=settings, workdir=tmp_path / "work", baseline_object=base,
                        hot_functions=[HotFunction("main", 3.0)], has_main=True)
        candidate = run_guiding_agent(ctx, make_client(ctx.settings, retry=RetryPolicy(
            attempts=2, multiplier=0.01, max_wait=0.02)))
    assert candidate is None
    assert ctx.report["agents_testing"]["main"]["plan"] == "model-generator+builtin"
    entry = ctx.report["agents"]["transcript"][0]
    assert entry["result"] == "no correct rewrite", entry
    # Only the model's correctness input 4 holds 31337: that is what caught the rewrite.
    assert "(model-written)" in entry["failures"][0], entry["failures"]
