"""The plain-text tool protocol: what the model is told, and what is parsed back."""
from __future__ import annotations

import json

from llmcc.llm.textproto import encode_messages, parse_tool_calls

TOOLS = [{"type": "function", "function": {"name": "run_tests", "description": "run the tests",
                                           "parameters": {"type": "object", "properties": {}}}}]


def test_fenced_call_is_parsed():
    calls = parse_tool_calls('Let me test.\n```json\n{"tool": "run_tests", "arguments": {"n": 3}}\n```')
    assert [(name, json.loads(args)) for name, args in calls] == [("run_tests", {"n": 3})]


def test_several_blocks_are_several_calls_and_code_blocks_are_ignored():
    content = ("```c\nint f(void) { return 1; }\n```\n"
               '```json\n{"tool": "a", "arguments": {}}\n```\n'
               '```\n{"tool": "b", "arguments": {"x": [1, 2]}}\n```')
    assert [name for name, _ in parse_tool_calls(content)] == ["a", "b"]


def test_forgiving_forms():
    assert parse_tool_calls('```json {"tool": "a", "arguments": {}}```') == [("a", "{}")]
    assert parse_tool_calls('{"tool": "a", "arguments": "{\\"k\\": 1}"}') == [("a", '{"k": 1}')]


def test_malformed_calls_are_not_calls():
    for content in ['```json\n{"tool": "a", "arguments": {\n```',       # invalid JSON
                    '```json\n{"name": "a", "arguments": {}}\n```',      # no "tool"
                    '```json\n{"tool": "a", "arguments": [1]}\n```',     # arguments not an object
                    '```json\n{"tool": "", "arguments": {}}\n```',       # empty name
                    "plain prose, no call", ""]:
        assert parse_tool_calls(content) == [], content


def test_protocol_goes_into_existing_system_message():
    out = encode_messages([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}], TOOLS)
    assert len(out) == 2
    assert out[0]["content"].startswith("Be brief.")
    assert '"name": "run_tests"' in out[0]["content"]


def test_protocol_adds_a_system_message_when_there_is_none():
    out = encode_messages([{"role": "user", "content": "hi"}], TOOLS)
    assert [m["role"] for m in out] == ["system", "user"]


def test_without_tools_messages_are_unchanged():
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    assert encode_messages(messages, None) == messages


def test_assistant_call_is_not_duplicated_when_already_in_its_text():
    block = '```json\n{"tool": "run_tests", "arguments": {}}\n```'
    call = {"id": "textcall_0", "type": "function", "function": {"name": "run_tests", "arguments": "{}"}}
    out = encode_messages([{"role": "assistant", "content": block, "tool_calls": [call]}], None)
    assert out[0]["content"].count('"tool": "run_tests"') == 1
    assert parse_tool_calls(out[0]["content"]) == [("run_tests", "{}")]


def test_tool_result_without_name_is_labelled_with_its_calls_name():
    call = {"id": "call_7", "type": "function", "function": {"name": "run_tests", "arguments": "{}"}}
    out = encode_messages([{"role": "assistant", "content": None, "tool_calls": [call]},
                           {"role": "tool", "tool_call_id": "call_7", "content": '{"passed": 3}'}], None)
    assert out[1] == {"role": "user", "content": 'Tool result (run_tests, id call_7):\n{"passed": 3}'}


def test_assistant_reply_in_the_models_own_spacing_is_kept_verbatim():
    content = 'ok\n```json\n{"tool":"run_tests","arguments":{}}\n```'
    call = {"id": "textcall_0", "type": "function", "function": {"name": "run_tests", "arguments": "{}"}}
    out = encode_messages([{"role": "assistant", "content": content, "tool_calls": [call]}], None)
    assert out[0]["content"] == content


def test_deeply_nested_json_is_not_a_call_nor_a_crash():
    deep = "[" * 50000
    assert parse_tool_calls(deep) == []
    assert parse_tool_calls("```json\n" + deep + "\n```") == []
    nested_args = '{"tool": "a", "arguments": "' + "[" * 50000 + '"}'
    assert parse_tool_calls(nested_args) == []
