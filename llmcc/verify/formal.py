"""Formal check of one function of a candidate module: alive-tv when available, else the
built-in z3 checker (``llmcc.verify.smt``).

Both modules are cut down to the named function plus what it refers to (other function
definitions become declarations), so alive-tv checks exactly that pair. The answer is
always a ``Verdict``; internal failures are INCONCLUSIVE with the reason, never an
exception.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from ..tmpsweep import temp_dir as _temp_dir
from .alive2 import find_alive_tv, run_alive_tv
from .verdict import Verdict, VerdictKind

log = logging.getLogger(__name__)

DEFAULT_UNROLL = 8
DEFAULT_TIMEOUT_MS = 10000
_DEFINE = re.compile(r'^define\b[^@]*@("[^"]*"|[-\w.$]+)\s*\(')


class ExtractionError(Exception):
    """The module does not parse or does not define the function."""


def check_function(src_module_ir: str, tgt_module_ir: str, function: str, settings, *,
                   isolate: bool = True) -> Verdict:
    """Does ``@function`` in the target module refine it in the source module?

    Uses alive-tv if found (setting ``verify.alive_tv``, ``$LLMCC_ALIVE_TV``, PATH), else
    the built-in checker; when alive-tv is inconclusive the built-in checker gets a try
    too. Unroll bound and solver timeout come from ``verify.unroll`` and
    ``verify.smt_timeout_ms``. With ``isolate`` (the default) the IR is parsed and checked
    in a child process: untrusted IR that makes LLVM abort gives an INVALID verdict, not
    a dead compiler.
    """
    try:
        unroll = int(_setting(settings, "verify.unroll", DEFAULT_UNROLL))
        timeout_ms = int(_setting(settings, "verify.smt_timeout_ms", DEFAULT_TIMEOUT_MS))
        alive_tv = find_alive_tv(settings)
        kwargs = {"src_module_ir": src_module_ir, "tgt_module_ir": tgt_module_ir, "function": function,
                  "unroll": unroll, "timeout_ms": timeout_ms,
                  "alive_tv": str(alive_tv) if alive_tv else None}
        if not isolate:
            return check_function_here(**kwargs)
        from .smt.isolated import run_isolated

        # Several solver queries plus alive-tv may run: allow a generous wall clock.
        wall_s = 60.0 + 8 * timeout_ms / 1000.0
        return run_isolated("llmcc.verify.formal:check_function_here", kwargs, wall_s=wall_s,
                            checker="formal")
    except Exception as e:  # a checker bug must not break the build: it only loses a proof
        log.exception("formal check of @%s failed", function)
        return Verdict(VerdictKind.INCONCLUSIVE, "formal", f"internal error: {type(e).__name__}: {e}")


def check_function_here(src_module_ir: str, tgt_module_ir: str, function: str, unroll: int,
                        timeout_ms: int, alive_tv: str | None) -> Verdict:
    """``check_function`` in this process (run it in a child for untrusted IR)."""
    try:
        try:
            src = extract_function(src_module_ir, function)
            tgt = extract_function(tgt_module_ir, function)
        except ExtractionError as e:
            return Verdict(VerdictKind.INVALID, "formal", str(e))
        from .smt import check_refinement

        if alive_tv is None:
            return check_refinement(src, tgt, function, unroll=unroll, timeout_ms=timeout_ms)
        verdict = _check_with_alive(src, tgt, function, Path(alive_tv), unroll, timeout_ms)
        if verdict.kind != VerdictKind.INCONCLUSIVE:
            return verdict
        # alive-tv gave up (timeout, approximation): the built-in checker may still decide.
        second = check_refinement(src, tgt, function, unroll=unroll, timeout_ms=timeout_ms)
        if second.kind in (VerdictKind.PROVED, VerdictKind.REFUTED):
            return Verdict(second.kind, second.checker, second.detail, second.counterexample,
                           dict(second.data, alive2=verdict.detail))
        return verdict
    except Exception as e:  # a checker bug must not break the build: it only loses a proof
        log.exception("formal check of @%s failed", function)
        return Verdict(VerdictKind.INCONCLUSIVE, "formal", f"internal error: {type(e).__name__}: {e}")


def _setting(settings, key: str, default):
    try:
        return settings[key] if settings is not None else default
    except KeyError:
        return default


def extract_function(module_ir: str, function: str) -> str:
    """The module text with every other function definition turned into a declaration
    (kept only if referenced), so the result holds exactly one definition."""
    module = _parse(module_ir, "module")
    try:
        fn = module.get_function(function)
    except NameError:
        raise ExtractionError(f"no function @{function} in the module") from None
    if fn.is_declaration:
        raise ExtractionError(f"@{function} is declared, not defined")
    kept, others = _split_definitions(str(module), function)
    declarations = []
    for name in others:
        if re.search(rf"@{re.escape(name)}\b", kept):
            declarations.append(_declaration(module.get_function(_unquote(name))))
    text = kept + "\n" + "\n".join(declarations) + "\n"
    _parse(text, "extracted function")  # a broken cut is an error here, not in the checker
    return text


def _parse(text: str, what: str):
    import llvmlite.binding as llvm

    try:
        module = llvm.parse_assembly(text)
        module.verify()
    except RuntimeError as e:
        raise ExtractionError(f"malformed {what}: {str(e).strip()[:500]}") from None
    return module


def _unquote(name: str) -> str:
    return name[1:-1] if name.startswith('"') else name


def _split_definitions(module_text: str, function: str) -> tuple[str, list[str]]:
    """Drop the bodies of all definitions except ``function``; return (text, dropped names).

    LLVM prints a definition as a ``define`` line through a closing ``}`` at column 0.
    """
    out: list[str] = []
    dropped: list[str] = []
    skipping = False
    for line in module_text.splitlines():
        if skipping:
            skipping = line != "}"
            continue
        m = _DEFINE.match(line)
        if m and _unquote(m.group(1)) != function:
            dropped.append(m.group(1))
            skipping = not line.rstrip().endswith("}")
            # The "; Function Attrs:" comment printed above it is harmless; leave it.
            continue
        out.append(line)
    return "\n".join(out), dropped


def _declaration(fn) -> str:
    """``declare`` line for a function whose body was dropped."""
    fn_type = str(fn.global_value_type)          # e.g. "i32 (i32, ptr)"
    ret, params = fn_type.split(" (", 1)
    name = fn.name if re.fullmatch(r"[-\w.$]+", fn.name) else f'"{fn.name}"'
    return f"declare {ret} @{name}({params}"


def _check_with_alive(src: str, tgt: str, function: str, alive_tv: Path, unroll: int,
                      timeout_ms: int) -> Verdict:
    with _temp_dir("alive") as tmp:
        src_path, tgt_path = Path(tmp, "src.ll"), Path(tmp, "tgt.ll")
        src_path.write_text(src)
        tgt_path.write_text(tgt)
        results = run_alive_tv(src_path, tgt_path, unroll=unroll, timeout_ms=timeout_ms,
                               alive_tv=alive_tv)
    matching = [r for r in results if _unquote(r.src_name) == function] or results
    if len(matching) != 1:
        return Verdict(VerdictKind.INCONCLUSIVE, "alive2",
                       f"alive-tv gave {len(matching)} results for @{function}")
    verdict = matching[0].verdict
    return Verdict(verdict.kind, verdict.checker, verdict.detail, verdict.counterexample,
                   dict(verdict.data, unroll=unroll))
