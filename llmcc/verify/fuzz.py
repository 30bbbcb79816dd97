"""Differential fuzzing of a candidate object against the reference (clang-22's libFuzzer).

Random and boundary tests miss a rewrite that is wrong on one rare value
(``if (x == 999331) return 0;``). libFuzzer with comparison tracing
(``-fsanitize=fuzzer`` instruments ``cmp`` instructions of the code it compiles) finds
such values within seconds, provided the compared code is instrumented. So the *objects*
are not rebuilt: the fuzz target (generated C, instrumented) calls the reference and the
candidate, and the candidate's comparisons are caught by libFuzzer's hooks on ``memcmp``
and by the value profile of the target's own comparisons of the outputs. To let the
fuzzer see the candidate's constants too, every integer constant of the candidate's and
the reference's code is put into the fuzzer's dictionary (``-dict``), encoded as each
integer parameter would read it.

One binary holds both versions: the candidate object's defined symbols are renamed with
``llvm-objcopy-22 --redefine-sym`` (``llmcc_cand_<name>``), so the candidate calls its own
copies of the TU's functions and has its *own copies of the TU's globals and statics*
(file-level statics are made global and renamed too). Both copies start from the same
initial data and receive the same calls, so after every call the target compares every
data symbol of the reference with the candidate's copy: a dropped or changed write to a
global shows up as a divergence (state carries over from input to input, as in a real
program, so the crashing input alone may need its predecessors to reproduce). Data that
differs already before a call (a pointer to each copy's own static) is not compared on
that input.

The fuzzer's bytes are decoded into arguments for the function's signature
(``harness.FunctionSignature``): scalars and struct fields take their size in bytes,
length parameters two bytes (modulo ``MAX_ELEMENTS + 1``, or fewer rows for ``T (*p)[K]``),
strings one length byte and their bytes, a buffer sized by a length parameter one byte of
*slack*: it holds that many elements past its length (the guessed length may be no length
at all, as ``lo`` of ``quicksort(a, lo, hi)``; a function that honours its length never
touches the slack, and a version that writes it differs); buffers are then filled from the
rest of the data. Seeds are the plan's
correctness inputs encoded the same way. Each input is run on two copies of the
arguments; any difference in the return value, the buffers or the data symbols makes the
target print the decoded input and exit with ``DIVERGENCE_EXIT``. The reference running
into a signal or past ``CALL_SECONDS`` makes the input invalid (skipped); the candidate
doing so where the reference did not is a divergence.

Inputs on which the ORIGINAL is undefined are no counterexamples (refinement: where the
source is undefined the target may do anything), so with ``domain`` (the original TU built
with ASan + UBSan, ``llmcc.verify.domain``) the target first calls that copy on exact-size
copies of the input, from the reference's current global state; an input on which a
sanitizer detects undefined behaviour is *discarded* before the reference and the
candidate run. The target counts judged and discarded inputs (printed at exit); too few
judged inputs (``MIN_JUDGED``, ``MIN_JUDGED_ANYWAY``) is INCONCLUSIVE, never TESTED_EQUAL. With the ASan
runtime in the process, a candidate libc call that ASan flags (``memchr`` past a buffer)
on an input the original is defined on is a divergence.

Outcome: ``Verdict(TESTED_EQUAL, "fuzz")`` after the budget without divergence,
``TESTED_DIFFERENT`` with the input as counterexample, ``INCONCLUSIVE`` when the target
cannot be built or run (program mode, a signature it cannot encode, no sandbox) or too few
inputs were in the original's domain.
"""
from __future__ import annotations

import logging
import re
import shutil
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..outcome import Fallback
from ..toolchain import QUIET_FLAGS
from .verdict import Verdict, VerdictKind

if TYPE_CHECKING:
    from ..toolchain import Toolchain
    from .plan import TestPlan

log = logging.getLogger(__name__)

CHECKER = "fuzz"
PREFIX = "llmcc_cand_"
MAX_ELEMENTS = 4096          # per buffer: past the small tests, fast enough to run thousands
MAX_INPUT_BYTES = 16384
DIVERGENCE_EXIT = 77
CALL_SECONDS = 1             # one call of the reference longer than this: input skipped
# The sanitized original running longer than this: the input is skipped (too slow to
# judge within the budget; not undefined). Long loops over a random 32-bit bound would
# otherwise eat the whole budget in a handful of inputs.
DOMAIN_MILLISECONDS = 100
# A run that found nothing is INCONCLUSIVE (too little evidence) when fewer than
# MIN_JUDGED inputs were judged (in the original's domain, reference returned) and at
# least as many were discarded as undefined: the domain, not the function's speed, ate the
# budget. Fewer than MIN_JUDGED_ANYWAY judged is never enough, even for a function so slow
# on random inputs (a loop bound of 2^31) that only a few dozen calls fit the budget.
MIN_JUDGED = 100
MIN_JUDGED_ANYWAY = 20
EXTENDED_BUDGET = 3    # a run with too few judged inputs is repeated once, this many times longer
BUILD_TIMEOUT = 120.0
SHOWN_CHARS = 1500
_DIVERGENCE = re.compile(rb"LLMCC-FUZZ-DIVERGENCE: (.*)", re.DOTALL)
_COUNTS = re.compile(rb"LLMCC-FUZZ-COUNTS: judged=(\d+) discarded=(\d+) skipped=(\d+)")


def fuzz_candidate(toolchain: "Toolchain", plan: "TestPlan", reference: Path, candidate: Path, *,
                   seconds: float, workdir: Path, allow_unsandboxed: bool = False,
                   traced: dict[str, Path] | None = None, dictionary: bool = True,
                   domain: Path | None = None) -> Verdict:
    """Fuzz ``candidate`` against ``reference`` (both relocatable objects) for ``seconds``.
    ``traced``: instrumented builds (``-fsanitize=fuzzer-no-link``) of the "reference"
    and/or "candidate" whose comparisons guide the fuzzer (see ``instrumented_object``);
    ``dictionary``: seed the fuzzer with the objects' code constants; ``domain``: the
    ORIGINAL's sanitized build (``domain.domain_object``): inputs it detects undefined
    behaviour on are discarded, not judged.
    Never raises: problems building or running the target are INCONCLUSIVE."""
    try:
        return _fuzz(toolchain, plan, Path(reference), Path(candidate), seconds=seconds,
                     workdir=workdir, allow_unsandboxed=allow_unsandboxed, traced=traced or {},
                     use_dictionary=dictionary, domain=Path(domain) if domain is not None else None)
    except Exception as e:  # a fuzzing bug loses the evidence, it never accepts
        log.exception("fuzzing %s failed", candidate)
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, f"internal error: {type(e).__name__}: {e}")


def _fuzz(toolchain: "Toolchain", plan: "TestPlan", reference: Path, candidate: Path, *,
          seconds: float, workdir: Path, allow_unsandboxed: bool, traced: dict[str, Path],
          use_dictionary: bool, domain: Path | None = None) -> Verdict:
    from ..measure.sandbox import Limits, SandboxUnavailable, run_sandboxed

    if plan.mode != "function" or plan.signature is None:
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, "not applicable: no function signature "
                       "to fuzz (program mode)", data={"applicable": False})
    sig = fuzz_signature(plan.signature)
    problem = unsupported(sig)
    if problem:
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, f"not applicable: {problem}",
                       data={"applicable": False})
    workdir.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="fuzz-", dir=workdir))
    try:
        exe, with_domain = _build(toolchain, plan, sig, reference, candidate, build, traced, domain)
        if isinstance(exe, Fallback):
            kind = VerdictKind.INVALID if exe.reason == "candidate-link" else VerdictKind.INCONCLUSIVE
            return Verdict(kind, CHECKER, f"fuzz target not built: {exe.reason}",
                           counterexample=exe.detail[-SHOWN_CHARS:])
        run_dir = build / "run"
        (run_dir / "corpus").mkdir(parents=True)
        shutil.copy2(exe, run_dir / "fuzz")
        for i, test_input in enumerate(plan.correctness):
            seed = encode_input(plan.signature, test_input)
            if seed is not None:
                (run_dir / "corpus" / f"seed{i}").write_bytes(seed)
        dictionary = _dictionary(sig, [reference, candidate]) if use_dictionary else []
        if dictionary:
            (run_dir / "dict").write_text("".join(f'"{_escape(e)}"\n' for e in dictionary))
        # A run that judged too few inputs (most fell outside the original's domain, or a
        # loaded machine ran few) is run again, longer, from the corpus it grew (in-domain
        # inputs only): the verdict is that of the last run alone, with its own counts.
        for round_, budget in enumerate((seconds, seconds * EXTENDED_BUDGET)):
            argv = ["./fuzz", f"-max_total_time={max(1, int(round(budget)))}",
                    f"-max_len={MAX_INPUT_BYTES}", "-timeout=0", "-rss_limit_mb=1024",
                    "-handle_segv=0", "-handle_bus=0", "-handle_ill=0", "-handle_fpe=0",
                    "-use_value_profile=1", "-print_final_stats=1", f"-seed={round_ + 1}",
                    *(["-dict=dict"] if dictionary else []), "corpus"]
            # ASan reserves terabytes of address space for its shadow: no RLIMIT_AS then
            # (libFuzzer's -rss_limit_mb / -malloc_limit_mb bound the memory instead).
            limits = Limits(cpu_seconds=budget + 20, wall_seconds=budget + 30,
                            memory_bytes=0 if with_domain else 2 << 30, processes=16)
            started = time.monotonic()
            try:
                result = run_sandboxed(argv, workdir=run_dir, limits=limits,
                                       allow_unsandboxed=allow_unsandboxed)
            except SandboxUnavailable as e:
                return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, f"no sandbox to fuzz in: {e}")
            data = {"seconds": round(time.monotonic() - started, 2), "budget": budget,
                    "executions": _executions(result.stderr), "isolation": result.isolation,
                    "domain": with_domain, "rounds": round_ + 1, **_counts(result.stderr)}
            verdict = _verdict(result, data)
            if not verdict.data.get("too_few_judged"):
                return verdict
        return verdict
    finally:
        shutil.rmtree(build, ignore_errors=True)


def _verdict(result, data: dict) -> Verdict:
    found = _DIVERGENCE.search(result.stdout) or _DIVERGENCE.search(result.stderr)
    if result.returncode == DIVERGENCE_EXIT or found:
        text = found.group(1).decode(errors="replace")[:SHOWN_CHARS] if found else "(no description)"
        return Verdict(VerdictKind.TESTED_DIFFERENT, CHECKER, "fuzzing found an input on which the "
                       "candidate differs from the original", counterexample=text, data=data)
    if result.returncode == 0 and result.killed is None:
        judged = data.get("judged")
        if judged is None:
            return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, "the fuzz target printed no counts",
                           counterexample=result.stderr.decode(errors="replace")[-SHOWN_CHARS:], data=data)
        if judged < MIN_JUDGED_ANYWAY or (judged < MIN_JUDGED and judged <= data["discarded"]):
            return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                           f"only {judged} fuzzed inputs judged (minimum {MIN_JUDGED}, or "
                           f"{MIN_JUDGED_ANYWAY} when fewer are undefined): the original "
                           f"is undefined on {data['discarded']}, {data['skipped']} skipped (the reference "
                           "crashed or hung, or the sanitized original was too slow)",
                           data={**data, "too_few_judged": True})
        dropped = f", {data['discarded']} outside the original's domain discarded" if data["discarded"] else ""
        return Verdict(VerdictKind.TESTED_EQUAL, CHECKER,
                       f"{judged} fuzzed inputs agree ({data['seconds']}s{dropped})", data=data)
    tail = result.stderr.decode(errors="replace")[-SHOWN_CHARS:]
    return Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                   f"the fuzzer stopped (exit {result.returncode}, killed {result.killed})",
                   counterexample=tail, data=data)


def _counts(stderr: bytes) -> dict:
    """The target's own counts (printed at exit): judged, discarded (the original is
    undefined on them), skipped (the reference crashed or hung)."""
    m = _COUNTS.search(stderr)
    if not m:
        return {}
    return {"judged": int(m.group(1)), "discarded": int(m.group(2)), "skipped": int(m.group(3))}


def _executions(stderr: bytes) -> int | None:
    m = re.search(rb"stat::number_of_executed_units:\s*(\d+)", stderr)
    return int(m.group(1)) if m else None


def _escape(data: bytes) -> str:
    return "".join(f"\\x{b:02x}" for b in data)


# --------------------------------------------------------------------------- signatures


def fuzz_signature(sig):
    """``sig`` as the target drives it: a pointer-free struct pointer (``struct S *p``
    whose fields are scalars and arrays of scalars) becomes a fixed buffer of its bytes,
    laid out as C lays out the struct (``inputs.as_byte_buffer``)."""
    import dataclasses

    from .inputs import StructPtrParam, as_byte_buffer, pointer_free

    if not any(isinstance(p, StructPtrParam) and pointer_free(p) for p in sig.params):
        return sig
    params = tuple(as_byte_buffer(p) if isinstance(p, StructPtrParam) and pointer_free(p) else p
                   for p in sig.params)
    return dataclasses.replace(sig, params=params)


def unsupported(sig) -> str | None:
    """Why the target cannot encode ``sig`` (None: it can)."""
    from .inputs import BufferParam, LengthParam, ScalarParam, StringParam, StructParam

    for p in sig.params:
        if not isinstance(p, (ScalarParam, LengthParam, BufferParam, StringParam, StructParam)):
            return f"parameter {p.name} of kind {type(p).__name__}"
        if isinstance(p, BufferParam) and p.length_param is None and p.fixed_length is None:
            return f"buffer {p.name} has no known length"
    if sig.returns.kind not in ("void", "scalar", "pointer", "struct"):
        return f"return kind {sig.returns.kind}"
    return None


def _slack(p) -> bool:
    """Does buffer ``p`` get slack elements past its length (one byte of the input)?"""
    return p.length_param is not None and p.fixed_length is None and not getattr(p, "row_length", None)


def _length_limit(sig, index: int) -> int:
    """The largest value length parameter ``index`` decodes to: ``MAX_ELEMENTS``, its
    ``cap``, and at most ``MAX_ELEMENTS`` elements in every ``T (*p)[K]`` it counts rows of."""
    from .inputs import BufferParam

    limit = min(MAX_ELEMENTS, getattr(sig.params[index], "cap", None) or MAX_ELEMENTS)
    for p in sig.params:
        if isinstance(p, BufferParam) and p.length_param == index and getattr(p, "row_length", None):
            limit = min(limit, max(1, MAX_ELEMENTS // p.row_length))
    return limit


def _elements(p, values) -> int:
    """Elements of buffer ``p`` (without slack) given the parameter values."""
    if p.fixed_length is not None:
        return p.fixed_length
    return values[p.length_param] * (getattr(p, "row_length", None) or 1)


def encode_input(sig, test_input) -> bytes | None:
    """The fuzzer bytes that decode to ``test_input`` (a correctness ``FunctionInput``), or
    None if it cannot be expressed (aliasing views, lengths past ``MAX_ELEMENTS``)."""
    from .inputs import BufferParam, BufferValue, LengthParam, ScalarParam, StringParam, StructParam

    values = getattr(test_input, "values", None)
    if not values or len(values) != len(sig.params):
        return None
    byte_view = fuzz_signature(sig)
    if byte_view is not sig:   # struct values -> the bytes of the struct
        from .inputs import StructPtrParam, struct_bytes
        values = tuple(BufferValue(items=tuple(struct_bytes(p, v)))
                       if isinstance(p, StructPtrParam) and isinstance(v, tuple) else v
                       for p, v in zip(sig.params, values))
        sig = byte_view
    head, tail = bytearray(), bytearray()
    for i, (p, v) in enumerate(zip(sig.params, values)):
        if isinstance(p, LengthParam):
            if not isinstance(v, int) or not 0 <= v <= _length_limit(sig, i):
                return None
            head += struct.pack("<H", v)
        elif isinstance(p, BufferParam) and _slack(p):
            head += b"\0"                      # the test's buffer is exactly its length
        elif isinstance(p, ScalarParam):
            head += _pack(p.type, v)
        elif isinstance(p, StructParam):
            for (_, t), x in zip(p.fields, v):
                head += _pack(t, x)
        elif isinstance(p, StringParam):
            data = bytes(v)[:255].split(b"\0", 1)[0]
            head += bytes([len(data)]) + data
    for i, (p, v) in enumerate(zip(sig.params, values)):
        if isinstance(p, BufferParam):
            if not isinstance(v, BufferValue) or v.alias_of is not None:
                return None
            want = _elements(p, values)
            items = list(v.items)[:want]
            if len(items) != want:
                return None
            for x in items:
                tail += _pack(p.elem, x)
    return bytes(head + tail)


def _pack(t, value) -> bytes:
    if t.is_float:
        return struct.pack("<f" if t.size == 4 else "<d", float(value))
    return (int(value) & ((1 << t.bits) - 1)).to_bytes(t.size, "little")


def _dictionary(sig, objects: list[Path]) -> list[bytes]:
    """Every integer immediate of the objects' code, encoded at each integer width a
    scalar parameter reads: the fuzzer then tries the candidate's own magic numbers."""
    from .inputs import BufferParam, ScalarParam, StructParam

    def types(p) -> list:
        if isinstance(p, ScalarParam):
            return [p.type]
        if isinstance(p, StructParam):
            return [t for _, t in p.fields]
        if isinstance(p, BufferParam) and not p.is_void:
            return [p.elem]
        return []

    widths = sorted({t.size for p in sig.params for t in types(p) if not t.is_float})
    if not widths:
        return []
    constants: set[int] = set()
    for obj in objects:
        constants |= code_immediates(obj)
    entries = []
    for c in sorted(constants, key=lambda x: (abs(x), x))[:400]:
        for w in widths:
            if -(1 << (8 * w - 1)) <= c < (1 << (8 * w)):
                for near in (c - 1, c, c + 1):
                    entries.append((near & ((1 << (8 * w)) - 1)).to_bytes(w, "little"))
    return list(dict.fromkeys(entries))


def code_immediates(obj: Path) -> set[int]:
    """Integer immediates of the instructions in ``obj``'s code sections (capstone)."""
    import capstone
    from elftools.elf.constants import SH_FLAGS
    from elftools.elf.elffile import ELFFile

    found: set[int] = set()
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    md.detail = True
    with open(obj, "rb") as f:
        for section in ELFFile(f).iter_sections():
            if not section["sh_flags"] & SH_FLAGS.SHF_EXECINSTR or section["sh_type"] != "SHT_PROGBITS":
                continue
            for insn in md.disasm(section.data(), 0):
                for op in insn.operands:
                    if op.type == capstone.x86.X86_OP_IMM and abs(op.imm) > 1:
                        found.add(op.imm)
    return found


# --------------------------------------------------------------------------- building


def instrumented_object(toolchain: "Toolchain", source: Path, flags: list[str], out: Path, *,
                        cwd: Path | None = None, timeout: float = BUILD_TIMEOUT) -> Path | None:
    """``source`` (C, or LLVM IR ending in ``.ll``/``.bc``) compiled with comparison tracing
    (``-fsanitize=fuzzer-no-link``), so libFuzzer sees the operands of its compares (the
    candidate's ``x == 999331``). None if it does not build (fuzzing goes on without it)."""
    is_ir = source.suffix in (".ll", ".bc")
    use = [f for f in flags if f.startswith(("-m", "-f", "--target", "-O"))] if is_ir else list(flags)
    argv = [str(toolchain.clang), *use, "-fsanitize=fuzzer-no-link", "-g0", "-c", str(source),
            "-o", str(out), *QUIET_FLAGS]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out if proc.returncode == 0 else None


def _run(argv: list[str], what: str) -> Fallback | None:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=BUILD_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Fallback(what, str(e))
    if proc.returncode != 0:
        return Fallback(what, proc.stderr.decode(errors="replace")[-3000:])
    return None


def _data_symbols(obj: Path) -> tuple[list[tuple[str, int]], list[str], list[str]]:
    """(data symbols with sizes, defined global names, local data names) of ``obj``."""
    from .objcheck import read_symbols

    symbols = read_symbols(obj)
    data = [(s.name, s.size) for s in [*symbols.defined.values(), *symbols.local.values()]
            if s.type == "STT_OBJECT" and s.size > 0]
    local_data = [s.name for s in symbols.local.values() if s.type == "STT_OBJECT" and s.size > 0]
    return sorted(data), sorted(symbols.defined), sorted(local_data)


def _writable_data(obj: Path) -> set[str]:
    """Names of the data symbols of ``obj`` in writable sections."""
    from elftools.elf.constants import SH_FLAGS
    from elftools.elf.elffile import ELFFile

    names = set()
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        symtab = elf.get_section_by_name(".symtab")
        for sym in symtab.iter_symbols() if symtab is not None else ():
            index = sym["st_shndx"]
            if sym["st_info"]["type"] != "STT_OBJECT" or not isinstance(index, int):
                continue
            if elf.get_section(index)["sh_flags"] & SH_FLAGS.SHF_WRITE:
                names.add(sym.name)
    return names


def _rename(objcopy: str, obj: Path, out: Path, prefix: str,
            extra: dict[str, str] | None = None) -> tuple[tuple[tuple[str, int], ...], Fallback | None]:
    """Copy ``obj`` with its statics made global and (``prefix``) every defined symbol
    renamed, plus the ``extra`` renames (any symbol, undefined ones too); its data
    symbols (name, size) as they were named before."""
    data, defined, local = _data_symbols(obj)
    renames = sorted(set(defined) | set(local)) if prefix else []
    failure = _run([objcopy, *[f"--globalize-symbol={n}" for n in local],
                    *[f"--redefine-sym={n}={prefix}{n}" for n in renames],
                    *[f"--redefine-sym={n}={m}" for n, m in sorted((extra or {}).items())],
                    str(obj), str(out)], "objcopy")
    return tuple(data), failure


def _domain_side(objcopy: str, domain: Path, build: Path,
                 ref_sizes: dict[str, int]) -> "DomainOracle | None":
    """The sanitized original renamed (``llmcc_dom_<name>``, its ASan report entry points
    to the target's hooks), or None if that fails (fuzzing then judges every input)."""
    from . import domain as dom
    from .objcheck import ObjectProblem, read_symbols

    try:
        renames = dom.hook_renames(read_symbols(domain).undefined)
    except ObjectProblem as e:
        log.info("domain oracle not used: %s", e)
        return None
    out = build / "domain.o"
    data, failure = _rename(objcopy, domain, out, dom.PREFIX, renames)
    if failure:
        log.info("domain oracle not used: %s", failure.detail[-300:])
        return None
    # Its globals are padded with ASan redzones: a name the reference has at most that
    # size holds the same object. The reference's size is what is copied; read-only data
    # (a const table) cannot change and must not be written.
    writable = _writable_data(domain)
    shared = tuple((n, ref_sizes[n]) for n, z in data
                   if n in ref_sizes and z >= ref_sizes[n] and n in writable)
    return DomainOracle(out, dom.PREFIX, shared, dom.hooks_c(renames))


def _build(toolchain: "Toolchain", plan: "TestPlan", sig, reference: Path, candidate: Path,
           build: Path, traced: dict[str, Path],
           domain: Path | None = None) -> tuple[Path | Fallback, bool]:
    """The fuzz executable: target + reference (statics made global) + renamed candidate
    + renamed instrumented copies (``traced``: "reference" / "candidate" -> object)
    + the renamed domain oracle (``domain``, linked with the ASan runtime); and whether
    the oracle is in."""
    objcopy = str(toolchain.tool("llvm-objcopy"))
    ref_data, failure = _rename(objcopy, reference, build / "ref.o", "")
    if failure:
        return failure, False
    cand_data, failure = _rename(objcopy, candidate, build / "cand.o", PREFIX)
    if failure:
        return Fallback("candidate-objcopy", failure.detail), False
    # Data the versions share by name (the candidate may drop or add statics: then only
    # the common ones can be compared; a dropped write shows in those).
    ref_sizes = {n: size for n, size in ref_data if _c_name_ok(n)}
    sides = [Side("cand", PREFIX, "candidate", tuple((n, z) for n, z in cand_data if ref_sizes.get(n) == z))]
    objects = [build / "ref.o", build / "cand.o"]
    for k, (what, obj) in enumerate(sorted(traced.items())):
        out = build / f"traced{k}.o"
        data, failure = _rename(objcopy, obj, out, f"llmcc_tr{k}_")
        if failure:
            log.info("instrumented %s not used: %s", what, failure.detail[-300:])
            continue
        compare = what == "candidate"   # the instrumented reference only guides the fuzzer
        shared = tuple((n, z) for n, z in data if ref_sizes.get(n) == z) if compare else ()
        sides.append(Side(f"tr{k}", f"llmcc_tr{k}_", f"instrumented {what}", shared, compare))
        objects.append(out)
    oracle = _domain_side(objcopy, domain, build, ref_sizes) if domain is not None else None
    if oracle is not None:
        exe = _link_target(toolchain, plan, sig, sides, objects, build, oracle)
        if not isinstance(exe, Fallback):
            return exe, True
        # The oracle's fault, not the candidate's: fuzz without it (every input judged).
        log.info("fuzz target with the domain oracle not built: %s", exe.detail[-300:])
    exe = _link_target(toolchain, plan, sig, sides, objects, build, None)
    if isinstance(exe, Fallback):
        undefined = "undefined reference" in exe.detail or "multiple definition" in exe.detail
        return Fallback("candidate-link" if undefined else exe.reason, exe.detail), False
    return exe, False


def _link_target(toolchain: "Toolchain", plan: "TestPlan", sig, sides: list["Side"], objects: list[Path],
                 build: Path, oracle: "DomainOracle | None") -> Path | Fallback:
    target = build / "target.c"
    target.write_text(render_target(sig, sides, oracle))
    exe = build / "fuzz"
    stubs = [str(plan.stub_object)] if plan.stub_object is not None else []
    if oracle is None:
        argv = [str(toolchain.clang), "-O1", "-g0", "-fsanitize=fuzzer", str(target), *map(str, objects),
                *stubs, "-o", str(exe), "-lm", *QUIET_FLAGS]
    else:
        # The target itself stays uninstrumented by ASan (its guard-byte copies are read
        # whole); only the link brings in the runtime the oracle needs.
        failure = _run([str(toolchain.clang), "-O1", "-g0", "-fsanitize=fuzzer", "-c", str(target),
                        "-o", str(build / "target.o"), *QUIET_FLAGS], "target-compile")
        if failure:
            return failure
        argv = [str(toolchain.clang), "-fsanitize=fuzzer,address", str(build / "target.o"),
                *map(str, objects), str(oracle.obj), *stubs, "-o", str(exe), "-lm", *QUIET_FLAGS]
    failure = _run(argv, "target-link")
    return failure if failure else exe


def _c_name_ok(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z_.$][\w.$]*", name) is not None


# --------------------------------------------------------------------------- the target


@dataclass(frozen=True)
class Side:
    """One version called next to the reference: the candidate, or an instrumented copy."""

    var: str                                   # C identifier stem of its copies
    prefix: str                                # its symbols are renamed <prefix><name>
    label: str                                 # as shown in counterexamples
    data: tuple[tuple[str, int], ...]          # data symbols compared with the reference's
    compare: bool = True                       # False: called only to guide the fuzzer


@dataclass(frozen=True)
class DomainOracle:
    """The original built with sanitizers (``llmcc.verify.domain``), called first on
    every input to tell whether the original is defined on it."""

    obj: Path                                  # renamed object to link
    prefix: str                                # its symbols are renamed <prefix><name>
    data: tuple[tuple[str, int], ...]          # reference data copied into it before a call
    hooks: str                                 # C of the target's ASan hooks


_TARGET_PRELUDE = r"""/* Generated by llmcc: differential fuzz target. */
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static sigjmp_buf llmcc_jump;
static volatile sig_atomic_t llmcc_guarded;
/* Inputs judged (reference returned, compared), discarded (the original is undefined
   on them: the domain oracle's sanitizers said so), skipped (the reference crashed or
   hung). Printed at exit for llmcc. */
static unsigned long long llmcc_judged, llmcc_discarded, llmcc_skipped;
static void llmcc_counts(void) {
  fprintf(stderr, "LLMCC-FUZZ-COUNTS: judged=%llu discarded=%llu skipped=%llu\n",
          llmcc_judged, llmcc_discarded, llmcc_skipped);
}
static void llmcc_init_extra(void);
static void llmcc_on_signal(int sig) {
  if (llmcc_guarded) siglongjmp(llmcc_jump, sig);
  signal(sig, SIG_DFL); raise(sig);
}
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGALRM, SIGTRAP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_handler = llmcc_on_signal; sa.sa_flags = SA_NODEFER;
    sigaction(sigs[i], &sa, 0);
  }
  atexit(llmcc_counts);
  llmcc_init_extra();
  return 0;
}
static void llmcc_arm_ms(long ms) {
  struct itimerval t; memset(&t, 0, sizeof t);
  t.it_value.tv_sec = ms / 1000; t.it_value.tv_usec = (ms % 1000) * 1000;
  setitimer(ITIMER_REAL, &t, 0);
}
static void llmcc_arm(void) { llmcc_arm_ms(CALL_SECONDS * 1000L); }
static void llmcc_disarm(void) {
  struct itimerval t; memset(&t, 0, sizeof t); setitimer(ITIMER_REAL, &t, 0);
}
/* Past the end of the input, an even-sized input reads zeros (sparse data: a branch on
   "this entry is zero"), an odd-sized one its own bytes again, cyclically (dense data:
   buffers bigger than the input, e.g. 9 rows of 450 doubles, still hold values, so a
   version that skips their work shows). */
typedef struct { const uint8_t *p; size_t n; const uint8_t *base; size_t total; size_t past; } llmcc_reader;
static void llmcc_take(llmcc_reader *r, void *out, size_t k) {
  size_t have = r->n < k ? r->n : k;
  unsigned char *o = (unsigned char *)out;
  memcpy(o, r->p, have); r->p += have; r->n -= have;
  for (size_t i = have; i < k; i++, r->past++)
    o[i] = (r->total & 1) ? r->base[r->past % r->total] : 0;
}
/* Each copy has LLMCC_GUARD bytes of a fixed pattern after it: a version that writes past
   the end of a buffer changes them, and they are compared with the rest. */
#define LLMCC_GUARD 64
static void *llmcc_dup(const void *p, size_t n) {
  unsigned char *q = malloc(n + LLMCC_GUARD);
  if (!q) abort();
  if (n) memcpy(q, p, n);
  memset(q + n, 0xA5, LLMCC_GUARD);
  return q;
}
static char llmcc_text[8192];
static size_t llmcc_used;
static void llmcc_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void llmcc_say(const char *fmt, ...) {
  va_list ap; va_start(ap, fmt);
  if (llmcc_used < sizeof llmcc_text) {
    int k = vsnprintf(llmcc_text + llmcc_used, sizeof llmcc_text - llmcc_used, fmt, ap);
    if (k > 0) llmcc_used += (size_t)k;
  }
  va_end(ap);
}
static void llmcc_hex(const char *label, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  llmcc_say("%s = ", label);
  for (size_t i = 0; i < n && i < 64; i++) llmcc_say("%02x", b[i]);
  if (n > 64) llmcc_say("... (%zu bytes)", n);
  llmcc_say("\n");
}
/* IEEE 754 leaves the sign and payload of a NaN result unspecified (LLVM: non-deterministic),
   so every NaN of a floating-point output is compared as the one quiet NaN, as the test
   harness does; every other value (-0.0, infinities) stays bit-exact. */
static void llmcc_canon_nan(void *p, size_t bytes, size_t elem) {
  unsigned char *b = (unsigned char *)p;
  for (size_t i = 0; i + elem <= bytes; i += elem) {
    if (elem == 8) { double d; memcpy(&d, b + i, 8); if (d != d) { d = __builtin_nan(""); memcpy(b + i, &d, 8); } }
    else { float f; memcpy(&f, b + i, 4); if (f != f) { f = __builtin_nanf(""); memcpy(b + i, &f, 4); } }
  }
}
static void llmcc_diverged(const char *what) {
  fprintf(stderr, "LLMCC-FUZZ-DIVERGENCE: %s\n%s", what, llmcc_text);
  fflush(stderr);
  _exit(DIVERGENCE_EXIT);
}
"""


def _ctype(t) -> str:
    return t.name


def _param_decl(p) -> str:
    from .inputs import BufferParam, LengthParam, ScalarParam, StringParam, StructParam

    if isinstance(p, (ScalarParam, LengthParam)):
        return _ctype(p.type)
    if isinstance(p, BufferParam):
        base = "void" if p.is_void else _ctype(p.elem)
        return f"{'const ' if p.const else ''}{base} *"
    if isinstance(p, StringParam):
        return "char *" if p.mutable else "const char *"
    assert isinstance(p, StructParam)
    return f"struct llmcc_s_{p.tag}"


def _return_decl(r) -> str:
    if r.kind == "void":
        return "void"
    if r.kind == "scalar":
        return _ctype(r.type)
    if r.kind == "pointer":
        return "void *"
    return f"struct llmcc_s_{r.struct.tag}"


_DOMAIN_PRELUDE = r"""/* The domain oracle: the original built with ASan + UBSan (llmcc.verify.domain). */
#define LLMCC_DOMAIN_JUMP 1000
static volatile sig_atomic_t llmcc_in_domain;
static const char *volatile llmcc_domain_what;
static void llmcc_domain_fault(const char *what, uintptr_t addr) {
  (void)addr;
  /* Only the oracle's accesses are routed here; anything else is a bug of the target. */
  if (!llmcc_in_domain) { fprintf(stderr, "llmcc: sanitizer hook outside the oracle\n"); abort(); }
  llmcc_domain_what = what;
  siglongjmp(llmcc_jump, LLMCC_DOMAIN_JUMP);  /* ASan's interceptor unpoisons the stack */
}
static unsigned char *llmcc_exact(const void *p, size_t n) {
  unsigned char *q = malloc(n);  /* no guard bytes: ASan's redzone starts at n */
  if (!q && n) abort();
  if (n) memcpy(q, p, n);
  return q;
}
"""


def render_target(sig, sides: list[Side], oracle: DomainOracle | None = None) -> str:
    """The C source of the fuzz target for ``sig``: the reference and every side (the
    candidate, instrumented copies) called on their own copies of the arguments; each
    side's return value, buffers and data symbols compared with the reference's. With
    ``oracle``, inputs on which the sanitized original detects undefined behaviour are
    discarded first."""
    from .inputs import BufferParam, LengthParam, ScalarParam, StringParam, StructParam

    out = [_TARGET_PRELUDE.replace("CALL_SECONDS", str(CALL_SECONDS))
           .replace("DIVERGENCE_EXIT", str(DIVERGENCE_EXIT))]
    if oracle is not None:
        out += [_DOMAIN_PRELUDE, oracle.hooks,
                "static void llmcc_init_extra(void) { __asan_set_error_report_callback(llmcc_count_report); }"]
    else:
        out.append("static void llmcc_init_extra(void) {}")
    structs = {p.tag: p for p in sig.params if isinstance(p, StructParam)}
    if sig.returns.kind == "struct":
        structs.setdefault(sig.returns.struct.tag, sig.returns.struct)
    for s in structs.values():
        fields = " ".join(f"{_ctype(t)} f{k};" for k, (_, t) in enumerate(s.fields))
        out.append(f"struct llmcc_s_{s.tag} {{ {fields} }};")
    params = ", ".join(_param_decl(p) for p in sig.params) or "void"
    ret = _return_decl(sig.returns)
    out.append(f"extern {ret} {sig.name}({params});")
    names = sorted({name for side in sides for name, _ in side.data})
    for k, name in enumerate(names):
        out.append(f'extern unsigned char llmcc_ref_d{k}[] __asm__("{name}");')
    for side in sides:
        out.append(f"extern {ret} {side.prefix}{sig.name}({params});")
        for name, _ in side.data:
            out.append(f'extern unsigned char {side.var}_d{names.index(name)}[] __asm__("{side.prefix}{name}");')
    if oracle is not None:
        out.append(f"extern {ret} {oracle.prefix}{sig.name}({params});")
        for k, (name, size) in enumerate(oracle.data):
            out.append(f'extern unsigned char llmcc_ref_o{k}[] __asm__("{name}");')
            out.append(f'extern unsigned char llmcc_dom_d{k}[] __asm__("{oracle.prefix}{name}");')
            out.append(f"static unsigned char llmcc_snap_d{k}[{size}];")
    body: list[str] = ["int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {",
                       "  llmcc_reader r = { data, size, data, size, 0 };", "  llmcc_used = 0;"]
    # Phase 1: scalars, lengths and strings, in parameter order.
    for i, p in enumerate(sig.params):
        if isinstance(p, LengthParam):
            body.append(f"  uint16_t a{i}_raw; llmcc_take(&r, &a{i}_raw, 2);")
            body.append(f"  {_ctype(p.type)} a{i} = ({_ctype(p.type)})(a{i}_raw % {_length_limit(sig, i) + 1});")
            body.append(f'  llmcc_say("{p.name} = %llu\\n", (unsigned long long)a{i});')
        elif isinstance(p, BufferParam) and _slack(p):
            body.append(f"  unsigned char a{i}_slack; llmcc_take(&r, &a{i}_slack, 1);")
        elif isinstance(p, ScalarParam):
            body.append(f"  {_ctype(p.type)} a{i}; llmcc_take(&r, &a{i}, sizeof a{i});")
            if p.type.is_bool:
                body.append(f"  a{i} = (_Bool)(*(unsigned char *)&a{i} & 1);")
            body.append(_say_scalar(p.name, f"a{i}", p.type))
        elif isinstance(p, StructParam):
            body.append(f"  struct llmcc_s_{p.tag} a{i};")
            for k, (fname, t) in enumerate(p.fields):
                body.append(f"  llmcc_take(&r, &a{i}.f{k}, sizeof a{i}.f{k});")
                if t.is_bool:
                    body.append(f"  a{i}.f{k} = (_Bool)(*(unsigned char *)&a{i}.f{k} & 1);")
                body.append(_say_scalar(f"{p.name}.{fname}", f"a{i}.f{k}", t))
        elif isinstance(p, StringParam):
            body.append(f"  unsigned char a{i}_len; llmcc_take(&r, &a{i}_len, 1);")
            body.append(f"  char a{i}_init[257]; llmcc_take(&r, a{i}_init, a{i}_len); a{i}_init[a{i}_len] = 0;")
            body.append(f"  size_t a{i}_bytes = (size_t)a{i}_len + 1;")
            body.append(f'  llmcc_say("{p.name} = \\"%s\\"\\n", a{i}_init);')
    # Phase 2: buffer contents from the rest of the data.
    for i, p in enumerate(sig.params):
        if isinstance(p, BufferParam):
            if p.fixed_length is not None:
                count = str(p.fixed_length)
            elif getattr(p, "row_length", None):
                count = f"(size_t)a{p.length_param} * {p.row_length}"
            else:
                count = f"((size_t)a{p.length_param} + a{i}_slack)"
                body.append(f'  llmcc_say("{p.name}: %u elements past its length\\n", (unsigned)a{i}_slack);')
            elem = "unsigned char" if p.is_void else _ctype(p.elem)
            body.append(f"  size_t a{i}_bytes = {count} * sizeof({elem});")
            body.append(f"  unsigned char *a{i}_init = malloc(a{i}_bytes ? a{i}_bytes : 1);")
            body.append(f"  if (!a{i}_init) abort();")
            body.append(f"  llmcc_take(&r, a{i}_init, a{i}_bytes);")
            body.append(f'  llmcc_hex("{p.name}", a{i}_init, a{i}_bytes);')
    if oracle is not None:
        body += _domain_call(sig, oracle)
    # One copy of every buffer argument per side.
    everyone = [Side("ref", "", "reference", ())] + list(sides)
    args: dict[str, list[str]] = {side.var: [] for side in everyone}
    for i, p in enumerate(sig.params):
        for side in everyone:
            v = side.var
            if isinstance(p, BufferParam):
                body.append(f"  unsigned char *{v}{i} = llmcc_dup(a{i}_init, a{i}_bytes);")
                args[v].append(f"({_param_decl(p)}){v}{i}")
            elif isinstance(p, StringParam):
                body.append(f"  char *{v}{i} = llmcc_dup(a{i}_init, a{i}_bytes);")
                args[v].append(f"{v}{i}")
            else:
                args[v].append(f"a{i}")
    has_ret = sig.returns.kind != "void"
    if has_ret:
        for side in everyone:
            body.append(f"  {ret} {side.var}_r; memset(&{side.var}_r, 0, sizeof {side.var}_r);")
    # Data that already differs before the calls (a pointer to each version's own static,
    # state left by a reference call that was cut short) cannot be compared on this input.
    for side in sides:
        for name, size in side.data:
            k = names.index(name)
            body.append(f"  int {side.var}_same{k} = memcmp(llmcc_ref_d{k}, {side.var}_d{k}, {size}) == 0;")
    body += ["  int llmcc_sig = sigsetjmp(llmcc_jump, 1);",
             "  if (llmcc_sig) { llmcc_guarded = 0; llmcc_disarm(); llmcc_skipped++; goto done; }",
             *(["  unsigned long long llmcc_reports0 = llmcc_asan_reports;"] if oracle else []),
             "  llmcc_guarded = 1; llmcc_arm();",
             f"  {'ref_r = ' if has_ret else ''}{sig.name}({', '.join(args['ref'])});",
             "  llmcc_disarm(); llmcc_guarded = 0;"]
    if oracle is not None:
        # A libc call of the reference that ASan flags: not comparable, like a crash.
        body.append("  if (llmcc_asan_reports != llmcc_reports0) { llmcc_skipped++; goto done; }")
    for side in sides:
        v = side.var
        if not side.compare:
            body += ["  llmcc_sig = sigsetjmp(llmcc_jump, 1);",
                     "  if (llmcc_sig) { llmcc_guarded = 0; llmcc_disarm(); goto done; }",
                     "  llmcc_guarded = 1; llmcc_arm();",
                     f"  (void){side.prefix}{sig.name}({', '.join(args[v])});",
                     "  llmcc_disarm(); llmcc_guarded = 0;"]
            continue
        body += ["  llmcc_sig = sigsetjmp(llmcc_jump, 1);",
                 "  if (llmcc_sig) { llmcc_guarded = 0; llmcc_disarm();",
                 f'    llmcc_say("the {side.label} got signal %d (or ran past the time limit) where the reference returned\\n", llmcc_sig);',
                 f'    llmcc_diverged("{side.label} crashed or hung"); }}',
                 *(["  llmcc_reports0 = llmcc_asan_reports;"] if oracle else []),
                 "  llmcc_guarded = 1; llmcc_arm();",
                 f"  {v + '_r = ' if has_ret else ''}{side.prefix}{sig.name}({', '.join(args[v])});",
                 "  llmcc_disarm(); llmcc_guarded = 0;"]
        if oracle is not None:
            body.append(f'  if (llmcc_asan_reports != llmcc_reports0) {{ llmcc_say("AddressSanitizer flagged a '
                        f'library call of the {side.label} (see its report above) where the original is defined\\n");'
                        f' llmcc_diverged("{side.label} made an invalid memory access"); }}')
        body += _compare_return(sig, side)
        for i, p in enumerate(sig.params):
            if isinstance(p, BufferParam) and not p.is_void and p.elem.is_float and p.elem.size in (4, 8):
                body.append(f"  llmcc_canon_nan(ref{i}, a{i}_bytes, {p.elem.size});"
                            f" llmcc_canon_nan({v}{i}, a{i}_bytes, {p.elem.size});")
            if isinstance(p, (BufferParam, StringParam)):
                body.append(f"  if (memcmp(ref{i}, {v}{i}, a{i}_bytes + LLMCC_GUARD) != 0) {{"
                            f" llmcc_hex(\"reference {p.name} (and guard bytes) after\", ref{i}, a{i}_bytes + LLMCC_GUARD);"
                            f" llmcc_hex(\"{side.label} {p.name} (and guard bytes) after\", {v}{i}, a{i}_bytes + LLMCC_GUARD);"
                            f' llmcc_diverged("buffer {p.name} differs after the call ({side.label})"); }}')
        for name, size in side.data:
            k = names.index(name)
            body.append(f"  if ({v}_same{k} && memcmp(llmcc_ref_d{k}, {v}_d{k}, {size}) != 0) {{"
                        f' llmcc_hex("reference {name} after", llmcc_ref_d{k}, {size});'
                        f' llmcc_hex("{side.label} {name} after", {v}_d{k}, {size});'
                        f' llmcc_diverged("global or static \'{name}\' differs after the call ({side.label})"); }}')
    body.append("  llmcc_judged++;")
    body.append("done:")
    for i, p in enumerate(sig.params):
        if isinstance(p, BufferParam):
            body.append(f"  free(a{i}_init);")
        if isinstance(p, (BufferParam, StringParam)):
            body.append("  " + " ".join(f"free({side.var}{i});" for side in everyone))
    body += ["  return 0;", "}"]
    return "\n".join(out) + "\n" + "\n".join(body) + "\n"


def _domain_call(sig, oracle: DomainOracle) -> list[str]:
    """Target lines that call the sanitized original on exact-size copies of the decoded
    arguments, from the reference's current global state, and return early (the input
    discarded) when a sanitizer detects undefined behaviour. The reference's data is
    restored afterwards: pointers copied from it may lead the oracle into it."""
    from .inputs import BufferParam, StringParam

    lines = ["  /* Is the original defined on this input? */"]
    for k, (_, size) in enumerate(oracle.data):
        lines.append(f"  memcpy(llmcc_snap_d{k}, llmcc_ref_o{k}, {size}); memcpy(llmcc_dom_d{k}, llmcc_ref_o{k}, {size});")
    args = []
    for i, p in enumerate(sig.params):
        if isinstance(p, (BufferParam, StringParam)):
            lines.append(f"  unsigned char *dom{i} = llmcc_exact(a{i}_init, a{i}_bytes);")
            args.append(f"({_param_decl(p)})dom{i}")
        else:
            args.append(f"a{i}")
    frees = " ".join(f"free(dom{i});" for i, p in enumerate(sig.params) if isinstance(p, (BufferParam, StringParam)))
    restore = " ".join(f"memcpy(llmcc_ref_o{k}, llmcc_snap_d{k}, {size});" for k, (_, size) in enumerate(oracle.data))
    inits = " ".join(f"free(a{i}_init);" for i, p in enumerate(sig.params) if isinstance(p, BufferParam))
    lines += ["  unsigned long long llmcc_dom_reports = llmcc_asan_reports;",
              "  int llmcc_dom_sig = sigsetjmp(llmcc_jump, 1);",
              "  if (!llmcc_dom_sig) {",
              f"    llmcc_guarded = 1; llmcc_in_domain = 1; llmcc_arm_ms({DOMAIN_MILLISECONDS});",
              f"    (void){oracle.prefix}{sig.name}({', '.join(args)});",
              "  }",
              "  llmcc_disarm(); llmcc_guarded = 0; llmcc_in_domain = 0;",
              f"  {restore} {frees}",
              # -1: libFuzzer keeps the input out of its corpus, so mutations start from
              # inputs the original is defined on.
              "  if (llmcc_dom_sig == SIGALRM) {  /* too slow to judge, not undefined */",
              f"    llmcc_skipped++; {inits} return -1;",
              "  }",
              "  if (llmcc_dom_sig || llmcc_asan_reports != llmcc_dom_reports) {",
              f"    llmcc_discarded++; {inits} return -1;",
              "  }"]
    return lines


def _say_scalar(label: str, expr: str, t) -> str:
    if t.is_float:
        return f'  llmcc_say("{label} = %a\\n", (double){expr});'
    if t.signed:
        return f'  llmcc_say("{label} = %lld\\n", (long long){expr});'
    return f'  llmcc_say("{label} = %llu\\n", (unsigned long long){expr});'


def _compare_return(sig, side: "Side") -> list[str]:
    """Compare ``side``'s return value with the reference's exactly (bits; pointers as
    offsets into the buffers)."""
    from .inputs import BufferParam, StringParam

    r, v, label = sig.returns, side.var, side.label
    if r.kind == "void":
        return []
    if r.kind in ("scalar", "struct"):
        fields = [f".f{k}" for k in range(len(r.struct.fields))] if r.kind == "struct" else [""]
        types = [t for _, t in r.struct.fields] if r.kind == "struct" else [r.type]
        lines = []
        for f, t in zip(fields, types):
            if t.is_float and t.size in (4, 8):
                lines.append(f"  llmcc_canon_nan(&ref_r{f}, sizeof ref_r{f}, {t.size});"
                             f" llmcc_canon_nan(&{v}_r{f}, sizeof {v}_r{f}, {t.size});")
            lines.append(f"  if (memcmp(&ref_r{f}, &{v}_r{f}, sizeof ref_r{f}) != 0) {{"
                         f' llmcc_hex("reference returned{f}", &ref_r{f}, sizeof ref_r{f});'
                         f' llmcc_hex("{label} returned{f}", &{v}_r{f}, sizeof {v}_r{f});'
                         f' llmcc_diverged("return values differ ({label})"); }}')
        return lines
    # Pointer: where it points (which buffer, what offset), or null / elsewhere.
    lines = [f"  long long ref_where_{v} = ref_r ? -1 : -2, {v}_where = {v}_r ? -1 : -2;"]
    for i, p in enumerate(sig.params):
        if isinstance(p, (BufferParam, StringParam)):
            for s, where in (("ref", f"ref_where_{v}"), (v, f"{v}_where")):
                lines.append(f"  if ({s}_r && (char *){s}_r >= (char *){s}{i} && "
                             f"(char *){s}_r <= (char *){s}{i} + a{i}_bytes) "
                             f"{where} = {i} * 100000000LL + ((char *){s}_r - (char *){s}{i});")
    lines.append(f'  if (ref_where_{v} != {v}_where) {{ llmcc_say("reference returned %lld, {label} %lld '
                 f'(buffer*1e8+offset; -1 elsewhere, -2 null)\\n", ref_where_{v}, {v}_where);'
                 f' llmcc_diverged("returned pointers differ ({label})"); }}')
    return lines
