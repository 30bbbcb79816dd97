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
        lines.append(f"  {tu['source']:<24} {'; '.join(what) or 'clang (as validated)'}")
    in_place = s.get("in_place") or {}
    if in_place:
        lines.append(f"\nproject tree rebuilt: status {in_place.get('build_status')}, "
                     f"objects reproduced {in_place.get('objects_reproduced')}")
    return "\n".join(lines)
