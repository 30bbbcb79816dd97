"""A ``TUContext`` for one C file outside a build (benchmarks and tests), made by the
driver's own path.

The benchmark and the tuning tests need what the driver has after its baseline compile:
the baseline object (the user's command run by the real clang, byte-identical to
``clang -O3 -c``), the frontend IR, and the hot functions (features + -O3 remarks). So
this module classifies a command line, runs ``compile_baseline``, ``score_tu``,
``make_context`` and ``rescore_with_remarks`` exactly as ``driver.optimize`` does --
a bench or a test exercises the code a build runs, not a copy of it.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from ..config import Settings
from ..outcome import Fallback
from ..toolchain import Toolchain
from ..tu import TUContext

logger = logging.getLogger(__name__)


def context_for_source(tc: Toolchain, settings: Settings, source: Path, workdir: Path, *,
                       flags: list[str] | None = None, opt_level: str = "-O3") -> TUContext | Fallback:
    """A ready context for ``source``: baseline object, unoptimized IR, hot functions."""
    from ..driver.args import classify_invocation
    from ..driver.compile import compile_baseline
    from ..driver.optimize import make_context, rescore_with_remarks, score_tu
    source = Path(source).resolve()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    cwd = source.parent
    argv = [opt_level, *(flags or []), "-c", source.name, "-o", str(workdir / "baseline.o")]
    inv = classify_invocation(argv, cwd=cwd, min_opt_level=1)
    if not inv.candidate:
        return Fallback("not-a-candidate", inv.why_not)
    base = compile_baseline(tc, settings, inv, cwd, workdir)
    if base.returncode != 0:
        return Fallback("baseline-failed", base.stderr.decode(errors="replace")[-2000:])
    report: dict = {}
    scored = score_tu(tc, settings, inv, cwd, workdir, base.features, report)
    if isinstance(scored, Fallback):
        return scored
    features, profile, hot = scored
    deadline = time.monotonic() + float(settings["tu_deadline"])
    ctx = make_context(tc, settings, inv, cwd, workdir, hot, deadline)
    if isinstance(ctx, Fallback):
        return ctx
    ctx.deadline = None     # a bench or test sets its own deadline per call
    ctx.hot_functions = rescore_with_remarks(ctx, features, profile, report)
    return ctx
