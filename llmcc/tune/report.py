"""``llmcc tune --report FILE``: what a tune session tried and accepted, from its decisions file."""
from __future__ import annotations

import json
from pathlib import Path


def render_session(path: Path) -> str:
    """Text summary: hot TUs, every candidate with its verdict, accepted steps with the
    cumulative speedup, the decision per TU (pipeline edits as a diff of knobs/passes)."""
    data = json.loads(Path(path).read_text())
    s = data.get("session") or {}
    lines = [f"tune session: build {s.get('build')!r}, run {s.get('run')!r}, check {s.get('check')!r}",
             f"measure {s.get('measure')}, margin {s.get('margin')}, budget {s.get('minutes')} min", "",
             "hot TUs (share of the workload's block counts):"]
    for h in s.get("hot_tus", []):
        lines.append(f"  {h['share']:6.1%}  {h['tu']}  ({', '.join(h['functions'])})")
    lines += ["", "candidates:"]
    for t in s.get("tried", []):
        measure = t.get("measure") or {}
        speed = f" {measure['speedup']:.3f}x" if measure.get("speedup") else ""
        lines.append(f"  {t['tu']:<24} {t['name']:<36} {t.get('decision', '?'):<14}{speed}"
                     f"  {t.get('seconds', '')}s  {t.get('reason', '')}")
    lines += ["", "accepted steps (whole-program speedup, cumulative):"]
    for step in s.get("steps", []):
        if step.get("step") == "accepted":
            lines.append(f"  {step['tu']:<24} {step['name']:<36} {step['speedup']:.3f}x  "
                         f"cumulative {step['cumulative']:.3f}x  ({step['seconds']}s)")
    overall = s.get("overall") or {}
    if overall.get("speedup"):
        lines.append(f"  tuned vs plain: {overall['speedup']:.3f}x [{overall.get('ci_low')}, {overall.get('ci_high')}]")
    lines += ["", "decisions:"]
    for tu in data.get("tus", []):
        tr = tu.get("transform") or {}
        what = []
        if tr.get("profile"):
            what.append(f"profile {tr['profile']['file']}")
        if tr.get("pipeline"):
            edits = tr["pipeline"].get("edits") or []
            what.append("pipeline edits vs -O level default: " + json.dumps(edits))
        if tr.get("rewrite"):
            rw = tr["rewrite"]
            what.append(f"{rw.get('level')} rewrite of {rw.get('function')} (diff: llmcc report --html)")
        lines.append(f"  {tu['source']:<24} {'; '.join(what) or 'clang (as validated)'}")
    in_place = s.get("in_place") or {}
    if in_place:
        lines.append(f"\nproject tree rebuilt: status {in_place.get('build_status')}, "
                     f"objects reproduced {in_place.get('objects_reproduced')}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML


def render_session_html(path: Path) -> str:
    """An HTML section (no scripts, no external files) for ``llmcc report --html``: the
    whole-program cost per accepted step as an inline SVG plot, every candidate with its
    verdict, and the diff of each accepted change (pipeline text, rewritten C)."""
    import html
    data = json.loads(Path(path).read_text())
    s = data.get("session") or {}
    esc = html.escape
    parts = [f"<h2>tune session ({esc(str(path))})</h2>",
             f"<p>build <code>{esc(str(s.get('build')))}</code>, run <code>{esc(str(s.get('run')))}</code>, "
             f"check <code>{esc(str(s.get('check')))}</code>; measure {esc(str(s.get('measure')))}, "
             f"margin {esc(str(s.get('margin')))}</p>"]
    overall = s.get("overall") or {}
    if overall.get("speedup"):
        parts.append(f"<p>tuned vs plain build: <b>{overall['speedup']:.3f}x</b> "
                     f"[{overall.get('ci_low')}, {overall.get('ci_high')}]</p>")
    parts.append(step_plot_svg(s.get("steps") or [], s.get("measure") or "time"))
    rows = []
    for t in s.get("tried", []):
        speed = (t.get("measure") or {}).get("speedup")
        rows.append(f"<tr><td>{esc(str(t.get('tu')))}</td><td>{esc(str(t.get('name')))}</td>"
                    f"<td>{esc(str(t.get('decision', '?')))}</td><td>{'' if speed is None else f'{speed:.3f}x'}</td>"
                    f"<td>{esc(str(t.get('reason', '')))}</td></tr>")
    parts.append("<h3>candidates</h3><table><tr><th>TU</th><th>candidate</th><th>decision</th><th>speedup</th>"
                 "<th>why</th></tr>" + "".join(rows) + "</table>")
    parts.append("<h3>accepted changes</h3>")
    changed = False
    for tu in data.get("tus", []):
        diffs = change_diffs(tu.get("transform") or {}, tu.get("source", "?"))
        if not diffs:
            continue
        changed = True
        parts.append(f"<h4>{esc(tu.get('source', '?'))}</h4>")
        for title, diff in diffs:
            parts.append(f"<details open><summary>{esc(title)}</summary>{_diff_html(diff)}</details>")
    if not changed:
        parts.append("<p>none: every TU is clang's own object</p>")
    return "<section>" + "".join(parts) + "</section>"


def change_diffs(transform: dict, source: str) -> list[tuple[str, str]]:
    """(title, unified diff or text) for each part of an accepted transform."""
    import difflib
    out = []
    if transform.get("profile"):
        out.append(("profile (clang PGO)", f"-fprofile-instr-use={transform['profile']['file']}\n"))
    pipeline = transform.get("pipeline")
    if pipeline:
        base = pipeline.get("base") or ""
        after = _pipeline_lines(pipeline.get("passes") or "")
        knobs = [f"-{k}={v}\n" for k, v in sorted((pipeline.get("knobs") or {}).items())]
        if base:
            text = "".join(difflib.unified_diff(_pipeline_lines(base), after, "-O pipeline", "tuned pipeline"))
        else:
            text = "edits: " + json.dumps(pipeline.get("edits") or []) + "\n" + "".join(after)
        out.append(("pipeline", text + "".join(knobs)))
    rewrite = transform.get("rewrite")
    if rewrite:
        out.append((f"{rewrite.get('level')} rewrite of {rewrite.get('function')}", rewrite.get("diff") or ""))
    return out


def _pipeline_lines(text: str) -> list[str]:
    """A pass pipeline split at its top-level commas, one pass (or adaptor) per line."""
    lines, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            lines.append(cur + "\n")
            cur = ""
            continue
        depth += {"(": 1, "<": 1, ")": -1, ">": -1}.get(ch, 0)
        cur += ch
    if cur:
        lines.append(cur + "\n")
    return lines


def _diff_html(diff: str) -> str:
    import html
    colors = {"+": "#dfd", "-": "#fdd", "@": "#eef"}
    lines = []
    for line in diff.splitlines():
        head = line[:1] if not line.startswith(("+++", "---")) else ""
        style = f' style="background:{colors[head]}"' if head in colors else ""
        lines.append(f"<span{style}>{html.escape(line)}</span>")
    return "<pre>" + "\n".join(lines) + "</pre>"


def step_plot_svg(steps: list[dict], measure: str, width: int = 480, height: int = 220) -> str:
    """Inline SVG: the whole program's cost after each accepted step (step 0: the plain
    build). Costs are the measured medians when the steps carry them (CPU seconds or
    instructions), else the plain build's cost divided by the cumulative speedup (1.0 =
    the plain build)."""
    import html
    accepted = [st for st in steps if st.get("step") == "accepted"]
    if all(st.get("cost") is not None and st.get("ref_cost") is not None for st in accepted) and accepted:
        unit = "instructions" if measure == "instructions" else "CPU seconds"
        # Each step's own measurement: the best before it (ref) and after it (cost); step
        # 0 is the first comparison's reference, which is the plain build.
        points = [accepted[0]["ref_cost"], *(st["cost"] for st in accepted)]
    else:
        unit = "relative time (plain build = 1)"
        points = [1.0, *(1.0 / st["cumulative"] for st in accepted if st.get("cumulative"))]
    labels = ["plain", *(f"{st.get('tu')}: {st.get('name')}" for st in accepted)]
    left, right, top, bottom = 70, 60, 20, 40
    top_value = max(points) * 1.05 or 1.0
    span_x = max(1, len(points) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return (left + (width - left - right) * i / span_x,
                top + (height - top - bottom) * (1 - v / top_value))
    coords = [xy(i, v) for i, v in enumerate(points)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
           f'aria-label="whole-program cost per accepted step">',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>',
           f'<text x="4" y="{top + 4}" font-size="10">{_fmt(top_value)}</text>',
           f'<text x="4" y="{height - bottom}" font-size="10">0</text>',
           f'<text x="{left}" y="{height - 8}" font-size="11">accepted step &#8594;  (cost: {html.escape(unit)})</text>']
    if len(coords) > 1:
        out.append('<polyline fill="none" stroke="#27a" stroke-width="2" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for i, ((x, y), v, label) in enumerate(zip(coords, points, labels)):
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#27a"><title>{html.escape(label)}: '
                   f'{_fmt(v)}</title></circle>')
        out.append(f'<text x="{x + 5:.1f}" y="{y - 6:.1f}" font-size="10">{_fmt(v)}</text>')
        out.append(f'<text x="{x - 3:.1f}" y="{height - bottom + 14}" font-size="10">{i}</text>')
    out.append("</svg>")
    return "".join(out)


def _fmt(v: float) -> str:
    return f"{v:.4g}" if v < 1e5 else f"{v:.3e}"
