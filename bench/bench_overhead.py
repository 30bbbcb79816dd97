#!/usr/bin/env python3
"""llmcc's overhead on real builds, as ratios to plain clang-22 measured in one run.

For each project (zlib: ``./configure && make -j2 && make test``; Lua 5.4: ``make -j2
linux`` and a smoke run), every variant builds a fresh copy of the pristine sources:

* ``plain-clang``       CC=clang-22 (the reference)
* ``default-cold``      CC=llmcc, default settings (no endpoint: pipeline tuning under the
                        build-wide budget), empty cache
* ``off-cold``          LLMCC_MODE=off (baseline only), empty cache
* ``warm-same-dir``     the default-cold cache, the sources again in the same directory
* ``warm-other-dir``    the default-cold cache, the sources in another directory
* ``llm-dead-endpoint`` LLMCC_MODE=llm with an endpoint on a closed loopback port, empty cache
* ``concurrent``        (with --concurrent) two builds at once into two directories sharing
                        one empty cache; reports whether every object is byte-identical

Every build must pass the project's own check (zlib's ``make test``, timed as part of its
build as the issue measures it; Lua's smoke run), or the bench fails: a timing of a broken build is worthless. Reports wall and CPU time
(user+sys of all children) and their ratios to plain clang, plus ``llmcc stats`` of each
llmcc variant. The machine is shared, so wall ratios move with its load (printed).
Each build gets its own compile-server directory (LLMCC_SERVER_DIR); the server a build
starts is stopped after it, and its CPU time (which no build process's rusage holds) is
added to the build's.

Targets (issue 11): default-cold <= 2x, llm-dead-endpoint <= 1.3x, warm-other-dir <= 0.5x.

Usage:  llmcc bench overhead [--projects zlib lua] [--runs 1] [--concurrent] [--json FILE]
Needs the sources: scripts/third_party.sh fetch (or --zlib-src / --lua-src DIR).
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
THIRD_PARTY = Path(os.environ.get("THIRD_PARTY_DIR") or REPO / "third_party")
DEFAULT_LLMCC = REPO / ".venv" / "bin" / "llmcc"
TARGETS = {"default-cold": 2.0, "llm-dead-endpoint": 1.3, "warm-other-dir": 0.5}


@dataclass
class Project:
    name: str
    sources: Path
    build: list[str]            # a shell command run with CC set
    check: list[str]            # a shell command that must succeed after the build
    objects: str                # glob of the objects compared by --concurrent


def projects(args: argparse.Namespace) -> dict[str, Project]:
    return {
        "zlib": Project("zlib", Path(args.zlib_src),
                        ["sh", "-c", "./configure >/dev/null && make -j2 >/dev/null && make test >/dev/null"],
                        ["test", "-f", "libz.a"], "**/*.o"),
        "lua": Project("lua", Path(args.lua_src),
                       ["sh", "-c", 'make -j2 linux CC="$CC -std=gnu99" >/dev/null'],
                       ["sh", "-c", 'test "$(src/lua -e "print(6 * 7)")" = 42'], "src/*.o"),
    }


@dataclass
class Result:
    variant: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    note: str = ""

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def children_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC_")}
    # PYTHONDONTWRITEBYTECODE (set in some agent/CI shells) makes every llmcc process
    # recompile each module whose .pyc is stale: a cost no installed llmcc pays.
    for k in ("MAKEFLAGS", "MFLAGS", "CFLAGS", "PYTHONDONTWRITEBYTECODE"):
        env.pop(k, None)
    env["LLMCC_CONFIG"] = os.devnull      # no config file from the caller's tree
    return env


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_tree(project: Project, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(project.sources, dest, symlinks=True)
    return dest


def server_dir(tree: Path) -> Path:
    """A private compile-server directory for one build (LLMCC_SERVER_DIR)."""
    d = tree.parent / f"{tree.name}.server"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(mode=0o700, parents=True)
    return d


def stop_servers(directory: Path) -> tuple[float, int]:
    """Stop every llmcc compile server in ``directory``; (their CPU seconds, calls served).
    A server is started by the build's first llmcc call and detaches from it, so the
    build's rusage does not see its CPU (its own and its workers'): it is added here, or
    the table would flatter the server."""
    from llmcc.server import stop_all
    records = stop_all(str(directory))
    return (sum(r["self"] + r["children"] for r in records),
            sum(r.get("calls", 0) for r in records))


def timed_build(project: Project, tree: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) of the build alone; the project's check then runs untimed and must pass.
    CPU counts the build's processes and the compile server's (see stop_servers)."""
    servers = server_dir(tree)
    env = {**env, "LLMCC_SERVER_DIR": str(servers), "LLMCC_SERVER_RECORD": "1"}
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    with open(tree.parent / f"{tree.name}.err", "wb") as err:
        proc = subprocess.run(project.build, cwd=tree, env=env, stderr=err)
    wall = time.perf_counter() - t0
    server_cpu, calls = stop_servers(servers)
    cpu = children_cpu() - cpu0 + server_cpu
    if calls:
        print(f"    (compile server: {calls} calls, {server_cpu:.2f} s CPU, included)", flush=True)
    if proc.returncode != 0:
        tail = (tree.parent / f"{tree.name}.err").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{project.name} build failed in {tree}:\n{tail}")
    check = subprocess.run(project.check, cwd=tree, env=env, capture_output=True, text=True)
    stop_servers(servers)
    if check.returncode != 0:
        raise RuntimeError(f"{project.name} check failed in {tree}:\n{check.stdout[-2000:]}{check.stderr[-2000:]}")
    return wall, cpu


def llmcc_stats(llmcc: str, env: dict[str, str]) -> dict:
    out = subprocess.run([llmcc, "stats", "--json"], env=env, capture_output=True, text=True)
    try:
        return json.loads(out.stdout or "{}")
    except ValueError:
        return {}


def bench_project(project: Project, llmcc: str, clang: str, work: Path, runs: int,
                  only: set[str] | None, concurrent: bool) -> list[Result]:
    """Every variant, ``runs`` times each, variants interleaved within a run so that the
    machine's load drifts over all of them alike."""
    wanted = lambda name: name == "plain-clang" or not only or name in only  # noqa: E731
    results: dict[str, Result] = {}
    dead = f"http://127.0.0.1:{closed_port()}/v1"
    for run in range(runs):
        base = {**base_env(), "CC": clang}
        caches = work / f"caches-{run}"
        plan: list[tuple[str, dict[str, str], Path]] = [("plain-clang", base, work / "plain")]
        llm = {**base_env(), "CC": llmcc}
        default_cache = caches / "default"
        plan += [
            ("default-cold", {**llm, "LLMCC_CACHE_DIR": str(default_cache)}, work / "tree-a"),
            ("off-cold", {**llm, "LLMCC_MODE": "off", "LLMCC_CACHE_DIR": str(caches / "off")}, work / "off"),
            # Same directory as default-cold (tree-a, rebuilt from pristine sources).
            ("warm-same-dir", {**llm, "LLMCC_CACHE_DIR": str(default_cache)}, work / "tree-a"),
            ("warm-other-dir", {**llm, "LLMCC_CACHE_DIR": str(default_cache)}, work / "elsewhere" / "tree-b"),
            ("llm-dead-endpoint", {**llm, "LLMCC_MODE": "llm", "LLMCC_LLM_BACKEND": "openai",
                                   "LLMCC_LLM_BASE_URL": dead, "LLMCC_LLM_MODEL": "dead",
                                   "OPENAI_API_KEY": "none", "LLMCC_CACHE_DIR": str(caches / "dead")},
             work / "dead"),
        ]
        for name, env, tree in plan:
            if not wanted(name) or (name.startswith("warm") and not wanted("default-cold")):
                continue
            fresh_tree(project, tree)
            wall, cpu = timed_build(project, tree, env)
            r = results.setdefault(name, Result(name))
            r.wall.append(wall)
            r.cpu.append(cpu)
            if name != "plain-clang":
                r.stats = llmcc_stats(llmcc, env)
            print(f"  {project.name} {name:<18} run {run + 1}: wall {wall:7.2f} s  cpu {cpu:7.2f} s",
                  flush=True)
        shutil.rmtree(caches, ignore_errors=True)
    out = list(results.values())
    if concurrent:
        out.append(concurrent_builds(project, llmcc, work))
    return out


def concurrent_builds(project: Project, llmcc: str, work: Path) -> Result:
    """Two builds of the same sources into two directories at once, one shared empty
    cache: every object must come out byte-identical."""
    cache = work / "concurrent-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**base_env(), "CC": llmcc, "LLMCC_CACHE_DIR": str(cache)}
    trees = [fresh_tree(project, work / "concurrent" / n) for n in ("one", "two")]
    servers = server_dir(work / "concurrent")
    env.update(LLMCC_SERVER_DIR=str(servers), LLMCC_SERVER_RECORD="1")
    t0 = time.perf_counter()
    # stderr to files: a pipe nobody reads fills up with warnings and stalls the build.
    logs = [open(work / f"concurrent-{i}.err", "wb") for i in range(2)]
    try:
        procs = [subprocess.Popen(project.build, cwd=t, env=env, stderr=log)
                 for t, log in zip(trees, logs)]
        codes = [p.wait() for p in procs]
    finally:
        for log in logs:
            log.close()
    wall = time.perf_counter() - t0
    stop_servers(servers)
    if codes != [0, 0]:
        raise RuntimeError(f"concurrent {project.name} builds failed: {codes}")
    for t in trees:
        subprocess.run(project.check, cwd=t, env=env, check=True, capture_output=True)
    stop_servers(servers)
    objs = sorted(p.relative_to(trees[0]) for p in trees[0].glob(project.objects))
    differ = [str(o) for o in objs if not filecmp.cmp(trees[0] / o, trees[1] / o, shallow=False)]
    note = (f"{len(objs)} objects, all byte-identical" if not differ
            else f"{len(differ)} of {len(objs)} objects DIFFER: {', '.join(differ[:8])}")
    print(f"  {project.name} concurrent: wall {wall:7.2f} s; {note}", flush=True)
    return Result("concurrent", [wall], [float("nan")], llmcc_stats(llmcc, env), note)


def report(name: str, results: list[Result]) -> list[dict]:
    plain = next(r for r in results if r.variant == "plain-clang")
    rows = []
    print(f"\n{name}: {'variant':<18} {'wall s':>8} {'ratio':>7} {'cpu s':>8} {'ratio':>7}  target")
    for r in results:
        wall_ratio = r.median_wall / plain.median_wall
        cpu_ratio = r.median_cpu / plain.median_cpu
        target = TARGETS.get(r.variant)
        # Both clocks: wall moves with the shared machine's load, CPU time much less.
        verdict = "" if target is None else (
            f"<= {target}x: wall {'met' if wall_ratio <= target else 'MISSED'}, "
            f"cpu {'met' if cpu_ratio <= target else 'MISSED'}")
        print(f"{name}: {r.variant:<18} {r.median_wall:8.2f} {wall_ratio:6.2f}x {r.median_cpu:8.2f} "
              f"{cpu_ratio:6.2f}x  {verdict}{r.note}")
        rows.append({"project": name, "variant": r.variant, "wall": r.wall, "cpu": r.cpu,
                     "wall_ratio": wall_ratio, "cpu_ratio": cpu_ratio, "target": target,
                     "stats": r.stats, "note": r.note})
    for r in results:
        if r.stats:
            interesting = {k: v for k, v in sorted(r.stats.items())
                           if k not in ("bytes_stored_since_evict",)}
            print(f"{name}: stats {r.variant}: {json.dumps(interesting)}")
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--projects", nargs="+", default=["zlib"], choices=["zlib", "lua"])
    p.add_argument("--runs", type=int, default=1, help="rounds over all variants")
    p.add_argument("--only", nargs="*", help="variants to run (plain-clang always runs)")
    p.add_argument("--concurrent", action="store_true", help="also two concurrent builds, one cache")
    p.add_argument("--llmcc", default=os.environ.get("LLMCC") or str(DEFAULT_LLMCC))
    p.add_argument("--clang", default=shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang")
    p.add_argument("--zlib-src", default=str(THIRD_PARTY / "zlib-1.2.13.dfsg"))
    p.add_argument("--lua-src", default=str(THIRD_PARTY / "lua-5.4.4"))
    p.add_argument("--json", type=Path, help="also write the numbers here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    table = projects(args)
    rows: list[dict] = []
    for name in args.projects:
        project = table[name]
        if not project.sources.is_dir():
            print(f"{project.sources} missing: run scripts/third_party.sh fetch", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory(prefix=f"llmcc-bench-{name}-") as tmp:
            print(f"{name}: {args.runs} run(s) of each variant from {project.sources}", flush=True)
            results = bench_project(project, args.llmcc, args.clang, Path(tmp), args.runs,
                                    set(args.only) if args.only else None, args.concurrent)
        rows += report(name, results)
    print(f"\nmachine load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          "(wall ratios move with it; CPU ratios less so)")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "loadavg": os.getloadavg()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
