"""Running the user's commands (build, check, run) in a tree, and measuring the run.

Two measures, both of the whole run command:

* ``time``: CPU time (user + sys) of the command and everything it waited for, from
  ``os.wait4``; the best and the candidate tree run in interleaved pairs and
  ``measure.timing.decide`` applies the margin, a bootstrap interval and a rank test.
* ``instructions``: instructions counted by ``valgrind --tool=callgrind`` over the command
  and its children (deterministic; one run per side).
"""
from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from ..tmpsweep import temp_dir


@dataclass
class CommandResult:
    returncode: int
    stdout: bytes
    stderr: bytes
    cpu_seconds: float
    wall_seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_command(cmd: str, cwd: Path, env: dict | None = None, timeout: float | None = None,
                log: Path | None = None) -> CommandResult:
    """Run ``sh -c cmd`` in ``cwd``; CPU time includes every child it waited for. Output
    goes to ``log`` (appended) when given, else it is captured."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(["sh", "-c", cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        timed_out = False
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                timed_out = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if log is not None:
        with open(log, "ab") as f:
            f.write(f"$ (cd {cwd} && {cmd})  -> {proc.returncode}\n".encode() + stdout + stderr)
    return CommandResult(proc.returncode, stdout, stderr, usage.ru_utime + usage.ru_stime,
                         time.monotonic() - start, timed_out)


_TOTALS = re.compile(rb"^(?:totals|summary):\s*(\d+)", re.MULTILINE)


def instruction_count(cmd: str, cwd: Path, env: dict | None = None, timeout: float | None = None) -> int | None:
    """Instructions of the command and its children under callgrind; None if it failed."""
    with temp_dir("tunecg") as tmp:
        argv = ["valgrind", "-q", "--tool=callgrind", "--trace-children=yes",
                f"--callgrind-out-file={tmp}/cg.%p", "sh", "-c", cmd]
        try:
            proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode != 0:
            return None
        total = 0
        for out in Path(tmp).glob("cg.*"):
            match = _TOTALS.search(out.read_bytes())
            if match:
                total += int(match.group(1))
        return total or None


def compare_trees(cmd: str, best: Path, cand: Path, *, mode: str, pairs: int, margin: float,
                  env: dict | None = None, timeout: float | None = None):
    """Measure the run command in the best and the candidate tree; a
    ``measure.timing.Comparison`` (speedup > 1: the candidate is faster)."""
    from ..measure.timing import compare_instruction_counts
    if mode == "instructions":
        slow = None if timeout is None else 60 * timeout     # callgrind runs ~50x slower
        ref = instruction_count(cmd, best, env, slow)
        new = instruction_count(cmd, cand, env, slow)
        if ref is None or new is None:
            raise RuntimeError("callgrind could not count the run command's instructions")
        return compare_instruction_counts(ref, new, margin=margin)

    def once(tree: Path) -> float:
        r = run_command(cmd, tree, env, timeout)
        return r.cpu_seconds if r.ok else math.inf
    return _timed_pairs(lambda: once(best), lambda: once(cand), pairs, margin)


def _timed_pairs(run_ref, run_cand, pairs: int, margin: float):
    """Interleaved (ABBA) CPU-time samples, ``pairs`` per side, decided by
    ``measure.timing.decide``. A promising but not yet significant result (median beyond
    the margin) gets ``pairs`` more, up to three times as many: on a loaded machine five
    pairs rarely settle a 3% win. (Extending only promising runs favours acceptance a
    little; the margin and the final re-measurement against the plain build bound that.)"""
    from ..measure.timing import decide
    run_ref()
    run_cand()                       # warm-up: caches, page faults
    ref: list[float] = []
    new: list[float] = []
    target = pairs
    while True:
        while len(ref) < target:
            first, second = (run_ref, run_cand) if len(ref) % 2 == 0 else (run_cand, run_ref)
            a, b = first(), second()
            ref.append(a if first is run_ref else b)
            new.append(b if first is run_ref else a)
        comparison = decide(ref, new, margin=margin)
        if comparison.accepted or target >= 3 * pairs or comparison.speedup < 1 + margin:
            return comparison
        target += pairs
