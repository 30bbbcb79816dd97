"""Import budget of the "just clang" paths (issue 11): a link / configure probe that llmcc
passes through, and a cache hit, must not import pathlib, typing, subprocess, hashlib or
the candidate compile flow. Each case runs the real entry point in a fresh interpreter
(os.execv stubbed so the process survives to report what it imported). This is what keeps
a zlib build's ~50 llmcc processes cheap; it fails as soon as someone adds a heavy import
at module level on that path."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLANG, LLMCC, run

HEAVY = {"pathlib", "typing", "subprocess", "hashlib", "tempfile", "shutil", "dataclasses",
         "logging", "tomllib", "click", "llmcc.driver.compile", "llmcc.driver.optimize",
         "llmcc.session", "llmcc.hotspots"}

PROBE = """
import os, sys
before = set(sys.modules)
execs = []
os.execv = lambda path, argv: execs.append(argv)
sys.argv[0] = "llmcc"
from llmcc.cli import main
rc = main(sys.argv[1:])
sys.stdout.flush()
sys.stdout.write("\\n@@rc=%d\\n@@exec=%r\\n@@new=%s\\n" % (rc, execs, " ".join(sorted(set(sys.modules) - before))))
"""


def probe(args: list[str], cwd: Path, env: dict) -> tuple[int, list, set[str]]:
    got = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    fields = dict(line[2:].split("=", 1) for line in got.stdout.splitlines() if line.startswith("@@"))
    return int(fields["rc"]), eval(fields["exec"]), set(fields["new"].split())  # noqa: S307 - our own repr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "k.h").write_text("static inline int twice(int x) { return 2 * x; }\n")
    (tmp_path / "k.c").write_text('#include <string.h>\n#include "k.h"\n'
                                  "int f(const char *s) { return twice((int)strlen(s)); }\n")
    return tmp_path


def test_pass_through_link_imports_nothing_heavy(tree, llmcc_env):
    subprocess.run([CLANG, "-O2", "-c", "k.c", "-o", "k.o"], cwd=tree, check=True)
    rc, execs, new = probe(["-O2", "-shared", "-o", "libk.so", "k.o"], tree, llmcc_env)
    assert rc == 0 and len(execs) == 1
    assert execs[0][0].endswith(("clang-22", "clang")) and execs[0][1:] == ["-O2", "-shared", "-o", "libk.so", "k.o"]
    assert not new & HEAVY, sorted(new & HEAVY)
    assert "llmcc.driver.entry" in new   # the probe really went through llmcc's entry


def test_disabled_llmcc_imports_nothing_heavy(tree, llmcc_env):
    rc, execs, new = probe(["-O2", "-c", "k.c"], tree, dict(llmcc_env, LLMCC_DISABLE="1"))
    assert rc == 0 and execs and execs[0][1:] == ["-O2", "-c", "k.c"]
    assert not new & HEAVY, sorted(new & HEAVY)


def test_cache_hit_imports_nothing_heavy_and_restores_the_object(tree, llmcc_env):
    env = dict(llmcc_env, LLMCC_MODE="off")
    assert run([LLMCC, "-O2", "-c", "k.c", "-o", "first.o"], tree, env).returncode == 0
    rc, execs, new = probe(["-O2", "-c", "k.c", "-o", "second.o"], tree, env)
    assert rc == 0 and execs == []           # served from the cache: no clang at all
    assert (tree / "second.o").read_bytes() == (tree / "first.o").read_bytes()
    assert not new & HEAVY, sorted(new & HEAVY)
    # A miss (another source text) does load the compile flow: the probe can tell.
    (tree / "k.c").write_text((tree / "k.c").read_text() + "int g(void) { return 1; }\n")
    rc, execs, new = probe(["-O2", "-c", "k.c", "-o", "third.o"], tree, env)
    assert rc == 0 and "llmcc.driver.compile" in new


def test_llm_mode_with_an_open_breaker_costs_one_clang_run(tree, llmcc_env, tmp_path):
    """A dead endpoint (breaker open): the TU is compiled once, without the feature plugin,
    scoring, the agents, the HTTP client or the report renderer -- and gives clang's object."""
    from llmcc.llm.breaker import Breaker, breaker_path
    url = "http://127.0.0.1:9/v1"
    env = dict(llmcc_env, LLMCC_MODE="llm", LLMCC_LLM_BACKEND="openai", LLMCC_LLM_BASE_URL=url,
               LLMCC_LLM_MODEL="dead", LLMCC_HOTSPOTS_THRESHOLD="0")
    br = Breaker(breaker_path(Path(env["LLMCC_CACHE_DIR"]), url), threshold=1, cooldown=600)
    br.record_failure("connection refused (planted)")
    assert br.open_for() > 500
    rc, execs, new = probe(["-O2", "-c", "k.c", "-o", "k.o"], tree, env)
    assert rc == 0 and execs == []
    subprocess.run([CLANG, "-O2", "-c", "k.c", "-o", "ref.o"], cwd=tree, check=True)
    assert (tree / "k.o").read_bytes() == (tree / "ref.o").read_bytes()
    assert "llmcc.driver.compile" in new          # a real miss, compiled by clang
    expensive = {"typing", "tempfile", "shutil", "subprocess", "hashlib", "html", "llmcc.report", "llmcc.hotspots",
                 "llmcc.agents", "llmcc.llm.client", "openai", "llmcc.tu"}
    assert not new & expensive, sorted(new & expensive)
    stats = json.loads(run([LLMCC, "stats", "--json"], tree, env).stdout)
    assert stats.get("fallback:endpoint-unavailable") == 1, stats
