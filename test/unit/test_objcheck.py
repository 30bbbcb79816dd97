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


# --------------------------------------------------------------------------- target ISA

SUM_REFERENCE = "int sum(const int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n"
# An asm rewrite of sum that adds eight ints at a time with AVX2 (vpaddd on ymm registers).
SUM_AVX2_ASM = r"""
	.text
	.globl	sum
	.type	sum,@function
sum:
	vpxor	%xmm0, %xmm0, %xmm0
	xorl	%eax, %eax
.Lloop:
	leal	8(%rax), %ecx
	cmpl	%esi, %ecx
	jg	.Ltail
	vpaddd	(%rdi,%rax,4), %ymm0, %ymm0
	movl	%ecx, %eax
	jmp	.Lloop
.Ltail:
	vextracti128	$1, %ymm0, %xmm1
	vpaddd	%xmm1, %xmm0, %xmm0
	vpshufd	$238, %xmm0, %xmm1
	vpaddd	%xmm1, %xmm0, %xmm0
	vpshufd	$85, %xmm0, %xmm1
	vpaddd	%xmm1, %xmm0, %xmm0
	vmovd	%xmm0, %edx
.Lrest:
	cmpl	%esi, %eax
	jge	.Ldone
	addl	(%rdi,%rax,4), %edx
	incl	%eax
	jmp	.Lrest
.Ldone:
	movl	%edx, %eax
	vzeroupper
	retq
	.size	sum, .-sum
"""


def _assemble(tmp_path: Path, name: str, text: str) -> Path:
    src = tmp_path / f"{name}.s"
    src.write_text(text)
    obj = tmp_path / f"{name}.o"
    subprocess.run([CLANG, "-c", "-x", "assembler", str(src), "-o", str(obj)], check=True)
    return obj


def test_avx2_candidate_is_rejected_unless_the_target_flags_enable_avx2(tmp_path):
    from llmcc.verify.objcheck import check_isa

    ref = _compile(tmp_path, "sumref", SUM_REFERENCE)
    cand = _assemble(tmp_path, "sumavx2", SUM_AVX2_ASM)
    assert check_object(ref, cand).kind is VerdictKind.TESTED_EQUAL   # sane as an object
    plain = check_isa(ref, cand, CLANG, [])
    assert plain.kind is VerdictKind.INVALID and plain.checker == "isa"
    assert "vpaddd" in plain.detail and "AVX2" in plain.detail
    haswell = check_isa(ref, cand, CLANG, ["-march=haswell"])
    assert haswell.kind is VerdictKind.TESTED_EQUAL and haswell.checker == "isa", haswell.detail
    assert check_isa(ref, cand, CLANG, ["-mavx2"]).kind is VerdictKind.TESTED_EQUAL
    # -mavx alone does not enable integer ymm arithmetic.
    assert check_isa(ref, cand, CLANG, ["-mavx"]).kind is VerdictKind.INVALID


def test_popcnt_needs_its_flag_and_compiler_idioms_of_the_reference_pass(tmp_path):
    from llmcc.verify.objcheck import check_isa

    pop = "int pop(unsigned x) { return __builtin_popcount(x); }\nint tz(unsigned x) { return __builtin_ctz(x); }\n"
    ref = _compile(tmp_path, "popref", pop)
    cand = _compile(tmp_path, "popcnt", pop, "-mpopcnt")
    rejected = check_isa(ref, cand, CLANG, [])
    assert rejected.kind is VerdictKind.INVALID and "popcnt" in rejected.detail
    assert check_isa(ref, cand, CLANG, ["-mpopcnt"]).kind is VerdictKind.TESTED_EQUAL
    # clang's own object for the default target passes (its 'rep bsf' decodes as tzcnt).
    assert check_isa(ref, ref, CLANG, []).kind is VerdictKind.TESTED_EQUAL


def test_c_rewrite_adding_a_target_attribute_or_pragma_is_rejected():
    from llmcc.verify.objcheck import check_target_overrides

    original = "int f(int x) { return x + 1; }\n"
    attr = '__attribute__((target("avx2"))) int f(int x) { return x + 1; }\n'
    pragma = '#pragma GCC target("avx2")\nint f(int x) { return x + 1; }\n'
    for rewrite in (attr, pragma, '__attribute__((target_clones("avx2","default"))) int f(int x) { return x; }'):
        verdict = check_target_overrides(original, rewrite)
        assert verdict is not None and verdict.checker == "isa" and verdict.kind is VerdictKind.INVALID
    assert check_target_overrides(original, "int f(int x) { return 1 + x; }\n") is None
    assert check_target_overrides(attr, attr) is None      # the user's own attribute stays allowed


def test_memchr_is_allowed_in_a_hosted_build_but_not_a_freestanding_one(tmp_path, reference):
    # A byte search rewritten with memchr links against the libc that already provides
    # memcpy; under -ffreestanding there may be no such libc, so the same object is refused.
    from llmcc.verify.objcheck import allowed_undefined_for
    source = "#include <string.h>\n" + REFERENCE + (
        "const char *find(const char *p, unsigned long n) { return memchr(p, 7, n); }\n")
    ref = _compile(tmp_path, "ref3", REFERENCE + "const char *find(const char *p, unsigned long n) { return p; }\n")
    candidate = _compile(tmp_path, "cand", source)
    assert check_object(ref, candidate, allowed_undefined=allowed_undefined_for(["-O2"])).kind \
        is VerdictKind.TESTED_EQUAL
    _assert_invalid(check_object(ref, candidate, allowed_undefined=allowed_undefined_for(
        ["-O2", "-ffreestanding"])), "new undefined symbol 'memchr'")
    _assert_invalid(check_object(ref, candidate, allowed_undefined=allowed_undefined_for(
        ["-O2", "-fno-builtin-memchr"])), "new undefined symbol 'memchr'")


# -- what tests cannot exhaust: the clock, start-up code, state across calls ---------------

KERNEL = "int scale(int x) { return x * 3; }\n"


def _kernel_pair(tmp_path: Path, rewritten: str, *flags: str):
    return _compile(tmp_path, "kref", KERNEL), _compile(tmp_path, "kcand", rewritten, *flags)


def test_a_time_trapdoor_is_refused_though_every_test_passes_today(tmp_path):
    # Right until the cycle counter passes a date far in the future: no test can see it.
    ref, cand = _kernel_pair(tmp_path, "int scale(int x) { if (__builtin_readcyclecounter() > "
                                       "0x7fffffffffffffffULL) return 0; return x * 3; }\n")
    _assert_invalid(check_object(ref, cand), "adds the instruction 'rdtsc'")


def test_a_constructor_helper_is_refused(tmp_path):
    # (volatile so clang cannot evaluate the constructor away at compile time)
    ref, cand = _kernel_pair(tmp_path, "static volatile int k;\n__attribute__((constructor)) static void "
                                       "init(void) { k = 3; }\nint scale(int x) { return x * k; }\n")
    _assert_invalid(check_object(ref, cand), "adds code run at program start or exit (.init_array")


def test_a_call_counter_trapdoor_is_refused(tmp_path):
    # Wrong only after ten million calls: more than any test or fuzz run makes.
    ref, cand = _kernel_pair(tmp_path, "int scale(int x) { static unsigned calls; "
                                       "if (++calls > 10000000u) return 0; return x * 3; }\n")
    _assert_invalid(check_object(ref, cand), "adds mutable static state 'scale.calls'")


def test_rdtsc_hidden_in_an_immediate_is_found_in_the_bytes(tmp_path):
    # `mov $0x90310f, %eax` holds 0f 31 (rdtsc) at +1: a jump into the mov runs it.
    asm = (".text\n.globl scale\n.type scale,@function\nscale:\n  movl $0x90310f, %eax\n"
           "  leal (%rdi,%rdi,2), %eax\n  ret\n.size scale, .-scale\n")
    src = tmp_path / "hidden.s"
    src.write_text(asm)
    cand = tmp_path / "hidden.o"
    subprocess.run([CLANG, "-c", str(src), "-o", str(cand)], check=True)
    ref = _compile(tmp_path, "kref", KERNEL)
    _assert_invalid(check_object(ref, cand), "holds the bytes of 'rdtsc'")


def test_a_const_lookup_table_is_not_state(tmp_path):
    ref, cand = _kernel_pair(tmp_path, "static const int t[4] = {0, 3, 6, 9};\n"
                                       "int scale(int x) { return (x >= 0 && x < 4) ? t[x] : x * 3; }\n")
    assert check_object(ref, cand).kind is VerdictKind.TESTED_EQUAL


def test_clangs_rep_bsf_is_not_mistaken_for_bmi_but_an_asm_rewrites_tzcnt_is(tmp_path):
    # clang emits `rep bsf` (tzcnt's bytes) for __builtin_ctz at plain x86-64: it runs as bsf
    # without BMI. The same bytes from an asm-level rewrite may be a real tzcnt of zero.
    from llmcc.verify.objcheck import check_isa
    ref = _compile(tmp_path, "ctzref", "unsigned f(unsigned x) { return x >> 1; }\n", "-march=x86-64")
    cand = _compile(tmp_path, "ctzcand", "unsigned f(unsigned x) { return __builtin_ctz(x); }\n",
                    "-march=x86-64")
    assert check_isa(ref, cand, CLANG, ["-march=x86-64"], compiler_emitted=True).kind is VerdictKind.TESTED_EQUAL
    refused = check_isa(ref, cand, CLANG, ["-march=x86-64"])
    assert refused.kind is VerdictKind.INVALID and refused.checker == "isa" and "tzcnt" in refused.detail


def test_a_candidate_rewritten_in_place_is_scanned_again(tmp_path):
    # Scans are remembered (the reference is read once per TU), but by content: a candidate
    # file rewritten at the same path with the same size must not inherit the old verdict.
    ref = _compile(tmp_path, "kref", KERNEL)
    good = _compile(tmp_path, "kcand", "int scale(int x) { return x + x + x; }\n")
    assert check_object(ref, good).kind is VerdictKind.TESTED_EQUAL
    asm_ok = (".text\n.globl scale\n.type scale,@function\nscale:\n  movl $0x900000, %eax\n"
              "  leal (%rdi,%rdi,2), %eax\n  ret\n.size scale, .-scale\n")
    src = tmp_path / "same.s"
    cand = tmp_path / "same.o"
    src.write_text(asm_ok)
    subprocess.run([CLANG, "-c", str(src), "-o", str(cand)], check=True)
    assert check_object(ref, cand).kind is VerdictKind.TESTED_EQUAL
    size = cand.stat().st_size
    src.write_text(asm_ok.replace("$0x900000", "$0x90310f"))   # hides rdtsc, same length
    subprocess.run([CLANG, "-c", str(src), "-o", str(cand)], check=True)
    assert cand.stat().st_size == size
    _assert_invalid(check_object(ref, cand), "holds the bytes of 'rdtsc'")


def test_the_reference_is_decoded_once_for_many_candidates(tmp_path, monkeypatch):
    from llmcc.verify import objcheck
    ref = _compile(tmp_path, "kref", KERNEL)
    scanned = []
    real = objcheck._scan_bytes
    monkeypatch.setattr(objcheck, "_scan_bytes", lambda name, content: scanned.append(name) or real(name, content))
    objcheck._SCANS.clear()
    for i in range(3):
        cand = _compile(tmp_path, f"kcand{i}", f"int scale(int x) {{ return x * 3 + {i} - {i}; }}\n// {i}\n")
        assert check_object(ref, cand).kind is VerdictKind.TESTED_EQUAL
    assert scanned.count("kref.o") == 1
