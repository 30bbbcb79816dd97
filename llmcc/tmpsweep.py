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
import time

TYPE_CHECKING = False   # not typing's: importing typing costs every compile
if TYPE_CHECKING:
    from pathlib import Path

# No tempfile / pathlib / re at import time: every compiled TU takes a work directory
# here, and tempfile alone (random -> hashlib -> OpenSSL) costs more than the rest.

MIN_AGE = 300.0      # seconds: never touch a directory younger than this
INTERVAL = 600.0     # seconds between sweeps (per user, across processes)
# llmcc-[kind-]<pid>-<8 random chars>: nothing else is touched (llmcc-cache-<uid>,
# llmcc-sandbox-<uid>, a tune session's kept workdir, other tools' directories).
_OWNED = r"^llmcc-(?:[a-z]+-)*(\d+)-[a-z0-9_]{8}$"


def temp_root() -> str:
    """The temporary directory, chosen as ``tempfile.gettempdir`` does ($TMPDIR, $TEMP,
    $TMP, then /tmp, /var/tmp, /usr/tmp, then the working directory), without importing it."""
    for d in (os.environ.get("TMPDIR"), os.environ.get("TEMP"), os.environ.get("TMP"),
              "/tmp", "/var/tmp", "/usr/tmp"):
        if d and os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK):
            return os.path.abspath(d)
    return os.getcwd()


def make_unique_dir(parent: str, prefix: str) -> str:
    """Create a new private (0700) directory ``<parent>/<prefix><8 random [0-9a-f]>``."""
    for _ in range(100):
        path = os.path.join(parent, prefix + os.urandom(4).hex())
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no unique directory name under {parent}")


class temp_dir:
    """A private temporary directory, removed with its contents on exit (as
    ``tempfile.TemporaryDirectory``, whose interface it keeps: ``with temp_dir() as path``,
    ``.name``, ``.cleanup()``), named ``llmcc-[kind-]<pid>-<random>`` so that ``sweep``
    can find its owner."""

    def __init__(self, kind: str = ""):
        self.name = make_unique_dir(temp_root(), f"llmcc-{kind + '-' if kind else ''}{os.getpid()}-")

    def __enter__(self) -> str:
        return self.name

    def __exit__(self, *exc) -> bool:
        self.cleanup()
        return False

    def cleanup(self) -> None:
        remove_tree(self.name)


def remove_tree(path: str) -> None:
    """``shutil.rmtree(path, ignore_errors=True)`` for llmcc's own small directories,
    without shutil's imports (zlib, bz2, lzma): symlinks are removed, never followed."""
    try:
        entries = list(os.scandir(path))
    except OSError:
        entries = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                remove_tree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        pass


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
    import re
    import shutil
    from pathlib import Path
    root = Path(tmpdir or temp_root())
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
    root = os.fspath(tmpdir or temp_root())
    stamp = os.path.join(root, f".llmcc-sweep-{os.getuid()}")
    now = time.time()
    try:
        if now - os.stat(stamp).st_mtime < interval:
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
