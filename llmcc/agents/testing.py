"""The ACCLAIM testing agent: once per function, the model writes an input generator.

The generator is a C program run as ``./prog correctness I`` / ``./prog scale I`` (the
same protocol as the synthesized harness, ``llmcc.verify.harness``), linked with the
object under test. It is untrusted code: it is compiled, linked with the *reference*
(the baseline object) and run in the sandbox on every input before it is used. It must
exit 0 on every input, print something, print the same thing twice in a row, and tell
inputs apart (not every correctness input may print the same). Scale inputs the
reference cannot finish within the evaluator's budget are dropped.

The model's tests *add* to the deterministic plan (``llmcc.verify.evaluate.build_test_plan``),
never replace it: a validated generator plan carries the built-in plan, and candidates
are tested on both (a generator that prints nothing useful for large inputs cannot hide a
rewrite that is wrong there). When there is no model, the model fails, or the generator
fails validation, the deterministic plan alone is used.

Program-mode TUs (with ``main``) are tested by running the whole program on argv/stdin.
There the model writes a standalone generator (``./gen correctness I`` / ``./gen scale I``)
that *prints* one program input (an optional ``#ARGS ...`` first line, then stdin). It is
built and run in the sandbox; its inputs become a program plan that carries the built-in
program plan, exactly as in function mode. A generator that crashes, hangs, writes
something no program could take, or is not deterministic is dropped with a counted reason
(``ctx.report["agents_testing"][...]["generator_rejected"]``); a generated input the
reference itself crashes on is dropped (listed), and a scale input the reference cannot
finish within the budget ends the scale list.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..outcome import Fallback
from ..tu import TUContext
from .extract import extract_function
from .levels import c_function_of

log = logging.getLogger(__name__)

CORRECTNESS_INPUTS = 10      # ACCLAIM's C
SCALE_INPUTS = 5             # ACCLAIM's L
MIN_DISTINCT_OUTPUTS = 2


@dataclass(frozen=True)
class GeneratedInput:
    """One run of the model's generator: ``./prog <kind> <index>``."""

    kind: str
    index: int

    @property
    def argv(self) -> list[str]:
        return [self.kind, str(self.index)]

    @property
    def stdin(self) -> bytes:
        return b""

    def describe(self, params: tuple = ()) -> str:
        return f"{self.kind} {self.index} (model-written generator)"


def make_test_plan(ctx: TUContext, function: str, client: Any) -> Any:
    """A ``TestPlan`` for ``function``: the deterministic plan, extended by the model's
    validated generator when there is one (the model's tests *add* to the built-in ones:
    the generator plan carries the built-in plan as ``builtin`` and every candidate runs
    both). For a program TU (``ctx.has_main``) the generator makes argv/stdin inputs for
    the whole program. ``Fallback`` only when neither can test it. Never raises. The
    outcome is recorded in ``ctx.report["agents_testing"][function]``, a rejected
    generator's reason counted in ``ctx.report["agents_testing_rejected"]``."""
    from ..verify.evaluate import build_test_plan, timing_inputs
    notes = ctx.report.setdefault("agents_testing", {})
    builtin = build_test_plan(ctx, function)
    generated: Any = Fallback("no-model", "no model client")
    if client is not None:
        try:
            generated = (_generated_program_plan(ctx, client) if ctx.has_main
                         else _generated_plan(ctx, function, client))
        except Exception as e:  # the testing agent is optional; its bugs must not cost the TU
            log.exception("testing agent failed for %s", function)
            generated = Fallback("internal-error", f"{type(e).__name__}: {e}")
    if not isinstance(generated, Fallback):
        generated.builtin = None if isinstance(builtin, Fallback) else builtin
        # Candidates are timed on the generator's largest scale input; with none of them
        # left, on the built-in plan's (``verify.evaluate.timing_inputs`` decides, for the
        # level agents and the emission gate alike).
        timed_plan, timed = timing_inputs(generated)
        notes[function] = {"plan": "model-generator+builtin" if generated.builtin is not None else "model-generator",
                           "mode": generated.mode,
                           "correctness_inputs": len(generated.correctness),
                           "scale_inputs": len(generated.scale),
                           "timed_on": ("model-written generator" if timed_plan is generated else "built-in plan")
                                       + f": {len(timed)} {'scale' if timed_plan.scale else 'correctness'} input(s)",
                           "builtin_inputs": 0 if generated.builtin is None else
                           len(builtin.correctness) + len(builtin.scale),
                           **({"builtin_rejected": str(builtin)[:500]} if isinstance(builtin, Fallback) else {}),
                           **{k: v for k, v in generated.detail.items() if k != "reference_exe"}}
        return generated
    notes[function] = {"plan": "deterministic" if not isinstance(builtin, Fallback) else "none",
                       "generator_rejected": str(generated)[:500],
                       "generator_rejected_reason": generated.reason}
    # Counted per reason over the TU, like the driver's fallback reasons.
    counts = ctx.report.setdefault("agents_testing_rejected", {})
    counts[generated.reason] = counts.get(generated.reason, 0) + 1
    return builtin


def _generated_plan(ctx: TUContext, function: str, client: Any) -> Any:
    """Ask for a generator, build it into a plan and validate it against the reference."""
    from ..llm.prompts import render
    code = c_function_of(ctx, function)
    if code is None:
        return Fallback("no-source", f"'{function}' has no C definition in {ctx.source}")
    user, version = render("testgen", function=function, signature=_signature(code), code=code,
                           types=_type_definitions(ctx, function),
                           correctness_inputs=CORRECTNESS_INPUTS, scale_inputs=SCALE_INPUTS)
    content = _ask_for_generator(client, user, version)
    if isinstance(content, Fallback):
        return content
    program = extract_function(content, "main", "source")
    if program is None:
        return Fallback("generator-missing", "no complete C program with main() in the reply")
    source = _full_program(content)
    return _validated_plan(ctx, function, source)


def _ask_for_generator(client: Any, user: str, version: str) -> str | Fallback:
    """The model's reply to a generator prompt (function or program), or why there is none."""
    from ..llm.client import LLMError
    from ..llm.prompts import render
    system, _ = render("system")
    try:
        replies = client.chat([{"role": "system", "content": system}, {"role": "user", "content": user}],
                              purpose="testing-agent", template_version=version)
    except LLMError as e:
        return Fallback("llm-unavailable", str(e)[:300])
    if replies[0].finish_reason == "length":
        return Fallback("generator-truncated", "the generator reply was cut off")
    return replies[0].content or ""


# --------------------------------------------------------------------------- programs

PROGRAM_PROMPT_CHARS = 12000      # the program shown to the generator's author
# The generator is untrusted: its own limits, tighter than the tests'.
GENERATOR_CPU_SECONDS = 2.0
GENERATOR_WALL_SECONDS = 6.0
GENERATOR_OUTPUT_BYTES = 16 << 20
GENERATOR_BUILD_SECONDS = 60.0


def _generated_program_plan(ctx: TUContext, client: Any) -> Any:
    """Ask for a program-input generator, run it, and check its inputs on the reference:
    a program ``TestPlan`` of model-written inputs, or ``Fallback`` with the reason."""
    from ..llm.prompts import render
    try:
        program = ctx.source_path.read_text(errors="replace")
    except OSError as e:
        return Fallback("no-source", str(e)[:300])
    user, version = render("testgen_program", source=ctx.source, program=program[:PROGRAM_PROMPT_CHARS],
                           truncated=len(program) > PROGRAM_PROMPT_CHARS,
                           uses_args=bool(re.search(r"\bargv\b", program)),
                           hot_functions=[h.name for h in ctx.hot_functions if h.name != "main"][:8],
                           correctness_inputs=CORRECTNESS_INPUTS, scale_inputs=SCALE_INPUTS)
    content = _ask_for_generator(client, user, version)
    if isinstance(content, Fallback):
        return content
    source = _full_program(content)
    if not source:
        return Fallback("generator-missing", "no complete C program with main() in the reply")
    directory = ctx.workdir / "testgen"
    directory.mkdir(parents=True, exist_ok=True)
    generator = _build_generator(ctx, source, directory)
    if isinstance(generator, Fallback):
        return generator
    from ..measure.sandbox import SandboxUnavailable
    try:
        inputs = _program_inputs(ctx, generator, directory)
        if isinstance(inputs, Fallback):
            return inputs
        return _program_plan_on_reference(ctx, generator, *inputs, directory=directory)
    except SandboxUnavailable as e:
        return Fallback("sandbox-unavailable", str(e))


def _build_generator(ctx: TUContext, source: str, directory: Path) -> Path | Fallback:
    """Compile the generator on its own (it is not linked with the TU)."""
    import subprocess
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    c_path = directory / f"program-generator-{digest}.c"
    c_path.write_text(source)
    exe = directory / f"program-generator-{digest}"
    if exe.exists():
        return exe
    argv = [str(ctx.toolchain.clang), "-O1", "-w", str(c_path), "-o", str(exe), "-lm"]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=GENERATOR_BUILD_SECONDS,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Fallback("generator-build-failed", "compiling the generator timed out")
    if proc.returncode != 0:
        exe.unlink(missing_ok=True)
        return Fallback("generator-build-failed", proc.stderr[-500:])
    return exe


def _generator_limits() -> Any:
    from ..measure.sandbox import Limits
    return Limits(cpu_seconds=GENERATOR_CPU_SECONDS, wall_seconds=GENERATOR_WALL_SECONDS,
                  memory_bytes=1 << 30, file_size_bytes=GENERATOR_OUTPUT_BYTES, processes=8)


def _run_generator(ctx: TUContext, generator: Path, kind: str, index: int, directory: Path) -> Any:
    """One generator run: a ``ProgramInput``, or a ``Fallback`` naming what went wrong."""
    from ..verify.difftest import run_input
    from ..verify.inputs import program_input_from_generator
    obs = run_input(generator, GeneratedInput(kind, index), workdir=directory, limits=_generator_limits(),
                    allow_unsandboxed=bool(ctx.settings["verify.allow_unsandboxed"]))
    where = f"{kind} {index}"
    if obs.killed in ("cpu", "timeout"):
        return Fallback("generator-hung", f"{where}: killed ({obs.killed})")
    if obs.crashed or obs.returncode != 0:
        return Fallback("generator-crashed", f"{where}: {obs.summary()[:300]}")
    made = program_input_from_generator(kind, index, obs.stdout)
    if made is None:
        return Fallback("generator-invalid", f"{where}: its #ARGS line cannot be passed to a program")
    return made


def _program_inputs(ctx: TUContext, generator: Path, directory: Path) -> Any:
    """(correctness, scale) inputs from the generator. Any failure on a correctness input
    drops the generator; on a scale input it ends the scale list (they only grow)."""
    correctness = []
    for i in range(CORRECTNESS_INPUTS):
        made = _run_generator(ctx, generator, "correctness", i, directory)
        if isinstance(made, Fallback):
            return made
        correctness.append(made)
    again = _run_generator(ctx, generator, "correctness", 0, directory)
    if isinstance(again, Fallback) or again != correctness[0]:
        return Fallback("generator-invalid", "the generator is not deterministic")
    if len({(c.args, c.stdin) for c in correctness}) < MIN_DISTINCT_OUTPUTS:
        return Fallback("generator-invalid", "every correctness input is the same")
    scale, dropped = [], []
    for i in range(SCALE_INPUTS):
        made = _run_generator(ctx, generator, "scale", i, directory)
        if isinstance(made, Fallback):
            dropped.append(str(made)[:200])
            break
        scale.append(made)
    return correctness, scale, dropped


def _program_plan_on_reference(ctx: TUContext, generator: Path, correctness: list, scale: list,
                               dropped: list, *, directory: Path) -> Any:
    """The program plan of the generated inputs the reference handles: correctness inputs
    it neither crashes on nor answers differently twice, scale inputs it finishes within
    the evaluator's budget (the first one over budget ends the list)."""
    from ..verify.difftest import MIN_USABLE_INPUTS, ensure_executable, run_input, run_inputs
    from ..verify.evaluate import SCALE_BUDGET_SECONDS
    from ..verify.plan import TestPlan
    plan = TestPlan(mode="program", function=None, harness_c=None, correctness=correctness, scale=scale,
                    seed=0, detail={"generator": str(generator)})
    exe = ensure_executable(ctx.toolchain, plan, ctx.baseline_object, directory, "ref")
    if isinstance(exe, Fallback):
        return Fallback("generator-unusable", f"the reference does not link: {exe.detail[-300:]}")
    allow = bool(ctx.settings["verify.allow_unsandboxed"])
    ref_key = hashlib.sha256(exe.read_bytes()).hexdigest()
    first = run_inputs(exe, correctness, workdir=directory, allow_unsandboxed=allow)
    second = run_inputs(exe, correctness, workdir=directory, allow_unsandboxed=allow)
    kept, rejected = [], []
    for test_input, a, b in zip(correctness, first, second):
        if a.crashed or a.comparable() != b.comparable():
            rejected.append(f"{test_input.describe()[:200]}: reference "
                            f"{'crashed' if a.crashed else 'is not deterministic'}")
            continue
        plan.reference_cache.put(ref_key, test_input, a)
        kept.append(test_input)
    if len(kept) < MIN_USABLE_INPUTS:
        return Fallback("generator-invalid", f"the reference crashes or is not deterministic on "
                                             f"{len(rejected)} of {len(correctness)} generated inputs")
    kept_scale = []
    for test_input in scale:
        obs = run_input(exe, test_input, workdir=directory, allow_unsandboxed=allow)
        if obs.crashed or obs.cpu_time > SCALE_BUDGET_SECONDS:
            dropped.append(f"{test_input.describe()[:200]}: reference "
                           f"{obs.killed or obs.returncode if obs.crashed else f'{obs.cpu_time:.3f}s'}")
            break
        plan.reference_cache.put(ref_key, test_input, obs)
        kept_scale.append(test_input)
    plan.correctness, plan.scale = kept, kept_scale
    plan.detail.update({"reference_exe": str(exe), "inputs_rejected": rejected, "scale_dropped": dropped})
    return plan


TYPES_CHARS = 6000        # the declarations a library function's generator is shown


def _type_definitions(ctx: TUContext, function: str) -> str:
    """The type definitions, macros and prototypes ``function`` uses (its parameters'
    structs and typedefs too, from headers via the preprocessed TU), within TYPES_CHARS;
    "" when they cannot be found. A generator cannot build a struct it has never seen."""
    from .context import DECLS, context_items, render_items, select_items
    try:
        program = ctx.source_path.read_text(errors="replace")
        items = [it for it in context_items(ctx, program, function) if it.section == DECLS]
        return render_items(select_items(items, TYPES_CHARS)) if items else ""
    except Exception:   # optional context: its failure must not cost the testing agent
        log.exception("collecting type definitions for %s failed", function)
        return ""


def _signature(code: str) -> str:
    """The declaration line of a C definition (everything before the body)."""
    head = code.split("{", 1)[0]
    return " ".join(head.split()) + ";"


def _full_program(reply: str) -> str:
    """The whole fenced block holding ``main`` (includes, helpers and main)."""
    from .extract import extract_block_defining
    return extract_block_defining(reply, "main", "source") or ""


def _validated_plan(ctx: TUContext, function: str, source: str) -> Any:
    from ..measure.sandbox import SandboxUnavailable
    from ..verify.difftest import ensure_executable, run_input
    from ..verify.evaluate import SCALE_BUDGET_SECONDS
    from ..verify.plan import TestPlan
    directory = ctx.workdir / "testgen"
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    harness = directory / f"generator-{re.sub(r'[^A-Za-z0-9_]', '_', function)}-{digest}.c"
    harness.write_text(source)
    plan = TestPlan(mode="function", function=function, harness_c=harness,
                    correctness=[GeneratedInput("correctness", i) for i in range(CORRECTNESS_INPUTS)],
                    scale=[GeneratedInput("scale", i) for i in range(SCALE_INPUTS)], seed=0,
                    detail={"generator": str(harness)})
    exe = ensure_executable(ctx.toolchain, plan, ctx.baseline_object, directory, "ref")
    if isinstance(exe, Fallback):
        return Fallback("generator-build-failed", exe.detail[-500:])
    allow = bool(ctx.settings["verify.allow_unsandboxed"])
    try:
        outputs = []
        for test_input in plan.correctness:
            obs = run_input(exe, test_input, workdir=directory, allow_unsandboxed=allow)
            if obs.crashed or obs.returncode != 0 or not obs.stdout:
                return Fallback("generator-invalid", f"{test_input.describe()}: {obs.summary()[:300]}")
            outputs.append(obs.stdout)
        again = run_input(exe, plan.correctness[0], workdir=directory, allow_unsandboxed=allow)
        if again.stdout != outputs[0]:
            return Fallback("generator-invalid", "the generator is not deterministic")
        if len(set(outputs)) < MIN_DISTINCT_OUTPUTS:
            return Fallback("generator-invalid", "every correctness input prints the same output")
        plan.scale = _affordable_scale(plan.scale, exe, directory, allow, SCALE_BUDGET_SECONDS)
    except SandboxUnavailable as e:
        return Fallback("sandbox-unavailable", str(e))
    plan.detail["reference_exe"] = str(exe)
    return plan


def _affordable_scale(scale: list, exe: Path, directory: Path, allow: bool, budget: float) -> list:
    """Scale inputs the reference finishes cleanly within ``budget`` CPU seconds (they grow,
    so the first one over budget ends the list)."""
    from ..verify.difftest import run_input
    kept = []
    for test_input in scale:
        obs = run_input(exe, test_input, workdir=directory, allow_unsandboxed=allow)
        if obs.crashed or obs.returncode != 0 or obs.cpu_time > budget:
            break
        kept.append(test_input)
    return kept
