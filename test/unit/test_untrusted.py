"""Model-written IR that crashes llvmlite is a rejected sample, never a dead compiler.

The crash reproduced here: a ``define`` whose ``!dbg`` names a node that exists but is not
a DISubprogram (here the DICompileUnit, ``!0`` in clang's -g output). llvmlite's LLVM has
assertions on and abort()s inside ``parse_assembly``.
"""
from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from llmcc.agents.levels import LEVEL_BY_NAME, SpliceError, parse_ir_problem
from llmcc.llm.client import client_for_endpoint
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.toolchain import find_toolchain
from llmcc.untrusted import check_ir

C_SOURCE = "int sum(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n"


@pytest.fixture(scope="module")
def debug_ir(tmp_path_factory) -> str:
    """clang -g -O2 IR of a small function (what distributions build with)."""
    d = tmp_path_factory.mktemp("dbg")
    (d / "a.c").write_text(C_SOURCE)
    tc = find_toolchain()
    subprocess.run([str(tc.clang), "-g", "-O2", "-S", "-emit-llvm", "a.c", "-o", "a.ll"], cwd=d, check=True)
    return (d / "a.ll").read_text()


def wrong_dbg_kind(ir: str) -> str:
    """The function's ``!dbg`` attachment pointed at !0 (the DICompileUnit)."""
    assert re.search(r"^!0 = distinct !DICompileUnit", ir, re.MULTILINE)
    bad, n = re.subn(r"^(define [^\n]*) !dbg !\d+ \{", r"\1 !dbg !0 {", ir, flags=re.MULTILINE)
    assert n == 1
    return bad


def test_reproduction_in_process_llvmlite_aborts(debug_ir, tmp_path):
    """Without containment the parse kills the process with SIGABRT (the reported crash)."""
    path = tmp_path / "bad.ll"
    path.write_text(wrong_dbg_kind(debug_ir))
    code = ("import sys, resource, llvmlite.binding as llvm\n"
            "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
            "llvm.parse_assembly(open(sys.argv[1]).read()).verify()\n")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True)
    assert proc.returncode == -signal.SIGABRT, proc.stderr[-500:]


def test_check_ir_contains_the_abort(debug_ir):
    result = check_ir(wrong_dbg_kind(debug_ir))
    assert not result.ok and result.crashed
    assert "SIGABRT" in result.problem


def test_check_ir_accepts_good_and_reports_plain_errors(debug_ir):
    assert check_ir(debug_ir) == (True, "", False)
    bad = check_ir("define i32 @f() {\n  ret i64 0\n}\n")
    assert not bad.ok and not bad.crashed
    assert "doesn't match function result type" in bad.problem


def test_parse_ir_problem_names_the_crash(debug_ir):
    assert parse_ir_problem(debug_ir) is None
    problem = parse_ir_problem(wrong_dbg_kind(debug_ir))
    assert problem is not None and "IR parser crashed" in problem


def _reply_for(ir: str) -> str:
    define = re.search(r"^define [^\n]*@sum\(.*?^\}\n", ir, re.MULTILINE | re.DOTALL).group(0)
    return f"Here it is:\n```llvm\n{define}```\n"


def test_ir_splice_rejects_crashing_reply_and_marks_cache_entry_bad(debug_ir, tmp_path):
    """The IR level rejects the sample at its parse check, and the reply's cache entry is
    never served again: the next identical request goes to the endpoint."""
    reply_text = _reply_for(wrong_dbg_kind(debug_ir))
    script = [{"content": reply_text, "repeat": -1}]
    with ScriptedServer(script) as srv:
        client = client_for_endpoint(srv.url, cache_dir=tmp_path / "llm")
        [reply] = client.chat([{"role": "user", "content": "rewrite sum"}])
        spliced = LEVEL_BY_NAME["ir"].splice(debug_ir, "sum", reply.content)
        assert isinstance(spliced, SpliceError) and spliced.stage == "compile"
        assert "IR parser crashed" in spliced.message
        assert client._cache.is_bad(reply.key)
        again = client_for_endpoint(srv.url, cache_dir=tmp_path / "llm")
        [reply2] = again.chat([{"role": "user", "content": "rewrite sum"}])
        assert not reply2.cached
        assert len(srv.requests) == 2


def test_good_reply_stays_cached(debug_ir, tmp_path):
    """Control: a reply that parses is served from the cache the second time."""
    with ScriptedServer([{"content": _reply_for(debug_ir), "repeat": -1}]) as srv:
        client = client_for_endpoint(srv.url, cache_dir=tmp_path / "llm")
        [reply] = client.chat([{"role": "user", "content": "rewrite sum"}])
        spliced = LEVEL_BY_NAME["ir"].splice(debug_ir, "sum", reply.content)
        assert isinstance(spliced, str)
        [reply2] = client_for_endpoint(srv.url, cache_dir=tmp_path / "llm").chat(
            [{"role": "user", "content": "rewrite sum"}])
        assert reply2.cached and len(srv.requests) == 1
