"""Cache keys and cache hits (ccache's direct mode), on plain path strings.

    direct_key    llmcc version and settings, compiler identity, the arguments as
                  ``cache_key.key_arguments`` keys them, the source text, the relevant
                  environment: everything but the headers
    try_restore   the manifest of ``direct_key`` lists the headers the TU read last time
                  with their hashes; if every one still matches, the stored result's
                  object (and .d) is written and clang's output replayed

No clang -E runs for a hit: hashing the source and the listed headers is the whole cost,
and a header whose stat signature (device, inode, size, mtime, ctime) is the one recorded
is not even read again (system headers, a rebuild in the same tree). Any header that
changed (or vanished) changes its hash or its signature, so the manifest no longer
matches: a miss, never a stale object. This module is on the fast path of every compile
(llmcc/driver/entry.py): no pathlib, subprocess or typing here.
"""
from __future__ import annotations

import os
import sys

from .. import __version__

# Environment that changes what the preprocessor sees (DROPIN 19).
KEY_ENV_VARS = ("CPATH", "C_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "SOURCE_DATE_EPOCH",
                "LANG", "LC_ALL", "LC_CTYPE")
TIME_MACROS = (b"__DATE__", b"__TIME__", b"__TIMESTAMP__")


def direct_key(clang: str | os.PathLike, settings, inv, cwd: str | os.PathLike) -> str | None:
    """Key of everything but the headers: llmcc version and settings, compiler identity,
    the arguments as ``cache_key.key_arguments`` keys them (no output path; the cwd only
    where it lands in the object; paths under ``cache.base_dir`` relative), the source
    text, the preprocessor-relevant environment, and whether stderr is a terminal
    (clang colours diagnostics only then). None if the TU cannot be cached."""
    cwd = os.fspath(cwd)
    try:
        with open(os.path.join(cwd, inv.source), "rb") as f:
            src = f.read()
    except OSError:
        return None
    if "SOURCE_DATE_EPOCH" not in os.environ and any(m in src for m in TIME_MACROS):
        return None
    if os.environ.get("CC_PRINT_HEADERS") or os.environ.get("CC_PRINT_HEADERS_FILE"):
        return None   # the user already uses clang's header printing; we must not disturb it
    from ..cache import hash_bytes, hash_file
    from ..toolchain import clang_identity, feature_plugin_file
    from .cache_key import key_arguments
    env = "\0".join(f"{k}={os.environ.get(k, '')}" for k in KEY_ENV_VARS)
    plugin = feature_plugin_file()
    native = native_cpu() if any(a.endswith("=native") for a in inv.expanded) else b""
    parts = [__version__.encode(), settings.fingerprint().encode(),
             clang_identity(os.fspath(clang)).encode(), native,
             "\0".join(key_arguments(inv.expanded, output=inv.output, cwd=cwd,
                                     base_dir=settings["cache_base_dir"],
                                     has_dep_file=bool(inv.dep_file))).encode(),
             src, env.encode(),
             str(sys.stderr.isatty()).encode(),
             (hash_file(plugin) or "").encode() if plugin else b""]
    return hash_bytes(*parts)


def native_cpu() -> bytes:
    """What -march=native / -mtune=native resolve to on this machine (DROPIN 19): the
    CPU's model and feature flags, so a cache shared between machines stays right."""
    try:
        with open("/proc/cpuinfo", "rb") as f:
            lines = f.read().splitlines()
    except OSError:
        return b"unknown-cpu"
    keep = (b"model name", b"flags", b"vendor_id", b"cpu family", b"model\t")
    return b"\n".join(sorted({line for line in lines if line.startswith(keep)}))


def result_key(key1: str, header_hashes: list[str]) -> str:
    """The stored result's key: the direct key plus the hashes of the headers read."""
    from ..cache import hash_bytes
    return hash_bytes(key1.encode(), "\0".join(header_hashes).encode())


def try_restore(root: str, key1: str, inv) -> int | None:
    """On a hit, write the object (and .d) exactly as stored, replay clang's output and
    return its status; None on a miss. ``root`` is the cache directory."""
    from ..cache import atomic_copy, bump_stats, header_matches, lookup_entry, read_manifest
    manifest = read_manifest(root, key1)
    if manifest is None:
        return None
    hashes = []
    for path, digest, signature in manifest:
        if not header_matches(path, digest, signature):
            return None
        hashes.append(digest)
    files = lookup_entry(root, result_key(key1, hashes))
    if files is None or "object" not in files:
        return None
    try:
        atomic_copy(files["object"], inv.output)
        if inv.dep_file and "depfile" in files:
            atomic_copy(files["depfile"], inv.dep_file)
    except OSError as e:
        from ..log import log
        log.info("cache: restore failed (%s); compiling", e)
        return None
    bump_stats(root, {"cache_hit": 1})
    return emit(_read(files.get("stdout")), _read(files.get("stderr")), 0)


def _read(path: str | None) -> bytes:
    if not path:
        return b""
    with open(path, "rb") as f:
        return f.read()


def emit(stdout: bytes, stderr: bytes, returncode: int) -> int:
    """Replay what clang printed, and its status, as this process's own."""
    sys.stdout.buffer.write(stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(stderr)
    sys.stderr.flush()
    if returncode < 0:  # clang died of a signal: report it the way a shell would (DROPIN 8)
        return 128 - returncode
    return returncode
