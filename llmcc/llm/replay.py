"""Recorded exchanges: the replay backend's book, and the recorder that writes it.

A recording is JSONL, one exchange per line::

    {"request": {...normalized request...}, "response": {...normalized reply...}}

The normalized request holds exactly what the cache key hashes (model, messages, tools,
parameters, sample index, template version) and never any header, so never an API key.
A replayed request is answered by matching its key; when several lines share a key the
last one wins (a re-recorded exchange replaces the old one).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from llmcc.llm.cache import request_key

logger = logging.getLogger(__name__)


class ReplayBook:
    """Recorded exchanges looked up by request key."""

    def __init__(self, exchanges: dict[str, dict]) -> None:
        self._by_key = exchanges

    @classmethod
    def load(cls, path: Path) -> "ReplayBook":
        """Read a JSONL recording; raises OSError / ValueError naming the bad line."""
        exchanges: dict[str, dict] = {}
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    exchanges[request_key(record["request"])] = record["response"]
                except (ValueError, KeyError, TypeError) as e:
                    raise ValueError(f"{path}:{lineno}: not a recorded exchange ({e})") from None
        return cls(exchanges)

    def __len__(self) -> int:
        return len(self._by_key)

    def lookup(self, request: dict) -> dict | None:
        """The recorded reply for ``request``, or None."""
        return self._by_key.get(request_key(request))


class Recorder:
    """Appends exchanges to a JSONL file; one ``write`` per line so parallel builds don't interleave."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, request: dict, response: dict) -> None:
        """Record one exchange; a file that cannot be written is only logged."""
        line = json.dumps({"request": request, "response": response}, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                try:
                    os.write(fd, line.encode("utf-8"))
                finally:
                    os.close(fd)
        except OSError as e:
            logger.warning("llm recorder: cannot append to %s: %s", self.path, e)
