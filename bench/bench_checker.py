"""Benchmark the built-in SMT checker: time per function, agreement with Alive2's fixture
outputs, verdict counts over the fixtures, the test corpus, mutants of the corpus, and
clang -O3 vs unoptimized IR of a few C functions.

    .venv/bin/python bench/bench_checker.py [--mutants N] [--timeout-ms MS]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "test" / "unit"))

from llmcc.verify.smt import check_refinement  # noqa: E402
from llmcc.verify.verdict import VerdictKind  # noqa: E402

# Shared material sits beside the repository (<repo>/../shared), on every machine.
FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "alive2"
CORPUS = REPO / "test" / "unit" / "data" / "smt"
# (fixture, src, tgt, unroll, Alive2's verdict in the matching *.txt, what agreement means)
FIXTURE_RUNS = [
    ("01_correct_mul_shl", "src", "tgt", 0, "proved"),
    ("02_incorrect_add1_add2", "src", "tgt", 0, "refuted"),
    ("03_incorrect_nsw_dropped", "src", "tgt", 0, "refuted"),
    ("04_correct_nsw_fold", "src", "tgt", 0, "proved"),
    ("05_incorrect_more_poison", "src", "tgt", 0, "refuted"),
    ("06_loop_correct", "src", "tgt", 0, "proved-bounded"),
    ("06_loop_correct", "src", "tgt", 8, "proved-bounded"),
    ("07_loop_incorrect", "src", "tgt", 0, "refuted"),
    ("07_loop_incorrect", "src", "tgt", 8, "refuted"),
    ("08_hard_mul_assoc", "src", "tgt", 0, "timeout"),
    ("10_loop_bug_after_4_iters", "src", "tgt", 0, "proved-bounded"),
    ("10_loop_bug_after_4_iters", "src", "tgt", 4, "proved-bounded"),
    ("10_loop_bug_after_4_iters", "src", "tgt", 5, "refuted"),
    ("11_unknown_intrinsic", "src", "tgt", 0, "inconclusive"),
    ("12_signature_mismatch", "src", "tgt", 0, "invalid"),
    ("13_multi_pairs", "src", "tgt", 0, "proved"),
    ("13_multi_pairs", "src1", "tgt1", 0, "refuted"),
    ("13_multi_pairs", "src_b", "tgt_b", 0, "proved"),
    ("14_unsupported_metadata", "src", "tgt", 0, "inconclusive"),
]
C_FUNCTIONS = r"""
int clampadd(int a, int b) { int s = a + b; if (s > 100) s = 100; if (s < -100) s = -100; return s; }
unsigned popc(unsigned x) { unsigned c = 0; for (int i = 0; i < 8; i++) { c += x & 1; x >>= 1; } return c; }
void swap2(int *restrict p, int *restrict q) { int t = *p; *p = *q; *q = t; }
int maxi(int a, int b) { return a > b ? a : b; }
unsigned char rot(unsigned char x) { return (x << 3) | (x >> 5); }
int sign(int x) { return (x > 0) - (x < 0); }
unsigned avg(unsigned a, unsigned b) { return (a & b) + ((a ^ b) >> 1); }
int sum4(const int *a) { int s = 0; for (int i = 0; i < 4; i++) s += a[i]; return s; }
int sumn(const int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
void add1(int *restrict a) { for (int i = 0; i < 8; i++) a[i] += 1; }
void mx(int *restrict a, const int *restrict b) { for (int i = 0; i < 4; i++) a[i] = a[i] > b[i] ? a[i] : b[i]; }
int f14(int *restrict a, int *restrict b) { int t = a[0]; a[0] = b[0]; b[0] = t + a[1]; return t; }
"""


def agrees(alive: str, ours: str) -> bool:
    """Agreement rule: same verdict; Alive2's bounded "correct" on a loop must not become
    PROVED unless the bound covers every trip (inconclusive agrees); an Alive2 timeout
    agrees with anything but a refutation; unsupported IR agrees with inconclusive only."""
    if alive == "proved-bounded":
        return ours in ("proved", "inconclusive")
    if alive == "timeout":
        return ours in ("proved", "inconclusive")
    return alive == ours


def timed(src: str, tgt: str, s: str, t: str, unroll: int, timeout_ms: int):
    started = time.perf_counter()
    verdict = check_refinement(src, tgt, s, t, unroll=unroll, timeout_ms=timeout_ms)
    return verdict, time.perf_counter() - started


def bench_fixtures(times: list[float], counts: Counter, timeout_ms: int) -> tuple[int, int]:
    ok = 0
    for name, s, t, unroll, alive in FIXTURE_RUNS:
        text = (FIXTURES / f"{name}.srctgt.ll").read_text()
        verdict, dt = timed(text, text, s, t, unroll, timeout_ms)
        times.append(dt)
        counts[verdict.kind.value] += 1
        good = agrees(alive, verdict.kind.value)
        ok += good
        print(f"  {'ok ' if good else 'BAD'} {name:28} {s:6} unroll={unroll:<2} alive2={alive:15} "
              f"smt={verdict.kind.value:12} {dt * 1000:7.1f} ms  {verdict.detail[:60]}")
    two = [(FIXTURES / "09_twofile_src.ll").read_text(), (FIXTURES / "09_twofile_tgt.ll").read_text()]
    verdict, dt = timed(two[0], two[1], "f", "f", 0, timeout_ms)
    times.append(dt)
    counts[verdict.kind.value] += 1
    ok += verdict.kind == VerdictKind.PROVED
    print(f"  {'ok ' if verdict.kind == VerdictKind.PROVED else 'BAD'} 09_twofile "
          f"smt={verdict.kind.value} {dt * 1000:.1f} ms")
    return ok, len(FIXTURE_RUNS) + 1


def bench_corpus(times: list[float], counts: Counter, timeout_ms: int, mutants_per_pair: int) -> Counter:
    from test_smt_soundness import mutants

    mutant_counts: Counter = Counter()
    for index, path in enumerate(sorted(CORPUS.glob("*.srctgt.ll"))):
        text = path.read_text()
        verdict, dt = timed(text, text, "src", "tgt", 8, timeout_ms)
        times.append(dt)
        counts[verdict.kind.value] += 1
        print(f"  {path.stem:28} {verdict.kind.value:12} {dt * 1000:7.1f} ms  {verdict.detail[:60]}")
        for mutant in mutants(text, seed=index)[:mutants_per_pair]:
            verdict, dt = timed(text, mutant, "src", "tgt", 8, timeout_ms)
            times.append(dt)
            mutant_counts[verdict.kind.value] += 1
    return mutant_counts


def bench_clang(times: list[float], counts: Counter, timeout_ms: int) -> None:
    clang, opt = shutil.which("clang-22"), shutil.which("opt-22")
    if not clang or not opt:
        print("  (clang-22/opt-22 not found: skipped)")
        return
    from llmcc.verify.formal import extract_function

    with tempfile.TemporaryDirectory() as tmp:
        c = Path(tmp, "f.c")
        c.write_text(C_FUNCTIONS)
        subprocess.run([clang, "-O1", "-Xclang", "-disable-llvm-passes", "-S", "-emit-llvm", str(c),
                        "-o", f"{tmp}/o0.ll"], check=True)
        subprocess.run([opt, "-passes=sroa", "-S", f"{tmp}/o0.ll", "-o", f"{tmp}/src.ll"], check=True)
        subprocess.run([clang, "-O3", "-S", "-emit-llvm", str(c), "-o", f"{tmp}/o3.ll"], check=True)
        src_mod, o3_mod = Path(tmp, "src.ll").read_text(), Path(tmp, "o3.ll").read_text()
    for fn in ("clampadd", "popc", "swap2", "maxi", "rot", "sign", "avg", "sum4", "sumn", "add1",
               "mx", "f14"):
        src, tgt = extract_function(src_mod, fn), extract_function(o3_mod, fn)
        verdict, dt = timed(src, tgt, fn, fn, 9, timeout_ms)
        times.append(dt)
        counts[verdict.kind.value] += 1
        print(f"  {fn:12} {verdict.kind.value:12} {dt * 1000:7.1f} ms  {verdict.detail[:70]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=30, help="mutants per corpus pair")
    parser.add_argument("--timeout-ms", type=int, default=5000)
    args = parser.parse_args()
    times: list[float] = []
    counts: Counter = Counter()
    print("Alive2 fixtures:")
    ok, total = bench_fixtures(times, counts, args.timeout_ms) if FIXTURES.is_dir() else (0, 0)
    print("Corpus (correct pairs) and their mutants:")
    mutant_counts = bench_corpus(times, counts, args.timeout_ms, args.mutants)
    print("clang -O3 vs unoptimized IR:")
    bench_clang(times, counts, args.timeout_ms)
    print("Checker corpus (test/checker_corpus), verdicts per class:")
    false_proofs = bench_checker_corpus(times, args.timeout_ms)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print()
    print(f"checks: {len(times)}  time per function: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
    print(f"agreement with Alive2 fixtures: {ok}/{total}")
    print("verdicts (fixtures + corpus + clang):", dict(sorted(counts.items())))
    print("verdicts on mutants:", dict(sorted(mutant_counts.items())))
    print(f"false proofs on the checker corpus: {false_proofs}")
    return 0 if ok == total and false_proofs == 0 else 1


def bench_checker_corpus(times: list[float], timeout_ms: int) -> int:
    """Every corpus pair (slow ones too); prints the class table, returns false proofs."""
    sys.path.insert(0, str(REPO / "test" / "checker_corpus"))
    import corpus

    results = []
    for pair in corpus.load_pairs():
        verdict, seconds = corpus.run_pair(pair, timeout_ms=timeout_ms)
        times.append(seconds)
        results.append((pair, verdict.kind.value, seconds))
        if corpus.problem(pair, verdict.kind.value) == "FALSE PROOF":
            print(f"  FALSE PROOF {pair.name}: {verdict.detail}")
    print("  " + corpus.summarize(results).replace("\n", "\n  "))
    return sum(corpus.problem(p, k) == "FALSE PROOF" for p, k, _ in results)


if __name__ == "__main__":
    sys.exit(main())
