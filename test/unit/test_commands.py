"""llmcc's own commands as a user runs them."""
import json
from pathlib import Path

from conftest import LLMCC, run

HOT = ("void mm(int n, double *a, double *b, double *c){ for(int i=0;i<n;i++) for(int j=0;j<n;j++)"
       "{ double s=0; for(int k=0;k<n;k++) s+=a[i*n+k]*b[k*n+j]; c[i*n+j]=s; } }\n"
       "int get(int *p){ return *p; }\n")


def test_report_lists_scored_tus_as_text_json_and_html(tmp_path, llmcc_env):
    (tmp_path / "hot.c").write_text(HOT)
    llmcc_env["LLMCC_MODE"] = "score"
    assert run([LLMCC, "-O2", "-c", "hot.c"], tmp_path, llmcc_env).returncode == 0
    text = run([LLMCC, "report"], tmp_path, llmcc_env).stdout.decode()
    assert "hot.c" in text and "mm" in text
    reports = json.loads(run([LLMCC, "report", "--json"], tmp_path, llmcc_env).stdout)
    assert reports[-1]["hot_functions"][0]["name"] == "mm"
    assert all(h["name"] != "get" for h in reports[-1]["hot_functions"])
    assert run([LLMCC, "report", "--html", "r.html"], tmp_path, llmcc_env).returncode == 0
    assert "<table>" in (tmp_path / "r.html").read_text()


def test_score_command_ranks_the_hot_function_first(tmp_path, llmcc_env):
    (tmp_path / "hot.c").write_text(HOT)
    out = run([LLMCC, "score", "hot.c", "-O2"], tmp_path, llmcc_env)
    assert out.returncode == 0
    rows = [line.split() for line in out.stdout.decode().splitlines() if line.strip()[:1].isdigit()]
    assert rows[0][2] == "mm"


def test_unknown_bench_and_bad_config_are_clear_errors(tmp_path, llmcc_env):
    bad = run([LLMCC, "bench", "nope"], tmp_path, llmcc_env)
    assert bad.returncode == 2 and b"nope" in bad.stderr
    Path(llmcc_env["LLMCC_CONFIG"]).write_text("mode = 3\n")
    cfg = run([LLMCC, "config"], tmp_path, llmcc_env)
    assert cfg.returncode == 1 and b"'mode'" in cfg.stderr


def test_stats_zero(tmp_path, llmcc_env):
    (tmp_path / "x.c").write_text("int x(void){return 1;}\n")
    run([LLMCC, "-O2", "-c", "x.c"], tmp_path, llmcc_env)
    assert run([LLMCC, "stats", "--zero"], tmp_path, llmcc_env).returncode == 0
    assert json.loads(run([LLMCC, "stats", "--json"], tmp_path, llmcc_env).stdout) == {}
