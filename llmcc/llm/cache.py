"""Response cache: identical requests are answered from disk, so a rebuild costs nothing.

The key is a hash of the normalized request (model, messages, tools, parameters, sample
index, prompt-template version); see ``request_key``. Entries are small JSON files under
``<dir>/<2 hex>/<key>.json``, written to a temp file and renamed so a killed build never
leaves a torn entry. Only the normalized reply is stored: no headers, so no API key.

An entry whose reply crashed a check (``mark_bad``) keeps its file with a ``bad`` reason
and is never served again: a rebuild asks the endpoint anew instead of replaying the crash.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when the stored reply shape changes: old entries then miss


def canonical_json(value: Any) -> str:
    """Stable JSON text (sorted keys, no spaces) for hashing and comparing requests."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(request: dict) -> str:
    """Hex digest identifying a normalized request (see ``LLMClient`` for its fields)."""
    text = f"llmcc-llm-v{CACHE_FORMAT}\n" + canonical_json(request)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """JSON files keyed by ``request_key``; safe for concurrent processes (atomic renames)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The stored reply for ``key``, or None (missing or unreadable entries miss)."""
        try:
            with open(self._path(key), encoding="utf-8") as f:
                entry = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            logger.warning("llm cache: unreadable entry %s: %s", key, e)
            return None
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT or entry.get("bad"):
            return None
        reply = entry.get("reply")
        return reply if isinstance(reply, dict) else None

    def put(self, key: str, reply: dict, *, meta: dict | None = None) -> None:
        """Store ``reply`` under ``key``; a cache that cannot be written is only logged."""
        self._write(key, {"format": CACHE_FORMAT, "reply": reply, "meta": meta or {}})

    def mark_bad(self, key: str, reason: str) -> None:
        """Never serve ``key``'s reply again (it crashed a check); the entry stays for forensics."""
        try:
            with open(self._path(key), encoding="utf-8") as f:
                entry = json.load(f)
        except (OSError, ValueError):
            return
        if isinstance(entry, dict):
            entry["bad"] = reason[:500] or "crashed a check"
            self._write(key, entry)
            logger.warning("llm cache: entry %s marked bad: %s", key[:12], reason[:200])

    def is_bad(self, key: str) -> bool:
        """Whether ``key``'s entry was marked bad."""
        try:
            with open(self._path(key), encoding="utf-8") as f:
                entry = json.load(f)
        except (OSError, ValueError):
            return False
        return isinstance(entry, dict) and bool(entry.get("bad"))

    def _write(self, key: str, entry: dict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(entry, f, ensure_ascii=False)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as e:
            logger.warning("llm cache: cannot write %s: %s", path, e)
