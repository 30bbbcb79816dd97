"""The context a level agent's model gets (llmcc/agents/context.py): declarations from the
file and its headers, callees, callers, hot loop, remarks, flags, within a budget."""
from __future__ import annotations

import pytest

from llmcc.agents.context import (OMITTED, ContextItem, build_context, header_names, hot_loop,
                                  select_items)
from llmcc.config import load_settings
from llmcc.toolchain import find_toolchain
from llmcc.tu import HotFunction, TUContext

HEADER = """#include <stdint.h>
#define N_BUCKETS 16
#define HASH(x) (((x) * 2654435761u) >> 28)
typedef struct entry { uint32_t key; int32_t val; struct bucket *owner; } entry_t;
struct bucket { int count; entry_t items[8]; };
typedef struct unrelated { double never_used_here; } unrelated_t;
"""

SOURCE = """#include <stdio.h>
#include "table.h"
static int seen;
static inline int clamp(int v) { return v < 0 ? 0 : v; }
static int weight(const entry_t *e) { return clamp(e->val) + (int)HASH(e->key); }
int score(const entry_t *es, size_t n)
{
    int s = 0;
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < N_BUCKETS; j++)
            s += weight(&es[i]) ^ j;
    }
    seen++;
    return s;
}
static int not_called(void) { return 42; }
int main(void)
{
    entry_t e[2] = {{1, 2, 0}, {3, 4, 0}};
    printf("%d\\n", score(e, 2));
    return score(e, 1) + not_called();
}
"""

EVIDENCE = {"loops": 2, "max_loop_depth": 2, "trip_counts": [0, 16],
            "remarks": {"counts": {"passed": 3, "missed": 2, "analysis": 1},
                        "missed": {"loop-vectorize:MissedDetails": 2},
                        "top_missed": ["loop-vectorize:MissedDetails"], "vectorized": 0}}


@pytest.fixture
def ctx(tmp_path) -> TUContext:
    src = tmp_path / "src"
    src.mkdir()
    (src / "table.h").write_text(HEADER)
    (src / "score.c").write_text(SOURCE)
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "none.toml").write_text("")
    settings = load_settings(cwd=tmp_path, env={"LLMCC_CONFIG": str(tmp_path / "none.toml")})
    return TUContext(source="score.c", cwd=src, flags=["-march=x86-64-v2"], opt_level="-O2",
                     toolchain=find_toolchain(), settings=settings, workdir=work,
                     baseline_object=work / "none.o",
                     hot_functions=[HotFunction("score", 3.0, EVIDENCE)])


def test_context_holds_header_types_macros_callees_callers_loop_remarks_flags(ctx):
    text = build_context(ctx, SOURCE, "score")
    # Types and macros from the header, closed over member types; not unrelated ones.
    assert "typedef struct entry {" in text and "struct bucket {" in text
    assert "#define N_BUCKETS 16" in text and "#define HASH(x)" in text
    assert "typedef __uint32_t uint32_t;" in text or "typedef unsigned int uint32_t;" in text
    assert "unrelated_t" not in text
    assert "static int seen;" in text
    # Callees defined in the file, with what they call in turn; not uncalled functions.
    assert "static int weight(const entry_t *e)" in text and "static inline int clamp" in text
    assert "not_called(void) { return 42; }" not in text
    # Callers with their call lines.
    assert "main:\n    printf(\"%d\\n\", score(e, 2));\n    return score(e, 1) + not_called();" in text
    # The deepest loop, remarks and flags.
    assert "lines 5-6 of `score`" in text and "for (int j = 0; j < N_BUCKETS; j++)" in text
    assert "loop-vectorize:MissedDetails x2" in text
    assert "clang -O2 -march=x86-64-v2" in text
    # The function as the compiler sees it: N_BUCKETS expanded.
    assert "/* the function with its macros expanded */" in text
    assert "j < 16" in text


def test_function_without_macros_is_not_repeated_expanded(ctx):
    assert "macros expanded" not in build_context(ctx, SOURCE, "main")


def test_rewritten_function_is_not_shown_expanded_from_the_original(ctx):
    rewritten = SOURCE.replace("s += weight(&es[i]) ^ j;", "s += weight(&es[i]) ^ (j + 0);")
    assert "macros expanded" not in build_context(ctx, rewritten, "score")


def test_budget_keeps_smallest_items_and_says_what_was_left_out(ctx):
    full = build_context(ctx, SOURCE, "score")
    small = build_context(ctx, SOURCE, "score", budget=400)
    assert len(small) < len(full)
    assert "#define N_BUCKETS 16" in small          # small items survive
    assert "left out for length" in small or "truncated by llmcc" in small


def test_select_items_truncates_the_first_item_that_does_not_fit_with_a_marker():
    items = [ContextItem("declarations it uses", "a", "int a;"),
             ContextItem("its callers in this file", "big", "\n".join(f"line {i}" for i in range(200))),
             ContextItem("its callers in this file", "bigger", "x" * 5000)]
    chosen = select_items(items, 600)
    texts = [it.text for it in chosen]
    assert texts[0] == "int a;"
    assert "truncated by llmcc" in texts[1] and len(texts[1]) <= 600
    assert texts[2] == OMITTED.format(n=1, names="its callers in this file: bigger")


def test_header_names_cover_headers_and_macros(ctx):
    names = header_names(ctx)
    assert {"printf", "entry_t", "HASH", "N_BUCKETS", "uint32_t", "score", "weight"} <= names
    assert "e" not in names and "s" not in names      # locals are not file-scope names


def test_hot_loop_of_a_function_without_loops_is_empty():
    assert hot_loop("int f(int x) { return x + 1; }", "f") == ""
    assert hot_loop(SOURCE, "missing") == ""


def test_unpreprocessable_tu_still_gets_context_from_the_file(ctx):
    (ctx.cwd / "table.h").unlink()        # clang -E fails now
    text = build_context(ctx, SOURCE, "score")
    assert "static int weight(const entry_t *e)" in text and "entry_t" not in header_names(ctx)
