"""Extraction of code from model replies and splicing it into programs (no model, no compile)."""
from __future__ import annotations

from pathlib import Path

import pytest

from llmcc.agents.extract import (code_blocks, extract_function, find_asm_body, find_c_function,
                                  find_ir_function)
from llmcc.agents.levels import AsmLevel, IRLevel, SourceLevel, SpliceError, pipeline_for

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
    assert spliced == KERNELS[:start] + GOOD_C + KERNELS[end:]


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
