"""Validation of pipeline candidates: schema, pass membership, parameter ranges, and opt.

Order matters and is cheap-first: the JSON shape of each edit, then whether the passes,
parameters, knobs and CPU are in the allowed space (FP-changing knobs only when the user
allowed them), then the edited pipeline's own parameters, and last a real
``opt -passes=<candidate> -verify-each`` run on the TU's IR under a deadline (compile time
can explode: ``-unroll-count=8`` on a 3-D stencil took over 120 s). The IR that opt run
produces is the candidate's IR, so a valid candidate costs one opt run, not two.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..outcome import Fallback
from ..toolchain import Toolchain
from . import passes as pass_table
from .model import (DEFAULT_PARAM_MAX, KNOBS, PARAM_RANGES, EditSpace, PassNode,
                    PipelineConfig, PipelineSyntaxError, iter_nodes, parse_pipeline)
from .repair import ADAPTOR_NAMES

# op -> required fields and their JSON types.
EDIT_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "insert": {"pass": (str,)},
    "remove": {"pass": (str, list)},
    "move": {"pass": (str, list)},
    "set_param": {"pass": (str, list), "params": (dict,)},
    "set_knob": {"knob": (str,), "value": (int, bool)},
    "set_cpu": {"cpu": (str,)},
}
_ANCHORED_OPS = ("insert", "move")


def check_edit_schema(edit: Any) -> str | None:
    """None if ``edit`` has the shape of one of the six edit kinds, else the reason."""
    if not isinstance(edit, dict):
        return f"edit is not an object: {edit!r}"
    op = edit.get("op")
    if op not in EDIT_FIELDS:
        return f"unknown op {op!r} (expected one of {', '.join(EDIT_FIELDS)})"
    for name, types in EDIT_FIELDS[op].items():
        if name not in edit:
            return f"{op}: missing field '{name}'"
        if not isinstance(edit[name], types):
            return f"{op}: field '{name}' has the wrong type ({type(edit[name]).__name__})"
    if op in _ANCHORED_OPS:
        anchors = [k for k in ("after", "before") if k in edit]
        if len(anchors) != 1:
            return f"{op}: needs exactly one of 'after' / 'before'"
        if not isinstance(edit[anchors[0]], (str, list)):
            return f"{op}: '{anchors[0]}' must be a pass name or a path"
    return None


def check_edit_allowed(edit: dict[str, Any], space: EditSpace) -> str | None:
    """None if a schema-valid edit stays inside the allowed edit space, else the reason."""
    op = edit["op"]
    if op == "insert":
        try:
            nodes = parse_pipeline(edit["pass"])
        except PipelineSyntaxError as e:
            return f"insert: {e}"
        if len(nodes) != 1 or nodes[0].children is not None:
            return "insert: takes exactly one pass (adaptors are added automatically)"
        if nodes[0].name not in pass_table.insertable_pass_names():
            return f"insert: '{nodes[0].name}' is not an allowed transform pass"
        return check_node_params(nodes[0])
    if op == "set_param":
        name = str(edit["pass"]).partition("@")[0] if isinstance(edit["pass"], str) else None
        if name is not None:
            return _check_param_values(name, edit["params"])
        return None
    if op == "set_knob":
        return check_knob(edit["knob"], edit["value"], space)
    if op == "set_cpu":
        cpu = edit["cpu"]
        if cpu == "native" or cpu not in space.allowed_cpus:
            allowed = ", ".join(space.allowed_cpus) or "none (the user's flags name no CPU)"
            return f"set_cpu: '{cpu}' is not allowed; allowed: {allowed}"
    return None


def check_knob(name: str, value: Any, space: EditSpace) -> str | None:
    """Knob exists, has the right type, is in range, and FP-changing knobs are allowed."""
    spec = KNOBS.get(name)
    if spec is None:
        return f"set_knob: unknown knob '{name}'"
    if spec.changes_fp and not space.allow_fp_reassoc:
        return (f"set_knob: '{name}' may change floating-point results; "
                "refused unless pipeline.allow_fp_reassoc is set")
    if spec.kind is bool:
        return None if isinstance(value, bool) else f"set_knob: '{name}' takes true/false"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"set_knob: '{name}' takes an integer"
    if not spec.low <= value <= spec.high:
        return f"set_knob: '{name}'={value} is outside [{spec.low}, {spec.high}]"
    return None


def _check_param_values(name: str, values: dict[str, Any]) -> str | None:
    spec = pass_table.pass_params(name)
    if spec is None:
        return f"set_param: '{name}' takes no parameters"
    for key, value in values.items():
        if isinstance(value, bool):
            if key not in spec["flags"]:
                return f"set_param: '{name}' has no flag '{key}'"
        elif key in spec["values"]:
            problem = _check_param_value(name, key, value)
            if problem:
                return f"set_param: {problem}"
        else:
            return f"set_param: '{name}' has no parameter '{key}'"
    return None


def _check_param_value(name: str, key: str, value: Any) -> str | None:
    low, high = PARAM_RANGES.get(key, (0, DEFAULT_PARAM_MAX))
    try:
        number = int(value)
    except (TypeError, ValueError):
        return f"'{name}' parameter '{key}' takes an integer, not {value!r}"
    if isinstance(value, bool) or not low <= number <= high:
        return f"'{name}' parameter '{key}'={value} is outside [{low}, {high}]"
    return None


def check_node_params(node: PassNode) -> str | None:
    """Every parameter of a pass node is one opt lists for it, with integers in range."""
    if node.name in ADAPTOR_NAMES or not node.params:
        return None
    spec = pass_table.pass_params(node.name)
    items = [i for i in node.params[0].split(";") if i]
    if spec is None:
        return f"'{node.name}' takes no parameters" if items else None
    for item in items:
        key, eq, value = item.partition("=")
        if eq:
            if key not in spec["values"]:
                return f"'{node.name}' has no parameter '{key}'"
            if spec["values"][key] == "int":
                problem = _check_param_value(node.name, key, value)
                if problem:
                    return problem
        elif item not in spec["flags"] and not (item.startswith("no-") and item[3:] in spec["flags"]):
            return f"'{node.name}' has no flag '{item}'"
    return None


def check_pipeline_static(config: PipelineConfig) -> str | None:
    """Pass membership and parameters of the whole edited pipeline (no opt run)."""
    known = pass_table.known_pass_names()
    for _, node in iter_nodes(config.passes):
        if node.name not in known and node.name not in ADAPTOR_NAMES:
            return f"unknown pass '{node.name}'"
        problem = check_node_params(node)
        if problem:
            return problem
    return None


@dataclass(frozen=True)
class ValidationResult:
    """``ok`` with the candidate IR opt produced, or the reason the candidate is invalid."""

    ok: bool
    reason: str = ""
    ir: Path | None = None


def validate_edits(edits: list[Any], space: EditSpace) -> str | None:
    """Schema and edit-space checks for a list of edits; None if all pass."""
    if not isinstance(edits, list):
        return "edits must be a list"
    for i, edit in enumerate(edits):
        problem = check_edit_schema(edit) or check_edit_allowed(edit, space)
        if problem:
            return f"edit {i}: {problem}"
    return None


def validate_with_opt(tc: Toolchain, config: PipelineConfig, ir: Path, out: Path, *,
                      timeout: float, flags: list[str] | tuple[str, ...] = ()) -> ValidationResult:
    """Run the candidate through ``opt -verify-each`` on the TU's IR within ``timeout``.

    A pipeline opt refuses, a verifier failure, a crash or a timeout all make the
    candidate invalid (with opt's message as the reason); it is then never built or run."""
    problem = check_pipeline_static(config)
    if problem:
        return ValidationResult(False, problem)
    from ..tu import CompileService    # the one caller of the middle end (opt_level unused there)
    compiler = CompileService(tc, tuple(flags), "-O2", timeout=timeout)
    result = compiler.middle_end(ir, out, pipeline=config.text, emit_text=False,
                                 extra_args=["-verify-each", *config.opt_args()])
    if isinstance(result, Fallback):
        return ValidationResult(False, f"opt refused the candidate ({result.reason}): {result.detail[-500:]}")
    return ValidationResult(True, "", result.output)


def function_bodies(tc: Toolchain, bitcode: Path, *, timeout: float = 60.0) -> dict[str, str]:
    """Each defined function's IR text, with metadata and attribute-group numbers blanked
    (they renumber when anything else in the module changes)."""
    import re
    import subprocess
    text = subprocess.run([str(tc.tool("llvm-dis")), str(bitcode), "-o", "-"], capture_output=True,
                          text=True, timeout=timeout, check=True).stdout
    bodies: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("define "):
            match = re.search(r'@("[^"]+"|[^\s(]+)\(', line)
            name, lines = (match.group(1).strip('"') if match else line), []
        if name is not None:
            lines.append(re.sub(r"![0-9]+|#[0-9]+", "?", line))
            if line == "}":
                bodies[name] = "\n".join(lines)
                name = None
    return bodies


def changed_functions(tc: Toolchain, reference: Path, candidate: Path) -> set[str]:
    """Functions whose optimized IR differs between two builds of the same module (added
    and removed functions count as changed)."""
    ref, cand = function_bodies(tc, reference), function_bodies(tc, candidate)
    return {name for name in ref.keys() | cand.keys() if ref.get(name) != cand.get(name)}
