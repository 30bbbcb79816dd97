"""ACCLAIM level agents on SCRIPTED ANSWERS: acceptance, rejection, speedups, overhead.

No model is involved: every rewrite comes from ``test/unit/data/agents/rewrites.json``
(good rewrites and deliberately wrong ones), served by the scripted OpenAI-compatible
server over loopback HTTP. The compiler, validators and measurement are the real ones.

For each rewrite (one level-agent call, n = k = 1) it reports:
* the outcome (accepted / correct-not-faster / rejected, and at which check),
* the speedup over clang -O3 measured as instruction counts and as CPU time,
* llmcc's own time for the call excluding model latency (time inside ``client.chat`` is
  subtracted), and the one-off cost of building the test plan per function.

Usage: ``.venv/bin/python bench/bench_agents.py [--json out.json] [--only NAME ...]``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO / "test" / "unit" / "data" / "agents"


class TimedClient:
    """Wraps an LLMClient and adds up the wall time spent waiting for the model."""

    def __init__(self, client) -> None:
        self.client = client
        self.model_seconds = 0.0

    def chat(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.client.chat(*args, **kwargs)
        finally:
            self.model_seconds += time.perf_counter() - start

    @property
    def usage(self):
        return self.client.usage


def make_ctx(root: Path, src: Path, baseline: Path, url: str, function: str, mode: str, tag: str):
    from llmcc.config import load_settings
    from llmcc.toolchain import find_toolchain
    from llmcc.tu import HotFunction, TUContext
    (root / "none.toml").write_text("")
    settings = load_settings(cwd=root, env={
        "LLMCC_CONFIG": str(root / "none.toml"), "LLMCC_LLM_BACKEND": "openai",
        "LLMCC_LLM_BASE_URL": url, "LLMCC_LLM_MODEL": "scripted",
        "LLMCC_CACHE_DIR": str(root / f"cache-{tag}"), "LLMCC_MEASURE_MODE": mode})
    workdir = root / f"work-{tag}"
    workdir.mkdir()
    return TUContext(source="kernels.c", cwd=src, flags=[], opt_level="-O3",
                     toolchain=find_toolchain(), settings=settings, workdir=workdir,
                     baseline_object=baseline, hot_functions=[HotFunction(function, 1.0)])


def program_at(ctx, level: str) -> Path:
    from llmcc.agents.levels import pipeline_for
    from llmcc.toolchain import backend, frontend, middle_end
    if level == "source":
        return ctx.source_path
    bc = frontend(ctx.toolchain, ctx.source_path, [], ctx.workdir / "in.bc", cwd=ctx.cwd).output
    ll = middle_end(ctx.toolchain, bc, pipeline_for("-O3"), ctx.workdir / "in.ll", emit_text=True).output
    if level == "ir":
        return ll
    return backend(ctx.toolchain, ll, [], ctx.workdir / "in.s", emit="asm").output


def run_one(root: Path, src: Path, baseline: Path, rewrite: dict, mode: str, plans: dict) -> dict:
    """One level-agent call on one scripted rewrite, measured in ``mode``."""
    from llmcc.agents.level import LevelJob, run_level_agent
    from llmcc.agents.levels import LEVEL_BY_NAME
    from llmcc.llm.client import make_client
    from llmcc.llm.scripted_server import ScriptedServer
    from llmcc.verify.evaluate import build_test_plan
    with ScriptedServer([{"content": rewrite["reply"], "repeat": -1}]) as srv:
        ctx = make_ctx(root, src, baseline, srv.url, rewrite["function"], mode, f"{rewrite['name']}-{mode}")
        plan_seconds = 0.0
        if rewrite["function"] not in plans:
            start = time.perf_counter()
            plans[rewrite["function"]] = build_test_plan(ctx, rewrite["function"])
            plan_seconds = time.perf_counter() - start
        client = TimedClient(make_client(ctx.settings))
        job = LevelJob(ctx, LEVEL_BY_NAME[rewrite["level"]], program_at(ctx, rewrite["level"]),
                       rewrite["function"], plans[rewrite["function"]], ctx.workdir / "agent",
                       samples=1, rounds=1)
        start = time.perf_counter()
        result = run_level_agent(job, client)
        total = time.perf_counter() - start
    sample = result.samples[0] if result.samples else None
    return {"status": sample.status if sample else "no-sample", "stage": sample.stage if sample else "",
            "accepted": bool(sample and sample.accepted), "speedup": sample.speedup if sample else None,
            "verdicts": {v["checker"]: v["kind"] for v in (sample.verdicts if sample else [])},
            "overhead_s": total - client.model_seconds, "model_s": client.model_seconds,
            "plan_s": plan_seconds}


def _fuzz_budget() -> str:
    from llmcc.config import load_settings
    s = load_settings()
    return f"{s['verify.fuzz_seconds']:g} s, asm {s['verify.fuzz_seconds_asm']:g} s"


def outcome(row: dict) -> str:
    if row["accepted"]:
        return "accepted"
    if row["status"] == "correct":
        return "correct, not faster"
    return f"rejected ({row['stage'] or row['status']})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--only", nargs="*", help="rewrite names to run")
    args = parser.parse_args()
    rewrites = json.loads((DATA / "rewrites.json").read_text())
    if args.only:
        rewrites = [r for r in rewrites if r["name"] in args.only]
    from llmcc.toolchain import find_toolchain
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-agents-") as tmp:
        root = Path(tmp)
        src = root / "src"
        src.mkdir()
        shutil.copy(DATA / "kernels.c", src / "kernels.c")
        baseline = root / "kernels.o"
        subprocess.run([str(find_toolchain().clang), "-O3", "-c", "kernels.c", "-o", str(baseline)],
                       cwd=src, check=True)
        plans: dict = {}
        for rewrite in rewrites:
            by_instr = run_one(root, src, baseline, rewrite, "instructions", plans)
            by_time = run_one(root, src, baseline, rewrite, "time", plans) if by_instr["status"] == "correct" else None
            rows.append({"name": rewrite["name"], "level": rewrite["level"], "expect": rewrite["expect"],
                         "instructions": by_instr, "time": by_time})
    print("ACCLAIM level agents on SCRIPTED ANSWERS (no model): one call each, n = k = 1\n")
    print(f"{'rewrite':22} {'level':6} {'expect':7} {'outcome':34} {'x instr':>8} {'x time':>7} "
          f"{'llmcc s':>8} {'plan s':>7}")
    for row in rows:
        i, t = row["instructions"], row["time"]
        speed_i = f"{i['speedup']:.2f}" if i["speedup"] else "-"
        speed_t = f"{t['speedup']:.2f}" if t and t["speedup"] else "-"
        print(f"{row['name']:22} {row['level']:6} {row['expect']:7} {outcome(i):34} {speed_i:>8} "
              f"{speed_t:>7} {i['overhead_s']:8.2f} {i['plan_s']:7.2f}")
    good = [r for r in rows if r["expect"] == "accept"]
    bad = [r for r in rows if r["expect"] == "reject"]
    print(f"\ngood rewrites accepted: {sum(r['instructions']['accepted'] for r in good)}/{len(good)}; "
          f"wrong rewrites rejected: {sum(r['instructions']['status'] != 'correct' for r in bad)}/{len(bad)}")
    costs = sorted(r["instructions"]["overhead_s"] for r in rows)
    if costs:
        good_costs = sorted(r["instructions"]["overhead_s"] for r in good if r["instructions"]["accepted"])
        print(f"llmcc's own seconds per candidate (every check: object, ISA, formal, differential "
              f"tests, UBSan, fuzz budget {_fuzz_budget()}; model time excluded): median "
              f"{statistics.median(costs):.1f} s, max {costs[-1]:.1f} s"
              + (f"; accepted good rewrites: median {statistics.median(good_costs):.1f} s" if good_costs else ""))
    if any(r["time"] and r["time"]["speedup"] in (float("inf"), 1.0) for r in rows):
        print("note: a time speedup of inf or exactly 1.00 means the harness reported 0 ns of CPU "
              "for the timed inputs (below its timer's resolution); trust the instruction counts there")
    if args.json:
        args.json.write_text(json.dumps({"label": "scripted answers", "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
