"""The plain-text tool-calling protocol, for models whose endpoint lacks native ``tools``.

Selected by ``llm.tool_protocol = "text"``. Callers always speak the native
chat-completions shapes (``tools`` function definitions, assistant messages with
``tool_calls``, ``role: "tool"`` results); this module translates both ways, so an agent
does not know which protocol is in use.

The protocol, as the model sees it (appended to the system message):

* The available tools are listed as JSON (name, description, parameters schema).
* To call a tool the model replies with a fenced code block tagged ``json`` that holds
  exactly one object ``{"tool": "<name>", "arguments": {...}}``. Several such blocks are
  several calls, in order. Text around the blocks is allowed and kept as content.
* A reply without such a block is a final answer.
* Tool results come back as user messages starting with ``Tool result (<name>, id <id>):``.

Parsing is forgiving about the form (a fence without the ``json`` tag or on one line; a
reply that is nothing but the bare object; ``arguments`` given as a JSON string holding an
object) but strict about the object: invalid JSON, a missing/non-string ``tool`` or
``arguments`` that are not an object is not a tool call. Such a reply yields no tool call and its content is kept, so the
caller can answer with an error message and let the model try again.
"""
from __future__ import annotations

import json
import re
from typing import Any

TEXT_CALL_ID_PREFIX = "textcall_"

# The tag and the newline after it are optional: small models write ```json {...}``` too.
_FENCE = re.compile(r"```[ \t]*(?:json\b)?[ \t]*\n?(.*?)```", re.DOTALL | re.IGNORECASE)

_PROTOCOL = """\
## Tools
You can call these tools (JSON schema of each tool's arguments):
{tools}

To call a tool, reply with a fenced code block tagged json holding exactly one object:
```json
{{"tool": "<tool name>", "arguments": {{...}}}}
```
Use one block per call; several blocks are several calls, made in order. Put nothing but
that object inside the block. A reply without such a block is your final answer.
Tool results come back in a user message that starts with "Tool result (<name>, id <id>):".
"""


def describe_tools(tools: list[dict]) -> str:
    """The protocol text listing ``tools`` (chat-completions function tool definitions)."""
    listed = []
    for tool in tools:
        fn = tool.get("function", tool)
        listed.append(json.dumps({"name": fn.get("name"), "description": fn.get("description", ""),
                                  "parameters": fn.get("parameters", {})}, sort_keys=True))
    return _PROTOCOL.format(tools="\n".join(listed))


def encode_messages(messages: list[dict], tools: list[dict] | None) -> list[dict]:
    """Native-shaped ``messages`` rewritten for a model without native tools.

    The protocol text goes at the end of the (first) system message, or into a new system
    message; assistant tool calls become fenced blocks; tool results become user messages
    (named after the call they answer, found by ``tool_call_id`` when they carry no name).
    """
    names: dict[str, str] = {}
    out = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            names[call.get("id", "")] = call.get("function", call).get("name", "tool")
        out.append(_encode_message(message, names))
    if tools:
        protocol = describe_tools(tools)
        for message in out:
            if message.get("role") == "system":
                message["content"] = f"{message.get('content') or ''}\n\n{protocol}".lstrip()
                break
        else:
            out.insert(0, {"role": "system", "content": protocol})
    return out


def _encode_message(message: dict, call_names: dict[str, str]) -> dict:
    role = message.get("role")
    if role == "tool":
        call_id = message.get("tool_call_id", "?")
        name = message.get("name") or call_names.get(call_id, "tool")
        return {"role": "user",
                "content": f"Tool result ({name}, id {call_id}):\n{message.get('content', '')}"}
    if role == "assistant" and message.get("tool_calls"):
        content = message.get("content") or ""
        if parse_tool_calls(content):
            # The reply came from this protocol: it already holds its calls, as the model wrote them.
            return {"role": "assistant", "content": content}
        blocks = [_call_block(c) for c in message["tool_calls"]]
        return {"role": "assistant", "content": "\n".join([content, *blocks]).strip()}
    return dict(message)


def _call_block(call: dict) -> str:
    fn = call.get("function", call)
    args = fn.get("arguments", "{}")
    try:
        parsed = json.loads(args) if isinstance(args, str) else args
    except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
        parsed = args
    return "```json\n" + json.dumps({"tool": fn.get("name"), "arguments": parsed}) + "\n```"


def parse_tool_calls(content: str) -> list[tuple[str, str]]:
    """(tool name, arguments JSON text) for each well-formed call block in ``content``."""
    content = content or ""
    calls = [c for c in map(_parse_block, _FENCE.findall(content)) if c is not None]
    if not calls and "```" not in content and content.strip().startswith("{"):
        whole = _parse_block(content)  # the bare object, unfenced
        calls = [whole] if whole is not None else []
    return calls


def _parse_block(block: str) -> tuple[str, str] | None:
    try:
        obj: Any = json.loads(block)
    except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("tool"), str) or not obj["tool"]:
        return None
    args = obj.get("arguments", {})
    if isinstance(args, str):  # arguments double-encoded, as native tool calls carry them
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
            return None
    if not isinstance(args, dict):
        return None
    return obj["tool"], json.dumps(args)
