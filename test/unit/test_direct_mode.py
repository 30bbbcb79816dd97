"""Direct mode's header check (ccache's manifest + inode cache): a cache hit trusts a
header whose stat signature (device, inode, size, mtime, ctime) is the recorded one
without reading it, and anything else is hashed -- so an edit that keeps the size and
even puts the old mtime back is still a miss, never a stale object."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from conftest import CLANG, LLMCC, run

from llmcc import cache


def stats(env, cwd) -> dict:
    return json.loads(run([LLMCC, "stats", "--json"], cwd, env).stdout)


def manifests(env) -> list[list]:
    root = Path(env["LLMCC_CACHE_DIR"]) / "manifests"
    return [json.loads(p.read_text())["headers"] for p in root.rglob("*.json")]


def test_settled_header_is_trusted_by_signature_and_a_disguised_edit_still_misses(tmp_path, llmcc_env):
    env = dict(llmcc_env, LLMCC_MODE="off")
    (tmp_path / "util.h").write_text("static inline int twice(int x) { return 2 * x; }\n")
    (tmp_path / "hello.c").write_text('#include <stdio.h>\n#include "util.h"\n'
                                      'int main(void) { printf("%d\\n", twice(21)); return 0; }\n')
    time.sleep(cache.SETTLE_SECONDS + 0.2)       # older than the settle time: signatures recorded
    args = [LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"]
    assert run(args, tmp_path, env).returncode == 0
    [headers] = manifests(env)
    [util] = [h for h in headers if h[0].endswith("util.h")]
    assert not os.path.isabs(util[0]) and util[2]                  # relative, signed
    assert any(p.startswith("/usr/") and sig for p, _, sig in headers)  # system headers too
    assert run(args, tmp_path, env).returncode == 0
    assert stats(env, tmp_path).get("cache_hit") == 1

    # Same size, other content, old mtime put back: only ctime tells, and it does.
    st = os.stat(tmp_path / "util.h")
    (tmp_path / "util.h").write_text("static inline int twice(int x) { return 3 * x; }\n")
    os.utime(tmp_path / "util.h", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(tmp_path / "util.h").st_size == st.st_size
    assert run(args, tmp_path, env).returncode == 0
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], tmp_path)
    assert (tmp_path / "hello.o").read_bytes() == (tmp_path / "ref.o").read_bytes()
    assert stats(env, tmp_path).get("cache_hit") == 1


def test_header_matches_uses_the_signature_only_while_it_holds(tmp_path):
    h = tmp_path / "a.h"
    h.write_text("int a;\n")
    digest, sig = cache.header_hash(str(h))
    assert digest == cache.hash_file(h) and sig == ""       # just written: not settled
    time.sleep(cache.SETTLE_SECONDS + 0.2)
    digest, sig = cache.header_hash(str(h))
    assert sig
    # A matching signature is trusted without reading (the recorded digest is not checked).
    assert cache.header_matches(str(h), "not-the-digest", sig)
    assert cache.header_matches(str(h), digest, "")          # no signature: hashed
    assert not cache.header_matches(str(h), "not-the-digest", "")
    h.write_text("int b;\n")                                 # any write moves ctime
    assert not cache.header_matches(str(h), digest, sig)
    assert not cache.header_matches(str(tmp_path / "gone.h"), digest, sig)


def test_rebuild_in_another_directory_hits_with_relative_headers(tmp_path, llmcc_env):
    """Another checkout: its relative headers are other files (other inodes), so they are
    hashed; equal content is a hit."""
    env = dict(llmcc_env, LLMCC_MODE="off")
    for tree in ("one", "two"):
        d = tmp_path / tree
        d.mkdir()
        (d / "util.h").write_text("static inline int twice(int x) { return 2 * x; }\n")
        (d / "k.c").write_text('#include "util.h"\nint f(int x) { return twice(x) + 1; }\n')
    time.sleep(cache.SETTLE_SECONDS + 0.2)
    assert run([LLMCC, "-O2", "-c", "k.c", "-o", "k.o"], tmp_path / "one", env).returncode == 0
    assert run([LLMCC, "-O2", "-c", "k.c", "-o", "k.o"], tmp_path / "two", env).returncode == 0
    assert stats(env, tmp_path).get("cache_hit") == 1
    assert (tmp_path / "one" / "k.o").read_bytes() == (tmp_path / "two" / "k.o").read_bytes()
