"""No tracked file names an absolute path of one particular machine.

A path such as the work directory this repository was first written in, root's or a
user's home, exists only on machines laid out the same way: tests that depend on one
silently skip (or fail) everywhere else. Shared material is reached relative to the
repository (``<repo>/../shared``); caches through ``~``/``$HOME``/``XDG`` variables.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Fixed directories of a particular machine: a work tree at /work, root's home, a user's
# home (/home/<name>), macOS homes. /tmp, /usr, /etc, /proc, /dev are the OS's own.
MACHINE_PATH = re.compile(r"(?<![\w.~$-])(/work/|/root/|/home/[A-Za-z_][\w-]*/|/Users/[A-Za-z_])")


def tracked_text_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    files = []
    for name in out.stdout.decode().split("\0"):
        path = REPO / name
        if name and path.is_file() and b"\0" not in path.read_bytes()[:4096]:
            files.append(path)
    return files


def machine_paths(text: str) -> list[str]:
    return [m.group(0) for m in MACHINE_PATH.finditer(text)]


def test_the_pattern_catches_machine_paths_and_nothing_else():
    assert machine_paths('FIXTURES = Path("/work/shared/fixtures/alive2")') == ["/work/"]
    assert machine_paths("cache in /root/.cache/llmcc") == ["/root/"]
    assert machine_paths("see /home/alice/src") == ["/home/alice/"]
    assert machine_paths("clang at /usr/lib/llvm-22/bin and /tmp/x, ~/.cache, $HOME/.cache") == []
    assert machine_paths("REPO.parent / 'shared' / 'fixtures'") == []


def test_no_tracked_file_names_a_machine_path():
    this = Path(__file__).resolve()
    offenders = []
    for path in tracked_text_files():
        if path == this:
            continue          # the pattern's own examples
        text = path.read_text(errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            if machine_paths(line):
                offenders.append(f"{path.relative_to(REPO)}:{lineno}: {line.strip()[:120]}")
    assert not offenders, "tracked files name machine paths:\n" + "\n".join(offenders)
