"""Temporary directories that outlive a killed llmcc are removed by a later one.

``TemporaryDirectory`` cleans up on normal exit and on exceptions, but not after
``kill -9`` (a build system's timeout, an OOM kill, ^C of ``make`` in some shells): each
killed compile would leave its work directory (candidate programs, objects, harnesses) in
``$TMPDIR`` for good. So llmcc names its temporary directories with the owner's pid
(``llmcc-[kind-]<pid>-<random>``, see ``temp_dir``), and ``maybe_sweep`` removes those
whose owner is dead and which are older than ``MIN_AGE``. The sweep runs at most once per
``INTERVAL`` per user (a stamp file's mtime), so a compile normally pays one ``stat``.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

MIN_AGE = 300.0      # seconds: never touch a directory younger than this
INTERVAL = 600.0     # seconds between sweeps (per user, across processes)
# llmcc-[kind-]<pid>-<8 random chars>: nothing else is touched (llmcc-cache-<uid>,
# llmcc-sandbox-<uid>, a tune session's kept workdir, other tools' directories).
_OWNED = r"^llmcc-(?:[a-z]+-)*(\d+)-[a-z0-9_]{8}$"


def temp_dir(kind: str = ""):
    """A ``tempfile.TemporaryDirectory`` named so that ``sweep`` can find its owner."""
    import tempfile
    return tempfile.TemporaryDirectory(prefix=f"llmcc-{kind + '-' if kind else ''}{os.getpid()}-")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # exists, owned by someone else
        return True
    return True


def sweep(tmpdir: Path | None = None, *, min_age: float = MIN_AGE, now: float | None = None) -> list[Path]:
    """Remove this user's stale llmcc temporary directories in ``tmpdir``; the removed paths."""
    import shutil
    import tempfile
    root = Path(tmpdir or tempfile.gettempdir())
    now = time.time() if now is None else now
    uid = os.getuid()
    owned_name = re.compile(_OWNED)   # compiled here: nothing is compiled at start-up
    removed = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith("llmcc-"):
            continue
        owned = owned_name.match(entry.name)
        if owned is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or st.st_uid != uid:
            continue
        if now - st.st_mtime >= min_age and not _alive(int(owned.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)
            if not os.path.exists(entry.path):
                removed.append(Path(entry.path))
    return removed


def maybe_sweep(tmpdir: Path | None = None, *, interval: float = INTERVAL) -> list[Path]:
    """``sweep`` unless this user swept less than ``interval`` seconds ago. Never raises."""
    import tempfile
    root = Path(tmpdir or tempfile.gettempdir())
    stamp = root / f".llmcc-sweep-{os.getuid()}"
    now = time.time()
    try:
        if now - stamp.stat().st_mtime < interval:
            return []
    except FileNotFoundError:
        pass
    except OSError:
        return []
    try:
        # Claim this sweep first: concurrent compiles then skip it.
        fd = os.open(stamp, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
        os.utime(stamp, (now, now))
        return sweep(root, now=now)
    except OSError:
        return []
