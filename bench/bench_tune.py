"""Tune benchmark: a real project built plain (clang-22), with clang's instrumented PGO, and
by ``llmcc tune`` with no model -- workload CPU time and instruction counts as ratios to the
plain build, with intervals, measured side by side in one run.

    bash scripts/third_party.sh fetch          # third_party/lua-5.4.4, zlib-1.2.13.dfsg
    python bench/bench_tune.py [lua|zlib] [--minutes 10] [--rounds 10] [--workdir DIR]

Lua 5.4: workload bench/lua_workload/run.sh (four Lua scripts: calls, strings, tables,
closures); check: bench/lua_workload/check.lua (smoke checks of the interpreter).
zlib: workload minigzip compressing (levels 1, 6, 9) and decompressing a text corpus made
of the zlib and Lua sources; check: ``make test``.

PGO and the tune session train on a fifth of the workload: the session compares candidates
by callgrind instruction counts (deterministic; callgrind runs ~50x slower than native),
because CPU time here varies by +-30% for one binary (load ~10 on 2 cores) and hides 3%
wins. The final comparison times the full workload (CPU time of the command and its
children, the variants interleaved in a rotating order; speedup = median(plain) /
median(variant) with a seeded bootstrap 95% interval, ``measure.timing.decide``) and counts
the instructions of the training workload for every variant.

After the session the bench rebuilds a fresh copy with the decisions file, an empty cache
and no endpoint, and counts the objects byte-identical to the tuned build's.
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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from llmcc.measure.timing import decide  # noqa: E402
from llmcc.tune.workload import instruction_count, run_command  # noqa: E402

TP = REPO / "third_party"
LUA_WORKLOAD = REPO / "bench" / "lua_workload"
PROFILE_WARNINGS_OFF = "-Wno-profile-instr-unprofiled -Wno-profile-instr-out-of-date -Wno-profile-instr-missing"


@dataclass
class Project:
    name: str
    src: Path
    configure: str          # run once in each fresh copy ({cc}, {cflags}, {ldflags}); "" if none
    build: str              # ({cc}, {cflags}, {ldflags})
    run: str                # the full workload ({data}: the corpus, if any)
    train: str              # a fifth of it
    check: str
    objects: str            # glob of the objects compared by the replay


def _zlib_run(scale: str) -> str:
    return (f"head -c {scale} {{data}} > /tmp/.z$$; for l in 1 6 9; do ./minigzip -$l < /tmp/.z$$ "
            f"| tee /tmp/.z$$.gz | cksum; ./minigzip -d < /tmp/.z$$.gz | cksum; done; rm -f /tmp/.z$$ /tmp/.z$$.gz")


PROJECTS = {
    "lua": Project("Lua 5.4.4", TP / "lua-5.4.4", "",
                   "make -s linux CC={cc} 'MYCFLAGS={cflags}' 'MYLDFLAGS={ldflags}'",
                   f"sh {LUA_WORKLOAD}/run.sh", f"LUA_SCALE=0.2 sh {LUA_WORKLOAD}/run.sh",
                   f"src/lua {LUA_WORKLOAD}/check.lua", "src/*.o"),
    "zlib": Project("zlib 1.2.13", TP / "zlib-1.2.13.dfsg",
                    "CC={cc} CFLAGS='-O3 {cflags}' LDFLAGS='{ldflags}' ./configure --static",
                    "make -s", _zlib_run("8000000"), _zlib_run("1600000"),
                    "make -s test", "*.o"),
}


def sh(cmd: str, cwd: Path, env: dict | None = None) -> None:
    proc = subprocess.run(cmd, shell=True, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_tune: `{cmd}` failed in {cwd}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def fresh_copy(p: Project, dest: Path, cc: str, cflags: str = "", ldflags: str = "", env=None) -> Path:
    """A copy of the sources, configured (if the project needs it) for ``cc``."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(p.src, dest, symlinks=True)
    if p.configure:
        sh(p.configure.format(cc=cc, cflags=cflags, ldflags=ldflags), dest, env)
    return dest


def build(p: Project, tree: Path, cc: str, cflags: str = "", ldflags: str = "", env=None) -> None:
    sh(p.build.format(cc=cc, cflags=cflags, ldflags=ldflags), tree, env)


def build_plain(p: Project, work: Path) -> Path:
    tree = fresh_copy(p, work / "plain", "clang-22")
    build(p, tree, "clang-22")
    return tree


def build_pgo(p: Project, work: Path, data: Path) -> Path:
    """Instrument -> train on the workload -> use: clang's own PGO workflow."""
    gen = "-fprofile-instr-generate"
    instr = fresh_copy(p, work / "pgo-instr", "clang-22", gen, gen)
    build(p, instr, "clang-22", gen, gen)
    raw = work / "pgo-raw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir()
    sh(p.train.format(data=data), instr, {**os.environ, "LLVM_PROFILE_FILE": f"{raw}/%p.profraw"})
    merged = work / "pgo.profdata"
    sh(f"llvm-profdata-22 merge -o {merged} {raw}/*.profraw", work)
    use = f"-fprofile-instr-use={merged} {PROFILE_WARNINGS_OFF}"
    tree = fresh_copy(p, work / "pgo", "clang-22", use)
    build(p, tree, "clang-22", use)
    return tree


def llmcc_env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC_")}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["LLMCC_CACHE_DIR"] = str(cache)
    env["LLMCC_CONFIG"] = os.devnull
    return env


def build_tuned(p: Project, work: Path, data: Path, minutes: float, env: dict) -> tuple[Path, dict, float]:
    tree = fresh_copy(p, work / "tuned", "llmcc", env={**env, "LLMCC_MODE": "off"})
    t0 = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "llmcc"), "tune",
                           "--build", p.build.format(cc="llmcc", cflags="", ldflags=""),
                           "--run", p.train.format(data=data), "--check", p.check, "--minutes", str(minutes),
                           "--measure", "instructions", "--workdir", str(work / "tune-work")],
                          cwd=tree, env=env, stderr=sys.stderr)
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit("bench_tune: llmcc tune failed")
    return tree, json.loads((tree / "llmcc-decisions.json").read_text()), seconds


def replay(p: Project, work: Path, tuned: Path, env: dict) -> tuple[int, int, int]:
    """A fresh copy built with the decisions file, an empty cache and no endpoint (so no
    model can be called): (identical objects, objects, TUs compiled by a decision)."""
    env = {**env, "LLMCC_CACHE_DIR": str(work / "replay-cache")}
    tree = fresh_copy(p, work / "replay", "llmcc", env={**env, "LLMCC_MODE": "off"})
    for f in tuned.glob("llmcc-*"):
        shutil.copy(f, tree / f.name)
    build(p, tree, "llmcc", env=env)
    objs = sorted(tuned.glob(p.objects))
    same = sum((tree / o.relative_to(tuned)).read_bytes() == o.read_bytes() for o in objs)
    stats = json.loads(subprocess.run(["llmcc", "stats", "--json"], cwd=tree, env=env,
                                      capture_output=True, text=True).stdout or "{}")
    return same, len(objs), int(stats.get("decision_applied", 0))


def measure(run: str, trees: dict[str, Path], rounds: int) -> dict[str, list[float]]:
    """CPU seconds of the workload per variant, interleaved in a rotating order."""
    names = list(trees)
    outputs = {name: run_command(run, trees[name]).stdout for name in names}   # also a warm-up
    if len(set(outputs.values())) != 1:
        sys.exit(f"bench_tune: the variants print different outputs: {outputs}")
    samples: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            result = run_command(run, trees[name])
            samples[name].append(result.cpu_seconds if result.ok else float("inf"))
    return samples


def corpus(work: Path) -> Path:
    """~8 MB of text: the zlib and Lua sources, repeated (deterministic)."""
    data = work / "corpus.txt"
    texts = b"".join(f.read_bytes() for d in (PROJECTS["zlib"].src, PROJECTS["lua"].src)
                     for f in sorted(d.rglob("*.[ch]")))
    data.write_bytes(texts * (8_000_000 // len(texts) + 1))
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", nargs="?", default="lua", choices=sorted(PROJECTS))
    ap.add_argument("--minutes", type=float, default=10.0, help="llmcc tune budget")
    ap.add_argument("--rounds", type=int, default=10, help="timed rounds of the final comparison")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    p = PROJECTS[args.project]
    if not p.src.is_dir():
        sys.exit(f"bench_tune: {p.src} missing: run `bash scripts/third_party.sh fetch` first")
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="bench-tune-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = llmcc_env(work / "cache")
    data = corpus(work)
    run, train = p.run.format(data=data), p.train.format(data=data)
    print(f"# {p.name}; work directory {work}", flush=True)
    trees = {"plain clang": build_plain(p, work)}
    trees["clang PGO"] = build_pgo(p, work, data)
    tuned, decisions, tune_seconds = build_tuned(p, work, data, args.minutes, env)
    trees["llmcc tune"] = tuned
    same, total, applied = replay(p, work, tuned, env)
    counts = {name: instruction_count(train, tree) for name, tree in trees.items()}
    samples = measure(run, trees, args.rounds)
    plain = samples["plain clang"]
    print(f"\n{p.name}, full workload, {args.rounds} interleaved rounds, CPU seconds")
    print(f"{'variant':<14} {'median s':>9} {'speedup vs plain':>17} {'95% interval':>17}")
    for name, xs in samples.items():
        c = decide(plain, xs, margin=0.0)
        print(f"{name:<14} {statistics.median(xs):9.3f} {c.speedup:17.3f}   [{c.ci_low:.3f}, {c.ci_high:.3f}]")
    print("\ninstructions of the training workload (callgrind, deterministic)")
    for name, n in counts.items():
        ratio = f"{counts['plain clang'] / n:.4f}" if n else "n/a"
        print(f"{name:<14} {n or 0:>14,} {ratio:>10}")
    accepted = [(t["source"], t["transform"], t["evidence"].get("step")) for t in decisions["tus"]
                if t["transform"].get("profile") or t["transform"].get("pipeline")]
    print(f"\nllmcc tune: {tune_seconds:.0f}s for a {args.minutes} min budget; "
          f"{len(decisions['session']['tried'])} candidates tried; {len(accepted)} TU decision(s):")
    for source, tr, step in accepted:
        what = ["profile"] if tr.get("profile") else []
        if tr.get("pipeline"):
            what.append(json.dumps(tr["pipeline"]["edits"]))
        print(f"  {source}: {' + '.join(what)}  (step {step})")
    print(f"replay with the decisions file and an empty cache: {same}/{total} objects identical, "
          f"{applied} TUs compiled by their decision, no endpoint configured")


if __name__ == "__main__":
    main()
