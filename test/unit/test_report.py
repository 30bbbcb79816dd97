"""Reports are strict JSON: no NaN/Infinity, whatever the optimizers put in them."""
from __future__ import annotations

import json
import math

import pytest

from llmcc.report import dumps_report, load_reports, render_html, render_text, sanitize


def _strict_loads(text: str):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


def test_nan_and_infinity_become_null_and_objects_strings(tmp_path):
    report = {"emitted": {"speedup": math.nan, "origin": "ir"}, "t": [math.inf, -math.inf, 1.5],
              "path": tmp_path, "pair": (1, 2), 3: "int key"}
    text = dumps_report(report)
    back = _strict_loads(text)
    assert back["emitted"]["speedup"] is None and back["t"] == [None, None, 1.5]
    assert back["path"] == str(tmp_path) and back["pair"] == [1, 2] and back["3"] == "int key"


def test_plain_dumps_would_not_be_strict():
    """Control: the standard library writes NaN unless told not to."""
    with pytest.raises(ValueError):
        _strict_loads(json.dumps({"x": math.nan}))
    with pytest.raises(ValueError):
        json.dumps({"x": math.nan}, allow_nan=False)
    assert sanitize({"x": math.nan}) == {"x": None}


def test_old_reports_with_nan_load_and_render(tmp_path):
    (tmp_path / "1-a.json").write_text('{"source": "a.c", "emitted": {"origin": "source", "speedup": NaN},'
                                       ' "seconds": Infinity, "hot_functions": [{"name": "f"}]}')
    (tmp_path / "2-b.json").write_text('[1, 2]')            # not a report: skipped
    (tmp_path / "3-c.json").write_text("[" * 50000)         # hostile: skipped, no crash
    reports = load_reports(tmp_path)
    assert [r["_file"] for r in reports] == ["1-a.json"]
    assert reports[0]["emitted"]["speedup"] is None
    assert "optimized by source" in render_text(reports, tmp_path)
    assert "NaN" not in render_html(reports)
    _strict_loads(json.dumps(reports))


def test_text_report_shows_the_guides_dialogue(tmp_path):
    # What the guide asked a level agent and what came back is readable without --json.
    report = {"source": "kern.c", "agents": {"transcript": [
        {"step": 1, "tool": "source_agent", "state": "p0", "function": "count",
         "instruction": "replace the bit loop by __builtin_popcount",
         "new_state": "p1", "speedup": 2.5, "accepted": True,
         "checks": ["difftest-function: tested_equal"]}]}}
    text = render_text([report], tmp_path)
    assert "guide transcript, kern.c" in text
    assert "instruction: replace the bit loop by __builtin_popcount" in text
    assert "p1: speedup 2.5" in text and "difftest-function: tested_equal" in text
