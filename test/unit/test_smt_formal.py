"""formal.check_function on real clang-22 output (no alive-tv: the built-in checker runs):
unoptimized vs -O3 IR of the same C function, and hand-broken -O3 IR."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from llmcc.config import load_settings
from llmcc.verify.formal import check_function, extract_function
from llmcc.verify.verdict import VerdictKind

CLANG = shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"
OPT = shutil.which("opt-22") or "/usr/lib/llvm-22/bin/opt"
C_SOURCE = r"""
int clampadd(int a, int b) { int s = a + b; if (s > 100) s = 100; if (s < -100) s = -100; return s; }
unsigned popc(unsigned x) { unsigned c = 0; for (int i = 0; i < 8; i++) { c += x & 1; x >>= 1; } return c; }
void swap2(int *restrict p, int *restrict q) { int t = *p; *p = *q; *q = t; }
static int helper(int x) { return x * 3; }
int caller(int x) { return helper(x) + 1; }
"""


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> tuple[str, str]:
    """(mem2reg'd unoptimized IR, -O3 IR) of C_SOURCE."""
    d = tmp_path_factory.mktemp("formal")
    c = d / "f.c"
    c.write_text(C_SOURCE)
    subprocess.run([CLANG, "-O1", "-Xclang", "-disable-llvm-passes", "-S", "-emit-llvm", str(c),
                    "-o", str(d / "o0.ll")], check=True)
    subprocess.run([OPT, "-passes=sroa", "-S", str(d / "o0.ll"), "-o", str(d / "src.ll")], check=True)
    subprocess.run([CLANG, "-O3", "-S", "-emit-llvm", str(c), "-o", str(d / "o3.ll")], check=True)
    return (d / "src.ll").read_text(), (d / "o3.ll").read_text()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings with no alive-tv anywhere, so the built-in checker answers."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("LLMCC_ALIVE_TV", raising=False)
    config = tmp_path / "c.toml"
    config.write_text("[verify]\nunroll = 9\nsmt_timeout_ms = 5000\n")
    return load_settings(env={"LLMCC_CONFIG": str(config)})


def test_o3_output_refines_unoptimized_ir(modules, settings):
    src, o3 = modules
    for fn in ("clampadd", "popc", "swap2"):
        verdict = check_function(src, o3, fn, settings)
        assert verdict.kind == VerdictKind.PROVED, (fn, verdict.detail)
        assert verdict.checker == "smt"


def test_unroll_bound_comes_from_settings(modules, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("LLMCC_ALIVE_TV", raising=False)
    (tmp_path / "low.toml").write_text("[verify]\nunroll = 4\n")
    low = load_settings(env={"LLMCC_CONFIG": str(tmp_path / "low.toml")})
    src, o3 = modules
    verdict = check_function(src, o3, "popc", low)
    assert verdict.kind == VerdictKind.INCONCLUSIVE and "4 iterations" in verdict.detail


def test_broken_candidate_is_refuted(modules, settings):
    src, o3 = modules
    broken = o3.replace("i32 100)", "i32 101)", 1)
    assert broken != o3
    verdict = check_function(src, broken, "clampadd", settings)
    assert verdict.kind == VerdictKind.REFUTED
    assert "Source value: #x00000064 (100)" in verdict.counterexample


def test_extraction_keeps_only_the_function_and_its_declarations(modules):
    _, o3 = modules
    text = extract_function(o3, "caller")
    assert text.count("define ") == 1
    assert "@clampadd" not in text


def test_calls_to_other_functions_are_uninterpreted(modules, settings):
    """@helper's body is cut away: a call to it is an unknown function, the same on both
    sides, so the identical caller is proved and a changed use of its result is refuted."""
    src, o3 = modules
    assert check_function(src, src, "caller", settings).kind == VerdictKind.PROVED
    broken = re.sub(r"(define[^\n]*@caller\(.*?add nsw i32 %\d+), 1\b", r"\1, 2", src, count=1, flags=re.S)
    assert broken != src
    verdict = check_function(src, broken, "caller", settings)
    assert verdict.kind == VerdictKind.REFUTED, verdict.detail


def test_missing_function_and_broken_module_are_invalid(modules, settings):
    src, o3 = modules
    assert check_function(src, o3, "nope", settings).kind == VerdictKind.INVALID
    assert check_function(src, "define i32 @clampadd(", "clampadd", settings).kind == VerdictKind.INVALID


def test_internal_errors_become_inconclusive(modules, settings, monkeypatch):
    import llmcc.verify.smt as smt

    def explode(*args, **kwargs):
        raise ZeroDivisionError("checker bug")

    monkeypatch.setattr(smt, "check_refinement", explode)
    src, o3 = modules
    verdict = check_function(src, o3, "clampadd", settings, isolate=False)
    assert verdict.kind == VerdictKind.INCONCLUSIVE and "internal error" in verdict.detail


def test_a_crashing_checker_process_gives_an_invalid_verdict():
    """llvmlite can abort() on malformed IR: the child dies, the caller gets a Verdict."""
    from llmcc.verify.smt.isolated import run_isolated

    verdict = run_isolated("os:abort", {})
    assert verdict.kind == VerdictKind.INVALID and "SIGABRT" in verdict.detail


def test_a_hanging_checker_process_is_killed():
    from llmcc.verify.smt.isolated import run_isolated

    verdict = run_isolated("subprocess:call", {"args": ["sleep", "30"]}, wall_s=1.0)
    assert verdict.kind == VerdictKind.INCONCLUSIVE and "wall clock" in verdict.detail


@pytest.mark.parametrize("garbage", ["", "define", "define i32 @clampadd(i32 %a) {\n  ret i32 %b\n}",
                                     "\x00\xff", "define i32 @clampadd() {\n  ret i64 0\n}",
                                     "target datalayout = \"E-p:16:16\"\n" + "define i32 @clampadd() {\n  ret i32 0\n}"])
def test_untrusted_candidate_text_always_gives_a_verdict(modules, settings, garbage):
    src, _ = modules
    verdict = check_function(src, garbage, "clampadd", settings)
    assert verdict.kind in (VerdictKind.INVALID, VerdictKind.INCONCLUSIVE), verdict
