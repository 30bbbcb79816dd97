"""The known-good rewrite corpus (bench/rewrite_corpus, bench/bench_rewrites.py).

Structural: every case is complete, its reply's code is what its rewrite holds, and every
rewrite computes exactly what its original computes on the driver's seeded edge and random
inputs (plain clang-22 -O2 on both) -- a wrong "known-good" rewrite fails here, which the
negative tests show with two real near-misses. End to end: a few cases go through the real
driver in llm mode against the scripted endpoint (scripted answers, not a model) and must be
accepted and emitted.
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO

_spec = importlib.util.spec_from_file_location("bench_rewrites", REPO / "bench" / "bench_rewrites.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_rewrites"] = bench       # dataclasses look their module up there
_spec.loader.exec_module(bench)

CASES = bench.load_cases()
BY_NAME = {c.name: c for c in CASES}
# Fast cases whose rewrite the driver is expected to accept (proved or tested, and faster).
# bzip2_mmed3 is loop-free: only the case's instrumentation profile makes it hot.
END_TO_END = ("bitcount_popcount", "lua_ceillog2", "bzip2_mmed3")


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w*)\n(.*?)```", text, re.DOTALL)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_corpus_has_at_least_twenty_cases():
    """Issue 12 asks for >= 20 hot functions; the corpus holds 21 distinct functions plus two
    IR-level replies. Removed (README.md says why): zmemcmp's word-at-a-time rewrite (llmcc's
    SMT checker refuted it: it reads past the first differing byte, where the original
    stops) and slide_hash's (not faster: clang vectorizes the original identically)."""
    assert len(CASES) >= 21
    assert len({(c.origin, c.function) for c in CASES}) >= 21
    assert "zlib_slide_hash" not in BY_NAME and "zlib_zmemcmp" not in BY_NAME
    origins = {c.origin.split("/")[0] for c in CASES}
    assert {"bench", "zlib-1.2.13.dfsg", "bzip2-1.0.8", "lua-5.4.4"} <= origins


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_is_complete_and_its_reply_matches_its_rewrite(case):
    meta = json.loads((case.path / "case.json").read_text())
    assert {"function", "origin", "kind", "shape"} <= set(meta)
    assert case.level in bench.LEVEL_TOOLS
    kernel = (case.path / "kernel.c").read_text()
    assert re.search(rf"\b{re.escape(case.function)}\s*\(", kernel), "the function is defined in kernel.c"
    assert "main(" not in kernel, "the TU is the library function; the driver holds main"
    blocks = _fenced_blocks(case.reply)
    lang = {"source": "c", "ir": "llvm", "asm": "asm"}[case.level]
    code = [b for tag, b in blocks if tag == lang]
    assert code, f"no ```{lang} block in reply.md"
    rewrite = set(_lines(case.rewrite.read_text()))
    for block in code:
        missing = [line for line in _lines(block) if line not in rewrite]
        assert not missing, f"reply lines not in {case.rewrite.name}: {missing[:3]}"
    assert case.rewrite.read_text() != kernel


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rewrite_is_equivalent_to_the_original(case, tmp_path):
    original, rewritten = bench.equivalence(case, tmp_path)
    assert original.startswith("check ") and int(original.split()[2]) > 0
    assert rewritten == original


def _broken_copy(tmp_path: Path, name: str, old: str, new: str,
                 files: tuple[str, ...] = ("rewrite.c",)) -> "bench.Case":
    case = BY_NAME[name]
    copy = tmp_path / name
    shutil.copytree(case.path, copy)
    for f in files:
        text = (copy / f).read_text()
        assert old in text
        (copy / f).write_text(text.replace(old, new))
    return bench.Case(name, copy, case.function, case.level, case.kind, case.shape, case.origin,
                      case.time_reps)


def test_a_rewrite_wrong_on_one_bit_fails_the_equivalence_check(tmp_path):
    case = _broken_copy(tmp_path, "bitcount_popcount", "__builtin_popcount(x)", "__builtin_popcount(x & 0x7FFFFFFFu)")
    original, rewritten = bench.equivalence(case, tmp_path / "work")
    assert rewritten != original


# Near-misses of the new rewrites, each wrong on inputs the driver's check covers: the
# bit-parallel LCS without the carry between words (wrong once m > 64), adler32's lane
# weights off by one, nbody's lone j == i / j == i + 1 terms given to the wrong body, and
# luaV_flttointeger's range check one value too wide.
NEAR_MISSES = {
    "lcs_bitparallel": ("      carry = out;\n", "      carry = 0;\n"),
    "zlib_adler32": ("(unsigned long)(16 - l) * s1[l]", "(unsigned long)(15 - l) * s1[l]"),
    "nbody_pairs": ("advance_one(i + 1, i, &a0[1], &a1[1], &a2[1]);",
                    "advance_one(i + 1, i, &a0[0], &a1[0], &a2[0]);"),
    # 2^63 let through: the conversion is out of range, the original returns 0
    "lua_flttointeger": ("n < -(LUA_NUMBER)(LUA_MININTEGER)))", "n <= -(LUA_NUMBER)(LUA_MININTEGER)))"),
}


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_a_near_miss_of_a_new_rewrite_fails_the_equivalence_check(name, tmp_path):
    case = _broken_copy(tmp_path, name, *NEAR_MISSES[name])
    original, rewritten = bench.equivalence(case, tmp_path / "work")
    assert rewritten != original


def test_the_overflowing_quicksort_rewrite_fails_the_equivalence_check(tmp_path):
    """The corpus's first quicksort rewrite computed hi - lo before checking lo < hi (an
    empty range with extreme bounds then crashed); llmcc's difftest caught it."""
    case = _broken_copy(tmp_path, "quicksort_insertion", "while (lo < hi && hi - lo > 16)", "while (hi - lo > 16)")
    with pytest.raises(RuntimeError, match="check failed"):
        bench.equivalence(case, tmp_path / "work")


@pytest.mark.parametrize("name", END_TO_END)
def test_known_good_rewrite_is_accepted_and_emitted_by_the_driver(name, tmp_path):
    result = bench.run_case(BY_NAME[name], tmp_path / name, repetitions=1, timing=False)
    assert result.notes == []
    assert result.equivalent
    assert result.accepted, result.stage
    assert result.stage == "emitted:source"
    assert result.emitted_differs          # llmcc's object is not clang's
    assert result.requests >= 3            # guide, level agent (and testing agent), guide again


def test_loop_free_case_is_not_hot_without_its_profile(tmp_path):
    """What the profile changes: without it mmed3 (loop-free, 6 instructions) is
    ``trivial`` and no agent ever sees it."""
    result = bench.run_case(BY_NAME["bzip2_mmed3"], tmp_path / "w", repetitions=1, timing=False, profile=False)
    assert not result.accepted and not result.profiled
    assert result.stage == "decision=not_hot (level calls: 0)"
    assert result.requests == 0


# Wrong rewrites the profile now lets reach the agents: off by one at the left-shift bound
# (y == 63 gives 0 instead of x << 63: one value of 2**64), and a trapdoor on one of 2**24
# byte triples. The SMT checker refutes both.
WRONG_PROFILE_HOT = {
    "lua_shiftl": ("left < (lua_Unsigned)NBITS ? ux << left : 0",
                   "left < (lua_Unsigned)NBITS - 1 ? ux << left : 0"),
    "bzip2_mmed3": ("   return umax8(umin8(a, b), umin8(umax8(a, b), c));",
                    "   if (a == 0x5A && b == 0xA5 && c == 0x3C) return 0;\n"
                    "   return umax8(umin8(a, b), umin8(umax8(a, b), c));"),
}


@pytest.mark.parametrize("name", sorted(WRONG_PROFILE_HOT))
def test_wrong_rewrite_of_a_profile_hot_function_is_refuted(name, tmp_path):
    case = _broken_copy(tmp_path, name, *WRONG_PROFILE_HOT[name], files=("rewrite.c", "reply.md"))
    result = bench.run_case(case, tmp_path / "work", repetitions=1, timing=False)
    assert result.profiled
    assert not result.accepted
    assert result.stage.startswith("incorrect/formal (smt:refuted)"), result.stage
    assert not result.emitted_differs                      # clang's object was emitted


def _symbol_address(exe: Path, name: str) -> int:
    import subprocess
    nm = shutil.which("llvm-nm-22") or "/usr/lib/llvm-22/bin/llvm-nm"
    out = subprocess.run([nm, str(exe)], capture_output=True, text=True, check=True).stdout
    return next(int(line.split()[0], 16) for line in out.splitlines() if line.split()[-1] == name)


def test_the_pad_object_moves_the_kernel_by_pad_bytes(tmp_path):
    """The bench's second code placement: the same objects linked with the pad before the
    kernel put the kernel's function exactly PAD_BYTES later (so a loop's position against
    32/64-byte boundaries changes) and compute the same outputs."""
    case = BY_NAME["bitcount_popcount"]
    bench.compile_object(case.path / "kernel.c", tmp_path / "k.o")
    bench.link_driver(case, tmp_path / "k.o", tmp_path / "plain")
    bench.link_driver(case, tmp_path / "k.o", tmp_path / "padded", bench.pad_object(tmp_path))
    moved = _symbol_address(tmp_path / "padded", case.function) - _symbol_address(tmp_path / "plain", case.function)
    assert moved == bench.PAD_BYTES
    assert bench.check_output(tmp_path / "padded") == bench.check_output(tmp_path / "plain")


def test_the_smaller_placement_speedup_is_kept():
    assert bench.smaller([2.4, 1.01]) == 1.01
    assert bench.smaller([None, float("nan")]) is None


def test_the_padded_link_keeps_a_non_executable_stack(tmp_path):
    """The pad object carries its .note.GNU-stack: without it ld makes the stack
    executable, and the padded program would differ from the plain one in more than
    code placement."""
    import subprocess
    case = BY_NAME["bitcount_popcount"]
    bench.compile_object(case.path / "kernel.c", tmp_path / "k.o")
    bench.link_driver(case, tmp_path / "k.o", tmp_path / "padded", bench.pad_object(tmp_path))
    readelf = shutil.which("llvm-readelf-22") or "/usr/lib/llvm-22/bin/llvm-readelf"
    headers = subprocess.run([readelf, "-lW", str(tmp_path / "padded")], capture_output=True, text=True,
                             check=True).stdout
    stack = next(line for line in headers.splitlines() if "GNU_STACK" in line)
    assert "RWE" not in stack and "RW" in stack


def test_programs_differing_only_in_unloaded_bytes_have_one_loaded_image(tmp_path):
    """The bench times the emitted program only when its loaded image differs from the
    standalone rewrite's: objects that differ only in what the loader never maps (here the
    .comment section) link to the same image; the padded link and the rewrite do not."""
    case = BY_NAME["bitcount_popcount"]
    bench.compile_object(case.path / "kernel.c", tmp_path / "a.o")
    got = bench._run([bench.CLANG, *bench.FLAGS, "-fno-ident", "-c", case.path / "kernel.c", "-o", tmp_path / "b.o"])
    assert got.returncode == 0
    assert (tmp_path / "a.o").read_bytes() != (tmp_path / "b.o").read_bytes()
    bench.compile_object(case.rewrite, tmp_path / "r.o")
    for name in ("a", "b", "r"):
        bench.link_driver(case, tmp_path / f"{name}.o", tmp_path / name)
    bench.link_driver(case, tmp_path / "a.o", tmp_path / "a-pad", bench.pad_object(tmp_path))
    image = bench.loaded_image(tmp_path / "a")
    assert image == bench.loaded_image(tmp_path / "b")
    assert image != bench.loaded_image(tmp_path / "r")
    assert image != bench.loaded_image(tmp_path / "a-pad")
