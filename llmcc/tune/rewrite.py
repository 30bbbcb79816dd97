"""LLM rewrites of a hot function for ``llmcc tune``, and replaying them from a decisions file.

Proposing (``propose_source_rewrite``) is the in-build level agent's own path, not a
weaker copy of it: a ``TUContext`` for the TU as clang compiled it in the session's
*plain* tree (the original TU is the reference, always), the test plan of the testing
agent (``agents.testing.make_test_plan``: the model's generator adds to the built-in
tests), and ``agents.level.run_level_agent`` at the source level (or the IR level, on
the TU's IR after the user's -O pipeline, as the guiding agent starts it), which extracts,
splices, lowers, checks formally against the original IR, runs the differential tests,
UBSan and the fuzz budget, and applies the one evidence rule. Only a sample that passed
all of that comes back; tune then judges it on the user's workload (check command, the
run's output, timing) like any other candidate.

The decision stores the whole rewritten TU text (as the user would write it), its
sha256, the digest of the object the level agent validated (``object_digest``: sha256
without debug sections), a unified diff against the
original source and the checks' verdicts::

    "rewrite": {"level": "source" | "ir" | "asm", "function": "kernel", "program": "<C or IR text>",
                "sha256": "...", "object_digest": "...", "diff": "--- a/k.c ...",
                "verdicts": [...], "samples": 2}

Replaying (``rewrite_object``) lowers the text exactly as the level agent did
(``SourceLevel.lower``: frontend, the user's -O pipeline, backend; ``IRLevel.lower``: the
backend; ``AsmLevel.lower``: the assembler; always with the user's flags)
and re-validates cheaply: the object must be byte-identical to the validated one (debug
sections aside: they name the directory it was compiled in). Any
other object (another clang, other flags that still match, an edited file) is refused,
so no build ever links a rewrite that was not checked as it is.
"""
from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .record import ROOT_TOKEN, sha256_file

LEVELS = ("source", "ir", "asm")


@dataclass
class RewriteProposal:
    """A validated rewrite of one function, as the decision's ``rewrite`` entry."""

    function: str
    rewrite: dict
    samples: list[dict]

    @property
    def transform(self) -> dict:
        # A rewrite is replayed as validated: no profile or pipeline on top of it.
        return {"profile": None, "pipeline": None, "rewrite": self.rewrite}


def tu_context(root: Path, record: dict, workdir: Path, settings, deadline: float | None):
    """The optimizers' view of a recorded TU in the tree at ``root`` (its object there is
    the reference: clang's own for the plain tree)."""
    from ..driver.optimize import defines_main
    from ..toolchain import find_toolchain
    from ..tu import TUContext
    flags = [f.replace(ROOT_TOKEN, str(root)) for f in record["flags"]]
    cwd = root / (record.get("cwd") or ".")
    source = os.path.relpath(root / record["source"], cwd)
    baseline = root / record["output"]
    workdir.mkdir(parents=True, exist_ok=True)
    return TUContext(source=source, cwd=cwd, flags=flags[:-1], opt_level=flags[-1], toolchain=find_toolchain(),
                     settings=settings, workdir=workdir, baseline_object=baseline,
                     has_main=defines_main(baseline), deadline=deadline)


def propose_rewrite(root: Path, record: dict, function: str, client: Any, workdir: Path,
                    deadline: float | None, settings=None, level: str = "source") -> RewriteProposal | str:
    """Run the level agent at ``level`` ("source", "ir" or "asm") on ``function`` of the recorded
    TU in the plain tree at ``root``; the best sample that passed every check, or why
    there is none."""
    from ..agents.level import LevelJob, run_level_agent
    from ..agents.levels import LEVEL_BY_NAME
    from ..agents.testing import make_test_plan
    from ..config import load_settings
    from ..outcome import Fallback
    if level not in LEVELS:
        raise ValueError(f"tune rewrites at {LEVELS}, not {level!r}")
    settings = settings or load_settings()
    ctx = tu_context(root, record, workdir, settings, deadline)
    start = ctx.source_path if level == "source" else _optimized_ir(ctx, workdir / "tu.ll")
    if level == "asm" and not isinstance(start, str):
        start = _assembly(ctx, start, workdir / "tu.s")
    if isinstance(start, str):
        return start
    plan = make_test_plan(ctx, function, client)
    if isinstance(plan, Fallback):
        return f"no tests for {function}: {plan}"
    job = LevelJob(ctx, LEVEL_BY_NAME[level], start, function, plan, workdir / f"agent-{level}-{_safe(function)}",
                   int(settings["agents.samples"]), int(settings["agents.rounds"]), deadline)
    result = run_level_agent(job, client)
    samples = [s.to_json() for s in result.samples]
    if result.best is None:
        failures = "; ".join(f"{s['stage']}: {s['detail'][:120]}" for s in samples if s["status"] != "correct")
        stopped = f" ({result.stopped})" if result.stopped else ""
        return f"no sample passed the level agent's checks{stopped}: {failures or 'no samples'}"
    best = result.best
    original, program = _program_text(ctx, level, start), _program_text(ctx, level, best.program_path)
    name = record["source"] if level == "source" else f"{record['source']}.{'ll' if level == 'ir' else 's'}"
    rewrite = {"level": level, "function": function, "program": program,
               "sha256": hashlib.sha256(program.encode()).hexdigest(),
               "object_digest": object_digest(ctx.toolchain, best.object_path),
               "diff": source_diff(original, program, name),
               "verdicts": best.verdicts, "harness_speedup": best.speedup,
               "samples": len(samples)}
    return RewriteProposal(function, rewrite, samples)


def _optimized_ir(ctx, out: Path) -> Path | str:
    """The TU's IR after the user's -O pipeline: the IR agent's starting program (the
    guiding agent starts it the same way)."""
    from ..agents.levels import source_flags
    from ..outcome import Fallback
    compiler = ctx.compiler
    unopt = compiler.frontend(ctx.source, out.with_suffix(".O0.ll"), flags=source_flags(ctx), emit_text=True)
    if isinstance(unopt, Fallback):
        return f"frontend failed: {unopt}"
    opt = compiler.middle_end(unopt.output, out, emit_text=True)
    return f"opt failed: {opt}" if isinstance(opt, Fallback) else out


def _assembly(ctx, ir: Path, out: Path) -> Path | str:
    """The TU's assembly from its optimized IR: the asm agent's starting program (as the
    guiding agent's backend tool makes it)."""
    from ..outcome import Fallback
    asm = ctx.compiler.backend(ir, out, emit="asm")
    return f"backend failed: {asm}" if isinstance(asm, Fallback) else out


def _program_text(ctx, level: str, path: Path) -> str:
    """A program as stored in the decision: C as the user would write it, IR and asm as is."""
    from ..agents.levels import read_source_program
    return read_source_program(ctx, path) if level == "source" else path.read_text(errors="replace")


def source_diff(before: str, after: str, name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}"))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def rewrite_object(tc, settings, inv, cwd: Path, rewrite: dict, workdir: Path) -> Path | str:
    """Lower a recorded rewrite for this compile and re-validate it: the path of an object
    byte-identical to the one the checks validated, or why it cannot be used."""
    from ..agents.levels import LEVEL_BY_NAME, program_file, write_source_program
    from ..outcome import Fallback
    from ..tu import TUContext
    level = rewrite.get("level")
    if level not in LEVELS:
        return f"rewrite level {level!r} is not replayable"
    program = rewrite.get("program")
    if not isinstance(program, str) or hashlib.sha256(program.encode()).hexdigest() != rewrite.get("sha256"):
        return "the rewritten program does not match its recorded hash"
    ctx = TUContext(source=inv.source, cwd=cwd, flags=inv.codegen_flags, opt_level=inv.opt_level, toolchain=tc,
                    settings=settings, workdir=workdir, baseline_object=cwd / inv.output)
    path = program_file(ctx, level, workdir / "rewrite")
    if level == "source":
        write_source_program(ctx, program, path)
    else:
        path.write_text(program)
    lowered = LEVEL_BY_NAME[level].lower(ctx, path, path.parent)
    if isinstance(lowered, Fallback):
        return f"the rewrite does not compile here: {lowered}"
    digest = object_digest(tc, lowered.object_path)
    if digest is None or digest != rewrite.get("object_digest"):
        return "the rewrite's object differs from the validated one (toolchain or flags changed?)"
    return lowered.object_path


def object_digest(tc, obj: Path) -> str | None:
    """sha256 of the object without its debug sections. Debug info holds the directory it
    was compiled in (the session's plain tree, the user's tree): it describes the code
    but does not change what runs, and everything else must be byte-identical."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory(prefix="llmcc-digest-") as tmp:
        out = Path(tmp) / "nodebug.o"
        proc = subprocess.run([str(tc.tool("llvm-objcopy")), "--strip-debug", str(obj), str(out)],
                              capture_output=True, timeout=60)
        return sha256_file(out) if proc.returncode == 0 else None
