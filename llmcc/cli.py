"""Entry point. Decides in microseconds whether this is llmcc's own command or a compile.

llmcc's commands are bare words clang never takes as its first argument in a real build
(``llmcc stats``, ``llmcc cache stats``, ``llmcc config``, ``llmcc score``, ``llmcc report``,
``llmcc bench``). Everything else — including ``--version``, ``-v`` and ``--help`` —
belongs to clang. (To compile a file literally named ``stats``, write ``./stats``.)

Only the commands import click; the compile path starts in llmcc/driver/entry.py, which
imports nothing heavy.
"""
from __future__ import annotations

import os
import sys

COMMANDS = ("stats", "cache", "config", "score", "report", "bench", "tune", "verify")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    argv0 = sys.argv[0] if sys.argv else "llmcc"
    if args and args[0] in COMMANDS and os.path.basename(argv0) in ("llmcc", "llmc++", "__main__.py"):
        from .commands import cli
        return cli.main(args=args, prog_name="llmcc", standalone_mode=True) or 0
    from .driver.entry import run_compiler
    return run_compiler(argv0, args)


if __name__ == "__main__":
    sys.exit(main())
