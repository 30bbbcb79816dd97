"""Differential tests drop an input (or a rare-path call) on which the candidate differs
only where the ORIGINAL is undefined (its ASan + UBSan build reports); a difference where
the original is defined still fails the candidate."""
from __future__ import annotations

from pathlib import Path

import pytest

from llmcc.outcome import Fallback
from llmcc.verify.difftest import run_differential
from llmcc.verify.domain import OriginalSource
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.verdict import VerdictKind
from test_difftest import compile_candidate, make_context

# Reads a[i] with no check: undefined for i outside [0, n) (the harness's a has n elements).
GET = "#include <stddef.h>\nint get(const int *a, size_t n, int i) { (void)n; return a[i]; }\n"


@pytest.fixture
def get(tmp_path):
    ctx = make_context(tmp_path, GET, "get", has_main=False)
    plan = build_test_plan(ctx, "get")
    assert not isinstance(plan, Fallback), plan
    return ctx, plan, OriginalSource(Path(ctx.source_path), (), ctx.cwd)


def _diff(ctx, plan, cand, original, rare=True):
    return run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                            workdir=ctx.workdir / "difftest", original=original, rare=rare)


def _rewrite(ctx, condition: str, name: str):
    return compile_candidate(ctx, "#include <stddef.h>\nint get(const int *a, size_t n, int i) {\n"
                             f"  if ({condition}) return 12345;\n  return a[i]; }}\n", name)


def test_an_input_the_original_is_undefined_on_is_dropped_with_the_report(get):
    ctx, plan, original = get
    # Differs only a little past the end, where the original reads out of bounds.
    cand = _rewrite(ctx, "i >= 0 && (size_t)i >= n && (size_t)i < n + 100", "past")
    blind = _diff(ctx, plan, cand, None, rare=False)
    assert blind.checker == "difftest-function" and blind.kind is VerdictKind.TESTED_DIFFERENT, blind
    seen = _diff(ctx, plan, cand, original, rare=False)
    assert seen.kind is VerdictKind.TESTED_EQUAL, seen
    dropped = [d for d in seen.data["dropped"] if "the original is undefined on it" in d]
    assert dropped and all("AddressSanitizer: heap-buffer-overflow" in d for d in dropped), seen.data


def test_rare_calls_the_original_is_undefined_on_are_skipped(get):
    ctx, plan, original = get
    cand = _rewrite(ctx, "i >= 0 && (size_t)i == n", "at_n")     # differs only at a[n]
    blind = _diff(ctx, plan, cand, None)
    assert blind.kind is VerdictKind.TESTED_DIFFERENT and "rare input" in blind.detail, blind
    seen = _diff(ctx, plan, cand, original)
    assert seen.kind is VerdictKind.TESTED_EQUAL, seen
    assert seen.data["rare_undefined"] >= 1 and seen.data["rare_calls_compared"] >= 20


def test_a_difference_where_the_original_is_defined_still_fails(get):
    ctx, plan, original = get
    verdict = _diff(ctx, plan, _rewrite(ctx, "i == 2 && n > 2", "in_domain"), original)
    assert verdict.checker == "difftest-function" and verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "i=2" in verdict.counterexample or "i = 2" in verdict.counterexample


def test_a_function_that_prints_a_sanitizer_like_message_is_not_out_of_domain(tmp_path):
    # The original itself writes "runtime error:" to stderr at i == 2 (defined behaviour):
    # only the sanitizers' exit status with their report makes an input out of domain.
    noisy = ("#include <stddef.h>\n#include <stdio.h>\n"
             "int get(const int *a, size_t n, int i) { (void)n;\n"
             "  if (i == 2) fprintf(stderr, \"x.c:1:1: runtime error: not really\\n\");\n"
             "  return a[i]; }\n")
    ctx = make_context(tmp_path, noisy, "get", has_main=False)
    plan = build_test_plan(ctx, "get")
    assert not isinstance(plan, Fallback), plan
    cand = compile_candidate(ctx, noisy.replace("return a[i]; }", "return i == 2 && n > 2 ? 7 : a[i]; }"), "noisy")
    verdict = _diff(ctx, plan, cand, OriginalSource(Path(ctx.source_path), (), ctx.cwd), rare=False)
    assert verdict.checker == "difftest-function" and verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
    assert "correctness" in verdict.detail and not verdict.data.get("dropped"), verdict
