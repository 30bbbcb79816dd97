"""The workload profile: merge the raw profiles of an instrumented run, weigh each function,
and find the TU that defines it.

A function's weight is its entry count plus the sum of its block counts, as
``llvm-profdata show --all-functions --counts`` prints them: a count of how often its code
ran, a proxy for its share of the workload's time (no cost per block). Local functions
are named ``<source as compiled>:<name>``; global ones by their name, found in the symbol
tables of the recorded objects.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class FunctionShare:
    name: str            # as in the profile ("kernel", "src/k.c:helper")
    weight: int          # entry + block counts
    share: float         # of the whole workload's weight
    tu: str | None       # recorded source (relative to the root) defining it


def merge_profiles(profdata_tool: str, raw_dir: Path, out: Path) -> str:
    """Merge every .profraw under ``raw_dir``; '' on success, else why not."""
    raws = sorted(str(p) for p in raw_dir.glob("*.profraw"))
    if not raws:
        return "the instrumented run wrote no .profraw file"
    proc = subprocess.run([profdata_tool, "merge", "-o", str(out), *raws], capture_output=True, text=True)
    return "" if proc.returncode == 0 else f"llvm-profdata merge failed: {proc.stderr[-500:]}"


def parse_profile_show(text: str) -> dict[str, int]:
    """{function: entry count + sum of block counts} from ``show --all-functions --counts``."""
    weights: dict[str, int] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("    ") and line.rstrip().endswith(":"):
            current = line.strip()[:-1]
            weights[current] = 0
        elif current is not None and line.startswith("    "):
            key, _, value = line.strip().partition(":")
            if key == "Function count":
                weights[current] += _int(value)
            elif key == "Block counts":
                weights[current] += sum(_int(v) for v in value.strip(" []").split(",") if v.strip())
        elif not line.startswith(" "):
            current = None
    return weights


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


def function_weights(profdata_tool: str, profdata: Path) -> dict[str, int]:
    proc = subprocess.run([profdata_tool, "show", "--all-functions", "--counts", str(profdata)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"llvm-profdata show failed: {proc.stderr[-500:]}")
    return parse_profile_show(proc.stdout)


def defined_symbols(nm_tool: str, obj: Path) -> set[str]:
    """Names of the functions an object defines (global and local)."""
    proc = subprocess.run([nm_tool, "--defined-only", str(obj)], capture_output=True, text=True)
    names = set()
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWw":
            names.add(parts[2])
    return names


def rank_functions(weights: dict[str, int], records: list[dict], root: Path, nm_tool: str) -> list[FunctionShare]:
    """Functions by share of the workload, heaviest first, each with its TU if found."""
    total = sum(weights.values()) or 1
    symbols = {}
    for rec in records:
        if rec.get("output"):
            symbols[rec["source"]] = defined_symbols(nm_tool, root / rec["output"])
    ranked = []
    for name, weight in weights.items():
        ranked.append(FunctionShare(name, weight, weight / total, _tu_of(name, records, symbols)))
    return sorted(ranked, key=lambda f: (-f.weight, f.name))


def _tu_of(name: str, records: list[dict], symbols: dict[str, set[str]]) -> str | None:
    prefix, sep, local = name.rpartition(":")
    if sep and prefix:
        # A local function: the prefix is the source as written on its compile line.
        for rec in records:
            full = os.path.normpath(os.path.join(rec.get("cwd") or ".", prefix))
            if full == rec["source"]:
                return rec["source"]
        base = [r["source"] for r in records if Path(r["source"]).name == Path(prefix).name]
        return base[0] if len(base) == 1 else None
    owners = [src for src, names in symbols.items() if name in names]
    return owners[0] if len(owners) == 1 else None


def tu_shares(ranked: list[FunctionShare]) -> list[tuple[str, float, list[str]]]:
    """(TU, share, its functions heaviest first) for TUs with any weight, heaviest first."""
    by_tu: dict[str, list[FunctionShare]] = {}
    for f in ranked:
        if f.tu is not None and f.weight > 0:
            by_tu.setdefault(f.tu, []).append(f)
    rows = [(tu, sum(f.share for f in fs), [f.name for f in fs]) for tu, fs in by_tu.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))
