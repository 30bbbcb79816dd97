#!/usr/bin/env python3
"""AutoPass pipeline-tuning benchmark over bench/kernels/*.c (not part of the test suite).

Per kernel, in one run: clang-22 -O3 (the baseline), the greedy policy, random search at
the same budget, and the LLM policy when an endpoint is configured (llmcc settings). For
each policy it prints the speedup over -O3 of the object that would be emitted (re-measured
independently of the tuner: instruction counts, or median CPU time of paired runs), the
geomean, and how many emitted objects regressed vs -O3 (must be 0) or changed the output.

    .venv/bin/python bench/bench_pipeline.py                      # time mode, all kernels
    .venv/bin/python bench/bench_pipeline.py --mode instructions --kernels crc32 bitcount
    .venv/bin/python bench/bench_pipeline.py --rounds 3 --candidates 4 --json out.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmcc.config import load_settings  # noqa: E402
from llmcc.outcome import Fallback  # noqa: E402
from llmcc.pipeline.standalone import context_for_source  # noqa: E402
from llmcc.pipeline.tune import tune_pipeline  # noqa: E402
from llmcc.toolchain import find_toolchain  # noqa: E402

KERNELS = ROOT / "bench" / "kernels"


def link(tc, obj: Path, exe: Path) -> Path:
    subprocess.run([str(tc.clang), str(obj), "-o", str(exe), "-lm"], check=True, capture_output=True)
    return exe


def run_output(exe: Path) -> bytes:
    return subprocess.run([str(exe)], capture_output=True, timeout=120, check=True).stdout


def cost(exe: Path, mode: str, reps: int) -> float:
    """Instructions (deterministic) or median user+sys CPU seconds over ``reps`` runs."""
    if mode == "instructions":
        from llmcc.measure.timing import instruction_count
        n = instruction_count([str(exe)], workdir=exe.parent, allow_unsandboxed=True)
        return float(n) if n else math.nan
    samples = []
    for _ in range(reps):
        before = os.times()
        subprocess.run([str(exe)], capture_output=True, timeout=120, check=True)
        after = os.times()
        samples.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return statistics.median(samples)


def paired_speedup(base_exe: Path, cand_exe: Path, mode: str, reps: int) -> float:
    if mode == "instructions":
        return cost(base_exe, mode, 1) / cost(cand_exe, mode, 1)
    base, cand = [], []
    for _ in range(reps):  # interleaved, so load changes hit both sides alike
        base.append(cost(base_exe, mode, 1))
        cand.append(cost(cand_exe, mode, 1))
    return statistics.median(base) / statistics.median(cand)


def llm_available(settings) -> bool:
    if settings["llm.backend"] == "none":
        return False
    try:
        from llmcc.llm.client import make_client
        return make_client(settings) is not None
    except Exception:
        return False


def bench_kernel(tc, settings, source: Path, policies: list[str], mode: str, reps: int, work: Path) -> dict:
    row: dict = {"kernel": source.stem, "policies": {}}
    for policy in policies:
        started = time.monotonic()
        ctx = context_for_source(tc, settings, source, work / f"{source.stem}-{policy}")
        if isinstance(ctx, Fallback):
            row["policies"][policy] = {"error": str(ctx)}
            continue
        base_exe = link(tc, ctx.baseline_object, ctx.workdir / "baseline.exe")
        candidate = tune_pipeline(ctx, policy)
        result = ctx.report.get("pipeline", {}).get("result") or {}
        entry = {"tuning_seconds": round(time.monotonic() - started, 1), "decision": result.get("decision"),
                 "reason": result.get("reason", ""), "tuner_speedup": None, "speedup": 1.0,
                 "emitted": "-O3", "edits": result.get("best_edits", []),
                 "candidates": sum(len(r["candidates"]) for r in ctx.report["pipeline"].get("rounds", [])),
                 "accepted": sum(c.get("decision") == "accepted" for r in ctx.report["pipeline"].get("rounds", [])
                                 for c in r["candidates"])}
        entry["trace"] = [{"round": r["round"], "name": c.get("name"), "decision": c.get("decision"),
                           "speedup": (c.get("evaluation") or {}).get("speedup"),
                           "reason": str(c.get("reason", ""))[:160]}
                          for r in ctx.report["pipeline"].get("rounds", []) for c in r["candidates"]]
        if candidate is not None:
            cand_exe = link(tc, candidate.object_path, ctx.workdir / "emitted.exe")
            entry.update(emitted="candidate", tuner_speedup=round(candidate.speedup, 4),
                         speedup=round(paired_speedup(base_exe, cand_exe, mode, reps), 4),
                         output_equal=run_output(cand_exe) == run_output(base_exe))
        row["policies"][policy] = entry
    return row


def geomean(values: list[float]) -> float:
    values = [v for v in values if v and not math.isnan(v)]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernels", nargs="*", help="kernel names (default: all in bench/kernels)")
    ap.add_argument("--mode", choices=("time", "instructions"), default="time")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--candidates", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5, help="runs per side when re-measuring in time mode")
    ap.add_argument("--allow-fp-reassoc", action="store_true")
    ap.add_argument("--json", type=Path, help="write all results here")
    args = ap.parse_args(argv)

    env = dict(os.environ, LLMCC_MEASURE_MODE=args.mode, LLMCC_PIPELINE_ROUNDS=str(args.rounds),
               LLMCC_PIPELINE_CANDIDATES=str(args.candidates),
               LLMCC_PIPELINE_ALLOW_FP_REASSOC="1" if args.allow_fp_reassoc else "0")
    settings = load_settings(env=env)
    tc = find_toolchain()
    policies = ["greedy", "random"] + (["llm"] if llm_available(settings) else [])
    sources = sorted(KERNELS.glob("*.c"))
    if args.kernels:
        sources = [s for s in sources if s.stem in args.kernels]
    print(f"mode={args.mode} rounds={args.rounds} candidates={args.candidates} policies={policies}"
          f"{'' if 'llm' in policies else ' (no LLM endpoint configured)'}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="llmcc-bench-") as tmp:
        for source in sources:
            row = bench_kernel(tc, settings, source, policies, args.mode, args.reps, Path(tmp))
            rows.append(row)
            cells = []
            for p in policies:
                e = row["policies"][p]
                cells.append(f"{p}={e.get('speedup', float('nan')):.3f}x ({e.get('decision')}, "
                             f"{e.get('accepted', 0)}/{e.get('candidates', 0)} acc, {e.get('tuning_seconds')}s)")
            print(f"{row['kernel']:<11} " + "  ".join(cells), flush=True)
    print()
    summary = {}
    for p in policies:
        entries = [r["policies"][p] for r in rows if "error" not in r["policies"][p]]
        regressed = sum(1 for e in entries if e["emitted"] == "candidate" and e["speedup"] < 1.0)
        wrong = sum(1 for e in entries if e["emitted"] == "candidate" and not e.get("output_equal", True))
        summary[p] = {"geomean": geomean([e["speedup"] for e in entries]),
                      "emitted_candidates": sum(e["emitted"] == "candidate" for e in entries),
                      "regressed_vs_O3": regressed, "output_changed": wrong, "kernels": len(entries)}
        print(f"{p:<7} geomean {summary[p]['geomean']:.4f}x over -O3; emitted candidates "
              f"{summary[p]['emitted_candidates']}/{len(entries)}; regressed vs -O3: {regressed}; "
              f"output changed: {wrong}")
    if args.json:
        args.json.write_text(json.dumps({"settings": {"mode": args.mode, "rounds": args.rounds,
                                                      "candidates": args.candidates},
                                         "rows": rows, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
