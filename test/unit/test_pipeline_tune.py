"""Policies, the LLM pipeline agent and the tuning loop (deterministic instruction counts)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from llmcc.pipeline.llm_policy import LLMPipelinePolicy, ReplyFormatError, parse_reply
from llmcc.config import load_settings
from llmcc.pipeline.model import KNOBS, EditSpace
from llmcc.pipeline.policy import (GreedyPolicy, RandomPolicy, TuningState, extract_signals)
from llmcc.pipeline.standalone import context_for_source
from llmcc.pipeline.tune import tune_pipeline
from llmcc.toolchain import find_toolchain
from llmcc.tu import HotFunction

# A small self-checking program: runs in milliseconds so each evaluation is quick.
KERNEL = r"""
#include <stdio.h>
#include <stdint.h>
uint32_t mix(const uint32_t *a, int n) {
  uint32_t h = 0;
  for (int i = 0; i < n; i++) h = (h ^ a[i]) * 16777619u + (uint32_t)i;
  return h;
}
int main(void) {
  static uint32_t buf[4096];
  uint32_t x = 1, total = 0;
  for (int i = 0; i < 4096; i++) { x = x * 1664525u + 1013904223u; buf[i] = x; }
  for (int r = 0; r < 20; r++) total += mix(buf, 4096 - r);
  printf("%08x\n", total);
  return 0;
}
"""

SLP_EVIDENCE = HotFunction("f", 5.0, {"loops": 2, "calls": 0, "trip_counts": [8],
                                      "remarks": {"top_missed": ["slp-vectorizer:NotBeneficial",
                                                                 "loop-vectorize:MissedDetails"]}})


def _state(space: EditSpace = EditSpace(), hot=(SLP_EVIDENCE,)) -> TuningState:
    return TuningState(signals=extract_signals(hot), space=space, best_edits=[], history=[],
                       pipeline_text="function(gvn)", hot_functions=list(hot))


def test_evidence_is_read_from_remark_summaries():
    signals = extract_signals([SLP_EVIDENCE])
    assert "slp-vectorizer:NotBeneficial" in signals.remarks["missed"]
    assert signals.trip_counts == [8] and signals.loops == 2


def test_greedy_follows_the_evidence_and_never_repeats_a_move():
    state = _state()
    first = GreedyPolicy().propose(state, 3)
    names = [p.name for p in first]
    assert names[0] == "full-unroll-max-64"          # small known trip count
    assert "slp-threshold-neg3" in names or "loop-distribute" in names
    state.tried.update(names)
    second = GreedyPolicy().propose(state, 3)
    assert not set(p.name for p in second) & set(names)
    no_evidence = GreedyPolicy().propose(_state(hot=()), 2)
    assert [p.name for p in no_evidence] != names[:2]


def test_random_search_is_seeded_and_respects_the_fp_flag():
    a = RandomPolicy().propose(_state(), 4)
    b = RandomPolicy().propose(_state(), 4)
    assert [p.edits for p in a] == [p.edits for p in b]
    fp_knobs = {k for k, spec in KNOBS.items() if spec.changes_fp}
    for _ in range(5):
        for proposal in RandomPolicy().propose(_state(), 4):
            assert not any(e.get("knob") in fp_knobs for e in proposal.edits)


@pytest.mark.parametrize("reply", [
    '{"edits": [{"op": "remove", "pass": "loop-sink"}], "rationale": "r"}',
    'Here you go:\n```json\n{"edits": [{"op": "remove", "pass": "loop-sink"}], "rationale": "r"}\n```',
    'I suggest {"edits": [{"op": "remove", "pass": "loop-sink"}], "rationale": "r"} as the plan.',
])
def test_reply_json_is_extracted_from_prose_and_fences(reply):
    assert parse_reply(reply) == ([{"op": "remove", "pass": "loop-sink"}], "r")


@pytest.mark.parametrize("reply", ["Unroll more!", '{"edits": "unroll"}', '{"edits": []}', "```json\n{\"edits\": [1,\n```"])
def test_malformed_replies_raise_format_errors(reply):
    with pytest.raises(ReplyFormatError):
        parse_reply(reply)


@dataclass
class FakeReply:
    content: str


class FakeClient:
    """Answers every chat call with the next canned batch of replies."""

    def __init__(self, batches: list[list[str]]) -> None:
        self.batches = batches
        self.calls: list[dict] = []

    def chat(self, messages, *, tools=None, n=1, temperature=None, purpose="", template_version=""):
        self.calls.append({"messages": messages, "n": n, "purpose": purpose})
        batch = self.batches[min(len(self.calls) - 1, len(self.batches) - 1)]
        return [FakeReply(text) for text in batch]


@pytest.fixture(scope="module")
def kernel_ctx_factory(tmp_path_factory):
    tc = find_toolchain()
    src_dir = tmp_path_factory.mktemp("kernel")
    source = src_dir / "mix.c"
    source.write_text(KERNEL)

    def make(name: str, **env: str):
        settings = load_settings(env={"LLMCC_MEASURE_MODE": "instructions", "LLMCC_PIPELINE_ROUNDS": "2",
                                      "LLMCC_PIPELINE_CANDIDATES": "2", **env})
        ctx = context_for_source(tc, settings, source, tmp_path_factory.mktemp(name))
        assert not hasattr(ctx, "reason"), ctx
        return ctx
    return make


def _counting(evaluate):
    seen: list[Path] = []

    def wrapper(ctx, plan, candidate_obj, **kwargs):
        seen.append(Path(candidate_obj))
        return evaluate(ctx, plan, candidate_obj, **kwargs)
    return wrapper, seen


def test_greedy_tuning_returns_a_faster_candidate_or_none_and_reports_every_round(kernel_ctx_factory):
    from llmcc.verify.evaluate import evaluate_candidate
    ctx = kernel_ctx_factory("greedy")
    evaluator, seen = _counting(evaluate_candidate)
    result = tune_pipeline(ctx, "greedy", evaluator=evaluator)
    report = ctx.report["pipeline"]
    assert [r["round"] for r in report["rounds"]] == [0, 1]
    for entry in report["rounds"]:
        assert 1 <= len(entry["candidates"]) <= 2
        for cand in entry["candidates"]:
            assert cand["edits"] and cand["rationale"] and cand["decision"]
            if cand["decision"] in ("accepted", "rolled-back"):
                assert "evaluation" in cand
    assert seen, "no candidate was evaluated"
    margin = ctx.settings["measure.margin"]
    if result is None:
        assert report["result"]["decision"] == "baseline"
    else:
        assert result.speedup > 1 + margin and result.object_path.is_file()
        assert result.origin == "pipeline" and report["result"]["decision"] == "emit"
    json.dumps(report)  # the report must be plain JSON


def test_llm_policy_records_malformed_and_invalid_replies_and_evaluates_the_valid_one(kernel_ctx_factory):
    from llmcc.verify.evaluate import evaluate_candidate
    ctx = kernel_ctx_factory("llm", LLMCC_PIPELINE_ROUNDS="1", LLMCC_PIPELINE_CANDIDATES="3")
    valid = {"edits": [{"op": "set_knob", "knob": "unroll-treshold", "value": 700},
                       {"op": "set_param", "pass": "loop-unrol", "params": {"runtime": True}}],
             "rationale": "runtime unrolling for the hash loop"}
    client = FakeClient([["Sure! I would unroll the loop a lot.",
                          json.dumps({"edits": [{"op": "set_knob", "knob": "unroll-count", "value": 64}],
                                      "rationale": "way more unrolling"}),
                          "```json\n" + json.dumps(valid) + "\n```"]])
    evaluator, seen = _counting(evaluate_candidate)
    result = tune_pipeline(ctx, "llm", client=client, evaluator=evaluator)
    candidates = ctx.report["pipeline"]["rounds"][0]["candidates"]
    assert [c["decision"] for c in candidates][:2] == ["malformed", "invalid"]
    assert "no JSON object" in candidates[0]["reason"] and "outside [1, 8]" in candidates[1]["reason"]
    assert "evaluation" not in candidates[0] and "evaluation" not in candidates[1]
    evaluated = candidates[2]
    # The valid edit is built and judged: evaluated, or found to compile to the same code
    # as the baseline (then testing and timing it would be wasted).
    assert (evaluated["decision"] in ("accepted", "rolled-back") and "evaluation" in evaluated) or \
        (evaluated["decision"] == "no-change" and "same code" in evaluated["reason"])
    assert {"op": "set_knob", "knob": "unroll-threshold", "value": 700} in evaluated["edits"]
    assert any("loop-unrol" in note for note in evaluated["repairs"])
    ran = {p for p in seen if p != ctx.baseline_object}
    assert len(ran) == (0 if evaluated["decision"] == "no-change" else 1)  # only the valid one can run
    prompt = client.calls[0]["messages"][-1]["content"]
    assert "mix" in prompt and "loop-vectorize" in prompt and client.calls[0]["n"] == 3
    assert result is None or result.speedup > 1 + ctx.settings["measure.margin"]


def test_llm_policy_without_client_is_a_recorded_failure_not_an_exception(kernel_ctx_factory):
    ctx = kernel_ctx_factory("noclient", LLMCC_PIPELINE_ROUNDS="1")
    policy = LLMPipelinePolicy(None)
    proposals = policy.propose(_state(), 2)
    assert proposals and proposals[0].error
    assert tune_pipeline(ctx, "no-such-policy") is None
    assert "internal error" in ctx.report["pipeline"]["result"]["reason"]


LIBRARY = r"""
unsigned crc(const unsigned char *p, int n) {
  unsigned c = ~0u;
  for (int i = 0; i < n; i++) { c ^= p[i]; for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u))); }
  return ~c;
}
int sum(const int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
"""


def test_library_candidate_that_changes_untested_functions_is_refused(tmp_path):
    """Knobs act on the whole TU; with a function-mode plan for crc, a candidate that also
    changes sum would ship untested code, so it is refused before evaluation."""
    from types import SimpleNamespace
    source = tmp_path / "lib.c"
    source.write_text(LIBRARY)
    settings = load_settings(env={"LLMCC_PIPELINE_ROUNDS": "1", "LLMCC_PIPELINE_CANDIDATES": "2"})
    ctx = context_for_source(find_toolchain(), settings, source, tmp_path / "work")
    ctx.hot_functions = [HotFunction("crc", 9.0, {"loops": 2})]
    evaluated: list[Path] = []

    def evaluator(ctx, plan, obj, **kwargs):
        evaluated.append(Path(obj))
        return SimpleNamespace(accepted=False, correct=True, speedup=1.0, reason="fake evaluator")

    client = FakeClient([[json.dumps({"edits": [{"op": "set_knob", "knob": "unroll-count", "value": 4}]}),
                          json.dumps({"edits": [{"op": "set_knob", "knob": "slp-threshold", "value": -3}]})]])
    result = tune_pipeline(ctx, "llm", client=client, evaluator=evaluator,
                           plan_builder=lambda ctx, fn, seed: SimpleNamespace(mode="function", function=fn))
    candidates = ctx.report["pipeline"]["rounds"][0]["candidates"]
    assert candidates[0]["decision"] == "untested-change" and "sum" in candidates[0]["reason"]
    assert candidates[1]["decision"] == "rolled-back" and len(evaluated) == 1
    assert result is None


def test_knob_changing_several_hot_functions_is_tested_for_each_of_them(tmp_path):
    """With plans for every hot function, a knob that changes crc and sum is evaluated for
    both (not refused), and is accepted only if neither loses while one gains."""
    from types import SimpleNamespace
    source = tmp_path / "lib.c"
    source.write_text(LIBRARY)
    settings = load_settings(env={"LLMCC_PIPELINE_ROUNDS": "1", "LLMCC_PIPELINE_CANDIDATES": "1"})
    ctx = context_for_source(find_toolchain(), settings, source, tmp_path / "work")
    ctx.hot_functions = [HotFunction("crc", 9.0, {"loops": 2}), HotFunction("sum", 5.0, {"loops": 1})]
    asked: list[str] = []

    def evaluator(ctx, plan, obj, **kwargs):
        asked.append(plan.function)
        # crc gains, sum loses 10%: the combined verdict must refuse the candidate.
        gain = {"crc": 1.5, "sum": 0.9}[plan.function]
        return SimpleNamespace(accepted=gain > 1, correct=True, speedup=gain, reason=f"fake {gain}x",
                               verdicts=[])

    client = FakeClient([[json.dumps({"edits": [{"op": "set_knob", "knob": "unroll-count", "value": 4}]})]])
    result = tune_pipeline(ctx, "llm", client=client, evaluator=evaluator,
                           plan_builder=lambda ctx, fn, seed: SimpleNamespace(mode="function", function=fn))
    candidate = ctx.report["pipeline"]["rounds"][0]["candidates"][0]
    assert candidate["decision"] == "rolled-back", candidate
    assert sorted(asked) == ["crc", "sum"]
    assert set(candidate["evaluation"]["functions"]) == {"crc", "sum"}
    assert ctx.report["pipeline"]["tested"]["functions"] == ["crc", "sum"]
    assert result is None


def test_a_spent_budget_stops_before_test_plans_are_built(tmp_path):
    """The build budget cuts a TU's deadline; the tuner must not start the costly test
    plans (harness compiles and runs) once it has passed."""
    import time as _time
    source = tmp_path / "lib.c"
    source.write_text(LIBRARY)
    settings = load_settings(env={"LLMCC_PIPELINE_ROUNDS": "1"})
    ctx = context_for_source(find_toolchain(), settings, source, tmp_path / "work")
    ctx.hot_functions = [HotFunction("crc", 9.0, {"loops": 2})]
    built: list[str] = []
    result = tune_pipeline(ctx, "greedy", deadline=_time.monotonic() - 1,
                           evaluator=lambda *a, **k: None,
                           plan_builder=lambda ctx, fn, seed: built.append(fn))
    assert result is None and built == []
    assert ctx.report["pipeline"]["result"]["decision"] == "gave-up"
    assert "deadline" in ctx.report["pipeline"]["result"]["reason"]


def test_tune_returns_a_typed_outcome(tmp_path):
    """The driver reads the tuner's result, not its report: an internal error is a
    Fallback by reason, a search that found nothing is a NoWin with the reason."""
    import time as _time
    from llmcc.outcome import Fallback, NoWin
    from llmcc.pipeline.tune import tune
    source = tmp_path / "lib.c"
    source.write_text(LIBRARY)
    ctx = context_for_source(find_toolchain(), load_settings(env={}), source, tmp_path / "work")
    broken = tune(ctx, "no-such-policy")
    assert isinstance(broken, Fallback) and broken.reason == "pipeline-error"
    assert "no-such-policy" in broken.detail
    late = tune(ctx, "greedy", deadline=_time.monotonic() - 1, evaluator=lambda *a, **k: None,
                plan_builder=lambda ctx, fn, seed: None)
    assert isinstance(late, NoWin) and late.reason == "gave-up" and "deadline" in late.detail


def _symbol_bytes(obj: Path, name: str) -> bytes:
    from elftools.elf.elffile import ELFFile
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        sym = elf.get_section_by_name(".symtab").get_symbol_by_name(name)[0]
        section = elf.get_section(sym["st_shndx"])
        return section.data()[sym["st_value"]:sym["st_value"] + sym["st_size"]]


def test_set_cpu_retunes_the_tested_function_and_keeps_the_users_isa(tmp_path):
    """clang's "tune-cpu" attribute beat opt -mcpu, so set_cpu used to change nothing. Now
    the tested function is retuned in the IR: its code changes, the untested one's does
    not, and the object still passes the ISA check for the user's -march."""
    from types import SimpleNamespace
    from llmcc.verify.objcheck import check_isa
    source = tmp_path / "lib.c"
    source.write_text(LIBRARY)
    flags = ["-march=x86-64", "-mtune=znver3"]            # the user names two CPUs
    settings = load_settings(env={"LLMCC_PIPELINE_ROUNDS": "1", "LLMCC_PIPELINE_CANDIDATES": "1"})
    ctx = context_for_source(find_toolchain(), settings, source, tmp_path / "work", flags=flags)
    ctx.hot_functions = [HotFunction("crc", 9.0, {"loops": 2})]
    built: list[Path] = []

    def evaluator(ctx, plan, obj, **kwargs):
        built.append(Path(obj))
        return SimpleNamespace(accepted=False, correct=True, speedup=1.0, reason="fake evaluator")

    client = FakeClient([[json.dumps({"edits": [{"op": "set_cpu", "cpu": "x86-64"}]})]])
    tune_pipeline(ctx, "llm", client=client, evaluator=evaluator,
                  plan_builder=lambda ctx, fn, seed: SimpleNamespace(mode="function", function=fn))
    candidate = ctx.report["pipeline"]["rounds"][0]["candidates"][0]
    assert candidate["decision"] == "rolled-back", candidate      # built and evaluated
    assert candidate["retuned"] == ["crc"] and candidate["config"]["cpu"] == "x86-64"
    obj = built[0]
    assert _symbol_bytes(obj, "crc") != _symbol_bytes(ctx.baseline_object, "crc")
    assert _symbol_bytes(obj, "sum") == _symbol_bytes(ctx.baseline_object, "sum")
    isa = check_isa(ctx.baseline_object, obj, str(ctx.toolchain.clang), flags)
    assert isa.kind.value == "tested_equal", isa.detail


def test_a_target_cpu_rewrite_would_be_refused_by_the_isa_check(tmp_path):
    """Why set_cpu only moves "tune-cpu": rewriting "target-cpu" to haswell makes AVX2 (ymm)
    code the user's -march=x86-64 does not allow, and the ISA check refuses that object."""
    import subprocess
    from llmcc.verify.objcheck import check_isa
    tc = find_toolchain()
    source = tmp_path / "lib.c"
    source.write_text(LIBRARY)
    flags = ["-march=x86-64", "-mtune=znver3"]
    base, ll = tmp_path / "base.o", tmp_path / "lib.ll"
    subprocess.run([str(tc.clang), "-O3", *flags, "-c", str(source), "-o", str(base)], check=True)
    subprocess.run([str(tc.clang), "-O3", *flags, "-Xclang", "-disable-llvm-passes", "-S", "-emit-llvm",
                    str(source), "-o", str(ll)], check=True)
    wide = tmp_path / "wide.ll"
    wide.write_text(ll.read_text().replace('"target-cpu"="x86-64"', '"target-cpu"="haswell"'))
    opt_bc, obj = tmp_path / "wide.bc", tmp_path / "wide.o"
    subprocess.run([str(tc.tool("opt")), "-passes=default<O3>", str(wide), "-o", str(opt_bc)], check=True)
    subprocess.run([str(tc.clang), "-O3", *flags, "-Xclang", "-disable-llvm-passes", "-c", "-x", "ir",
                    str(opt_bc), "-o", str(obj)], check=True)
    disassembly = subprocess.run([str(tc.tool("llvm-objdump")), "-d", str(obj)], capture_output=True,
                                 text=True, check=True).stdout
    assert "ymm" in disassembly                              # the attribute wins over the flags
    isa = check_isa(base, obj, str(tc.clang), flags)
    assert isa.kind.value == "invalid" and isa.checker == "isa" and "AVX" in isa.detail
