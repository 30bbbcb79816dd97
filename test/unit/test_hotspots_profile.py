"""Profiles as per-function weights: a real instrumentation profile made here, sample
profiles in text form, and unreadable inputs."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from llmcc.hotspots.profile import (load_profile, normalize, parse_instr_profile_listing,
                                    parse_sample_profile_text)
from llmcc.outcome import Fallback
from llmcc.toolchain import find_toolchain

PROGRAM = r"""
#include <stdio.h>
static int busy(int n) { int s = 0; for (int i = 0; i < n; i++) s += i * i % 7; return s; }
int rarely(int x) { return x + 1; }
int never(int x) { return x * 3; }
int main(int argc, char **argv) {
  int t = 0;
  for (int r = 0; r < 50; r++) t += busy(20000);
  t += rarely(t);
  if (argc > 5) t += never(t);
  printf("%d\n", t);
  return 0;
}
"""


@pytest.fixture(scope="module")
def tc():
    return find_toolchain()


@pytest.fixture(scope="module")
def profiles(tc, tmp_path_factory) -> dict[str, Path]:
    """Build with -fprofile-instr-generate, run once, merge: the real thing."""
    d = tmp_path_factory.mktemp("profile")
    (d / "prog.c").write_text(PROGRAM)
    subprocess.run([str(tc.clang), "-O1", "-fprofile-instr-generate", "prog.c", "-o", "prog"],
                   cwd=d, check=True)
    subprocess.run(["./prog"], cwd=d, check=True, capture_output=True,
                   env={**os.environ, "LLVM_PROFILE_FILE": str(d / "prog.profraw")})
    subprocess.run([str(tc.tool("llvm-profdata")), "merge", "-o", "prog.profdata",
                    "prog.profraw"], cwd=d, check=True)
    return {"profdata": d / "prog.profdata", "profraw": d / "prog.profraw"}


@pytest.mark.parametrize("kind", ["profdata", "profraw"])
def test_instrumentation_profile_weights(tc, profiles, kind):
    weights = load_profile(profiles[kind], tc)
    assert not isinstance(weights, Fallback)
    assert weights["busy"] == 1.0               # static "prog.c:busy" loses its prefix
    assert 0 < weights["rarely"] < weights["main"] < 1.0
    assert "never" not in weights                # zero counts carry no weight


def test_listing_parser_sums_entry_and_block_counts():
    listing = ("Counters:\n  a.c:f:\n    Hash: 0x1\n    Counters: 3\n"
               "    Function count: 10\n    Block counts: [5, 85]\n"
               "  g:\n    Hash: 0x2\n    Counters: 1\n    Function count: 1\n"
               "    Block counts: []\nInstrumentation level: Front-end\n")
    assert parse_instr_profile_listing(listing) == {"f": 100, "g": 1}


def test_text_sample_profile(tc, tmp_path):
    text = ("main:1000:1\n 1: 10\n 2: 990 kernel:980\n"
            "kernel:4000:20\n 3: 4000\n 1: inlined:30:0\n  2: 30\n")
    path = tmp_path / "perf.prof"
    path.write_text(text)
    assert parse_sample_profile_text(text) == {"main": 1000, "kernel": 4000}
    assert load_profile(path, tc) == {"main": 0.25, "kernel": 1.0}


def test_unreadable_profiles_are_fallbacks(tc, tmp_path):
    missing = load_profile(tmp_path / "nope.profdata", tc)
    assert isinstance(missing, Fallback) and missing.reason == "profile-unreadable"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01garbage\xff" * 8)
    assert isinstance(load_profile(junk, tc), Fallback)


def test_normalize_handles_empty_and_zero():
    assert normalize({}) == {}
    assert normalize({"a": 0}) == {}
    assert normalize({"a": 2, "b": 8}) == {"a": 0.25, "b": 1.0}
