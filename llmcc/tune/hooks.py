"""The driver's one entry into ``llmcc tune``: called by ``run_compiler`` only when a tune
variable is set or a decisions file is configured or found, so normal compiles import
nothing from here.

``on_compile`` returns an exit status when it handled the invocation (or execs clang and
never returns), and None when the normal compile flow should go on.

* ``LLMCC_TUNE_INSTRUMENT=1`` (the session's profiling build): every compile and link runs
  clang with ``-fprofile-instr-generate`` -- links too, or the runtime is missing.
* ``LLMCC_TUNE_RECORD=<file>`` (the session's first build): record the compile, then go on.
* otherwise: a matching decision compiles the TU (``decisions.compile_by_decision``).
"""
from __future__ import annotations

import os
from pathlib import Path


def on_compile(tc, settings, clang_args: list[str], inv, cwd: Path) -> int | None:
    """Handle the invocation for a tune session or a decision; None: compile normally.
    Any internal error is logged and the normal flow goes on (never break a build)."""
    try:
        return _on_compile(tc, settings, clang_args, inv, cwd)
    except Exception as e:  # noqa: BLE001 - by design
        from ..log import log
        log.info("tune hook failed, compiling normally: %s: %s", type(e).__name__, e)
        return None


def _on_compile(tc, settings, clang_args: list[str], inv, cwd: Path) -> int | None:
    env = os.environ
    if env.get("LLMCC_TUNE_INSTRUMENT"):
        if not any(not a.startswith("-") for a in clang_args):
            return None      # a bare query (--version, -print-*): nothing to instrument
        from .decisions import _exec
        return _exec(str(tc.clang), [*clang_args, "-fprofile-instr-generate"])
    if not inv.candidate:
        return None
    if env.get("LLMCC_TUNE_RECORD"):
        from .record import record_compile
        root = Path(env.get("LLMCC_TUNE_ROOT") or cwd)
        try:
            record_compile(env["LLMCC_TUNE_RECORD"], str(tc.clang), clang_args, inv, cwd, root)
        except (OSError, ValueError) as e:
            from ..log import log
            log.info("tune: compile of %s not recorded: %s", inv.source, e)
        return None
    return _apply_decision(tc, settings, inv, cwd)


def _apply_decision(tc, settings, inv, cwd: Path) -> int | None:
    from .decisions import (DecisionsError, _stale, compile_by_decision, decisions_root,
                            find_decisions_file, load_decisions, match_compile)
    path = find_decisions_file(settings.get("decisions", ""), cwd)
    if path is None:
        return None
    try:
        data = load_decisions(path)
    except DecisionsError as e:
        return _stale(settings, f"unreadable decisions file: {e}")
    match = match_compile(data, decisions_root(path, data), inv, cwd)
    if match.stale:
        return _stale(settings, match.stale)
    if match.decision is None:
        return None
    return compile_by_decision(tc, settings, inv, cwd, match.decision, path)
