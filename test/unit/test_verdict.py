from llmcc.verify.verdict import Verdict, VerdictKind


def test_only_proofs_and_agreeing_tests_may_emit():
    assert Verdict(VerdictKind.PROVED, "smt").may_emit
    assert Verdict(VerdictKind.TESTED_EQUAL, "difftest-function").may_emit
    for kind in (VerdictKind.REFUTED, VerdictKind.INCONCLUSIVE, VerdictKind.INVALID, VerdictKind.TESTED_DIFFERENT):
        assert not Verdict(kind, "smt").may_emit


def test_an_object_check_alone_never_justifies_emission():
    assert not Verdict(VerdictKind.TESTED_EQUAL, "objcheck").may_emit


def test_json_keeps_which_check_it_was():
    v = Verdict(VerdictKind.REFUTED, "alive2", "wrong", counterexample="%x = 1")
    assert v.to_json()["kind"] == "refuted" and v.to_json()["counterexample"] == "%x = 1"
