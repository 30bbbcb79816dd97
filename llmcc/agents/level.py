"""The ACCLAIM level agent: one generic loop, instantiated per level (``levels.py``).

For one hot function it takes ``n`` samples per round for ``k`` rounds. Every sample is
extracted, spliced into the whole program, lowered to an object with the user's flags,
validated against the *original* TU (formal check of the IR of IR and C candidates
against the baseline's IR; object, ISA, differential tests, UBSan and the fuzz budget
through the evaluator for every level; the evidence rule of ``llmcc.verify.evidence``) and
measured against the baseline. The fastest correct sample becomes the next
round's input; when a round has no correct sample, aggregated feedback (compile errors,
counterexamples, a few failing inputs, never the whole test set) goes into the next
prompt. The result is the best correct program at this level (or None) plus one record
per sample, for the "% correct generations / % correct samples" metrics.
"""
from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..outcome import Fallback
from ..tu import TUContext
from .extract import no_improvement_statement
from .levels import (LEVEL_BY_NAME, Level, SpliceError, c_function_of, formal_verdict, program_file,
                     read_source_program, volatile_accesses, write_source_program)

log = logging.getLogger(__name__)

# Feedback is trimmed so a long compiler log or counterexample cannot crowd out the code.
FEEDBACK_ITEM_CHARS = 800
FEEDBACK_ITEMS = 4


@dataclass
class SampleRecord:
    """What happened to one sample. ``status``: invalid (no code / does not splice /
    does not compile), incorrect (a check refuted it), correct (validated; maybe slower),
    no_improvement (the model answered that it cannot make the function faster: an
    answer, not an error; ``detail`` holds its words)."""

    round: int
    index: int
    status: str
    stage: str = ""              # where an invalid/incorrect sample failed
    detail: str = ""
    speedup: float | None = None
    accepted: bool = False       # correct and faster than the baseline by the margin
    verdicts: list[dict] = field(default_factory=list)
    cached: bool = False
    static: dict | None = None   # llvm-mca cycles, IR instructions, .text bytes vs the baseline

    def to_json(self) -> dict:
        return {"round": self.round, "index": self.index, "status": self.status, "stage": self.stage,
                "detail": self.detail[:300], "speedup": self.speedup, "accepted": self.accepted,
                "verdicts": self.verdicts, "cached": self.cached, "static": self.static}


@dataclass
class LevelCandidate:
    """A validated program at this level and its object."""

    program_path: Path
    object_path: Path
    speedup: float | None
    accepted: bool
    verdicts: list[dict]
    ir_path: Path | None = None


@dataclass
class LevelResult:
    level: str
    function: str
    best: LevelCandidate | None
    samples: list[SampleRecord]
    rounds_run: int
    stopped: str = ""            # why the loop ended early ("deadline", "no_improvement", ...)

    @property
    def correct_rounds(self) -> int:
        return len({s.round for s in self.samples if s.status == "correct"})

    @property
    def no_improvement(self) -> bool:
        """True when the model's answer was "no improvement possible" (the loop stopped)."""
        return self.stopped == "no_improvement"

    def to_json(self) -> dict:
        best = self.best
        return {"level": self.level, "function": self.function, "rounds_run": self.rounds_run,
                "correct_rounds": self.correct_rounds, "stopped": self.stopped,
                "no_improvement": self.no_improvement,
                "samples": [s.to_json() for s in self.samples],
                "best": None if best is None else {
                    "program": str(best.program_path), "object": str(best.object_path),
                    "speedup": best.speedup, "accepted": best.accepted}}


@dataclass
class LevelJob:
    """Everything one level-agent call needs besides the model."""

    ctx: TUContext
    level: Level
    program_path: Path           # the whole program at this level (the round-0 input)
    function: str
    plan: Any                    # llmcc.verify.evaluate.TestPlan
    out_dir: Path                # where samples are written
    samples: int
    rounds: int
    deadline: float | None = None   # absolute time.monotonic()
    attempt: int = 0             # how many identical calls came before (see _prompt)
    instruction: str = ""        # the guide's instruction for this call (shown to the model)
    source_program: Path | None = None   # the current state's C (shown to IR/asm agents)


def run_level_agent(job: LevelJob, client: Any) -> LevelResult:
    """Run ``rounds`` x ``samples`` rewrites of ``job.function`` at ``job.level``.

    Never raises for model or compiler trouble: a dead endpoint ends the loop with the
    records so far (``stopped`` says why)."""
    from ..llm.client import LLMError
    job.out_dir.mkdir(parents=True, exist_ok=True)
    current = _read_program(job, job.program_path)
    result = LevelResult(job.level.name, job.function, None, [], 0)
    if job.level.function_text(current, job.function) is None:
        # An empty code block only invites a made-up function: refuse before any model call.
        result.stopped = (f"refused: no definition of '{job.function}' found at the "
                          f"{job.level.name} level (e.g. macro-generated); no model call")
        return result
    feedback: list[str] = []
    for round_no in range(job.rounds):
        if _expired(job.deadline):
            result.stopped = "deadline"
            break
        try:
            round_records, round_best = _run_round(job, client, current, feedback, round_no)
        except LLMError as e:
            log.info("%s agent on %s: model unavailable: %s", job.level.name, job.function, e)
            result.stopped = f"llm: {type(e).__name__}"
            break
        result.rounds_run += 1
        result.samples.extend(round_records)
        if round_best is None:
            if round_records and all(r.status == "no_improvement" for r in round_records):
                # The model's considered answer: asking again only buys the same answer.
                result.stopped = "no_improvement"
                break
            feedback = aggregate_feedback(round_records)
            continue
        # The fastest correct sample is the next round's input.
        if _faster(round_best, result.best):
            result.best = round_best
        current = _read_program(job, round_best.program_path)
        feedback = []
    return result


def _run_round(job: LevelJob, client: Any, current: str, feedback: list[str],
               round_no: int) -> tuple[list[SampleRecord], LevelCandidate | None]:
    """Sample ``job.samples`` rewrites of ``current`` and try each; raises ``LLMError``."""
    messages, version = _prompt(job, current, feedback)
    replies = client.chat(messages, n=max(1, job.samples), purpose=f"{job.level.name}-agent",
                          template_version=version)
    # Lowered only if a sample gets as far as the volatile guard.
    reference_ir = functools.cache(lambda: _reference_ir(job, current, round_no))
    records: list[SampleRecord] = []
    best: LevelCandidate | None = None
    for index, reply in enumerate(replies):
        if _expired(job.deadline):
            break
        record, candidate = _try_sample(job, current, reply, round_no, index, reference_ir)
        records.append(record)
        if candidate is not None and _faster(candidate, best):
            best = candidate
    return records, best


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _faster(a: LevelCandidate, b: LevelCandidate | None) -> bool:
    if b is None:
        return True
    return (a.speedup or 0.0) > (b.speedup or 0.0)


def _read_program(job: LevelJob, path: Path) -> str:
    if job.level.name == "source":
        return read_source_program(job.ctx, path)
    return path.read_text(errors="replace")


def _write_program(job: LevelJob, text: str, path: Path) -> None:
    if job.level.name == "source":
        write_source_program(job.ctx, text, path)
    else:
        path.write_text(text)


def _prompt(job: LevelJob, program: str, feedback: list[str]) -> tuple[list[dict], str]:
    from ..llm.prompts import profile_of, render
    level = job.level
    compact = profile_of(job.ctx.settings) == "compact"
    system, _ = render("system", compact=compact)
    user, version = render(
        level.template, function=job.function,
        code=level.function_text(program, job.function) or "",
        context=level.context_text(program, job.function),
        c_context=_c_context(job, program, compact),
        c_reference=_c_reference(job),
        flags=" ".join([job.ctx.opt_level, *job.ctx.flags]),
        instruction=job.instruction.strip(),
        compact=compact,
        feedback=feedback)
    # A repeated call on the same program must draw fresh samples, not the cached replies
    # of the earlier call; the attempt number joins the cache key (it is not sent), so a
    # rebuild replays the same sequence from the cache.
    if job.attempt:
        version = f"{version}#attempt{job.attempt}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], version


def _c_context(job: LevelJob, program: str, compact: bool) -> str:
    """What a rewrite needs to know besides the function (``context.py``): declarations it
    uses (headers included), callees, callers, hot loop, remarks, target flags. Built from
    the C being rewritten, or, for IR/asm agents, from the current state's C. Never fails
    the call: without it the model still has the function and its level's context."""
    from .context import COMPACT_BUDGET, FULL_BUDGET, build_context
    if job.level.name == "source":
        c_program = program
    else:
        from .context import current_c_text
        c_program = current_c_text(job.ctx, job.source_program) or ""
        if not c_program:
            try:
                c_program = job.ctx.source_path.read_text(errors="replace")
            except OSError:
                return ""
    try:
        return build_context(job.ctx, c_program, job.function,
                             budget=COMPACT_BUDGET if compact else FULL_BUDGET)
    except Exception as e:  # context is a help, never a reason to skip the call
        log.warning("building the context of %s failed: %s", job.function, e)
        return ""


def _c_reference(job: LevelJob) -> str:
    """The C definition IR/asm agents see for meaning: from the current state's C
    (``job.source_program``, e.g. after a source rewrite) if given, else the user's file."""
    if job.source_program is not None and job.level.name != "source":
        try:
            text = read_source_program(job.ctx, job.source_program)
        except OSError:
            text = ""
        found = LEVEL_BY_NAME["source"].function_text(text, job.function) if text else None
        if found:
            return found
    return c_function_of(job.ctx, job.function) or ""


def _reference_ir(job: LevelJob, program: str, round_no: int) -> str | None:
    """The original TU's optimized IR (for the volatile-access guard: a rewrite is compared
    with the baseline, not with this round's input); None at the asm level, where the
    candidate has no IR, or when the baseline IR cannot be built."""
    from ..verify.evaluate import baseline_ir
    if job.level.name not in ("source", "ir"):
        return None
    base = baseline_ir(job.ctx)
    return None if isinstance(base, Fallback) else base


def _volatile_dropped(job: LevelJob, reference_ir: Callable[[], str | None], candidate_ir: str) -> bool:
    reference = reference_ir()
    before = volatile_accesses(reference, job.function) if reference else None
    after = volatile_accesses(candidate_ir, job.function)
    return before is not None and (after is None or after < before)


def _try_sample(job: LevelJob, program: str, reply: Any, round_no: int, index: int,
                reference_ir: Callable[[], str | None]) -> tuple[SampleRecord, LevelCandidate | None]:
    """Extract, splice, lower, validate and measure one sample."""
    def record(status: str, stage: str, detail: str, **kw: Any) -> SampleRecord:
        return SampleRecord(round_no, index, status, stage, detail, cached=reply.cached, **kw)

    if reply.finish_reason == "length":
        return record("invalid", "extract", "the reply was cut off by the token limit"), None
    content = reply.content or ""
    spliced = _splice(job, program, content)
    if (isinstance(spliced, SpliceError) and spliced.stage == "extract") or spliced == program:
        # "Already optimal" in prose (or with the unchanged code quoted) is an answer; a
        # reply whose rewrite was refused (a name collision...) is not, whatever it says.
        statement = no_improvement_statement(content)
        if statement is not None:
            return record("no_improvement", "answer", statement), None
    if isinstance(spliced, SpliceError):
        return record("invalid", spliced.stage, spliced.message), None
    if spliced == program:
        return record("invalid", "extract", "the rewrite is identical to the input"), None
    path = program_file(job.ctx, job.level.name, job.out_dir / f"r{round_no}-s{index}")
    _write_program(job, spliced, path)
    lowered = job.level.lower(job.ctx, path, path.parent, deadline=job.deadline)
    if isinstance(lowered, Fallback):
        return record("invalid", "compile", lowered.detail or lowered.reason), None
    if _same_code_as_baseline(job, lowered.object_path):
        # Nothing to test or time: e.g. the model edited a branch the preprocessor drops.
        return record("invalid", "unchanged", "the rewrite does not change the compiled code "
                      "of the original TU (edited code that is not compiled?)"), None
    if lowered.ir_path is not None and _volatile_dropped(
            job, reference_ir, lowered.ir_path.read_text(errors="replace")):
        return record("incorrect", "volatile", "the rewrite performs fewer volatile accesses "
                      "than the original; every volatile access is observable"), None
    formal = None
    if lowered.ir_path is not None:
        # IR candidates, and C candidates compiled to IR, are checked against the original
        # TU's function (never against this round's input, which may be an earlier
        # wrong-but-passing rewrite).
        candidate_ir = spliced if job.level.name == "ir" else lowered.ir_path.read_text(errors="replace")
        formal = formal_verdict(job.ctx, candidate_ir, job.function)
        if formal.kind.value in ("refuted", "invalid"):
            return record("incorrect", "formal", _verdict_text(formal),
                          verdicts=[formal.to_json()]), None
    evaluation = _evaluate(job, lowered.object_path, path, formal, lowered.ir_path)
    verdicts = [v.to_json() for v in getattr(evaluation, "verdicts", [])]
    if formal is not None and not any(v["checker"] == formal.checker for v in verdicts):
        verdicts.insert(0, formal.to_json())
    if isinstance(evaluation, Fallback) or not evaluation.correct:
        detail = str(evaluation) if isinstance(evaluation, Fallback) else _failure_text(evaluation)
        return record("incorrect", _failed_stage(evaluation), detail, verdicts=verdicts), None
    if not evaluation.may_emit:
        # Tests agreed but the evidence rule is not met (e.g. the fuzzer could not run):
        # never a candidate, and the model hears why.
        return record("incorrect", "evidence", _failure_text(evaluation), verdicts=verdicts), None
    static = evaluation.static.to_json() if evaluation.static is not None else None
    if evaluation.rejected_by == "static-evidence":
        # Correct, but clearly worse on every static metric: not timed, and the model hears why.
        return record("correct", "static-evidence", evaluation.reason, verdicts=verdicts,
                      static=static), None
    candidate = LevelCandidate(path, lowered.object_path, evaluation.speedup, evaluation.accepted,
                               verdicts, lowered.ir_path)
    return record("correct", "", evaluation.reason, speedup=evaluation.speedup,
                  accepted=evaluation.accepted, verdicts=verdicts, static=static), candidate


def _splice(job: LevelJob, program: str, content: str) -> Any:
    """The level's splice; a C rewrite's new helpers are checked against the names the
    TU's headers declare too (computed once per job, only if a reply adds something)."""
    try:
        if job.level.name != "source":
            return job.level.splice(program, job.function, content)
        from .context import header_names, header_tokens
        return job.level.splice(program, job.function, content,
                                header_names=functools.cache(lambda: header_names(job.ctx)),
                                header_tokens=functools.cache(lambda: header_tokens(job.ctx)))
    except Exception as e:  # a parser bug on odd text rejects the sample, never the TU
        log.warning("splicing a %s reply for %s crashed: %s", job.level.name, job.function, e)
        return SpliceError("splice", f"llmcc could not read the reply ({type(e).__name__}); "
                           "put the whole function in one fenced code block")


def _same_code_as_baseline(job: LevelJob, obj: Path) -> bool:
    from ..verify.objcheck import same_code
    try:
        return same_code(job.ctx.baseline_object, obj)
    except Exception:  # an unreadable object is the evaluator's to reject, with its reason
        return False


def _failed_stage(evaluation: Any) -> str:
    """Which check rejected a sample: the last verdict's checker (fuzz, ubsan, isa...)."""
    verdicts = getattr(evaluation, "verdicts", None)
    if not verdicts:
        return "tests"
    checker = verdicts[-1].checker
    return "tests" if checker.startswith("difftest") else checker


def _evaluate(job: LevelJob, obj: Path, program_path: Path, formal: Any, ir_path: Path | None = None) -> Any:
    from ..verify.evaluate import evaluate_candidate
    source = program_path if job.level.name == "source" else None
    try:
        return evaluate_candidate(job.ctx, job.plan, obj, formal=formal, candidate_source=source,
                                  fuzz=True, level=job.level.name, candidate_ir=ir_path)
    except Exception as e:  # an evaluator crash rejects the sample, never accepts it
        log.warning("evaluating %s crashed: %s", program_path.name, e)
        return Fallback("internal-error", f"evaluator crashed: {e}")


def _verdict_text(verdict: Any) -> str:
    text = f"{verdict.checker}: {verdict.kind.value}: {verdict.detail}"
    if verdict.counterexample:
        text += f"\ncounterexample:\n{verdict.counterexample}"
    return text


def _failure_text(evaluation: Any) -> str:
    """The evaluation's reason and the first failing checks (with their counterexamples)."""
    parts = [evaluation.reason]
    for v in evaluation.verdicts:
        if not v.may_emit:
            parts.append(_verdict_text(v))
    return "\n".join(parts)


def aggregate_feedback(records: list[SampleRecord]) -> list[str]:
    """Distinct failure descriptions of a round, trimmed, at most ``FEEDBACK_ITEMS``.

    The failing inputs quoted here are the few the checks report as counterexamples; the
    test set itself is never shown to the optimizing agent."""
    seen: set[str] = set()
    items: list[str] = []
    for r in records:
        if r.status == "no_improvement":
            continue     # an answer, not a failure to fix
        text = f"[{r.status} at {r.stage}] {r.detail}".strip()[:FEEDBACK_ITEM_CHARS]
        if text not in seen:
            seen.add(text)
            items.append(text)
    return items[:FEEDBACK_ITEMS]
