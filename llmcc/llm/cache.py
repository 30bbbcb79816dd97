"""Response cache: identical requests are answered from disk, so a rebuild costs nothing.

The key is a hash of the normalized request (model, messages, tools, parameters, sample
index, prompt-template version); see ``request_key``. Entries are small JSON files under
``<dir>/<2 hex>/<key>.json``, written to a temp file and renamed so a killed build never
leaves a torn entry. Only the normalized reply is stored: no headers, so no API key.
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
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
            return None
        reply = entry.get("reply")
        return reply if isinstance(reply, dict) else None

    def put(self, key: str, reply: dict, *, meta: dict | None = None) -> None:
        """Store ``reply`` under ``key``; a cache that cannot be written is only logged."""
        path = self._path(key)
        entry = {"format": CACHE_FORMAT, "reply": reply, "meta": meta or {}}
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
