"""The scripted chat server speaks real chat-completions JSON over HTTP."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from llmcc.llm.scripted_server import ScriptedServer


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def ask(text: str, system: str = "sys") -> dict:
    return {"model": "m", "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}]}


def test_completion_shape():
    with ScriptedServer([{"content": "hi", "usage": {"prompt_tokens": 7, "completion_tokens": 2}}]) as srv:
        status, body = post(srv.url, ask("hello"))
    assert status == 200 and body["object"] == "chat.completion" and body["model"] == "m"
    choice = body["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": "hi"}
    assert choice["finish_reason"] == "stop"
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}


def test_match_routes_by_user_or_system_text_and_repeat_consumes():
    script = [{"match": "IR level", "content": "ir answer", "repeat": 2},
              {"match": "source", "content": "source answer"}]
    with ScriptedServer(script) as srv:
        answers = [post(srv.url, ask("rewrite the source"))[1]["choices"][0]["message"]["content"],
                   post(srv.url, ask("x", system="You work at IR level"))[1]["choices"][0]["message"]["content"],
                   post(srv.url, ask("IR level again"))[1]["choices"][0]["message"]["content"]]
        status, error = post(srv.url, ask("IR level a third time"))
    assert answers == ["source answer", "ir answer", "ir answer"]
    assert status == 500 and "no script entry" in error["error"]["message"]
    assert len(srv.requests) == 4


def test_error_status_has_openai_error_body():
    with ScriptedServer([{"status": 429, "message": "slow down", "headers": {"retry-after": "0"}}]) as srv:
        status, body = post(srv.url, ask("x"))
    assert status == 429
    assert body["error"]["message"] == "slow down" and body["error"]["type"] == "rate_limit_exceeded"


def test_tool_calls_are_encoded_as_json_text():
    with ScriptedServer([{"tool_calls": [{"name": "f", "arguments": {"a": 1}}]}]) as srv:
        _, body = post(srv.url, ask("x"))
    [call] = body["choices"][0]["message"]["tool_calls"]
    assert call["type"] == "function" and call["function"]["name"] == "f"
    assert json.loads(call["function"]["arguments"]) == {"a": 1}
    assert body["choices"][0]["finish_reason"] == "tool_calls"


def test_callable_script_sees_the_request_and_may_give_several_choices():
    def script(body: dict) -> list[dict]:
        return [{"content": body["messages"][-1]["content"].upper()}, {"content": "second"}]
    with ScriptedServer(script) as srv:
        _, body = post(srv.url, ask("echo"))
    assert [c["message"]["content"] for c in body["choices"]] == ["ECHO", "second"]


def test_models_endpoint():
    with ScriptedServer([]) as srv:
        with urllib.request.urlopen(srv.url + "/models", timeout=10) as response:
            assert json.loads(response.read())["data"][0]["object"] == "model"


DEMO_SCRIPT = Path(__file__).parent / "data" / "llm" / "demo_script.json"


def test_command_line_serves_a_script_file():
    proc = subprocess.Popen([sys.executable, "-m", "llmcc.llm.scripted_server", str(DEMO_SCRIPT)],
                            stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        good = post(url, ask("Rewrite the C function sum"))[1]["choices"][0]["message"]["content"]
        wrong = post(url, ask("Rewrite the C function sum"))[1]["choices"][0]["message"]["content"]
        assert "i = 0" in good and "i = 1" in wrong  # the script's good, then deliberately wrong, rewrite
        assert post(url, ask("health check"))[1]["choices"][0]["message"]["content"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_command_line_rejects_a_non_list_script(tmp_path):
    script = tmp_path / "script.json"
    script.write_text("{}")
    result = subprocess.run([sys.executable, "-m", "llmcc.llm.scripted_server", str(script)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "list" in result.stderr


@pytest.mark.parametrize("path", ["/v1/embeddings", "/v2/chat"])
def test_unknown_routes_are_404(path):
    with ScriptedServer([{"content": "x"}]) as srv:
        base = srv.url.rsplit("/v1", 1)[0]
        request = urllib.request.Request(base + path, data=b"{}")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 404
