"""scripts/fetch_sources.py: Debian source packages fetched robustly through a download cache.

These talk to the Debian mirror (reachable from the machines this project runs on); a
failure to reach it fails the test, it is never skipped.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FETCH = REPO / "scripts" / "fetch_sources.py"
ZLIB_ORIG = "zlib_1.2.13.dfsg.orig.tar.bz2"

needs_apt = pytest.mark.skipif(shutil.which("apt-get") is None,
                               reason="not a Debian machine (apt-get missing)")


def fetch(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FETCH), *args], capture_output=True, text=True,
                          timeout=600, env=env)


@needs_apt
def test_a_missing_preferred_version_falls_back_to_another(tmp_path):
    # A version the mirror cannot serve goes first (as a vanished security update did);
    # the fetch must go on to a version that exists, and say what it skipped.
    cache, dest = tmp_path / "cache", tmp_path / "dest"
    proc = fetch("--cache", str(cache), "--dest", str(dest),
                 "--try-first", "zlib=1:0.0.1-404", "zlib")
    assert proc.returncode == 0, proc.stderr
    assert (dest / ZLIB_ORIG).is_file()
    assert "1:0.0.1-404" in proc.stderr and "took 1:1.2.13" in proc.stderr
    # The whole source package (checksummed by apt against its .dsc) is in the cache.
    entry = cache / "zlib"
    assert list(entry.glob("*.dsc")) and (entry / ZLIB_ORIG).is_file()
    assert (entry / ".version").read_text().startswith("1:1.2.13")


@needs_apt
def test_a_second_fetch_is_served_from_the_cache_without_apt(tmp_path):
    cache = tmp_path / "cache"
    assert fetch("--cache", str(cache), "zlib").returncode == 0
    # Without apt on PATH, only the cache can answer.
    bare = tmp_path / "bin"
    bare.mkdir()
    env = dict(os.environ, PATH=str(bare))
    proc = subprocess.run([sys.executable, str(FETCH), "--cache", str(cache),
                           "--dest", str(tmp_path / "d2"), "zlib"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "d2" / ZLIB_ORIG).is_file()


@needs_apt
def test_nothing_fetchable_is_one_clear_line_and_a_failure(tmp_path):
    proc = fetch("--cache", str(tmp_path / "cache"), "--try-first",
                 "llmcc-no-such-package=1.0-1", "llmcc-no-such-package")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot fetch source package llmcc-no-such-package" in lines[0]
    assert "1.0-1" in lines[0]                     # names the versions tried
    assert not (tmp_path / "cache" / "llmcc-no-such-package").exists()
