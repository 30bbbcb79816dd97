"""The hostile suite (issue 9, item 10): its endpoint and mutations (fast), and the
measurement on real Debian projects built with CC=llmcc against it (slow; CI runs it).

The slow test asserts the issue's "Done when": no wrong object emitted, no broken build,
the projects' own tests pass, and >= 95% of the wrong rewrites served are rejected by a
check rather than by the speed margin. It fails (never skips) when the sources cannot be
fetched.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "test"))

from hostile import mutate as M                                       # noqa: E402
from hostile.endpoint import HostileEndpoint, classify, fenced_after   # noqa: E402

CLANG = "clang-22"

ANSI_C = """static unsigned long sum_bytes(const unsigned char *buf, unsigned long len, int flags)
{
    unsigned long s = 0;
    for (unsigned long i = 0; i < len; i++) {
        if (buf[i] == 0 && flags != 0)
            continue;
        s += buf[i];
    }
    counter += s;
    return s;
}"""

KR_C = """uLong ZEXPORT adler32_z(adler, buf, len)
    uLong adler;
    const Bytef *buf;
    z_size_t len;
{
    unsigned long sum2 = (adler >> 16) & 0xffff;
    while (len--) {
        adler += *buf++;
        sum2 += adler;
    }
    return adler | (sum2 << 16);
}"""

STRUCT_C = """int is_writing(struct file *f, int n)
{
    if (f->writing == 1)
        return n;
    return 0;
}"""

IR = """define dso_local i32 @f(i32 noundef %0, ptr noundef %1) local_unnamed_addr #0 {
  %3 = icmp slt i32 %0, 10
  br i1 %3, label %4, label %7

4:
  %5 = add nsw i32 %0, 1
  store i32 %5, ptr @g, align 4
  store i32 %5, ptr %1, align 4
  ret i32 %5

7:
  ret i32 0
}"""

ASM = """f:                                      # @f
	.cfi_startproc
# %bb.0:
	cmpl	$10, %edi
	jge	.LBB0_2
	leal	1(%rdi), %eax
	movl	%eax, g(%rip)
	retq
.LBB0_2:
	xorl	%eax, %eax
	retq"""


def _compiles_c(code: str, tmp_path: Path, prelude: str) -> bool:
    src = tmp_path / "m.c"
    src.write_text(prelude + code + "\n")
    return subprocess.run([CLANG, "-c", "-w", "-std=gnu99", str(src), "-o", str(tmp_path / "m.o")],
                          capture_output=True).returncode == 0


def test_every_c_mutation_changes_the_code_and_still_compiles(tmp_path):
    prelude = ("typedef unsigned long uLong; typedef unsigned char Bytef; typedef unsigned long z_size_t;\n"
               "#define ZEXPORT\nstatic unsigned long counter;\nstruct file { int writing; };\n")
    seen = set()
    for code in (ANSI_C, KR_C, STRUCT_C):
        for kind in M.C_KINDS:
            out = M.apply("source", kind, code, 5, context=prelude)
            if out is None:
                continue
            seen.add(kind)
            assert out != code, kind
            assert _compiles_c(out, tmp_path, prelude), f"{kind} made uncompilable C:\n{out}"
    assert seen >= {"trapdoor", "rare_range", "flip_compare", "off_by_one", "loop_cap",
                    "drop_global_write", "struct_field_test", "target_avx2", "time_trapdoor",
                    "call_counter"}


def test_c_mutations_do_what_they_say():
    assert "== 999331) return 0;" in M.apply("source", "trapdoor", ANSI_C, 0)
    assert "__builtin_readcyclecounter() > 0x7fffffffffffffffULL) return 0;" in M.apply(
        "source", "time_trapdoor", ANSI_C, 0)
    assert "if (++hostile_calls_ > 100000000ul) return 0;" in M.apply("source", "call_counter", ANSI_C, 0)
    assert "len > 1000000u && len < 4294967295u) return 0;" in M.apply("source", "rare_range", KR_C, 0)
    assert M.c_params(KR_C) == {"adler": "uLong", "buf": "const Bytef *", "len": "z_size_t"}
    assert "counter += s" not in M.apply("source", "drop_global_write", ANSI_C, 0,
                                         context="static unsigned long counter;\n")
    assert "if (!(f->writing == 1))" in M.apply("source", "struct_field_test", STRUCT_C, 0)
    assert "i <= len" in M.apply("source", "off_by_one", ANSI_C, 0)
    assert "if (len > 400000u) len = 400000u;" in M.apply("source", "loop_cap", KR_C, 0)
    assert "++ < 400000u" in M.apply("source", "loop_cap",
                                     "int g(struct file *f)\n{\n    int k = 0;\n    while (f->writing) k++;\n    return k;\n}", 0)
    assert M.apply("source", "target_avx2", ANSI_C, 0).startswith('__attribute__((target("avx2")))')
    assert M.apply("source", "trapdoor", STRUCT_C.replace("int n", "double n"), 0) is None


def test_ir_and_asm_mutations(tmp_path):
    module = "@g = global i32 0\n\n{}\n\nattributes #0 = {{ nounwind }}\n"
    semantic = {}
    for kind in M.IR_KINDS:
        out = M.apply("ir", kind, IR, 1)
        assert out is not None and out != IR, kind
        (tmp_path / "m.ll").write_text(module.format(out))
        rc = subprocess.run(["llvm-as-22", str(tmp_path / "m.ll"), "-o", "/dev/null"],
                            capture_output=True).returncode
        semantic[kind] = rc == 0
    # semantic mutations stay valid IR; truncated text does not parse
    assert semantic == {"icmp_flip": True, "add_to_sub": True, "drop_store": True,
                        "trapdoor_arg": True, "bad_dbg": False, "truncated": False}
    assert "icmp eq i32 %0, 999331" in M.apply("ir", "trapdoor_arg", IR, 0)
    assert "store i32 %5, ptr @g" not in M.apply("ir", "drop_store", IR, 0)
    for kind in M.ASM_KINDS:
        out = M.apply("asm", kind, ASM, 1)
        assert out is not None and out != ASM, kind
        (tmp_path / "m.s").write_text(".text\n.globl f\n.type f,@function\n" + out + "\n.cfi_endproc\ng: .long 0\n")
        rc = subprocess.run([CLANG, "-c", str(tmp_path / "m.s"), "-o", str(tmp_path / "m.o")],
                            capture_output=True).returncode
        assert (rc == 0) == (kind != "malformed"), kind
    assert "cmpq\t$999331, %rdi" in M.apply("asm", "trapdoor", ASM, 0)
    assert "%ymm15" in M.apply("asm", "avx2", ASM, 0)
    # the trapdoor tests the register that holds an integer parameter (System V order)
    assert M.asm_trap_register("int f(double x, const char *s, int n)\n{\n    return n;\n}", 0) == ("cmpl", "%esi")
    assert M.asm_trap_register(KR_C, 0) in (("cmpq", "%rdi"), ("cmpq", "%rdx"))
    assert M.asm_trap_register("int f(const char *s, unsigned char c)\n{\n    return c;\n}", 0) is None
    assert "g(%rip)" not in M.apply("asm", "drop_store", ASM, 0)


def test_mutations_are_deterministic_and_seeded():
    a = [M.mutate("source", ANSI_C, s, context="static unsigned long counter;") for s in range(12)]
    b = [M.mutate("source", ANSI_C, s, context="static unsigned long counter;") for s in range(12)]
    assert a == b
    assert len({m.kind for m in a}) >= 4          # different seeds, different mutations
    assert M.seed_of(1, "x") == M.seed_of(1, "x") != M.seed_of(2, "x")


def _level_body(level: str, function: str, code: str) -> dict:
    heading = {"source": "Rewrite the C function `{f}` so that it runs faster",
               "ir": "Rewrite the LLVM 22 IR function `@{f}` so that the code",
               "asm": "Rewrite the x86-64 assembly (AT&T syntax) of the\nfunction `{f}` so that"}[level]
    code_head = "The current code, from its label to its last instruction:" if level == "asm" \
        else "The function to rewrite:"
    fence = M.FENCE[level]
    text = f"{heading.format(f=function)}\n\nContext:\n```{fence}\n\n```\n{code_head}\n```{fence}\n{code}\n```\n"
    return {"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": text}]}


def test_endpoint_answers_level_prompts_with_logged_seeded_mutations(tmp_path):
    ep = HostileEndpoint(seed=3, log_path=tmp_path / "served.jsonl")
    again = HostileEndpoint(seed=3)
    replies = []
    for level, code in (("source", ANSI_C), ("ir", IR), ("asm", ASM)):
        body = _level_body(level, "f" if level != "source" else "sum_bytes", code)
        assert classify(body)[0] == level
        assert fenced_after(body["messages"][1]["content"], "The function to rewrite:" if level != "asm"
                            else "The current code") == code
        for _ in range(3):
            replies.append((ep(body), again(body)))
    for mine, theirs in replies:
        assert mine == theirs                                   # deterministic
    logged = [json.loads(line) for line in (tmp_path / "served.jsonl").read_text().splitlines()]
    level_logs = [r for r in logged if r["level"]]
    assert len(level_logs) + sum(1 for r in logged if r["kind"] == "garbage-body") == 9
    for r in level_logs:
        assert r["kind"] in (*M.KINDS[r["level"]], "noop", "enormous", "truncated-fallback")
        assert r["wrong"] == (r["kind"] not in ("noop", *M.PROBE_KINDS))
    served_code = [m for m, _ in replies if "content" in m]
    assert all(re.search(r"```(c|llvm|asm)\n", m["content"]) for m in served_code)


def test_endpoint_guides_selected_tus_through_all_three_levels():
    ep = HostileEndpoint(seed=1, max_tus=1, sources=("a.c", "b.c"), skip_flags=("-DPIC",))
    tools = [{"type": "function", "function": {"name": "source_agent"}}]

    def guide(source: str, flags: str, results: list[dict]) -> dict:
        msgs = [{"role": "system", "content": "s"},
                {"role": "user", "content": f"You steer the optimization of one C translation unit, `{source}` "
                                            f"(flags: `{flags}`).\nHot functions, hottest first: hot1, hot2.\n"}]
        for r in results:
            msgs.append({"role": "assistant", "content": None})
            msgs.append({"role": "tool", "content": json.dumps(r)})
        return ep({"messages": msgs, "tools": tools})

    assert "tool_calls" not in guide("a.c", "-O3 -DPIC", [])          # skipped flag
    assert "tool_calls" not in guide("z.c", "-O3", [])                # not a listed source
    calls, results = [], []
    while True:
        entry = guide("a.c", "-O3", results)
        if "tool_calls" not in entry:
            break
        call = entry["tool_calls"][0]
        calls.append((call["name"], call["arguments"].get("state"), call["arguments"].get("function")))
        results.append({"new_state": f"p{len(results) + 1}"} if call["name"] == "source_agent" else {"result": "no"})
    names = [c[0] for c in calls if c[0] != "shell"]
    assert names == ["source_agent", "ir_agent", "asm_agent", "pipeline_agent"]
    levels = {c[0]: c for c in calls}
    assert levels["source_agent"][1:] == ("p0", "hot1")
    assert levels["ir_agent"][1] != "p0"                               # built on the source agent's state
    assert "tool_calls" not in guide("b.c", "-O3", [])                # max_tus reached


def test_sample_check_names_the_rejecting_check():
    from hostile.run import ACCEPTED, SPEED_MARGIN, sample_check
    assert sample_check({"status": "correct", "accepted": False}) == SPEED_MARGIN
    assert sample_check({"status": "correct", "accepted": True}) == ACCEPTED
    assert sample_check({"status": "invalid", "stage": "compile", "detail": "error: x"}) == "syntax/compile"
    assert sample_check({"status": "incorrect", "stage": "tests",
                         "verdicts": [{"kind": "tested_equal", "checker": "objcheck"},
                                      {"kind": "tested_different", "checker": "difftest-function"}]}) == "difftest"
    assert sample_check({"status": "incorrect", "stage": "formal",
                         "verdicts": [{"kind": "refuted", "checker": "smt"}]}) == "formal"
    assert sample_check({"status": "incorrect", "stage": "tests",
                         "verdicts": [{"kind": "invalid", "checker": "isa"}]}) == "isa"


# --------------------------------------------------------------------------- slow: the measurement


@pytest.mark.slow
def test_hostile_suite_on_real_projects(tmp_path_factory):
    from hostile.run import ensure_sources, format_table, projects, run_project
    try:
        ensure_sources()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    work = tmp_path_factory.mktemp("hostile")
    # zlib and Lua (two real projects, as the issue asks); bzip2 is in the runner for
    # longer measurements (`python test/hostile/run.py zlib lua bzip2`).
    results = [run_project(p, work / name) for name, p in projects().items() if name in ("zlib", "lua")]
    table = format_table(results)
    print(table)
    for r in results:
        assert r.build_rc == 0, f"{r.name}: broken build\n{table}"
        assert r.tests_ok, f"{r.name}: the project's own tests failed: {r.tests_detail}\n{table}"
        assert not r.wrong_objects, f"{r.name}: wrong objects emitted: {r.wrong_objects}\n{table}"
        assert r.wrong, f"{r.name}: the endpoint served no wrong rewrite (nothing was measured)\n{table}"
    checked = sum(r.check_rate()[0] for r in results)
    evaluated = sum(r.check_rate()[1] for r in results)
    assert evaluated and checked / evaluated >= 0.95, \
        f"only {checked}/{evaluated} wrong rewrites were rejected by a check\n{table}"


def _served(seq: int, level: str, kind: str) -> dict:
    return {"seq": seq, "level": level, "function": "f", "kind": kind, "wrong": kind not in ("noop", "bad_dbg")}


def test_an_emitted_object_is_traced_to_every_reply_in_it():
    """source state p1 (round 0 best: a noop) -> lowered p2 -> IR state p3 whose best is
    round 1 sample 0 (a noop) built on round 0's best (a trapdoor): the object is wrong."""
    from hostile.run import emitted_replies
    agents = {
        "states": [{"id": "p0", "parent": None, "made_by": "user source"},
                   {"id": "p1", "parent": "p0", "made_by": "source_agent f"},
                   {"id": "p2", "parent": "p1", "made_by": "frontend + default<O3>"},
                   {"id": "p3", "parent": "p2", "made_by": "ir_agent f"}],
        "trace": [{"tool": "shell", "result": {"error": "unknown tool"}},
                  {"tool": "source_agent", "result": {"samples": 2, "new_state": "p1"}},
                  {"tool": "ir_agent", "result": {"samples": 4, "new_state": "p3"}}],
        "level_calls": [
            {"level": "source", "best": {"program": "/w/agents/call2-source/r0-s1/x.c"},
             "samples": [{"round": 0, "index": 0, "status": "incorrect"},
                         {"round": 0, "index": 1, "status": "correct", "speedup": 1.0}]},
            {"level": "ir", "best": {"program": "/w/agents/call3-ir/r1-s0/program.ll"},
             "samples": [{"round": 0, "index": 0, "status": "correct", "speedup": 1.01},
                         {"round": 0, "index": 1, "status": "correct", "speedup": 1.2},
                         {"round": 1, "index": 0, "status": "correct", "speedup": 1.3}]}]}
    by_sample = {(0, 0, 1): _served(1, "source", "noop"), (1, 0, 0): _served(2, "ir", "noop"),
                 (1, 0, 1): _served(3, "ir", "trapdoor_arg"), (1, 1, 0): _served(4, "ir", "noop")}
    emitted = {"origin": "source+ir", "detail": {"state": "p3", "function": "f"}}
    kinds, unknown = emitted_replies(agents, emitted, by_sample)
    assert unknown == []
    assert sorted(k["kind"] for k in kinds) == ["noop", "noop", "trapdoor_arg"]   # round 0's best is in it
    assert any(k["wrong"] for k in kinds)
    del by_sample[(0, 0, 1)]
    assert emitted_replies(agents, emitted, by_sample)[1] == ["source (state p1, round 0 sample 1)"]
