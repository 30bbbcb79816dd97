"""llmcc tune with a scripted endpoint (loopback, not a model): LLM source rewrites of the
hot function go through the level agent's checks AND the workload oracle.

The project's kernel reads ``bias``, a global defined in main.c that the workload sets from
its command line. The function-level tests link the kernel alone, where ``bias`` is a
zero-filled stub, and the formal checker does not model a dropped global (inconclusive): a
rewrite that drops ``+ bias`` passes every function-level check, and only the program's
output shows it is wrong."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import CLANG, LLMCC, run
from test_tune import build_counting_model_calls, copy_decisions, tune_env

pytestmark = pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind (callgrind) not installed")

KERNEL = r"""#include "kernel.h"
extern unsigned bias;   /* set by main from the workload's command line */
unsigned long kernel(const unsigned *a, int n, int rounds) {
    unsigned long s = 0;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++)
            s += a[i] % 7u + bias;
    return s;
}
"""
MAIN = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel.h"
unsigned bias;
int main(int argc, char **argv) {
    static unsigned a[1000];
    for (int i = 0; i < 1000; i++) a[i] = i * 7919u + 13;
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0) {
        unsigned b[4] = {1, 2, 3, 4};
        return kernel(b, 4, 2) == 20ul ? 0 : 1;
    }
    bias = argc > 1 ? (unsigned)atoi(argv[1]) : 0;
    printf("%lu\n", kernel(a, 1000, 300));
    return 0;
}
"""
MAKEFILE = """CC ?= cc
CFLAGS ?= -O2
prog: main.o kernel.o
\t$(CC) $(CFLAGS) -o $@ main.o kernel.o
%.o: %.c kernel.h
\t$(CC) $(CFLAGS) -c $< -o $@
clean:
\trm -f prog *.o
"""
# Sums the inner loop once and multiplies: the same result for every input.
GOOD = """```c
unsigned long kernel(const unsigned *a, int n, int rounds) {
    if (rounds <= 0)
        return 0;
    unsigned long t = 0;
    for (int i = 0; i < n; i++)
        t += a[i] % 7u + bias;
    return t * (unsigned long)rounds;
}
```"""
# Also drops `+ bias`: right only while bias is 0, as in every function-level test.
WRONG = GOOD.replace(" + bias", "")


def make_project(d: Path) -> Path:
    d.mkdir(parents=True)
    (d / "kernel.c").write_text(KERNEL)
    (d / "kernel.h").write_text("unsigned long kernel(const unsigned *a, int n, int rounds);\n")
    (d / "main.c").write_text(MAIN)
    (d / "Makefile").write_text(MAKEFILE)
    return d


def scripted_rewrite(reply: str, asks: str = "Rewrite the C function"):
    """The level agent (its prompt contains ``asks``) gets ``reply``; the testing agent
    gets no generator (so the built-in tests alone run, as when a model's generator fails
    validation)."""
    from llmcc.llm.scripted_server import request_text

    def script(body):
        if asks in request_text(body):
            return {"content": reply}
        return {"content": "no generator"}
    return script


def tune_with(tmp: Path, monkeypatch, reply: str, level: str = "source") -> tuple[Path, dict, int]:
    """One tune session (callgrind counts) with the scripted endpoint; returns the project,
    the session summary and the number of model requests."""
    from llmcc.llm.scripted_server import ScriptedServer
    from llmcc.tune.session import TuneOptions, run_session
    proj = make_project(tmp / "proj")
    for k, v in tune_env(tmp).items():
        monkeypatch.setenv(k, v)
    asks = {"source": "Rewrite the C function", "ir": "Rewrite the LLVM 22 IR function",
            "asm": "Rewrite the x86-64 assembly"}[level]
    with ScriptedServer(scripted_rewrite(reply, asks)) as srv:
        for k, v in {"LLMCC_LLM_BACKEND": "openai", "LLMCC_LLM_BASE_URL": srv.url, "LLMCC_LLM_MODEL": "scripted",
                     "OPENAI_API_KEY": "k", "LLMCC_LLM_CONCURRENCY": "1",
                     # One sample, one round: every check still runs on it, in half the time.
                     "LLMCC_AGENTS_SAMPLES": "1", "LLMCC_AGENTS_ROUNDS": "1"}.items():
            monkeypatch.setenv(k, v)
        opts = TuneOptions(build="make CC=llmcc", run="./prog 5", check="./prog --selftest", minutes=5,
                           measure="instructions", margin=0.005, project=proj, workdir=tmp / "work",
                           pipeline_candidates=0, llm_candidates=0, rewrite_levels=(level,))
        summary = run_session(opts, stream=io.StringIO())
        requests = len(srv.requests)
    return proj, summary, requests


def rewrite_entry(summary: dict, level: str = "source") -> dict:
    entries = [t for t in summary["tried"] if t["name"] == f"llm-{level}:kernel"]
    assert len(entries) == 1, summary["tried"]
    return entries[0]


@pytest.fixture(scope="module")
def good_session(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rewrite-good")
    with pytest.MonkeyPatch.context() as mp:
        proj, summary, requests = tune_with(tmp, mp, GOOD)
        env = tune_env(tmp)
    return tmp, proj, summary, requests, env


def test_good_rewrite_is_accepted_through_the_workload(good_session):
    tmp, proj, summary, requests, _ = good_session
    entry = rewrite_entry(summary)
    assert entry["decision"] == "accepted", entry
    assert entry["measure"]["speedup"] > 5           # 300 rounds summed once (plus start-up)
    # The level agent validated it first: its samples and the checks' verdicts are recorded.
    assert any(s["status"] == "correct" for s in entry["samples"])
    data = json.loads((proj / "llmcc-decisions.json").read_text())
    kernel = next(t for t in data["tus"] if t["source"] == "kernel.c")
    rewrite = kernel["transform"]["rewrite"]
    assert rewrite["function"] == "kernel" and rewrite["level"] == "source"
    assert "+    return t * (unsigned long)rounds;" in rewrite["diff"]
    assert kernel["transform"]["profile"] is None and kernel["transform"]["pipeline"] is None
    checkers = {v["checker"] for v in kernel["evidence"]["level_checks"]["verdicts"]}
    assert {"difftest-function", "fuzz"} <= checkers
    assert kernel["evidence"]["check"] == "passed"
    # The project tree holds the tuned program; it prints what the plain build printed.
    assert run(["./prog", "5"], proj).stdout == run(["./prog", "5"], tmp / "work" / "plain").stdout
    assert summary["in_place"]["objects_reproduced"] == "2/2"


def test_rewrite_decision_replays_without_model_calls(good_session, tmp_path):
    _, proj, _, _, env = good_session
    fresh = make_project(tmp_path / "fresh")
    copy_decisions(proj, fresh)
    b, hits, env2 = build_counting_model_calls(fresh, env, tmp_path / "empty-cache")
    assert b.returncode == 0, b.stderr.decode()
    for obj in ("kernel.o", "main.o"):
        assert (fresh / obj).read_bytes() == (proj / obj).read_bytes(), obj
    assert hits == 0
    stats = json.loads(run([LLMCC, "stats", "--json"], fresh, env2).stdout)
    assert stats.get("decision_applied") == 2 and not stats.get("decision_invalid")


def test_rewrite_failing_revalidation_is_not_applied(good_session, tmp_path):
    """A decision whose rewrite no longer gives the validated object (here: the program
    text edited and its hash updated to match) is refused: clang's object, counted."""
    _, proj, _, _, env = good_session
    fresh = make_project(tmp_path / "fresh")
    copy_decisions(proj, fresh)
    import hashlib
    path = fresh / "llmcc-decisions.json"
    data = json.loads(path.read_text())
    rewrite = next(t for t in data["tus"] if t["source"] == "kernel.c")["transform"]["rewrite"]
    rewrite["program"] = rewrite["program"].replace("t * (unsigned long)rounds", "t * (unsigned long)rounds + 1")
    rewrite["sha256"] = hashlib.sha256(rewrite["program"].encode()).hexdigest()
    path.write_text(json.dumps(data))
    env2 = {**env, "LLMCC_CACHE_DIR": str(tmp_path / "cache"), "LLMCC_MODE": "off"}
    b = run(["make", "CC=llmcc"], fresh, env2)
    assert b.returncode == 0, b.stderr.decode()
    run([CLANG, "-O2", "-c", "kernel.c", "-o", "plain-kernel.o"], fresh)
    assert (fresh / "kernel.o").read_bytes() == (fresh / "plain-kernel.o").read_bytes()
    stats = json.loads(run([LLMCC, "stats", "--json"], fresh, env2).stdout)
    assert stats.get("decision_invalid") == 1 and stats.get("decision_applied") == 1


def test_wrong_rewrite_passing_function_tests_is_rejected_by_the_output(tmp_path, monkeypatch):
    proj, summary, _ = tune_with(tmp_path, monkeypatch, WRONG)
    entry = rewrite_entry(summary)
    # It went through the workload: the level agent's checks passed it (its blind spot) ...
    assert any(s["status"] == "correct" for s in entry["samples"]), entry
    # ... the check command (bias 0) passed too; the run's output (bias 5) rejected it.
    assert entry["decision"] == "output-differs", entry
    assert entry["reason"] == "the run's output differs from the plain build's"
    data = json.loads((proj / "llmcc-decisions.json").read_text())
    assert not any(t["transform"].get("rewrite") for t in data["tus"])
    assert run(["./prog", "5"], proj).stdout == run(["./prog", "5"], tmp_path / "work" / "plain").stdout


def test_ir_rewrite_is_accepted_and_replayed(tmp_path, monkeypatch):
    """The IR level: the reply is the good rewrite's own -O2 IR (made here by clang), spliced
    into the TU's optimized IR, checked by the level agent, judged on the workload, and
    replayed by the in-place rebuild byte for byte."""
    good_c = tmp_path / "good.c"
    good_c.write_text('#include "kernel.h"\nextern unsigned bias;\n'
                      + GOOD.split("```c\n")[1].split("```")[0])
    (tmp_path / "kernel.h").write_text("unsigned long kernel(const unsigned *a, int n, int rounds);\n")
    ir = run([CLANG, "-O2", "-S", "-emit-llvm", "good.c", "-o", "-"], tmp_path).stdout.decode()
    define = ir[ir.index("define "):]
    define = define[:define.index("\n}\n") + 3]
    proj, summary, _ = tune_with(tmp_path, monkeypatch, f"```llvm\n{define}```", level="ir")
    entry = rewrite_entry(summary, "ir")
    assert entry["decision"] == "accepted", entry
    assert entry["measure"]["speedup"] > 5
    data = json.loads((proj / "llmcc-decisions.json").read_text())
    rewrite = next(t for t in data["tus"] if t["source"] == "kernel.c")["transform"]["rewrite"]
    assert rewrite["level"] == "ir" and rewrite["program"].lstrip().startswith(("; ModuleID", "source_filename"))
    assert "@kernel" in rewrite["diff"]
    assert summary["in_place"]["objects_reproduced"] == "2/2"
    assert run(["./prog", "5"], proj).stdout == run(["./prog", "5"], tmp_path / "work" / "plain").stdout


def test_asm_rewrite_is_accepted_and_replayed(tmp_path, monkeypatch):
    """The asm level: the reply is the good rewrite's -O2 assembly (made here by clang),
    spliced between the TU's function label and its end, checked by the level agent,
    judged on the workload, and reassembled byte for byte by the in-place rebuild."""
    from llmcc.agents.levels import AsmLevel
    good_c = tmp_path / "good.c"
    good_c.write_text('#include "kernel.h"\nextern unsigned bias;\n'
                      + GOOD.split("```c\n")[1].split("```")[0])
    (tmp_path / "kernel.h").write_text("unsigned long kernel(const unsigned *a, int n, int rounds);\n")
    asm = run([CLANG, "-O2", "-S", "good.c", "-o", "-"], tmp_path).stdout.decode()
    body = AsmLevel().function_text(asm, "kernel")
    assert body, asm
    proj, summary, _ = tune_with(tmp_path, monkeypatch, f"```asm\n{body}```", level="asm")
    entry = rewrite_entry(summary, "asm")
    assert entry["decision"] == "accepted", entry
    assert entry["measure"]["speedup"] > 5
    data = json.loads((proj / "llmcc-decisions.json").read_text())
    rewrite = next(t for t in data["tus"] if t["source"] == "kernel.c")["transform"]["rewrite"]
    assert rewrite["level"] == "asm" and "kernel:" in rewrite["program"] and "kernel.c.s" in rewrite["diff"]
    assert summary["in_place"]["objects_reproduced"] == "2/2"
    assert run(["./prog", "5"], proj).stdout == run(["./prog", "5"], tmp_path / "work" / "plain").stdout
