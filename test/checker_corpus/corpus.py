"""Load and run the checker corpus: every ``*.ll`` under this directory holds ``@src`` and
``@tgt`` with ``; CLASS:`` and ``; EXPECT:`` header lines (see generate.py).

    python test/checker_corpus/corpus.py [--slow] [-v]    # table of verdicts per class
"""
from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ("correct", "value-mismatch", "more-poison", "more-undef", "src-more-defined",
           "memory-mismatch")
EXPECTS = ("proved", "correct", "refuted", "not-proved")


@dataclass(frozen=True)
class Pair:
    path: Path
    cls: str
    expect: str
    slow: bool
    src_fn: str
    tgt_fn: str
    unroll: int

    @property
    def is_correct(self) -> bool:
        return self.expect in ("proved", "correct")

    @property
    def name(self) -> str:
        return str(self.path.relative_to(HERE))


def _header(text: str, key: str, default: str | None = None) -> str | None:
    m = re.search(rf"^; {key}: *(\S+)", text, re.M)
    return m.group(1) if m else default


def load_pairs() -> list[Pair]:
    pairs = []
    for path in sorted(HERE.rglob("*.ll")):
        text = path.read_text()
        cls, expect = _header(text, "CLASS"), _header(text, "EXPECT")
        if cls not in CLASSES or expect not in EXPECTS:
            raise ValueError(f"{path}: bad header (CLASS {cls}, EXPECT {expect})")
        if (cls == "correct") != (expect in ("proved", "correct")):
            raise ValueError(f"{path}: class {cls} does not match expectation {expect}")
        pairs.append(Pair(path, cls, expect, _header(text, "SLOW", "no") == "yes",
                          _header(text, "SRC", "src"), _header(text, "TGT", "tgt"),
                          int(_header(text, "UNROLL", "8"))))
    return pairs


MODULE_SEPARATOR = "; ---- target module ----"


def modules(text: str) -> tuple[str, str]:
    """(source module, target module): one module holding both functions, or two modules
    split by MODULE_SEPARATOR (to compare module-level state such as globals)."""
    if MODULE_SEPARATOR in text:
        src, tgt = text.split(MODULE_SEPARATOR, 1)
        return src, tgt
    return text, text


def run_pair(pair: Pair, timeout_ms: int = 4000):
    """(verdict, seconds)."""
    from llmcc.verify.smt import check_refinement

    src_text, tgt_text = modules(pair.path.read_text())
    started = time.monotonic()
    verdict = check_refinement(src_text, tgt_text, pair.src_fn, pair.tgt_fn, unroll=pair.unroll,
                               timeout_ms=timeout_ms)
    return verdict, time.monotonic() - started


def problem(pair: Pair, kind: str) -> str | None:
    """Why a verdict (kind value) breaks the pair's expectation, or None."""
    if not pair.is_correct and kind == "proved":
        return "FALSE PROOF"
    if pair.is_correct and kind == "refuted":
        return "false refutation"
    if pair.expect == "proved" and kind != "proved":
        return f"expected proved, got {kind}"
    if pair.expect == "refuted" and kind != "refuted":
        return f"expected refuted, got {kind}"
    return None


def summarize(results: list[tuple[Pair, str, float]]) -> str:
    table: dict[str, Counter] = defaultdict(Counter)
    for pair, kind, _ in results:
        table[pair.cls][kind] += 1
    lines = [f"{'class':18} {'pairs':>5} {'proved':>7} {'refuted':>8} {'inconcl':>8} {'invalid':>8}"]
    for cls in CLASSES:
        c = table[cls]
        lines.append(f"{cls:18} {sum(c.values()):5} {c['proved']:7} {c['refuted']:8} "
                     f"{c['inconclusive']:8} {c['invalid']:8}")
    times = [t for _, _, t in results]
    correct = [k for p, k, _ in results if p.is_correct]
    if times:
        lines.append(f"median {statistics.median(times):.3f} s per pair, total {sum(times):.1f} s; "
                     f"correct pairs proved: {correct.count('proved')}/{len(correct)}")
    return "\n".join(lines)


def main() -> int:
    sys.path.insert(0, str(HERE.parents[1]))
    verbose = "-v" in sys.argv
    results, bad = [], []
    for pair in load_pairs():
        if pair.slow and "--slow" not in sys.argv:
            continue
        verdict, seconds = run_pair(pair)
        results.append((pair, verdict.kind.value, seconds))
        why = problem(pair, verdict.kind.value)
        if why or verbose:
            print(f"{pair.name}: {verdict.kind.value} ({seconds:.2f} s) {why or ''} -- {verdict.detail[:150]}")
        if why:
            bad.append(why)
    print(summarize(results))
    return 1 if any(b == "FALSE PROOF" for b in bad) else 0


if __name__ == "__main__":
    raise SystemExit(main())
