"""Per-TU reports (written by the driver as JSON) and their summaries for ``llmcc report``.

Reports are strict JSON (RFC 8259): a NaN or infinite number (a failed timing, a division
by zero) becomes null, and anything that is not a JSON value becomes its string, so every
JSON parser reads them. ``dumps_report`` is the one way to write one.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def sanitize(value: Any) -> Any:
    """``value`` with NaN/Infinity as None, tuples/sets as lists, non-JSON objects as str."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dict):
        return {str(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [sanitize(v) for v in value]
    return str(value)


def dumps_report(report: Any, *, indent: int | None = 2) -> str:
    """Strict JSON text of a report (``allow_nan=False`` after ``sanitize``)."""
    return json.dumps(sanitize(report), indent=indent, allow_nan=False)


def load_reports(directory: Path) -> list[dict]:
    """Every readable report in ``directory``, oldest first (unreadable ones are skipped)."""
    out = []
    if not directory.is_dir():
        return out
    for p in sorted(directory.glob("*.json")):
        try:
            r = sanitize(json.loads(p.read_text()))   # old reports may hold NaN
        except (OSError, ValueError, RecursionError):
            continue
        if not isinstance(r, dict):
            continue
        r["_file"] = p.name
        out.append(r)
    return out


def _summary(r: dict) -> tuple[str, str, str, str]:
    hot = r.get("hot_functions") or []
    hot_names = ", ".join(str(h.get("name", "?")) for h in hot[:3] if isinstance(h, dict)) + (" ..." if len(hot) > 3 else "")
    emitted = r.get("emitted")
    if emitted:
        speed = emitted.get("speedup")
        what = f"optimized by {emitted.get('origin')} ({speed:.3f}x)" if isinstance(speed, (int, float)) \
            else f"optimized by {emitted.get('origin')}"
    elif r.get("fallback"):
        what = f"baseline: {r['fallback']['reason']}"
    else:
        what = f"baseline ({r.get('decision', '?')})"
    seconds = r.get("seconds")
    seconds = seconds if isinstance(seconds, (int, float)) else 0.0
    return str(r.get("source", "?")), what, hot_names or "-", f"{seconds:.1f}s"


def render_text(reports: list[dict], directory: Path) -> str:
    if not reports:
        return f"no reports in {directory}"
    rows = [_summary(r) for r in reports]
    w = max(len(r[0]) for r in rows)
    lines = [f"{'source':<{w}}  {'result':<40}  {'time':>6}  hot functions"]
    for src, what, hot, secs in rows:
        lines.append(f"{src:<{w}}  {what:<40}  {secs:>6}  {hot}")
    n_opt = sum(1 for r in reports if r.get("emitted"))
    from .agents.guiding import transcript_text
    for r in reports:
        text = transcript_text(r["agents"]) if isinstance(r.get("agents"), dict) else ""
        if text:
            lines.append(f"\nguide transcript, {r.get('source', '?')}:\n{text}")
    lines.append(f"\n{len(reports)} reports, {n_opt} optimized; details: llmcc report --json")
    return "\n".join(lines)


def render_html(reports: list[dict]) -> str:
    """A self-contained HTML page: a table per TU plus a bar per emitted speedup."""
    import html   # here, not at the top: every TU that writes a report imports this module
    rows = []
    for r in reports:
        src, what, hot, secs = (html.escape(x) for x in _summary(r))
        speed = (r.get("emitted") or {}).get("speedup")
        speed = speed if isinstance(speed, (int, float)) else 1.0
        bar = f'<div style="background:#4a8;width:{min(300, int(speed * 100))}px">&nbsp;{speed:.3f}x</div>'
        detail = html.escape(dumps_report({k: v for k, v in r.items() if k != "_file"}, indent=1))
        rows.append(f"<tr><td>{src}</td><td>{what}</td><td>{bar}</td><td>{secs}</td><td>{hot}</td>"
                    f"<td><details><summary>json</summary><pre>{detail}</pre></details></td></tr>")
    return ("<!doctype html><meta charset=utf-8><title>llmcc report</title>"
            "<style>body{font-family:sans-serif}td{vertical-align:top;padding:4px}</style>"
            "<h1>llmcc report</h1><table><tr><th>source</th><th>result</th><th>speedup</th>"
            "<th>time</th><th>hot functions</th><th>detail</th></tr>" + "".join(rows) + "</table>")
