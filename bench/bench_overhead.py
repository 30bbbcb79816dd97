#!/usr/bin/env python3
"""llmcc's overhead on a real build: Lua 5.4 (33 TUs, its own Makefile), `make -j1` from
clean, built

* with plain clang-22 (the reference),
* with llmcc when there is nothing to optimize: LLMCC_MODE=off (baseline only), the
  default mode with a threshold no function reaches (plugin + features + scoring, the
  real "nothing to optimize" path), and LLMCC_MODE=score (scoring with remarks and
  reports for every TU that has loops), each with an empty cache every run,
* with llmcc and a warm cache (primed by one untimed build in the same directory, so
  every TU is a cache hit),

each --runs times, plus driver start-up (`llmcc --version` vs `clang-22 --version`).
Reports median wall time and median CPU time (user+sys of all child processes; steadier
than wall time on a shared machine) and their ratios to plain clang.

Targets: nothing-to-optimize <= 1.10x, warm rebuild <= 0.5x, start-up <= 80 ms.

Usage:  .venv/bin/python bench/bench_overhead.py [--runs 3] [--startup-runs 20]
            [--warm-mode auto] [--json results.json]
Needs the Lua sources: scripts/third_party.sh fetch
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LUA_SOURCES = REPO / "third_party" / "lua-5.4.4"
DEFAULT_LLMCC = REPO / ".venv" / "bin" / "llmcc"
TARGET_NOTHING_TO_OPTIMIZE = 1.10
TARGET_WARM_REBUILD = 0.5
TARGET_STARTUP_MS = 80.0


@dataclass
class Variant:
    """One way of building Lua: the CC to use, llmcc settings, and how the cache is set up."""

    name: str
    compiler: str
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache_each_run: bool = False
    prime_cache: bool = False


@dataclass
class Timing:
    """Measurements of one variant (seconds)."""

    name: str
    wall: list[float]
    cpu: list[float]
    compiles: int  # compiler invocations per build (one per object, one per link)

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Run a command to completion; (wall seconds, CPU seconds of it and its children)."""
    cpu_before = children_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    cpu = children_cpu_seconds() - cpu_before
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed in {cwd}:\n{proc.stderr[-3000:]}")
    return wall, cpu


def base_env() -> dict[str, str]:
    """The caller's environment without llmcc settings or make flags that would skew runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC_")}
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    return env


def make_argv(compiler: str) -> list[str]:
    # Lua's own default is `gcc -std=gnu99`; keep its language level.
    return ["make", "-j1", "linux", f"CC={compiler} -std=gnu99"]


def clean(tree: Path) -> None:
    subprocess.run(["make", "clean"], cwd=tree, check=True, stdout=subprocess.DEVNULL)


def bench_variant(variant: Variant, work: Path, runs: int) -> Timing:
    """Build Lua from clean ``runs`` times in one private copy of the sources."""
    tree = work / variant.name
    shutil.copytree(LUA_SOURCES, tree)
    cache = work / f"{variant.name}-cache"
    env = {**base_env(), **variant.env, "LLMCC_CACHE_DIR": str(cache)}
    if variant.prime_cache:
        print(f"  {variant.name}: priming the cache (untimed build)...", flush=True)
        run_timed(make_argv(variant.compiler), env, tree)
    wall, cpu = [], []
    for i in range(runs):
        clean(tree)
        if variant.fresh_cache_each_run:
            shutil.rmtree(cache, ignore_errors=True)
        w, c = run_timed(make_argv(variant.compiler), env, tree)
        print(f"  {variant.name} run {i + 1}: wall {w:6.2f} s  cpu {c:6.2f} s", flush=True)
        wall.append(w)
        cpu.append(c)
    check_lua_works(tree)
    return Timing(variant.name, wall, cpu, compiler_invocations(tree))


def compiler_invocations(tree: Path) -> int:
    """Objects plus the two links (lua, luac) of a finished Lua build."""
    return len(list((tree / "src").glob("*.o"))) + 2


def check_lua_works(tree: Path) -> None:
    """A timing of a broken build is worthless: the interpreter must run."""
    out = subprocess.run([str(tree / "src" / "lua"), "-e", "print(6 * 7)"],
                         capture_output=True, text=True, timeout=60)
    if out.stdout.strip() != "42":
        raise RuntimeError(f"lua built in {tree} does not work: {out.stdout!r} {out.stderr!r}")


def startup_ms(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_startup(llmcc: str, clang: str, runs: int) -> dict[str, float]:
    """Median ms of `--version`, runs interleaved so both see the same machine load."""
    env = base_env()
    llmcc_ms, clang_ms = [], []
    for _ in range(runs):
        llmcc_ms += startup_ms([llmcc, "--version"], 1, env)
        clang_ms += startup_ms([clang, "--version"], 1, env)
    return {"llmcc_ms": statistics.median(llmcc_ms), "clang_ms": statistics.median(clang_ms)}


def variants(llmcc: str, clang: str, warm_mode: str) -> list[Variant]:
    return [
        Variant("plain-clang", clang),
        Variant("llmcc-mode-off", llmcc, {"LLMCC_MODE": "off"}, fresh_cache_each_run=True),
        # The default mode end to end (plugin in the compile, features, scoring) on a build
        # where no function is hot: what a user pays when llmcc finds nothing to do.
        Variant("llmcc-nothing-hot", llmcc, {"LLMCC_HOTSPOTS_THRESHOLD": "1e12"},
                fresh_cache_each_run=True),
        Variant("llmcc-mode-score", llmcc, {"LLMCC_MODE": "score"}, fresh_cache_each_run=True),
        Variant(f"llmcc-warm-{warm_mode}", llmcc, {"LLMCC_MODE": warm_mode}, prime_cache=True),
    ]


def verdict(value: float, limit: float) -> str:
    return "meets target" if value <= limit else "MISSES target"


def report(timings: list[Timing], startup: dict[str, float]) -> dict:
    """Print the table and return the same numbers as a dict."""
    plain = timings[0]
    rows = []
    print(f"\n{'variant':<22} {'wall s':>8} {'ratio':>7} {'cpu s':>8} {'ratio':>7}   (medians)")
    for t in timings:
        wall_ratio = t.median_wall / plain.median_wall
        cpu_ratio = t.median_cpu / plain.median_cpu
        target = (TARGET_WARM_REBUILD if "warm" in t.name
                  else TARGET_NOTHING_TO_OPTIMIZE if t is not plain else None)
        note = f"  target <= {target}x: wall {verdict(wall_ratio, target)}" if target else ""
        print(f"{t.name:<22} {t.median_wall:8.2f} {wall_ratio:6.2f}x {t.median_cpu:8.2f} "
              f"{cpu_ratio:6.2f}x{note}")
        rows.append({**asdict(t), "median_wall": t.median_wall, "median_cpu": t.median_cpu,
                     "wall_ratio": wall_ratio, "cpu_ratio": cpu_ratio, "target_ratio": target,
                     "cpu_ms_per_invocation_vs_plain":
                         (t.median_cpu - plain.median_cpu) * 1000 / t.compiles})
    print(f"\nCPU ms per compiler invocation vs plain clang ({plain.compiles} per build): " +
          ", ".join(f"{r['name']} {r['cpu_ms_per_invocation_vs_plain']:+.0f}" for r in rows[1:]))
    print(f"\nstart-up (--version, median of interleaved runs): llmcc "
          f"{startup['llmcc_ms']:.1f} ms, clang-22 {startup['clang_ms']:.1f} ms; "
          f"target llmcc <= {TARGET_STARTUP_MS:.0f} ms: "
          f"{verdict(startup['llmcc_ms'], TARGET_STARTUP_MS)}")
    print(f"machine load average at the end: {os.getloadavg()[0]:.2f} "
          f"(on {os.cpu_count()} cores; wall times are unreliable when it is high)")
    return {"builds": rows, "startup": startup, "loadavg": os.getloadavg()}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="timed clean builds per variant")
    p.add_argument("--startup-runs", type=int, default=20)
    p.add_argument("--warm-mode", default="auto", choices=["off", "score", "pipeline", "llm", "auto"],
                   help="LLMCC_MODE of the warm-cache variant (its priming build uses it too)")
    p.add_argument("--llmcc", default=os.environ.get("LLMCC") or str(DEFAULT_LLMCC))
    p.add_argument("--clang", default=shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang")
    p.add_argument("--json", type=Path, help="also write the numbers here")
    p.add_argument("--only", nargs="*", help="variant names to run (plain-clang always runs)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not LUA_SOURCES.is_dir():
        print(f"{LUA_SOURCES} missing: run scripts/third_party.sh fetch", file=sys.stderr)
        return 2
    chosen = [v for v in variants(args.llmcc, args.clang, args.warm_mode)
              if v.name == "plain-clang" or not args.only or v.name in args.only]
    with tempfile.TemporaryDirectory(prefix="llmcc-bench-") as tmp:
        timings = []
        for v in chosen:
            print(f"building Lua with {v.name} ({args.runs} runs)", flush=True)
            timings.append(bench_variant(v, Path(tmp), args.runs))
    startup = bench_startup(args.llmcc, args.clang, args.startup_runs)
    results = report(timings, startup)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
