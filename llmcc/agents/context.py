"""The context a level agent's model gets next to the function it rewrites.

A rewrite needs more than the function: the types and macros it uses (often from
headers), the prototypes and bodies of what it calls, who calls it and how, where its hot
loop is, what the optimizer already reported about it (remarks), the target flags, and
the guide's instruction. All of it is gathered here from the TU, and cut to a character
budget: the smallest items are kept first (many small declarations are worth more than
one big caller), and an item that does not fit is truncated with a marker.

Headers are seen through the preprocessed TU (``clang -E -dD`` with the user's flags: the
``#define`` lines are kept so macros are found too). That text is also where the names a
new helper must not take come from (``header_names``).
"""
from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..tu import TUContext
from .extract import CItem, c_items, c_tokens, find_c_function, mask_c

log = logging.getLogger(__name__)

# Default budgets (characters) of the two profiles; ``llm.profile`` picks one.
FULL_BUDGET = 12000
COMPACT_BUDGET = 2500
TRUNCATED = "/* ... truncated by llmcc ({n} more characters) */"
OMITTED = "/* llmcc: {n} more context item(s) left out for length: {names} */"

# Section titles in display order.
FLAGS, DECLS, EXPANDED, CALLEES, CALLERS, HOT_LOOP, REMARKS, CURRENT_C = (
    "target flags", "declarations it uses", "the function with its macros expanded",
    "functions it calls (defined in this file)", "its callers in this file", "hot loop",
    "optimizer remarks (clang's own)", "current C of the program")
_ORDER = (FLAGS, REMARKS, HOT_LOOP, DECLS, EXPANDED, CALLEES, CALLERS, CURRENT_C)
_PREPROCESS_TIMEOUT = 30


@dataclass(frozen=True)
class ContextItem:
    section: str
    label: str            # what it is ("struct node", "caller main")
    text: str


def build_context(ctx: TUContext, program: str, function: str, *, budget: int = FULL_BUDGET,
                  current_c: str | None = None) -> str:
    """The rendered context for rewriting ``function`` of C text ``program`` (the state
    being rewritten, or the current state's C for IR/asm agents): at most about
    ``budget`` characters. ``current_c``: a whole C program to include as one more item
    (IR/asm agents after a source rewrite)."""
    items = context_items(ctx, program, function)
    if current_c:
        items.append(ContextItem(CURRENT_C, "program", current_c))
    return render_items(select_items(items, budget))


def context_items(ctx: TUContext, program: str, function: str) -> list[ContextItem]:
    """Every candidate item, before the budget is applied."""
    items = [ContextItem(FLAGS, "flags", target_flags(ctx))]
    span = find_c_function(program, function)
    body = program[span[0]:span[1]] if span else ""
    used = set(re.findall(r"[A-Za-z_]\w*", mask_c(body))) - {function}
    program_items = c_items(program)
    defined_here = {it.names[0]: it for it in program_items if it.kind == "function" and it.names}
    # What the callees defined here use is needed too (two levels down is plenty).
    callees: set[str] = set()
    for _ in range(3):
        new = (used & set(defined_here)) - callees - {function}
        if not new:
            break
        callees |= new
        for name in new:
            used |= set(re.findall(r"[A-Za-z_]\w*", mask_c(defined_here[name].text)))
    used.discard(function)
    items += _declarations(ctx, program_items, used, defined_here)
    for name in sorted(callees):
        items.append(ContextItem(CALLEES, name, defined_here[name].text.strip()))
    expanded = _expanded(ctx, function, body)
    if expanded:
        items.append(ContextItem(EXPANDED, function, expanded))
    items += _callers(program_items, function)
    loop = hot_loop(program, function)
    if loop:
        items.append(ContextItem(HOT_LOOP, "loop", loop))
    remarks = remark_summary(ctx, function)
    if remarks:
        items.append(ContextItem(REMARKS, "remarks", remarks))
    return items


def select_items(items: list[ContextItem], budget: int) -> list[ContextItem]:
    """Smallest items first while they fit; the first that does not fit is truncated to
    the space left (if that leaves something useful); the rest are named in one marker."""
    chosen: list[ContextItem] = []
    left_out: list[ContextItem] = []
    used = 0
    for item in sorted(items, key=lambda it: len(it.text)):
        size = len(item.text) + 1
        if used + size <= budget:
            chosen.append(item)
            used += size
            continue
        room = budget - used - len(TRUNCATED) - 8
        if not left_out and room >= 200:
            cut = item.text[:room]
            cut = cut[:cut.rfind("\n")] if "\n" in cut else cut
            chosen.append(ContextItem(item.section, item.label,
                                      f"{cut}\n{TRUNCATED.format(n=len(item.text) - len(cut))}"))
            used = budget
        else:
            left_out.append(item)
    if left_out:
        names = ", ".join(f"{it.section}: {it.label}" for it in left_out[:8])
        chosen.append(ContextItem("", "", OMITTED.format(n=len(left_out), names=names)))
    return chosen


def render_items(items: list[ContextItem]) -> str:
    """Items grouped under their section titles, in a fixed section order."""
    out: list[str] = []
    for section in _ORDER:
        texts = [it.text for it in items if it.section == section]
        if texts:
            out.append(f"/* {section} */\n" + "\n\n".join(texts))
    out += [it.text for it in items if it.section == ""]
    return "\n\n".join(out)


# --------------------------------------------------------------------------- the items


def target_flags(ctx: TUContext) -> str:
    """What the code is compiled for: -O level, -march/-mcpu/-m* and FP-relevant flags."""
    relevant = [f for f in ctx.flags if re.match(r"-(m|f(?:no-)?(?:fast-math|finite|unsafe|"
                                                  r"associative|reciprocal|vectorize|unroll|"
                                                  r"strict-aliasing|wrapv|trapv)|std=|D)", f)]
    target = " ".join([ctx.opt_level, *relevant])
    if not any(f.startswith(("-march", "-mcpu")) for f in ctx.flags):
        target += " (no -march: baseline x86-64, SSE2 only)"
    return f"clang {target}"


def _declarations(ctx: TUContext, program_items: list[CItem], used: set[str],
                  defined_here: dict[str, CItem]) -> list[ContextItem]:
    """Type definitions, macros, globals and prototypes for the names ``used``, from the
    preprocessed TU (headers included) and the program's own macros, closed over the
    names those declarations use in turn (a struct's member types)."""
    pool = [it for it in program_items if it.kind != "function"]
    pool += [it for it in preprocessed_items(ctx) if it.kind != "function" or _is_inline_header(it)]
    by_name: dict[str, list[CItem]] = {}
    for it in pool:
        for name in it.names:
            by_name.setdefault(name, []).append(it)
    seen_text: set[str] = set()
    chosen: list[ContextItem] = []
    wanted = sorted(used - set(defined_here))
    done: set[str] = set()
    while wanted:
        name = wanted.pop(0)
        if name in done:
            continue
        done.add(name)
        for it in by_name.get(name, [])[:2]:
            text = it.text.strip()
            if text in seen_text or it.directive not in ("", "define"):
                continue
            seen_text.add(text)
            chosen.append(ContextItem(DECLS, name, text))
            if len(text) < 2000:      # follow what small declarations use (member types)
                wanted += sorted(set(re.findall(r"[A-Za-z_]\w*", mask_c(text))) - done
                                 - set(defined_here))
    return chosen


def _expanded(ctx: TUContext, function: str, body: str) -> str:
    """The function as the compiler sees it after the preprocessor, when macros change it
    (what ``N_BUCKETS`` or ``ZSWAP32(x)`` really are, without chasing #defines)."""
    if not body:
        return ""
    try:     # the preprocessed text is the user's file: useless once the function changed
        original = ctx.source_path.read_text(errors="replace")
    except OSError:
        return ""
    span = find_c_function(original, function)
    if span is None or c_tokens(original[span[0]:span[1]]) != c_tokens(body):
        return ""
    pre = preprocessed(ctx)
    span = find_c_function(pre, function) if pre else None
    if span is None:
        return ""
    text = pre[span[0]:span[1]]
    return text if c_tokens(text) != c_tokens(body) else ""


def _is_inline_header(item: CItem) -> bool:
    return item.kind == "function" and re.search(r"\binline\b", item.text.split("{", 1)[0]) is not None


def _callers(program_items: list[CItem], function: str) -> list[ContextItem]:
    """Functions of the program that call ``function``: their name and the call lines."""
    call = re.compile(rf"\b{re.escape(function)}\s*\(")
    out = []
    for it in program_items:
        if it.kind != "function" or not it.names or it.names[0] == function:
            continue
        lines = [line.strip() for line in it.text.splitlines() if call.search(line)]
        if lines:
            out.append(ContextItem(CALLERS, it.names[0],
                                   f"{it.names[0]}:\n" + "\n".join(f"    {ln}" for ln in lines[:6])))
    return out


_LOOP = re.compile(r"\b(for|while|do)\b")


def hot_loop(program: str, function: str) -> str:
    """The function's deepest loop nest as a line range of the function (counted from
    its first line) and its header line. Static: without line-level profile data the
    deepest nest is where the time usually goes."""
    span = find_c_function(program, function)
    if span is None:
        return ""
    text = program[span[0]:span[1]]
    masked = mask_c(text)
    lines = masked.splitlines()
    depth = 0
    best: tuple[int, int] | None = None        # (depth, line index)
    starts: list[int] = []
    for idx, line in enumerate(lines):
        for m in re.finditer(r"[{}]|\b(?:for|while|do)\b", line):
            tok = m.group(0)
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
            elif tok in ("for", "while", "do"):
                starts.append(idx)
                if best is None or depth > best[0]:
                    best = (depth, idx)
    if best is None:
        return ""
    first = best[1]
    # The loop ends where the brace depth returns to the header's depth.
    end = first
    level = 0
    opened = False
    for idx in range(first, len(lines)):
        for ch in lines[idx]:
            if ch == "{":
                level += 1
                opened = True
            elif ch == "}":
                level -= 1
        end = idx
        if (opened and level <= 0) or (not opened and idx > first and ";" in lines[idx]):
            break
    src_lines = text.splitlines()
    header = src_lines[first].strip() if first < len(src_lines) else ""
    nest = sum(1 for s in starts if s <= first and s >= first - 10)
    return (f"lines {first + 1}-{end + 1} of `{function}` (deepest loop nest, {nest} level(s) "
            f"deep; static guess): {header}")


def remark_summary(ctx: TUContext, function: str) -> str:
    """What clang's -O3 remarks and the static scores say about ``function`` (from the
    hotspot ranking's evidence, when the TU was scored)."""
    hot = next((h for h in ctx.hot_functions if h.name == function), None)
    if hot is None or not hot.evidence:
        return ""
    ev: dict[str, Any] = hot.evidence
    parts = []
    remarks = ev.get("remarks") or {}
    if remarks:
        counts = remarks.get("counts", {})
        parts.append(f"remarks: {counts.get('passed', 0)} passed, {counts.get('missed', 0)} missed, "
                     f"{counts.get('analysis', 0)} analysis")
        if remarks.get("vectorized"):
            parts.append(f"vectorized loops/lists: {remarks['vectorized']}")
        missed = sorted((remarks.get("missed") or {}).items(), key=lambda kv: -kv[1])[:5]
        if missed:
            parts.append("missed: " + ", ".join(f"{k} x{n}" for k, n in missed))
        for key in remarks.get("top_missed", [])[:3]:
            parts.append(f"opportunity: {key}")
    if ev.get("loops"):
        trips = [t for t in ev.get("trip_counts", []) if t]
        parts.append(f"{ev['loops']} loop(s), max depth {ev.get('max_loop_depth')}"
                     + (f", known trip counts {trips[:4]}" if trips else ""))
    if ev.get("profile_weight") is not None:
        parts.append(f"profile weight {ev['profile_weight']:.3g} (share of the TU's run time)")
    if ev.get("hints"):
        parts.append("looks like: " + ", ".join(ev["hints"]))
    return "\n".join(parts)


# --------------------------------------------------------------------------- preprocessing


def preprocessed(ctx: TUContext) -> str | None:
    """The TU after the preprocessor with macro definitions kept (``clang -E -dD``), cached
    in the TU workdir; None if it cannot be made (context is then built from the file)."""
    out = ctx.workdir / "context" / "preprocessed.i"
    if out.is_file():
        return out.read_text(errors="replace")
    from .levels import source_flags
    argv = [str(ctx.toolchain.clang), "-E", "-dD", "-P", *source_flags(ctx), str(ctx.source_path)]
    try:
        proc = subprocess.run(argv, cwd=ctx.cwd, capture_output=True, text=True,
                              timeout=_PREPROCESS_TIMEOUT, errors="replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        log.info("preprocessing %s for context failed: %s", ctx.source, e)
        return None
    if proc.returncode != 0:
        log.info("preprocessing %s for context failed: %s", ctx.source, proc.stderr[:300])
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(proc.stdout)
    return proc.stdout


def header_names(ctx: TUContext) -> frozenset[str]:
    """Every file-scope name the TU sees, headers and macros included (a new helper of a
    rewrite must take none of them). Empty if the TU cannot be preprocessed."""
    return frozenset(name for it in preprocessed_items(ctx) for name in it.names)


def header_tokens(ctx: TUContext) -> frozenset[str]:
    """``c_tokens`` of every item the TU sees (so a reply that restates a header's typedef
    or struct, as shown in its context, is not taken for a new definition)."""
    return frozenset(c_tokens(it.text) for it in preprocessed_items(ctx))


def preprocessed_items(ctx: TUContext) -> list[CItem]:
    """``c_items`` of the preprocessed TU (empty if it cannot be preprocessed), scanned
    once per TU: every prompt and every sample's collision check asks."""
    pre = preprocessed(ctx)
    if pre is None:
        return []
    key = (str(ctx.workdir), hash(pre))
    if key not in _PREPROCESSED_ITEMS:
        _PREPROCESSED_ITEMS.clear()          # one TU at a time: keep only the latest
        _PREPROCESSED_ITEMS[key] = c_items(pre)
    return _PREPROCESSED_ITEMS[key]


_PREPROCESSED_ITEMS: dict[tuple[str, int], list[CItem]] = {}


def current_c_text(ctx: TUContext, path: Path | None) -> str | None:
    """The C program of a state (as the user would write it), or None."""
    if path is None:
        return None
    from .levels import read_source_program
    try:
        return read_source_program(ctx, path)
    except OSError:
        return None
