"""Run a check in a child process, so that untrusted IR that makes llvmlite (LLVM) abort or
z3 run out of memory costs a rejected sample, never the caller's process.

``run_isolated("llmcc.verify.smt.checker:check_refinement", {...})`` calls the function in
``python -m llmcc.verify.smt.isolated`` with the keyword arguments (JSON on stdin) and
returns its ``Verdict`` (JSON on stdout). A child killed by a signal, a child that exits
without an answer, or a wall-clock overrun becomes a ``Verdict`` too (INVALID for a crash:
the input made LLVM abort; INCONCLUSIVE for a timeout).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from ..deadline import run_with_deadline
from ..verdict import Verdict, VerdictKind

_MEMORY_LIMIT = 4 << 30   # bytes of address space for the child (z3 can grow large)


def run_isolated(target: str, kwargs: dict, *, wall_s: float = 120.0, checker: str = "smt") -> Verdict:
    """Call ``module:function`` with ``kwargs`` in a child; the result must be a Verdict."""
    request = json.dumps({"target": target, "kwargs": kwargs})
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        returncode, out, err = run_with_deadline([sys.executable, "-m", "llmcc.verify.smt.isolated"],
                                                 wall_s, input=request, env=env)
    except OSError as e:
        return Verdict(VerdictKind.INCONCLUSIVE, checker, f"could not start the checker process: {e}")
    except subprocess.TimeoutExpired:
        return Verdict(VerdictKind.INCONCLUSIVE, checker, f"checker exceeded {wall_s:.0f} s wall clock")
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else "?"
        tail = err.strip().splitlines()[-3:] if err.strip() else []
        return Verdict(VerdictKind.INVALID, checker,
                       f"the checker process died ({name}) on this input: " + " | ".join(tail)[:500])
    try:
        data = json.loads(out.strip().splitlines()[-1])
        return Verdict(VerdictKind(data["kind"]), data["checker"], data["detail"], data["counterexample"],
                       data.get("data") or {})
    except (ValueError, KeyError, IndexError) as e:
        return Verdict(VerdictKind.INCONCLUSIVE, checker,
                       f"checker process gave no verdict (exit {returncode}, {type(e).__name__}): "
                       f"{err.strip()[-300:]}")


def _child() -> int:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    request = json.loads(sys.stdin.read())
    module_name, function_name = request["target"].split(":", 1)
    import importlib

    function = getattr(importlib.import_module(module_name), function_name)
    try:
        verdict = function(**request["kwargs"])
    except MemoryError:
        verdict = Verdict(VerdictKind.INCONCLUSIVE, "smt", "checker ran out of memory")
    sys.stdout.write("\n" + json.dumps(verdict.to_json(), default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_child())
