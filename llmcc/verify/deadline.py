"""Running a checker process under a wall-clock deadline (alive-tv, the isolated z3 checker)."""
from __future__ import annotations

import os
import signal
import subprocess


def run_with_deadline(cmd: list[str], wall_s: float, *, input: str | None = None,
                      env: dict | None = None) -> tuple[int, str, str]:
    """(returncode, stdout, stderr) of ``cmd``. It runs in its own process group, so a
    timeout kills it and anything it started before ``subprocess.TimeoutExpired`` is raised."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                            text=True, env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(input, timeout=wall_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise
    return proc.returncode, stdout, stderr
