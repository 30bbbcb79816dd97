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
fails validation, the deterministic plan alone is used. Program-mode TUs (with ``main``)
always use the deterministic plan: their inputs are argv/stdin.
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
    both). ``Fallback`` only when neither can test it. Never raises. The outcome is
    recorded in ``ctx.report["agents_testing"][function]``."""
    from ..verify.evaluate import build_test_plan
    notes = ctx.report.setdefault("agents_testing", {})
    builtin = build_test_plan(ctx, function)
    generated: Any = Fallback("no-model", "no model client")
    if client is not None and not ctx.has_main:
        try:
            generated = _generated_plan(ctx, function, client)
        except Exception as e:  # the testing agent is optional; its bugs must not cost the TU
            log.exception("testing agent failed for %s", function)
            generated = Fallback("internal-error", f"{type(e).__name__}: {e}")
    if not isinstance(generated, Fallback):
        generated.builtin = None if isinstance(builtin, Fallback) else builtin
        notes[function] = {"plan": "model-generator+builtin" if generated.builtin is not None else "model-generator",
                           "scale_inputs": len(generated.scale),
                           "builtin_inputs": 0 if generated.builtin is None else
                           len(builtin.correctness) + len(builtin.scale),
                           **({"builtin_rejected": str(builtin)[:500]} if isinstance(builtin, Fallback) else {}),
                           **{k: v for k, v in generated.detail.items() if k != "reference_exe"}}
        return generated
    notes[function] = {"plan": "deterministic" if not isinstance(builtin, Fallback) else "none",
                       "generator_rejected": str(generated)[:500]}
    return builtin


def _generated_plan(ctx: TUContext, function: str, client: Any) -> Any:
    """Ask for a generator, build it into a plan and validate it against the reference."""
    from ..llm.client import LLMError
    from ..llm.prompts import render
    code = c_function_of(ctx, function)
    if code is None:
        return Fallback("no-source", f"'{function}' has no C definition in {ctx.source}")
    system, _ = render("system")
    user, version = render("testgen", function=function, signature=_signature(code), code=code,
                           correctness_inputs=CORRECTNESS_INPUTS, scale_inputs=SCALE_INPUTS)
    try:
        replies = client.chat([{"role": "system", "content": system}, {"role": "user", "content": user}],
                              purpose="testing-agent", template_version=version)
    except LLMError as e:
        return Fallback("llm-unavailable", str(e)[:300])
    reply = replies[0]
    if reply.finish_reason == "length":
        return Fallback("generator-truncated", "the generator reply was cut off")
    program = extract_function(reply.content or "", "main", "source")
    if program is None:
        return Fallback("generator-missing", "no complete C program with main() in the reply")
    source = _full_program(reply.content or "")
    return _validated_plan(ctx, function, source)


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
