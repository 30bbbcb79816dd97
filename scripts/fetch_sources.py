#!/usr/bin/env python3
"""Fetch Debian source packages robustly, through a download cache outside the work tree.

    fetch_sources.py [--cache DIR] [--dest DIR] [--try-first PKG=VERSION] PKG...

For each package, the files of one source version (.dsc, orig tarball, debian tarball) end up
in the download cache, and the orig tarball is linked (or copied) into DEST. A package whose
orig tarball is already in the cache is not downloaded again: repeated runs and fresh clones
cost nothing.

Which version: the one apt prefers first (what plain ``apt-get source PKG`` would take), then
every other version ``apt-cache showsrc`` knows, newest first. A mirror can drop a version
(a security update's files answered 404 while its index entry stayed), so one missing
version must not stop the fetch. ``apt-get source`` still verifies every file against the
checksums in the .dsc.

When nothing can be fetched, one line on stderr names the package and the versions tried,
and the exit status is 1: the caller (the test run) fails rather than skipping the tests
that need the sources.

The cache directory: --cache, else $LLMCC_SOURCES_CACHE, else
$XDG_CACHE_HOME/llmcc/debian-sources (default ~/.cache/llmcc/debian-sources).
``--try-first PKG=VERSION`` puts VERSION before all others (tests use a version that does
not exist to show the fallback works).
Only the standard library is used: this runs before the virtualenv exists.
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


class FetchError(Exception):
    pass


def default_cache() -> Path:
    if os.environ.get("LLMCC_SOURCES_CACHE"):
        return Path(os.environ["LLMCC_SOURCES_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "llmcc" / "debian-sources"


def _compare_versions(a: str, b: str) -> int:
    """Debian version order, as dpkg defines it."""
    if a == b:
        return 0
    lower = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return -1 if lower else 1


def known_versions(package: str) -> list[str]:
    """Every source version apt knows for PACKAGE, newest first (no duplicates)."""
    out = subprocess.run(["apt-cache", "showsrc", package], capture_output=True, text=True)
    versions: list[str] = []
    current_package = None
    for line in out.stdout.splitlines():
        if line.startswith("Package: "):
            current_package = line.split(":", 1)[1].strip()
        elif line.startswith("Version: ") and current_package == package:
            v = line.split(":", 1)[1].strip()
            if v not in versions:
                versions.append(v)
    return sorted(versions, key=functools.cmp_to_key(_compare_versions), reverse=True)


def versions_to_try(package: str, try_first: str | None) -> list[str]:
    # apt prefers the highest version among the sources it knows, so "preferred, then the
    # others newest first" is the newest-first list.
    versions = known_versions(package)
    if try_first:
        versions = [try_first] + [v for v in versions if v != try_first]
    return versions


def cached_orig(cache: Path, package: str) -> Path | None:
    entry = cache / package
    if not entry.is_dir():
        return None
    origs = sorted(entry.glob("*.orig.tar.*"))
    complete = (entry / ".complete").is_file()
    return origs[0] if origs and complete else None


def download(package: str, version: str, cache: Path) -> tuple[Path | None, str]:
    """Try one version: (orig tarball in the cache, "") or (None, why it failed)."""
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=f".{package}-") as tmp:
        run = subprocess.run(["apt-get", "source", "--download-only", f"{package}={version}"],
                             cwd=tmp, capture_output=True, text=True)
        if run.returncode != 0:
            lines = [ln for ln in (run.stderr or run.stdout).splitlines() if ln.strip()]
            return None, (lines[-1] if lines else f"apt-get exited {run.returncode}")
        origs = sorted(Path(tmp).glob("*.orig.tar.*"))
        if not origs:
            return None, "no orig tarball among the downloaded files"
        entry = cache / package
        staged = Path(tmp) / "entry"
        staged.mkdir()
        for f in Path(tmp).iterdir():
            if f.is_file():
                shutil.move(str(f), staged / f.name)
        (staged / ".version").write_text(version + "\n")
        (staged / ".complete").write_text("")
        if entry.exists():
            shutil.rmtree(entry)
        os.replace(staged, entry)          # whole entry appears at once: a killed fetch leaves no half
        return cached_orig(cache, package), ""


def ensure_deb_src() -> None:
    """apt-get source needs a deb-src entry; mirror the binary entries of debian.sources."""
    src_dir = Path("/etc/apt/sources.list.d")
    for f in list(src_dir.glob("*.sources")) + [Path("/etc/apt/sources.list")]:
        try:
            text = f.read_text()
        except OSError:
            continue
        if any(ln.startswith("Types:") and "deb-src" in ln for ln in text.splitlines()) \
                or any(ln.startswith("deb-src ") for ln in text.splitlines()):
            return
    main = src_dir / "debian.sources"
    if not main.is_file():
        raise FetchError(f"no deb-src entry and no {main} to derive one from")
    if os.geteuid() != 0:
        raise FetchError("adding a deb-src entry needs root (add one to /etc/apt/sources.list.d/)")
    lines = ["Types: deb-src" if ln.startswith("Types:") else ln
             for ln in main.read_text().splitlines()]
    (src_dir / "debian-src.sources").write_text("\n".join(lines) + "\n")
    if subprocess.run(["apt-get", "update", "-qq"]).returncode != 0:
        raise FetchError("apt-get update failed after adding the deb-src entry")


def fetch(package: str, cache: Path, try_first: str | None = None) -> Path:
    """The orig tarball of PACKAGE in the cache, downloading one version if needed."""
    hit = cached_orig(cache, package)
    if hit is not None:
        return hit
    ensure_deb_src()
    versions = versions_to_try(package, try_first)
    if not versions:
        subprocess.run(["apt-get", "update", "-qq"])
        versions = versions_to_try(package, try_first)
    tried: list[str] = []
    for version in versions:
        orig, why = download(package, version, cache)
        if orig is not None:
            if tried:
                print(f"fetch_sources: {package}: took {version} after "
                      f"{'; '.join(tried)}", file=sys.stderr)
            return orig
        tried.append(f"{version} ({why})")
    raise FetchError(f"cannot fetch source package {package}: tried "
                     f"{'; '.join(tried) if tried else 'no version (apt-cache showsrc knows none)'}")


def place(orig: Path, dest: Path) -> Path:
    """Put the orig tarball in DEST (a hard link when on the same file system)."""
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / orig.name
    if not target.exists():
        try:
            os.link(orig, target)
        except OSError:
            shutil.copy2(orig, target)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("packages", nargs="+")
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--dest", type=Path, default=None,
                    help="directory to place the orig tarballs in")
    ap.add_argument("--try-first", action="append", default=[], metavar="PKG=VERSION")
    args = ap.parse_args(argv)
    cache = args.cache or default_cache()
    first = dict(item.split("=", 1) for item in args.try_first)
    try:
        for package in args.packages:
            orig = fetch(package, cache, first.get(package))
            print(place(orig, args.dest) if args.dest else orig)
    except FetchError as e:
        print(f"fetch_sources: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"fetch_sources: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
