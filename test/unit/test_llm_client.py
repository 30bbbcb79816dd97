"""The LLM client against a real HTTP server on loopback (the scripted server), no mocks."""
from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llmcc.config import load_settings
from llmcc.llm.client import (ChatReply, EndpointUnavailable, LLMBadReply, LLMDeadline, LLMRejected,
                              LLMReplyTooLarge, LLMUnavailable, RetryPolicy, client_for_endpoint, make_client)
from llmcc.llm.scripted_server import ScriptedServer

FAST_RETRY = RetryPolicy(attempts=4, multiplier=0.01, max_wait=0.05, jitter=0.01)
FAKE_KEY = "sk-llmcc-test-ZQX9-distinctive-secret-4242"
KEY_ENV = "LLMCC_TEST_FAKE_API_KEY"
USER = [{"role": "user", "content": "make it fast"}]
TOOLS = [{"type": "function", "function": {
    "name": "compile", "description": "compile a C file",
    "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}}]


def settings_for(tmp_path: Path, url: str = "", **overrides: str):
    """Settings read the normal way (config file + LLMCC_* env), pointed at ``url``."""
    (tmp_path / ".llmcc.toml").write_text("")
    env = {"LLMCC_LLM_BACKEND": "openai", "LLMCC_LLM_BASE_URL": url, "LLMCC_LLM_MODEL": "test-model",
           "LLMCC_LLM_API_KEY_ENV": KEY_ENV, "LLMCC_CACHE_DIR": str(tmp_path / "cache"),
           "LLMCC_LLM_TIMEOUT": "5"}
    env.update({f"LLMCC_{k.upper()}": v for k, v in overrides.items()})
    return load_settings(cwd=tmp_path, env=env)


def client_for(tmp_path: Path, url: str, *, cache: bool = False, retry: RetryPolicy = FAST_RETRY,
               deadline: float | None = None, breaker_failures: int | None = None, **overrides: str):
    settings = settings_for(tmp_path, url, **overrides)
    cache_dir = tmp_path / "llm-cache" if cache else None
    if not cache:
        settings = settings_for(tmp_path, url, CACHE="0", **overrides)
    if breaker_failures is not None:   # read with settings.get (the key may be undeclared)
        settings.values["llm.breaker_failures"] = breaker_failures
    return make_client(settings, deadline=deadline, cache_dir=cache_dir, retry=retry)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_plain_reply_and_request_shape(tmp_path):
    with ScriptedServer([{"content": "use a lookup table", "usage": {"prompt_tokens": 12, "completion_tokens": 4}}]) as srv:
        client = client_for(tmp_path, srv.url)
        [reply] = client.chat(USER, temperature=0.7)
    assert reply == ChatReply("use a lookup table", (), "stop", 12, 4, False)
    [sent] = srv.requests
    assert sent["model"] == "test-model"
    assert sent["messages"] == USER
    assert sent["temperature"] == 0.7
    assert "tools" not in sent


def test_native_tool_call_is_parsed(tmp_path):
    script = [{"tool_calls": [{"name": "compile", "arguments": {"path": "a.c"}, "id": "call_abc"}]}]
    with ScriptedServer(script) as srv:
        [reply] = client_for(tmp_path, srv.url).chat(USER, tools=TOOLS)
    assert reply.finish_reason == "tool_calls"
    [call] = reply.tool_calls
    assert (call.id, call.name, json.loads(call.arguments)) == ("call_abc", "compile", {"path": "a.c"})
    assert srv.requests[0]["tools"][0]["function"]["name"] == "compile"


def test_text_tool_protocol_parses_fenced_call(tmp_path):
    content = 'I will compile it.\n```json\n{"tool": "compile", "arguments": {"path": "b.c"}}\n```\n'
    with ScriptedServer([{"content": content}]) as srv:
        client = client_for(tmp_path, srv.url, LLM_TOOL_PROTOCOL="text")
        [reply] = client.chat([{"role": "system", "content": "You optimize C."}, *USER], tools=TOOLS)
    sent = srv.requests[0]
    assert "tools" not in sent  # the endpoint never sees native tools
    assert sent["messages"][0]["content"].startswith("You optimize C.")
    assert '"name": "compile"' in sent["messages"][0]["content"]
    [call] = reply.tool_calls
    assert call.name == "compile" and json.loads(call.arguments) == {"path": "b.c"}
    assert reply.content == content and reply.finish_reason == "tool_calls"


def test_text_tool_protocol_malformed_call_keeps_content(tmp_path):
    content = 'Calling:\n```json\n{"tool": "compile", "arguments": {"path": "b.c"\n```\n'
    with ScriptedServer([{"content": content}]) as srv:
        [reply] = client_for(tmp_path, srv.url, LLM_TOOL_PROTOCOL="text").chat(USER, tools=TOOLS)
    assert reply.tool_calls == ()
    assert reply.content == content
    assert reply.finish_reason == "stop"


def test_text_tool_protocol_sends_tool_results_as_user_messages(tmp_path):
    history = [*USER,
               {"role": "assistant", "content": None, "tool_calls": [
                   {"id": "textcall_0", "type": "function",
                    "function": {"name": "compile", "arguments": '{"path": "c.c"}'}}]},
               {"role": "tool", "tool_call_id": "textcall_0", "name": "compile", "content": "error: x undeclared"}]
    with ScriptedServer([{"content": "done"}]) as srv:
        client_for(tmp_path, srv.url, LLM_TOOL_PROTOCOL="text").chat(history, tools=TOOLS)
    roles = [m["role"] for m in srv.requests[0]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert '"tool": "compile"' in srv.requests[0]["messages"][2]["content"]
    assert "error: x undeclared" in srv.requests[0]["messages"][3]["content"]


def test_rate_limit_twice_then_success(tmp_path):
    with ScriptedServer([{"status": 429, "repeat": 2}, {"content": "ok"}]) as srv:
        client = client_for(tmp_path, srv.url)
        [reply] = client.chat(USER)
    assert reply.content == "ok"
    assert len(srv.requests) == 3
    assert client.usage.requests == 3 and client.usage.calls == 1


@pytest.mark.parametrize("status", [401, 403, 400])
def test_auth_and_bad_request_are_never_retried(tmp_path, status):
    with ScriptedServer([{"status": status, "message": "maximum context length exceeded", "repeat": -1}]) as srv:
        client = client_for(tmp_path, srv.url)
        with pytest.raises(LLMRejected):
            client.chat(USER)
    assert len(srv.requests) == 1


def test_dead_endpoint_gives_up_within_deadline(tmp_path):
    # Default (slow) backoff: the deadline, not the attempt count, must end the retries.
    start = time.monotonic()
    client = client_for(tmp_path, closed_port_url(), retry=RetryPolicy(), deadline=start + 2.0)
    with pytest.raises((LLMUnavailable, LLMDeadline)):
        client.chat(USER)
    assert time.monotonic() - start < 2.0 + 3.0  # generous slack: shared machine
    assert client.usage.failed_calls == 1


def test_failing_endpoint_exhausts_retries(tmp_path):
    with ScriptedServer([{"status": 503, "repeat": -1}]) as srv:
        client = client_for(tmp_path, srv.url, breaker_failures=10)
        with pytest.raises(LLMUnavailable, match="gave up after 4 attempts"):
            client.chat(USER)
    assert client.usage.requests == 4 == len(srv.requests)


def test_failing_endpoint_opens_the_breaker_before_retries_run_out(tmp_path):
    with ScriptedServer([{"status": 503, "repeat": -1}]) as srv:
        client = client_for(tmp_path, srv.url, breaker_failures=3)
        with pytest.raises(EndpointUnavailable, match="circuit breaker open"):
            client.chat(USER)
    assert client.usage.requests == 3 == len(srv.requests)
    assert "circuit breaker open" in client.unavailable


def test_closed_port_opens_the_breaker_at_once_without_importing_openai(tmp_path):
    """A TCP connect decides a closed port in milliseconds; importing the openai package
    (seconds on a loaded machine) is not paid for a dead endpoint."""
    code = ("import sys, time\n"
            "from llmcc.llm.breaker import Breaker\n"
            "from llmcc.llm.client import EndpointUnavailable, client_for_endpoint\n"
            f"client = client_for_endpoint({closed_port_url()!r}, breaker=Breaker(None))\n"
            "t = time.monotonic()\n"
            "try:\n    client.chat([{'role': 'user', 'content': 'x'}])\n"
            "except EndpointUnavailable as e:\n    print('unavailable', e)\n"
            "print('openai' in sys.modules, client.usage.requests, round(time.monotonic() - t, 2))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "unavailable" in out and "cannot connect" in out
    imported, requests, seconds = out.splitlines()[-1].split()
    assert imported == "False" and requests == "1" and float(seconds) < 1.5


def test_slow_server_times_out_and_is_not_retried(tmp_path):
    """A timeout already cost llm.timeout: it opens the breaker at once, no retry."""
    with ScriptedServer([{"content": "too late", "delay": 1.5, "repeat": -1}]) as srv:
        start = time.monotonic()
        client = client_for(tmp_path, srv.url, retry=RetryPolicy(multiplier=0.05, jitter=0.05),
                            deadline=start + 2.5, LLM_TIMEOUT="0.4")
        with pytest.raises(EndpointUnavailable):
            client.chat(USER)
        elapsed = time.monotonic() - start
    assert len(srv.requests) == 1
    assert elapsed < 0.4 + 2.0


def test_deadline_already_passed_makes_no_request(tmp_path):
    with ScriptedServer([{"content": "x"}]) as srv:
        client = client_for(tmp_path, srv.url, deadline=time.monotonic() - 1)
        with pytest.raises(LLMDeadline):
            client.chat(USER)
    assert srv.requests == []


def test_malformed_body_is_retried_not_a_crash(tmp_path):
    with ScriptedServer([{"raw": "this is not json {"}, {"raw": '{"unexpected": true}'}, {"content": "fine"}]) as srv:
        [reply] = client_for(tmp_path, srv.url).chat(USER)
    assert reply.content == "fine"
    assert len(srv.requests) == 3


def test_only_malformed_bodies_give_unavailable(tmp_path):
    with ScriptedServer([{"raw": "<html>bad gateway</html>", "repeat": -1}]) as srv:
        with pytest.raises(LLMUnavailable):
            client_for(tmp_path, srv.url, breaker_failures=10).chat(USER)
    assert len(srv.requests) == FAST_RETRY.attempts


def test_n_samples_are_separate_requests_in_order(tmp_path):
    script = lambda body: {"content": f"sample for {body['messages'][-1]['content']}"}  # noqa: E731
    with ScriptedServer([{"content": "a"}, {"content": "b"}, {"content": "c"}]) as srv:
        replies = client_for(tmp_path, srv.url, cache=True).chat(USER, n=3)
    assert sorted(r.content for r in replies) == ["a", "b", "c"]
    assert len(srv.requests) == 3
    with ScriptedServer(script) as srv2:  # a rebuild: every sample comes from the cache
        again = client_for(tmp_path, srv2.url, cache=True).chat(USER, n=3)
    assert srv2.requests == []
    assert [r.content for r in again] == [r.content for r in replies]


def test_some_samples_failing_returns_the_others(tmp_path):
    with ScriptedServer([{"content": "good"}, {"raw": "junk", "repeat": -1}]) as srv:
        replies = client_for(tmp_path, srv.url, LLM_CONCURRENCY="1").chat(USER, n=2)
    assert [r.content for r in replies] == ["good"]


def test_identical_rebuild_is_served_from_cache(tmp_path):
    with ScriptedServer([{"content": "cached answer", "usage": {"prompt_tokens": 10, "completion_tokens": 3}}]) as srv:
        first = client_for(tmp_path, srv.url, cache=True)
        [a] = first.chat(USER, tools=TOOLS, purpose="rewrite", template_version="t@1-aaaa")
        second = client_for(tmp_path, srv.url, cache=True)
        [b] = second.chat(USER, tools=TOOLS, purpose="rewrite", template_version="t@1-aaaa")
    assert len(srv.requests) == 1
    assert (a.cached, b.cached) == (False, True)
    assert b.content == "cached answer"
    assert second.usage.cached_calls == 1 and second.usage.calls == 1
    assert second.usage.prompt_tokens == 0  # a cache hit spends nothing


def test_cache_key_covers_parameters(tmp_path):
    with ScriptedServer([{"content": "x", "repeat": -1}]) as srv:
        client = client_for(tmp_path, srv.url, cache=True)
        client.chat(USER)
        client.chat(USER, temperature=0.9)
        client.chat(USER, tools=TOOLS)
        client.chat(USER + [{"role": "user", "content": "more"}])
        client.chat(USER)
    assert len(srv.requests) == 4


def test_template_version_change_misses_cache(tmp_path):
    from llmcc.llm.prompts import render
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    template = prompts / "probe.j2"
    template.write_text("{# version: 1 #}\nOptimize {{ fn }}.\n")
    text1, v1 = render("probe", prompts_dir=prompts, fn="f")
    template.write_text("{# version: 2 #}\nOptimize {{ fn }}.\n")
    text2, v2 = render("probe", prompts_dir=prompts, fn="f")
    assert text1 == text2 and v1 != v2
    with ScriptedServer([{"content": "x", "repeat": -1}]) as srv:
        client = client_for(tmp_path, srv.url, cache=True)
        client.chat([{"role": "user", "content": text1}], template_version=v1)
        client.chat([{"role": "user", "content": text2}], template_version=v2)
        client.chat([{"role": "user", "content": text2}], template_version=v2)
    assert len(srv.requests) == 2


def test_replay_answers_recorded_and_refuses_unknown(tmp_path):
    record = tmp_path / "exchanges.jsonl"
    script = [{"content": "recorded one"},
              {"tool_calls": [{"name": "compile", "arguments": {"path": "r.c"}}]}]
    with ScriptedServer(script) as srv:
        live = client_for(tmp_path, srv.url, LLM_RECORD_FILE=str(record))
        [one] = live.chat(USER)
        [two] = live.chat(USER, tools=TOOLS)
    assert len(record.read_text().splitlines()) == 2
    replay = client_for(tmp_path, "", LLM_BACKEND="replay", LLM_REPLAY_FILE=str(record))
    assert replay.chat(USER) == [one]
    assert replay.chat(USER, tools=TOOLS) == [two]
    with pytest.raises(LLMUnavailable, match="no recorded exchange"):
        replay.chat([{"role": "user", "content": "never asked"}])


def test_replay_without_file_is_unavailable(tmp_path):
    with pytest.raises(LLMUnavailable):
        make_client(settings_for(tmp_path, LLM_BACKEND="replay", LLM_REPLAY_FILE=str(tmp_path / "none.jsonl")))


def test_backend_none_gives_no_client(tmp_path):
    assert make_client(settings_for(tmp_path, LLM_BACKEND="none")) is None


def test_api_key_is_sent_but_never_stored_or_logged(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(KEY_ENV, FAKE_KEY)
    record = tmp_path / "rec.jsonl"
    caplog.set_level(logging.DEBUG)  # every logger, including openai's and httpx's
    script = [{"status": 429}, {"content": "ok"}, {"status": 401, "message": "bad key"}]
    with ScriptedServer(script) as srv:
        client = client_for(tmp_path, srv.url, cache=True, LLM_RECORD_FILE=str(record))
        client.chat(USER)
        with pytest.raises(LLMRejected) as rejected:
            client.chat([{"role": "user", "content": "again"}])
    assert srv.request_headers[0]["authorization"] == f"Bearer {FAKE_KEY}"  # the key was used
    stored = [p.read_text() for p in (tmp_path / "llm-cache").rglob("*") if p.is_file()]
    assert stored and not any(FAKE_KEY in text for text in stored)
    assert FAKE_KEY not in record.read_text()
    assert caplog.records and FAKE_KEY not in caplog.text
    assert FAKE_KEY not in str(rejected.value)
    assert FAKE_KEY not in json.dumps(client.usage.to_json())


def test_local_endpoint_without_key_uses_dummy(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with ScriptedServer([{"content": "hi"}]) as srv:
        client_for(tmp_path, srv.url).chat(USER)
    assert srv.request_headers[0]["authorization"] == "Bearer not-needed"


def test_usage_and_cost_accounting(tmp_path):
    script = [{"content": "a", "usage": {"prompt_tokens": 1000, "completion_tokens": 500}},
              {"content": "b", "usage": {"prompt_tokens": 3000, "completion_tokens": 250}}]
    with ScriptedServer(script) as srv:
        client = client_for(tmp_path, srv.url, cache=True, LLM_COST_PER_1K_INPUT="0.5",
                            LLM_COST_PER_1K_OUTPUT="2.0")
        client.chat(USER)
        client.chat([{"role": "user", "content": "second"}])
        client.chat(USER)  # cache hit: counted, not charged
    usage = client.usage.to_json()
    assert usage["calls"] == 3 and usage["cached_calls"] == 1
    assert usage["prompt_tokens"] == 4000 and usage["completion_tokens"] == 750
    assert usage["cost"] == pytest.approx(4000 / 1000 * 0.5 + 750 / 1000 * 2.0)


def in_flight_counter(delay: float):
    """A script callable that records the most requests it ever saw at once."""
    import threading
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def script(body: dict) -> dict:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(delay)
        with lock:
            state["now"] -= 1
        return {"content": "sample"}
    return script, state


def test_samples_respect_the_concurrency_limit(tmp_path):
    script, state = in_flight_counter(0.2)
    with ScriptedServer(script) as srv:
        replies = client_for(tmp_path, srv.url, LLM_CONCURRENCY="2").chat(USER, n=5)
    assert len(replies) == 5 and len(srv.requests) == 5
    assert 1 <= state["max"] <= 2


def test_concurrency_limit_is_shared_by_threads_using_one_client(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    script, state = in_flight_counter(0.1)
    with ScriptedServer(script) as srv:
        client = client_for(tmp_path, srv.url, LLM_CONCURRENCY="1")
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda i: client.chat([{"role": "user", "content": str(i)}]), range(4)))
    assert len(results) == 4 and state["max"] == 1
    assert client.usage.calls == 4


def test_client_for_endpoint_talks_to_a_server(tmp_path):
    from llmcc.llm.client import client_for_endpoint
    with ScriptedServer([{"content": "direct"}]) as srv:
        with client_for_endpoint(srv.url, cache_dir=tmp_path / "c", retry=FAST_RETRY) as client:
            assert client.chat(USER)[0].content == "direct"
            assert client.chat(USER)[0].cached


def test_importing_the_client_does_not_import_heavy_modules():
    import subprocess
    import sys
    code = ("import sys, llmcc.llm.client, llmcc.llm.prompts, llmcc.llm.scripted_server; "
            "print(sorted(m for m in ('openai', 'jinja2', 'tenacity', 'httpx2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_malformed_recording_and_cache_entry_do_not_crash(tmp_path):
    from llmcc.llm.cache import ResponseCache, request_key
    record = tmp_path / "rec.jsonl"
    with ScriptedServer([{"content": "live", "repeat": -1}]) as srv:
        client_for(tmp_path, srv.url, LLM_RECORD_FILE=str(record)).chat(USER)
        line = json.loads(record.read_text())
        line["response"]["tool_calls"] = [{"name": 3}]  # hand-edited into nonsense
        record.write_text(json.dumps(line) + "\n")
        replay = client_for(tmp_path, "", LLM_BACKEND="replay", LLM_REPLAY_FILE=str(record))
        with pytest.raises(LLMUnavailable, match="malformed"):
            replay.chat(USER)
        # A corrupted cache entry is a miss: the endpoint answers again.
        client = client_for(tmp_path, srv.url, cache=True)
        ResponseCache(tmp_path / "llm-cache").put(request_key(line["request"]), {"tool_calls": "junk"})
        [reply] = client.chat(USER)
        assert reply.content == "live" and not reply.cached
        assert client.chat(USER)[0].cached  # the good reply replaced the corrupted entry


def test_retry_after_beyond_the_deadline_stops_without_sleeping_past_it(tmp_path):
    script = [{"status": 429, "headers": {"retry-after": "100"}, "repeat": -1}]
    with ScriptedServer(script) as srv:
        start = time.monotonic()
        client = client_for(tmp_path, srv.url, retry=RetryPolicy(max_wait=60), deadline=start + 30)
        # The breaker honours Retry-After for every compile sharing the cache: not now.
        with pytest.raises(EndpointUnavailable, match="429"):
            client.chat(USER)
        assert time.monotonic() - start < 30  # it gave up instead of waiting 60 s
    assert len(srv.requests) == 1


# --------------------------------------------------------------------------- hostile replies


def test_oversized_reply_is_rejected_and_neither_cached_nor_recorded(tmp_path):
    huge = "x" * (300 * 1024)
    record = tmp_path / "rec.jsonl"
    with ScriptedServer([{"content": huge}, {"content": "small"}]) as srv:
        client = client_for(tmp_path, srv.url, cache=True, LLM_RECORD_FILE=str(record))
        with pytest.raises(LLMReplyTooLarge, match="max_reply_bytes"):
            client.chat(USER)
        assert len(srv.requests) == 1          # not retried: the same prompt would do it again
        assert not list((tmp_path / "llm-cache").rglob("*.json"))
        assert not record.exists()
        [reply] = client.chat(USER)            # the next reply is fine and is kept
        assert reply.content == "small"
    assert len(list((tmp_path / "llm-cache").rglob("*.json"))) == 1
    assert len(record.read_text().splitlines()) == 1


def test_enormous_body_stops_at_the_transport_cap(tmp_path):
    body = json.dumps({"choices": [{"message": {"role": "assistant", "content": "y" * (3 << 20)},
                                    "finish_reason": "stop"}]})
    with ScriptedServer([{"raw": body, "repeat": -1}]) as srv:
        client = client_for_endpoint(srv.url, retry=FAST_RETRY, max_reply_bytes=1024)
        with pytest.raises(LLMReplyTooLarge, match="body over"):
            client.chat(USER)
    assert len(srv.requests) == 1


@pytest.mark.parametrize("body", [
    "[" * 50000,                                                    # RecursionError in the decoder
    '{"choices": "x"}',
    '{"choices": [{"message": 5}]}',
    '{"choices": [{"message": {"role": "assistant", "content": 7}, "finish_reason": "stop"}]}',
    '{"choices": [{"message": {"role": "assistant", "content": null, "tool_calls": '
    '[{"id": "a", "type": "function", "function": {"name": 3, "arguments": {}}}]}}]}',
], ids=["deep-nesting", "choices-string", "message-int", "content-int", "tool-name-int"])
def test_malformed_json_from_the_endpoint_is_an_llm_error(tmp_path, body):
    with ScriptedServer([{"raw": body, "repeat": -1}]) as srv:
        client = client_for(tmp_path, srv.url, breaker_failures=10)
        with pytest.raises(LLMUnavailable):
            client.chat(USER)
    assert len(srv.requests) == FAST_RETRY.attempts


def test_oversized_cache_entry_from_an_older_llmcc_is_not_served(tmp_path):
    with ScriptedServer([{"content": "z" * 5000}, {"content": "fresh"}]) as srv:
        big = client_for_endpoint(srv.url, cache_dir=tmp_path / "c", max_reply_bytes=10_000)
        assert big.chat(USER)[0].content == "z" * 5000
        small = client_for_endpoint(srv.url, cache_dir=tmp_path / "c", max_reply_bytes=1000)
        [reply] = small.chat(USER)
    assert reply.content == "fresh" and not reply.cached and len(srv.requests) == 2


# --------------------------------------------------------------------------- endpoint fit


def test_reasoning_endpoint_parameters_are_learned_and_kept(tmp_path):
    """An endpoint refusing max_tokens and temperature (as reasoning models do) gets
    max_completion_tokens and no temperature; the next compile sends that form at once."""
    with ScriptedServer([{"content": "ok", "repeat": -1}], rejects=("max_tokens", "temperature")) as srv:
        [reply] = client_for(tmp_path, srv.url).chat(USER)
        assert reply.content == "ok"
        assert len(srv.requests) == 3
        assert "max_tokens" in srv.requests[0] and "temperature" in srv.requests[1]
        last = srv.requests[-1]
        assert last["max_completion_tokens"] == 4096 and "max_tokens" not in last and "temperature" not in last
        client_for(tmp_path, srv.url).chat([{"role": "user", "content": "again"}])
        assert len(srv.requests) == 4 and "max_completion_tokens" in srv.requests[-1]


def test_reasoning_config_against_a_server_that_refuses_max_completion_tokens(tmp_path):
    with ScriptedServer([{"content": "ok", "repeat": -1}], rejects=("max_completion_tokens",)) as srv:
        client = client_for_endpoint(srv.url, retry=FAST_RETRY, params="reasoning")
        [reply] = client.chat(USER)
    assert reply.content == "ok"
    first, second = srv.requests
    assert "max_completion_tokens" in first and "temperature" not in first
    assert second["max_tokens"] == 4096 and "max_completion_tokens" not in second


def test_classic_endpoint_gets_classic_parameters_once(tmp_path):
    with ScriptedServer([{"content": "ok"}], rejects=("max_completion_tokens",)) as srv:
        client_for_endpoint(srv.url, retry=FAST_RETRY).chat(USER, temperature=0.3)
    [sent] = srv.requests
    assert sent["max_tokens"] == 4096 and sent["temperature"] == 0.3


def test_a_400_that_names_no_parameter_is_not_retried(tmp_path):
    with ScriptedServer([{"status": 400, "message": "context length exceeded", "repeat": -1}]) as srv:
        with pytest.raises(LLMRejected, match="context length"):
            client_for_endpoint(srv.url, retry=FAST_RETRY).chat(USER)
    assert len(srv.requests) == 1


@pytest.mark.parametrize("where", ["content", "tool-arguments"])
def test_deeply_nested_reply_is_rejected_before_any_agent_parses_it(tmp_path, where):
    deep = "[" * 5000 + "]" * 5000
    entry = ({"content": f"```json\n{deep}\n```"} if where == "content"
             else {"tool_calls": [{"name": "compile", "arguments": '{"path": ' + deep + "}"}]})
    with ScriptedServer([entry, {"content": "[[1, 2], {\"a\": [3]}]"}]) as srv:
        client = client_for(tmp_path, srv.url, cache=True)
        with pytest.raises(LLMBadReply, match="nests brackets"):
            client.chat(USER, tools=TOOLS)
        assert len(srv.requests) == 1 and not list((tmp_path / "llm-cache").rglob("*.json"))
        [reply] = client.chat(USER, tools=TOOLS)     # ordinary nesting passes
    assert json.loads(reply.content) == [[1, 2], {"a": [3]}]


def test_compact_profile_speaks_text_tools_to_an_endpoint_that_refuses_native_ones(tmp_path):
    # A small local model's server without tool support answers 400 to `tools`; the compact
    # profile must not send them, and its fenced text call still reaches the agent as a call.
    content = '```json\n{"tool": "compile", "arguments": {"path": "k.c"}}\n```'
    with ScriptedServer([{"content": content}], rejects=("tools",)) as srv:
        client = client_for(tmp_path, srv.url, LLM_PROFILE="compact")
        [reply] = client.chat(USER, tools=TOOLS)
    assert "tools" not in srv.requests[0]
    [call] = reply.tool_calls
    assert call.name == "compile" and json.loads(call.arguments) == {"path": "k.c"}


def test_full_profile_sends_native_tools_which_that_endpoint_refuses(tmp_path):
    # The same endpoint with the full profile: the refusal is an LLM error, not a crash.
    with ScriptedServer([{"content": "ok", "repeat": -1}], rejects=("tools",)) as srv:
        client = client_for(tmp_path, srv.url)
        with pytest.raises(LLMRejected):
            client.chat(USER, tools=TOOLS)
    assert srv.requests and "tools" in srv.requests[0]
