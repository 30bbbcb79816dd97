"""A scripted OpenAI-compatible chat server on loopback, for tests and demos.

It is a real HTTP server (``ThreadingHTTPServer`` in a background thread) so the real
client code (openai SDK, retries, timeouts) runs against it. Nothing here is a model:
every reply comes from the script, and results obtained with it must be labelled scripted.

Script entries (a list is answered in order; an entry with ``match`` is only used for a
request whose last user message or system prompt contains that substring, so a list of
``match`` entries acts as a lookup table)::

    {"match": "substring",            # optional
     "content": "reply text",
     "tool_calls": [{"name": "f", "arguments": {...} or "raw json text", "id": "optional"}],
     "finish_reason": "stop",         # optional; "tool_calls" when tool_calls are given
     "status": 429 | 500 | 401 ...,   # reply with an OpenAI-style error body instead
     "message": "error text",         # for status replies
     "headers": {"retry-after": "0"}, # extra response headers
     "delay": 1.5,                    # seconds to wait before answering (provokes timeouts)
     "raw": "not json at all",        # send this body verbatim with status 200
     "usage": {"prompt_tokens": 10, "completion_tokens": 5},
     "repeat": 3}                     # answer this many requests (-1: forever); default 1

``rejects`` (constructor) lists request parameters the server refuses with HTTP 400 and
OpenAI's wording, as reasoning models refuse ``max_tokens`` and ``temperature`` and some
servers refuse ``max_completion_tokens``; such a request does not consume the script.

Or a callable ``script(request_body) -> entry | list[entry]`` (a list gives several
choices in one response). A request no entry answers gets HTTP 500 with a message saying
so, which a test notices.

Command line: ``python -m llmcc.llm.scripted_server SCRIPT.json --port N``.
"""
from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

logger = logging.getLogger(__name__)

Entry = dict[str, Any]
Script = list[Entry] | Callable[[dict], Entry | list[Entry]]


def request_text(body: dict) -> str:
    """The text a ``match`` is searched in: the system prompt(s) and the last user message."""
    messages = body.get("messages") or []
    parts = [_message_text(m) for m in messages if m.get("role") == "system"]
    users = [m for m in messages if m.get("role") == "user"]
    if users:
        parts.append(_message_text(users[-1]))
    return "\n".join(parts)


def _message_text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


class _ScriptCursor:
    """Hands out script entries to requests; thread-safe because the server is threaded."""

    def __init__(self, script: Script) -> None:
        self._script = script
        self._lock = threading.Lock()
        if not callable(script):
            self._remaining = [[dict(e), int(e.get("repeat", 1))] for e in script]

    def next_entries(self, body: dict) -> list[Entry] | None:
        if callable(self._script):
            result = self._script(body)
            return result if isinstance(result, list) else [result]
        text = request_text(body)
        with self._lock:
            for slot in self._remaining:
                entry, left = slot
                if left == 0:
                    continue
                if "match" in entry and entry["match"] not in text:
                    continue
                if left > 0:
                    slot[1] = left - 1
                return [entry]
        return None


def _tool_call_json(call: dict, index: int) -> dict:
    args = call.get("arguments", {})
    return {
        "id": call.get("id", f"call_{index}"),
        "type": "function",
        "function": {"name": call["name"],
                     "arguments": args if isinstance(args, str) else json.dumps(args)},
    }


def _choice_json(entry: Entry, index: int) -> dict:
    calls = [_tool_call_json(c, i) for i, c in enumerate(entry.get("tool_calls") or [])]
    message: dict[str, Any] = {"role": "assistant", "content": entry.get("content", "" if not calls else None)}
    if calls:
        message["tool_calls"] = calls
    finish = entry.get("finish_reason", "tool_calls" if calls else "stop")
    return {"index": index, "message": message, "finish_reason": finish, "logprobs": None}


def _estimate_tokens(text: str) -> int:
    # A rough 4-characters-per-token estimate, only so usage numbers are plausible.
    return max(1, len(text) // 4)


def completion_json(entries: list[Entry], body: dict) -> dict:
    """A chat.completion object answering ``body`` with one choice per entry."""
    choices = [_choice_json(e, i) for i, e in enumerate(entries)]
    usage = dict(entries[0].get("usage") or {})
    if "prompt_tokens" not in usage:
        usage["prompt_tokens"] = _estimate_tokens(json.dumps(body.get("messages", [])))
    if "completion_tokens" not in usage:
        usage["completion_tokens"] = sum(_estimate_tokens(json.dumps(c["message"])) for c in choices)
    usage.setdefault("total_tokens", usage["prompt_tokens"] + usage["completion_tokens"])
    return {
        "id": f"chatcmpl-scripted-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": choices,
        "usage": usage,
    }


def _error_json(status: int, message: str, param: str | None = None) -> dict:
    kind = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
            404: "not_found_error", 429: "rate_limit_exceeded"}.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": kind}}


# What OpenAI answers for parameters a model does not take (the texts name the parameter).
_REFUSALS = {
    "max_tokens": "Unsupported parameter: 'max_tokens' is not supported with this model. "
                  "Use 'max_completion_tokens' instead.",
    "temperature": "Unsupported value: 'temperature' does not support {value} with this model. "
                   "Only the default (1) value is supported.",
    "max_completion_tokens": "Unrecognized request argument supplied: max_completion_tokens",
}


def refusal(body: dict, rejects: tuple[str, ...]) -> tuple[str, str] | None:
    """(parameter, message) of the first parameter in ``body`` the server refuses, or None."""
    for param in rejects:
        if param in body and not (param == "temperature" and body[param] == 1):
            return param, _REFUSALS.get(param, "Unsupported parameter: '{param}'").format(
                value=body[param], param=param)
    return None


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, a keep-alive client waits
    # ~40 ms for the delayed ACK on every reply.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("scripted server: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [
                {"id": "scripted", "object": "model", "created": 0, "owned_by": "llmcc"}]})
        else:
            self._send(404, _error_json(404, f"no route {self.path}"))

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, _error_json(404, f"no route {self.path}"))
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, _error_json(400, "request body is not JSON"))
            return
        self.server.owner._record(body, {k.lower(): v for k, v in self.headers.items()})
        if (refused := refusal(body, self.server.owner.rejects)) is not None:
            self._send(400, _error_json(400, refused[1], refused[0]))
            return
        try:
            entries = self.server.owner._cursor.next_entries(body)
        except Exception as e:  # a test's callable failed: tell the client, loudly
            logger.exception("scripted server: script callable failed")
            self._send(500, _error_json(500, f"script callable raised {e!r}"))
            return
        if not entries:
            self._send(500, _error_json(500, "scripted server: no script entry matches this request"))
            return
        self._answer(entries, body)

    def _answer(self, entries: list[Entry], body: dict) -> None:
        first = entries[0]
        if first.get("delay"):
            time.sleep(float(first["delay"]))
        headers = first.get("headers") or {}
        if "raw" in first:
            self._send_bytes(200, str(first["raw"]).encode(), headers)
        elif "status" in first:
            status = int(first["status"])
            self._send(status, _error_json(status, first.get("message", f"scripted error {status}")), headers)
        else:
            self._send(200, completion_json(entries, body), headers)

    def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), headers or {})

    def _send_bytes(self, status: int, data: bytes, headers: dict) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout fired) while we were delaying: expected.
            logger.debug("scripted server: client went away")


class _Server(ThreadingHTTPServer):
    daemon_threads = True        # a delayed handler must not keep the test process alive
    block_on_close = False
    owner: "ScriptedServer"


class ScriptedServer:
    """A scripted chat-completions server on 127.0.0.1 (random free port); a context manager.

    ``url`` is the base URL to give the client (``http://127.0.0.1:PORT/v1``); ``requests``
    lists every chat request body received, in order (``request_headers`` their headers).
    """

    def __init__(self, script: Script, *, port: int = 0, rejects: tuple[str, ...] = ()) -> None:
        self._cursor = _ScriptCursor(script)
        self.rejects = tuple(rejects)
        self._lock = threading.Lock()
        self.requests: list[dict] = []
        self.request_headers: list[dict[str, str]] = []   # headers (lower-case names) of each request, same order
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.owner = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread: threading.Thread | None = None

    def _record(self, body: dict, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(body)
            self.request_headers.append(headers)

    def start(self) -> "ScriptedServer":
        """Serve in a background daemon thread."""
        # A short poll interval: shutdown() waits for the serving loop to notice, and tests
        # start and stop many servers.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="scripted-llm", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    """Serve a JSON script file until interrupted."""
    parser = argparse.ArgumentParser(description="scripted OpenAI-compatible chat server (not a model)")
    parser.add_argument("script", help="JSON file: a list of script entries")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    with open(args.script, encoding="utf-8") as f:
        script = json.load(f)
    if not isinstance(script, list):
        parser.error("the script must be a JSON list of entries")
    server = ScriptedServer(script, port=args.port)
    print(server.url, flush=True)  # a command-line tool: the URL is its output
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
