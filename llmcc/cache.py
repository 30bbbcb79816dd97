"""Content-addressed result cache, in the manner of ccache's direct mode.

Layout under the cache root::

    manifests/ab/<key1>.json   which headers the TU read, with their hashes (-> key2)
    results/ab/<key2>/         object, .d, stderr, entry.json (sha256 of every file)
    locks/<key1>.lock          per-TU lock: parallel identical TUs do the work once
    stats.json                 counters (``llmcc stats``)

Every write goes to a temporary name and is renamed into place, so a killed build never
leaves a truncated entry. Entries are verified on read; a corrupt one is deleted and
treated as a miss. Any OSError (read-only disk, full disk) degrades to "no cache": the
caller sees a miss or a failed store, never an exception.
"""
from __future__ import annotations

import contextlib
import json
import os
import time

from .log import log

TYPE_CHECKING = False   # not typing's: importing typing costs every compile
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Iterator

# No pathlib or typing at import time: a cache hit (llmcc/driver/lookup.py) works on
# path strings through the module functions below; the Cache class, used when a TU is
# really compiled, holds a Path and calls the same functions.


ENTRY_META = "entry.json"


# shutil and tempfile are imported where used (and avoided on a compile's path), and hashes come from the _blake2 /
# _sha256 builtins when present: every compile imports this module, and hashlib loads
# OpenSSL and tempfile pulls in random and shutil before anything is hashed or written.


def _blake2b(data: bytes = b""):
    try:
        from _blake2 import blake2b
    except ImportError:   # another Python build: the public module
        from hashlib import blake2b
    return blake2b(data, digest_size=20)


def hash_bytes(*parts: bytes) -> str:
    h = _blake2b()
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()


def hash_file(path: str | os.PathLike) -> str | None:
    try:
        with open(path, "rb") as f:
            return _blake2b(f.read()).hexdigest()
    except OSError:
        return None


def _sha256(path: str | os.PathLike) -> str:
    with open(path, "rb") as f:
        return _sha256_bytes(f.read())


def _sha256_bytes(data: bytes) -> str:
    try:
        from _sha256 import sha256
    except ImportError:
        from hashlib import sha256
    return sha256(data).hexdigest()


def atomic_write_bytes(dest: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``dest`` through a unique temp file in the same directory and a
    rename, so readers (and a killed build) never see a half-written file. ``mode``
    sets the permissions; default: private 0600 (as mkstemp's)."""
    dest = os.fspath(dest)
    # pid + a nanosecond clock + O_EXCL: unique without tempfile's imports.
    tmp = os.path.join(os.path.dirname(dest),
                       f".{os.path.basename(dest)}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_copy(src: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Copy ``src`` over ``dest`` atomically, with the permissions a compiler's output
    gets (0666 less the umask). Objects are small, so reading them whole is fine."""
    umask = os.umask(0)
    os.umask(umask)
    with open(src, "rb") as f:
        data = f.read()
    atomic_write_bytes(dest, data, mode=0o666 & ~umask)


def _flock(fd: int, timeout: float) -> bool:
    """Take an exclusive flock on ``fd``, polling until ``timeout`` seconds pass.
    (fcntl directly: the filelock package costs ~15 ms of imports per compile.)"""
    import fcntl
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        except OSError:
            return False


# --------------------------------------------------------------------------- by path string
# What a cache hit needs, on plain strings (``root`` is the cache directory).


def manifest_file(root: str, key1: str) -> str:
    return os.path.join(root, "manifests", key1[:2], f"{key1}.json")


def entry_dir(root: str, key2: str) -> str:
    return os.path.join(root, "results", key2[:2], key2)


def read_manifest(root: str, key1: str) -> list[tuple[str, str, str]] | None:
    """(header path, hash, stat signature or "") recorded for ``key1``, or None."""
    try:
        with open(manifest_file(root, key1), "rb") as f:
            data = json.loads(f.read())
        return [(str(e[0]), str(e[1]), str(e[2]) if len(e) > 2 else "") for e in data["headers"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


# A file whose mtime or ctime is this recent may still change within one timestamp tick:
# its stat signature is neither recorded nor trusted (ccache's inode cache does the same).
SETTLE_SECONDS = 2.0


def stat_signature(path: str) -> str:
    """device, inode, size, mtime and ctime of ``path``: equal signatures mean the same
    bytes (any write moves ctime), so a cache hit need not hash the file again. "" for a
    file changed in the last ``SETTLE_SECONDS`` or that cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    if time.time() - max(st.st_mtime, st.st_ctime) < SETTLE_SECONDS:
        return ""
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def header_hash(path: str) -> tuple[str | None, str]:
    """(content hash, stat signature) of a header for a manifest; the signature is ""
    unless the file stayed the same while it was read."""
    before = stat_signature(path)
    digest = hash_file(path)
    return digest, (before if before and stat_signature(path) == before else "")


def header_matches(path: str, digest: str, signature: str) -> bool:
    """Whether a header still has the content ``digest``: by its stat signature when one
    was recorded and still holds, else by hashing it."""
    if signature and stat_signature(path) == signature:
        return True
    return hash_file(path) == digest


def lookup_entry(root: str, key2: str) -> dict[str, str] | None:
    """The verified files of an entry (name -> path), or None on a miss. A corrupt
    entry is removed and reported as a miss."""
    d = entry_dir(root, key2)
    meta_file = os.path.join(d, ENTRY_META)
    try:
        with open(meta_file, "rb") as f:
            meta = json.loads(f.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        _discard(root, d, "unreadable entry")
        return None
    files: dict[str, str] = {}
    try:
        for name, digest in meta["files"].items():
            p = os.path.join(d, name)
            if _sha256(p) != digest:
                _discard(root, d, f"checksum mismatch in {name}")
                return None
            files[name] = p
        os.utime(meta_file)   # LRU: a hit makes the entry young again
    except (OSError, KeyError, TypeError, AttributeError):
        _discard(root, d, "damaged entry")
        return None
    return files


def _discard(root: str, d: str, why: str) -> None:
    import shutil
    log.warning("cache: dropping corrupt entry %s: %s", os.path.basename(d), why)
    bump_stats(root, {"cache_corrupt": 1})
    shutil.rmtree(d, ignore_errors=True)


def read_stats(root: str) -> dict[str, int]:
    try:
        with open(os.path.join(root, "stats.json"), "rb") as f:
            data = json.loads(f.read())
        return {k: int(v) for k, v in data.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def bump_stats(root: str, counters: dict[str, int]) -> dict[str, int]:
    """Add to counters under the stats lock; the new values ({} if the dir is unusable)."""
    try:
        os.makedirs(root, exist_ok=True)
        fd = os.open(os.path.join(root, "stats.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        log.info("cache: cannot update stats: %s", e)
        return {}
    try:
        if not _flock(fd, 10.0):
            return {}
        stats = read_stats(root)
        for k, v in counters.items():
            stats[k] = stats.get(k, 0) + v
        atomic_write_bytes(os.path.join(root, "stats.json"), json.dumps(stats, sort_keys=True).encode())
        return stats
    except OSError as e:
        log.info("cache: cannot update stats: %s", e)
        return {}
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- the store


class Cache:
    """The on-disk cache. Construct it cheaply; nothing touches the disk until used."""

    def __init__(self, root: str | os.PathLike, max_size: int):
        from pathlib import Path
        self.root = Path(root)
        self.max_size = max_size

    # ------------------------------------------------------------------ manifests
    def _manifest_path(self, key1: str) -> Path:
        return self.root / "manifests" / key1[:2] / f"{key1}.json"

    def read_manifest(self, key1: str) -> list[tuple[str, str, str]] | None:
        return read_manifest(str(self.root), key1)

    def write_manifest(self, key1: str, headers: list[tuple[str, str, str]]) -> bool:
        """Record (header path, hash, stat signature) for ``key1``."""
        try:
            path = self._manifest_path(key1)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, json.dumps({"headers": headers}).encode())
            return True
        except OSError as e:
            log.info("cache: cannot write manifest: %s", e)
            return False

    # ------------------------------------------------------------------ results
    def _entry_dir(self, key2: str) -> Path:
        return self.root / "results" / key2[:2] / key2

    def lookup(self, key2: str) -> dict[str, Path] | None:
        """The verified files of an entry (name -> Path), or None (``lookup_entry``)."""
        from pathlib import Path
        files = lookup_entry(str(self.root), key2)
        return None if files is None else {k: Path(v) for k, v in files.items()}

    def _discard(self, d: Path, why: str) -> None:
        _discard(str(self.root), str(d), why)

    def store(self, key2: str, files: dict[str, Path | bytes]) -> bool:
        """Store an entry atomically: build it in a temp dir, then rename the directory."""
        # Neither tempfile nor shutil (zlib, bz2, lzma at import): every miss stores.
        from pathlib import Path
        from .tmpsweep import make_unique_dir, remove_tree
        d = self._entry_dir(key2)
        tmp = None
        try:
            d.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(make_unique_dir(str(d.parent), ".tmp-"))
            digests: dict[str, str] = {}
            total = 0
            for name, content in files.items():
                data = content if isinstance(content, bytes) else Path(content).read_bytes()
                (tmp / name).write_bytes(data)
                digests[name] = _sha256_bytes(data)
                total += len(data)
            (tmp / ENTRY_META).write_text(json.dumps({"files": digests, "size": total,
                                                      "created": time.time()}))
            if d.exists():
                remove_tree(str(d))   # replacing a corrupt/old entry
            os.rename(tmp, d)
            tmp = None
        except OSError as e:
            log.info("cache: store failed (%s); continuing without cache", e)
            return False
        finally:
            if tmp is not None:
                remove_tree(str(tmp))
        if self.bump("bytes_stored_since_evict", total) > self.max_size // 10:
            self.evict()
        return True

    # ------------------------------------------------------------------ locking
    @contextlib.contextmanager
    def lock(self, key: str, timeout: float = 900.0) -> Iterator[bool]:
        """Per-key lock so that parallel identical TUs (make -j) do the work once.
        Yields False (and lets the caller go ahead unlocked) if locking is impossible.
        An flock dies with its process, so a killed compile never leaves a stale lock."""
        try:
            (self.root / "locks").mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / "locks" / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            log.info("cache: no lock for %s (%s)", key, e)
            yield False
            return
        try:
            locked = _flock(fd, timeout)
            yield locked
        finally:
            os.close(fd)   # closing releases the lock

    # ------------------------------------------------------------------ stats
    def _stats_path(self) -> Path:
        return self.root / "stats.json"

    def bump(self, counter: str, amount: int = 1) -> int:
        """Add to a counter; returns the new value (0 if the cache dir is unusable)."""
        return self.bump_many({counter: amount}).get(counter, 0)

    def bump_many(self, counters: dict[str, int]) -> dict[str, int]:
        return bump_stats(str(self.root), counters)

    def read_stats(self) -> dict[str, int]:
        return read_stats(str(self.root))

    def reset_stats(self) -> None:
        with contextlib.suppress(OSError):
            self._stats_path().unlink()

    # ------------------------------------------------------------------ size bound
    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, size, dir) of every result entry."""
        out = []
        results = self.root / "results"
        if not results.is_dir():
            return out
        for sub in results.iterdir():
            if not sub.is_dir():
                continue
            for d in sub.iterdir():
                meta = d / ENTRY_META
                try:
                    st = meta.stat()
                    size = json.loads(meta.read_text()).get("size", 0)
                except (OSError, ValueError):
                    continue
                out.append((st.st_mtime, int(size), d))
        return out

    def evict(self) -> int:
        """Remove least recently used entries until the cache is below 90% of its bound.
        Returns the number of entries removed."""
        import shutil
        entries = sorted(self.entries())
        total = sum(size for _, size, _ in entries)
        removed = 0
        target = int(self.max_size * 0.9)
        for _, size, d in entries:
            if total <= target:
                break
            shutil.rmtree(d, ignore_errors=True)
            total -= size
            removed += 1
        stats = self.read_stats()
        self.bump_many({"bytes_stored_since_evict": -stats.get("bytes_stored_since_evict", 0),
                        "evicted": removed})
        return removed

    def summary(self) -> dict[str, int]:
        entries = self.entries()
        return {"entries": len(entries), "size": sum(s for _, s, _ in entries),
                "max_size": self.max_size}

    def clear(self) -> int:
        """Remove every entry and manifest; keep the statistics."""
        import shutil
        n = len(self.entries())
        for sub in ("results", "manifests", "locks"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
        return n
