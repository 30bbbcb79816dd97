"""Extraction of code from model replies and splicing it into programs (no model, no compile)."""
from __future__ import annotations

from pathlib import Path

import pytest

from llmcc.agents.extract import (code_blocks, extract_function, find_asm_body, find_c_function,
                                  find_ir_function)
from llmcc.agents.levels import AsmLevel, IRLevel, SourceLevel, SpliceError
from llmcc.tu import o_level_pipeline as pipeline_for

DATA = Path(__file__).parent / "data" / "agents"
KERNELS = (DATA / "kernels.c").read_text()

GOOD_C = "int bits32(unsigned w) { return __builtin_popcount(w); }"


def test_block_with_language_tag_inside_prose_is_extracted():
    reply = f"Sure! Here is a faster version:\n\n```c\n{GOOD_C}\n```\n\nIt uses a builtin."
    assert extract_function(reply, "bits32", "source") == GOOD_C


def test_untagged_block_is_extracted():
    reply = f"```\n{GOOD_C}\n```"
    assert extract_function(reply, "bits32", "source") == GOOD_C


def test_of_several_blocks_the_one_defining_the_target_wins():
    reply = ("First a helper you might like:\n```c\nstatic int helper(int x) { return x; }\n```\n"
             f"and the function:\n```c\n#include <stdint.h>\n{GOOD_C}\n```\n"
             "Usage:\n```c\nint y = bits32(5);\n```\n")
    assert extract_function(reply, "bits32", "source") == GOOD_C


def test_truncated_reply_is_invalid():
    reply = "```c\nint bits32(unsigned w) {\n  unsigned c = 0;\n  for (;;"
    assert extract_function(reply, "bits32", "source") is None


def test_unclosed_fence_is_invalid_even_if_braces_balance():
    assert extract_function(f"```c\n{GOOD_C}\n", "bits32", "source") is None


def test_unfenced_reply_defining_the_function_is_accepted():
    assert extract_function(GOOD_C, "bits32", "source") == GOOD_C


def test_prototype_only_is_not_a_definition():
    assert extract_function("```c\nint bits32(unsigned w);\n```", "bits32", "source") is None


def test_brace_matcher_ignores_braces_in_strings_comments_and_preprocessor():
    text = ('#define OPEN {\n/* } */\nconst char *s = "}";\n'
            'int f(int x) { const char *t = "}{"; char c = \'}\'; // }\n return x; }\nint g;\n')
    start, end = find_c_function(text, "f")
    assert text[start:end].startswith("int f(int x)") and text[start:end].endswith("return x; }")


def test_c_function_span_excludes_leading_comment_and_includes_specifiers():
    start, end = find_c_function(KERNELS, "bits32")
    found = KERNELS[start:end]
    assert found.startswith("unsigned bits32(unsigned w)")
    assert found.rstrip().endswith("return c;\n}")


def test_source_splice_keeps_everything_else_byte_identical():
    spliced = SourceLevel().splice(KERNELS, "bits32", f"```c\n{GOOD_C}\n```")
    start, end = find_c_function(KERNELS, "bits32")
    brace_line = KERNELS[:end].count("\n") + 1
    assert spliced == KERNELS[:start] + GOOD_C + f"\n#line {brace_line}\n" + KERNELS[end:]


def test_source_splice_keeps_line_numbers_of_later_code(tmp_path):
    """Debug info (DW_AT_decl_line) and __LINE__ of every function after a rewritten one
    are the user's, whatever the rewrite's length; a second splice keeps them too."""
    import re
    import subprocess

    from llmcc.toolchain import find_toolchain
    original = ("int first(int x)\n{\n    int y = x;\n    y += 1;\n    y *= 3;\n    return y;\n}\n\n"
                "int later(void)\n{\n    return __LINE__;\n}\n")
    level = SourceLevel()
    once = level.splice(original, "first", "```c\nint first(int x) { return (x + 1) * 3; }\n```")
    twice = level.splice(once, "first", "```c\nint first(int x)\n{\n\n\n\n\n    return 3 * x + 3;\n}\n```")
    tc = find_toolchain()
    import shutil
    dwarfdump = shutil.which("llvm-dwarfdump-22") or "/usr/lib/llvm-22/bin/llvm-dwarfdump"

    def facts(text: str, tag: str) -> tuple[str, str]:
        src = tmp_path / f"{tag}.c"
        src.write_text('#line 1 "user.c"\n' + text)
        pre = subprocess.run([str(tc.clang), "-E", "-P", str(src)], capture_output=True, text=True, check=True)
        line = re.search(r"int later\(void\)\s*\{\s*return (\d+);", pre.stdout).group(1)
        obj = tmp_path / f"{tag}.o"
        subprocess.run([str(tc.clang), "-g", "-c", str(src), "-o", str(obj)], check=True)
        dump = subprocess.run([str(dwarfdump), "--name=later", str(obj)], capture_output=True, text=True,
                              check=True).stdout
        return line, re.search(r"DW_AT_decl_line\s*\((\d+)\)", dump).group(1)

    assert facts(original, "orig") == ("11", "9")
    assert facts(once, "once") == ("11", "9")
    assert facts(twice, "twice") == ("11", "9")
    assert twice.count("#line") == 1


def test_source_splice_of_missing_function_is_an_error():
    result = SourceLevel().splice(KERNELS, "nope", "```c\nint nope(void) { return 1; }\n```")
    assert isinstance(result, SpliceError) and result.stage == "splice"


IR_MODULE = """target triple = "x86_64-pc-linux-gnu"

define i32 @f(i32 %x) #0 {
  %r = mul i32 %x, 7, !foo !3
  ret i32 %r
}

define i32 @g(i32 %x) {
  ret i32 %x
}

attributes #0 = { nounwind }
"""


def test_ir_function_span_is_the_define_block():
    start, end = find_ir_function(IR_MODULE, "f")
    assert IR_MODULE[start:end].startswith("define i32 @f(") and IR_MODULE[start:end].endswith("}")
    assert "@g" not in IR_MODULE[start:end]


def test_ir_splice_adds_new_declarations_and_parses():
    reply = ("```llvm\ndefine i32 @f(i32 %x) #0 {\n  %c = call i32 @llvm.ctpop.i32(i32 %x)\n"
             "  ret i32 %c\n}\ndeclare i32 @llvm.ctpop.i32(i32)\n```")
    spliced = IRLevel().splice(IR_MODULE, "f", reply)
    assert isinstance(spliced, str)
    assert "declare i32 @llvm.ctpop.i32(i32)" in spliced and "@g(i32 %x)" in spliced
    assert "mul i32" not in spliced


def test_ir_splice_drops_metadata_the_module_does_not_define():
    reply = "```llvm\ndefine i32 @f(i32 %x) #0 {\n  %r = shl i32 %x, 3, !tbaa !9\n  ret i32 %r\n}\n```"
    spliced = IRLevel().splice(IR_MODULE, "f", reply)
    assert isinstance(spliced, str) and "!9" not in spliced and "shl i32 %x, 3" in spliced


def test_ir_splice_that_does_not_verify_is_a_compile_error():
    reply = "```llvm\ndefine i32 @f(i32 %x) #0 {\n  ret i64 %x\n}\n```"
    result = IRLevel().splice(IR_MODULE, "f", reply)
    assert isinstance(result, SpliceError) and result.stage == "compile"


ASM = """\t.text
\t.globl\tf
\t.type\tf,@function
f:                                      # @f
\t.cfi_startproc
\tleal\t(,%rdi,8), %eax
\tsubl\t%edi, %eax
\tretq
.Lfunc_end0:
\t.size\tf, .Lfunc_end0-f
\t.cfi_endproc
"""


def test_asm_body_runs_from_label_to_function_end():
    start, end = find_asm_body(ASM, "f")
    assert ASM[start:end].startswith("\t.cfi_startproc") and ASM[start:end].endswith("retq\n")


def test_asm_splice_keeps_cfi_frame_and_size_directive():
    spliced = AsmLevel().splice(ASM, "f", "```asm\nf:\n\timull\t$7, %edi, %eax\n\tretq\n```")
    assert isinstance(spliced, str)
    assert "imull" in spliced and "leal" not in spliced
    assert spliced.count(".cfi_startproc") == 1 and ".size\tf, .Lfunc_end0-f" in spliced


def test_asm_reply_with_only_labels_is_invalid():
    assert extract_function("```asm\nf:\n# nothing\n```", "f", "asm") is None


@pytest.mark.parametrize("opt,pipeline", [("-O3", "default<O3>"), ("-O2", "default<O2>"),
                                          ("-Os", "default<Os>"), ("-Oz", "default<Oz>"),
                                          ("-O", "default<O1>"), ("-Ofast", "default<O3>")])
def test_pipeline_for_user_opt_level(opt, pipeline):
    assert pipeline_for(opt) == pipeline


def test_code_blocks_reports_unclosed_last_block():
    blocks = code_blocks("```c\nint a;\n```\ntext\n~~~\nint b;")
    assert [b.closed for b in blocks] == [True, False] and blocks[0].lang == "c"


# --------------------------------------------------------------------------- K&R, macro names, layout

ZLIB_STYLE = """#define ZEXPORT
#define OF(args) args
typedef unsigned long uLong;
typedef unsigned char Bytef;
typedef unsigned long z_size_t;
uLong ZEXPORT adler32_z OF((uLong adler, const Bytef *buf, z_size_t len));

/* ========================================================================= */
uLong ZEXPORT adler32_z(adler, buf, len)
    uLong adler;
    const Bytef *buf;
    z_size_t len;
{
    unsigned long sum2 = (adler >> 16) & 0xffff;
    adler &= 0xffff;
    while (len--) { adler += *buf++; sum2 += adler; }
    return adler | (sum2 << 16);
}

int after(int x) { return x + 1; }
"""

BZIP2_STYLE = """#define BZ_API(func) func
#define BZ_EXTERN extern
typedef void BZFILE;
BZ_EXTERN void BZ_API(BZ2_bzWrite) (int* bzerror, BZFILE* b, void* buf, int len);

/*---------------------------------------------------*/
void BZ_API(BZ2_bzWrite)
             ( int*    bzerror,
               BZFILE* b,
               void*   buf,
               int     len )
{
   if (bzerror != 0) *bzerror = len;
}
"""


def test_kr_definition_is_found_from_specifiers_to_brace():
    span = find_c_function(ZLIB_STYLE, "adler32_z")
    assert span is not None
    text = ZLIB_STYLE[span[0]:span[1]]
    assert text.startswith("uLong ZEXPORT adler32_z(adler, buf, len)")
    assert text.endswith("return adler | (sum2 << 16);\n}")
    assert find_c_function(ZLIB_STYLE, "after") is not None


def test_kr_lookalikes_are_not_definitions():
    assert find_c_function("int f(a, b);\nint g(void) { return 0; }\n", "f") is None
    # an identifier-list call followed by declarations and another function
    assert find_c_function("M(f(a))\nint x;\nint g(void) { return 0; }\n", "f") is None
    # initializers are not K&R parameter declarations
    assert find_c_function("int f(a) int a = 1; { return a; }\n", "f") is None


def test_macro_named_definition_is_found_and_prototype_is_not():
    span = find_c_function(BZIP2_STYLE, "BZ2_bzWrite")
    assert span is not None
    text = BZIP2_STYLE[span[0]:span[1]]
    assert text.startswith("void BZ_API(BZ2_bzWrite)\n") and text.rstrip().endswith("}")
    assert "BZ_EXTERN" not in text


@pytest.mark.parametrize("program,function,reply_def", [
    (ZLIB_STYLE, "adler32_z",
     "uLong ZEXPORT adler32_z(adler, buf, len)\n    uLong adler;\n    const Bytef *buf;\n    z_size_t len;\n"
     "{\n    unsigned long s2 = (adler >> 16) & 0xffff, s1 = adler & 0xffff;\n"
     "    while (len--) { s1 += *buf++; s2 += s1; }\n    return s1 | (s2 << 16);\n}"),
    (BZIP2_STYLE, "BZ2_bzWrite",
     "void BZ_API(BZ2_bzWrite)(int* bzerror, BZFILE* b, void* buf, int len)\n"
     "{\n   if (bzerror) { *bzerror = len; }\n}"),
], ids=["kr", "macro-named"])
def test_kr_and_macro_named_splice_and_compile(tmp_path, program, function, reply_def):
    """The model sees the real definition, and its rewrite splices into a program clang accepts."""
    import subprocess

    from llmcc.toolchain import find_toolchain
    level = SourceLevel()
    assert level.function_text(program, function)
    spliced = level.splice(program, function, f"Faster:\n```c\n{reply_def}\n```\n")
    assert isinstance(spliced, str) and reply_def in spliced
    src = tmp_path / "p.c"
    src.write_text(spliced)
    proc = subprocess.run([str(find_toolchain().clang), "-std=gnu89", "-c", str(src), "-o", str(tmp_path / "p.o")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_indented_and_reflowed_ir_define_is_extracted():
    reply = ("```llvm\n  define dso_local i32 @add(i32 noundef %a,\n      i32 noundef %b) #0 {\n"
             "  entry:\n    %s = add i32 %a, %b\n    ret i32 %s\n  }\n```")
    got = extract_function(reply, "add", "ir")
    assert got is not None and got.lstrip().startswith("define") and got.rstrip().endswith("}")
    assert "ret i32 %s" in got


def test_single_line_ir_define_with_struct_parameter_still_found():
    text = "define i32 @f({ i32, i32 } %s) {\n  %a = extractvalue { i32, i32 } %s, 0\n  ret i32 %a\n}\n"
    assert find_ir_function(text, "f") == (0, len(text) - 1)


def test_indented_asm_label_is_extracted():
    reply = "```asm\n    popcnt32:\n        popcntl %edi, %eax\n        retq\n```"
    body = extract_function(reply, "popcnt32", "asm")
    assert body is not None and "popcntl" in body


def test_braces_opened_in_both_branches_of_a_conditional_do_not_hide_later_functions():
    text = ("int f(int *buf, int n)\n{\n    int r = 0;\n#ifdef FORCE\n    if (buf != 0) {\n#else\n"
            "    if (n > 4 && buf != 0) {\n#endif\n        r = buf[0];\n    }\n    return r;\n}\n\n"
            "int g(int x) { return x * 2; }\n")
    f = find_c_function(text, "f")
    assert f is not None and text[f[0]:f[1]].endswith("return r;\n}")
    g = find_c_function(text, "g")
    assert g is not None and text[g[0]:g[1]] == "int g(int x) { return x * 2; }"


def test_function_defined_only_in_an_else_branch_is_found():
    text = "#if HAVE_ATOMICS\nint once(int *p) { return *p; }\n#else\nint test_and_set(p)\n  int *p;\n{ return *p; }\n#endif\n"
    span = find_c_function(text, "test_and_set")
    assert span is not None and text[span[0]:span[1]].startswith("int test_and_set(p)")


# --------------------------------------------------------------------------- replies as models write them

from llmcc.agents.extract import c_items, c_tokens, no_improvement_statement  # noqa: E402

POPCOUNT_HELPER_REPLY = """Here is a faster version. I added a small helper that counts one word.

```c
#include <stdint.h>
#include <stddef.h>

static inline uint64_t count_word(uint32_t w)
{
    return (uint64_t)__builtin_popcount(w);
}

uint64_t popcount_sum(const uint32_t *words, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += count_word(words[i]);
    return total;
}
```

This uses the hardware-independent builtin; clang lowers it well.
"""


def test_c_items_names_kinds_and_linkage():
    src = ("#include <x.h>\n#define SQ(x) \\\n  ((x)*(x))\ntypedef struct node { int a; } node_t;\n"
           "enum color { RED, GREEN = 2 };\nstatic const unsigned char lut[4] = {0, 1, 1, 2};\n"
           "int counter, *ptr = 0;\nextern int ext;\nint proto(int);\n"
           "static inline __attribute__((always_inline)) int popc(unsigned x) { return x; }\n"
           "struct s *make(void) { return 0; }\nint (*fp)(int);\n")
    got = [(it.kind, it.names, it.exports) for it in c_items(src)]
    assert got == [("directive", (), False), ("directive", ("SQ",), False),
                   ("declaration", ("node", "node_t"), False),
                   ("declaration", ("color", "RED", "GREEN"), False),
                   ("declaration", ("lut",), False), ("declaration", ("counter", "ptr"), True),
                   ("declaration", ("ext",), False), ("declaration", ("proto",), False),
                   ("function", ("popc",), False), ("function", ("make",), True),
                   ("declaration", ("fp",), True)]


def test_c_tokens_ignore_layout_and_comments_but_not_strings():
    assert c_tokens("int  x = 1; /* c */\n") == c_tokens("int x=1;// other\n")
    assert c_tokens('char *s = "a  b";') != c_tokens('char *s = "a b";')


def test_reply_with_new_static_helper_splices_it_before_the_function():
    spliced = SourceLevel().splice(KERNELS, "popcount_sum", POPCOUNT_HELPER_REPLY)
    assert not isinstance(spliced, SpliceError), spliced
    helper = spliced.index("static inline uint64_t count_word")
    assert spliced.index("bits32") < helper < spliced.index("uint64_t popcount_sum(")
    assert spliced.count("#include <stdint.h>") == 1          # already in the TU: not repeated
    assert "sum_times7" in spliced and "add_one" in spliced    # the rest of the file is kept


def test_whole_file_reply_takes_only_the_function_and_what_is_new():
    whole = KERNELS.replace("/* Bit count one bit at a time: -O3 unrolls it into ~100 instructions. */\n", "")
    start, end = find_c_function(whole, "popcount_sum")
    new_fn = ("uint64_t popcount_sum(const uint32_t *words, size_t n)\n{\n    uint64_t t = 0;\n"
              "    for (size_t i = 0; i < n; i++)\n        t += POP(words[i]);\n    return t;\n}")
    whole = ("#include <string.h>\n#define POP(w) ((uint64_t)__builtin_popcount(w))\n"
             + whole[:start] + new_fn + whole[end:])
    reply = f"Sure! Here is the complete file:\n\n```c\n{whole}```\n"
    spliced = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert not isinstance(spliced, SpliceError), spliced
    assert "Bit count one bit at a time" in spliced            # nothing else was replaced
    assert spliced.count("unsigned bits32(unsigned w)") == 1
    fn = spliced.index("uint64_t popcount_sum(")
    assert spliced.index("#include <string.h>") < fn and spliced.index("#define POP(w)") < fn
    assert spliced.index("unsigned bits32(unsigned w)") < spliced.index("#include <string.h>")


def test_helper_named_like_a_tu_function_is_refused_with_the_name():
    reply = POPCOUNT_HELPER_REPLY.replace("count_word", "bits32")
    result = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert isinstance(result, SpliceError) and result.stage == "splice"
    assert "'bits32'" in result.message and "already declared" in result.message


def test_helper_named_like_a_header_declaration_is_refused():
    result = SourceLevel().splice(KERNELS, "popcount_sum", POPCOUNT_HELPER_REPLY,
                                  header_names=lambda: {"count_word", "memcpy"})
    assert isinstance(result, SpliceError) and "'count_word'" in result.message


def test_new_non_static_helper_is_refused_as_a_new_export():
    reply = POPCOUNT_HELPER_REPLY.replace("static inline uint64_t", "uint64_t")
    result = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert isinstance(result, SpliceError) and "exported symbol" in result.message
    table = ("```c\nconst unsigned char lut[4] = {0, 1, 1, 2};\n"
             "uint64_t popcount_sum(const uint32_t *words, size_t n) { return lut[n & 3]; }\n```")
    result = SourceLevel().splice(KERNELS, "popcount_sum", table)
    assert isinstance(result, SpliceError) and "'lut'" in result.message and "static" in result.message


def test_changed_other_function_in_a_whole_file_reply_is_refused():
    whole = KERNELS.replace("s += (int64_t)a[i] * 7;", "s += (int64_t)a[i] * 8;")
    reply = f"```c\n{whole}```"
    result = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert isinstance(result, SpliceError) and "'sum_times7'" in result.message


def test_crlf_reply_is_understood():
    reply = POPCOUNT_HELPER_REPLY.replace("\n", "\r\n")
    spliced = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert not isinstance(spliced, SpliceError) and "\r" not in spliced


@pytest.mark.parametrize("text, expected", [
    ("No improvement possible.", True),
    ("The function is already optimal for -O3.", True),
    ("I don't see a way to make this faster without changing behaviour.", True),
    ("There is nothing left to optimize here.", True),
    ("Here is the improved version; it is 2x faster.", False),
    ("```c\nint f(void) { return 0; /* already optimal */ }\n```", False),
])
def test_no_improvement_statements(text, expected):
    assert (no_improvement_statement(text) is not None) is expected


@pytest.mark.parametrize("tag", ["llvm", "ll", "none", ""])
def test_indented_crlf_ir_reply_splices_flush_left_and_parses(tag):
    reply = (f"Here you go:\r\n\r\n   ```{tag}\r\n   define i32 @f(i32 %x) #0 {{\r\n"
             "     %c = call i32 @llvm.ctpop.i32(i32 %x)\r\n     ret i32 %c\r\n   }\r\n"
             "   declare i32 @llvm.ctpop.i32(i32)\r\n   ```\r\n")
    spliced = IRLevel().splice(IR_MODULE, "f", reply)
    assert isinstance(spliced, str), spliced
    assert "\ndefine i32 @f(i32 %x) #0 {\n  %c = call" in spliced and "\r" not in spliced
    assert "\ndeclare i32 @llvm.ctpop.i32(i32)" in spliced


@pytest.mark.parametrize("tag", ["asm", "x86asm", "nasm", "s", "none", ""])
def test_asm_reply_with_any_asm_tag_and_crlf_is_extracted(tag):
    reply = f"Faster:\r\n```{tag}\r\nf:\r\n\tleal\t(%rdi,%rdi,2), %eax\r\n\tretq\r\n```\r\n"
    spliced = AsmLevel().splice(ASM, "f", reply)
    assert isinstance(spliced, str) and "leal\t(%rdi,%rdi,2), %eax\n\tretq\n.Lfunc_end0:" in spliced


TABLE_THEN_FUNCTION = """The 8 steps per byte can be precomputed. Add this table at file scope:

```c
/* bit counts of every byte */
static const unsigned char nbits[256] = { 0, 1, 1, 2 };
```

and replace the function with:

```c
uint64_t popcount_sum(const uint32_t *words, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += nbits[words[i] & 255] + nbits[(words[i] >> 8) & 255];
    return t;
}
```

You can call it like this:

```c
int main(void) { uint32_t w[2] = {1, 2}; return (int)popcount_sum(w, 2); }
```
"""


def test_table_in_its_own_block_is_spliced_and_an_example_main_is_left_out():
    spliced = SourceLevel().splice(KERNELS, "popcount_sum", TABLE_THEN_FUNCTION)
    assert not isinstance(spliced, SpliceError), spliced
    assert spliced.index("static const unsigned char nbits[256]") < spliced.index("uint64_t popcount_sum(")
    assert "int main(void)" not in spliced


def test_helper_in_another_block_colliding_with_a_tu_function_is_refused():
    reply = TABLE_THEN_FUNCTION.replace(
        "static const unsigned char nbits[256] = { 0, 1, 1, 2 };",
        "static unsigned bits32(unsigned w) { return __builtin_popcount(w); }")
    result = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert isinstance(result, SpliceError) and "'bits32'" in result.message


def test_a_later_block_quoting_the_original_does_not_win_over_the_rewrite():
    start, end = find_c_function(KERNELS, "bits32")
    reply = (f"Optimized:\n```c\n{GOOD_C}\n```\nFor comparison, the original:\n"
             f"```c\n{KERNELS[start:end]}\n```\n")
    spliced = SourceLevel().splice(KERNELS, "bits32", reply)
    assert isinstance(spliced, str) and GOOD_C in spliced and "c += (w >> b) & 1u;" not in spliced


def test_ir_reply_with_a_new_private_table_and_internal_helper_is_spliced():
    reply = ("```llvm\n@lut = private unnamed_addr constant [4 x i32] [i32 0, i32 7, i32 14, i32 21]\n\n"
             "define internal i32 @times7(i32 %x) {\n  %r = mul i32 %x, 7\n  ret i32 %r\n}\n\n"
             "define i32 @f(i32 %x) #0 {\n  %r = call i32 @times7(i32 %x)\n  ret i32 %r\n}\n\n"
             "define i32 @g(i32 %x) {\n  ret i32 0\n}\n```")
    spliced = IRLevel().splice(IR_MODULE, "f", reply)
    assert isinstance(spliced, str), spliced
    assert "@lut = private unnamed_addr constant" in spliced and "define internal i32 @times7" in spliced
    assert "define i32 @g(i32 %x) {\n  ret i32 %x\n}" in spliced     # restated @g is not taken


@pytest.mark.parametrize("extra, why", [
    ("@lut = constant [1 x i32] [i32 0]", "exported symbol"),
    ("define i32 @times7(i32 %x) {\n  ret i32 %x\n}", "exported symbol"),
    ("@g = private constant i32 0", "already exists"),
])
def test_ir_reply_adding_exports_or_reusing_names_is_refused(extra, why):
    reply = f"```llvm\n{extra}\n\ndefine i32 @f(i32 %x) #0 {{\n  ret i32 %x\n}}\n```"
    result = IRLevel().splice(IR_MODULE, "f", reply)
    assert isinstance(result, SpliceError) and result.stage == "splice" and why in result.message


def test_asm_reply_with_a_constant_pool_moves_it_out_of_the_function_and_assembles(tmp_path):
    import subprocess

    from llmcc.toolchain import find_toolchain
    reply = ("```asm\nf:\n\t.cfi_startproc\n\tmovl\t.Lf_seven(%rip), %eax\n\timull\t%edi, %eax\n\tretq\n"
             "\t.section\t.rodata.cst4,\"aM\",@progbits,4\n\t.p2align\t2\n.Lf_seven:\n\t.long\t7\n"
             "\t.text\n```")
    spliced = AsmLevel().splice(ASM, "f", reply)
    assert isinstance(spliced, str), spliced
    assert spliced.index("retq\n.Lfunc_end0:") < spliced.index(".Lf_seven:\n\t.long\t7")
    src = tmp_path / "p.s"
    src.write_text(spliced)
    proc = subprocess.run([str(find_toolchain().clang), "-c", str(src), "-o", str(tmp_path / "p.o")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_later_round_may_keep_change_or_replace_the_helpers_of_an_earlier_one(tmp_path):
    import subprocess

    from llmcc.toolchain import find_toolchain
    level = SourceLevel()
    once = level.splice(KERNELS, "popcount_sum", POPCOUNT_HELPER_REPLY)
    assert isinstance(once, str) and "llmcc: helpers of popcount_sum" in once
    # Round 2 gives only the function and still calls the helper: it is kept.
    only_fn = ("```c\nuint64_t popcount_sum(const uint32_t *words, size_t n)\n{\n    uint64_t t = 0;\n"
               "    for (size_t i = n; i-- > 0;)\n        t += count_word(words[i]);\n    return t;\n}\n```")
    kept = level.splice(once, "popcount_sum", only_fn)
    assert isinstance(kept, str) and kept.count("static inline uint64_t count_word") == 1
    # Round 3 changes the helper itself: no name collision with its own earlier helper.
    changed = level.splice(kept, "popcount_sum", POPCOUNT_HELPER_REPLY.replace(
        "return (uint64_t)__builtin_popcount(w);", "return (uint64_t)__builtin_popcountl(w);"))
    assert isinstance(changed, str), changed
    assert changed.count("count_word(uint32_t w)") == 1 and "__builtin_popcountl(w)" in changed
    assert changed.count("llmcc: helpers of popcount_sum") == 1 and changed.count("#line") == 1
    for tag, text in (("once", once), ("kept", kept), ("changed", changed)):
        src = tmp_path / f"{tag}.c"
        src.write_text(text)
        proc = subprocess.run([str(find_toolchain().clang), "-O2", "-c", str(src), "-o", str(tmp_path / f"{tag}.o")],
                              capture_output=True, text=True)
        assert proc.returncode == 0, (tag, proc.stderr)


def test_a_header_declaration_restated_from_the_context_is_not_a_collision():
    reply = POPCOUNT_HELPER_REPLY.replace("#include <stddef.h>\n",
                                          "#include <stddef.h>\ntypedef unsigned long size_t;\n")
    headers = {"size_t", "uint32_t"}
    result = SourceLevel().splice(KERNELS, "popcount_sum", reply, header_names=lambda: headers,
                                  header_tokens=lambda: {c_tokens("typedef  unsigned long size_t ;")})
    assert isinstance(result, str) and "typedef unsigned long size_t;" not in result
    changed = reply.replace("typedef unsigned long size_t;", "typedef unsigned int size_t;")
    result = SourceLevel().splice(KERNELS, "popcount_sum", changed, header_names=lambda: headers,
                                  header_tokens=lambda: {c_tokens("typedef unsigned long size_t;")})
    assert isinstance(result, SpliceError) and "'size_t'" in result.message


def test_intel_syntax_asm_reply_is_wrapped_and_assembles(tmp_path):
    import subprocess

    from llmcc.toolchain import find_toolchain
    reply = "```nasm\nf:\n    lea eax, [rdi*8]\n    sub eax, edi\n    ret\n```"
    spliced = AsmLevel().splice(ASM, "f", reply)
    assert isinstance(spliced, str), spliced
    assert ".intel_syntax noprefix\n    lea eax, [rdi*8]" in spliced
    assert spliced.index(".att_syntax prefix") < spliced.index(".Lfunc_end0:")
    src = tmp_path / "p.s"
    src.write_text(spliced)
    obj = tmp_path / "p.o"
    proc = subprocess.run([str(find_toolchain().clang), "-c", str(src), "-o", str(obj)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    objdump = find_toolchain().tool("llvm-objdump")
    dis = subprocess.run([str(objdump), "-d", str(obj)], capture_output=True, text=True).stdout
    assert "leal" in dis and "(,%rdi,8)" in dis


def test_att_asm_reply_is_not_wrapped():
    spliced = AsmLevel().splice(ASM, "f", "```asm\nf:\n\tleal\t(%rdi,%rdi,2), %eax\n\tretq\n```")
    assert isinstance(spliced, str) and ".intel_syntax" not in spliced


def test_new_macro_named_like_a_local_variable_of_the_tu_is_refused():
    # ``total`` is only a local of popcount_sum and sum_times7's ``s``: a macro named so
    # would rewrite that code too.
    reply = POPCOUNT_HELPER_REPLY.replace("#include <stddef.h>\n", "#include <stddef.h>\n#define s 0\n")
    result = SourceLevel().splice(KERNELS, "popcount_sum", reply)
    assert isinstance(result, SpliceError) and "'s'" in result.message
    fine = POPCOUNT_HELPER_REPLY.replace("#include <stddef.h>\n", "#include <stddef.h>\n#define WORD_BITS 32\n")
    assert isinstance(SourceLevel().splice(KERNELS, "popcount_sum", fine), str)
