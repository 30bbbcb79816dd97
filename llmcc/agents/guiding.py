"""The ACCLAIM guiding agent: a tool-calling loop with a budget over program states.

The model sees the TU and a set of tools: the compiler's own components (frontend,
middle_end, backend; free), the level agents (source / IR / asm; cost 1 each), the
pipeline agent (cost 1) and a test tool (free). Every tool turns a *program state*
(identified by an id such as ``p3``) into a new state, so the model may backtrack to any
earlier state and repeat calls. The remaining budget and steps are in every tool result.

The guide talks with the level agents as in ACCLAIM: each level-agent call carries the
guide's ``instruction`` (what to try), passed to the agent with the C of the state's
source ancestor; the result returns the rewrite as a unified diff against the state it
worked on, the checks that passed or failed, the measured speedup, and the agent's
"no improvement" answer if it gave one. The guide's first prompt holds the evidence the
budget is spent on (per hot function: score, loops, remarks, profile share, its C). A
transcript of those exchanges lands in ``ctx.report["agents"]["transcript"]``
(``transcript_text`` renders it).

The loop ends when the model answers without a tool call, the budget is spent, the step
limit (``agents.max_steps``; malformed calls count) is reached, the ``tu_deadline``
passes, or the model becomes unavailable. Every state is validated against the original
TU (baseline object and IR), never only against its parent. The fastest accepted state
that passes the emission gate (``llmcc.verify.evaluate.confirm_for_emission``: the
evidence rule, then fresh runs against the baseline) becomes the ``Candidate``; None
means "emit the baseline". Nothing escapes as an
exception: every problem ends in the baseline with a reason in ``ctx.report["agents"]``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..outcome import Fallback
from ..tu import Candidate, TUContext
from .level import LevelJob, LevelResult, run_level_agent
from .levels import LEVEL_BY_NAME, Lowered, read_source_program, source_flags

log = logging.getLogger(__name__)

# Accepted states put through the emission gate (fastest first) before giving up.
MAX_CONFIRMED_STATES = 2
COSTLY_TOOLS = frozenset({"source_agent", "ir_agent", "asm_agent", "pipeline_agent"})
# Seconds kept back from the TU deadline so the final bookkeeping always fits.
DEADLINE_RESERVE = 2.0
EXCERPT_CHARS = 4000
DIFF_CHARS = 4000            # a rewrite's diff as the guide (and the transcript) sees it
INSTRUCTION_CHARS = 2000     # the guide's instruction passed on to a level agent
HOT_CODE_CHARS = 6000        # the hot functions' C shown in the guide's first prompt
HOT_FUNCTIONS_SHOWN = 5


def _tool(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required,
                       "additionalProperties": False}}}


_STATE = {"type": "string", "description": "id of the program state to work on, e.g. p0"}
_FUNCTION = {"type": "string", "description": "name of the function to rewrite (default: the hottest)"}
_INSTRUCTION = {"type": "string", "description": "what the agent should try, e.g. 'replace the bit loop "
                "with __builtin_popcountll' or 'unroll the inner loop by 4 and keep two accumulators'"}
_AGENT_ARGS = {"state": _STATE, "function": _FUNCTION, "instruction": _INSTRUCTION}

TOOLS: list[dict] = [
    _tool("frontend", "C source state -> unoptimized LLVM IR state. Free.", {"state": _STATE}, ["state"]),
    _tool("middle_end", "LLVM IR state -> IR state optimized with an opt pipeline, e.g. "
          "'default<O3>' or 'function(loop-unroll<O3>),default<O3>'. Free.",
          {"state": _STATE, "pipeline": {"type": "string", "description": "opt -passes= pipeline"}},
          ["state", "pipeline"]),
    _tool("backend", "LLVM IR state -> x86-64 assembly state. Free.", {"state": _STATE}, ["state"]),
    _tool("source_agent", "Rewrite one function at the C source level (validated, timed) following "
          "your instruction. Returns the diff, the checks and the speedup. Costs 1.",
          _AGENT_ARGS, ["state"]),
    _tool("ir_agent", "Rewrite one function at the LLVM IR level (formally checked, tested, timed) "
          "following your instruction. A source state is lowered with the user's -O pipeline first. "
          "Returns the diff, the checks and the speedup. Costs 1.",
          _AGENT_ARGS, ["state"]),
    _tool("asm_agent", "Rewrite one function at the x86-64 assembly level (tested, timed) following "
          "your instruction. A source or IR state is lowered first. Returns the diff, the checks "
          "and the speedup. Costs 1.",
          _AGENT_ARGS, ["state"]),
    _tool("pipeline_agent", "Tune the LLVM pass pipeline for a C source state. Costs 1.",
          {"state": _STATE}, ["state"]),
    _tool("test", "Validate and time a state against the baseline. Free.", {"state": _STATE}, ["state"]),
]
TOOL_NAMES = frozenset(t["function"]["name"] for t in TOOLS)


class ToolError(Exception):
    """A tool call the loop answers with an error message (and a spent step)."""


@dataclass
class ProgramState:
    """One program the guide can work from. ``level``: source / ir / asm / object."""

    id: str
    level: str
    path: Path | None
    parent: str | None
    made_by: str                         # the tool (and argument) that produced it
    agent_levels: tuple[str, ...] = ()   # levels whose agents changed it, in order
    function: str | None = None          # last function an agent rewrote
    functions: tuple[str, ...] = ()      # every function an agent rewrote on the way here
    object_path: Path | None = None
    speedup: float | None = None
    accepted: bool = False
    correct: bool | None = None
    verdicts: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        return {"id": self.id, "level": self.level, "parent": self.parent, "made_by": self.made_by,
                "speedup": self.speedup, "correct": self.correct, "accepted": self.accepted}


def run_guiding_agent(ctx: TUContext, client: Any, *,
                      plans: dict[str, Any] | None = None) -> Candidate | Fallback | None:
    """Spend the budget on the TU's hot functions; the best validated candidate, or None
    (nothing beat the baseline), or ``Fallback("guide-internal-error")`` when llmcc's own
    code crashed and nothing was found (a bug, not a TU where nothing was faster). Never
    raises; the trace lands in ``ctx.report["agents"]``.
    ``plans``: test plans already built for this TU (function -> TestPlan, e.g. by the
    pipeline tuner), reused instead of asking the testing agent again."""
    session = GuideSession(ctx, client)
    session.plans.update(plans or {})
    try:
        session.run()
    except Exception as e:  # the agent must never break a build
        log.exception("guiding agent failed on %s", ctx.source)
        session.stopped = f"internal-error: {type(e).__name__}: {e}"
    candidate = None
    try:
        candidate = session.candidate()
    except Exception as e:  # the emission gate's bug keeps the baseline
        log.exception("confirming the guide's best state failed on %s", ctx.source)
        session.stopped = f"{session.stopped}; gate internal-error: {type(e).__name__}: {e}"
    finally:
        session.write_report()
    if candidate is None and "internal-error" in session.stopped:
        return Fallback("guide-internal-error", session.stopped[:500])
    return candidate


class GuideSession:
    """State of one guiding-agent run: program states, budget, steps, trace."""

    def __init__(self, ctx: TUContext, client: Any) -> None:
        self.ctx = ctx
        self.client = client
        self.budget_left = int(ctx.settings["agents.budget"])
        self.steps_left = int(ctx.settings["agents.max_steps"])
        own = time.monotonic() + float(ctx.settings["tu_deadline"])
        # The driver's deadline for the TU (if any) counts from before the baseline compile.
        shared = getattr(ctx, "deadline", None)
        self.deadline = min(own, shared if shared is not None else own) - DEADLINE_RESERVE
        self.dir = ctx.workdir / "agents"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.states: dict[str, ProgramState] = {}
        self.trace: list[dict] = []
        self.transcript: list[dict] = []     # instructions sent, code and measurements received
        self.level_results: list[LevelResult] = []
        self.plans: dict[str, Any] = {}
        self.level_attempts: dict[tuple[str, str, str, str], int] = {}   # level, program, function, instruction
        self.pipeline_reports: list[dict] = []
        self.stopped = ""
        self.emitted: ProgramState | None = None
        self.started = time.monotonic()
        self.model_turns = 0
        self._add_state("source", ctx.source_path, None, "user source")
        self.handlers: dict[str, Callable[[dict], dict]] = {
            "frontend": self._frontend, "middle_end": self._middle_end, "backend": self._backend,
            "source_agent": lambda a: self._level_agent("source", a),
            "ir_agent": lambda a: self._level_agent("ir", a),
            "asm_agent": lambda a: self._level_agent("asm", a),
            "pipeline_agent": self._pipeline_agent, "test": self._test}

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        """observe -> ask the model -> act, until a limit or the model ends it."""
        from ..llm.client import LLMError
        messages = self._initial_messages()
        while not self.stopped:
            if self._limit_reached():
                break
            try:
                replies = self.client.chat(messages, tools=TOOLS, purpose="guide")
            except LLMError as e:
                self.stopped = f"llm: {type(e).__name__}: {e}"[:300]
                break
            self.model_turns += 1
            reply = replies[0]
            if not reply.tool_calls and _attempted_call(reply.content):
                # A call the protocol could not parse (text protocol, or JSON written as
                # content): the model hears why and it costs a step, like any malformed call.
                messages.append({"role": "assistant", "content": reply.content})
                messages.append({"role": "user", "content": json.dumps(self.step("(unparsed)", ""))})
                continue
            if not reply.tool_calls:
                self.stopped = "model finished"
                break
            messages.append(_assistant_message(reply))
            for call in reply.tool_calls:
                if self._limit_reached():
                    # Answer every call so the conversation stays well-formed.
                    messages.append(_tool_message(call.id, {"error": f"not run: {self.stopped}"}))
                    continue
                result = self.step(call.name, call.arguments)
                messages.append(_tool_message(call.id, result))
            self.write_report()

    def _limit_reached(self) -> bool:
        if self.stopped:
            return True
        if self.budget_left <= 0:
            self.stopped = "budget spent"
        elif self.steps_left <= 0:
            self.stopped = "step limit"
        elif time.monotonic() >= self.deadline:
            self.stopped = "deadline"
        return bool(self.stopped)

    def step(self, name: str, raw_arguments: str) -> dict:
        """Run one tool call; malformed calls get an error result. Spends one step."""
        self.steps_left -= 1
        budget_before = self.budget_left
        try:
            args = self._parse_call(name, raw_arguments)
            result = self.handlers[name](args)
        except ToolError as e:
            result = {"error": str(e)}
        except Exception as e:  # a tool's bug is the model's error message, not a crash
            log.exception("tool %s failed", name)
            result = {"error": f"internal error in {name}: {type(e).__name__}"}
        # Rounded so that timing noise changes the conversation (and the response-cache key
        # of the next turn) as little as possible.
        for key in ("speedup",):
            if isinstance(result.get(key), float):
                result[key] = round(result[key], 2)
        result["budget_left"] = self.budget_left
        result["steps_left"] = self.steps_left
        if name in ("pipeline_agent", "test") and "error" not in result:
            # Measurements the guide received outside the level-agent dialogue.
            self.transcript.append({"step": len(self.trace) + 1, "tool": name, **{
                k: result[k] for k in ("state", "new_state", "pipeline", "correct", "speedup", "accepted",
                                       "result", "reason") if k in result}})
        self.trace.append({"step": len(self.trace) + 1, "tool": name, "arguments": raw_arguments[:500],
                           "result": _short(result), "budget_before": budget_before,
                           "budget_left": self.budget_left,
                           "elapsed": round(time.monotonic() - self.started, 3)})
        return result

    def _parse_call(self, name: str, raw: str) -> dict:
        if name == "(unparsed)":
            raise ToolError("your reply looks like a tool call but could not be parsed; send exactly "
                            "one JSON object per call with a known tool name and an object of arguments")
        if name not in TOOL_NAMES:
            raise ToolError(f"unknown tool '{name}'; tools are: {', '.join(sorted(TOOL_NAMES))}")
        try:
            args = json.loads(raw or "{}")
        except (json.JSONDecodeError, RecursionError) as e:
            raise ToolError(f"arguments of {name} are not valid JSON: {e}") from None
        if not isinstance(args, dict):
            raise ToolError(f"arguments of {name} must be a JSON object")
        schema = next(t for t in TOOLS if t["function"]["name"] == name)["function"]["parameters"]
        missing = [k for k in schema["required"] if k not in args]
        if missing:
            raise ToolError(f"{name} needs argument(s): {', '.join(missing)}")
        unknown = [k for k in args if k not in schema["properties"]]
        if unknown:
            raise ToolError(f"{name} has no argument(s): {', '.join(unknown)}")
        if any(not isinstance(v, str) for v in args.values()):
            raise ToolError(f"arguments of {name} must be strings")
        if name in COSTLY_TOOLS and self.budget_left <= 0:
            raise ToolError("budget spent")
        return args

    def _initial_messages(self) -> list[dict]:
        from ..llm.prompts import render
        system, _ = render("system")
        try:
            excerpt = self.ctx.source_path.read_text(errors="replace")[:EXCERPT_CHARS]
        except OSError:
            excerpt = ""
        user, _ = render("guide", source=self.ctx.source, flags=" ".join([self.ctx.opt_level, *self.ctx.flags]),
                         hot_functions=[h.name for h in self.ctx.hot_functions] or ["(none ranked)"],
                         evidence=hot_function_evidence(self.ctx), program_kind=(
                             "a program (it defines main; tests run it on stdin/arguments)"
                             if self.ctx.has_main else "a library TU (tests call its functions)"),
                         initial_state="p0", budget=self.budget_left,
                         max_steps=self.steps_left, excerpt=excerpt)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    # -- states -----------------------------------------------------------------------------

    def _add_state(self, level: str, path: Path | None, parent: ProgramState | None, made_by: str,
                   **extra: Any) -> ProgramState:
        state_id = f"p{len(self.states)}"
        inherited = {"agent_levels": parent.agent_levels, "function": parent.function,
                     "functions": parent.functions} if parent else {}
        inherited.update(extra)
        state = ProgramState(state_id, level, path, parent.id if parent else None, made_by, **inherited)
        self.states[state_id] = state
        return state

    def _state(self, args: dict, *levels: str) -> ProgramState:
        state = self.states.get(args["state"])
        if state is None:
            raise ToolError(f"no state '{args['state']}'; states: {', '.join(self.states)}")
        if levels and state.level not in levels:
            raise ToolError(f"state {state.id} is {state.level}; this tool needs {' or '.join(levels)}")
        return state

    def _file(self, suffix: str) -> Path:
        return self.dir / f"p{len(self.states)}{suffix}"

    # -- compiler tools (free) --------------------------------------------------------------

    def _frontend(self, args: dict) -> dict:
        return self._new_state_result(self._to_ir(self._state(args, "source"), optimize=False))

    def _middle_end(self, args: dict) -> dict:
        state = self._state(args, "ir")
        out = self._file(".ll")
        r = self.ctx.compiler.middle_end(state.path, out, pipeline=args["pipeline"], emit_text=True,
                                         deadline=self.deadline)
        if isinstance(r, Fallback):
            raise ToolError(f"opt failed: {r.detail[-600:]}")
        return self._new_state_result(self._add_state("ir", out, state, f"middle_end {args['pipeline']}"))

    def _backend(self, args: dict) -> dict:
        return self._new_state_result(self._to_asm(self._state(args, "ir")))

    def _to_ir(self, state: ProgramState, *, optimize: bool) -> ProgramState:
        """A source state as IR (unoptimized, or through the user's -O pipeline)."""
        compiler = self.ctx.compiler
        out = self._file(".ll")
        r = compiler.frontend(state.path, out, flags=source_flags(self.ctx, state.path), emit_text=True,
                              deadline=self.deadline)
        if isinstance(r, Fallback):
            raise ToolError(f"frontend failed: {r.detail[-600:]}")
        if not optimize:
            return self._add_state("ir", out, state, "frontend")
        opt_out = out.with_suffix(".opt.ll")
        r2 = compiler.middle_end(out, opt_out, emit_text=True, deadline=self.deadline)
        if isinstance(r2, Fallback):
            raise ToolError(f"opt failed: {r2.detail[-600:]}")
        return self._add_state("ir", opt_out, state, f"frontend + {compiler.pipeline}")

    def _to_asm(self, state: ProgramState) -> ProgramState:
        out = self._file(".s")
        r = self.ctx.compiler.backend(state.path, out, emit="asm", deadline=self.deadline)
        if isinstance(r, Fallback):
            raise ToolError(f"backend failed: {r.detail[-600:]}")
        return self._add_state("asm", out, state, "backend")

    def _new_state_result(self, state: ProgramState) -> dict:
        return {"new_state": state.id, "level": state.level}

    # -- agents (cost 1) --------------------------------------------------------------------

    def _level_agent(self, level: str, args: dict) -> dict:
        state = self._state(args, "source", "ir", "asm")
        order = ("source", "ir", "asm")
        if order.index(state.level) > order.index(level):
            raise ToolError(f"{level}_agent cannot work on {state.level} state {state.id}")
        if state.level == "source" and level != "source":
            state = self._to_ir(state, optimize=True)
        if state.level == "ir" and level == "asm":
            state = self._to_asm(state)
        function = args.get("function") or self._hottest()
        instruction = args.get("instruction", "").strip()[:INSTRUCTION_CHARS]
        plan = self._plan(function)
        if isinstance(plan, Fallback):
            return {"error": f"no tests for {function}: {plan}"}
        s = self.ctx.settings
        key = (level, hashlib.sha256(state.path.read_bytes()).hexdigest(), function, instruction)
        self.level_attempts[key] = self.level_attempts.get(key, -1) + 1
        job = LevelJob(self.ctx, LEVEL_BY_NAME[level], state.path, function, plan,
                       self.dir / f"call{len(self.trace) + 1}-{level}", int(s["agents.samples"]),
                       int(s["agents.rounds"]), self.deadline, attempt=self.level_attempts[key],
                       instruction=instruction, source_program=self._source_of(state))
        self._charge()
        result = run_level_agent(job, self.client)
        self.level_results.append(result)
        reply = self._level_reply(level, state, function, result)
        self.transcript.append({"step": len(self.trace) + 1, "tool": f"{level}_agent", "state": args["state"],
                                "worked_on": state.id, "function": function, "instruction": instruction,
                                **reply})
        return reply

    def _level_reply(self, level: str, state: ProgramState, function: str, result: LevelResult) -> dict:
        """What the guide hears back from a level agent: the rewrite as a diff against the
        state it worked on, the checks it passed or failed, its speedup, or the agent's
        "no improvement" answer or failures."""
        correct = sum(1 for r in result.samples if r.status == "correct")
        reply: dict[str, Any] = {"samples": len(result.samples), "correct_samples": correct}
        if result.stopped:
            reply["stopped"] = result.stopped
        answer = next((r.detail for r in result.samples if r.status == "no_improvement"), None)
        if answer is not None:
            reply["no_improvement"] = answer[:500]
        if result.best is None:
            failures = [f"{r.stage}: {r.detail[:200]}" for r in result.samples
                        if r.status not in ("correct", "no_improvement")]
            if answer is None or failures:
                reply.update({"result": "no correct rewrite", "failures": failures[:3]})
            else:
                reply["result"] = "the agent found no improvement"
            failing = next((r for r in reversed(result.samples) if r.verdicts), None)
            if failing is not None:
                reply["checks"] = check_summary(failing.verdicts)
            return reply
        best = result.best
        new = self._add_state(level, best.program_path, state, f"{level}_agent {function}",
                              agent_levels=(*state.agent_levels, level), function=function,
                              functions=tuple(dict.fromkeys((*state.functions, function))),
                              object_path=best.object_path, speedup=best.speedup, correct=True,
                              accepted=best.accepted, verdicts=best.verdicts)
        return {**reply, "new_state": new.id, "diff": self._diff(state, new), "checks": check_summary(best.verdicts),
                "speedup": best.speedup, "accepted": best.accepted}

    def _source_of(self, state: ProgramState) -> Path | None:
        """The C program of ``state``'s nearest source ancestor (itself if it is C): what
        IR and asm agents are shown as the meaning of the code they rewrite."""
        current: ProgramState | None = state
        while current is not None:
            if current.level == "source":
                return current.path
            current = self.states.get(current.parent) if current.parent else None
        return None

    def _diff(self, parent: ProgramState, child: ProgramState) -> str:
        """``child``'s program as a unified diff against ``parent``'s, capped at DIFF_CHARS."""
        import difflib
        texts = []
        for state in (parent, child):
            try:
                if state.path is None:
                    text = ""
                elif state.level == "source":      # as the user would write it (no #line etc.)
                    text = read_source_program(self.ctx, state.path)
                else:
                    text = state.path.read_text(errors="replace")
            except OSError:
                text = ""
            texts.append(text.splitlines(keepends=True))
        diff = "".join(difflib.unified_diff(texts[0], texts[1], fromfile=parent.id, tofile=child.id, n=2))
        if len(diff) > DIFF_CHARS:
            diff = diff[:DIFF_CHARS] + f"\n... (diff cut: {len(diff) - DIFF_CHARS} more characters)\n"
        return diff

    def _charge(self) -> None:
        """Spend one budget unit: called only when an agent is about to run."""
        if self.budget_left <= 0:
            raise ToolError("budget spent")
        self.budget_left -= 1

    def _pipeline_agent(self, args: dict) -> dict:
        state = self._state(args, "source")
        try:
            from ..pipeline.tune import tune_pipeline
        except ImportError:
            raise ToolError("the pipeline agent is not available in this build") from None
        sub_ctx = replace(self.ctx, source=str(state.path), flags=source_flags(self.ctx, state.path),
                          unoptimized_ir=None, optimized_ir=None, report={})
        if state.path == self.ctx.source_path:
            sub_ctx = replace(self.ctx, unoptimized_ir=self.ctx.unoptimized_ir, report={})
        self._charge()
        found = tune_pipeline(sub_ctx, policy="llm", client=self.client, deadline=self.deadline)
        self.pipeline_reports.append(sub_ctx.report.get("pipeline", {}))
        if found is None or isinstance(found, Fallback):
            return {"result": "no pipeline beat the baseline"}
        new = self._add_state("object", None, state, "pipeline_agent",
                              agent_levels=(*state.agent_levels, "pipeline"),
                              object_path=found.object_path, speedup=found.speedup, correct=True,
                              accepted=True, verdicts=list(found.verdicts))
        return {"new_state": new.id, "speedup": found.speedup, "pipeline": found.detail.get("pipeline")}

    # -- test (free) ------------------------------------------------------------------------

    def _test(self, args: dict) -> dict:
        state = self._state(args)
        if state.correct is not None:
            return {"state": state.id, "correct": state.correct, "speedup": state.speedup,
                    "accepted": state.accepted}
        lowered = self._lower(state)
        from ..verify.evaluate import evaluate_candidate
        plans = self._plans_for(state)
        formal, ir_path = self._formal_for(state, lowered, plans)
        evaluation = None
        for function, plan in plans.items():
            # Against the original TU (the baseline object and IR), never only the parent.
            evaluation = evaluate_candidate(self.ctx, plan, lowered.object_path, formal=formal.get(function),
                                            candidate_source=state.path if state.level == "source" else None,
                                            fuzz=True, level=state.level, candidate_ir=ir_path)
            if not (evaluation.correct and evaluation.may_emit):
                break
        state.object_path = lowered.object_path
        state.correct = bool(evaluation.correct and evaluation.may_emit)
        state.accepted = bool(state.correct and evaluation.accepted)
        state.speedup = evaluation.speedup
        state.verdicts = [v.to_json() for v in evaluation.verdicts]
        result = {"state": state.id, "correct": state.correct, "speedup": state.speedup,
                  "accepted": state.accepted, "reason": evaluation.reason[:300]}
        if evaluation.rejected_by:       # e.g. "static-evidence": correct but not timed
            result["rejected_by"] = evaluation.rejected_by
        if evaluation.static is not None:
            result["static"] = evaluation.static.to_json()
        return result

    def _plans_for(self, state: ProgramState) -> dict[str, Any]:
        """Test plans for every function the state may differ in from the original TU: the
        functions agents rewrote on the way; every planned function after a pipeline
        change (it acts on the whole TU); else the hottest one."""
        functions = list(state.functions)
        if "pipeline" in state.agent_levels or not functions:
            functions += [f for f, p in self.plans.items() if not isinstance(p, Fallback)]
        if not functions:
            functions = [self._hottest()]
        plans = {}
        for function in dict.fromkeys(functions):
            plan = self._plan(function)
            if isinstance(plan, Fallback):
                raise ToolError(f"no tests available for {function}: {plan}")
            plans[function] = plan
        return plans

    def _formal_for(self, state: ProgramState, lowered: Lowered,
                    plans: dict[str, Any]) -> tuple[dict[str, Any], Path | None]:
        """Formal checks against the baseline's IR of every function in ``plans``, when
        the state has IR (C states are compiled to it), and that IR's path; ({}, None)
        for asm and object states."""
        from ..verify.evaluate import formal_against_baseline
        ir_path = lowered.ir_path
        if ir_path is None and state.level == "ir":
            ir_path = state.path
        if ir_path is None and state.level == "source" and state.path is not None:
            out_dir = self.dir / f"formal-{state.id}"
            out_dir.mkdir(exist_ok=True)
            again = LEVEL_BY_NAME["source"].lower(self.ctx, state.path, out_dir, deadline=self.deadline)
            ir_path = None if isinstance(again, Fallback) else again.ir_path
        if ir_path is None:
            return {}, None
        text = Path(ir_path).read_text(errors="replace")
        return {f: formal_against_baseline(self.ctx, text, f) for f in plans}, Path(ir_path)

    def _lower(self, state: ProgramState) -> Lowered:
        if state.object_path is not None:
            return Lowered(state.object_path)
        if state.level == "object" or state.path is None:
            raise ToolError(f"state {state.id} has no program to lower")
        out_dir = self.dir / f"lower-{state.id}"
        out_dir.mkdir(exist_ok=True)
        r = LEVEL_BY_NAME[state.level].lower(self.ctx, state.path, out_dir, deadline=self.deadline)
        if isinstance(r, Fallback):
            raise ToolError(f"state {state.id} does not compile: {r.detail[-600:]}")
        return r

    # -- plans, results, report -------------------------------------------------------------

    def _hottest(self) -> str:
        if not self.ctx.hot_functions:
            raise ToolError("no hot function is known; pass 'function'")
        return self.ctx.hot_functions[0].name

    def _plan(self, function: str) -> Any:
        """One test plan per function, made once (the testing agent, else deterministic)."""
        if function not in self.plans:
            from .testing import make_test_plan
            shared = next(iter(self.plans.values()), None) if self.ctx.has_main else None
            # A program is tested as a whole: one plan (and one generator) serves every function.
            self.plans[function] = shared if shared is not None else make_test_plan(self.ctx, function, self.client)
        return self.plans[function]

    def best_state(self) -> ProgramState | None:
        accepted = [s for s in self.states.values()
                    if s.accepted and s.correct and s.object_path is not None and s.speedup is not None]
        return max(accepted, key=lambda s: s.speedup, default=None)

    def candidate(self) -> Candidate | None:
        """The fastest accepted state that passes the emission gate
        (``evaluate.confirm_for_emission``: every check and the evidence rule against the
        original TU, then fresh interleaved runs against the baseline); None: emit the
        baseline. Tries the states in order of speed while time is left."""
        ranked = sorted((s for s in self.states.values()
                         if s.accepted and s.correct and s.object_path is not None and s.speedup is not None),
                        key=lambda s: s.speedup, reverse=True)
        gate = self.ctx.report.setdefault("agents_emission", [])
        for state in ranked[:MAX_CONFIRMED_STATES]:
            if time.monotonic() >= self.deadline + DEADLINE_RESERVE:
                gate.append({"state": state.id, "decision": "not confirmed: deadline"})
                break
            confirmed = self._confirm(state)
            gate.append({"state": state.id, "decision": "emit" if confirmed.accepted else "baseline",
                         "reason": confirmed.reason[:500], "speedup": confirmed.speedup})
            if confirmed.accepted:
                self.emitted = state
                return Candidate(object_path=state.object_path,
                                 origin="+".join(state.agent_levels) or state.made_by,
                                 speedup=float(confirmed.speedup),
                                 verdicts=[v.to_json() for v in confirmed.verdicts],
                                 detail={"state": state.id, "function": state.function,
                                         "functions": list(state.functions), "made_by": state.made_by,
                                         "evidence": confirmed.evidence.to_json() if confirmed.evidence else None})
        return None

    def _confirm(self, state: ProgramState) -> Any:
        from ..verify.evaluate import Evaluation, confirm_for_emission
        try:
            plans = self._plans_for(state)
            lowered = Lowered(state.object_path, state.path if state.level == "ir" else None)
            formal, ir_path = self._formal_for(state, lowered, plans)
        except ToolError as e:
            return Evaluation([], False, None, None, False, str(e))
        level = state.agent_levels[-1] if state.agent_levels else None
        return confirm_for_emission(self.ctx, plans, state.object_path, formal=formal,
                                    candidate_source=state.path if state.level == "source" else None,
                                    level=level, candidate_ir=ir_path)

    def write_report(self) -> None:
        """``ctx.report["agents"]``: trace, states, per-level contributions, metrics, usage."""
        best = self.best_state()
        samples = [r for res in self.level_results for r in res.samples]
        rounds = sum(res.rounds_run for res in self.level_results)
        correct_rounds = sum(res.correct_rounds for res in self.level_results)
        usage = getattr(self.client, "usage", None)
        self.ctx.report["agents"] = {
            "budget": int(self.ctx.settings["agents.budget"]), "budget_left": self.budget_left,
            "steps_left": self.steps_left, "model_turns": self.model_turns, "stopped": self.stopped,
            "trace": self.trace, "transcript": self.transcript,
            "states": [s.summary() for s in self.states.values()],
            "level_calls": [res.to_json() for res in self.level_results],
            "pipeline_calls": self.pipeline_reports,
            "contributions": [{"level": s.agent_levels[-1], "state": s.id, "function": s.function,
                               "speedup": s.speedup, "accepted": s.accepted}
                              for s in self.states.values() if s.agent_levels and s.correct],
            "best_state": None if best is None else {"state": best.id, "origin": "+".join(best.agent_levels),
                                                     "speedup": best.speedup},
            "emitted": None if self.emitted is None else {
                "state": self.emitted.id, "origin": "+".join(self.emitted.agent_levels),
                "speedup": self.emitted.speedup},
            "emission_gate": self.ctx.report.get("agents_emission", []),
            "metrics": {"generations": rounds, "correct_generations": correct_rounds,
                        "pct_correct_generations": _pct(correct_rounds, rounds),
                        "samples": len(samples),
                        "correct_samples": sum(1 for s in samples if s.status == "correct"),
                        "pct_correct_samples": _pct(sum(1 for s in samples if s.status == "correct"),
                                                    len(samples))},
            "usage": usage.to_json() if usage is not None else None,
            "seconds": round(time.monotonic() - self.started, 3),
        }


def check_summary(verdicts: list[dict]) -> list[str]:
    """"checker: kind" per verdict (e.g. "difftest-function: tested_equal"): which checks a
    rewrite passed or failed, short enough for the guide's context."""
    return [f"{v.get('checker', '?')}: {v.get('kind', '?')}" for v in verdicts if isinstance(v, dict)][:12]


def hot_function_evidence(ctx: TUContext) -> list[dict]:
    """Per hot function (hottest first): its score, a one-line summary of the evidence
    (loops, remarks, profile share), and its C definition, within HOT_CODE_CHARS."""
    from ..hotspots.score import evidence_summary
    from .levels import c_function_of
    left = HOT_CODE_CHARS
    shown = []
    for hot in ctx.hot_functions[:HOT_FUNCTIONS_SHOWN]:
        try:
            summary = evidence_summary(hot.evidence) if hot.evidence else ""
        except (KeyError, TypeError, ValueError):
            summary = ""
        code = c_function_of(ctx, hot.name) or ""
        if len(code) > left:
            code = code[:max(0, left)] + ("\n/* ... cut */" if left > 0 else "")
        left -= len(code)
        profile = hot.evidence.get("profile_weight") if isinstance(hot.evidence, dict) else None
        shown.append({"name": hot.name, "score": round(float(hot.score), 3), "summary": summary,
                      "profile_share": profile, "code": code})
    return shown


def transcript_text(agents_report: dict) -> str:
    """The guide's dialogue with the level agents as text (for ``llmcc report``): per call,
    the instruction sent, then the diff, checks and measurement that came back."""
    lines = []
    for t in agents_report.get("transcript") or []:
        if not isinstance(t, dict):
            continue
        if "instruction" in t:         # a level agent: what was asked, what came back
            lines.append(f"[step {t.get('step')}] {t.get('tool')} on {t.get('state')} ({t.get('function')})")
            lines.append(f"  instruction: {t.get('instruction') or '(none)'}")
        else:
            lines.append(f"[step {t.get('step')}] {t.get('tool')}" + (f" on {t['state']}" if t.get("state") else ""))
        if t.get("pipeline"):
            lines.append(f"  pipeline: {t['pipeline']}")
        if t.get("new_state"):
            lines.append(f"  -> {t['new_state']}: speedup {t.get('speedup')}, accepted {t.get('accepted')}")
        elif "correct" in t:
            lines.append(f"  -> correct {t.get('correct')}, speedup {t.get('speedup')}, accepted {t.get('accepted')}"
                         + (f": {t['reason']}" if t.get("reason") else ""))
        else:
            lines.append(f"  -> {t.get('result', 'no new state')}")
        if t.get("no_improvement"):
            lines.append(f"  agent: {t['no_improvement']}")
        if t.get("checks"):
            lines.append("  checks: " + ", ".join(t["checks"]))
        for failure in t.get("failures") or []:
            lines.append(f"  failed: {failure}")
        if t.get("diff"):
            lines.extend("  | " + line for line in str(t["diff"]).splitlines())
    return "\n".join(lines)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _short(result: dict) -> dict:
    """A trace-sized copy of a tool result."""
    return {k: (v[:300] if isinstance(v, str) else v) for k, v in result.items()}


def _attempted_call(content: str | None) -> bool:
    """Does a reply without parsed tool calls still try to call one (JSON naming a tool)?"""
    text = content or ""
    return '"tool"' in text or ('"arguments"' in text and any(f'"{name}"' in text for name in TOOL_NAMES))


def _assistant_message(reply: Any) -> dict:
    return {"role": "assistant", "content": reply.content or None,
            "tool_calls": [{"id": c.id, "type": "function",
                            "function": {"name": c.name, "arguments": c.arguments}}
                           for c in reply.tool_calls]}


def _tool_message(call_id: str, result: dict) -> dict:
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result, default=str)}
