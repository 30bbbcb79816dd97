"""The build-wide optimization budget, shared by every compile of one build.

A build (``make -j``, ninja) runs one llmcc process per TU, and none of them knows the
others. Tuning every hot TU inside the build costs many times the build itself, so the
compiles share a *build session* through the cache directory: a small JSON state file
(``<cache>/session.json``) read and written under an flock (``session.lock``).

Which build a compile belongs to: ``$LLMCC_BUILD_ID`` if set, else the process group
(make, ninja and a CI script's shell put all their compiles in one; a compile-server worker
is told its caller's group as LLMCC_BUILD_ID, llmcc/server.py), and a session idle
for longer than ``budget.idle_reset`` seconds is over (a process group id may come back).

The rule, greedy and online (a compile cannot wait for TUs the build has not reached):

1. After the baseline and the cheap feature score, a hot TU asks to be admitted with its
   score (the best hot function's).
2. Its score joins the session's ranking. If the build has already seen at least
   ``budget.top_tus`` scored TUs and this one is not among the best ``top_tus`` of them,
   it is skipped: ``below-build-rank``.
3. If the seconds left (``budget.seconds``, or ``budget.llm_seconds`` in llm mode) are
   fewer than ``budget.min_tu_seconds``, or no model calls are left in llm mode
   (``budget.model_calls``), it is skipped: ``budget-exhausted``.
4. Otherwise it is granted all the seconds left (at most ``tu_deadline``); the grant is
   reserved at once, so parallel compiles cannot spend the same seconds twice, and the
   TU's optimize deadline is cut to it.
5. When the TU ends, the unspent part of the grant is given back and the model calls it
   made are charged.
6. Once the session has refused a TU for budget and no grant is outstanding, later
   compiles of the build see it with a lock-free read (``spent_out``) before their
   baseline compile and skip the feature plugin and scoring as well: a spent budget
   costs the rest of the build almost nothing.

Skipped TUs keep clang's object and are counted by reason (``llmcc stats``) and shown in
``llmcc report``; like every outcome they are cached, so a rebuild does not re-decide.
A larger search over the whole build belongs to ``llmcc tune``. Any problem with the state
file (unwritable cache, corrupt JSON) admits the TU with the configured per-build budget
for this TU alone: the budget is a cost bound, never a reason to fail.
"""
from __future__ import annotations

import json
import os
import time
from collections import namedtuple
from pathlib import Path

from .log import log

STATE = "session.json"
LOCK = "session.lock"
MAX_SESSIONS = 64          # concurrent builds sharing one cache; older ones are dropped


class Admission(namedtuple("Admission", "granted reason detail token", defaults=("", "", ""))):
    """The session's answer for one TU: ``granted`` seconds, or a skip ``reason``
    ("budget-exhausted" | "below-build-rank"); ``token`` identifies the reservation for
    ``BuildSession.finish``. (collections.namedtuple: no typing import per compile.)"""

    __slots__ = ()

    @property
    def admitted(self) -> bool:
        return not self.reason


def build_id() -> str:
    return os.environ.get("LLMCC_BUILD_ID") or f"pgrp-{os.getpgrp()}"


class BuildSession:
    """One build's budget in ``root`` (the cache directory)."""

    def __init__(self, root: Path, *, seconds: float, model_calls: int, top_tus: int,
                 min_tu_seconds: float, idle_reset: float, build: str | None = None):
        self.root = Path(root)
        self.seconds = float(seconds)
        self.model_calls = int(model_calls)
        self.top_tus = int(top_tus)
        self.min_tu_seconds = float(min_tu_seconds)
        self.idle_reset = float(idle_reset)
        self.build = build or build_id()

    @classmethod
    def from_settings(cls, settings, mode: str) -> BuildSession:
        seconds = settings["budget.llm_seconds"] if mode == "llm" else settings["budget.seconds"]
        return cls(settings.cache_dir(), seconds=seconds,
                   model_calls=settings["budget.model_calls"] if mode == "llm" else 0,
                   top_tus=settings["budget.top_tus"],
                   min_tu_seconds=settings["budget.min_tu_seconds"],
                   idle_reset=settings["budget.idle_reset"])

    # ------------------------------------------------------------------ decisions
    def admit(self, tu: str, score: float, *, tu_deadline: float, uses_model: bool = False) -> Admission:
        """Rank ``tu`` by ``score`` and grant it seconds, or say why not."""
        def decide(state: dict) -> Admission:
            s = self._session(state)
            s["scores"][tu] = score
            ranked = sorted(s["scores"].values(), reverse=True)
            if self.top_tus and len(ranked) >= self.top_tus and score < ranked[self.top_tus - 1]:
                s["skipped"] += 1
                return Admission(0.0, "below-build-rank",
                                 f"score {score:g} < {ranked[self.top_tus - 1]:g}, the "
                                 f"{self.top_tus}th best of {len(ranked)} hot TUs in this build")
            left = self.seconds - s["spent"]
            if left < max(self.min_tu_seconds, 1e-9):
                s["skipped"] += 1
                s["exhausted"] = True
                return Admission(0.0, "budget-exhausted",
                                 f"{s['spent']:.1f} of {self.seconds:g} s spent by this build")
            if uses_model and s["model_calls"] >= self.model_calls:
                s["skipped"] += 1
                return Admission(0.0, "budget-exhausted",
                                 f"{s['model_calls']} of {self.model_calls} model calls spent")
            grant = min(left, tu_deadline)
            s["spent"] += grant
            s["admitted"] += 1
            token = f"{os.getpid()}-{time.monotonic_ns()}"
            s["grants"][token] = grant
            return Admission(grant, token=token)

        return self._update(decide) or Admission(min(self.seconds, tu_deadline), token="")

    def spent_out(self) -> str:
        """Why this build can start no more TUs, or "" -- a lock-free read, so that once
        the budget is gone a compile skips the feature plugin and scoring too. Only after
        the session itself refused a TU for budget and no grant is outstanding (a running
        TU may still give seconds back)."""
        s = self.state()
        try:
            if not s.get("exhausted") or s.get("grants") or time.time() - s.get("last", 0) > self.idle_reset:
                return ""
            return f"{float(s['spent']):.1f} of {self.seconds:g} s spent by this build (not scored)"
        except (TypeError, ValueError, KeyError, AttributeError):
            return ""

    def finish(self, admission: Admission, spent: float, model_calls: int = 0) -> None:
        """Charge what the TU really used: refund the unspent part of its grant."""
        if not admission.token:
            return

        def charge(state: dict) -> None:
            s = self._session(state)
            grant = s["grants"].pop(admission.token, None)
            if grant is not None:
                s["spent"] += spent - grant     # refund (or charge an overrun)
                if s["spent"] < self.seconds - self.min_tu_seconds:
                    s["exhausted"] = False      # the refund makes room for another TU
            s["model_calls"] += int(model_calls)

        self._update(charge)

    def state(self) -> dict:
        """This build's session as stored (for reports and tests)."""
        data = self._read()
        return data.get("sessions", {}).get(self.build, {})

    # ------------------------------------------------------------------ state file
    def _session(self, state: dict) -> dict:
        now = time.time()
        sessions = state.setdefault("sessions", {})
        s = sessions.get(self.build)
        if s is None or now - s.get("last", 0) > self.idle_reset:
            s = {"started": now, "spent": 0.0, "model_calls": 0, "scores": {}, "grants": {},
                 "admitted": 0, "skipped": 0}
            sessions[self.build] = s
        s["last"] = now
        for old in sorted(sessions, key=lambda b: sessions[b].get("last", 0))[:-MAX_SESSIONS]:
            del sessions[old]
        return s

    def _read(self) -> dict:
        try:
            data = json.loads((self.root / STATE).read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _update(self, change):
        """Run ``change(state)`` under the session lock and write the state back; its
        result, or None if the state cannot be locked or written."""
        from .cache import _flock, atomic_write_bytes
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            log.info("session: no state (%s)", e)
            return None
        try:
            if not _flock(fd, 10.0):
                return None
            state = self._read()
            try:
                result = change(state)
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                log.info("session: state was damaged (%s); starting afresh", e)
                state = {}
                result = change(state)
            atomic_write_bytes(self.root / STATE, json.dumps(state).encode())
            return result
        except OSError as e:
            log.info("session: cannot update state: %s", e)
            return None
        finally:
            os.close(fd)
