"""The build-wide budget: ranking across a build, seconds reserved and refunded, skips
counted by reason in `llmcc stats` and shown in `llmcc report`."""
from __future__ import annotations

import json
import threading

from conftest import LLMCC, run

from llmcc.session import BuildSession

HOT = ("void mm(int n, double *a, double *b, double *c){ for(int i=0;i<n;i++) for(int j=0;j<n;j++)"
       "{ double s=0; for(int k=0;k<n;k++) s+=a[i*n+k]*b[k*n+j]; c[i*n+j]=s; } }\n")
WARM = "int sum(int *a, int n){ int s=0; for(int i=0;i<n;i++) s+=a[i]; return s; }\n"


def session(tmp_path, **kw) -> BuildSession:
    args = {"seconds": 10.0, "model_calls": 5, "top_tus": 2, "min_tu_seconds": 1.0,
            "idle_reset": 600.0, "build": "b1"} | kw
    return BuildSession(tmp_path / "cache", **args)


def test_grant_is_reserved_then_refunded(tmp_path):
    s = session(tmp_path)
    first = s.admit("a.c", 50.0, tu_deadline=600)
    assert first.admitted and first.granted == 10.0
    # While a.c holds the whole budget, a parallel TU cannot spend the same seconds.
    second = s.admit("b.c", 60.0, tu_deadline=600)
    assert second.reason == "budget-exhausted"
    s.finish(first, spent=3.0)
    assert abs(s.state()["spent"] - 3.0) < 1e-6
    third = s.admit("c.c", 70.0, tu_deadline=600)
    assert third.admitted and abs(third.granted - 7.0) < 1e-6


def test_grant_is_capped_by_the_tu_deadline_and_overruns_are_charged(tmp_path):
    s = session(tmp_path)
    a = s.admit("a.c", 5.0, tu_deadline=4.0)
    assert a.granted == 4.0
    s.finish(a, spent=9.5)            # the tuner overran its grant: the build pays for it
    assert s.admit("b.c", 6.0, tu_deadline=600).reason == "budget-exhausted"


def test_only_the_builds_best_scored_tus_are_admitted(tmp_path):
    s = session(tmp_path, seconds=1000.0, top_tus=2)
    for tu, score in (("a.c", 10.0), ("b.c", 30.0)):
        s.finish(s.admit(tu, score, tu_deadline=1), spent=0.5)
    low = s.admit("c.c", 5.0, tu_deadline=1)
    assert low.reason == "below-build-rank" and "2th best of 3" in low.detail
    assert s.admit("d.c", 40.0, tu_deadline=1).admitted
    assert s.state()["skipped"] == 1 and s.state()["admitted"] == 3


def test_model_calls_are_a_budget_of_their_own(tmp_path):
    s = session(tmp_path, seconds=1000.0, model_calls=3)
    a = s.admit("a.c", 10.0, tu_deadline=5, uses_model=True)
    s.finish(a, spent=1.0, model_calls=3)
    assert s.admit("b.c", 20.0, tu_deadline=5, uses_model=True).reason == "budget-exhausted"
    assert s.admit("b.c", 20.0, tu_deadline=5, uses_model=False).admitted


def test_builds_have_separate_sessions_and_an_idle_session_ends(tmp_path):
    one = session(tmp_path, build="one")
    one.finish(one.admit("a.c", 1.0, tu_deadline=600), spent=10.0)
    assert session(tmp_path, build="two").admit("a.c", 1.0, tu_deadline=600).admitted
    assert not session(tmp_path, build="one").admit("b.c", 1.0, tu_deadline=600).admitted
    # idle_reset=0: every request starts a new session of build "one".
    assert session(tmp_path, build="one", idle_reset=0.0).admit("b.c", 1.0, tu_deadline=600).admitted


def test_parallel_admissions_never_overspend(tmp_path):
    s = session(tmp_path, seconds=5.0, top_tus=0, min_tu_seconds=1.0)
    grants: list[float] = []

    def one(i: int) -> None:
        a = s.admit(f"t{i}.c", float(i), tu_deadline=1.0)
        if a.admitted:
            grants.append(a.granted)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(grants) <= 5.0 + 1e-6 and len(grants) == 5


def test_a_corrupt_or_unwritable_state_still_admits(tmp_path):
    s = session(tmp_path)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "session.json").write_text("{not json")
    assert s.admit("a.c", 1.0, tu_deadline=600).admitted
    (tmp_path / "cache" / "session.json").write_text('{"sessions": {"b1": {"scores": 3}}}')
    assert s.admit("a.c", 1.0, tu_deadline=600).admitted
    blocked = BuildSession(tmp_path / "file" / "sub", seconds=2.0, model_calls=0, top_tus=1,
                           min_tu_seconds=1.0, idle_reset=1.0, build="x")
    (tmp_path / "file").write_text("not a directory")
    got = blocked.admit("a.c", 1.0, tu_deadline=600)
    assert got.admitted and got.granted == 2.0


def test_spent_out_only_after_a_budget_refusal_with_no_grant_outstanding(tmp_path):
    s = session(tmp_path, seconds=4.0, min_tu_seconds=1.0)
    assert s.spent_out() == ""                      # nothing known yet
    a = s.admit("a.c", 5.0, tu_deadline=600)
    assert s.admit("b.c", 6.0, tu_deadline=600).reason == "budget-exhausted"
    assert s.spent_out() == ""                      # a.c may still give seconds back
    s.finish(a, spent=4.0)
    assert "not scored" in s.spent_out()
    # A refund that makes room again lifts it.
    t = session(tmp_path, build="b2", seconds=4.0, min_tu_seconds=1.0)
    g = t.admit("a.c", 5.0, tu_deadline=600)
    t.admit("b.c", 6.0, tu_deadline=600)
    t.finish(g, spent=0.5)
    assert t.spent_out() == ""


def test_skipped_tus_are_counted_and_reported_by_reason(tmp_path, llmcc_env):
    """Driver end to end, two builds sharing a cache: in one, a TU scored below the
    build's best is skipped (below-build-rank); in the other the budget is gone, and
    after the first refusal later TUs are not even scored. All keep clang's object."""
    import time
    (tmp_path / "hot.c").write_text(HOT)
    (tmp_path / "warm.c").write_text(WARM)
    cache = tmp_path / "cache"
    cache.mkdir()
    now = time.time()
    ranked = {"started": now, "last": now, "spent": 0.0, "model_calls": 0, "grants": {},
              "scores": {"elsewhere.c": 1e9}, "admitted": 1, "skipped": 0}
    (cache / "session.json").write_text(json.dumps({"sessions": {"rank": ranked}}))
    base = {**llmcc_env, "LLMCC_MODE": "pipeline", "LLMCC_BUDGET_TOP_TUS": "1"}
    builds = [("rank", "hot.c", {"LLMCC_BUDGET_SECONDS": "100"}),
              ("spent", "hot.c", {"LLMCC_BUDGET_SECONDS": "0"}),
              ("spent", "warm.c", {"LLMCC_BUDGET_SECONDS": "0"})]
    for build, src, extra in builds:
        env = {**base, **extra, "LLMCC_BUILD_ID": build}
        out = tmp_path / build
        out.mkdir(exist_ok=True)
        assert run([LLMCC, "-O2", "-c", f"../{src}"], out, env).returncode == 0
        run(["clang-22", "-O2", "-c", f"../{src}", "-o", "ref.o"], out)
        assert (out / src.replace(".c", ".o")).read_bytes() == (out / "ref.o").read_bytes()
    stats = json.loads(run([LLMCC, "stats", "--json"], tmp_path, base).stdout)
    assert stats.get("fallback:below-build-rank") == 1
    assert stats.get("fallback:budget-exhausted") == 2
    text = run([LLMCC, "stats"], tmp_path, base).stdout.decode()
    assert "budget-exhausted" in text and "below-build-rank" in text
    report = run([LLMCC, "report"], tmp_path, base).stdout.decode()
    assert "budget-exhausted" in report and "below-build-rank" in report
    reports = json.loads(run([LLMCC, "report", "--json"], tmp_path, base).stdout)
    by_reason = {r["fallback"]["reason"]: r for r in reports if r["source"] != "../warm.c"}
    assert by_reason["below-build-rank"]["budget"]["skipped"] == "below-build-rank"
    assert "hot_functions" in by_reason["budget-exhausted"]       # refused after scoring
    warm = [r for r in reports if r["source"] == "../warm.c"]
    assert warm and "not scored" in warm[0]["fallback"]["detail"]
    assert "hot_functions" not in warm[0]                          # skipped before scoring
