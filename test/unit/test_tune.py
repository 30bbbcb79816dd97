"""llmcc tune: a two-TU project tuned on its own workload (callgrind counts: deterministic),
the decisions file replayed by a fresh build with an empty cache, stale decisions ignored,
and candidates rejected by the check command or the run's output."""
from __future__ import annotations

import json
import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from conftest import CLANG, LLMCC, run
from llmcc.tune.profile import _tu_of, parse_profile_show

pytestmark = pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind (callgrind) not installed")

KERNEL = r"""#include "kernel.h"
static unsigned mix(unsigned x) { return (x ^ (x >> 3)) * 2654435761u; }
unsigned long kernel(const unsigned *a, int n, int rounds) {
    unsigned long s = 0;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++)
            s += (a[i] & 1) ? mix(a[i] + r) : a[i] >> 1;
    return s;
}
"""
MAIN = r"""#include <stdio.h>
#include <string.h>
#include "kernel.h"
int main(int argc, char **argv) {
    static unsigned a[1000];
    for (int i = 0; i < 1000; i++) a[i] = i * 7919u + 13;
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0) {
        unsigned b[4] = {1, 2, 3, 4};
        return kernel(b, 4, 1) == 3ul + (unsigned long)(1u * 2654435761u) + (unsigned long)(3u * 2654435761u) ? 0 : 1;
    }
    printf("%lu\n", kernel(a, 1000, 200));
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


def make_project(d: Path) -> Path:
    d.mkdir(parents=True)
    (d / "kernel.c").write_text(KERNEL)
    (d / "kernel.h").write_text("unsigned long kernel(const unsigned *a, int n, int rounds);\n")
    (d / "main.c").write_text(MAIN)
    (d / "Makefile").write_text(MAKEFILE)
    return d


def tune_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC_")}
    env["PATH"] = f"{Path(LLMCC).parent}:{env.get('PATH', '')}"
    env["LLMCC_CACHE_DIR"] = str(tmp / "cache")
    env["LLMCC_CONFIG"] = os.devnull
    return env


class _CountingEndpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that counts requests and answers 500."""
    hits = 0

    def do_POST(self):  # noqa: N802 - http.server's naming
        type(self).hits += 1
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass


def copy_decisions(proj: Path, fresh: Path) -> None:
    """Put a tuned project's decisions file (found upward by builds) and profile beside a
    fresh copy of its sources."""
    for f in proj.glob("llmcc-*"):
        shutil.copy(f, fresh / f.name)


def build_counting_model_calls(fresh: Path, env: dict, cache: Path):
    """``make CC=llmcc`` in llm mode against an endpoint that counts requests (and fails
    them): (build result, requests made, the build's environment)."""
    _CountingEndpoint.hits = 0
    server = HTTPServer(("127.0.0.1", 0), _CountingEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env2 = {**env, "LLMCC_CACHE_DIR": str(cache), "LLMCC_MODE": "llm",
            "LLMCC_LLM_BACKEND": "openai", "LLMCC_LLM_MODEL": "m", "OPENAI_API_KEY": "k",
            "LLMCC_LLM_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1"}
    try:
        b = run(["make", "CC=llmcc"], fresh, env2)
    finally:
        server.shutdown()
    return b, _CountingEndpoint.hits, env2


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    """One tune session on the project (shared by the tests below: it costs ~20 s)."""
    tmp = tmp_path_factory.mktemp("tune")
    proj = make_project(tmp / "proj")
    env = tune_env(tmp)
    r = run([LLMCC, "tune", "--build", "make CC=llmcc", "--run", "./prog", "--check", "./prog --selftest",
             "--minutes", "2", "--measure", "instructions", "--workdir", str(tmp / "work")], proj, env)
    return tmp, proj, env, r


def test_session_finishes_and_writes_decisions(tuned):
    tmp, proj, env, r = tuned
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    progress = r.stderr.decode()
    assert "budget" in progress or "left" in progress          # progress lines on the terminal
    data = json.loads((proj / "llmcc-decisions.json").read_text())
    by_source = {t["source"]: t for t in data["tus"]}
    assert set(by_source) == {"kernel.c", "main.c"}
    # The workload runs in kernel.c; main.c is pinned to clang's object as validated.
    assert data["session"]["hot_tus"][0]["tu"] == "kernel.c"
    assert by_source["main.c"]["transform"]["pipeline"] is None
    kernel = by_source["kernel.c"]
    assert kernel["transform"]["pipeline"] or kernel["transform"]["profile"], \
        "nothing accepted on a kernel made to gain from unrolling"
    assert kernel["evidence"]["check"] == "passed"
    # Instruction counts: the smaller margin of the deterministic measure (session.INSTRUCTIONS_MARGIN).
    margin = data["session"]["margin"]
    assert margin == 0.005
    assert kernel["evidence"]["measure"]["speedup"] >= 1 + margin
    # Every accepted step beat the margin, every rejection says why.
    for t in data["session"]["tried"]:
        if t.get("decision") == "accepted":
            assert t["measure"]["speedup"] >= 1 + margin
        else:
            assert t.get("reason")
    assert data["session"]["in_place"]["objects_reproduced"] == "2/2"
    assert data["session"]["in_place"]["check_status"] == 0
    # The project tree holds the tuned build, and it still prints what the plain build printed.
    plain = tmp / "work" / "plain"
    assert run(["./prog"], proj).stdout == run(["./prog"], plain).stdout
    assert (proj / "kernel.o").read_bytes() != (plain / "kernel.o").read_bytes()


def test_rebuild_with_decisions_reproduces_objects_without_model_calls(tuned, tmp_path):
    _, proj, env, r = tuned
    assert r.returncode == 0
    fresh = make_project(tmp_path / "fresh")
    copy_decisions(proj, fresh)
    b, hits, env2 = build_counting_model_calls(fresh, env, tmp_path / "empty-cache")
    assert b.returncode == 0, b.stderr.decode()
    for obj in ("kernel.o", "main.o"):
        assert (fresh / obj).read_bytes() == (proj / obj).read_bytes(), obj
    assert hits == 0
    stats = json.loads(run([LLMCC, "stats", "--json"], fresh, env2).stdout)
    assert stats.get("decision_applied") == 2


def test_stale_decision_is_ignored_and_counted(tuned, tmp_path):
    _, proj, env, r = tuned
    assert r.returncode == 0
    fresh = make_project(tmp_path / "fresh")
    copy_decisions(proj, fresh)
    (fresh / "kernel.c").write_text(KERNEL + "/* edited after tuning */\n")
    env2 = {**env, "LLMCC_CACHE_DIR": str(tmp_path / "cache2"), "LLMCC_MODE": "off"}
    b = run(["make", "CC=llmcc"], fresh, env2)
    assert b.returncode == 0, b.stderr.decode()
    # The edited TU is clang's own object; the untouched one still follows its decision.
    run([CLANG, "-O2", "-c", "kernel.c", "-o", "plain-kernel.o"], fresh)
    assert (fresh / "kernel.o").read_bytes() == (fresh / "plain-kernel.o").read_bytes()
    assert (fresh / "main.o").read_bytes() == (proj / "main.o").read_bytes()
    stats = json.loads(run([LLMCC, "stats", "--json"], fresh, env2).stdout)
    assert stats.get("decision_stale") == 1 and stats.get("decision_applied") == 1


@pytest.mark.parametrize("check,run_cmd,rejected_by", [
    # The check compares the objects with the plain build's: every changed object fails it.
    ("test -f plain.sum || cat *.o | cksum > plain.sum; cat *.o | cksum | cmp -s - plain.sum", "./prog",
     "check-failed"),
    # The run prints a checksum of the objects: every changed object changes the output.
    ("./prog --selftest", "./prog; cat *.o | cksum", "output-differs"),
])
def test_candidates_rejected_by_check_or_output(tmp_path, monkeypatch, check, run_cmd, rejected_by):
    from llmcc.tune.session import TuneOptions, run_session
    proj = make_project(tmp_path / "proj")
    for k, v in tune_env(tmp_path).items():
        monkeypatch.setenv(k, v)
    import io
    opts = TuneOptions(build="make CC=llmcc", run=run_cmd, check=check, minutes=2, measure="instructions",
                       project=proj, workdir=tmp_path / "work", pipeline_candidates=1)
    summary = run_session(opts, stream=io.StringIO())
    changed = [t for t in summary["tried"] if not t.get("reason", "").startswith("no change")]
    assert changed, summary["tried"]
    assert all(t["decision"] == rejected_by for t in changed), summary["tried"]
    data = json.loads((proj / "llmcc-decisions.json").read_text())
    assert all(t["transform"] == {"profile": None, "pipeline": None} for t in data["tus"])


def test_parse_profile_show_weights():
    text = """Counters:
  kernel:
    Hash: 0x000011b2924d1458
    Counters: 3
    Function count: 1
    Block counts: [1000000, 666666]
  k.c:helper:
    Hash: 0x0000000000000018
    Counters: 1
    Function count: 666666
    Block counts: []
Instrumentation level: Front-end
"""
    assert parse_profile_show(text) == {"kernel": 1666667, "k.c:helper": 666666}


def test_function_to_tu_mapping():
    records = [{"source": "src/k.c", "cwd": "src"}, {"source": "lib/k.c", "cwd": "."}, {"source": "m.c", "cwd": "."}]
    symbols = {"src/k.c": {"kernel"}, "lib/k.c": {"other"}, "m.c": {"main"}}
    assert _tu_of("k.c:helper", records, symbols) == "src/k.c"      # local, as compiled in src/
    assert _tu_of("lib/k.c:helper", records, symbols) == "lib/k.c"
    assert _tu_of("kernel", records, symbols) == "src/k.c"          # global: symbol tables
    assert _tu_of("missing", records, symbols) is None


def test_match_compile_by_source_flags_and_headers(tmp_path):
    from llmcc.driver.args import classify_invocation
    from llmcc.tune.decisions import match_compile
    from llmcc.tune.record import sha256_file
    proj = make_project(tmp_path / "p")
    inv = classify_invocation(["-O2", "-c", "kernel.c", "-o", "kernel.o"], cwd=proj)
    decision = {"source": "kernel.c", "source_hash": sha256_file(proj / "kernel.c"), "flags": ["-O2"],
                "headers": [["kernel.h", sha256_file(proj / "kernel.h")]], "transform": {}}
    data = {"tus": [decision]}
    assert match_compile(data, proj, inv, proj).decision is decision
    # Other flags: another TU, no decision and nothing stale.
    inv_o3 = classify_invocation(["-O3", "-c", "kernel.c"], cwd=proj)
    m = match_compile(data, proj, inv_o3, proj)
    assert m.decision is None and not m.stale
    # A header edit makes the decision stale, naming the header.
    (proj / "kernel.h").write_text("/* changed */\n" + (proj / "kernel.h").read_text())
    m = match_compile(data, proj, inv, proj)
    assert m.decision is None and "header kernel.h changed" in m.stale


def test_timed_pairs_extend_only_while_promising():
    from llmcc.tune.workload import _timed_pairs
    calls = {"ref": 0, "cand": 0}

    def runner(name, values):
        def run_once():
            calls[name] += 1
            return values[calls[name] % len(values)]
        return run_once
    # Equal costs: not promising, decided after the first 5 pairs (+1 warm-up each).
    c = _timed_pairs(runner("ref", [1.0]), runner("cand", [1.0]), 5, 0.02)
    assert not c.accepted and calls == {"ref": 6, "cand": 6}
    # A clear 20% win with noise: accepted, with a significant rank test.
    calls.update(ref=0, cand=0)
    c = _timed_pairs(runner("ref", [1.0, 1.1, 0.95, 1.05]), runner("cand", [0.8, 0.85, 0.78, 0.82]), 5, 0.02)
    assert c.accepted and c.speedup > 1.15 and c.p_value < 0.05


def test_llm_pipeline_edits_are_judged_by_the_workload(tmp_path, monkeypatch):
    """Scripted endpoint (not a model): a valid edit is built, checked and accepted through
    the workload; an out-of-range one is refused by validation, naming the range."""
    import io
    from llmcc.llm.scripted_server import ScriptedServer
    from llmcc.tune.session import TuneOptions, run_session
    good = json.dumps({"edits": [{"op": "set_knob", "knob": "unroll-count", "value": 4}],
                       "rationale": "unroll the hot loop"})
    bad = json.dumps({"edits": [{"op": "set_knob", "knob": "unroll-count", "value": 64}],
                      "rationale": "unroll a lot"})
    proj = make_project(tmp_path / "proj")
    for k, v in tune_env(tmp_path).items():
        monkeypatch.setenv(k, v)
    with ScriptedServer([{"content": good}, {"content": bad}]) as srv:
        for k, v in {"LLMCC_LLM_BACKEND": "openai", "LLMCC_LLM_BASE_URL": srv.url, "LLMCC_LLM_MODEL": "scripted",
                     "OPENAI_API_KEY": "k", "LLMCC_LLM_CONCURRENCY": "1"}.items():
            monkeypatch.setenv(k, v)
        opts = TuneOptions(build="make CC=llmcc", run="./prog", check="./prog --selftest", minutes=2,
                           measure="instructions", project=proj, workdir=tmp_path / "work", pipeline_candidates=0,
                           llm_rewrites=0)
        summary = run_session(opts, stream=io.StringIO())
        assert len(srv.requests) == 2          # two samples for the one hot TU; builds call no model
    llm = {t["name"]: t for t in summary["tried"] if t["name"].startswith("llm-pipeline")}
    assert llm["llm-pipeline:0"]["decision"] == "accepted", llm
    assert llm["llm-pipeline:0"]["measure"]["speedup"] >= 1.02
    assert llm["llm-pipeline:1"]["decision"] == "invalid" and "outside [1, 8]" in llm["llm-pipeline:1"]["reason"]
    tus = json.loads((proj / "llmcc-decisions.json").read_text())["tus"]
    kernel = next(t for t in tus if t["source"] == "kernel.c")
    assert kernel["transform"]["pipeline"]["knobs"] == {"unroll-count": 4}
