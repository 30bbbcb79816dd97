"""Sandbox overhead and measurement noise on this machine.

Prints (1) the median wall time of a do-nothing C binary run directly vs through
``run_sandboxed`` and (2) the distribution of ``speedup`` over reference-vs-reference
comparisons, with how many were (wrongly) accepted; that number must be 0.

Usage: .venv/bin/python bench/bench_sandbox_noise.py [--reps 30] [--comparisons 10]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from llmcc.measure.sandbox import Limits, isolation_available, run_sandboxed
from llmcc.measure.timing import compare_runtimes, cpu_time_of

NOOP_SOURCE = "int main(void) { return 0; }\n"
LOOP_SOURCE = r"""
#include <stdlib.h>
int main(int argc, char **argv) {
    long n = atol(argv[1]);
    volatile long sum = 0;
    for (long i = 0; i < n; i++) sum += i;
    return 0;
}
"""
LOOP_ITERATIONS = "75000000"
LIMITS = Limits(cpu_seconds=10, wall_seconds=20)


def build(workdir: Path, name: str, source: str) -> Path:
    """Compile ``source`` to ``workdir/name`` with clang-22 -O1."""
    clang = shutil.which("clang-22")
    if clang is None:
        sys.exit("clang-22 not found")
    (workdir / f"{name}.c").write_text(source)
    subprocess.run([clang, "-O1", str(workdir / f"{name}.c"), "-o", str(workdir / name)],
                   check=True)
    return workdir / name


def sandbox_overhead(workdir: Path, reps: int) -> tuple[float, float]:
    """Median wall seconds of the no-op binary: (direct, sandboxed)."""
    direct, sandboxed = [], []
    for _ in range(reps):
        start = time.monotonic()
        subprocess.run(["./noop"], cwd=workdir, check=True)
        direct.append(time.monotonic() - start)
        sandboxed.append(run_sandboxed(["./noop"], workdir=workdir, limits=LIMITS).wall_time)
    return statistics.median(direct), statistics.median(sandboxed)


def self_comparisons(workdir: Path, count: int, reps: int) -> list:
    """``count`` comparisons of the loop binary against itself (different seeds)."""
    def run() -> float:
        return cpu_time_of(run_sandboxed(["./loop", LOOP_ITERATIONS], workdir=workdir,
                                         limits=LIMITS))
    return [compare_runtimes(run, run, repetitions=reps, seed=seed) for seed in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30, help="runs for the overhead medians")
    parser.add_argument("--comparisons", type=int, default=10)
    parser.add_argument("--repetitions", type=int, default=15, help="runs per side per comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llmcc-bench-") as d:
        workdir = Path(d)
        build(workdir, "noop", NOOP_SOURCE)
        build(workdir, "loop", LOOP_SOURCE)
        print(f"isolation: {isolation_available()}")
        direct, sandboxed = sandbox_overhead(workdir, args.reps)
        print(f"no-op binary, median wall over {args.reps} runs: direct {direct * 1e3:.2f} ms, "
              f"sandboxed {sandboxed * 1e3:.2f} ms, overhead {(sandboxed - direct) * 1e3:.2f} ms/run")
        results = self_comparisons(workdir, args.comparisons, args.repetitions)
    speedups = sorted(r.speedup for r in results)
    accepted = sum(r.accepted for r in results)
    print(f"reference-vs-reference, {args.comparisons} comparisons x {args.repetitions} reps/side "
          f"({LOOP_ITERATIONS} loop iterations):")
    print("  speedups: " + " ".join(f"{s:.3f}" for s in speedups))
    print(f"  min {speedups[0]:.3f}  median {statistics.median(speedups):.3f}  "
          f"max {speedups[-1]:.3f}  max |1-speedup| {max(abs(1 - s) for s in speedups):.3f}")
    print("  ci_low range: "
          f"{min(r.ci_low for r in results):.3f}..{max(r.ci_low for r in results):.3f}; "
          f"min p {min(r.p_value for r in results):.3f}")
    print(f"  wrongly accepted: {accepted} (must be 0)")
    sys.exit(1 if accepted else 0)


if __name__ == "__main__":
    main()
