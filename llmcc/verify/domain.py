"""The original function's domain: which inputs the ORIGINAL is defined on.

Refinement (Alive2's rule) lets a rewrite do anything where the source is undefined, so
an input on which the original indexes out of bounds, overflows a signed integer or
divides by zero is no counterexample: two versions that both scribble past a buffer may
scribble differently. Such an input must be *discarded* — but only when the undefined
behaviour is detected, never guessed.

The detector is a third copy of the original, compiled from the TU's own source (never
the candidate's) with AddressSanitizer and UBSan in trap mode (``domain_object``). The
fuzz target (``llmcc.verify.fuzz``) calls it first, on exact-size copies of the decoded
input (no guard bytes, so ASan's redzones start right after each buffer), from the
reference's current global state. Detection must not kill the fuzzer, so nothing of
ASan's reporting runs for the oracle's own accesses:

* ASan's inline checks call ``__asan_report_<load|store><N>`` on a bad access (and, past
  the call threshold, ``__asan_load<N>`` / ``__asan_store<N>`` for every access); the
  oracle's copies of those symbols (and of ``__asan_memcpy`` / ``memmove`` /
  ``memset``) are renamed (``hook_renames``) to functions of the target
  (``hooks_c``) that ask ``__asan_region_is_poisoned`` and, on a bad access, jump out
  of the call *before* it happens (``siglongjmp``; ASan's interceptor of it unpoisons
  the abandoned stack frames);
* UBSan traps (``ud2``, SIGILL) and wild accesses (SIGSEGV) reach the target's signal
  handler, which jumps out the same way;
* a libc call of the oracle that ASan's interceptors flag (``strlen`` past a buffer) is
  reported with ``halt_on_error=0``; the report callback counts it, and a count that
  moved during the call discards the input.

What it cannot see (a read that lands in another live allocation past the redzone,
uninitialised data) makes no input out of domain: missed undefined behaviour only ever
keeps an input that is then judged, the strict direction.
"""
from __future__ import annotations

import os
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..toolchain import QUIET_FLAGS

if TYPE_CHECKING:
    from ..toolchain import Toolchain

PREFIX = "llmcc_dom_"
HOOK_PREFIX = "llmcc_domhook_"
BUILD_TIMEOUT = 120.0
# Sanitizers of the oracle: ASan for memory, UBSan (trapping: no runtime, no report, a
# SIGILL the target catches) for the rest of C's undefined behaviour.
SANITIZE_FLAGS = ["-fsanitize=address,undefined", "-fsanitize-trap=undefined",
                  "-fno-sanitize-recover=address", "-fno-omit-frame-pointer"]
# The oracle's heap buffers get at least this many redzone bytes: a far out-of-bounds
# index is detected more often (the farther past the redzone, the likelier it lands in
# another live allocation and goes unseen).
MIN_REDZONE = 2048
ASAN_OPTIONS = ("halt_on_error=0:detect_leaks=0:allow_user_segv_handler=1:handle_segv=0:"
                f"handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:redzone={MIN_REDZONE}:"
                "max_redzone=2048:quarantine_size_mb=16:malloc_context_size=0:print_summary=0:"
                "detect_odr_violation=0:verbosity=0")

# User flags that DEFINE behaviour C leaves undefined (clang still adds the UBSan check,
# e.g. signed overflow under -fwrapv): with them the check must go, or the oracle would
# call inputs undefined on which the user's original is defined, and a rewrite wrong only
# there would pass. Flag -> the checks it makes meaningless; its negation undoes it.
_DEFINING = {
    "-fwrapv": ("signed-integer-overflow",),
    "-fwrapv-pointer": ("pointer-overflow",),
    "-fno-strict-overflow": ("signed-integer-overflow", "pointer-overflow"),
    "-fno-strict-float-cast-overflow": ("float-cast-overflow",),
}
_UNDOING = {"-fno-wrapv": "-fwrapv", "-fno-wrapv-pointer": "-fwrapv-pointer",
            "-fstrict-overflow": "-fno-strict-overflow",
            "-fstrict-float-cast-overflow": "-fno-strict-float-cast-overflow"}

_CHECK = re.compile(r"__asan_(load|store)(\d+|N)(_noabort)?")
_REPORT = re.compile(r"__asan_report_\w+")
_MEM = re.compile(r"__asan_(memcpy|memmove|memset)")


def defined_by_flags(flags) -> list[str]:
    """``-fno-sanitize=`` flags for the UBSan checks the user's ``flags`` make moot (the
    last of a flag and its negation wins)."""
    active: set[str] = set()
    for f in flags:
        if f in _DEFINING:
            active.add(f)
        elif f in _UNDOING:
            active.discard(_UNDOING[f])
    checks = sorted({c for f in active for c in _DEFINING[f]})
    return [f"-fno-sanitize={','.join(checks)}"] if checks else []


def sanitized_compile_flags(user_flags, sanitizers, *, debug: bool = False) -> list[str]:
    """Flags that compile the ORIGINAL with ``sanitizers`` at -O1: the user's flags first
    (their macros and target hold) without their own sanitizer, -O and -g choices, and the
    checks their flags make moot turned off (``defined_by_flags``). One place for both
    oracles: the fuzz target's and difftest's."""
    kept = [f for f in user_flags if not f.startswith(("-fsanitize", "-fno-sanitize", "-O", "-g"))]
    return [*kept, "-O1", "-g" if debug else "-g0", *sanitizers, *defined_by_flags(user_flags)]


def domain_object(toolchain: "Toolchain", source: Path, flags: list[str], out: Path, *,
                  cwd: Path | None = None, timeout: float = BUILD_TIMEOUT) -> Path | None:
    """The original TU ``source`` compiled with ASan + trapping UBSan at -O1 (the
    user's flags first, so their macros and target hold). None if it does not build:
    fuzzing then judges every input, as before (strict)."""
    if Path(source).suffix not in (".c", ".i"):
        return None
    # Written aside and renamed: evaluators of the same TU may build it side by side.
    tmp = out.with_name(f"{out.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    argv = [str(toolchain.clang), *sanitized_compile_flags(flags, SANITIZE_FLAGS),
            "-c", str(source), "-o", str(tmp), *QUIET_FLAGS]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout, cwd=cwd)
        if proc.returncode != 0:
            return None
        tmp.replace(out)
        return out
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        tmp.unlink(missing_ok=True)


def hook_renames(undefined: set[str]) -> dict[str, str]:
    """ASan entry points the oracle calls that must not report (and kill the process):
    name -> the target's hook that jumps out of the call instead."""
    return {name: HOOK_PREFIX + name[len("__asan_"):] for name in sorted(undefined)
            if _CHECK.fullmatch(name) or _REPORT.fullmatch(name) or _MEM.fullmatch(name)}


def hooks_c(renames: dict[str, str]) -> str:
    """C definitions of the hooks ``renames`` names (for the fuzz target), plus the
    runtime options and the report counter. Expects ``llmcc_domain_fault`` (defined by
    the target: jumps out of the oracle's call) to be declared before."""
    out = [f'const char *__asan_default_options(void) {{ return "{ASAN_OPTIONS}"; }}',
           "extern void *__asan_region_is_poisoned(void *beg, size_t size);",
           "extern void __asan_set_error_report_callback(void (*cb)(const char *));",
           "static volatile unsigned long long llmcc_asan_reports;",
           "static void llmcc_count_report(const char *text) { (void)text; llmcc_asan_reports++; }",
           "static void llmcc_domain_check(const void *p, size_t n, const char *what) {",
           "  if (n && __asan_region_is_poisoned((void *)p, n)) llmcc_domain_fault(what, (uintptr_t)p);",
           "}"]
    for name, hook in sorted(renames.items()):
        m = _CHECK.fullmatch(name)
        if m:
            what = f"invalid {m.group(1)}"
            if m.group(2) == "N":
                out.append(f"void {hook}(uintptr_t p, size_t n) {{ llmcc_domain_check((void *)p, n, \"{what}\"); }}")
            else:
                out.append(f"void {hook}(uintptr_t p) {{ llmcc_domain_check((void *)p, {m.group(2)}, \"{what}\"); }}")
            continue
        m = _MEM.fullmatch(name)
        if m and m.group(1) == "memset":
            out.append(f"void *{hook}(void *d, int c, size_t n) {{ llmcc_domain_check(d, n, \"memset\");"
                       " return memset(d, c, n); }")
        elif m:
            out.append(f"void *{hook}(void *d, const void *s, size_t n) {{ llmcc_domain_check(d, n, \"{m.group(1)}\");"
                       f" llmcc_domain_check(s, n, \"{m.group(1)}\"); return memmove(d, s, n); }}")
        else:  # __asan_report_*: ASan's inline check already found the access bad
            what = name[len("__asan_report_"):]
            out.append(f"void {hook}(uintptr_t p, size_t n) {{ (void)n; llmcc_domain_fault(\"{what}\", p); }}")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class OriginalSource:
    """The ORIGINAL TU as the user compiles it: what a sanitized copy is built from."""

    path: Path
    flags: tuple[str, ...] = ()
    cwd: Path | None = None
