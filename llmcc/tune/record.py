"""What identifies one TU compile across copies of a project tree, and recording it.

A TU is named by its source path relative to the project root, the hash of the source
text, its codegen flags (absolute paths under the root written as ``{root}``, so two copies
of the tree give the same flags) and the hashes of the user headers it includes. The
same identity matches a compile to a decision (``decisions.py``).

This module is imported by the compile hook: standard library only.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
from pathlib import Path
from ..tmpsweep import temp_dir

ROOT_TOKEN = "{root}"


def sha256_file(path: str | os.PathLike) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def relative_to_root(path: str | os.PathLike, cwd: Path, root: Path) -> str | None:
    """``path`` (as written, relative to ``cwd``) relative to ``root``; None if outside."""
    full = Path(os.path.normpath(cwd / path))
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return None


def normalized_flags(inv, root: Path) -> list[str]:
    """The compile's codegen flags and -O level, with the root directory as a token."""
    prefix = str(root)
    out = []
    for flag in [*inv.codegen_flags, inv.opt_level]:
        out.append(flag.replace(prefix, ROOT_TOKEN) if prefix in flag else flag)
    return out


def tu_identity(inv, cwd: Path, root: Path) -> dict | None:
    """Source (relative to root), its hash and the normalized flags; None if the source
    is outside the root or unreadable."""
    source = relative_to_root(inv.source, cwd, root)
    digest = sha256_file(cwd / inv.source)
    if source is None or digest is None:
        return None
    return {"source": source, "source_hash": digest, "flags": normalized_flags(inv, root)}


def user_headers(clang: str, inv, cwd: Path, root: Path) -> list[list[str]] | None:
    """[path, sha256] of every non-system header the TU includes (``clang -MM``); paths
    under the root are relative to it. None if clang cannot list them."""
    with temp_dir("tune") as tmp:
        dep = Path(tmp) / "deps.d"
        proc = subprocess.run([clang, *inv.codegen_flags, "-MM", "-MF", str(dep), "-w", inv.source,
                               "-o", os.devnull], cwd=cwd, capture_output=True)
        if proc.returncode != 0 or not dep.is_file():
            return None
        from ..driver.depfile import parse_depfile
        deps = parse_depfile(dep.read_text(errors="surrogateescape"))
    out = []
    for d in deps:
        if d == inv.source:
            continue
        digest = sha256_file(cwd / d)
        if digest is None:
            return None
        out.append([relative_to_root(d, cwd, root) or str(Path(os.path.normpath(cwd / d))), digest])
    return sorted(out)


def headers_match(headers: list[list[str]], root: Path) -> str | None:
    """None if every recorded header still has its hash, else the first that changed."""
    for path, digest in headers:
        full = Path(path) if os.path.isabs(path) else root / path
        if sha256_file(full) != digest:
            return path
    return None


def record_compile(record_file: str, clang: str, args: list[str], inv, cwd: Path, root: Path) -> None:
    """Append one JSON line for this compile (O_APPEND + flock: parallel make is safe)."""
    ident = tu_identity(inv, cwd, root)
    if ident is None:
        return
    entry = {**ident, "headers": user_headers(clang, inv, cwd, root),
             "output": relative_to_root(inv.output, cwd, root), "cwd": relative_to_root(".", cwd, root),
             "args": args}
    line = (json.dumps(entry, sort_keys=True) + "\n").encode()
    fd = os.open(record_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        os.close(fd)


def read_records(record_file: Path) -> list[dict]:
    """Recorded compiles, the last one per output winning (a build may compile twice)."""
    by_output: dict[str, dict] = {}
    try:
        text = record_file.read_text()
    except OSError:
        return []
    for line in text.splitlines():
        if line.strip():
            entry = json.loads(line)
            by_output[entry.get("output") or entry["source"]] = entry
    return list(by_output.values())
