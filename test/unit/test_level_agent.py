"""The level agent's conversation with a model: what it is told (instruction, current C)
and how it understands replies as models write them. Every reply is scripted (served over
loopback HTTP by ``llmcc.llm.scripted_server``); nothing here is a real model.

Tests that need no validation (no-improvement answers, prompt contents, refused splices)
run without a test plan; a rewrite that reaches the evaluator gets the real one.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from llmcc.agents.level import LevelJob, run_level_agent
from llmcc.agents.levels import LEVEL_BY_NAME, pipeline_for
from llmcc.config import load_settings
from llmcc.llm.client import RetryPolicy, make_client
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.toolchain import find_toolchain, frontend, middle_end
from llmcc.tu import HotFunction, TUContext

DATA = Path(__file__).parent / "data" / "agents"
FAST_RETRY = RetryPolicy(attempts=3, multiplier=0.01, max_wait=0.05, jitter=0.01)


@pytest.fixture(scope="module")
def tu(tmp_path_factory):
    """kernels.c and its -O3 baseline object, built once."""
    root = tmp_path_factory.mktemp("tu")
    src = root / "src"
    src.mkdir()
    shutil.copy(DATA / "kernels.c", src / "kernels.c")
    tc = find_toolchain()
    base = root / "kernels.o"
    subprocess.run([str(tc.clang), "-O3", "-c", "kernels.c", "-o", str(base)], cwd=src, check=True)
    return {"root": root, "src": src, "toolchain": tc, "baseline": base, "plans": {}}


def make_ctx(tu, tmp_path: Path, url: str, function: str, **env: str) -> TUContext:
    (tmp_path / "none.toml").write_text("")
    settings = load_settings(cwd=tmp_path, env={
        "LLMCC_CONFIG": str(tmp_path / "none.toml"), "LLMCC_LLM_BACKEND": "openai",
        "LLMCC_LLM_BASE_URL": url, "LLMCC_LLM_MODEL": "scripted",
        "LLMCC_CACHE_DIR": str(tmp_path / "cache"), "LLMCC_MEASURE_MODE": "instructions", **env})
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    return TUContext(source="kernels.c", cwd=tu["src"], flags=[], opt_level="-O3",
                     toolchain=tu["toolchain"], settings=settings, workdir=workdir,
                     baseline_object=tu["baseline"], hot_functions=[HotFunction(function, 10.0)])


def run(tu, tmp_path, script, function="popcount_sum", level="source", rounds=1, samples=1,
        plan=None, **job_fields):
    """Run the level agent against ``script``; returns (result, requests the server saw)."""
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, function)
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
