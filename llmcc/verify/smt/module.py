"""Module-level state the checker must model or refuse: data layout, target triple,
module asm, aliases, and the globals of source and target.

The rule is an allow-list: the checker's model is x86-64 (little-endian, 64-bit pointers,
address space 0). Anything else at module level raises ``Unsupported`` so the answer is
INCONCLUSIVE, never a proof over a model that does not match the module.
"""
from __future__ import annotations

import re

from .errors import Unsupported

# Data layout components that do not change what the checker models (type alignments,
# native widths, stack alignment, mangling, the x86 segment address spaces 270-272 which
# the subset never uses).
_LAYOUT_OK = re.compile(r"^(e|m:.|i\d+:\d+(:\d+)?|f\d+:\d+(:\d+)?|v\d+:\d+(:\d+)?|a:\d+(:\d+)?"
                        r"|n[\d:]+|S\d+|Fi\d+|Fn\d+|p27[012]:\d+:\d+(:\d+)?(:\d+)?"
                        r"|p0?:64:64(:64)?(:64)?|A0|P0|G0)$")
# Linkages whose initializer is the one every reader sees (not interposable, not replaced
# at link time, not initialized from outside).
TRUSTED_LINKAGE_WORDS = {"private", "internal", "dso_local", "unnamed_addr", "local_unnamed_addr",
                         "hidden", "protected", "default"}
_GLOBAL_DEF = re.compile(r'^(@(?:"[^"]*"|[-\w.$]+))\s*=\s*(.*)$')


def check_layout(module) -> None:
    """Refuse data layouts and triples other than x86-64 little-endian with 64-bit pointers."""
    layout = module.data_layout or ""
    for part in filter(None, layout.split("-")):
        if part == "E":
            raise Unsupported("big-endian data layout")
        if not _LAYOUT_OK.match(part):
            raise Unsupported(f"data layout component '{part}' (only x86-64 layouts are modelled)")
    triple = module.triple or ""
    if triple and not triple.startswith(("x86_64-", "x86_64")):
        raise Unsupported(f"target triple '{triple}' (only x86-64 is modelled)")


def module_level_text(module_text: str) -> list[str]:
    """Lines that declare module-level state other than functions and metadata."""
    return [ln for ln in module_text.splitlines()
            if ln.startswith(("module asm", "@")) and not ln.startswith("@llvm.used")]


def check_module(module, module_text: str) -> None:
    """Layout, module asm, aliases and ifuncs."""
    check_layout(module)
    for line in module_level_text(module_text):
        if line.startswith("module asm"):
            raise Unsupported("module-level inline asm")
        m = _GLOBAL_DEF.match(line)
        if m and re.search(r"\b(alias|ifunc)\b", m.group(2).split("(", 1)[0].split("[", 1)[0]):
            raise Unsupported(f"alias or ifunc {m.group(1)}")


def globals_of(module) -> dict[str, str]:
    """Name -> printed definition of every global variable of the module."""
    return {gv.name: str(gv).strip() for gv in module.global_variables}


def is_trusted_definition(text: str) -> bool:
    """Does a global's printed definition hold the contents every reader sees?

    ``weak``, ``linkonce``, ``common``, ``extern_weak``, ``available_externally``, a plain
    external declaration and ``externally_initialized`` can all be replaced or changed from
    outside the module, so their visible initializer proves nothing.
    """
    m = _GLOBAL_DEF.match(text)
    if not m:
        return False
    words = m.group(2).split()
    head = []
    for w in words:
        if w in ("global", "constant"):
            break
        head.append(w)
    else:
        return False  # a declaration (external global without initializer)
    rest = words[len(head) + 1:]
    if not rest:
        return False
    if any(w not in TRUSTED_LINKAGE_WORDS and not w.startswith("addrspace(0)") for w in head):
        return False
    return True


def compare_globals(src_module, tgt_module) -> None:
    """The target must leave the program's global state as the source module defines it:
    every global present in both modules has the same definition; the target may only add
    new private/internal constants (lookup tables) and drop private/internal globals.
    """
    src, tgt = globals_of(src_module), globals_of(tgt_module)
    for name in set(src) | set(tgt):
        s, t = src.get(name), tgt.get(name)
        if s is not None and t is not None:
            if _normalized(s) != _normalized(t):
                raise Unsupported(f"global @{name} differs between source and target")
        elif t is not None:
            if not _new_private_constant(t):
                raise Unsupported(f"target adds global @{name} that is not a private constant")
        elif s is not None and not _is_local(s):
            raise Unsupported(f"target drops global @{name}")


def _normalized(text: str) -> str:
    # Alignment changes nothing a reader sees.
    return re.sub(r", align \d+$", "", text).strip()


def _is_local(text: str) -> bool:
    m = _GLOBAL_DEF.match(text)
    return bool(m) and bool(re.match(r"(private|internal)\b", m.group(2)))


def _new_private_constant(text: str) -> bool:
    m = _GLOBAL_DEF.match(text)
    return bool(m) and _is_local(text) and re.search(r"\bconstant\b", m.group(2)) is not None \
        and "externally_initialized" not in m.group(2)
