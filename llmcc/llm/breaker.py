"""A circuit breaker for the model endpoint, shared by every compile of a build.

A dead, failing or hanging endpoint must cost a build almost nothing: without a breaker
each hot TU would retry on its own. The breaker's state is a small JSON file under the
cache directory (one per endpoint URL), read and written under an ``flock`` and replaced
atomically, so all compiles of a build (and ``make -j`` siblings) see the same state.

States (``failures`` counts consecutive failed HTTP attempts across processes):

* closed: calls go through. A failure (connection refused, timeout, HTTP 5xx/429/408,
  a reply that is not a chat completion) adds one; a success resets the count. A timeout
  opens the breaker at once (each one already cost ``llm.timeout`` seconds).
* open: after ``threshold`` consecutive failures, or when the server sent ``Retry-After``,
  no call is made until ``open_until``; ``before_call`` raises ``EndpointUnavailable``
  at once (no retries, no waiting).
* half-open: after the cool-down one caller is let through as a probe (the others stay
  blocked for the probe's time); its success closes the breaker, its failure opens it
  again for twice the previous cool-down (capped at ``MAX_COOLDOWN``).
"""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

TYPE_CHECKING = False   # not typing's: importing typing costs every compile
if TYPE_CHECKING:
    from typing import Callable, Iterator

# hashlib, tempfile and logging are imported where used: every llm-mode compile asks
# ``endpoint_down`` before its baseline, and those imports cost start-up.


class _Logger:
    """``logging.getLogger(__name__)``, imported on first use (only when something happens)."""

    def __getattr__(self, level: str):
        import logging
        return getattr(logging.getLogger(__name__), level)


logger = _Logger()

DEFAULT_THRESHOLD = 3
DEFAULT_COOLDOWN = 60.0
MAX_COOLDOWN = 3600.0
# How long one probe may take before another caller may probe (a hung probe process).
PROBE_SLACK = 5.0


class Breaker:
    """The shared breaker of one endpoint. ``path`` None: process-local state (no file)."""

    def __init__(self, path: Path | None, *, threshold: int = DEFAULT_THRESHOLD,
                 cooldown: float = DEFAULT_COOLDOWN, probe_time: float = 120.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.threshold = max(1, threshold)
        self.cooldown = max(0.0, cooldown)
        self.probe_time = probe_time + PROBE_SLACK
        self._clock = clock
        self._local: dict = {}

    # -- the three calls the client makes -----------------------------------------------

    def before_call(self) -> str | None:
        """None if a request may go out now; else why not (the breaker is open).

        Letting a probe through is recorded at once, so concurrent compiles do not all probe."""
        now = self._clock()
        with self._state() as state:
            open_until = float(state.get("open_until", 0.0))
            if now < open_until:
                return self._why(state, open_until - now)
            if int(state.get("failures", 0)) >= self.threshold or state.get("retry_after"):
                # Cool-down over: this caller probes; everyone else waits for its verdict.
                state["open_until"] = now + self.probe_time
                state["probing"] = True
                state.pop("retry_after", None)
        return None

    def record_success(self) -> None:
        """The endpoint answered: close the breaker."""
        with self._state() as state:
            if state.get("failures") or state.get("open_until") or state.get("probing"):
                logger.info("llm breaker: endpoint answered, closing")
            state.clear()

    def record_failure(self, what: str, *, retry_after: float = 0.0, timeout: bool = False,
                       open_now: bool = False) -> None:
        """One failed attempt (``what`` is kept for the message while open). ``timeout`` /
        ``open_now``: a failure that opens the breaker by itself (it already cost
        ``llm.timeout``, or nothing listens at the address)."""
        now = self._clock()
        with self._state() as state:
            failures = int(state.get("failures", 0)) + 1
            state["failures"] = max(failures, self.threshold) if (timeout or open_now) else failures
            state["last_error"] = what[:300]
            probing = state.pop("probing", False)
            already_open = float(state.get("open_until", 0.0)) > now and not probing
            if probing or (state["failures"] >= self.threshold and not already_open):
                trips = int(state.get("trips", 0)) + 1   # a failed probe doubles the pause
                state["trips"] = trips
                pause = min(self.cooldown * 2 ** (trips - 1), MAX_COOLDOWN)
                state["open_until"] = now + pause
                logger.warning("llm breaker: open for %.0fs after %d failures (%s)",
                               pause, state["failures"], what[:200])
            if retry_after > 0:   # the server said when to come back: not before that
                state["open_until"] = max(float(state.get("open_until", 0.0)), now + retry_after)
                state["retry_after"] = retry_after

    # -- inspection ---------------------------------------------------------------------

    def open_for(self) -> float:
        """Seconds the breaker stays open (0: a call may go out)."""
        with self._state(write=False) as state:
            return max(0.0, float(state.get("open_until", 0.0)) - self._clock())

    def _why(self, state: dict, left: float) -> str:
        return (f"endpoint unavailable (circuit breaker open for {left:.0f}s more after "
                f"{state.get('failures', 0)} failures; last: {state.get('last_error', '?')})")

    # -- the shared file ----------------------------------------------------------------

    @contextmanager
    def _state(self, *, write: bool = True) -> Iterator[dict]:
        """The state dict, locked; written back (atomically) if it changed."""
        if self.path is None:
            yield self._local
            return
        import fcntl
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:  # an unwritable cache: fall back to this process's own state
            logger.info("llm breaker: no shared state (%s)", e)
            yield self._local
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            state = self._read()
            before = dict(state)
            yield state
            if write and state != before:
                self._write(state)
        finally:
            os.close(fd)   # closing releases the flock

    def _read(self) -> dict:
        try:
            with open(self.path, encoding="utf-8") as f:
                state = json.load(f)
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _write(self, state: dict) -> None:
        try:
            import tempfile
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".breaker-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(state, f)
            os.replace(tmp, self.path)
        except OSError as e:
            logger.info("llm breaker: cannot write %s: %s", self.path, e)


def breaker_path(cache_dir: Path, base_url: str) -> Path:
    """The state file of the endpoint ``base_url`` under ``cache_dir``."""
    try:
        from _sha256 import sha256   # the builtin: hashlib would load OpenSSL first
    except ImportError:
        from hashlib import sha256
    digest = sha256((base_url or "default").encode()).hexdigest()[:16]
    return Path(cache_dir) / "breaker" / f"{digest}.json"


def endpoint_down(settings) -> str:
    """Why the configured endpoint must not be called now (its breaker is open), or "".

    Cheap (one read of a small file, no lock, no openai import): the driver asks before
    a TU's baseline compile, so that with the breaker open the TU is neither given the
    feature plugin nor scored. No lock is needed: the state file is only ever replaced
    whole (``os.replace``), so a reader sees the old state or the new one."""
    if settings["llm.backend"] != "openai":
        return ""
    breaker = Breaker(breaker_path(settings.cache_dir(), settings["llm.base_url"]))
    state = breaker._read()
    try:
        left = float(state.get("open_until", 0.0)) - breaker._clock()
    except (TypeError, ValueError):
        return ""   # a damaged file: the client's own locked check decides
    return breaker._why(state, left) if left > 0 else ""


def connect_error(base_url: str, timeout: float) -> str:
    """Why nothing accepts a TCP connection at the endpoint's address (refused, unknown
    host), or "": connected, merely slow or filtered (the client's own timeout decides
    then), or behind a proxy (the proxy, not this host, is what the client talks to)."""
    from urllib.parse import urlsplit
    from urllib.request import getproxies, proxy_bypass
    try:
        parts = urlsplit(base_url or "https://api.openai.com/v1")
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return ""
    if not host or (getproxies() and not proxy_bypass(host)):
        return ""
    import socket
    try:
        socket.create_connection((host, port), timeout=max(0.1, timeout)).close()
    except (ConnectionRefusedError, socket.gaierror) as e:
        return f"cannot connect to {host}:{port}: {e}"
    except OSError:
        return ""
    return ""


def endpoint_unreachable(settings) -> str:
    """Why the configured endpoint cannot be reached at all, or "". Asked by the driver
    for a hot TU before any work that only serves the model (remarks, the TU context,
    test plans, importing the HTTP client): a closed port then costs one refused
    connect, and it opens the shared breaker at once, so the rest of the build skips
    even the feature plugin (``endpoint_down``)."""
    if settings["llm.backend"] != "openai":
        return ""
    why = connect_error(settings["llm.base_url"], min(float(settings["llm.timeout"]), 5.0))
    if why:
        Breaker(breaker_path(settings.cache_dir(), settings["llm.base_url"]),
                threshold=int(settings["llm.breaker_failures"]),
                cooldown=float(settings["llm.breaker_cooldown"]),
                probe_time=float(settings["llm.timeout"])).record_failure(why, open_now=True)
    return why
