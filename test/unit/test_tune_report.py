"""The tune session in ``llmcc report --html``: the plot of the whole-program cost per accepted
step (inline SVG, no scripts) and the diffs of each accepted change; the margins per measure."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from conftest import LLMCC, run
from llmcc.tune.report import _pipeline_lines, render_session_html, step_plot_svg

REWRITE_DIFF = """--- a/kernel.c
+++ b/kernel.c
@@ -1,3 +1,3 @@
 unsigned long kernel(const unsigned *a, int n, int rounds) {
-    return slow(a, n) * rounds;
+    return fast(a, n) * rounds;
 }
"""


def decisions(tmp: Path) -> Path:
    steps = [{"step": "profile", "functions": []},
             {"step": "accepted", "tu": "whole build", "name": "profile of 2 TU(s)", "speedup": 1.25,
              "cumulative": 1.25, "seconds": 3.0, "ref_cost": 1000.0, "cost": 800.0},
             {"step": "accepted", "tu": "kernel.c", "name": "llm-source:kernel", "speedup": 2.0,
              "cumulative": 2.5, "seconds": 9.0, "ref_cost": 800.0, "cost": 400.0}]
    tus = [{"source": "kernel.c", "transform": {"profile": None, "pipeline": None, "rewrite": {
                "level": "source", "function": "kernel", "diff": REWRITE_DIFF}}},
           {"source": "util.c", "transform": {"profile": {"file": "llmcc-profile-abc.profdata", "sha256": "x"},
                                              "pipeline": {"base": "function(sroa<modify-cfg>,instcombine),globaldce",
                                                           "passes": "function(sroa<modify-cfg>,instcombine,loop-unroll),globaldce",
                                                           "knobs": {"unroll-count": 4}, "edits": []}}},
           {"source": "main.c", "transform": {"profile": None, "pipeline": None}}]
    tried = [{"tu": "kernel.c", "name": "llm-source:kernel", "decision": "accepted", "measure": {"speedup": 2.0}},
             {"tu": "kernel.c", "name": "llm-source:other", "decision": "output-differs",
              "reason": "the run's output differs from the plain build's <b>"}]
    path = tmp / "llmcc-decisions.json"
    path.write_text(json.dumps({"format": "llmcc-decisions", "version": 1, "root": ".", "tus": tus,
                                "session": {"build": "make", "run": "./prog", "check": None, "measure": "instructions",
                                            "margin": 0.005, "steps": steps, "tried": tried}}))
    return path


def test_session_html_has_the_step_plot_and_the_diffs(tmp_path):
    page = render_session_html(decisions(tmp_path))
    assert "<script" not in page.lower()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    # plain, then one point per accepted step, at the measured costs.
    points = re.search(r'<polyline[^>]*points="([^"]+)"', svg).group(1).split()
    assert len(points) == 3
    assert "instructions" in svg and ">1000<" in svg and ">400<" in svg
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] < ys[1] < ys[2]        # lower cost is drawn lower (larger y)
    # The rewrite's C diff, coloured by line; the pipeline diff shows the added pass.
    assert '<span style="background:#dfd">+    return fast(a, n) * rounds;</span>' in page
    assert '<span style="background:#fdd">-    return slow(a, n) * rounds;</span>' in page
    assert "+function(sroa&lt;modify-cfg&gt;,instcombine,loop-unroll)" in page
    assert "-unroll-count=4" in page and "llmcc-profile-abc.profdata" in page
    # Untrusted text (a reason, a diff) is escaped; main.c (plain clang) has no section.
    assert "&lt;b&gt;" in page and "<h4>main.c</h4>" not in page


def test_plot_falls_back_to_relative_time_without_costs():
    svg = step_plot_svg([{"step": "accepted", "tu": "k.c", "name": "x", "cumulative": 2.0}], "time")
    assert "relative time" in svg and ">0.5<" in svg and ">1<" in svg
    assert "<polyline" not in step_plot_svg([], "time")        # nothing accepted: one point


def test_pipeline_lines_split_at_top_level_commas():
    assert _pipeline_lines("a,function(b,c<d,e>),f") == ["a\n", "function(b,c<d,e>)\n", "f\n"]


def test_report_html_includes_the_tune_session(tmp_path):
    path = decisions(tmp_path)
    env = {**os.environ, "LLMCC_CACHE_DIR": str(tmp_path / "cache"), "LLMCC_CONFIG": os.devnull}
    r = run([LLMCC, "report", "--html", "out.html", "--decisions", str(path)], tmp_path, env)
    assert r.returncode == 0, r.stderr.decode()
    page = (tmp_path / "out.html").read_text()
    assert "<h1>llmcc report</h1>" in page and "<svg" in page and "tune session" in page
    # Found in the current directory without --decisions, too.
    r = run([LLMCC, "report", "--html", "out2.html"], tmp_path, env)
    assert r.returncode == 0 and "<svg" in (tmp_path / "out2.html").read_text()


def test_instruction_counts_get_the_smaller_margin():
    from llmcc.tune.session import INSTRUCTIONS_MARGIN, TIME_MARGIN, default_margin
    assert default_margin("instructions") == INSTRUCTIONS_MARGIN < TIME_MARGIN == default_margin("time")


def test_object_digest_ignores_only_debug_sections(tmp_path):
    """The re-validation digest of a rewrite's object: the same code compiled with -g in
    two directories (the session's tree, the user's) digests the same; other code not."""
    from conftest import CLANG
    from llmcc.toolchain import find_toolchain
    from llmcc.tune.rewrite import object_digest
    from llmcc.tune.record import sha256_file
    tc = find_toolchain()
    objs = []
    for name, body in (("a", "return x * 3;"), ("b", "return x * 3;"), ("c", "return x * 5;")):
        d = tmp_path / name
        d.mkdir()
        (d / "k.c").write_text(f"int k(int x) {{ {body} }}\n")
        assert run([CLANG, "-O2", "-g", "-c", "k.c", "-o", "k.o"], d).returncode == 0
        objs.append(d / "k.o")
    assert sha256_file(objs[0]) != sha256_file(objs[1])         # the directory is in the debug info
    assert object_digest(tc, objs[0]) == object_digest(tc, objs[1]) is not None
    assert object_digest(tc, objs[0]) != object_digest(tc, objs[2])


def test_text_report_names_rewrite_decisions(tmp_path):
    from llmcc.tune.report import render_session
    text = render_session(decisions(tmp_path))
    assert "kernel.c" in text and "source rewrite of kernel" in text
    assert "llmcc-profile-abc.profdata" in text
