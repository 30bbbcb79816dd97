"""Static evidence (LLM-VeriOpt's cheap metrics): numbers about a candidate's code that cost
no run, computed for the candidate and its baseline before anything is timed.

Three metrics, each for one function (or, with ``function=None`` as in program mode, for
the whole TU):

* ``mca_cycles``: llvm-mca's estimate, **weighted by loop depth**. The function's code is
  disassembled from the object (llvm-objdump, so llvm-mca reads LLVM's own syntax); every
  backward branch to a target inside the same function marks a loop ``[target, branch]``.
  The whole function and every loop are llvm-mca code regions (nested regions, one
  llvm-mca run); the estimate is ``sum(cycles per iteration of region * LOOP_WEIGHT**depth)``
  with depth 0 for the function. llvm-mca ignores control flow, so a region's number is the
  cost of running its instructions once back to back, not a prediction of run time.
* ``ir_instructions``: instructions in the function's IR definition (labels, comments,
  debug records excluded); only for candidates that come with IR.
* ``text_bytes``: the function symbol's size in the object (pyelftools); the executable
  sections' total for the whole TU.

A metric that could not be computed (tool missing, llvm-mca refusing an instruction, no IR)
is ``None``: unknown, never "worse". ``compare_static`` says whether a candidate is *clearly*
worse on every applicable metric (``WORSE_RATIO`` above the baseline and by more than a
small absolute amount) with the same loop structure; anything unknown means "not clearly
worse". Used by ``llmcc.verify.evaluate`` to skip timing such a candidate.
"""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

LOOP_WEIGHT = 10          # the classic static estimate: a loop body runs ~10x per entry
# "Clearly worse": at least 50% above the baseline ... (on the 22 known-good rewrites of
# bench/rewrite_corpus, all faster than clang, llvm-mca ratios reach 12.9x and size ratios
# 5.2x, yet none is 1.5x worse on all three with the same loops; closest: syncsearch,
# 2.86x / 1.39x / 1.39x)
WORSE_RATIO = 1.5
WORSE_MINIMUM = {"mca_cycles": 2.0, "ir_instructions": 3, "text_bytes": 16}   # ... and by this much
MCA_TIMEOUT_SECONDS = 30
METRICS = ("mca_cycles", "ir_instructions", "text_bytes")


@dataclass
class StaticMetrics:
    """One object's static numbers (``None`` = unknown) and why any is unknown."""

    mca_cycles: float | None = None
    ir_instructions: int | None = None
    text_bytes: int | None = None
    loop_shape: tuple[int, ...] | None = None   # loops per nesting depth (from the disassembly)
    mcpu: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"mca_cycles": self.mca_cycles, "ir_instructions": self.ir_instructions,
                "text_bytes": self.text_bytes,
                "loop_shape": list(self.loop_shape) if self.loop_shape is not None else None,
                "mcpu": self.mcpu, "notes": list(self.notes)}

    @classmethod
    def from_json(cls, d: dict) -> StaticMetrics:
        shape = d.get("loop_shape")
        return cls(mca_cycles=d.get("mca_cycles"), ir_instructions=d.get("ir_instructions"),
                   text_bytes=d.get("text_bytes"), loop_shape=tuple(shape) if shape is not None else None,
                   mcpu=d.get("mcpu", ""), notes=list(d.get("notes", [])))


@dataclass
class StaticComparison:
    """Candidate vs baseline: per metric the ratio (``None`` if unknown) and the decision."""

    baseline: StaticMetrics
    candidate: StaticMetrics
    applicable: tuple[str, ...]
    clearly_worse: bool
    reason: str

    def ratio(self, metric: str) -> float | None:
        base, cand = getattr(self.baseline, metric), getattr(self.candidate, metric)
        if base is None or cand is None or base <= 0:
            return None
        return cand / base

    def to_json(self) -> dict:
        return {"baseline": self.baseline.to_json(), "candidate": self.candidate.to_json(),
                "ratios": {m: self.ratio(m) for m in METRICS}, "applicable": list(self.applicable),
                "clearly_worse": self.clearly_worse, "reason": self.reason}


# --------------------------------------------------------------------------- metrics


def static_metrics(obj: Path, *, function: str | None, ir_text: str | None = None,
                   mcpu: str = "x86-64") -> StaticMetrics:
    """The three metrics of ``function`` (None: the whole TU) in ``obj``; ``ir_text`` is the
    module the object was made from, if any. Never raises: a failure is a ``None``."""
    metrics = StaticMetrics(mcpu=mcpu)
    for name, compute in (("text_bytes", lambda: text_bytes(obj, function)),
                          ("mca_cycles", lambda: _mca_and_shape(metrics, obj, function, mcpu)),
                          ("ir_instructions", lambda: None if ir_text is None
                           else ir_instruction_count(ir_text, function))):
        try:
            setattr(metrics, name, compute())
        except Exception as e:  # a metric we cannot compute is unknown, never a failure
            metrics.notes.append(f"{name}: {type(e).__name__}: {e}"[:300])
        if getattr(metrics, name) is None and not (name == "ir_instructions" and ir_text is None):
            metrics.notes.append(f"{name}: unknown")
    return metrics


def text_bytes(obj: Path, function: str | None) -> int | None:
    """Size of ``function``'s symbol (a defined STT_FUNC), or of all executable sections."""
    from elftools.elf.constants import SH_FLAGS
    from elftools.elf.elffile import ELFFile

    with open(obj, "rb") as f:
        elf = ELFFile(f)
        if function is None:
            return sum(s["sh_size"] for s in elf.iter_sections()
                       if s["sh_flags"] & SH_FLAGS.SHF_ALLOC and s["sh_flags"] & SH_FLAGS.SHF_EXECINSTR)
        symtab = elf.get_section_by_name(".symtab")
        for sym in (symtab.get_symbol_by_name(function) or []) if symtab is not None else []:
            if sym["st_info"]["type"] == "STT_FUNC" and sym["st_shndx"] != "SHN_UNDEF":
                return int(sym["st_size"])
    return None


_DEFINE = re.compile(r'^define\b[^@]*@("(?:[^"\\]|\\.)*"|[-\w$.]+)\s*\(', re.M)
_LABEL = re.compile(r'^(?:[-\w$.]+|"[^"]*"):')


def ir_instruction_count(ir_text: str, function: str | None) -> int | None:
    """Instructions in ``function``'s definition (every definition when ``None``); None if
    the module does not define it."""
    total, found = 0, False
    for match in _DEFINE.finditer(ir_text):
        name = match.group(1).strip('"')
        if function is not None and name != function:
            continue
        found = True
        end = ir_text.find("\n}", match.end())
        body = ir_text[ir_text.find("\n", match.end()) + 1: end if end >= 0 else len(ir_text)]
        for line in body.splitlines():
            line = line.split(";", 1)[0].strip()
            if line and line != "}" and not line.startswith("#dbg_") and not _LABEL.match(line):
                total += 1
    return total if found else None


# --------------------------------------------------------------------------- llvm-mca


def llvm_mca() -> str | None:
    return shutil.which("llvm-mca-22") or shutil.which("llvm-mca", path="/usr/lib/llvm-22/bin")


def _llvm_objdump() -> str | None:
    return shutil.which("llvm-objdump-22") or shutil.which("llvm-objdump", path="/usr/lib/llvm-22/bin")


@dataclass
class _Insn:
    address: int
    text: str
    target: int | None      # a jump's target address


_FUNC_HEADER = re.compile(r"^([0-9a-f]+) <(.+)>:$")
_INSN_LINE = re.compile(r"^\s*([0-9a-f]+):\s+(\S.*)$")
_JUMP = re.compile(r"^(j[a-z]+|loop[a-z]*)\s+0x([0-9a-f]+)\b")


def disassemble(obj: Path, function: str | None) -> dict[str, list[_Insn]]:
    """Instructions per function symbol (only ``function`` if given), from llvm-objdump."""
    objdump = _llvm_objdump()
    if objdump is None:
        raise RuntimeError("llvm-objdump-22 not found")
    argv = [objdump, "-d", "--no-show-raw-insn", str(obj)]
    if function is not None:
        argv.insert(3, f"--disassemble-symbols={function}")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=MCA_TIMEOUT_SECONDS)
    if proc.returncode != 0:
        raise RuntimeError(f"llvm-objdump: {proc.stderr.strip()[:200]}")
    functions: dict[str, list[_Insn]] = {}
    current: list[_Insn] | None = None
    for line in proc.stdout.splitlines():
        header = _FUNC_HEADER.match(line)
        if header:
            current = functions.setdefault(header.group(2), [])
            continue
        insn = _INSN_LINE.match(line)
        if insn is None or current is None:
            continue
        text = re.sub(r"\s*<[^>]*>", "", insn.group(2).split("#", 1)[0]).strip()
        if not text or text.startswith("..."):
            continue
        jump = _JUMP.match(text)
        current.append(_Insn(int(insn.group(1), 16), text, int(jump.group(2), 16) if jump else None))
    return functions


def loops(insns: list[_Insn]) -> list[tuple[int, int]]:
    """Index ranges ``(first, last)`` of loops: a backward jump to an address inside the
    same function spans from its target to itself."""
    if not insns:
        return []
    index = {insn.address: i for i, insn in enumerate(insns)}
    # Several latches back to one header (a `continue`, a rotated loop) are one loop.
    last_latch: dict[int, int] = {}
    for i, insn in enumerate(insns):
        if insn.target is not None and insn.target <= insn.address and insn.target in index:
            last_latch[index[insn.target]] = i
    return sorted(last_latch.items())


def _depth(span: tuple[int, int], spans: list[tuple[int, int]]) -> int:
    """1 + the number of other loops enclosing ``span``."""
    return 1 + sum(1 for other in spans if other != span and other[0] <= span[0] and span[1] <= other[1])


def mca_input(functions: dict[str, list[_Insn]]) -> tuple[str, dict[str, int]]:
    """One llvm-mca input with a region per function and per loop; the region names map to
    their loop depth."""
    lines: list[str] = []
    depths: dict[str, int] = {}
    for f_index, insns in enumerate(functions.values()):
        if not insns:
            continue
        spans = loops(insns)
        begins: dict[int, list[str]] = {}
        ends: dict[int, list[str]] = {}
        fname = f"f{f_index}"
        depths[fname] = 0
        begins.setdefault(0, []).append(fname)
        ends.setdefault(len(insns) - 1, []).append(fname)
        for l_index, span in enumerate(spans):
            name = f"f{f_index}l{l_index}"
            depths[name] = _depth(span, spans)
            begins.setdefault(span[0], []).append(name)
            ends.setdefault(span[1], []).append(name)
        for i, insn in enumerate(insns):
            lines += [f"# LLVM-MCA-BEGIN {n}" for n in begins.get(i, [])]
            # llvm-mca ignores control flow: a jump's target is only an operand to parse.
            lines.append(insn.text if insn.target is None else insn.text.split()[0] + " .")
            lines += [f"# LLVM-MCA-END {n}" for n in reversed(ends.get(i, []))]
    return "\n".join(lines) + "\n", depths


_REGION = re.compile(r"^\[\d+\] Code Region - (\S+)")


def parse_mca_regions(text: str) -> dict[str, float]:
    """Cycles per iteration (Total Cycles / Iterations) of every named code region."""
    cycles: dict[str, float] = {}
    region = None
    iterations = None
    for line in text.splitlines():
        m = _REGION.match(line)
        if m:
            region, iterations = m.group(1), None
            continue
        name, sep, value = line.partition(":")
        if not sep or region is None:
            continue
        if name.strip() == "Iterations":
            iterations = float(value)
        elif name.strip() == "Total Cycles" and iterations:
            cycles.setdefault(region, float(value) / iterations)
    return cycles


def _mca_and_shape(metrics: StaticMetrics, obj: Path, function: str | None, mcpu: str) -> float | None:
    functions = disassemble(obj, function)
    metrics.loop_shape = loop_shape(functions)
    return mca_cycles(functions, mcpu)


def loop_shape(functions: dict[str, list[_Insn]]) -> tuple[int, ...]:
    """How many loops sit at each nesting depth (index 0 = outermost)."""
    counts: dict[int, int] = {}
    for insns in functions.values():
        spans = loops(insns)
        for span in spans:
            counts[_depth(span, spans)] = counts.get(_depth(span, spans), 0) + 1
    return tuple(counts.get(d, 0) for d in range(1, max(counts, default=0) + 1))


def mca_cycles(functions: dict[str, list[_Insn]], mcpu: str) -> float | None:
    """The loop-weighted llvm-mca estimate of disassembled ``functions`` (see the module
    docstring); None if llvm-mca is missing or refuses the code."""
    mca = llvm_mca()
    if mca is None or not any(functions.values()):
        return None
    text, depths = mca_input(functions)
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write(text)
    try:
        proc = subprocess.run([mca, f"-mcpu={mcpu}", f.name], capture_output=True, text=True,
                              timeout=MCA_TIMEOUT_SECONDS)
    finally:
        Path(f.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        log.info("llvm-mca refused the code: %s", proc.stderr.strip()[-300:])
        return None
    cycles = parse_mca_regions(proc.stdout)
    if set(cycles) != set(depths):
        return None
    return sum(c * LOOP_WEIGHT ** depths[name] for name, c in cycles.items())


def mcpu_for(flags: list[str]) -> str:
    """The CPU llvm-mca models: the user's -mtune, else -march / -mcpu, else clang's default
    x86-64 (never the build machine's CPU unless the user asked for native)."""
    chosen = {}
    for flag in flags:
        for key in ("-mtune=", "-march=", "-mcpu="):
            if flag.startswith(key):
                chosen[key] = flag[len(key):]
    return chosen.get("-mtune=") or chosen.get("-march=") or chosen.get("-mcpu=") or "x86-64"


# --------------------------------------------------------------------------- comparison


def _worse(metric: str, base: float, cand: float) -> bool:
    return cand >= base * WORSE_RATIO and cand - base >= WORSE_MINIMUM[metric]


def compare_static(baseline: StaticMetrics, candidate: StaticMetrics, *,
                   with_ir: bool) -> StaticComparison:
    """Is the candidate clearly worse on every applicable metric? Applicable: llvm-mca and
    text size always, IR instruction count when the candidate came with IR (``with_ir``).
    Any applicable metric unknown on either side, or fewer than two applicable, means
    "not clearly worse". So does a different loop structure: unrolling (by a pipeline knob
    or by hand) and vectorization add loops and grow all three numbers while running fewer
    iterations, which no static count can see."""
    applicable = tuple(m for m in METRICS if m != "ir_instructions" or with_ir)
    unknown = [m for m in applicable if getattr(baseline, m) is None or getattr(candidate, m) is None]
    if unknown:
        return StaticComparison(baseline, candidate, applicable, False, f"unknown: {', '.join(unknown)}")
    if baseline.loop_shape is None or baseline.loop_shape != candidate.loop_shape:
        return StaticComparison(baseline, candidate, applicable, False,
                                f"loop structure differs ({baseline.loop_shape} -> {candidate.loop_shape})")
    shown = ", ".join(f"{m} {getattr(baseline, m):g} -> {getattr(candidate, m):g}" for m in applicable)
    worse = all(_worse(m, getattr(baseline, m), getattr(candidate, m)) for m in applicable)
    if worse and len(applicable) >= 2:
        return StaticComparison(baseline, candidate, applicable, True,
                                f"clearly worse on all of {', '.join(applicable)} ({shown})")
    return StaticComparison(baseline, candidate, applicable, False, f"not clearly worse ({shown})")
