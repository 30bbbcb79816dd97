"""``llmcc score``: what a user sees for a real file, JSON output, flags, errors."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmcc.hotspots.command import parse_score_args, score_command

DATA = Path(__file__).parent / "data" / "hotspots"


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No user config, and llvmlite features (the plugin has its own tests)."""
    monkeypatch.setenv("LLMCC_CONFIG", str(tmp_path / "llmcc.toml"))
    (tmp_path / "llmcc.toml").write_text("")
    monkeypatch.setenv("LLMCC_PLUGIN", str(tmp_path / "no-plugin.so"))
    for key in [k for k in os.environ if k.startswith("LLMCC_HOTSPOTS_")]:
        monkeypatch.delenv(key)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = score_command(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_text_output_lists_the_hot_function_first():
    code, out, err = _run([str(DATA / "kernels.c"), "-O2", "-c", "-o", "k.o"])
    assert code == 0, err
    lines = out.splitlines()
    assert "features from llvmlite" in lines[0]
    assert lines[1].split()[:3] == ["rank", "score", "function"]
    first = lines[2].split()
    assert first[0] == "1" and first[2] == "matmul"
    assert "depth 3" in lines[2]
    assert "get_value" not in out and "print_result" not in out


def test_json_output_and_top_k():
    code, out, _ = _run([str(DATA / "control.c"), "--json", "--top", "2"])
    assert code == 0
    report = json.loads(out)
    assert report["features"] == "llvmlite" and report["top_k"] == 2
    assert [h["rank"] for h in report["hot"]] == [1, 2]
    assert report["hot"][0]["score"] >= report["hot"][1]["score"]
    assert report["remarks"] > 0
    reasons = {o["function"]: o["reason"] for o in report["others"]}
    assert reasons["apply"] == "trivial"
    assert any(r == "beyond top-k" for r in reasons.values())


def test_nothing_hot_says_so():
    code, out, _ = _run([str(DATA / "trivial.c"), "--all"])
    assert code == 0
    assert "no hot functions" in out
    assert "point_x  (trivial)" in out


def test_threshold_setting_is_honoured(monkeypatch):
    monkeypatch.setenv("LLMCC_HOTSPOTS_THRESHOLD", "1000")
    code, out, _ = _run([str(DATA / "kernels.c")])
    assert code == 0 and "no hot functions (threshold 1000.0)" in out


def test_profile_option_weights_the_ranking(tmp_path):
    # A sample profile that says only hash_bytes ran: it must now outrank matmul.
    prof = tmp_path / "sample.prof"
    prof.write_text("hash_bytes:5000:10\n 1: 5000\n")
    code, out, _ = _run([str(DATA / "kernels.c"), "--json", "--profile", str(prof)])
    report = json.loads(out)
    assert code == 0 and report["profile"] == str(prof)
    assert report["hot"][0]["function"] == "hash_bytes"
    assert report["hot"][0]["evidence"]["profile_weight"] == 1.0


def test_user_flags_reach_clang(tmp_path):
    src = tmp_path / "defs.c"
    src.write_text("#ifndef N\n#error N must be defined\n#endif\n"
                   "int f(int *v) { int s = 0; for (int i = 0; i < N; i++) s ^= v[i] * i;"
                   " return s; }\n")
    code, _, err = _run([str(src)])
    assert code == 1 and "N must be defined" in err
    code, out, err = _run([str(src), "-DN=1000"])
    assert code == 0, err


def test_compile_error_prints_clang_diagnostics():
    code, out, err = _run([str(DATA / "bad.c")])
    assert code == 1 and out == ""
    assert "bad.c:1" in err and "error" in err


def test_usage_errors():
    assert _run([])[0] == 2
    assert _run([str(DATA / "kernels.c"), "--top", "many"])[0] == 2


def test_argument_split():
    req = parse_score_args(["-I", "inc", "x.c", "-O2", "-c", "-o", "x.o", "-MD", "-MF", "x.d",
                            "--top=3", "-DFOO", "--json"])
    assert req.source == "x.c" and req.top_k == 3 and req.as_json
    assert req.clang_flags == ["-I", "inc", "-DFOO"]


def test_module_entry_point_runs(tmp_path):
    # The command as a user would start it before the lead wires it into the CLI.
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from llmcc.hotspots.command import score_command; "
         "sys.exit(score_command(sys.argv[1:]))", str(DATA / "kernels.c")],
        capture_output=True, text=True, env=os.environ.copy())
    assert proc.returncode == 0 and "matmul" in proc.stdout.splitlines()[2]
