"""The LLM client every agent uses: one ``chat`` call, any OpenAI-compatible endpoint.

``make_client(settings)`` builds an ``LLMClient`` for the configured backend:

* ``openai``: any chat-completions endpoint through the ``openai`` package (OpenAI, vLLM,
  llama.cpp, Ollama, LiteLLM, ``ScriptedServer``...). The SDK's own retries are off;
  ``tenacity`` retries 429, 5xx, timeouts, connection errors and malformed replies with
  exponential backoff and jitter (honouring ``Retry-After``), and never retries
  authentication, permission, bad-request or context-length errors.
* ``replay``: answers from ``llm.replay_file`` (see ``llmcc.llm.replay``); a request with
  no recording fails with ``LLMUnavailable``.
* ``none``: ``make_client`` returns None.

Every request is normalized to a dict (model, messages, tools, temperature, max_tokens,
tool protocol, sample index, template version). Its hash keys the response cache, the
replay book and the recording, so an identical rebuild is answered from disk with zero
HTTP calls. ``n`` samples are ``n`` separate requests (sample index 0..n-1), at most
``llm.concurrency`` in flight per client: every endpoint supports that, while ``n`` > 1 is
not universal.

The API key is read from the env var named by ``llm.api_key_env`` ("not-needed" when
unset, for local servers), handed only to the SDK, and scrubbed from every error message.
"""
from __future__ import annotations

import json
import logging
import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from llmcc.llm import textproto
from llmcc.llm.breaker import Breaker, breaker_path
from llmcc.llm.cache import ResponseCache, request_key
from llmcc.llm.replay import ReplayBook, Recorder

if TYPE_CHECKING:
    from llmcc.config import Settings

logger = logging.getLogger(__name__)

DUMMY_API_KEY = "not-needed"


@dataclass(frozen=True)
class ToolCall:
    """One function call the model asked for; ``arguments`` is raw JSON text as sent."""
    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ChatReply:
    """One sample's reply. ``cached``: served from the response cache (no tokens spent)."""
    content: str
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool
    key: str = field(default="", compare=False)  # the request key (response cache / replay)


class LLMError(Exception):
    """Base class of the client's errors; a caller turns any of them into a Fallback."""


class LLMUnavailable(LLMError):
    """Dead endpoint, retries exhausted, 5xx/429 storm, malformed replies, no recording."""


class EndpointUnavailable(LLMUnavailable):
    """The endpoint's circuit breaker is open (``llmcc.llm.breaker``): no request was made."""


class LLMBadReply(LLMError):
    """The endpoint answered, but the reply is unusable: rejected, never cached or recorded,
    not retried (the same prompt would likely get the same)."""


class LLMReplyTooLarge(LLMBadReply):
    """The reply is over ``llm.max_reply_bytes``."""


# JSON nested deeper than this makes Python's decoder raise RecursionError wherever an
# agent parses the reply; no useful reply (code, tool arguments, edits) comes close.
MAX_REPLY_NESTING = 200


class LLMRejected(LLMError):
    """Authentication, permission, bad request, context length: retrying cannot help."""


class LLMDeadline(LLMError):
    """The per-TU deadline passed (or would pass before the next retry)."""


@dataclass
class Usage:
    """Running totals for one client. Tokens and cost count live calls only (cache hits are free)."""
    calls: int = 0              # replies returned, live or cached
    cached_calls: int = 0       # of which served from the response cache
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    requests: int = 0           # HTTP attempts, including retries
    failed_calls: int = 0       # samples that ended in an LLMError

    def to_json(self) -> dict:
        """A plain dict for reports."""
        return asdict(self)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for transient errors: wait ``multiplier * 2**k + U(0, jitter)`` capped at ``max_wait``."""
    attempts: int = 3            # a dead endpoint costs little per TU; the breaker does the rest
    multiplier: float = 0.5
    max_wait: float = 20.0
    jitter: float = 0.5


class _Transport(Protocol):
    """Answers one normalized request with one normalized reply dict, or raises."""

    live: bool

    def complete(self, request: dict, timeout: float) -> dict: ...

    def close(self) -> None: ...


class _MalformedReply(Exception):
    """The endpoint answered 200 with something that is not a chat completion (transient)."""


class _Unreachable(Exception):
    """Nothing accepts connections at the endpoint's address (refused, no route, no name)."""


class _BodyTooLarge(Exception):
    """The HTTP body ran past the transport's byte cap (the reply cannot be within bounds)."""


DEFAULT_MAX_REPLY_BYTES = 256 * 1024


def _body_cap(max_reply_bytes: int) -> int:
    """Bytes of HTTP body allowed for a reply of ``max_reply_bytes`` (JSON escaping, envelope)."""
    return 8 * max_reply_bytes + (1 << 20)


def _capped_http_client(limit: int, timeout: float) -> Any:
    """An HTTP client for the SDK whose response bodies stop at ``limit`` bytes, so an
    endpoint streaming gigabytes cannot exhaust memory before any check runs."""
    import httpx2

    class CappedStream(httpx2.SyncByteStream):
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __iter__(self):
            total = 0
            for chunk in self._inner:
                total += len(chunk)
                if total > limit:
                    raise _BodyTooLarge(f"reply body over {limit} bytes")
                yield chunk

        def close(self) -> None:
            self._inner.close()

    class CappedTransport(httpx2.HTTPTransport):
        def handle_request(self, request: Any) -> Any:
            response = super().handle_request(request)
            response.stream = CappedStream(response.stream)
            return response

    return httpx2.Client(transport=CappedTransport(), timeout=timeout)


class EndpointFit:
    """Which request parameters the endpoint accepts, learned from its 400 errors.

    Reasoning models (OpenAI o-series, gpt-5...) reject ``max_tokens`` (they want
    ``max_completion_tokens``) and any ``temperature`` but the default; some servers reject
    ``max_completion_tokens``. ``llm.params`` picks the first form ("classic",
    "reasoning"; "auto" = classic); a 400 naming a parameter switches to the other form and
    the request is sent again. What was learned is kept in ``path`` (under the cache dir),
    so the next compiles of the build start with the form that works."""

    def __init__(self, params: str = "auto", path: Path | None = None) -> None:
        self.path = path
        self.token_param = "max_completion_tokens" if params == "reasoning" else "max_tokens"
        self.temperature = params != "reasoning"
        if path is not None:
            try:
                learned = json.loads(path.read_text())
                if learned.get("token_param") in ("max_tokens", "max_completion_tokens"):
                    self.token_param = learned["token_param"]
                self.temperature = bool(learned.get("temperature", self.temperature))
            except (OSError, ValueError, AttributeError):
                pass

    def kwargs(self, request: dict) -> dict:
        """The sampling parameters of ``request`` in the form this endpoint takes."""
        out: dict[str, Any] = {}
        if request.get("max_tokens"):  # 0 means "the server's default"
            out[self.token_param] = request["max_tokens"]
        if self.temperature and request.get("temperature") is not None:
            out["temperature"] = request["temperature"]
        return out

    def adapt(self, exc: Any, sent: dict) -> bool:
        """Switch the form if the 400 ``exc`` names a parameter we sent; False if it doesn't."""
        said = f"{getattr(exc, 'param', '') or ''} {getattr(exc, 'message', '') or exc}"
        named = set(re.findall(r"max_completion_tokens|max_tokens|temperature", said))
        changed = False
        if self.token_param in named and self.token_param in sent:
            other = {"max_tokens": "max_completion_tokens", "max_completion_tokens": "max_tokens"}
            self.token_param = other[self.token_param]
            changed = True
        elif "temperature" in named and "temperature" in sent:
            self.temperature = False
            changed = True
        if changed:
            logger.info("llm: endpoint refused a parameter; now sending %s%s", self.token_param,
                        "" if self.temperature else ", no temperature")
            self._save()
        return changed

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"token_param": self.token_param, "temperature": self.temperature}))
            os.replace(tmp, self.path)
        except OSError as e:
            logger.info("llm: cannot keep the endpoint's parameter form: %s", e)


class _OpenAITransport:
    """Chat completions through the ``openai`` SDK (imported on first use: it is slow to import)."""

    live = True

    def __init__(self, base_url: str, api_key: str, timeout: float,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES, fit: EndpointFit | None = None) -> None:
        self._base_url = base_url or None
        self._api_key = api_key
        self._timeout = timeout
        self._body_limit = _body_cap(max_reply_bytes)
        self._fit = fit or EndpointFit()
        self._reachable = False
        self._sdk_client: Any = None
        self._lock = threading.Lock()

    def _sdk(self) -> Any:
        with self._lock:
            if self._sdk_client is None:
                import openai
                self._sdk_client = openai.OpenAI(
                    base_url=self._base_url, api_key=self._api_key, timeout=self._timeout, max_retries=0,
                    http_client=_capped_http_client(self._body_limit, self._timeout))
            return self._sdk_client

    def _preflight(self, timeout: float) -> None:
        """One TCP connect before the first request of this process: a closed port or an
        unknown host is known in milliseconds, before the seconds that importing the
        ``openai`` package takes on a loaded machine. Skipped behind a proxy."""
        if self._reachable:
            return
        from .breaker import connect_error
        why = connect_error(self._base_url, min(timeout, 5.0))
        if why:
            raise _Unreachable(why)
        self._reachable = True

    def complete(self, request: dict, timeout: float) -> dict:
        self._preflight(timeout)
        import openai
        base: dict[str, Any] = {"model": request["model"], "messages": request["messages"], "timeout": timeout}
        if request.get("tools"):
            base["tools"] = request["tools"]
        for attempt in range(3):   # at most one switch per parameter, then the 400 stands
            sampling = self._fit.kwargs(request)
            try:
                completion = self._sdk().chat.completions.create(**base, **sampling)
                break
            except openai.BadRequestError as e:
                if attempt == 2 or not self._fit.adapt(e, sampling):
                    raise
        try:
            return _normalize_completion(completion)
        except _MalformedReply:
            raise
        except Exception as e:  # odd types where strings belong (a hostile or broken server)
            raise _MalformedReply(f"reply is not a chat completion: {type(e).__name__}: {e}") from None

    def close(self) -> None:
        with self._lock:
            if self._sdk_client is not None:
                self._sdk_client.close()
                self._sdk_client = None


def _text(value: Any) -> str:
    """A string field of the reply; anything else is a malformed reply."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _MalformedReply(f"expected text in the reply, got {type(value).__name__}")
    return value


def reply_size(reply: dict) -> int:
    """Bytes of model-written text in a stored reply (content and tool-call arguments)."""
    size = len((reply.get("content") or "").encode("utf-8", "replace"))
    for call in reply.get("tool_calls") or []:
        size += len(call.get("name", "").encode("utf-8", "replace"))
        size += len(call.get("arguments", "").encode("utf-8", "replace"))
    return size


def _nesting(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in ``text`` (strings not excluded: an upper bound)."""
    if text.count("[") + text.count("{") <= MAX_REPLY_NESTING:
        return 0
    depth = deepest = 0
    for m in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if m.group() in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _normalize_completion(completion: Any) -> dict:
    """The stored reply shape, from an SDK ChatCompletion; _MalformedReply if it is not one."""
    choices = getattr(completion, "choices", None)
    if not choices:
        raise _MalformedReply(f"reply is not a chat completion: {str(completion)[:200]!r}")
    choice = choices[0]
    message = getattr(choice, "message", None)
    if message is None:
        raise _MalformedReply("reply choice has no message")
    calls = []
    for i, call in enumerate(getattr(message, "tool_calls", None) or []):
        fn = getattr(call, "function", None)
        if fn is None:  # a non-function tool call (e.g. custom tools): nothing we can run
            continue
        calls.append({"id": str(getattr(call, "id", None) or f"call_{i}"), "name": _text(fn.name),
                      "arguments": _text(fn.arguments) or "{}"})
    usage = getattr(completion, "usage", None)
    return {"content": _text(message.content), "tool_calls": calls,
            "finish_reason": _text(choice.finish_reason) or "stop",
            "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
            "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0)}


class _ReplayTransport:
    """Answers from a recording; an unknown request is LLMUnavailable (never retried)."""

    live = False

    def __init__(self, book: ReplayBook) -> None:
        self._book = book

    def close(self) -> None:
        pass

    def complete(self, request: dict, timeout: float) -> dict:
        reply = self._book.lookup(request)
        if reply is None:
            raise LLMUnavailable("no recorded exchange for this request")
        if not is_valid_reply(reply):
            raise LLMUnavailable("the recorded exchange for this request has a malformed response")
        return reply


def _is_transient(exc: BaseException) -> bool:
    """Worth retrying: rate limits, server errors, timeouts, broken connections, garbage replies."""
    # Checked before importing openai: a closed port is decided without it.
    if isinstance(exc, (_Unreachable, _MalformedReply, RecursionError)):  # RecursionError: deeply nested JSON
        return True
    if isinstance(exc, LLMError):
        return False
    import openai
    if isinstance(exc, (openai.APIConnectionError, openai.APIResponseValidationError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        return status in (408, 409, 429) or status >= 500
    # A 200 whose body the SDK could not decode as JSON (a proxy's HTML page, a cut-off body).
    return isinstance(exc, json.JSONDecodeError)


def _is_openai_error(exc: BaseException) -> bool:
    if isinstance(exc, (_Unreachable, _MalformedReply, _BodyTooLarge, RecursionError)):
        return True
    import openai
    return isinstance(exc, (openai.OpenAIError, json.JSONDecodeError))


def _opens_at_once(exc: BaseException) -> bool:
    """A failure that opens the breaker by itself: a timeout already cost llm.timeout, and
    nothing listening at the address will not change within a build's seconds."""
    if isinstance(exc, _Unreachable):
        return True
    import openai
    return isinstance(exc, openai.APITimeoutError)


def _retry_after(exc: BaseException | None) -> float:
    """Seconds the server asked us to wait (``Retry-After``), 0 when it did not say."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return 0.0
    try:
        return max(0.0, float(headers.get("retry-after", 0)))
    except (TypeError, ValueError):
        return 0.0


class LLMClient:
    """Chat with retries, a response cache, recording, text tool protocol and usage totals.

    Thread-safe: several agents may share one client; at most ``concurrency`` requests are
    in flight at once. ``deadline`` is an absolute ``time.monotonic()`` value or None.
    """

    def __init__(self, transport: _Transport, *, model: str, temperature: float = 0.2,
                 max_tokens: int = 4096, timeout: float = 120.0, concurrency: int = 2,
                 tool_protocol: str = "native", cache: ResponseCache | None = None,
                 recorder: Recorder | None = None, deadline: float | None = None,
                 cost_per_1k_input: float = 0.0, cost_per_1k_output: float = 0.0,
                 api_key: str = "", retry: RetryPolicy = RetryPolicy(), breaker: Breaker | None = None,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES) -> None:
        self.model = model
        self.usage = Usage()
        self.deadline = deadline
        self._transport = transport
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._timeout = timeout
        self._concurrency = max(1, concurrency)
        self._tool_protocol = tool_protocol
        self._cache = cache
        self._recorder = recorder
        self._prices = (cost_per_1k_input, cost_per_1k_output)
        self._api_key = api_key
        self._retry = retry
        self._breaker = breaker
        self._max_reply_bytes = max_reply_bytes
        # Why the endpoint could not be used (breaker open, retries exhausted), "" if it could:
        # the driver reports such a TU as a fallback of its own, not as "no improvement".
        self.unavailable = ""
        self._in_flight = threading.BoundedSemaphore(self._concurrency)
        self._usage_lock = threading.Lock()

    # -- public -------------------------------------------------------------------------

    def chat(self, messages: list[dict], *, tools: list[dict] | None = None, n: int = 1,
             temperature: float | None = None, purpose: str = "",
             template_version: str = "") -> list[ChatReply]:
        """``n`` sampled replies to ``messages`` (native chat-completions shapes).

        ``tools`` are chat-completions function tools; with ``llm.tool_protocol = "text"``
        they are described in the system message instead and calls are parsed from the
        reply text (``llmcc.llm.textproto``). ``purpose`` labels the log;
        ``template_version`` (from ``prompts.render``) enters the cache key.

        Returns the replies in sample order; when some samples fail and others succeed,
        only the successful ones (never an empty list). Raises ``LLMRejected`` if any
        sample was rejected, else ``LLMDeadline`` / ``LLMUnavailable`` when all failed.
        """
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        requests = [self._normalize(messages, tools, temperature, i, template_version) for i in range(n)]
        if n == 1:
            outcomes: list[ChatReply | LLMError] = [self._one_sample(requests[0], purpose)]
        else:
            with ThreadPoolExecutor(max_workers=min(n, self._concurrency),
                                    thread_name_prefix="llm-sample") as pool:
                outcomes = list(pool.map(lambda r: self._one_sample(r, purpose), requests))
        return _successes_or_raise(outcomes)

    def close(self) -> None:
        """Release the HTTP connections (the client stays usable: they reopen on demand)."""
        self._transport.close()

    def __enter__(self) -> "LLMClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one sample ---------------------------------------------------------------------

    def _normalize(self, messages: list[dict], tools: list[dict] | None, temperature: float | None,
                   sample: int, template_version: str) -> dict:
        """The request as sent, plus what else distinguishes it; the cache/replay key hashes this."""
        text_protocol = self._tool_protocol == "text"
        sent = textproto.encode_messages(messages, tools) if text_protocol else [dict(m) for m in messages]
        return {"model": self.model, "messages": sent,
                "tools": None if text_protocol else (tools or None),
                "temperature": self._temperature if temperature is None else temperature,
                "max_tokens": self._max_tokens, "tool_protocol": self._tool_protocol,
                "sample": sample, "template_version": template_version}

    def _one_sample(self, request: dict, purpose: str) -> ChatReply | LLMError:
        """One reply, from the cache or the backend; errors are returned, not raised."""
        key = request_key(request)
        stored = self._cache.get(key) if self._cache is not None else None
        # An entry over the size cap (stored by an older llmcc) is ignored like a corrupt one.
        if stored is not None and is_valid_reply(stored) and reply_size(stored) <= self._max_reply_bytes:
            self._count(stored, cached=True)
            logger.debug("llm %s: cache hit %s", purpose or "chat", key[:12])
            return self._served(self._reply(stored, cached=True, key=key))
        try:
            reply = self._complete_with_retries(request, purpose)
        except LLMError as e:
            with self._usage_lock:
                self.usage.failed_calls += 1
                if isinstance(e, LLMUnavailable) and self._transport.live:
                    self.unavailable = str(e)[:300]
            logger.info("llm %s: sample %d failed: %s", purpose or "chat", request["sample"], e)
            return e
        self._count(reply, cached=False)
        if self._cache is not None:
            self._cache.put(key, reply, meta={"purpose": purpose, "model": self.model})
        if self._recorder is not None and self._transport.live:
            self._recorder.append(request, reply)
        return self._served(self._reply(reply, cached=False, key=key))

    def _served(self, reply: ChatReply) -> ChatReply:
        """Remember where ``reply`` is cached, so ``quarantine_reply`` can find it by its text."""
        if self._cache is not None and reply.content:
            _remember_served(reply.content, self._cache, reply.key)
        return reply

    def mark_bad(self, reply: ChatReply, reason: str) -> None:
        """``reply`` crashed a check: its cache entry is never served again."""
        if self._cache is not None and reply.key:
            self._cache.mark_bad(reply.key, reason)

    def _complete_with_retries(self, request: dict, purpose: str) -> dict:
        """The backend's reply, retrying transient failures until attempts or the deadline run out."""
        import tenacity
        stopped_by_deadline = False

        def stop(state: tenacity.RetryCallState) -> bool:
            nonlocal stopped_by_deadline
            if self._breaker is not None and self._breaker.open_for() > state.upcoming_sleep:
                return True   # the breaker (or Retry-After) says not now: don't wait for it here
            if self.deadline is not None and time.monotonic() + state.upcoming_sleep >= self.deadline:
                stopped_by_deadline = True
                return True
            return state.attempt_number >= self._retry.attempts

        def log_retry(state: tenacity.RetryCallState) -> None:
            logger.info("llm %s: retry %d in %.1fs after %s", purpose or "chat", state.attempt_number,
                        state.upcoming_sleep, self._scrub(repr(state.outcome.exception())))

        retrying = tenacity.Retrying(
            stop=stop, wait=self._wait, reraise=True, before_sleep=log_retry,
            retry=tenacity.retry_if_exception(_is_transient))
        try:
            return retrying(self._attempt, request)
        except LLMError:
            raise
        except Exception as e:  # the last failure, after retries (or a non-retried one)
            if not _is_openai_error(e):
                logger.warning("llm %s: unexpected %s from the backend", purpose or "chat", type(e).__name__)
            raise self._translate(e, stopped_by_deadline) from None

    def _wait(self, state: Any) -> float:
        """Exponential backoff with jitter, at least what ``Retry-After`` asked for."""
        policy = self._retry
        backoff = policy.multiplier * 2 ** (state.attempt_number - 1) + random.uniform(0, policy.jitter)
        asked = _retry_after(state.outcome.exception() if state.outcome else None)
        return min(max(backoff, asked), policy.max_wait)

    def _attempt(self, request: dict) -> dict:
        """One request to the backend, bounded by the request timeout and the deadline,
        and only when the endpoint's breaker lets it through."""
        if not self._in_flight.acquire(timeout=self._remaining()):
            raise LLMDeadline("the per-TU deadline passed while waiting for a free request slot")
        try:
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                raise LLMDeadline("the per-TU deadline passed before the request")
            if self._breaker is not None and (why := self._breaker.before_call()):
                raise EndpointUnavailable(why)
            with self._usage_lock:
                self.usage.requests += 1
            timeout = self._timeout if remaining is None else min(self._timeout, remaining)
            reply = self._send(request, timeout)
        finally:
            self._in_flight.release()
        size = reply_size(reply)
        if size > self._max_reply_bytes:
            raise LLMReplyTooLarge(f"reply of {size} bytes is over llm.max_reply_bytes "
                                   f"({self._max_reply_bytes}); not used, cached or recorded")
        texts = [reply.get("content") or "", *(c["arguments"] for c in reply.get("tool_calls") or [])]
        if any(_nesting(t) > MAX_REPLY_NESTING for t in texts):
            raise LLMBadReply(f"reply nests brackets more than {MAX_REPLY_NESTING} deep; not used")
        return reply

    def _send(self, request: dict, timeout: float) -> dict:
        """The transport's reply; every outcome is reported to the breaker."""
        try:
            reply = self._transport.complete(request, timeout)
        except _BodyTooLarge as e:   # the endpoint answers (with junk): not a breaker failure
            if self._breaker is not None:
                self._breaker.record_success()
            raise LLMReplyTooLarge(f"{e} (llm.max_reply_bytes is {self._max_reply_bytes})") from None
        except Exception as e:
            if self._breaker is not None and _is_transient(e):
                self._breaker.record_failure(self._scrub(f"{type(e).__name__}: {e}")[:300],
                                             retry_after=_retry_after(e), timeout=_opens_at_once(e))
            raise
        if self._breaker is not None:
            self._breaker.record_success()
        return reply

    def _remaining(self) -> float | None:
        """Seconds left before the deadline (may be negative), None without a deadline."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _translate(self, exc: Exception, stopped_by_deadline: bool) -> LLMError:
        """An LLMError for a backend failure, with the API key scrubbed from its message."""
        detail = self._scrub(f"{type(exc).__name__}: {exc}")
        if not _is_transient(exc):
            return LLMRejected(detail)
        if stopped_by_deadline:
            return LLMDeadline(f"deadline reached while retrying; last error {detail}")
        if self._breaker is not None and self._breaker.open_for() > 0:
            return EndpointUnavailable(f"endpoint failing, circuit breaker open; last error {detail}")
        return LLMUnavailable(f"gave up after {self._retry.attempts} attempts; last error {detail}")

    def _scrub(self, text: str) -> str:
        if self._api_key and self._api_key != DUMMY_API_KEY and len(self._api_key) >= 4:
            text = text.replace(self._api_key, "****")
        return text

    # -- bookkeeping --------------------------------------------------------------------

    def _count(self, reply: dict, *, cached: bool) -> None:
        with self._usage_lock:
            self.usage.calls += 1
            if cached:
                self.usage.cached_calls += 1
                return
            prompt, completion = int(reply.get("prompt_tokens", 0)), int(reply.get("completion_tokens", 0))
            self.usage.prompt_tokens += prompt
            self.usage.completion_tokens += completion
            self.usage.cost += prompt / 1000 * self._prices[0] + completion / 1000 * self._prices[1]

    def _reply(self, stored: dict, *, cached: bool, key: str = "") -> ChatReply:
        """A ChatReply from the stored shape, parsing text-protocol calls when that protocol is on."""
        content = stored.get("content") or ""
        finish = stored.get("finish_reason") or "stop"
        calls = tuple(ToolCall(c["id"], c["name"], c["arguments"]) for c in stored.get("tool_calls") or [])
        if self._tool_protocol == "text" and not calls:
            parsed = textproto.parse_tool_calls(content)
            calls = tuple(ToolCall(f"{textproto.TEXT_CALL_ID_PREFIX}{i}", name, args)
                          for i, (name, args) in enumerate(parsed))
            if calls:
                finish = "tool_calls"
        return ChatReply(content=content, tool_calls=calls, finish_reason=finish,
                         prompt_tokens=int(stored.get("prompt_tokens", 0)),
                         completion_tokens=int(stored.get("completion_tokens", 0)), cached=cached,
                         key=key)


# Replies this process handed out, by a hash of their text: the code that checks a reply
# sees only its text (``Level.splice(program, function, reply.content)``), and a reply that
# crashes a check must be marked bad in the cache it came from. Bounded; per process.
_SERVED: dict[str, tuple[ResponseCache, str]] = {}
_SERVED_LIMIT = 512
_SERVED_LOCK = threading.Lock()


def _text_digest(content: str) -> str:
    import hashlib
    return hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()


def _remember_served(content: str, cache: ResponseCache, key: str) -> None:
    with _SERVED_LOCK:
        _SERVED[_text_digest(content)] = (cache, key)
        while len(_SERVED) > _SERVED_LIMIT:
            del _SERVED[next(iter(_SERVED))]


def quarantine_reply(content: str, reason: str) -> bool:
    """Mark the cached reply whose text is ``content`` bad (it crashed a check), so no
    later compile replays it. False when this process served no cached reply with that text."""
    with _SERVED_LOCK:
        found = _SERVED.pop(_text_digest(content), None)
    if found is None:
        return False
    cache, key = found
    cache.mark_bad(key, reason)
    return True


def _successes_or_raise(outcomes: list[ChatReply | LLMError]) -> list[ChatReply]:
    """The successful replies; a rejection wins over everything (every sample would hit it)."""
    replies = [o for o in outcomes if isinstance(o, ChatReply)]
    errors = [o for o in outcomes if isinstance(o, LLMError)]
    rejected = [e for e in errors if isinstance(e, LLMRejected)]
    if rejected:
        raise rejected[0]
    if replies:
        return replies
    deadline = [e for e in errors if isinstance(e, LLMDeadline)]
    raise (deadline or errors)[0]


def is_valid_reply(reply: object) -> bool:
    """Whether ``reply`` has the stored reply shape (cache entries and recordings are checked)."""
    if not isinstance(reply, dict) or not isinstance(reply.get("content", ""), (str, type(None))):
        return False
    calls = reply.get("tool_calls") or []
    return isinstance(calls, list) and all(
        isinstance(c, dict) and all(isinstance(c.get(k), str) for k in ("id", "name", "arguments"))
        for c in calls)


def make_client(settings: "Settings", *, deadline: float | None = None,
                cache_dir: Path | None = None, retry: RetryPolicy | None = None) -> LLMClient | None:
    """The client ``settings`` describe, or None when ``llm.backend`` is "none".

    ``deadline`` is an absolute ``time.monotonic()`` value (None: no deadline);
    ``cache_dir`` defaults to ``<settings cache dir>/llm`` (no response cache when the
    ``cache`` setting is off and no directory is given). Raises ``LLMUnavailable`` when the
    replay file cannot be read. ``retry`` overrides the backoff policy (tests use short waits).
    """
    backend = settings["llm.backend"]
    if backend == "none":
        return None
    api_key = os.environ.get(settings["llm.api_key_env"]) or DUMMY_API_KEY
    max_reply = int(settings.get("llm.max_reply_bytes", DEFAULT_MAX_REPLY_BYTES))
    breaker = None
    if backend == "replay":
        transport: _Transport = _ReplayTransport(_load_book(settings["llm.replay_file"]))
    else:
        state = breaker_path(settings.cache_dir(), settings["llm.base_url"])
        fit = EndpointFit(str(settings.get("llm.params", "auto")), state.with_suffix(".params.json"))
        transport = _OpenAITransport(settings["llm.base_url"], api_key, settings["llm.timeout"], max_reply, fit)
        # Shared by every compile using this cache directory (even with the cache off).
        breaker = Breaker(state,
                          threshold=int(settings.get("llm.breaker_failures", 3)),
                          cooldown=float(settings.get("llm.breaker_cooldown", 60.0)),
                          probe_time=float(settings["llm.timeout"]))
    if retry is None:
        retry = RetryPolicy(attempts=max(1, int(settings.get("llm.retries", RetryPolicy.attempts))))
    if cache_dir is None and settings["cache"]:
        cache_dir = settings.cache_dir() / "llm"
    record = settings["llm.record_file"]
    model = settings["llm.model"] or "default"
    from .prompts import uses_text_tools   # llm.profile=compact implies text tools
    return LLMClient(
        transport, model=model, temperature=settings["llm.temperature"],
        max_tokens=settings["llm.max_tokens"], timeout=settings["llm.timeout"],
        concurrency=settings["llm.concurrency"],
        tool_protocol="text" if uses_text_tools(settings) else "native",
        cache=ResponseCache(cache_dir) if cache_dir is not None else None,
        recorder=Recorder(Path(record)) if record else None, deadline=deadline,
        cost_per_1k_input=settings["llm.cost_per_1k_input"],
        cost_per_1k_output=settings["llm.cost_per_1k_output"], api_key=api_key,
        retry=retry, breaker=breaker, max_reply_bytes=max_reply)


def client_for_endpoint(base_url: str, *, model: str = "scripted", api_key: str = DUMMY_API_KEY,
                        cache_dir: Path | None = None, tool_protocol: str = "native",
                        deadline: float | None = None, timeout: float = 30.0, concurrency: int = 2,
                        retry: RetryPolicy | None = None, breaker: Breaker | None = None,
                        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES, params: str = "auto") -> LLMClient:
    """An ``openai``-backend client for ``base_url`` without building Settings.

    Meant for tests and tools (e.g. ``client_for_endpoint(ScriptedServer(...).url)``);
    the driver uses ``make_client``. No response cache unless ``cache_dir`` is given.
    """
    transport = _OpenAITransport(base_url, api_key, timeout, max_reply_bytes, EndpointFit(params))
    return LLMClient(transport, model=model, timeout=timeout, concurrency=concurrency,
                     tool_protocol=tool_protocol, cache=ResponseCache(cache_dir) if cache_dir is not None else None,
                     deadline=deadline, api_key=api_key, retry=retry or RetryPolicy(),
                     breaker=breaker, max_reply_bytes=max_reply_bytes)


def _load_book(replay_file: str) -> ReplayBook:
    if not replay_file:
        raise LLMUnavailable("llm.backend = replay needs llm.replay_file")
    try:
        return ReplayBook.load(Path(replay_file))
    except (OSError, ValueError) as e:
        raise LLMUnavailable(f"cannot read the replay file: {e}") from None
