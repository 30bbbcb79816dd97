"""What every optimizer stage knows about the translation unit being compiled.

The driver builds one ``TUContext`` after the baseline compile and hands it to the
optimizers (pipeline tuner, guiding agent). Everything here is plain data; the heavy
lifting lives in the modules that use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .toolchain import Toolchain


def o_level_pipeline(opt_level: str) -> str:
    """THE map from the user's -O level to the new-pass-manager pipeline clang runs for
    it (``-O3`` -> ``default<O3>``; ``-O`` is -O1, -Ofast is -O3, -Og ~ -O1, -Os/-Oz keep
    their letter). Every caller of the middle-end asks here."""
    level = opt_level.lstrip("-").upper().removeprefix("O")
    level = {"": "1", "FAST": "3", "G": "1"}.get(level, level)
    if level in ("S", "Z"):
        level = level.lower()
    if level not in ("0", "1", "2", "3", "s", "z"):
        level = "3" if level.isdigit() else "2"    # -O4 and up are -O3 to clang
    return f"default<O{level}>"


def stage_timeout(settings: Settings, deadline: float | None) -> float:
    """THE clamp of one compile stage's timeout: ``stage_timeout``, cut to what is left
    before ``deadline`` (at least 1 s: a stage that cannot start is a timeout anyway)."""
    import time
    limit = float(settings["stage_timeout"])
    if deadline is not None:
        limit = min(limit, max(1.0, deadline - time.monotonic()))
    return limit


@dataclass
class HotFunction:
    name: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class TUContext:
    source: str                  # the source path exactly as the user wrote it
    cwd: Path                    # the user's working directory (compile from here)
    flags: list[str]             # codegen-relevant user flags (no source, -o, -c, -M*)
    opt_level: str               # "-O2", "-O3", "-Os"... as the user asked
    toolchain: Toolchain
    settings: Settings
    workdir: Path                # private temp dir for this TU (deleted afterwards)
    baseline_object: Path        # what clang would have emitted: the fallback and the reference
    unoptimized_ir: Path | None = None   # frontend output (bitcode), made on demand
    optimized_ir: Path | None = None     # baseline pipeline output (bitcode), made on demand
    hot_functions: list[HotFunction] = field(default_factory=list)
    has_main: bool = False
    deadline: float | None = None        # time.monotonic() by which optimizing must end
    # The TU report: optimizers append their rounds / traces / verdicts under their own key.
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def pipeline(self) -> str:
        """The -O pipeline the user's flags ask for (``o_level_pipeline``)."""
        return o_level_pipeline(self.opt_level)

    def stage_timeout(self, deadline: float | None = None) -> float:
        """Timeout of one compile stage: before ``deadline`` (default: the TU's)."""
        return stage_timeout(self.settings, deadline if deadline is not None else self.deadline)

    @property
    def source_path(self) -> Path:
        p = Path(self.source)
        return p if p.is_absolute() else self.cwd / p


@dataclass
class Candidate:
    """An optimizer's best validated result for the TU."""

    object_path: Path
    origin: str                  # "pipeline", "source", "ir", "asm", or a mix "source+pipeline"
    speedup: float               # baseline_time / candidate_time, measured
    verdicts: list[dict] = field(default_factory=list)  # Verdict.to_json() of every check passed
    detail: dict[str, Any] = field(default_factory=dict)
