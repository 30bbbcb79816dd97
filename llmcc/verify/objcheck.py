"""Object-level sanity checks of a candidate object against the reference object.

The candidate must be an x86-64 ELF relocatable that

* defines exactly the reference's global and weak symbols, with the same binding, type
  and visibility (data objects also keep their size; function sizes may change),
* needs no undefined symbols beyond the reference's own plus ``ALLOWED_UNDEFINED``
  (routines compilers emit calls to on their own: mem*, math, stack protector,
  compiler-rt helpers),
* contains only decodable x86-64 instructions inside every function body (bytes between
  functions are padding and not checked).

``check_isa`` (checker ``isa``) rejects code that uses instructions the user's target
flags do not enable (capstone's instruction groups against clang's own feature macros for
those flags), and ``check_target_overrides`` rejects C rewrites that add a ``target``
attribute or pragma: an AVX2 rewrite passes every test here and dies with SIGILL elsewhere.

A pass is ``Verdict(TESTED_EQUAL, "objcheck", ...)`` but it only means "links like the
reference and is not garbage": it never justifies emission on its own. Callers must also
hold a differential-test or formal verdict for the candidate.
"""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .verdict import Verdict, VerdictKind

log = logging.getLogger(__name__)

CHECKER = "objcheck"

# Calls a C compiler may introduce by itself (idiom recognition, builtins, lowering of
# wide arithmetic, stack protection), so a candidate using them adds no new dependency.
ALLOWED_UNDEFINED: frozenset[str] = frozenset({
    # string / memory idioms
    "memcpy", "memmove", "memset", "memcmp", "bcmp", "strlen", "strcmp", "strchr",
    "__memcpy_chk", "__memset_chk", "__memmove_chk",
    # libm (loop idioms, builtins turned into calls)
    "sqrt", "sqrtf", "sqrtl", "fabs", "fabsf", "fabsl", "floor", "floorf", "ceil", "ceilf",
    "trunc", "truncf", "round", "roundf", "rint", "rintf", "nearbyint", "nearbyintf",
    "lround", "lroundf", "llround", "lrint", "lrintf", "llrint", "fmin", "fminf", "fmax",
    "fmaxf", "fma", "fmaf", "fmod", "fmodf", "copysign", "copysignf", "exp", "expf", "exp2",
    "exp2f", "log", "logf", "log2", "log2f", "log10", "log10f", "pow", "powf", "sin", "sinf",
    "cos", "cosf", "sincos", "sincosf", "tan", "tanf", "ldexp", "ldexpf", "frexp", "frexpf",
    # stack protector and fortify
    "__stack_chk_fail", "__stack_chk_guard", "__chk_fail",
    # compiler-rt / libgcc helpers
    "__popcountdi2", "__popcountsi2", "__popcountti2", "__mulodi4", "__mulosi4", "__muloti4",
    "__divti3", "__udivti3", "__modti3", "__umodti3", "__ashlti3", "__ashrti3", "__lshrti3",
    "__multi3", "__clzdi2", "__ctzdi2", "__ffsdi2", "__bswapdi2", "__bswapsi2",
    "__floattidf", "__floattisf", "__floatuntidf", "__floatuntisf", "__fixdfti", "__fixsfti",
    "__fixunsdfti", "__fixunssfti", "__extendhfsf2", "__truncsfhf2", "__truncdfhf2",
    "__cpu_indicator_init", "__cpu_model",
    # position-independent code
    "_GLOBAL_OFFSET_TABLE_",
})


# The hosted C library's string functions a rewrite may call (``memchr`` for a byte search,
# ``strncmp``...): in a hosted build the libc that already provides memcpy provides these,
# so linking does not change. Never in a freestanding build (``-ffreestanding``,
# ``-nostdlib``, ``-fno-builtin``), where only what the compiler itself emits is safe.
HOSTED_LIBC_UNDEFINED: frozenset[str] = frozenset({
    "memchr", "strncmp", "strrchr", "strnlen", "strspn", "strcspn", "strpbrk", "strstr",
    "strcpy", "strncpy", "strcat", "strncat",
})
_FREESTANDING_FLAGS = ("-ffreestanding", "-nostdlib", "-nodefaultlibs", "-fno-builtin",
                       "-nostdinc", "-mkernel", "-fno-hosted")


def allowed_undefined_for(flags: list[str]) -> frozenset[str]:
    """The imports a candidate may add under the user's ``flags``: what compilers emit on
    their own, plus the hosted libc's string functions unless the build is freestanding."""
    if any(f in _FREESTANDING_FLAGS or f.startswith("-fno-builtin-") for f in flags):
        return ALLOWED_UNDEFINED
    return ALLOWED_UNDEFINED | HOSTED_LIBC_UNDEFINED


class ObjectProblem(Exception):
    """The candidate is not a usable object; the message is the verdict's reason."""


@dataclass(frozen=True)
class SymbolInfo:
    name: str
    binding: str      # "STB_GLOBAL" | "STB_WEAK" | "STB_LOCAL"
    type: str         # "STT_FUNC" | "STT_OBJECT" | ...
    visibility: str   # "STV_DEFAULT" | "STV_HIDDEN" | ...
    size: int
    section_index: int
    value: int


@dataclass
class ObjectSymbols:
    defined: dict[str, SymbolInfo]   # global + weak definitions by name
    local: dict[str, SymbolInfo]     # local definitions (functions and objects)
    undefined: set[str]
    functions: list[SymbolInfo]      # every STT_FUNC definition, local ones included


def check_object(reference: Path, candidate: Path, *,
                 allowed_undefined: frozenset[str] | None = None) -> Verdict:
    """Does ``candidate`` export what ``reference`` exports, import nothing new, and
    contain decodable code? ``allowed_undefined`` replaces ``ALLOWED_UNDEFINED`` as the
    extra imports a candidate may add. INVALID with the reason, or TESTED_EQUAL (which
    alone never justifies emission: see the module docstring)."""
    allowed = ALLOWED_UNDEFINED if allowed_undefined is None else allowed_undefined
    try:
        ref_scan = scan_object(Path(reference))
    except ObjectProblem as e:
        # A bad reference is our problem, not the candidate's: say so distinctly.
        return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, f"reference object unusable: {e}")
    try:
        cand_scan = scan_object(Path(candidate))
        ref_symbols, cand_symbols = ref_scan.symbols, cand_scan.symbols
        problems = (_export_problems(ref_symbols, cand_symbols)
                    + _import_problems(ref_symbols, cand_symbols, allowed)
                    + list(cand_scan.undecodable)
                    + _hidden_input_problems(ref_scan, cand_scan))
    except ObjectProblem as e:
        return Verdict(VerdictKind.INVALID, CHECKER, str(e))
    if problems:
        return Verdict(VerdictKind.INVALID, CHECKER, "; ".join(problems),
                       data={"problems": problems})
    return Verdict(VerdictKind.TESTED_EQUAL, CHECKER, "symbols and code sane",
                   data={"kind": "object", "functions_decoded": len(cand_symbols.functions),
                         "exports": sorted(cand_symbols.defined)})


# --------------------------------------------------------------------------- reading


def _open_elf(path: Path, stream):
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        elf = ELFFile(stream)
    except ELFError as e:
        raise ObjectProblem(f"{path.name} is not an ELF file ({e})") from None
    if elf.elfclass != 64 or elf["e_machine"] != "EM_X86_64":
        raise ObjectProblem(f"{path.name} is not an x86-64 object "
                            f"(class {elf.elfclass}, machine {elf['e_machine']})")
    if elf["e_type"] != "ET_REL":
        raise ObjectProblem(f"{path.name} is not a relocatable object (type {elf['e_type']})")
    return elf


def read_symbols(path: Path) -> ObjectSymbols:
    """Global/weak definitions, local definitions, undefined names and function symbols
    of an x86-64 relocatable object. Raises ``ObjectProblem`` for anything else."""
    from elftools.common.exceptions import ELFError

    try:
        with open(path, "rb") as stream:
            elf = _open_elf(path, stream)
            symtab = elf.get_section_by_name(".symtab")
            if symtab is None:
                raise ObjectProblem(f"{path.name} has no symbol table")
            return _collect_symbols(symtab)
    except OSError as e:
        raise ObjectProblem(f"cannot read {path}: {e.strerror}") from None
    except ELFError as e:
        raise ObjectProblem(f"{path.name} is a malformed ELF file ({e})") from None


def _collect_symbols(symtab) -> ObjectSymbols:
    result = ObjectSymbols(defined={}, local={}, undefined=set(), functions=[])
    for sym in symtab.iter_symbols():
        shndx = sym["st_shndx"]
        info = SymbolInfo(name=sym.name, binding=sym["st_info"]["bind"],
                          type=sym["st_info"]["type"], visibility=sym["st_other"]["visibility"],
                          size=sym["st_size"], section_index=shndx if isinstance(shndx, int) else -1,
                          value=sym["st_value"])
        if info.type in ("STT_FILE", "STT_SECTION") or not info.name:
            continue
        if shndx == "SHN_UNDEF":
            if info.binding in ("STB_GLOBAL", "STB_WEAK"):
                result.undefined.add(info.name)
            continue
        if info.binding == "STB_LOCAL":
            result.local[info.name] = info
        else:
            result.defined[info.name] = info
        if info.type == "STT_FUNC" and info.section_index >= 0:
            result.functions.append(info)
    return result


# --------------------------------------------------------------------------- symbol rules


def _short(kind: str) -> str:
    return kind.split("_", 1)[-1].lower()


def _export_problems(ref: ObjectSymbols, cand: ObjectSymbols) -> list[str]:
    problems = []
    for name, want in sorted(ref.defined.items()):
        have = cand.defined.get(name)
        if have is None:
            if name in cand.local:
                problems.append(f"symbol '{name}' changed binding {_short(want.binding)} -> local")
            else:
                problems.append(f"missing {_short(want.binding)} symbol '{name}'")
            continue
        if have.binding != want.binding:
            problems.append(f"symbol '{name}' changed binding "
                            f"{_short(want.binding)} -> {_short(have.binding)}")
        if have.type != want.type:
            problems.append(f"symbol '{name}' changed type {_short(want.type)} -> {_short(have.type)}")
        if have.visibility != want.visibility:
            problems.append(f"symbol '{name}' changed visibility "
                            f"{_short(want.visibility)} -> {_short(have.visibility)}")
        if want.type == "STT_OBJECT" and have.size != want.size:
            problems.append(f"data symbol '{name}' changed size {want.size} -> {have.size}")
    for name in sorted(set(cand.defined) - set(ref.defined)):
        problems.append(f"extra exported symbol '{name}'")
    return problems


def _import_problems(ref: ObjectSymbols, cand: ObjectSymbols, allowed: frozenset[str]) -> list[str]:
    new = sorted(cand.undefined - ref.undefined - allowed - set(ref.defined))
    return [f"new undefined symbol '{name}'" for name in new]


# --------------------------------------------------------------------------- code rules


# Instructions whose result depends on something no test input controls (the clock, the
# CPU, the kernel, a random source), or that end the program: a rewrite that adds one can
# pass every test today and be wrong tomorrow or on another machine (a time trapdoor is
# `if (__builtin_readcyclecounter() > T) return wrong;`). Compared as counts against the
# reference, so code the user wrote with them is still fine.
ENVIRONMENT_INSTRUCTIONS = frozenset({
    "rdtsc", "rdtscp", "rdpmc", "rdrand", "rdseed", "rdpid", "cpuid", "xgetbv", "syscall",
    "sysenter", "int", "int1", "int3", "into", "ud0", "ud1", "ud2", "hlt", "in", "insb",
    "insw", "insd", "out", "outsb", "outsw", "outsd", "rdfsbase", "rdgsbase", "wrfsbase",
    "wrgsbase", "rdpkru", "wrpkru", "xabort", "xbegin", "xend", "xtest",
})
# Sections whose code runs at program start or exit, outside any tested call.
_STARTUP_SECTIONS = (".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", ".init", ".fini")


def _hidden_input_problems(ref: "ObjectScan", cand: "ObjectScan") -> list[str]:
    """What differential tests cannot exhaust, refused outright: new environment-reading or
    trapping instructions, new code run at start-up or exit, and new mutable static state
    (a counter that turns wrong after the millionth call passes every finite test)."""
    problems = []
    for mnemonic in sorted(ENVIRONMENT_INSTRUCTIONS):
        if cand.mnemonics.get(mnemonic, 0) > ref.mnemonics.get(mnemonic, 0):
            problems.append(f"adds the instruction '{mnemonic}', whose result no test controls "
                            "(clock, CPU, kernel, randomness) or which traps")
    for mnemonic in sorted(cand.opcode_bytes):
        if cand.opcode_bytes[mnemonic] > ref.opcode_bytes.get(mnemonic, 0) \
                and cand.mnemonics.get(mnemonic, 0) <= ref.mnemonics.get(mnemonic, 0):
            problems.append(f"holds the bytes of '{mnemonic}' where a linear disassembly does not "
                            "see it (reachable by a jump into the middle of an instruction)")
    ref_sections, cand_sections = ref.section_sizes(), cand.section_sizes()
    for name in sorted(cand_sections):
        if name.startswith(_STARTUP_SECTIONS) and cand_sections[name][0] > ref_sections.get(name, (0, False))[0]:
            problems.append(f"adds code run at program start or exit ({name})")
    new_state = sorted(name for name, info in cand.symbols.local.items()
                       if info.type in ("STT_OBJECT", "STT_TLS") and name not in ref.symbols.local
                       and cand_sections.get(cand.section_name(info.section_index), (0, False))[1])
    if new_state:
        problems.append("adds mutable static state " + ", ".join(f"'{n}'" for n in new_state[:5])
                        + " kept across calls (tests cannot show it never reaches a wrong value; "
                        "use const tables)")
    writable = lambda sections: sum(size for name, (size, w) in sections.items()
                                    if w and not name.startswith((*_STARTUP_SECTIONS, ".data.rel.ro")))
    if not new_state and writable(cand_sections) > writable(ref_sections):
        problems.append(f"writable data grew from {writable(ref_sections)} to {writable(cand_sections)} "
                        "bytes (new mutable state kept across calls)")
    return problems


# Opcode bytes of the worst environment instructions, searched in raw code bytes too: an
# asm rewrite can hide `rdtsc` inside another instruction's immediate and jump into it.
_OPCODE_BYTES = {"rdtsc": (b"\x0f\x31",), "rdtscp": (b"\x0f\x01\xf9",), "rdpmc": (b"\x0f\x33",),
                 "cpuid": (b"\x0f\xa2",), "syscall": (b"\x0f\x05",), "sysenter": (b"\x0f\x34",),
                 "rdrand": tuple(bytes([0x0f, 0xc7, r]) for r in range(0xf0, 0xf8)),
                 "rdseed": tuple(bytes([0x0f, 0xc7, r]) for r in range(0xf8, 0x100))}



@dataclass(frozen=True)
class ObjectScan:
    """Everything the object rules read from one object, from one pass over it: its
    symbols, its section table, and the decoding of every function body (mnemonic
    counts, undecodable bytes) plus raw opcode-byte counts of its code sections."""

    symbols: ObjectSymbols
    sections: tuple[tuple[str, int, bool], ...]   # (name, size, allocated and writable)
    mnemonics: dict[str, int]
    opcode_bytes: dict[str, int]
    undecodable: tuple[str, ...]

    def section_sizes(self) -> dict[str, tuple[int, bool]]:
        """name -> (size, allocated and writable), summed over same-named sections."""
        sizes: dict[str, tuple[int, bool]] = {}
        for name, size, writable in self.sections:
            if name.startswith(".rela"):
                continue
            old = sizes.get(name, (0, False))
            sizes[name] = (old[0] + size, old[1] or writable)
        return sizes

    def section_name(self, index: int) -> str:
        return self.sections[index][0] if 0 <= index < len(self.sections) else ""


def scan_object(path: Path) -> ObjectScan:
    """The object's ``ObjectScan``. The reference is scanned once per TU, not once per
    candidate: scans are remembered by the object's content (never by name or time: a
    candidate rewritten in place within one clock tick must not inherit a verdict).
    Raises ``ObjectProblem`` for anything but a readable x86-64 relocatable."""
    import hashlib
    try:
        content = path.read_bytes()
    except OSError as e:
        raise ObjectProblem(f"cannot read {path}: {e.strerror}") from None
    return _scan(hashlib.blake2b(content, digest_size=20).digest(), path.name, content)


def _scan(digest: bytes, name: str, content: bytes) -> ObjectScan:
    scan = _SCANS.get(digest)
    if scan is None:
        scan = _SCANS[digest] = _scan_bytes(name, content)
        while len(_SCANS) > 32:
            _SCANS.pop(next(iter(_SCANS)))
    return scan


_SCANS: dict[bytes, ObjectScan] = {}


def _scan_bytes(name: str, content: bytes) -> ObjectScan:
    import capstone
    from elftools.common.exceptions import ELFError
    from elftools.elf.constants import SH_FLAGS

    import io
    path = Path(name)
    decoder = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    mnemonics: dict[str, int] = {}
    opcode_bytes: dict[str, int] = {}
    undecodable: list[str] = []
    try:
        with io.BytesIO(content) as stream:
            elf = _open_elf(path, stream)
            symtab = elf.get_section_by_name(".symtab")
            if symtab is None:
                raise ObjectProblem(f"{path.name} has no symbol table")
            symbols = _collect_symbols(symtab)
            sections = []
            for index, section in enumerate(elf.iter_sections()):
                flags = section["sh_flags"]
                sections.append((section.name, section["sh_size"],
                                 bool(flags & SH_FLAGS.SHF_ALLOC and flags & SH_FLAGS.SHF_WRITE)))
                if not flags & SH_FLAGS.SHF_EXECINSTR or section["sh_type"] != "SHT_PROGBITS":
                    continue  # code sections with contents only
                data = section.data()
                for mnemonic, patterns in _OPCODE_BYTES.items():
                    if (n := sum(data.count(p) for p in patterns)):
                        opcode_bytes[mnemonic] = opcode_bytes.get(mnemonic, 0) + n
                for fn, start, end in _function_ranges(index, len(data), symbols.functions):
                    problem = _decode_body(decoder, data, start, end, mnemonics)
                    if problem is not None:
                        undecodable.append(f"undecodable bytes in {fn} ({section.name}+{problem:#x})")
    except ELFError as e:
        raise ObjectProblem(f"{path.name} is a malformed ELF file ({e})") from None
    return ObjectScan(symbols, tuple(sections), mnemonics, opcode_bytes, tuple(undecodable))


def _function_ranges(section_index: int, section_size: int,
                     functions: list[SymbolInfo]) -> list[tuple[str, int, int]]:
    """(name, start, end) of each function body in one section. A function without a
    size (hand-written asm) runs to the next function; a section without function
    symbols is checked whole."""
    here = sorted((f for f in functions if f.section_index == section_index),
                  key=lambda f: f.value)
    if not here:
        return [("<section>", 0, section_size)] if section_size else []
    ranges = []
    for i, func in enumerate(here):
        next_start = here[i + 1].value if i + 1 < len(here) else section_size
        end = func.value + func.size if func.size else next_start
        ranges.append((func.name, func.value, end))  # end past the section is reported later
    return ranges


def _decode_body(decoder, data: bytes, start: int, end: int, mnemonics: dict[str, int]) -> int | None:
    """Decode one function body, counting its mnemonics into ``mnemonics``. Offset of the
    first byte in [start, end) that does not decode, else None."""
    if end > len(data):
        return len(data)  # the symbol claims bytes past the section's end
    offset = start
    for insn in decoder.disasm(data[start:end], start):
        mnemonics[insn.mnemonic] = mnemonics.get(insn.mnemonic, 0) + 1
        offset = insn.address + insn.size
    return offset if offset < end else None


# Sections that do not affect what the object does when linked and run.
_INERT_SECTIONS = (".comment", ".note", ".debug", ".llvm_addrsig", ".rela.debug", ".symtab", ".strtab")


def code_fingerprint(path: Path) -> bytes:
    """Bytes of every section that affects behaviour (code, data, relocations), in order;
    names, debug info and notes left out. Two objects with the same fingerprint behave
    the same, so a candidate identical to its reference needs no testing or timing."""
    import hashlib

    from elftools.elf.elffile import ELFFile
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for section in ELFFile(f).iter_sections():
            if section.name.startswith(_INERT_SECTIONS) or section["sh_type"] == "SHT_NOBITS":
                continue
            h.update(section.name.encode() + b"\0" + section.data())
    return h.digest()


def same_code(a: Path, b: Path) -> bool:
    """True if ``a`` and ``b`` have identical code, data and relocations (see
    ``code_fingerprint``). Any error reading either object answers False (test it)."""
    try:
        return code_fingerprint(a) == code_fingerprint(b)
    except Exception:  # noqa: BLE001 - unreadable objects are simply "not known to be equal"
        return False


# --------------------------------------------------------------------------- target ISA

ISA_CHECKER = "isa"
# capstone instruction group -> the predefined macro clang sets when the feature is on.
_GROUP_FEATURES = {
    "sse1": "__SSE__", "sse2": "__SSE2__", "sse3": "__SSE3__", "ssse3": "__SSSE3__",
    "sse41": "__SSE4_1__", "sse42": "__SSE4_2__", "sse4a": "__SSE4A__", "avx": "__AVX__",
    "avx2": "__AVX2__", "avx512": "__AVX512F__", "fma": "__FMA__", "fma4": "__FMA4__",
    "bmi": "__BMI__", "bmi2": "__BMI2__", "aes": "__AES__", "pclmul": "__PCLMUL__",
    "fc16": "__F16C__", "adx": "__ADX__", "sha": "__SHA__", "xop": "__XOP__", "tbm": "__TBM__",
    "3dnow": "__3dNOW__", "vaes": "__VAES__", "rtm": "__RTM__",
}
# Instructions capstone puts in no feature group, by mnemonic prefix.
_MNEMONIC_FEATURES = (
    ("popcnt", "__POPCNT__"), ("lzcnt", "__LZCNT__"), ("movbe", "__MOVBE__"),
    ("rdrand", "__RDRND__"), ("rdseed", "__RDSEED__"), ("vfmadd", "__FMA__"), ("vfmsub", "__FMA__"),
    ("vfnmadd", "__FMA__"), ("vfnmsub", "__FMA__"), ("vpdpb", "__AVXVNNI__"), ("vpdpw", "__AVXVNNI__"),
)
# Either macro of a pair enables the instruction (crc32 has its own feature since LLVM 14;
# VNNI exists in an AVX-512 and a VEX flavour).
_ALSO_ENABLED_BY = {"__SSE4_2__": ("__CRC32__",), "__AVXVNNI__": ("__AVX512VNNI__",),
                    "__FMA__": ("__AVX512F__",)}
_TARGET_OVERRIDE = re.compile(r"__attribute__\s*\(\(\s*(?:__)?target(?:_clones|_version)?(?:__)?\s*\("
                              r"|#\s*pragma\s+(?:GCC|clang)\s+(?:target|attribute\b[^\n]*\btarget)")


def target_flags(flags: list[str]) -> tuple[str, ...]:
    """The user flags that decide which instructions the target has (-march, -mavx2, ...)."""
    keep = []
    for f in flags:
        if f.startswith(("-march=", "-mcpu=", "--target=", "-target")) or (
                f.startswith("-m") and not f.startswith(("-mllvm", "-mtune", "-MF", "-MT", "-MQ"))):
            keep.append(f)
    return tuple(keep)


@functools.lru_cache(maxsize=32)
def enabled_features(clang: str, flags: tuple[str, ...]) -> frozenset[str]:
    """Predefined feature macros (``__AVX2__``...) of ``clang`` with the target ``flags``,
    asked from clang itself (``-E -dM``), cached per flag set."""
    import subprocess

    proc = subprocess.run([clang, *flags, "-E", "-dM", "-x", "c", "/dev/null"],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise ObjectProblem(f"clang rejects the target flags {' '.join(flags)}: {proc.stderr[-300:]}")
    return frozenset(m.group(1) for m in re.finditer(r"^#define (__\w+__) ", proc.stdout, re.MULTILINE))


def required_features(path: Path, *, tzcnt_is_rep_bsf: bool = False) -> dict[str, str]:
    """Feature macro -> first instruction (``mnemonic operands``) in ``path``'s code that
    needs it. ``tzcnt_is_rep_bsf``: the code came from clang's own backend, which emits
    ``rep bsf`` (the same bytes as ``tzcnt``) for a count of trailing zeros it knows is of a
    non-zero value: it runs as ``bsf`` on CPUs without BMI, with the same result."""
    import capstone
    from elftools.elf.constants import SH_FLAGS

    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    md.detail = True
    needed: dict[str, str] = {}
    with open(path, "rb") as stream:
        elf = _open_elf(path, stream)
        for section in elf.iter_sections():
            if not section["sh_flags"] & SH_FLAGS.SHF_EXECINSTR or section["sh_type"] != "SHT_PROGBITS":
                continue
            for insn in md.disasm(section.data(), 0):
                text = f"{insn.mnemonic} {insn.op_str}".strip()
                if tzcnt_is_rep_bsf and insn.mnemonic == "tzcnt":
                    continue
                for feature in _instruction_features(insn):
                    needed.setdefault(feature, text)
    return needed


def _instruction_features(insn) -> set[str]:
    found = {_GROUP_FEATURES[g] for g in (insn.group_name(x) for x in insn.groups) if g in _GROUP_FEATURES}
    found |= {feature for prefix, feature in _MNEMONIC_FEATURES if insn.mnemonic.startswith(prefix)}
    if "zmm" in insn.op_str:
        found.add("__AVX512F__")
    return found


def check_isa(reference: Path, candidate: Path, clang: str, flags: list[str], *,
              compiler_emitted: bool = False) -> Verdict:
    """Does ``candidate`` use only instructions the user's target flags enable? An
    instruction group the flags do not enable is still allowed if the reference (clang's
    own object for the same flags) uses it too (``rep bsf`` decodes as ``tzcnt``).
    ``compiler_emitted``: all of the candidate's code came from clang's backend under the
    user's flags (a C or IR candidate without inline assembly), so its ``tzcnt`` bytes are
    ``rep bsf``; never for asm-level rewrites, where a real ``tzcnt`` of zero would differ
    on a CPU without BMI."""
    try:
        enabled = enabled_features(clang, target_flags(flags))
        wanted = required_features(Path(candidate), tzcnt_is_rep_bsf=compiler_emitted)
        reference_uses = set(required_features(Path(reference)))
    except ObjectProblem as e:
        return Verdict(VerdictKind.INVALID, ISA_CHECKER, str(e))
    except Exception as e:  # noqa: BLE001 - a checker problem must not pass a candidate
        return Verdict(VerdictKind.INCONCLUSIVE, ISA_CHECKER, f"ISA check failed: {type(e).__name__}: {e}")
    missing = {f: insn for f, insn in wanted.items()
               if f not in enabled and f not in reference_uses
               and not any(alt in enabled for alt in _ALSO_ENABLED_BY.get(f, ()))}
    if missing:
        shown = "; ".join(f"'{insn}' needs {f.strip('_')}" for f, insn in sorted(missing.items()))
        return Verdict(VerdictKind.INVALID, ISA_CHECKER,
                       f"uses instructions the target flags ({' '.join(target_flags(flags)) or 'default x86-64'}) "
                       f"do not enable: {shown}", data={"missing": sorted(missing)})
    return Verdict(VerdictKind.TESTED_EQUAL, ISA_CHECKER, "only instructions the target enables",
                   data={"features_used": sorted(wanted)})


def check_target_overrides(original_source: str, candidate_source: str) -> Verdict | None:
    """A C rewrite may not add ``__attribute__((target(...)))`` or ``#pragma GCC target``:
    either makes code for a CPU the user did not ask for. None when nothing was added."""
    added = len(_TARGET_OVERRIDE.findall(candidate_source)) - len(_TARGET_OVERRIDE.findall(original_source))
    if added <= 0:
        return None
    m = None
    for m in _TARGET_OVERRIDE.finditer(candidate_source):
        pass
    return Verdict(VerdictKind.INVALID, ISA_CHECKER,
                   f"the rewrite adds a target override ({m.group(0) if m else 'target'}...): "
                   "code for CPU features the user's flags do not enable")
