"""The allowed pass set: generated from the installed ``opt --print-passes``, pinned to LLVM 22.

The table is generated data (``llmcc/data/passes-llvm22.json``), made by
``generate_pass_table`` and checked in; a unit test re-generates it from the installed opt
and compares, so a different LLVM build is noticed instead of silently offering passes
that do not exist. At run time the table is loaded lazily, once per process.
"""
from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from ..toolchain import Toolchain

PASS_TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "passes-llvm22.json"

# Section headings of `opt --print-passes` -> the pass kind we record. Analyses and the
# (work-in-progress) machine passes are not pipeline-editable, so they are not listed.
_SECTION_KINDS = {
    "Module passes": "module",
    "Module passes with params": "module",
    "CGSCC passes": "cgscc",
    "CGSCC passes with params": "cgscc",
    "Function passes": "function",
    "Function passes with params": "function",
    "LoopNest passes": "loopnest",
    "Loop passes": "loop",
    "Loop passes with params": "loop",
}

# Passes a tuner may insert: optimizing transforms only (an allowlist, because opt also
# registers printers, sanitizers, profilers and codegen-lowering passes that change what the
# program does or only make sense in the backend). Passes already in the -O3 pipeline may be
# kept, moved or removed whatever this list says.
_TUNABLE_TRANSFORMS = frozenset("""
adce aggressive-instcombine alignment-from-assumptions argpromotion bdce callsite-splitting
chr consthoist constraint-elimination correlated-propagation dce deadargelim
dfa-jump-threading div-rem-pairs dse early-cse extra-vector-passes flatten-cfg float2int
function-attrs globaldce globalopt gvn gvn-hoist gvn-sink indvars infer-alignment inline
instcombine instsimplify ipsccp irce jump-threading libcalls-shrinkwrap licm lnicm
loop-bound-split loop-data-prefetch loop-deletion loop-distribute loop-flatten loop-fusion
loop-idiom loop-instsimplify loop-interchange loop-load-elim loop-rotate loop-simplifycfg
loop-sink loop-unroll loop-unroll-and-jam loop-unroll-full loop-vectorize loop-versioning-licm
mem2reg memcpyopt mergeicmps mldst-motion nary-reassociate newgvn partially-inline-libcalls
reassociate sccp select-optimize separate-const-offset-from-gep simple-loop-unswitch
simplifycfg sink slp-vectorizer slsr speculative-execution sroa tailcallelim vector-combine
""".split())


def _parse_param_syntax(spec: str) -> dict[str, Any]:
    """``full-unroll-max=N;no-partial;partial;O3`` -> {"flags": [...], "values": [...]}.

    A flag ``x`` and its negation ``no-x`` are both listed by opt; we record the positive
    name once. ``key=N`` parameters take integers; other ``key=S`` take strings.
    """
    flags: list[str] = []
    values: dict[str, str] = {}
    for item in spec.split(";"):
        item = item.strip()
        if not item:
            continue
        if "=" in item:
            key, kind = item.split("=", 1)
            values[key] = "int" if kind == "N" else "str"
            continue
        name = item[3:] if item.startswith("no-") and item[3:] in spec.split(";") else item
        if name not in flags:
            flags.append(name)
    return {"flags": flags, "values": values}


def _split_name_and_params(entry: str) -> tuple[str, str | None]:
    """``loop-unroll<O0;...>`` -> (``loop-unroll``, ``O0;...``); ``require<x>`` stays whole
    when the bracket is part of the registered name (no ';' / '=' inside)."""
    m = re.match(r"^([A-Za-z0-9_.\-]+)<(.*)>$", entry)
    if not m:
        return entry, None
    return m.group(1), m.group(2)


def parse_print_passes(text: str) -> dict[str, Any]:
    """Turn ``opt --print-passes`` output into the pass table (see ``generate_pass_table``)."""
    passes: dict[str, dict[str, Any]] = {}
    kind: str | None = None
    with_params = False
    for line in text.splitlines():
        if not line.startswith(" "):
            heading = line.strip().rstrip(":")
            kind = _SECTION_KINDS.get(heading)
            with_params = heading.endswith("with params")
            continue
        entry = line.strip()
        if kind is None or not entry:
            continue
        if with_params:
            name, spec = _split_name_and_params(entry)
            params = _parse_param_syntax(spec or "")
            params["syntax"] = spec or ""
        else:
            name, params = entry, None
        record = passes.setdefault(name, {"kinds": [], "params": None})
        if kind not in record["kinds"]:
            record["kinds"].append(kind)
        if params is not None:
            record["params"] = params
    for name, record in passes.items():
        record["insertable"] = name in _TUNABLE_TRANSFORMS
    return {"passes": dict(sorted(passes.items()))}


def generate_pass_table(tc: Toolchain) -> dict[str, Any]:
    """Run the installed ``opt --print-passes`` and return the allowed-pass table:
    ``{"llvm_major": 22, "passes": {name: {"kinds": [...], "params": {...}|None,
    "insertable": bool}}}``."""
    proc = subprocess.run([str(tc.tool("opt")), "--print-passes"], capture_output=True,
                          text=True, timeout=60, check=True)
    table = parse_print_passes(proc.stdout)
    return {"llvm_major": tc.major, **table}


def write_pass_table(tc: Toolchain, path: Path = PASS_TABLE_PATH) -> Path:
    """Regenerate the checked-in table (run by hand after an LLVM upgrade)."""
    path.write_text(json.dumps(generate_pass_table(tc), indent=1, sort_keys=True) + "\n")
    return path


@functools.lru_cache(maxsize=1)
def load_pass_table(path: Path = PASS_TABLE_PATH) -> dict[str, Any]:
    """The checked-in pass table (read once per process)."""
    return json.loads(path.read_text())


def known_pass_names() -> frozenset[str]:
    """Every pass name opt accepts in a pipeline (any kind)."""
    return frozenset(load_pass_table()["passes"])


def insertable_pass_names() -> frozenset[str]:
    """Pass names a tuner may add: transforms only, no printers, sanitizers or profilers."""
    return frozenset(n for n, r in load_pass_table()["passes"].items() if r["insertable"])


def pass_kinds(name: str) -> list[str]:
    """Pipeline levels a pass runs at (``module``, ``cgscc``, ``function``, ``loopnest``,
    ``loop``); empty for an unknown name."""
    record = load_pass_table()["passes"].get(name)
    return list(record["kinds"]) if record else []


def pass_params(name: str) -> dict[str, Any] | None:
    """Parameter syntax of a pass (``flags``, ``values``), or None if it takes none."""
    record = load_pass_table()["passes"].get(name)
    return record["params"] if record else None
