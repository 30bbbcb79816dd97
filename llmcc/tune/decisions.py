"""The decisions file: its format, matching a compile to a decision, compiling by it.

Format (JSON, written by ``llmcc tune``, read by every build)::

    {"format": "llmcc-decisions", "version": 1,
     "root": ".",                       # the project root, relative to this file
     "tus": [{"source": "src/kernel.c", "source_hash": "<sha256>",
              "flags": ["-Wall", "-O2"],  # codegen flags + -O level; {root} for the root
              "headers": [["src/kernel.h", "<sha256>"]],
              "output": "src/kernel.o",   # informational
              "transform": {"profile": {"file": "llmcc-profile-<sha12>.profdata",
                                        "sha256": "<sha256>"} | null,
                            "pipeline": {"passes": "<opt -passes text>", "knobs": {...},
                                         "edits": [...]} | null,
                            "rewrite": {"level": "source", "function": "kernel",
                                        "program": "<whole rewritten C text>", "sha256": "...",
                                        "object_digest": "...", "diff": "...",
                                        "verdicts": [...]}},    # optional (tune/rewrite.py)
              "evidence": {...}}],       # check result, measured speedup and interval
     "session": {...}}                   # what the tune session tried (for the report)

A transform with neither profile nor pipeline means "compile with clang exactly as the
user's command says": the tuned program was validated with those objects, so later
builds do not re-decide them in the build.

A rewrite decision is re-validated cheaply on every build: the rewrite is lowered as the
level agent lowered it and its object must be byte-identical to the one its checks
validated, debug sections aside (``object_digest``); otherwise clang's object is kept and the decision is
counted as ``decision_invalid`` (as is a pipeline decision whose stages fail:
``decision_failed``).

A compile matches a decision when source path, source hash and flags are equal and every
recorded header still has its hash. Same source path and flags but other hashes: the
decision is stale and ignored (the compile goes on as if there were no file).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .record import headers_match, normalized_flags, relative_to_root, sha256_file
from ..tmpsweep import temp_dir

FORMAT = "llmcc-decisions"
VERSION = 1
DEFAULT_NAME = "llmcc-decisions.json"
PROFILE_WARNINGS_OFF = ("-Wno-profile-instr-unprofiled", "-Wno-profile-instr-out-of-date",
                        "-Wno-profile-instr-missing")


class DecisionsError(Exception):
    """The decisions file cannot be read or has the wrong format."""


def find_decisions_file(configured: str, cwd: Path) -> Path | None:
    """The configured file (``decisions`` key / LLMCC_DECISIONS), else the first
    ``llmcc-decisions.json`` upward from the compile's directory."""
    if configured:
        return Path(configured) if os.path.isabs(configured) else cwd / configured
    for d in (cwd, *cwd.parents):
        if (d / DEFAULT_NAME).is_file():
            return d / DEFAULT_NAME
    return None


def load_decisions(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise DecisionsError(f"{path}: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise DecisionsError(f"{path}: not an {FORMAT} v{VERSION} file")
    if not isinstance(data.get("tus"), list):
        raise DecisionsError(f"{path}: no 'tus' list")
    return data


def decisions_root(path: Path, data: dict) -> Path:
    return Path(os.path.normpath(Path(path).resolve().parent / data.get("root", ".")))


class Match:
    """The result of looking a compile up: a decision, a stale one (with why), or none."""

    def __init__(self, decision: dict | None = None, stale: str = ""):
        self.decision = decision
        self.stale = stale


def match_compile(data: dict, root: Path, inv, cwd: Path) -> Match:
    """The decision for this compile, if its source, flags and headers still match."""
    source = relative_to_root(inv.source, cwd, root)
    if source is None:
        return Match()
    flags = normalized_flags(inv, root)
    same_place = [d for d in data["tus"] if d.get("source") == source and d.get("flags") == flags]
    if not same_place:
        return Match()
    digest = sha256_file(cwd / inv.source)
    for d in same_place:
        if d.get("source_hash") != digest:
            continue
        changed = headers_match(d.get("headers") or [], root)
        if changed is not None:
            return Match(stale=f"{source}: header {changed} changed since the decision")
        return Match(d)
    return Match(stale=f"{source}: source changed since the decision")


def profile_flags(decision: dict, decisions_file: Path) -> list[str] | str:
    """-fprofile-instr-use flags for the decision's profile ([] if none), or why not."""
    prof = (decision.get("transform") or {}).get("profile")
    if not prof:
        return []
    path = Path(decisions_file).resolve().parent / prof["file"]
    if sha256_file(path) != prof.get("sha256"):
        return f"profile data {prof['file']} missing or changed"
    return [f"-fprofile-instr-use={path}", *PROFILE_WARNINGS_OFF]


def compile_by_decision(tc, settings, inv, cwd: Path, decision: dict, decisions_file: Path) -> int:
    """Compile one TU as the decision says. Profile only: clang itself with the profile
    (exec). Pipeline: the user's command first (diagnostics, .d file, and the object to
    keep if a stage fails), then frontend -> opt with the recorded pipeline and knobs ->
    backend, replacing the object. Deterministic; no model is called."""
    if (decision.get("transform") or {}).get("rewrite"):
        return _compile_rewrite(tc, settings, inv, cwd, decision)
    extra = profile_flags(decision, decisions_file)
    if isinstance(extra, str):
        return _stale(settings, f"{inv.source}: {extra}")
    pipeline = (decision.get("transform") or {}).get("pipeline")
    _bump(settings, "decision_applied")
    _note_applied(inv, decision)
    if not pipeline:
        return _exec(str(tc.clang), [*inv.args, *extra])
    import subprocess
    proc = subprocess.run([str(tc.clang), *inv.args, *extra], cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True)
    if proc.returncode == 0:
        problem = _pipeline_object(tc, settings, inv, cwd, pipeline, extra)
        if problem:
            from ..log import log
            log.info("decision for %s not applied, clang's object kept: %s", inv.source, problem)
            _bump(settings, "decision_failed")
    return _emit(proc.stdout, proc.stderr, proc.returncode)


def _compile_rewrite(tc, settings, inv, cwd: Path, decision: dict) -> int:
    """A rewritten function: the user's command first (diagnostics, .d file, and the object
    to keep), then the recorded rewrite lowered and re-validated (``rewrite.rewrite_object``:
    byte-identical to the object the checks validated). A rewrite that fails that is not
    applied: clang's object stays, counted as ``decision_invalid``."""
    import subprocess
    proc = subprocess.run([str(tc.clang), *inv.args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True)
    if proc.returncode == 0:
        from ..cache import atomic_copy
        from .rewrite import rewrite_object
        with temp_dir("decision") as tmp:
            try:
                obj = rewrite_object(tc, settings, inv, cwd, decision["transform"]["rewrite"], Path(tmp))
            except Exception as e:  # noqa: BLE001 - a broken decision never breaks the build
                obj = f"internal error: {type(e).__name__}: {e}"
            if not isinstance(obj, str):
                try:
                    atomic_copy(obj, cwd / inv.output)
                except OSError as e:
                    obj = f"cannot write {inv.output}: {e}"
        if isinstance(obj, str):
            _invalid(settings, f"{inv.source}: {obj}")
        else:
            _bump(settings, "decision_applied")
            _note_applied(inv, decision)
    return _emit(proc.stdout, proc.stderr, proc.returncode)


def _invalid(settings, why: str) -> None:
    """A decision that matches but fails re-validation: clang's object, logged and counted."""
    from ..log import log
    log.info("decision not applied (re-validation failed), clang's object kept: %s", why)
    _bump(settings, "decision_invalid")
    applied = os.environ.get("LLMCC_TUNE_APPLIED")
    if applied:
        _append(applied, {"invalid": why})


def _pipeline_object(tc, settings, inv, cwd: Path, pipeline: dict, extra: list[str]) -> str:
    """Build the object with the recorded pipeline; '' on success, else what failed."""
    from ..cache import atomic_copy
    from ..outcome import Fallback
    from ..pipeline.model import knob_args
    from ..tu import compile_service
    compiler = compile_service(tc, settings, inv.codegen_flags, inv.opt_level, cwd)
    with temp_dir("decision") as tmp:
        work = Path(tmp)
        steps = (
            lambda: compiler.frontend(inv.source, work / "tu.bc", extra_flags=extra),
            lambda: compiler.middle_end(work / "tu.bc", work / "opt.bc", pipeline=pipeline["passes"],
                                        extra_args=knob_args(pipeline.get("knobs") or {})),
            lambda: compiler.backend(work / "opt.bc", work / "out.o"),
        )
        for step in steps:
            result = step()
            if isinstance(result, Fallback):
                return str(result)
        try:
            atomic_copy(work / "out.o", cwd / inv.output)
        except OSError as e:
            return f"cannot write {inv.output}: {e}"
    return ""


def _exec(compiler: str, args: list[str]) -> int:
    """Become clang: its output, status and signals are the user's."""
    import sys
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(compiler, [compiler, *args])
    return 1  # not reached


def _emit(stdout: bytes, stderr: bytes, returncode: int) -> int:
    import sys
    sys.stdout.buffer.write(stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(stderr)
    sys.stderr.flush()
    return 128 - returncode if returncode < 0 else returncode


def _stale(settings, why: str) -> None:
    """A decision that no longer matches: log and count it; the compile goes on normally."""
    from ..log import log
    log.info("decision ignored: %s", why)
    _bump(settings, "decision_stale")
    applied = os.environ.get("LLMCC_TUNE_APPLIED")
    if applied:
        _append(applied, {"stale": why})
    return None


def _bump(settings, counter: str) -> None:
    try:
        from ..cache import Cache
        Cache(settings.cache_dir(), settings["cache_max_size"]).bump(counter)
    except OSError:
        pass


def _note_applied(inv, decision: dict) -> None:
    """For the tune session: which TUs this build compiled by a decision."""
    applied = os.environ.get("LLMCC_TUNE_APPLIED")
    if applied:
        _append(applied, {"applied": decision.get("source"), "transform": decision.get("transform")})


def _append(path: str, entry: dict) -> None:
    import fcntl
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (json.dumps(entry, sort_keys=True) + "\n").encode())
    finally:
        os.close(fd)


def write_decisions(path: Path, root: Path, tus: list[dict], session: dict) -> None:
    """Write the file atomically; ``root`` is stored relative to the file's directory."""
    from ..cache import atomic_write_bytes
    path = Path(path).resolve()
    data = {"format": FORMAT, "version": VERSION,
            "root": os.path.relpath(root.resolve(), path.parent), "tus": tus, "session": session}
    atomic_write_bytes(path, json.dumps(data, indent=2, sort_keys=True, default=str).encode() + b"\n")
