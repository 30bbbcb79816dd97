"""The differential test observes every global and static the TU defines (before and after
each call), stubs other TUs' data as zero-filled data that is observed too, prints
addresses symbolically, and refuses functions that touch volatile or atomic objects unless
the candidate is formally proved."""
from __future__ import annotations

import subprocess
from pathlib import Path

from llmcc.outcome import Fallback
from llmcc.verify.difftest import run_differential, tracked_objects
from llmcc.verify.evaluate import build_test_plan
from llmcc.verify.verdict import VerdictKind
from test_difftest import make_context

COUNTING = """
static int calls;                  /* file-scope static */
static long hist[4];
int total;                         /* global */
extern int last_sum;               /* defined by another TU: stubbed as data */
static const unsigned char *cursor;
const unsigned char *where(void) { return cursor; }
int step(const unsigned char *p, int n) {
  static int seen;                 /* function-local static */
  int s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  calls++;
  hist[n & 3] += s;
  total += n;
  seen += (s > 100);
  last_sum = s;
  cursor = p + n;
  return s;
}
"""


def compile_text(ctx, text: str, name: str) -> Path:
    """Compile candidate C text the way test_difftest compiles candidate files."""
    src = ctx.cwd / f"{name}.c"
    src.write_text(text)
    obj = ctx.cwd / f"{name}.o"
    subprocess.run([str(ctx.toolchain.clang), "-O2", "-c", str(src), "-o", str(obj)], check=True)
    return obj


def check(ctx, plan, text: str, name: str, **kwargs):
    return run_differential(plan, ctx.baseline_object, compile_text(ctx, text, name),
                            toolchain=ctx.toolchain, workdir=ctx.workdir / "difftest", **kwargs)


def first_difference(verdict) -> str:
    lines = verdict.counterexample.splitlines()
    k = lines.index(next(line for line in lines if line.startswith("first difference")))
    return "\n".join(lines[k:k + 3])


def counting_plan(tmp_path):
    ctx = make_context(tmp_path, COUNTING, "counting", has_main=False)
    plan = build_test_plan(ctx, "step")
    assert not isinstance(plan, Fallback), plan
    return ctx, plan


def test_every_writable_object_of_the_tu_is_observed(tmp_path):
    ctx, plan = counting_plan(tmp_path)
    observed = {e["name"]: e["origin"] for e in plan.detail["observed_state"]}
    assert observed == {"calls": "static", "hist": "static", "total": "global", "step.seen": "static",
                        "cursor": "static", "last_sum": "extern"}
    # Extern data is stubbed as data of the declared size, not as a trapping function.
    assert plan.detail["stubbed_data"] == ["last_sum"]
    assert next(e for e in plan.detail["observed_state"] if e["name"] == "last_sum")["size"] == 4
    same = check(ctx, plan, COUNTING, "same")
    assert same.kind == VerdictKind.TESTED_EQUAL, same
    # A pointer into the argument buffer left in a static is compared symbolically.
    obs = plan.reference_cache.peek(next(iter(plan.reference_cache.entries))[0], plan.correctness[3])
    assert b"post.cursor:[&buf0+" in obs.stdout and b"pre.calls:00000000" in obs.stdout


def test_dropped_write_to_a_global_counter_is_caught(tmp_path):
    ctx, plan = counting_plan(tmp_path)
    verdict = check(ctx, plan, COUNTING.replace("total += n;", ""), "dropped")
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, verdict
    assert verdict.checker == "difftest-function"
    assert "reference: post.total:" in first_difference(verdict)


def test_changed_write_to_a_file_scope_static_is_caught(tmp_path):
    ctx, plan = counting_plan(tmp_path)
    verdict = check(ctx, plan, COUNTING.replace("hist[n & 3] += s;", "hist[n & 3] += s + (n > 5);"), "changed")
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, verdict
    assert verdict.checker == "difftest-function"
    assert "reference: post.hist:" in first_difference(verdict)


def test_function_local_static_and_extern_data_writes_are_observed(tmp_path):
    ctx, plan = counting_plan(tmp_path)
    local = check(ctx, plan, COUNTING.replace("seen += (s > 100);", "seen += (s >= 0);"), "local")
    assert local.kind == VerdictKind.TESTED_DIFFERENT and "post.step.seen:" in first_difference(local)
    extern = check(ctx, plan, COUNTING.replace("last_sum = s;", "last_sum = s | 1;"), "extern")
    assert extern.kind == VerdictKind.TESTED_DIFFERENT and "post.last_sum:" in first_difference(extern)
    moved = check(ctx, plan, COUNTING.replace("cursor = p + n;", "cursor = p;"), "moved")
    assert moved.kind == VerdictKind.TESTED_DIFFERENT and "post.cursor:[&buf0+" in first_difference(moved)


def test_statics_are_found_in_the_object(tmp_path):
    ctx, _ = counting_plan(tmp_path)
    objects, notes = tracked_objects(ctx.baseline_object)
    statics = {o.name: o.symbol for o in objects if o.origin == "static"}
    assert statics["step.seen"] == "__llmcc_st_step_2eseen" and notes == []


VOLATILE = """
static volatile unsigned ticks;
static unsigned bump(void) { return ++ticks; }
unsigned tick_sum(const unsigned *a, unsigned long n) {
  unsigned s = 0;
  for (unsigned long i = 0; i < n; i++) { bump(); s += a[i]; }
  return s;
}
"""


def test_functions_touching_volatile_objects_need_a_proof(tmp_path):
    ctx = make_context(tmp_path, VOLATILE, "vol", has_main=False)
    plan = build_test_plan(ctx, "tick_sum")
    assert not isinstance(plan, Fallback), plan
    assert "volatile" in plan.signature.volatile_reason and "bump" in plan.signature.volatile_reason
    refused = check(ctx, plan, VOLATILE, "same")
    assert refused.kind == VerdictKind.INCONCLUSIVE and refused.detail.startswith("unsupported:")
    proved = check(ctx, plan, VOLATILE, "same2", formally_proved=True)
    assert proved.kind == VerdictKind.TESTED_EQUAL, proved


SINK = """
struct sink { int writing; int last_err; unsigned char *buf; unsigned cap; unsigned used;
              unsigned long total; struct sink *next; };
int sink_write(struct sink *s, const unsigned char *data, int len) {
  if (len < 0) return -2;
  if (s->writing == 0) { s->last_err = -1; return -1; }
  for (int i = 0; i < len; i++) {
    if (s->used < s->cap) s->buf[s->used++] = data[i] ^ 0x5a;
    s->total += data[i];
  }
  s->last_err = 0;
  return len;
}
"""


def test_struct_reached_through_a_pointer_is_built_from_its_type_and_observed(tmp_path):
    ctx = make_context(tmp_path, SINK, "sink", has_main=False)
    plan = build_test_plan(ctx, "sink_write")
    assert not isinstance(plan, Fallback), plan
    s = plan.signature.params[0]
    kinds = {f.name: f.kind for f in s.fields}
    assert kinds == {"writing": "scalar", "last_err": "scalar", "buf": "pointer", "cap": "scalar",
                     "used": "scalar", "total": "scalar", "next": "opaque"}
    buf = next(f for f in s.fields if f.name == "buf")
    assert s.fields[buf.length_field].name == "cap"          # the buffer's length field
    # Meaningful field values: both branches of s->writing are taken by the plan's inputs.
    writing = {inp.values[0][0] != 0 for inp in plan.correctness}
    assert writing == {True, False}
    same = check(ctx, plan, SINK, "same")
    assert same.kind == VerdictKind.TESTED_EQUAL, same


def test_flipped_test_of_a_struct_field_through_a_pointer_is_caught(tmp_path):
    ctx = make_context(tmp_path, SINK, "sink", has_main=False)
    plan = build_test_plan(ctx, "sink_write")
    verdict = check(ctx, plan, SINK.replace("s->writing == 0", "s->writing != 0"), "flipped")
    assert verdict.kind == VerdictKind.TESTED_DIFFERENT, verdict
    assert verdict.checker == "difftest-function"
    assert verdict.counterexample.startswith("input: correctness") and "s={" in verdict.counterexample
    diff = first_difference(verdict)
    assert "reference: ret:" in diff or "reference: a0." in diff, diff
    # A wrong byte written through the struct's pointer field shows in that buffer.
    wrong = check(ctx, plan, SINK.replace("^ 0x5a", "^ 0x5b"), "wrongbyte")
    assert wrong.kind == VerdictKind.TESTED_DIFFERENT and "reference: a0.buf[]:" in first_difference(wrong)


def test_objects_too_big_to_hash_every_run_are_listed_not_observed(tmp_path):
    ctx = make_context(tmp_path, "static char big[32 << 20]; static int small;\n"
                                 "int touch(int i) { big[i & 0xffffff] += 1; return big[i & 0xff] + ++small; }\n",
                      "big", has_main=False)
    objects, notes = tracked_objects(ctx.baseline_object)
    assert [o.name for o in objects] == ["small"]
    assert notes and "big" in notes[0] and "too big" in notes[0]
