"""The ACCLAIM agents end to end against a scripted model served over real HTTP.

Every model answer here is scripted (``data/agents/rewrites.json`` and inline scripts);
nothing is a real model. The compiler, the validators (formal check, differential tests,
UBSan, object checks) and the measurement are the real ones, with
``measure.mode = instructions`` so speedups are deterministic.
"""
from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import baseline_tu, scripted_context

from llmcc.agents.guiding import run_guiding_agent
from llmcc.agents.level import LevelJob, run_level_agent
from llmcc.agents.levels import LEVEL_BY_NAME
from llmcc.llm.client import RetryPolicy, make_client
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.toolchain import backend, frontend, middle_end
from llmcc.tu import HotFunction, TUContext
from llmcc.tu import o_level_pipeline as pipeline_for
from llmcc.verify.evaluate import build_test_plan

DATA = Path(__file__).parent / "data" / "agents"
REWRITES = {r["name"]: r for r in json.loads((DATA / "rewrites.json").read_text())}
FAST_RETRY = RetryPolicy(attempts=3, multiplier=0.01, max_wait=0.05, jitter=0.01)
GUIDE = "You steer"            # a phrase only the guiding agent's prompt contains
SCALE_INPUTS_KEPT = 3
NO_GENERATOR = {"match": "test-input generator", "content": "I cannot write that.", "repeat": -1}


# Counting instructions (valgrind) keeps these tests timing-free.
CTX_SETTINGS = {"LLMCC_MEASURE_MODE": "instructions", "LLMCC_AGENTS_SAMPLES": "1", "LLMCC_AGENTS_ROUNDS": "1"}


@pytest.fixture(scope="module")
def tu(tmp_path_factory):
    """The user's TU (kernels.c) and its -O3 baseline object, built once per module."""
    root = tmp_path_factory.mktemp("tu")
    src, tc, base = baseline_tu(root, "kernels.c", (DATA / "kernels.c").read_text())
    return {"root": root, "src": src, "toolchain": tc, "baseline": base, "plans": {}}


def make_ctx(tu, tmp_path: Path, url: str, function: str, **env: str) -> TUContext:
    """A TUContext for kernels.c whose settings point the client at ``url``."""
    return scripted_context(tmp_path, (tu["src"], tu["toolchain"], tu["baseline"]), "kernels.c", url,
                            [HotFunction(function, 10.0)], **{**CTX_SETTINGS, **env})


@pytest.fixture
def none_toml(tmp_path):
    (tmp_path / "none.toml").write_text("")


def client_for(ctx: TUContext, deadline: float | None = None):
    return make_client(ctx.settings, deadline=deadline, retry=FAST_RETRY)


def shared_plan(tu, ctx: TUContext, function: str):
    """One deterministic test plan per function for the whole module (built once). Only
    its smallest scale inputs are kept: instruction counting runs under valgrind here,
    and the rewrites' gains show at a few thousand elements already."""
    if function not in tu["plans"]:
        plan_ctx = TUContext(**{**ctx.__dict__, "workdir": tu["root"] / f"plan-{function}", "report": {}})
        plan_ctx.workdir.mkdir()
        plan = build_test_plan(plan_ctx, function)
        plan.scale = plan.scale[:SCALE_INPUTS_KEPT]
        tu["plans"][function] = plan
    return tu["plans"][function]


def program_at(ctx: TUContext, level: str) -> Path:
    """kernels.c at ``level``: the source itself, its -O3 IR, or that IR's assembly."""
    if level == "source":
        return ctx.source_path
    tc, work = ctx.toolchain, ctx.workdir
    bc = frontend(tc, ctx.source_path, [], work / "in.bc", cwd=ctx.cwd).output
    ll = middle_end(tc, bc, pipeline_for("-O3"), work / "in.ll", emit_text=True).output
    if level == "ir":
        return ll
    return backend(tc, ll, [], work / "in.s", emit="asm").output


def run_rewrite(tu, tmp_path: Path, name: str):
    """One scripted rewrite through the level agent (n = k = 1)."""
    rewrite = REWRITES[name]
    with ScriptedServer([{"content": rewrite["reply"], "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, rewrite["function"])
        job = LevelJob(ctx, LEVEL_BY_NAME[rewrite["level"]], program_at(ctx, rewrite["level"]),
                       rewrite["function"], shared_plan(tu, ctx, rewrite["function"]),
                       ctx.workdir / "agent", samples=1, rounds=1)
        return run_level_agent(job, client_for(ctx))


def kinds(record) -> dict[str, str]:
    return {v["checker"]: v["kind"] for v in record.verdicts}


# --------------------------------------------------------------------------- good rewrites


def test_good_source_rewrite_is_emitted_by_the_guide_and_is_faster(tu, tmp_path, none_toml):
    script = [NO_GENERATOR,
              {"match": GUIDE, "tool_calls": [{"name": "source_agent",
                                               "arguments": {"state": "p0", "function": "popcount_sum"}}]},
              {"match": GUIDE, "content": "Done."},
              {"match": "Rewrite the C function", "content": REWRITES["popcount-builtin"]["reply"]}]
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        candidate = run_guiding_agent(ctx, client_for(ctx),
                                      plans={"popcount_sum": shared_plan(tu, ctx, "popcount_sum")})
    assert candidate is not None and candidate.origin == "source"
    margin = ctx.settings["measure.margin"]
    assert candidate.speedup > 1 + margin
    assert candidate.object_path.read_bytes() != tu["baseline"].read_bytes()
    assert {"difftest-function", "ubsan"} <= {v["checker"] for v in candidate.verdicts}
    # The rewritten TU is compiled under the user's file name (not the workdir copy's).
    program = candidate.object_path.parent / "kernels.c"
    assert program.read_text().startswith('#line 1 "kernels.c"\n')
    symbols = subprocess.run(["readelf", "-s", str(candidate.object_path)], capture_output=True, text=True)
    assert [line.split()[-1] for line in symbols.stdout.splitlines() if " FILE " in line] == ["kernels.c"]
    report = ctx.report["agents"]
    assert report["emitted"]["origin"] == "source"
    assert report["contributions"][0]["level"] == "source"
    assert report["metrics"]["pct_correct_samples"] == 100.0
    assert report["usage"]["calls"] >= 3
    json.dumps(report)          # the report is plain JSON (the driver writes it to disk)


def test_ir_rewrite_is_accepted_with_a_formal_verdict(tu, tmp_path, none_toml):
    result = run_rewrite(tu, tmp_path, "ir-ctpop")
    sample = result.samples[0]
    assert sample.status == "correct" and sample.accepted and sample.speedup > 1.03
    verdicts = kinds(sample)
    formal = {c: k for c, k in verdicts.items() if c in ("smt", "alive2", "formal")}
    # The built-in SMT checker proves this loop-free rewrite; alive-tv (if installed) too.
    assert formal and set(formal.values()) == {"proved"}, verdicts
    assert verdicts["difftest-function"] == "tested_equal"


def test_asm_rewrite_passes_object_checks_and_differential_tests(tu, tmp_path, none_toml):
    result = run_rewrite(tu, tmp_path, "asm-bit-trick")
    sample = result.samples[0]
    assert sample.status == "correct" and sample.accepted and sample.speedup > 1.03
    verdicts = kinds(sample)
    assert verdicts["objcheck"] in ("tested_equal", "proved")
    assert verdicts["difftest-function"] == "tested_equal"


# --------------------------------------------------------------------------- wrong rewrites


@pytest.mark.parametrize("name", ["off-by-one", "signed-overflow", "aliasing-assumption",
                                  "wrong-rounding", "dropped-volatile"])
def test_wrong_rewrite_is_rejected_and_nothing_is_returned(tu, tmp_path, none_toml, name):
    result = run_rewrite(tu, tmp_path, name)
    assert result.best is None
    [sample] = result.samples
    # Rejected by a check; or, where clang compiles the wrong source to the very code it
    # already emits (signed overflow is UB, so clang may widen it as the original does),
    # refused as unchanged: an object equal to the baseline can do no harm.
    assert sample.status == "incorrect" or (sample.status, sample.stage) == ("invalid", "unchanged"), \
        (sample.status, sample.stage, sample.detail)
    assert result.correct_rounds == 0


def test_failed_round_feeds_errors_back_and_next_round_succeeds(tu, tmp_path, none_toml):
    good = REWRITES["popcount-builtin"]["reply"]
    script = [{"content": "```c\nuint64_t popcount_sum(const uint32_t *words, size_t n) { return nope; }\n```"},
              {"match": "previous attempts were rejected", "content": good}]
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        job = LevelJob(ctx, LEVEL_BY_NAME["source"], ctx.source_path, "popcount_sum",
                       shared_plan(tu, ctx, "popcount_sum"), ctx.workdir / "agent", samples=1, rounds=2)
        result = run_level_agent(job, client_for(ctx))
        second_prompt = srv.requests[1]["messages"][-1]["content"]
    assert [s.status for s in result.samples] == ["invalid", "correct"]
    assert "nope" in second_prompt            # the compiler's complaint reached the model
    assert result.best is not None and result.correct_rounds == 1


# --------------------------------------------------------------------------- the guide's loop


def test_budget_is_spent_exactly_and_trace_is_reported(tu, tmp_path, none_toml):
    script = [NO_GENERATOR,
              {"match": GUIDE, "tool_calls": [{"name": "source_agent", "arguments": {"state": "p0"}}],
               "repeat": -1},
              {"match": "Rewrite the C function", "content": "I cannot make this faster.", "repeat": -1}]
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum", LLMCC_AGENTS_BUDGET="3",
                       LLMCC_AGENTS_SAMPLES="2", LLMCC_AGENTS_ROUNDS="2")
        candidate = run_guiding_agent(ctx, client_for(ctx))
        guide_requests = [r for r in srv.requests if any(GUIDE in (m.get("content") or "")
                                                         for m in r["messages"])]
        level_requests = [r for r in srv.requests if "Rewrite the C function" in r["messages"][-1]["content"]]
    report = ctx.report["agents"]
    assert candidate is None
    assert [t["tool"] for t in report["trace"]] == ["source_agent"] * 3
    assert len(report["level_calls"]) == 3 and report["budget_left"] == 0
    # n = 2 samples x k = 2 rounds per call, each a real request (repeated calls are not
    # answered from the cache of the previous identical call).
    assert [len(c["samples"]) for c in report["level_calls"]] == [4, 4, 4] and len(level_requests) == 12
    assert report["metrics"]["generations"] == 6 and report["metrics"]["pct_correct_generations"] == 0.0
    assert [t["budget_left"] for t in report["trace"]] == [2, 1, 0]
    assert report["stopped"] == "budget spent"
    assert report["metrics"]["pct_correct_samples"] == 0.0
    # Every guide turn after the first sees the remaining budget in its tool results.
    for request in guide_requests[1:]:
        assert "budget_left" in request["messages"][-1]["content"]


def test_malformed_tool_calls_get_errors_and_count_as_steps(tu, tmp_path, none_toml):
    bad_calls = [{"name": "make_it_fast", "arguments": {}},
                 {"name": "source_agent", "arguments": "{not json"},
                 {"name": "middle_end", "arguments": {"state": "p0"}},
                 {"name": "test", "arguments": {"state": "p99"}}]
    script = [{"match": GUIDE, "tool_calls": bad_calls, "repeat": -1}]
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum", LLMCC_AGENTS_MAX_STEPS="6")
        candidate = run_guiding_agent(ctx, client_for(ctx))
    report = ctx.report["agents"]
    assert candidate is None and report["stopped"] == "step limit"
    assert len(report["trace"]) == 6 and report["budget_left"] == ctx.settings["agents.budget"]
    errors = [t["result"]["error"] for t in report["trace"]]
    assert "unknown tool" in errors[0] and "JSON" in errors[1]
    assert "pipeline" in errors[2] and "p99" in errors[3]


def test_malformed_level_replies_end_in_the_baseline(tu, tmp_path, none_toml):
    script = [NO_GENERATOR,
              {"match": GUIDE, "tool_calls": [{"name": "source_agent", "arguments": {"state": "p0"}}],
               "repeat": 2},
              {"match": GUIDE, "content": "Done."},
              {"match": "Rewrite the C function", "content": "```c\nuint64_t popcount_sum(const uint32_t *w",
               "finish_reason": "length"},
              {"match": "Rewrite the C function", "raw": "<html>bad gateway</html>", "repeat": -1}]
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        candidate = run_guiding_agent(ctx, client_for(ctx),
                                      plans={"popcount_sum": shared_plan(tu, ctx, "popcount_sum")})
    report = ctx.report["agents"]
    assert candidate is None and report["emitted"] is None
    first, second = report["level_calls"]
    assert [s["status"] for s in first["samples"]] == ["invalid"]
    assert second["samples"] == [] and second["stopped"].startswith("llm"), json.dumps(report["level_calls"])


@pytest.mark.parametrize("case", ["timeout", "429-storm", "dead-endpoint"])
def test_unreachable_model_ends_in_the_baseline_within_the_deadline(tu, tmp_path, none_toml, case):
    deadline_s = 4.0
    scripts = {"timeout": [{"content": "late", "delay": 30, "repeat": -1}],
               "429-storm": [{"status": 429, "message": "slow down", "repeat": -1}]}
    start = time.monotonic()
    if case == "dead-endpoint":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ctx = make_ctx(tu, tmp_path, f"http://127.0.0.1:{port}/v1", "popcount_sum",
                       LLMCC_TU_DEADLINE=str(deadline_s), LLMCC_LLM_TIMEOUT="1")
        candidate = run_guiding_agent(ctx, client_for(ctx, start + deadline_s))
    else:
        with ScriptedServer(scripts[case]) as srv:
            ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum",
                           LLMCC_TU_DEADLINE=str(deadline_s), LLMCC_LLM_TIMEOUT="1")
            candidate = run_guiding_agent(ctx, client_for(ctx, start + deadline_s))
    assert candidate is None
    assert ctx.report["agents"]["stopped"].startswith("llm")
    assert time.monotonic() - start < deadline_s + 5   # bounded by the deadline, not by the model


def test_rebuild_with_same_inputs_makes_no_model_calls(tu, tmp_path, none_toml):
    script = [NO_GENERATOR,
              {"match": GUIDE, "tool_calls": [{"name": "source_agent", "arguments": {"state": "p0"}}]},
              {"match": GUIDE, "content": "Done."},
              {"match": "Rewrite the C function", "content": "No faster version exists."}]
    with ScriptedServer(script) as srv:
        first = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        run_guiding_agent(first, client_for(first),
                          plans={"popcount_sum": shared_plan(tu, first, "popcount_sum")})
        calls_first = len(srv.requests)
        second = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        second.workdir = tmp_path / "work2"
        second.workdir.mkdir()
        client = client_for(second)
        run_guiding_agent(second, client, plans={"popcount_sum": shared_plan(tu, second, "popcount_sum")})
    assert calls_first == 3 and len(srv.requests) == calls_first
    assert client.usage.cached_calls == client.usage.calls == 3
    assert [t["tool"] for t in second.report["agents"]["trace"]] == ["source_agent"]


def test_compiler_tools_build_states_and_allow_backtracking(tu, tmp_path, none_toml):
    calls = [("frontend", {"state": "p0"}),
             ("middle_end", {"state": "p1", "pipeline": "default<O3>"}),
             ("middle_end", {"state": "p1", "pipeline": "default<O1>"}),     # back to p1
             ("backend", {"state": "p2"}),
             ("frontend", {"state": "p2"}),                                   # wrong level
             ("middle_end", {"state": "p1", "pipeline": "no-such-pass"})]
    script = [{"match": GUIDE, "tool_calls": [{"name": n, "arguments": a}]} for n, a in calls]
    script.append({"match": GUIDE, "content": "Done."})
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        candidate = run_guiding_agent(ctx, client_for(ctx))
    report = ctx.report["agents"]
    assert candidate is None and report["stopped"] == "model finished"
    states = {s["id"]: s for s in report["states"]}
    assert [states[i]["level"] for i in ("p1", "p2", "p3", "p4")] == ["ir", "ir", "ir", "asm"]
    assert states["p2"]["parent"] == states["p3"]["parent"] == "p1" and states["p4"]["parent"] == "p2"
    results = [t["result"] for t in report["trace"]]
    assert "needs source" in results[4]["error"] and "opt failed" in results[5]["error"]
    assert report["budget_left"] == ctx.settings["agents.budget"]   # compiler tools are free


def test_text_tool_protocol_drives_the_guide_and_unparsable_calls_cost_a_step(tu, tmp_path, none_toml):
    script = [{"content": 'I will lower it first.\n```json\n{"tool": "frontend", "arguments": {"state": "p0"}}\n```'},
              {"content": '```json\n{"tool": "backend", "arguments": {"state": \n```'},
              {"content": "That is all I can do."}]
    with ScriptedServer(script) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum", LLMCC_LLM_TOOL_PROTOCOL="text")
        candidate = run_guiding_agent(ctx, client_for(ctx))
        last_prompt = srv.requests[-1]["messages"][-1]["content"]
    report = ctx.report["agents"]
    assert candidate is None and report["stopped"] == "model finished"
    assert [t["tool"] for t in report["trace"]] == ["frontend", "(unparsed)"]
    assert report["trace"][0]["result"]["new_state"] == "p1"
    assert "could not be parsed" in last_prompt
    assert report["steps_left"] == ctx.settings["agents.max_steps"] - 2


# --------------------------------------------------------------------------- evidence


ASM_TRAPDOOR = REWRITES["asm-bit-trick"]["reply"].replace(
    "\tmovl\t%edi, %eax\n\tshrl\t%eax\n",
    "\tcmpl\t$999331, %edi\n\tjne\t.Lgo\n\txorl\t%eax, %eax\n\tretq\n.Lgo:\n\tmovl\t%edi, %eax\n\tshrl\t%eax\n", 1)


def test_asm_trapdoor_on_one_value_is_rejected_with_the_value_as_feedback(tu, tmp_path, none_toml):
    assert "999331" in ASM_TRAPDOOR
    with ScriptedServer([{"content": ASM_TRAPDOOR, "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "bits32", LLMCC_VERIFY_FUZZ_SECONDS_ASM="5")
        job = LevelJob(ctx, LEVEL_BY_NAME["asm"], program_at(ctx, "asm"), "bits32",
                       shared_plan(tu, ctx, "bits32"), ctx.workdir / "agent", samples=1, rounds=1)
        result = run_level_agent(job, client_for(ctx))
    sample = result.samples[0]
    assert result.best is None and sample.status == "incorrect"
    # Rejected by a check that ran the trapdoor value, and the value is fed back: the
    # differential tests when they try the candidate's own constants, else the fuzzer
    # (its dictionary holds the asm's immediates).
    assert sample.stage in ("fuzz", "tests") and "999331" in sample.detail, sample.detail
    if sample.stage == "fuzz":
        assert kinds(sample)["difftest-function"] == "tested_equal"


def test_c_rewrite_is_checked_formally_against_the_baseline(tu, tmp_path, none_toml):
    result = run_rewrite(tu, tmp_path, "popcount-builtin")
    sample = result.samples[0]
    assert sample.status == "correct"
    formal = [v for v in sample.verdicts if v["data"].get("against") == "baseline"]
    assert formal and formal[0]["kind"] in ("proved", "inconclusive")
    if formal[0]["kind"] != "proved":   # not proved: the tested path needs the fuzz budget
        assert kinds(sample)["fuzz"] == "tested_equal"


def test_a_round_built_on_a_wrong_program_is_checked_against_the_baseline(tu, tmp_path, none_toml):
    # Round input: a program whose popcount_sum is already wrong (skips words[0]). A reply
    # that keeps that behaviour agrees with its input, but not with the original TU.
    wrong_input = tmp_path / "wrong" / "kernels.c"
    wrong_input.parent.mkdir()
    original = (tu["src"] / "kernels.c").read_text()
    start = original.index("uint64_t popcount_sum")
    end = original.index("int64_t sum_times7")
    bad = REWRITES["off-by-one"]["reply"].split("```c\n")[1].split("```")[0]
    wrong_input.write_text(original[:start] + bad + "\n" + original[end:])
    reply = "```c\n" + bad.replace("total", "sum") + "```\n"
    with ScriptedServer([{"content": reply, "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        job = LevelJob(ctx, LEVEL_BY_NAME["source"], wrong_input, "popcount_sum",
                       shared_plan(tu, ctx, "popcount_sum"), ctx.workdir / "agent", samples=1, rounds=1)
        result = run_level_agent(job, client_for(ctx))
    sample = result.samples[0]
    assert result.best is None and sample.status == "incorrect"
    assert sample.stage in ("formal", "tests"), sample.stage     # refuted against the baseline


def test_guide_emission_gate_rechecks_a_state_against_the_baseline(tu, tmp_path, none_toml):
    # A state that claims to be correct and 3x faster, but whose object is wrong: the gate
    # re-validates it against the original TU and keeps the baseline.
    from llmcc.agents.guiding import GuideSession
    wrong = tmp_path / "wrong.c"
    wrong.write_text((tu["src"] / "kernels.c").read_text().replace("for (size_t i = 0; i < n; i++) {\n        uint32_t w",
                                                                     "for (size_t i = 1; i < n; i++) {\n        uint32_t w"))
    obj = tmp_path / "wrong.o"
    subprocess.run([str(tu["toolchain"].clang), "-O3", "-c", str(wrong), "-o", str(obj)], check=True)
    with ScriptedServer([{"content": "unused", "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        session = GuideSession(ctx, client_for(ctx))
        session.plans["popcount_sum"] = shared_plan(tu, ctx, "popcount_sum")
        session._add_state("asm", None, session.states["p0"], "asm_agent popcount_sum",
                           agent_levels=("asm",), function="popcount_sum", functions=("popcount_sum",),
                           object_path=obj, speedup=3.0, correct=True, accepted=True)
        assert session.best_state().id == "p1"
        assert session.candidate() is None
    gate = ctx.report["agents_emission"]
    assert gate[0]["state"] == "p1" and gate[0]["decision"] == "baseline"
    assert "difftest" in gate[0]["reason"] or "fuzz" in gate[0]["reason"]


# --------------------------------------------------------------------------- untrusted IR


def test_ir_reply_that_aborts_llvm_is_a_rejected_sample_and_never_replayed(tu, tmp_path, none_toml):
    """A define whose !dbg names the DICompileUnit makes llvmlite abort(); in the agent it
    is an invalid sample (the test process survives) and its cached reply is marked bad, so
    the next identical call asks the endpoint again instead of replaying the crash."""
    import re
    function = "popcount_sum"
    with ScriptedServer([]) as probe:
        ctx = make_ctx(tu, tmp_path, probe.url, function)
    tc, work = ctx.toolchain, ctx.workdir
    bc = frontend(tc, ctx.source_path, ["-g"], work / "g.bc", cwd=ctx.cwd).output
    ll = middle_end(tc, bc, pipeline_for("-O3"), work / "g.ll", emit_text=True).output
    ir = ll.read_text()
    unit = re.search(r"^(!\d+) = distinct !DICompileUnit", ir, re.MULTILINE).group(1)
    define = re.search(rf"^define [^\n]*@{function}\(.*?^\}}\n", ir, re.MULTILINE | re.DOTALL).group(0)
    bad = re.sub(r" !dbg !\d+ \{", f" !dbg {unit} {{", define.splitlines()[0]) + "\n" + \
        "\n".join(define.splitlines()[1:]) + "\n"
    reply = f"Here:\n```llvm\n{bad}```\n"
    with ScriptedServer([{"content": reply, "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, function)
        results = []
        for attempt in range(2):
            job = LevelJob(ctx, LEVEL_BY_NAME["ir"], ll, function, None, ctx.workdir / f"agent{attempt}",
                           samples=1, rounds=1)
            results.append(run_level_agent(job, client_for(ctx)))
        assert len(srv.requests) == 2           # the second call was not served from the cache
    for result in results:
        [record] = result.samples
        assert record.status == "invalid" and record.stage == "compile"
        assert "IR parser crashed" in record.detail and "SIGABRT" in record.detail
        assert result.best is None
    assert not results[1].samples[0].cached


def test_a_function_not_found_at_the_level_is_refused_before_any_model_call(tu, tmp_path, none_toml):
    # A macro-generated definition gives the level nothing to show: no empty code block
    # goes to the model (it would only invite a made-up function).
    with ScriptedServer([{"content": REWRITES["popcount-builtin"]["reply"], "repeat": -1}]) as srv:
        ctx = make_ctx(tu, tmp_path, srv.url, "popcount_sum")
        job = LevelJob(ctx, LEVEL_BY_NAME["source"], ctx.source_path, "no_such_function",
                       None, ctx.workdir / "agent", samples=1, rounds=1)
        result = run_level_agent(job, client_for(ctx))
        assert srv.requests == []
    assert result.stopped.startswith("refused: no definition of 'no_such_function'")
    assert result.samples == [] and result.best is None
