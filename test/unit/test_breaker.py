"""The endpoint's circuit breaker: shared through the cache directory, real loopback servers.

Every "compile" here is a separate client on the same cache directory, as separate llmcc
processes of one build are; the last test runs the real driver twice.
"""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from conftest import LLMCC, run
from llmcc.llm.breaker import Breaker, breaker_path
from llmcc.llm.client import (EndpointUnavailable, LLMUnavailable, RetryPolicy, client_for_endpoint)
from llmcc.llm.scripted_server import ScriptedServer

USER = [{"role": "user", "content": "make it fast"}]
FAST_RETRY = RetryPolicy(attempts=3, multiplier=0.01, max_wait=0.05, jitter=0.01)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def compile_client(cache: Path, url: str, *, cooldown: float = 60.0, timeout: float = 5.0):
    """What one compile builds: a client whose breaker lives under the shared cache dir."""
    breaker = Breaker(breaker_path(cache, url), threshold=3, cooldown=cooldown, probe_time=timeout)
    return client_for_endpoint(url, timeout=timeout, retry=FAST_RETRY, breaker=breaker)


# --------------------------------------------------------------------------- state machine


def test_opens_after_threshold_and_lets_one_probe_through(tmp_path):
    clock = FakeClock()
    path = tmp_path / "b.json"
    a = Breaker(path, threshold=3, cooldown=10, probe_time=5, clock=clock)
    b = Breaker(path, threshold=3, cooldown=10, probe_time=5, clock=clock)   # another process
    for _ in range(2):
        assert a.before_call() is None
        a.record_failure("HTTP 500")
    assert b.before_call() is None          # 2 < 3: still closed, for everyone
    b.record_failure("HTTP 500")
    assert "circuit breaker open" in a.before_call()
    assert "HTTP 500" in b.before_call()
    clock.now += 10.1                       # cool-down over
    assert a.before_call() is None          # a probes ...
    assert b.before_call() is not None      # ... and b waits for its verdict
    a.record_success()
    assert b.before_call() is None and json.loads(path.read_text()) == {}


def test_failed_probe_doubles_the_cooldown(tmp_path):
    clock = FakeClock()
    br = Breaker(tmp_path / "b.json", threshold=1, cooldown=10, probe_time=5, clock=clock)
    br.record_failure("refused")
    assert br.open_for() == pytest.approx(10)
    clock.now += 10.5
    assert br.before_call() is None
    br.record_failure("refused")
    assert br.open_for() == pytest.approx(20)
    clock.now += 20.5
    assert br.before_call() is None
    br.record_failure("refused")
    assert br.open_for() == pytest.approx(40)


def test_hung_probe_lets_another_caller_probe_after_its_time(tmp_path):
    clock = FakeClock()
    br = Breaker(tmp_path / "b.json", threshold=1, cooldown=10, probe_time=5, clock=clock)
    br.record_failure("refused")
    clock.now += 11
    assert br.before_call() is None         # probe started, its process is then killed
    clock.now += 4
    assert br.before_call() is not None
    clock.now += 7                          # past probe_time + slack
    assert br.before_call() is None


def test_retry_after_opens_even_below_threshold(tmp_path):
    clock = FakeClock()
    br = Breaker(tmp_path / "b.json", threshold=5, cooldown=10, clock=clock)
    br.record_failure("429", retry_after=42)
    assert br.open_for() == pytest.approx(42)
    clock.now += 42.5
    assert br.before_call() is None         # then one probe


def test_timeout_opens_at_once(tmp_path):
    br = Breaker(tmp_path / "b.json", threshold=3, cooldown=10)
    br.record_failure("timed out", timeout=True)
    assert br.open_for() > 9


def test_unwritable_cache_keeps_process_local_state(tmp_path):
    (tmp_path / "file").write_text("")
    br = Breaker(tmp_path / "file" / "sub" / "b.json", threshold=1, cooldown=10)
    br.record_failure("refused")
    assert br.before_call() is not None


# --------------------------------------------------------------------------- real endpoints


def _hanging():
    return [{"content": "late", "delay": 3.0, "repeat": -1}]


FAILING = {
    "closed-port": None,
    "http-500": [{"status": 500, "message": "boom", "repeat": -1}],
    "garbage-json": [{"raw": "{not json at all", "repeat": -1}],
    "hanging": _hanging(),
}


@pytest.mark.parametrize("kind", sorted(FAILING))
def test_failing_endpoint_opens_breaker_and_later_compiles_make_no_requests(tmp_path, kind):
    script = FAILING[kind]
    server = ScriptedServer(script).start() if script is not None else None
    url = server.url if server else closed_port_url()
    import openai  # noqa: F401 - its import (seconds on a loaded machine) is not what is timed
    try:
        first = compile_client(tmp_path, url, timeout=0.5)
        start = time.monotonic()
        with pytest.raises(LLMUnavailable):
            first.chat(USER, n=2)
        assert time.monotonic() - start < 3.0           # no 6 retries with backoff
        assert first.usage.requests <= 3 + 1   # threshold, plus one in flight on the other sample
        seen = len(server.requests) if server else None
        for _ in range(3):                               # later compiles of the build
            later = compile_client(tmp_path, url, timeout=0.5)
            t0 = time.monotonic()
            with pytest.raises(EndpointUnavailable, match="circuit breaker open"):
                later.chat(USER, n=2)
            assert time.monotonic() - t0 < 0.5
            assert later.usage.requests == 0 and later.unavailable
        if server:
            assert len(server.requests) == seen
    finally:
        if server:
            server.close()


def test_429_retry_after_is_honoured_across_compiles(tmp_path):
    with ScriptedServer([{"status": 429, "headers": {"retry-after": "30"}, "repeat": -1}]) as srv:
        import openai  # noqa: F401 - not timed
        first = compile_client(tmp_path, srv.url)
        start = time.monotonic()
        with pytest.raises(EndpointUnavailable, match="429"):
            first.chat(USER)
        assert time.monotonic() - start < 2.0             # did not sleep 30 s
        assert len(srv.requests) == 1
        br = Breaker(breaker_path(tmp_path, srv.url))
        assert 25 < br.open_for() <= 30
        with pytest.raises(EndpointUnavailable):
            compile_client(tmp_path, srv.url).chat(USER)
        assert len(srv.requests) == 1


def test_after_cooldown_one_probe_and_a_healthy_endpoint_closes_it(tmp_path):
    script = [{"status": 500, "repeat": 3}, {"content": "back", "repeat": -1}]
    with ScriptedServer(script) as srv:
        with pytest.raises(EndpointUnavailable):
            compile_client(tmp_path, srv.url, cooldown=0.6).chat(USER)
        assert len(srv.requests) == 3
        with pytest.raises(EndpointUnavailable):
            compile_client(tmp_path, srv.url, cooldown=0.6).chat(USER)
        assert len(srv.requests) == 3
        time.sleep(0.7)
        [reply] = compile_client(tmp_path, srv.url, cooldown=0.6).chat(USER)
        assert reply.content == "back" and len(srv.requests) == 4
        assert Breaker(breaker_path(tmp_path, srv.url)).open_for() == 0


def test_driver_counts_endpoint_unavailable_and_second_compile_asks_nothing(tmp_path, llmcc_env):
    data = Path(__file__).parent / "data" / "agents"
    for name in ("a.c", "b.c"):
        (tmp_path / name).write_bytes((data / "kernels.c").read_bytes())
    with ScriptedServer([{"status": 500, "message": "down", "repeat": -1}]) as srv:
        env = dict(llmcc_env, LLMCC_MODE="llm", LLMCC_LLM_BACKEND="openai", LLMCC_LLM_BASE_URL=srv.url,
                   LLMCC_LLM_MODEL="scripted", LLMCC_HOTSPOTS_THRESHOLD="0", LLMCC_TU_DEADLINE="120")
        got = run([LLMCC, "-O2", "-c", "a.c", "-o", "a.o"], tmp_path, env)
        assert got.returncode == 0 and got.stderr == b""
        first = len(srv.requests)
        assert 1 <= first <= 6            # at most the retries of n samples, then open
        start = time.monotonic()
        got = run([LLMCC, "-O2", "-c", "b.c", "-o", "b.o"], tmp_path, env)
        assert got.returncode == 0 and (tmp_path / "b.o").is_file()
        assert len(srv.requests) == first  # zero HTTP requests while open
        stats = json.loads(run([LLMCC, "stats", "--json"], tmp_path, env).stdout)
        assert stats.get("fallback:endpoint-unavailable") == 2, stats
        assert time.monotonic() - start < 60
    reports = sorted((Path(llmcc_env["LLMCC_CACHE_DIR"]) / "reports").glob("*.json"))
    assert len(reports) == 2
    loaded = []
    for path in reports:   # strict JSON: no NaN/Infinity constants
        report = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"{path}: {c}"))
        assert report["fallback"]["reason"] == "endpoint-unavailable"
        loaded.append(report)
    # The second compile saw the open breaker before any model-only work (no agents ran).
    assert "agents" in loaded[0] and "agents" not in loaded[1]
    assert "circuit breaker open" in loaded[1]["fallback"]["detail"]
    # ... and before its baseline compile: no feature plugin, no scoring, no remarks.
    assert "features_from" in loaded[0] and "hot_functions" in loaded[0]
    assert not {"features_from", "hot_functions", "remarks", "budget"} & set(loaded[1]), loaded[1]


def test_closed_port_is_found_before_any_model_only_work_and_opens_the_breaker(tmp_path, llmcc_env):
    """Nothing listening: the first hot TU learns it from one refused connect, before
    remarks, the TU context or the agents; the breaker opens for the whole build."""
    import socket
    data = Path(__file__).parent / "data" / "agents"
    (tmp_path / "a.c").write_bytes((data / "kernels.c").read_bytes())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    env = dict(llmcc_env, LLMCC_MODE="llm", LLMCC_LLM_BACKEND="openai", LLMCC_LLM_BASE_URL=url,
               LLMCC_LLM_MODEL="dead", LLMCC_HOTSPOTS_THRESHOLD="0", LLMCC_TU_DEADLINE="120")
    for k in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(k, None)
    got = run([LLMCC, "-O2", "-c", "a.c", "-o", "a.o"], tmp_path, env)
    assert got.returncode == 0 and got.stderr == b""
    [path] = (Path(llmcc_env["LLMCC_CACHE_DIR"]) / "reports").glob("*.json")
    report = json.loads(path.read_text())
    assert report["fallback"]["reason"] == "endpoint-unavailable"
    assert "cannot connect" in report["fallback"]["detail"]
    assert report["hot_functions"]                              # it was hot ...
    assert not {"agents", "remarks", "budget", "llm_usage"} & set(report), report   # ... and nothing else ran
    assert Breaker(breaker_path(Path(llmcc_env["LLMCC_CACHE_DIR"]), url)).open_for() > 0
