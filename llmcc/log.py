"""llmcc's log: a file named by the ``log_file`` setting, never stdout/stderr (those
belong to clang). ``logging`` is imported only when a log file is configured, because
the pass-through path must start fast."""
from __future__ import annotations


class _LazyLog:
    def __init__(self) -> None:
        self._logger = None

    def to_file(self, path: str) -> None:
        import logging
        import os
        try:
            handler = logging.FileHandler(path)
        except OSError:
            return
        handler.setFormatter(logging.Formatter(f"%(asctime)s [{os.getpid()}] %(name)s %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        self._logger = logging.getLogger("llmcc")

    def info(self, msg: str, *args) -> None:
        if self._logger is not None:
            self._logger.info(msg, *args)

    def warning(self, msg: str, *args) -> None:
        if self._logger is not None:
            self._logger.warning(msg, *args)


log = _LazyLog()
