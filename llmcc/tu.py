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
