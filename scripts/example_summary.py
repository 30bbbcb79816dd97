#!/usr/bin/env python3
"""Say plainly what llmcc did to the bundled example: what it emitted, what it tried and
why each thing it tried was not emitted; then time the program only where llmcc's objects
differ from clang's (identical objects make a run-time "speedup" pure noise).

    example_summary.py REPORTS_JSON CLANG_DIR LLMCC_DIR PROGRAM

REPORTS_JSON is the output of ``llmcc report --json``.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path


def describe_tu(r: dict) -> list[str]:
    src = r.get("source", "?")
    emitted = r.get("emitted")
    hot = ", ".join(h.get("name", "?") for h in (r.get("hot_functions") or [])) or "none"
    lines = []
    if emitted:
        what = emitted.get("origin", "?")
        speed = emitted.get("speedup")
        lines.append(f"{src}: EMITTED an optimized object ({what}"
                     + (f", measured {speed:.3f}x on its test inputs" if speed else "") + ")")
    elif r.get("fallback"):
        fb = r["fallback"]
        lines.append(f"{src}: kept clang's object ({fb.get('reason', '?')}: {fb.get('detail', '')})")
    else:
        lines.append(f"{src}: kept clang's object ({r.get('decision', 'not optimized')})")
    lines.append(f"    hot functions: {hot}")
    lines.extend(_pipeline_lines(r.get("pipeline") or {}))
    for level, info in (r.get("agents") or {}).items() if isinstance(r.get("agents"), dict) else []:
        lines.append(f"    {level}: {json.dumps(info, default=str)[:160]}")
    return lines


def _pipeline_lines(p: dict) -> list[str]:
    rounds = p.get("rounds") or []
    cands = [c for rd in rounds for c in rd.get("candidates", [])]
    if not cands:
        return []
    tally: Counter[str] = Counter()
    best = None
    for c in cands:
        ev = c.get("evaluation")
        if ev is None:
            tally[c.get("reason") or c.get("decision") or "not tested"] += 1
            continue
        if ev.get("accepted"):
            tally["accepted"] += 1
        elif not ev.get("correct", True):
            tally["rejected: tests failed"] += 1
        else:
            tally["correct but not faster by the margin"] += 1
        sp = ev.get("speedup")
        if isinstance(sp, (int, float)) and (best is None or sp > best[1]):
            best = (c.get("name", "?"), sp)
    result = (p.get("result") or {})
    out = [f"    pipeline tuning: {len(cands)} candidates tried "
           f"({'; '.join(f'{n} {why}' for why, n in tally.most_common())})"]
    if best:
        out.append(f"    best measured candidate: {best[0]} at {best[1]:.3f}x of clang's speed "
                   "(emitting needs a significant win above the margin)")
    if result.get("reason"):
        out.append(f"    outcome: {result['reason']}")
    return out


def cpu_seconds(exe: Path) -> float:
    before = os.times()
    subprocess.run([str(exe)], stdout=subprocess.DEVNULL, check=True)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> int:
    reports_json, clang_dir, llmcc_dir, program = sys.argv[1:5]
    latest: dict[str, dict] = {}
    for r in json.loads(Path(reports_json).read_text()):      # oldest first: keep the newest
        latest[r.get("source", "?")] = r
    reports = list(latest.values())
    print("== what llmcc did")
    for r in reports:
        print("\n".join(describe_tu(r)))
    clang_dir, llmcc_dir = Path(clang_dir), Path(llmcc_dir)
    differ = sorted(o.name for o in llmcc_dir.glob("*.o")
                    if (clang_dir / o.name).is_file()
                    and o.read_bytes() != (clang_dir / o.name).read_bytes())
    n_emitted = sum(1 for r in reports if r.get("emitted"))
    print(f"\n{len(reports)} translation units seen, {n_emitted} emitted optimized; "
          f"objects that differ from clang's: {', '.join(differ) or 'none'}")
    if not differ:
        print("The llmcc-built program is made of clang's own objects: there is no speedup "
              "to measure (nothing beat clang by the margin on this machine this time).")
        return 0
    ratios = []
    for _ in range(5):       # alternate the two programs so drifts hit both alike
        ref = cpu_seconds(clang_dir / program)
        cand = cpu_seconds(llmcc_dir / program)
        ratios.append(ref / cand if cand > 0 else float("nan"))
    print(f"run time, 5 alternating runs: clang/llmcc CPU-time ratio median "
          f"{statistics.median(ratios):.3f}x (range {min(ratios):.3f}-{max(ratios):.3f}; "
          f"shared machines are noisy: a range straddling 1.0 means no clear difference)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
