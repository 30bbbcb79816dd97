"""Parse and verify text a model wrote (LLVM IR) where a crash is only a rejected sample.

llvmlite embeds an LLVM built with assertions: some malformed modules (a function's
``!dbg`` naming a node of the wrong kind, for one) make it ``abort()`` inside
``parse_assembly`` and would kill the compiler with SIGABRT. So model-written IR is first
parsed, verified and walked (every function, block, instruction and operand, as the formal
checkers do) by llvmlite in a child process with CPU, memory and time limits. Only text the
child accepted is ever given to llvmlite in llmcc's own process; parsing is deterministic,
so what did not crash there does not crash here.

``check_ir`` is the one entry point; ``IRCheck.crashed`` tells a crash (abort, segfault,
timeout, memory limit) from an ordinary parse/verify error.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import NamedTuple

# Limits for the child: a sane module parses in well under a second and a few hundred MB.
CHECK_TIMEOUT = 30.0
CHECK_MEMORY_BYTES = 2 << 30

# Run with ``python -c``: the child imports only llvmlite, not llmcc (fast, no side effects).
_CHILD = r"""
import json, resource, sys
# Limits are set here rather than in a preexec_fn: the parent may have threads running.
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))       # an abort leaves no core file
resource.setrlimit(resource.RLIMIT_AS, ({mem}, {mem}))
resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
import llvmlite.binding as llvm
text = sys.stdin.buffer.read().decode("utf-8", "replace")
try:
    module = llvm.parse_assembly(text)
    module.verify()
except RuntimeError as e:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    print(json.dumps({"ok": False, "error": " ".join(lines[:3])[:500] or "invalid IR"}))
    sys.exit(0)
# Walk what the formal checkers walk, so an assertion hit there is hit here first.
for fn in module.functions:
    str(fn.type)
    for arg in fn.arguments:
        str(arg), list(arg.attributes)
    for block in fn.blocks:
        for inst in block.instructions:
            str(inst), inst.opcode
            for op in inst.operands:
                str(op.type)
for gv in module.global_variables:
    str(gv)
str(module)
print(json.dumps({"ok": True, "error": ""}))
"""


class IRCheck(NamedTuple):
    """The child's answer: ``ok``, else ``problem`` (first error line); ``crashed``: the
    parser died (signal, timeout, out of memory) rather than reporting an error."""

    ok: bool
    problem: str = ""
    crashed: bool = False


def check_ir(text: str, *, timeout: float = CHECK_TIMEOUT) -> IRCheck:
    """Parse, verify and walk ``text`` with llvmlite in a contained child process."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    child = _CHILD.replace("{mem}", str(CHECK_MEMORY_BYTES)).replace("{cpu}", str(int(timeout) + 1))
    try:
        proc = subprocess.run([sys.executable, "-c", child], input=text.encode("utf-8", "replace"),
                              capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return IRCheck(False, f"the IR parser ran past {timeout:.0f}s", crashed=True)
    except OSError as e:  # cannot start the child: reject (never parse unchecked text here)
        return IRCheck(False, f"cannot run the IR check: {e}", crashed=False)
    if proc.returncode != 0:
        return IRCheck(False, _death(proc.returncode, proc.stderr), crashed=True)
    try:
        answer = json.loads(proc.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
        return IRCheck(bool(answer["ok"]), str(answer.get("error", "")))
    except (ValueError, IndexError, KeyError, TypeError):
        return IRCheck(False, "the IR check gave no answer", crashed=True)


def _death(returncode: int, stderr: bytes) -> str:
    """A one-line description of how the child died (signal name, the assertion if any)."""
    import signal
    if returncode < 0:
        try:
            how = f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"killed by signal {-returncode}"
    else:
        how = f"exited with status {returncode}"
    lines = [ln for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    why = next((ln for ln in lines if "Assertion" in ln or "LLVM ERROR" in ln), lines[-1] if lines else "")
    why = why.split("Assertion", 1)[-1] if "Assertion" in why else why
    return f"the IR parser crashed ({how}){': ' + why.strip()[:300] if why else ''}"
