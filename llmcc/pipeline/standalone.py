"""Build a ``TUContext`` for one C file outside the driver (benchmark and tests).

The driver makes the context after its own baseline compile; the benchmark and the tuning
tests need the same thing for a file on disk: the frontend IR, the -O3 baseline object
(frontend + ``default<O3>`` + backend, byte-identical to ``clang -O3 -c``), and the hot
functions from the hotspots module (features + -O3 remarks).
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..config import Settings
from ..outcome import Fallback
from ..toolchain import Toolchain, backend, frontend, middle_end
from ..tu import HotFunction, TUContext, o_level_pipeline

logger = logging.getLogger(__name__)


def context_for_source(tc: Toolchain, settings: Settings, source: Path, workdir: Path, *,
                       flags: list[str] | None = None, opt_level: str = "-O3") -> TUContext | Fallback:
    """A ready context for ``source``: baseline object, unoptimized IR, hot functions."""
    flags = list(flags or [])
    source = Path(source).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    timeout = settings["stage_timeout"]
    ir = workdir / "input.bc"
    steps = [
        lambda: frontend(tc, source, flags, ir, opt_level=opt_level, cwd=source.parent, timeout=timeout),
        lambda: middle_end(tc, ir, o_level_pipeline(opt_level), workdir / "baseline.bc",
                           flags=flags, timeout=timeout),
        lambda: backend(tc, workdir / "baseline.bc", flags, workdir / "baseline.o", opt_level=opt_level,
                        cwd=source.parent, timeout=timeout),
    ]
    for step in steps:
        result = step()
        if isinstance(result, Fallback):
            return result
    hot = hot_functions(tc, settings, ir, workdir, flags, opt_level)
    return TUContext(source=str(source), cwd=source.parent, flags=flags, opt_level=opt_level,
                     toolchain=tc, settings=settings, workdir=workdir,
                     baseline_object=workdir / "baseline.o", unoptimized_ir=ir,
                     optimized_ir=workdir / "baseline.bc", hot_functions=hot,
                     has_main=_defines_main(workdir / "baseline.bc", tc))


def hot_functions(tc: Toolchain, settings: Settings, ir: Path, workdir: Path, flags: list[str],
                  opt_level: str) -> list[HotFunction]:
    """Ranked hot functions with evidence; [] if the hotspots module cannot score."""
    try:
        from ..hotspots import features, remarks, score
        feats = features.extract_features(tc, workdir / "baseline.bc")
        yaml_path = remarks.collect_remarks(tc, ir, flags, workdir / "remarks.yaml", opt_level=opt_level,
                                            timeout=settings["stage_timeout"])
        summary = None if isinstance(yaml_path, Fallback) else remarks.summarize_remarks(yaml_path)
        if isinstance(feats, Fallback):
            return []
        return score.score_functions(feats, summary, top_k=settings["hotspots.top_k"],
                                     threshold=settings["hotspots.threshold"])
    except Exception:  # scoring is evidence, not a requirement: tune without it
        logger.exception("hot-function scoring failed")
        return []


def _defines_main(bitcode: Path, tc: Toolchain) -> bool:
    import subprocess
    proc = subprocess.run([str(tc.tool("llvm-nm")), "--defined-only", str(bitcode)],
                          capture_output=True, text=True)
    return any(line.split()[-1] == "main" for line in proc.stdout.splitlines() if line.split())
