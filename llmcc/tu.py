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


@dataclass(frozen=True)
class CompileService:
    """THE way an optimizer runs a compiler component on a TU: frontend (C -> IR),
    middle end (IR -> IR through a pipeline, the -O one by default), backend (IR -> object
    or assembly) and assembler, with the TU's flags, -O level, directory and stage timeout
    filled in. Nothing else in llmcc calls ``llmcc.toolchain``'s components, so a flag or
    a timeout rule changes in one place.

    ``timeout`` is the stage timeout (``stage_timeout`` key); ``deadline`` (a
    ``time.monotonic()`` value) clamps it, per call or for the whole service."""

    toolchain: Toolchain
    flags: tuple[str, ...]       # codegen-relevant user flags (no source, -o, -c, -M*)
    opt_level: str
    cwd: Any = None              # directory the user compiled in (relative paths resolve here)
    timeout: float = 60.0
    deadline: float | None = None

    @property
    def pipeline(self) -> str:
        return o_level_pipeline(self.opt_level)

    def stage_timeout(self, deadline: float | None = None) -> float:
        import time
        deadline = self.deadline if deadline is None else deadline
        if deadline is None:
            return self.timeout
        return min(self.timeout, max(1.0, deadline - time.monotonic()))

    def frontend(self, source, out, *, flags=None, extra_flags=(), emit_text: bool = False,
                 deadline: float | None = None):
        """C -> unoptimized IR annotated for the user's -O level. ``flags`` replaces the
        TU's flags (e.g. a workdir copy's include path); ``extra_flags`` adds to them."""
        from .toolchain import frontend
        return frontend(self.toolchain, source, [*(self.flags if flags is None else flags), *extra_flags],
                        out, opt_level=self.opt_level, emit_text=emit_text, cwd=self.cwd,
                        timeout=self.stage_timeout(deadline))

    def middle_end(self, ir, out, *, pipeline: str | None = None, extra_args=(), emit_text: bool = False,
                   deadline: float | None = None):
        """IR -> IR through ``pipeline`` (default: the user's -O pipeline)."""
        from .toolchain import middle_end
        return middle_end(self.toolchain, ir, pipeline or self.pipeline, out, extra_args=extra_args,
                          emit_text=emit_text, flags=self.flags, timeout=self.stage_timeout(deadline))

    def backend(self, ir, out, *, emit: str = "obj", extra_flags=(), deadline: float | None = None):
        """IR -> object (``emit="obj"``) or assembly (``emit="asm"``), codegen only."""
        from .toolchain import backend
        return backend(self.toolchain, ir, [*self.flags, *extra_flags], out, emit=emit,
                       opt_level=self.opt_level, cwd=self.cwd, timeout=self.stage_timeout(deadline))

    def assemble(self, asm, out, *, deadline: float | None = None):
        """x86-64 assembly -> object (asm-level candidates)."""
        from .toolchain import assemble
        return assemble(self.toolchain, asm, list(self.flags), out, cwd=self.cwd,
                        timeout=self.stage_timeout(deadline))


def compile_service(toolchain: Toolchain, settings: Settings, flags, opt_level: str, cwd=None,
                    deadline: float | None = None) -> CompileService:
    """The service for a compile that has no ``TUContext`` (yet): the driver's scoring, a
    decisions replay, ``llmcc tune``, ``llmcc score``."""
    return CompileService(toolchain, tuple(flags), opt_level, cwd, float(settings["stage_timeout"]), deadline)


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
    def compiler(self) -> CompileService:
        """The compile service for this TU (its flags, -O level, directory, deadline)."""
        return compile_service(self.toolchain, self.settings, self.flags, self.opt_level,
                               self.cwd, self.deadline)

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
