"""The set_cpu edit's IR rewrite (llmcc.pipeline.cpu): only the named functions get the
new "tune-cpu", through a copy of their attribute group; target-cpu/features never move."""
from __future__ import annotations

import pytest

from llmcc.pipeline.cpu import retune

IR = """define dso_local i32 @crc(ptr noundef %0, i32 noundef %1) local_unnamed_addr #0 !dbg !5 {
  ret i32 0
}
define dso_local i32 @"odd name"(ptr noundef %0) #0 {
  ret i32 1
}
define internal void @cold(i32 %x) #1 {
  ret void
}
declare void @ext() #2
attributes #0 = { nounwind "target-cpu"="x86-64" "target-features"="+sse2" "tune-cpu"="znver3" }
attributes #1 = { nounwind "target-cpu"="x86-64" }
attributes #2 = { nounwind }
"""


def test_only_the_named_functions_are_retuned():
    text, retuned = retune(IR, "haswell", {"crc"})
    assert retuned == ["crc"]
    assert "@crc(ptr noundef %0, i32 noundef %1) local_unnamed_addr #3 !dbg !5 {" in text
    assert '@"odd name"(ptr noundef %0) #0 {' in text           # shares #0 but not named: untouched
    assert 'attributes #0 = { nounwind "target-cpu"="x86-64" "target-features"="+sse2" "tune-cpu"="znver3" }' in text
    assert 'attributes #3 = { nounwind "target-cpu"="x86-64" "target-features"="+sse2" "tune-cpu"="haswell" }' in text


def test_every_definition_when_no_names_are_given_and_a_missing_tune_cpu_is_added():
    text, retuned = retune(IR, "skylake", None)
    assert retuned == ["crc", "odd name", "cold"]
    assert text.count('"tune-cpu"="skylake"') == 2                # one copy per original group
    assert 'attributes #4 = { nounwind "target-cpu"="x86-64" "tune-cpu"="skylake" }' in text
    assert "declare void @ext() #2" in text                      # declarations stay as they are


def test_refusals():
    with pytest.raises(ValueError, match="CPU name"):
        retune(IR, 'x" "target-features"="+avx2', None)           # no attribute injection
    with pytest.raises(ValueError, match="no attribute group"):
        retune("define void @f() {\n  ret void\n}\n", "haswell", None)
