"""alive-tv output parsing (real outputs in ../shared/fixtures/alive2), the runner's
command line (fake alive-tv script) and formal.check_function's use of alive-tv."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from conftest import alive2_fixtures

from llmcc.verify.alive2 import (AliveSummary, find_alive_tv, parse_alive_output,
                                 parse_alive_report, run_alive_tv)
from llmcc.verify.verdict import VerdictKind

FIXTURES = alive2_fixtures()

P, R, I, V = (VerdictKind.PROVED, VerdictKind.REFUTED, VerdictKind.INCONCLUSIVE,
              VerdictKind.INVALID)
EXPECTED = {
    "01_correct_mul_shl": [("src", P)],
    "02_incorrect_add1_add2": [("src", R)],
    "03_incorrect_nsw_dropped": [("src", R)],
    "04_correct_nsw_fold": [("src", P)],
    "05_incorrect_more_poison": [("src", R)],
    "06_loop_correct_nounroll": [("src", P)],
    "06_loop_correct_unroll8": [("src", P)],
    "07_loop_incorrect_nounroll": [("src", R)],
    "07_loop_incorrect_unroll8": [("src", R)],
    "08_hard_mul_assoc_default_to": [("src", I)],
    "08_hard_mul_assoc_smt_to_500": [("src", I)],
    "09_twofile": [("f", P)],
    # The documented false "correct": without unrolling Alive2 misses the bug.
    "10_loop_bug_nounroll": [("src", P)],
    "10_loop_bug_unroll4": [("src", P)],
    "10_loop_bug_unroll5": [("src", R)],
    "11_unknown_intrinsic": [("src", I)],
    "12_signature_mismatch": [("src", V)],
    "13_multi_pairs": [("src", P), ("src1", R), ("src_b", P)],
    "13_multi_pairs_quiet": [("", P), ("", R), ("", P)],
    "14_unsupported_metadata": [("src", I)],
    "15_broken_input": [("", V)],
}


def _read(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_fixture_output_parses_to_its_verdicts(name):
    results = parse_alive_output(_read(name))
    assert [(r.src_name, r.verdict.kind) for r in results] == EXPECTED[name]
    assert all(r.verdict.checker == "alive2" for r in results)


def test_every_fixture_output_is_covered():
    names = {p.stem for p in FIXTURES.glob("*.txt")}
    assert names == set(EXPECTED)


def test_refutation_carries_the_counterexample():
    [result] = parse_alive_output(_read("05_incorrect_more_poison"))
    assert "more poisonous" in result.verdict.detail
    assert "i32 %x = #x7fffffff" in result.verdict.counterexample
    assert "Target value: poison" in result.verdict.counterexample


def test_loop_counterexample_keeps_the_trace():
    [result] = parse_alive_output(_read("10_loop_bug_unroll5"))
    assert "Target value: #x00000007 (7)" in result.verdict.counterexample
    assert ">> Jump to %loop#5" in result.verdict.counterexample


def test_inconclusive_reasons_name_the_cause():
    [timeout] = parse_alive_output(_read("08_hard_mul_assoc_smt_to_500"))
    assert "timeout" in timeout.verdict.detail.lower()
    [approx] = parse_alive_output(_read("11_unknown_intrinsic"))
    assert "@llvm.objc.loadWeak" in approx.verdict.detail
    [meta] = parse_alive_output(_read("14_unsupported_metadata"))
    assert "Unsupported metadata" in meta.verdict.detail


def test_always_ub_warning_is_kept_with_the_proof():
    results = parse_alive_output(_read("13_multi_pairs"))
    assert results[2].verdict.kind == P
    assert "always UB" in results[2].verdict.detail


def test_summary_counts_are_parsed():
    report = parse_alive_report(_read("13_multi_pairs"))
    assert report.summary == AliveSummary(correct=2, incorrect=1, failed_to_prove=0, errors=0)
    assert parse_alive_report(_read("01_correct_mul_shl")).summary is None


def test_output_without_any_verdict_gives_no_pairs():
    assert parse_alive_output("") == []
    assert parse_alive_output("some unrelated chatter\n") == []


def test_two_quiet_timeouts_are_two_pairs():
    results = parse_alive_output("ERROR: Timeout\n\nERROR: Timeout\n")
    assert [r.verdict.kind for r in results] == [I, I]


# --- runner ---------------------------------------------------------------------------

def _fake_alive_tv(tmp_path: Path, output_fixture: str | None, *, sleep: float = 0) -> Path:
    """A stand-in alive-tv: records its argv and prints a real fixture output."""
    script = tmp_path / "alive-tv"
    body = ["#!/bin/sh", f'printf "%s\\n" "$@" > "{tmp_path}/argv.txt"']
    if sleep:
        body.append(f"sleep {sleep}")
    if output_fixture:
        body.append(f'cat "{FIXTURES / (output_fixture + ".txt")}"')
    script.write_text("\n".join(body) + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_run_alive_tv_builds_the_runs_tsv_command_line(tmp_path):
    fake = _fake_alive_tv(tmp_path, "10_loop_bug_unroll5")
    src = FIXTURES / "10_loop_bug_after_4_iters.srctgt.ll"
    results = run_alive_tv(src, None, unroll=5, timeout_ms=500, alive_tv=fake)
    argv = (tmp_path / "argv.txt").read_text().split("\n")[:-1]
    assert argv == [str(src), "--src-unroll=5", "--tgt-unroll=5", "--smt-to=500"]
    assert [r.verdict.kind for r in results] == [R]


def test_run_alive_tv_two_files_and_no_unroll(tmp_path):
    fake = _fake_alive_tv(tmp_path, "09_twofile")
    src, tgt = FIXTURES / "09_twofile_src.ll", FIXTURES / "09_twofile_tgt.ll"
    results = run_alive_tv(src, tgt, unroll=0, timeout_ms=10000, alive_tv=fake)
    argv = (tmp_path / "argv.txt").read_text().split("\n")[:-1]
    assert argv == [str(src), str(tgt), "--smt-to=10000"]
    assert [(r.src_name, r.verdict.kind) for r in results] == [("f", P)]


def test_run_alive_tv_without_verdict_is_inconclusive(tmp_path):
    fake = _fake_alive_tv(tmp_path, None)
    [result] = run_alive_tv(FIXTURES / "09_twofile_src.ll", None, unroll=0, timeout_ms=100,
                            alive_tv=fake)
    assert result.verdict.kind == I
    assert "no verdict" in result.verdict.detail


def test_run_alive_tv_hung_process_is_inconclusive(tmp_path, monkeypatch):
    import llmcc.verify.alive2 as alive2

    monkeypatch.setattr(alive2, "_WALL_MARGIN_S", 0.5)
    fake = _fake_alive_tv(tmp_path, "01_correct_mul_shl", sleep=30)
    [result] = run_alive_tv(FIXTURES / "09_twofile_src.ll", None, unroll=0, timeout_ms=1,
                            alive_tv=fake)
    assert result.verdict.kind == I
    assert "wall clock" in result.verdict.detail


def test_find_alive_tv_order(tmp_path, monkeypatch):
    from llmcc.config import load_settings

    configured = _fake_alive_tv(tmp_path, None)
    from_env_dir = tmp_path / "env"
    from_env_dir.mkdir()
    from_env = _fake_alive_tv(from_env_dir, None)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    base_env = {"LLMCC_CONFIG": str(tmp_path / "none.toml")}
    (tmp_path / "none.toml").write_text("")
    monkeypatch.delenv("LLMCC_ALIVE_TV", raising=False)
    assert find_alive_tv(load_settings(env=base_env)) is None
    monkeypatch.setenv("LLMCC_ALIVE_TV", str(from_env))
    assert find_alive_tv(load_settings(env=base_env)) == from_env
    with_setting = dict(base_env, LLMCC_VERIFY_ALIVE_TV=str(configured))
    assert find_alive_tv(load_settings(env=with_setting)) == configured
    monkeypatch.delenv("LLMCC_ALIVE_TV")
    monkeypatch.setenv("PATH", str(from_env_dir))
    assert find_alive_tv(load_settings(env=base_env)) == from_env


def test_check_function_uses_alive_tv_in_two_file_mode(tmp_path, monkeypatch):
    from llmcc.config import load_settings
    from llmcc.verify.formal import check_function

    fake = _fake_alive_tv(tmp_path, "09_twofile")
    (tmp_path / "c.toml").write_text(f'[verify]\nalive_tv = "{fake}"\nunroll = 3\n')
    settings = load_settings(env={"LLMCC_CONFIG": str(tmp_path / "c.toml")})
    src = (FIXTURES / "09_twofile_src.ll").read_text()
    tgt = (FIXTURES / "09_twofile_tgt.ll").read_text()
    verdict = check_function(src, tgt, "f", settings)
    argv = (tmp_path / "argv.txt").read_text().split("\n")[:-1]
    assert verdict.kind == P and verdict.checker == "alive2"
    assert argv[0].endswith("src.ll") and argv[1].endswith("tgt.ll")
    assert argv[2:] == ["--src-unroll=3", "--tgt-unroll=3", "--smt-to=10000"]


def test_check_function_falls_back_to_the_builtin_checker_when_alive_gives_up(tmp_path):
    from llmcc.config import load_settings
    from llmcc.verify.formal import check_function

    fake = _fake_alive_tv(tmp_path, "08_hard_mul_assoc_default_to")
    (tmp_path / "c.toml").write_text(f'[verify]\nalive_tv = "{fake}"\n')
    settings = load_settings(env={"LLMCC_CONFIG": str(tmp_path / "c.toml")})
    text = (FIXTURES / "08_hard_mul_assoc.srctgt.ll").read_text()
    src, tgt = text.split("define i64 @tgt")
    tgt = "define i64 @src" + tgt
    verdict = check_function(src, tgt, "src", settings)
    # Associativity of mul is easy for z3's simplifier (Alive2 timed out on it).
    assert verdict.kind == P and verdict.checker == "smt"
    assert "timeout" in verdict.data["alive2"].lower()
