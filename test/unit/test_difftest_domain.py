"""Differential tests drop an input on which the candidate differs only where the ORIGINAL
is undefined (its ASan + UBSan build reports); a difference on an input the original is
defined on still fails the candidate."""
from __future__ import annotations

from pathlib import Path

import pytest

from llmcc.outcome import Fallback
from llmcc.verify.difftest import run_differential
from llmcc.verify.domain import OriginalSource
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.verdict import VerdictKind
from test_difftest import compile_candidate, make_context

REPO = Path(__file__).resolve().parents[2]
DECODE = REPO / "bench" / "rewrite_corpus" / "bzip2_decode_tables"


@pytest.fixture(scope="module")
def decode(tmp_path_factory):
    # The harness takes minLen for the buffers' length, so its scale inputs make the
    # original write base[length[i] + 1] past a 30-element buffer: undefined.
    ctx = make_context(tmp_path_factory.mktemp("decode"), (DECODE / "kernel.c").read_text(),
                       "BZ2_hbCreateDecodeTables", has_main=False)
    plan = build_test_plan(ctx, "BZ2_hbCreateDecodeTables")
    assert not isinstance(plan, Fallback), plan
    return ctx, plan, OriginalSource(Path(ctx.source_path), (), ctx.cwd)


def _diff(ctx, plan, cand, original):
    return run_differential(plan, ctx.baseline_object, cand, toolchain=ctx.toolchain,
                            workdir=ctx.workdir / "difftest", original=original, rare=False)


def test_an_input_the_original_is_undefined_on_is_dropped_with_the_report(decode):
    ctx, plan, original = decode
    good = compile_candidate(ctx, DECODE / "rewrite.c", "good")
    blind = _diff(ctx, plan, good, None)
    assert blind.checker == "difftest-function" and blind.kind is VerdictKind.TESTED_DIFFERENT, blind
    seen = _diff(ctx, plan, good, original)
    assert seen.kind is VerdictKind.TESTED_EQUAL, seen
    dropped = [d for d in seen.data["dropped"] if "the original is undefined on it" in d]
    assert dropped and all("AddressSanitizer" in d or "runtime error" in d for d in dropped), seen.data
    assert blind.detail.split(" on ")[-1].split()[0:3] == ["scale", "input", "0"]
    assert any(d.startswith("scale 0") for d in dropped)


def test_a_difference_where_the_original_is_defined_still_fails(decode):
    ctx, plan, original = decode
    # Wrong on every input the original is defined on: unused limit[] entries become 1.
    wrong = (DECODE / "kernel.c").read_text().replace(
        "for (i = 0; i < BZ_MAX_CODE_LEN; i++) limit[i] = 0;", "for (i = 0; i < BZ_MAX_CODE_LEN; i++) limit[i] = 1;")
    assert "limit[i] = 1;" in wrong
    verdict = _diff(ctx, plan, compile_candidate(ctx, wrong, "wrong"), original)
    assert verdict.checker == "difftest-function" and verdict.kind is VerdictKind.TESTED_DIFFERENT, verdict
