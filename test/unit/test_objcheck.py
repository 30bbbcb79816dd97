"""Object checks reject candidates that would link or run differently from the reference."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from llmcc.verify.objcheck import ALLOWED_UNDEFINED, check_object
from llmcc.verify.verdict import VerdictKind

CLANG = shutil.which("clang-22")
pytestmark = pytest.mark.skipif(CLANG is None, reason="clang-22 is needed to build objects")

REFERENCE = r"""
#include <stdio.h>
int counter = 3;
__attribute__((weak)) int hook(int x) { return x + counter; }
int square(int x) { return x * x; }
int report(int x) { printf("%d\n", square(x)); return hook(x); }
"""


def _compile(tmp_path: Path, name: str, source: str, *flags: str) -> Path:
    src = tmp_path / f"{name}.c"
    src.write_text(source)
    obj = tmp_path / f"{name}.o"
    subprocess.run([CLANG, "-O2", "-c", *flags, str(src), "-o", str(obj)], check=True)
    return obj


@pytest.fixture
def reference(tmp_path) -> Path:
    return _compile(tmp_path, "ref", REFERENCE)


def _assert_invalid(verdict, *needles: str) -> None:
    assert verdict.kind is VerdictKind.INVALID
    assert verdict.checker == "objcheck"
    assert not verdict.may_emit
    for needle in needles:
        assert needle in verdict.detail, verdict.detail


def test_identical_compile_passes(tmp_path, reference):
    candidate = _compile(tmp_path, "cand", REFERENCE)
    verdict = check_object(reference, candidate)
    assert verdict.kind is VerdictKind.TESTED_EQUAL
    assert verdict.detail == "symbols and code sane"
    assert set(verdict.data["exports"]) == {"counter", "hook", "square", "report"}


def test_differently_optimized_code_with_same_interface_passes(tmp_path, reference):
    candidate = _compile(tmp_path, "cand", REFERENCE.replace("x * x", "x * x + 0"), "-O1")
    assert check_object(reference, candidate).kind is VerdictKind.TESTED_EQUAL


def test_missing_global_function_fails(tmp_path, reference):
    source = REFERENCE.replace("int square(int x) { return x * x; }",
                               "static inline int square(int x) { return x * x; }")
    verdict = check_object(reference, _compile(tmp_path, "cand", source))
    _assert_invalid(verdict, "square")


def test_global_made_static_fails_naming_the_binding(tmp_path, reference):
    source = REFERENCE.replace("int square(int x)",
                               "__attribute__((noinline, used)) static int square(int x)")
    verdict = check_object(reference, _compile(tmp_path, "cand", source))
    _assert_invalid(verdict, "'square'", "binding")


def test_weak_made_strong_fails(tmp_path, reference):
    source = REFERENCE.replace("__attribute__((weak)) ", "")
    verdict = check_object(reference, _compile(tmp_path, "cand", source))
    _assert_invalid(verdict, "'hook'", "weak -> global")


def test_extra_undefined_call_to_system_fails(tmp_path, reference):
    source = "#include <stdlib.h>\n" + REFERENCE.replace(
        "return hook(x); }", "system(\"true\"); return hook(x); }")
    verdict = check_object(reference, _compile(tmp_path, "cand", source))
    _assert_invalid(verdict, "new undefined symbol 'system'")


def test_compiler_emitted_memset_is_allowed_but_only_via_the_allow_list(tmp_path, reference):
    source = REFERENCE + "void clear(char *p, unsigned long n) { for (unsigned long i = 0; i < n; i++) p[i] = 0; }\n"
    ref_with_clear = _compile(tmp_path, "ref2", REFERENCE + "void clear(char *p, unsigned long n) { }\n")
    candidate = _compile(tmp_path, "cand", source)
    assert "memset" in ALLOWED_UNDEFINED
    assert check_object(ref_with_clear, candidate).kind is VerdictKind.TESTED_EQUAL
    _assert_invalid(check_object(ref_with_clear, candidate, allowed_undefined=frozenset()),
                    "'memset'")


def test_extra_exported_symbol_fails(tmp_path, reference):
    verdict = check_object(reference, _compile(tmp_path, "cand", REFERENCE + "int spare;\n"))
    _assert_invalid(verdict, "extra exported symbol 'spare'")


def test_changed_data_size_fails(tmp_path, reference):
    source = REFERENCE.replace("int counter = 3;", "long counter = 3;")
    verdict = check_object(reference, _compile(tmp_path, "cand", source))
    _assert_invalid(verdict, "'counter'", "size")


def _text_section_range(obj: Path) -> tuple[int, int]:
    from elftools.elf.elffile import ELFFile

    with open(obj, "rb") as f:
        text = ELFFile(f).get_section_by_name(".text")
        return text["sh_offset"], text["sh_size"]


def test_garbage_bytes_inside_a_function_fail(tmp_path, reference):
    candidate = tmp_path / "patched.o"
    shutil.copy(reference, candidate)
    offset, size = _text_section_range(candidate)
    assert size >= 8
    data = bytearray(candidate.read_bytes())
    # 0x06 (push es) does not exist in 64-bit mode, so no decoder accepts it.
    data[offset:offset + 8] = b"\x06" * 8
    candidate.write_bytes(bytes(data))
    verdict = check_object(reference, candidate)
    _assert_invalid(verdict, "undecodable bytes in hook")


def test_not_an_object_fails(tmp_path, reference):
    bogus = tmp_path / "bogus.o"
    bogus.write_text("this is an LLM's apology, not an object\n")
    _assert_invalid(check_object(reference, bogus), "not an ELF file")


def test_wrong_architecture_fails(tmp_path, reference):
    try:
        candidate = _compile(tmp_path, "cand32", "int square(int x) { return x * x; }\n", "-m32")
    except subprocess.CalledProcessError:
        pytest.skip("clang-22 cannot target i386 here")
    _assert_invalid(check_object(reference, candidate), "not an x86-64 object")


def test_unusable_reference_is_inconclusive_not_a_candidate_fault(tmp_path, reference):
    bogus = tmp_path / "bogus.o"
    bogus.write_bytes(b"\0" * 64)
    verdict = check_object(bogus, reference)
    assert verdict.kind is VerdictKind.INCONCLUSIVE
    assert not verdict.may_emit


def test_garbage_in_padding_between_functions_is_tolerated(tmp_path):
    from llmcc.verify.objcheck import read_symbols

    obj = _compile(tmp_path, "aligned", REFERENCE, "-falign-functions=64")
    functions = sorted(read_symbols(obj).functions, key=lambda f: f.value)
    first_end, second_start = functions[0].value + functions[0].size, functions[1].value
    assert second_start - first_end > 0  # 64-byte alignment leaves padding after hook
    offset, _ = _text_section_range(obj)
    data = bytearray(obj.read_bytes())
    data[offset + first_end:offset + second_start] = b"\x06" * (second_start - first_end)
    patched = tmp_path / "padded.o"
    patched.write_bytes(bytes(data))
    assert check_object(obj, patched).kind is VerdictKind.TESTED_EQUAL


def test_same_code_sees_through_names_and_debug_info(tmp_path):
    from llmcc.verify.objcheck import same_code
    import shutil
    import subprocess
    clang = shutil.which("clang-22")
    (tmp_path / "a.c").write_text("int f(int x){ return x * 7; }\n")
    (tmp_path / "b.c").write_text("int f(int x){ return x * 7; }\n")
    (tmp_path / "c.c").write_text("int f(int x){ return x * 9; }\n")
    for name, extra in (("a", ["-g"]), ("b", []), ("c", [])):
        subprocess.run([clang, "-O2", *extra, "-c", f"{name}.c", "-o", f"{name}.o"], cwd=tmp_path, check=True)
    assert same_code(tmp_path / "a.o", tmp_path / "b.o")
    assert not same_code(tmp_path / "b.o", tmp_path / "c.o")
    assert not same_code(tmp_path / "b.o", tmp_path / "missing.o")
