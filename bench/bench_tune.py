"""Tune benchmark: Lua 5.4 built plain (clang-22 -O2), with clang's instrumented PGO, and by
``llmcc tune`` with no model -- workload CPU time as ratios to the plain build, with
intervals, measured side by side in one run.

    bash scripts/third_party.sh fetch          # third_party/lua-5.4.4
    python bench/bench_tune.py [--minutes 8] [--rounds 10] [--workdir DIR]

Workload: bench/lua_workload/run.sh (four Lua scripts: calls, strings, tables, closures);
check command: bench/lua_workload/check.lua (smoke checks of the interpreter). PGO and the
tune session train on the same workload at LUA_SCALE=0.2 (the session compares candidates
by callgrind instruction counts); the final comparison times the full-size workload and
counts the instructions of the training workload for every variant.

After the session the bench rebuilds a fresh copy of Lua with the decisions file and an
empty cache, and counts the objects that are byte-identical to the tuned build's.

Timing: CPU time (user+sys of the run command and its children, os.wait4), the three
variants interleaved in a rotating order per round; speedup = median(plain) /
median(variant) with a seeded bootstrap 95% interval (``measure.timing.decide``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from llmcc.measure.timing import decide  # noqa: E402
from llmcc.tune.workload import instruction_count, run_command  # noqa: E402

LUA_SRC = REPO / "third_party" / "lua-5.4.4"
WORKLOAD = REPO / "bench" / "lua_workload"
RUN = f"sh {WORKLOAD}/run.sh"
# The session and PGO train on a fifth of the workload: llmcc tune measures candidates by
# callgrind instruction counts (deterministic), and callgrind runs ~50x slower than native.
# CPU-time noise here (load ~10 on 2 cores: the same binary varies by +-30%) hides 3% wins.
TRAIN = f"LUA_SCALE=0.2 {RUN}"
CHECK = f"src/lua {WORKLOAD}/check.lua"
PROFILE_WARNINGS_OFF = "-Wno-profile-instr-unprofiled -Wno-profile-instr-out-of-date -Wno-profile-instr-missing"


def sh(cmd: str, cwd: Path, env: dict | None = None) -> None:
    proc = subprocess.run(cmd, shell=True, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_tune: `{cmd}` failed in {cwd}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def fresh_copy(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(LUA_SRC, dest, symlinks=True)
    return dest


def build_plain(work: Path) -> Path:
    tree = fresh_copy(work / "plain")
    sh("make -s linux CC=clang-22", tree)
    return tree


def build_pgo(work: Path) -> Path:
    """Instrument -> train on the workload -> use: clang's own PGO workflow."""
    instr = fresh_copy(work / "pgo-instr")
    sh("make -s linux CC=clang-22 MYCFLAGS=-fprofile-instr-generate MYLDFLAGS=-fprofile-instr-generate", instr)
    raw = work / "pgo-raw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir()
    sh(TRAIN, instr, {**os.environ, "LLVM_PROFILE_FILE": f"{raw}/%p.profraw"})
    merged = work / "pgo.profdata"
    sh(f"llvm-profdata-22 merge -o {merged} {raw}/*.profraw", work)
    tree = fresh_copy(work / "pgo")
    sh(f"make -s linux CC=clang-22 'MYCFLAGS=-fprofile-instr-use={merged} {PROFILE_WARNINGS_OFF}'", tree)
    return tree


def llmcc_env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC_")}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["LLMCC_CACHE_DIR"] = str(cache)
    env["LLMCC_CONFIG"] = os.devnull
    return env


def build_tuned(work: Path, minutes: float, env: dict) -> tuple[Path, dict, float]:
    tree = fresh_copy(work / "tuned")
    t0 = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "llmcc"), "tune", "--build", "make -s linux CC=llmcc",
                           "--run", TRAIN, "--check", CHECK, "--minutes", str(minutes),
                           "--measure", "instructions",
                           "--workdir", str(work / "tune-work")], cwd=tree, env=env, stderr=sys.stderr)
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit("bench_tune: llmcc tune failed")
    return tree, json.loads((tree / "llmcc-decisions.json").read_text()), seconds


def replay(work: Path, tuned: Path, env: dict) -> tuple[int, int, int]:
    """A fresh copy built with the decisions file, an empty cache and no endpoint (so no
    model can be called): (identical objects, objects, TUs compiled by a decision)."""
    tree = fresh_copy(work / "replay")
    for f in tuned.glob("llmcc-*"):
        shutil.copy(f, tree / f.name)
    env = {**env, "LLMCC_CACHE_DIR": str(work / "replay-cache")}
    sh("make -s linux CC=llmcc", tree, env)
    objs = sorted((tuned / "src").glob("*.o"))
    same = sum((tree / "src" / o.name).read_bytes() == o.read_bytes() for o in objs)
    stats = json.loads(subprocess.run(["llmcc", "stats", "--json"], cwd=tree, env=env,
                                      capture_output=True, text=True).stdout or "{}")
    return same, len(objs), int(stats.get("decision_applied", 0))


def measure(trees: dict[str, Path], rounds: int) -> dict[str, list[float]]:
    """CPU seconds of the workload per variant, interleaved in a rotating order."""
    names = list(trees)
    outputs = {}
    samples: dict[str, list[float]] = {n: [] for n in names}
    for name in names:  # warm-up, and every variant must print the same thing
        outputs[name] = run_command(RUN, trees[name]).stdout
    if len(set(outputs.values())) != 1:
        sys.exit(f"bench_tune: the variants print different outputs: {outputs}")
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            result = run_command(RUN, trees[name])
            samples[name].append(result.cpu_seconds if result.ok else float("inf"))
    return samples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=8.0, help="llmcc tune budget")
    ap.add_argument("--rounds", type=int, default=10, help="timed rounds of the final comparison")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    if not (LUA_SRC / "src" / "lvm.c").is_file():
        sys.exit(f"bench_tune: {LUA_SRC} missing: run `bash scripts/third_party.sh fetch` first")
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="bench-tune-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = llmcc_env(work / "cache")
    print(f"# work directory {work}", flush=True)
    trees = {"plain clang -O2": build_plain(work)}
    trees["clang PGO"] = build_pgo(work)
    tuned, decisions, tune_seconds = build_tuned(work, args.minutes, env)
    trees["llmcc tune"] = tuned
    same, total, applied = replay(work, tuned, env)
    counts = {name: instruction_count(TRAIN, tree) for name, tree in trees.items()}
    samples = measure(trees, args.rounds)
    plain = samples["plain clang -O2"]
    print(f"\nLua 5.4.4, workload {RUN.split()[-1]}, {args.rounds} interleaved rounds, CPU seconds")
    print(f"{'variant':<18} {'median s':>9} {'speedup vs plain':>17} {'95% interval':>17}")
    for name, xs in samples.items():
        c = decide(plain, xs, margin=0.0)
        print(f"{name:<18} {statistics.median(xs):9.3f} {c.speedup:17.3f}   [{c.ci_low:.3f}, {c.ci_high:.3f}]")
    print(f"\ninstructions of the training workload ({TRAIN.split()[0]}, callgrind, deterministic)")
    for name, n in counts.items():
        ratio = f"{counts['plain clang -O2'] / n:.4f}" if n else "n/a"
        print(f"{name:<18} {n or 0:>14,} {ratio:>10}")
    accepted = [(t["source"], t["transform"]) for t in decisions["tus"]
                if t["transform"].get("profile") or t["transform"].get("pipeline")]
    print(f"\nllmcc tune: {tune_seconds:.0f}s for a {args.minutes} min budget; "
          f"{len(decisions['session']['tried'])} candidates tried; accepted:")
    for source, tr in accepted:
        what = ["profile"] if tr.get("profile") else []
        if tr.get("pipeline"):
            what.append(json.dumps(tr["pipeline"]["edits"]))
        print(f"  {source}: {' + '.join(what)}")
    print(f"replay with the decisions file and an empty cache: {same}/{total} objects identical, "
          f"{applied} TUs compiled by their decision, no endpoint configured")


if __name__ == "__main__":
    main()
