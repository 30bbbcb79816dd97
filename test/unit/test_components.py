"""frontend + middle_end(default<O3>) + backend must give clang-22 -O3 -c's machine code.

The corpus: the bundled example, the benchmark kernels, and (when fetched by
scripts/third_party.sh, as the test script does) every Lua and zlib source file.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmcc.outcome import Fallback
from llmcc.toolchain import backend, find_toolchain, frontend, middle_end

from conftest import REPO

LUA = REPO / "third_party" / "lua-5.4.4" / "src"
ZLIB = next((REPO / "third_party").glob("zlib-*"), None) if (REPO / "third_party").is_dir() else None


def corpus() -> list[tuple[Path, list[str]]]:
    files = [(p, []) for p in sorted((REPO / "examples" / "hotloops").glob("*.c"))]
    files += [(p, []) for p in sorted((REPO / "bench" / "kernels").glob("*.c"))]
    if LUA.is_dir():
        files += [(p, ["-DLUA_COMPAT_5_3", "-DLUA_USE_LINUX"]) for p in sorted(LUA.glob("*.c"))]
    if ZLIB is not None:
        files += [(p, ["-DHAVE_UNISTD_H"]) for p in sorted(ZLIB.glob("*.c"))]  # as its configure sets
    return files


def text_disassembly(tc, obj: Path) -> str:
    out = subprocess.run([str(tc.tool("llvm-objdump")), "-d", "--no-show-raw-insn", "-r", str(obj)],
                         capture_output=True, text=True, check=True).stdout
    return out.split("\n", 2)[2]   # drop the header line naming the file


@pytest.mark.parametrize("source, flags", corpus(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_composed_components_match_clang_O3(tmp_path, source, flags):
    tc = find_toolchain()
    ref = tmp_path / "ref.o"
    subprocess.run([str(tc.clang), "-O3", *flags, "-c", source.name, "-o", str(ref)],
                   cwd=source.parent, check=True, capture_output=True)
    fe = frontend(tc, source.name, flags, tmp_path / "fe.bc", opt_level="-O3", cwd=source.parent)
    assert not isinstance(fe, Fallback), fe
    me = middle_end(tc, fe.output, "default<O3>", tmp_path / "me.bc", flags=flags)
    assert not isinstance(me, Fallback), me
    be = backend(tc, me.output, flags, tmp_path / "out.o", opt_level="-O3", cwd=source.parent)
    assert not isinstance(be, Fallback), be
    assert text_disassembly(tc, be.output) == text_disassembly(tc, ref)


def test_corpus_includes_a_real_project():
    """The suite fetches Lua before testing; without it this comparison would be thin."""
    assert LUA.is_dir(), "run scripts/third_party.sh fetch (scripts/test.sh does)"


def test_debug_info_and_file_macro_survive_the_split(tmp_path):
    tc = find_toolchain()
    (tmp_path / "f.c").write_text('const char *where(void){ return __FILE__; }\n')
    fe = frontend(tc, "f.c", ["-g"], tmp_path / "fe.bc", cwd=tmp_path)
    me = middle_end(tc, fe.output, "default<O3>", tmp_path / "me.bc")
    be = backend(tc, me.output, ["-g"], tmp_path / "f.o", cwd=tmp_path)
    dwarf = subprocess.run([str(tc.tool("llvm-dwarfdump")), "--debug-info", str(be.output)],
                           capture_output=True, text=True, check=True).stdout
    assert 'DW_AT_name\t("f.c")' in dwarf and f'DW_AT_comp_dir\t("{tmp_path}")' in dwarf
    assert b"f.c\x00" in be.output.read_bytes()


def test_relocation_model_follows_the_flags():
    from llmcc.toolchain import relocation_model
    assert relocation_model([]) == "pic"
    assert relocation_model(["-fno-pie"]) == "static"
    assert relocation_model(["-fno-pic", "-fPIC"]) == "pic"


def test_user_werror_cannot_fail_an_internal_stage(tmp_path):
    tc = find_toolchain()
    (tmp_path / "w.c").write_text("int f(int x){ int unused; return x; }\n")
    fe = frontend(tc, "w.c", ["-Wall", "-Werror"], tmp_path / "fe.bc", cwd=tmp_path)
    assert not isinstance(fe, Fallback) and fe.stderr == ""


def test_stage_timeout_is_a_fallback(tmp_path):
    tc = find_toolchain()
    (tmp_path / "x.c").write_text("int f(void){return 1;}\n")
    fe = frontend(tc, "x.c", [], tmp_path / "fe.bc", cwd=tmp_path, timeout=0.0001)
    assert isinstance(fe, Fallback) and fe.reason == "frontend-timeout"
