"""Deterministic repair of LLM-written pipelines and edits (AutoPass's repair step).

Three fixes, each recorded as a note for the report:

* brackets: drop closers that close nothing, close what is left open, drop empty list items;
* names: an unknown pass (or knob) name maps to the nearest valid one by edit distance,
  only when it is close (``loop-unrol`` -> ``loop-unroll``); otherwise the text is rejected;
* empty adaptors (``function()``) are dropped.

Nothing here runs opt; ``validate`` does that afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from . import passes as pass_table
from .model import KNOBS, PassNode, Pipeline, PipelineSyntaxError, parse_pipeline, print_pipeline

# Adaptor and utility names opt accepts in a pipeline that --print-passes does not list.
ADAPTOR_NAMES = frozenset({"module", "cgscc", "function", "loop", "loop-mssa", "devirt",
                           "repeat", "require", "invalidate"})
_PAIRS = {"(": ")", "<": ">"}


class RepairError(ValueError):
    """The text cannot be repaired into a pipeline (too far from anything valid)."""


@dataclass
class Repaired:
    """A repaired pipeline text and what was changed to get it."""

    text: str
    notes: list[str] = field(default_factory=list)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert/delete/substitute cost 1)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def nearest_name(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate if it is close enough to be a typo, else None.

    "Close enough": at most 2 edits and at most a third of the name's length, so
    ``licmm`` -> ``licm`` but ``vectorize-everything`` maps to nothing. Ties break by name,
    so the result is deterministic."""
    best: tuple[int, str] | None = None
    for cand in candidates:
        d = edit_distance(name, cand)
        if best is None or (d, cand) < best:
            best = (d, cand)
    if best is None:
        return None
    distance, cand = best
    return cand if distance <= min(2, max(1, len(name) // 3)) else None


def balance_brackets(text: str) -> tuple[str, list[str]]:
    """Drop unmatched closers, append missing closers, and drop empty list items."""
    notes: list[str] = []
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in (")", ">"):
            if stack and _PAIRS[stack[-1]] == ch:
                stack.pop()
            elif stack and ch == ")" and "(" in stack:
                # Close the parameter groups left open inside this adaptor first.
                while stack[-1] != "(":
                    out.append(_PAIRS[stack.pop()])
                    notes.append("closed an unterminated '<'")
                stack.pop()
            else:
                notes.append(f"dropped an unmatched '{ch}'")
                continue
        out.append(ch)
    while stack:
        out.append(_PAIRS[stack.pop()])
        notes.append("closed an unterminated bracket at the end")
    fixed = "".join(out)
    cleaned = _drop_empty_items(fixed)
    if cleaned != fixed:
        notes.append("dropped empty list items")
    return cleaned, notes


def _drop_empty_items(text: str) -> str:
    # Only commas outside <...> separate items; parameters may legitimately be empty.
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        if depth == 0 and ch == "," and (not out or out[-1] in ",("):
            continue
        if depth == 0 and ch == ")" and out and out[-1] == ",":
            out.pop()
        out.append(ch)
    while out and out[-1] == ",":
        out.pop()
    return "".join(out)


def fix_names(nodes: Pipeline, notes: list[str]) -> Pipeline:
    """Map unknown pass names to the nearest known one; RepairError if none is close."""
    known = pass_table.known_pass_names()
    fixed: list[PassNode] = []
    for node in nodes:
        name = node.name
        if name not in known and name not in ADAPTOR_NAMES:
            pool = ADAPTOR_NAMES if node.children is not None else known
            guess = nearest_name(name, pool)
            if guess is None:
                raise RepairError(f"unknown pass '{name}' (nothing close enough to map it to)")
            notes.append(f"renamed unknown pass '{name}' to '{guess}'")
            name = guess
        children = fix_names(node.children, notes) if node.children is not None else None
        fixed.append(PassNode(name, node.params, children))
    return tuple(fixed)


def drop_empty_adaptors(nodes: Pipeline, notes: list[str]) -> Pipeline:
    """Remove adaptors with nothing inside (after their contents were cleaned)."""
    out: list[PassNode] = []
    for node in nodes:
        if node.children is not None:
            children = drop_empty_adaptors(node.children, notes)
            if not children:
                notes.append(f"dropped empty adaptor '{node.name}()'")
                continue
            node = PassNode(node.name, node.params, children)
        out.append(node)
    return tuple(out)


def repair_pipeline_text(text: str) -> Repaired:
    """Repair a pipeline string. Raises RepairError if it cannot be made well formed."""
    raw = text.strip().strip("'\"`").strip()
    if raw.startswith("-passes="):
        raw = raw[len("-passes="):].strip("'\"")
    raw = "".join(raw.split())  # whitespace is never meaningful in a pipeline
    balanced, notes = balance_brackets(raw)
    try:
        nodes = parse_pipeline(balanced)
    except PipelineSyntaxError as e:
        raise RepairError(f"not a pipeline after bracket repair: {e}") from None
    nodes = drop_empty_adaptors(fix_names(nodes, notes), notes)
    if not nodes:
        raise RepairError("pipeline is empty")
    return Repaired(print_pipeline(nodes), notes)


def repair_edits(edits: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Repair pass and knob names inside edits; returns (edits, notes).

    Raises RepairError when a name is too far from every valid one (the whole reply is
    then a failed attempt, recorded with this reason)."""
    notes: list[str] = []
    fixed: list[dict[str, Any]] = []
    for edit in edits:
        if not isinstance(edit, dict):
            raise RepairError(f"edit is not an object: {edit!r}")
        edit = dict(edit)
        for key in ("pass", "after", "before"):
            if isinstance(edit.get(key), str):
                edit[key] = _repair_ref(edit[key], notes)
        if isinstance(edit.get("knob"), str):
            knob = edit["knob"].lstrip("-")
            if knob not in KNOBS:
                guess = nearest_name(knob, KNOBS)
                if guess is None:
                    raise RepairError(f"unknown knob '{knob}'")
                notes.append(f"renamed unknown knob '{knob}' to '{guess}'")
                knob = guess
            edit["knob"] = knob
        fixed.append(edit)
    return fixed, notes


def _repair_ref(ref: str, notes: list[str]) -> str:
    """A pass reference (``name``, ``name@k`` or a pass with params) with a repaired name."""
    name, at, occurrence = ref.partition("@")
    repaired = repair_pipeline_text(name)
    notes.extend(repaired.notes)
    return repaired.text + (at + occurrence if at else "")
