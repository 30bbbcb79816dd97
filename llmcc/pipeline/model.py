"""The pass-pipeline model: a tree parsed from opt's textual pipeline, typed edits, knobs.

A pipeline such as ``function<eager-inv>(sroa<modify-cfg>,loop-mssa(licm<allowspeculation>))``
parses into ``PassNode`` trees; ``print_pipeline`` prints them back byte for byte (so the
unedited -O3 pipeline reproduces ``default<O3>`` exactly). Edits are small JSON objects
(the LLM speaks the same schema as the built-in policies)::

    {"op": "insert",    "after": "loop-distribute", "pass": "loop-unroll-and-jam"}
    {"op": "remove",    "pass": "loop-sink"}
    {"op": "move",      "pass": "loop-distribute", "after": "licm@2"}
    {"op": "set_param", "pass": "loop-unroll", "params": {"full-unroll-max": 32, "runtime": true}}
    {"op": "set_knob",  "knob": "unroll-threshold", "value": 600}
    {"op": "set_cpu",   "cpu": "skylake"}

A pass reference is a name (first occurrence in depth-first order), ``name@k`` (k-th
occurrence, 0-based), or a path of child indices (``[12, 0, 3]``).

Knobs are LLVM ``cl::opt`` options. They are process-global: one knob applies to every
function of the TU in that opt run, not only to the hot one; the report records this.
Knobs that may change floating-point results are flagged ``changes_fp`` and are refused
unless ``pipeline.allow_fp_reassoc`` is set.

``set_cpu`` never invents a CPU: the allowed values are the CPUs the user's own flags name
(``-march=``/``-mcpu=``/``-mtune=``, never ``native``); with no such flag the set is empty,
so by default no CPU edit is possible. The CPU is the *tuning* CPU: the tuner rewrites the
tested functions' ``"tune-cpu"`` attribute in the IR before opt (``llmcc.pipeline.cpu``),
since clang's per-function attributes win over any ``-mcpu`` option. ``"target-cpu"`` and
``"target-features"`` stay the user's, so the edit never adds an instruction the target
flags do not enable.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

from . import passes as pass_table

# --------------------------------------------------------------------------- tree


class PipelineSyntaxError(ValueError):
    """The pipeline text is not well formed (unbalanced brackets, empty names...)."""


class EditError(ValueError):
    """An edit cannot be applied (unknown target, impossible nesting, bad value)."""


@dataclass(frozen=True)
class PassNode:
    """One pipeline element: ``name<param-group>...(children)``.

    ``params`` holds the raw text of each ``<...>`` group (usually one), so printing is
    exact even for odd spellings such as ``gvn<>`` or a trailing ``;``. ``children`` is
    None for a pass and a tuple for an adaptor (``function(...)``, ``cgscc(...)``,
    ``devirt<4>(...)``, ``loop-mssa(...)``).
    """

    name: str
    params: tuple[str, ...] = ()
    children: tuple["PassNode", ...] | None = None

    def text(self) -> str:
        """This node printed in opt's syntax."""
        out = self.name + "".join(f"<{p}>" for p in self.params)
        if self.children is not None:
            out += "(" + print_pipeline(self.children) + ")"
        return out


Pipeline = tuple[PassNode, ...]
Path = tuple[int, ...]
PassRef = Union[str, list, tuple]

_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def parse_pipeline(text: str) -> Pipeline:
    """Parse opt's ``-passes=`` syntax into a tuple of ``PassNode``.

    Raises ``PipelineSyntaxError`` with the offending offset (``repair`` fixes the common
    cases before this is called on untrusted text)."""
    nodes, pos = _parse_list(text, 0, top=True)
    if pos != len(text):
        raise PipelineSyntaxError(f"unexpected {text[pos]!r} at offset {pos}")
    return nodes


def _parse_list(text: str, pos: int, top: bool) -> tuple[Pipeline, int]:
    nodes: list[PassNode] = []
    if pos < len(text) and text[pos] == ")" and not top:
        return (), pos  # empty adaptor "function()"
    while True:
        node, pos = _parse_node(text, pos)
        nodes.append(node)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return tuple(nodes), pos


def _parse_node(text: str, pos: int) -> tuple[PassNode, int]:
    start = pos
    while pos < len(text) and text[pos] in _NAME_CHARS:
        pos += 1
    if pos == start:
        what = repr(text[pos]) if pos < len(text) else "end of text"
        raise PipelineSyntaxError(f"expected a pass name at offset {pos}, found {what}")
    name = text[start:pos]
    params: list[str] = []
    while pos < len(text) and text[pos] == "<":
        close = _matching(text, pos, "<", ">")
        params.append(text[pos + 1:close])
        pos = close + 1
    children: Pipeline | None = None
    if pos < len(text) and text[pos] == "(":
        children, pos = _parse_list(text, pos + 1, top=False)
        if pos >= len(text) or text[pos] != ")":
            raise PipelineSyntaxError(f"missing ')' for '{name}(' opened at offset {start}")
        pos += 1
    return PassNode(name, tuple(params), children), pos


def _matching(text: str, pos: int, open_ch: str, close_ch: str) -> int:
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == open_ch:
            depth += 1
        elif text[i] == close_ch:
            depth -= 1
            if depth == 0:
                return i
    raise PipelineSyntaxError(f"missing '{close_ch}' for '{open_ch}' at offset {pos}")


def print_pipeline(nodes: Pipeline) -> str:
    """Print a pipeline back to opt's syntax (exact inverse of ``parse_pipeline``)."""
    return ",".join(n.text() for n in nodes)


def iter_nodes(nodes: Pipeline, prefix: Path = ()) -> Iterator[tuple[Path, PassNode]]:
    """Every node with its path, depth-first, parents before children."""
    for i, node in enumerate(nodes):
        path = prefix + (i,)
        yield path, node
        if node.children is not None:
            yield from iter_nodes(node.children, path)


def get_node(nodes: Pipeline, path: Path) -> PassNode:
    """The node at ``path`` (raises EditError if there is none)."""
    node: PassNode | None = None
    level = nodes
    for i in path:
        if level is None or not 0 <= i < len(level):
            raise EditError(f"no pipeline element at path {list(path)}")
        node = level[i]
        level = node.children
    if node is None:
        raise EditError("empty path")
    return node


def replace_children(nodes: Pipeline, parent: Path, new_children: Pipeline) -> Pipeline:
    """A copy of ``nodes`` where the list at ``parent`` (() = top level) is replaced."""
    if not parent:
        return tuple(new_children)
    head, rest = parent[0], parent[1:]
    node = nodes[head]
    if node.children is None:
        raise EditError(f"'{node.name}' is a pass, not an adaptor")
    updated = PassNode(node.name, node.params, replace_children(node.children, rest, new_children))
    return nodes[:head] + (updated,) + nodes[head + 1:]


def children_at(nodes: Pipeline, parent: Path) -> Pipeline:
    """The list of elements inside the adaptor at ``parent`` (() = top level)."""
    if not parent:
        return nodes
    node = get_node(nodes, parent)
    if node.children is None:
        raise EditError(f"'{node.name}' is a pass, not an adaptor")
    return node.children


def resolve_ref(nodes: Pipeline, ref: PassRef) -> Path:
    """A pass reference (name, ``name@k`` or index path) -> path. Raises EditError."""
    if isinstance(ref, (list, tuple)):
        path = tuple(int(i) for i in ref)
        get_node(nodes, path)
        return path
    if not isinstance(ref, str) or not ref:
        raise EditError(f"bad pass reference {ref!r}")
    name, _, occurrence = ref.partition("@")
    wanted = int(occurrence) if occurrence.isdigit() else 0
    seen = 0
    for path, node in iter_nodes(nodes):
        if node.name == name or node.text() == name:
            if seen == wanted:
                return path
            seen += 1
    raise EditError(f"pass '{ref}' is not in the pipeline")


# --------------------------------------------------------------------------- nesting

# Pipeline levels, outermost first. An adaptor opens the level of its name.
_LEVELS = {"module": 0, "cgscc": 1, "function": 2, "loopnest": 3, "loop": 3}
_ADAPTOR_LEVEL = {"module": "module", "cgscc": "cgscc", "devirt": "cgscc",
                  "function": "function", "loop": "loop", "loop-mssa": "loop"}
# Adaptor that opens each level when a pass must be wrapped to fit.
_WRAPPER_FOR = {"cgscc": "cgscc", "function": "function", "loop": "loop-mssa",
                "loopnest": "loop-mssa"}


def level_of_list(nodes: Pipeline, parent: Path) -> str:
    """Which level (module/cgscc/function/loop) the list at ``parent`` runs at."""
    level = "module"
    for depth in range(len(parent)):
        adaptor = get_node(nodes, parent[:depth + 1])
        level = _ADAPTOR_LEVEL.get(adaptor.name, level)
    return level


def fit_into_level(node: PassNode, level: str) -> PassNode:
    """Wrap ``node`` in the adaptors it needs to run inside a ``level`` list
    (``licm`` in a function list -> ``loop-mssa(licm)``). EditError if impossible."""
    if node.children is not None:
        kinds = [_ADAPTOR_LEVEL.get(node.name, level)]
    else:
        kinds = pass_table.pass_kinds(node.name)
    if not kinds:
        raise EditError(f"unknown pass '{node.name}'")
    if level in kinds:
        return node
    deeper = sorted((k for k in kinds if _LEVELS[k] > _LEVELS[level]), key=_LEVELS.get)
    if not deeper:
        raise EditError(f"'{node.name}' ({'/'.join(kinds)} pass) cannot run inside a {level} list")
    target = deeper[0]
    wrapped = node
    # Adaptors to open, outermost first. A module list reaches function passes directly
    # through function(...); only a CGSCC pass needs cgscc(...).
    if target == "cgscc":
        chain = ["cgscc"]
    else:
        chain = [lv for lv in ("function", "loop") if _LEVELS[level] < _LEVELS[lv] <= _LEVELS[target]]
    for lv in reversed(chain):
        wrapped = PassNode(_WRAPPER_FOR[lv], (), (wrapped,))
    return wrapped


def insert_node(nodes: Pipeline, anchor: Path, node: PassNode, *, before: bool = False) -> Pipeline:
    """Insert ``node`` next to ``anchor``, climbing out of inner adaptors when the pass
    cannot run at the anchor's level (a function pass "after licm" goes after the loop
    adaptor that holds licm)."""
    while True:
        parent, index = anchor[:-1], anchor[-1]
        level = level_of_list(nodes, parent)
        try:
            fitted = fit_into_level(node, level)
        except EditError:
            if not parent:
                raise
            anchor = parent
            continue
        siblings = children_at(nodes, parent)
        pos = index if before else index + 1
        return replace_children(nodes, parent, siblings[:pos] + (fitted,) + siblings[pos:])


def remove_node(nodes: Pipeline, path: Path) -> Pipeline:
    """Drop the element at ``path`` (an adaptor goes with its contents)."""
    parent, index = path[:-1], path[-1]
    siblings = children_at(nodes, parent)
    return replace_children(nodes, parent, siblings[:index] + siblings[index + 1:])


# --------------------------------------------------------------------------- parameters

# Integer pass parameters and the ranges a tuner may use (others: 0..DEFAULT_PARAM_MAX).
PARAM_RANGES: dict[str, tuple[int, int]] = {
    "full-unroll-max": (0, 1024),
    "bonus-inst-threshold": (0, 16),
    "max-iterations": (1, 16),
}
DEFAULT_PARAM_MAX = 4096
_OPT_LEVEL_FLAGS = ("O0", "O1", "O2", "O3", "Os", "Oz")


def set_params(node: PassNode, values: dict[str, Any]) -> PassNode:
    """A copy of ``node`` with parameters changed: ``{"runtime": True}`` -> ``runtime``,
    ``False`` -> ``no-runtime``, ``{"full-unroll-max": 32}`` -> ``full-unroll-max=32``,
    ``{"O2": True}`` replaces the O-level. Other parameters keep their order."""
    items = node.params[0].split(";") if node.params else []
    for key, value in values.items():
        if isinstance(value, bool):
            if key in _OPT_LEVEL_FLAGS:
                drop = set(_OPT_LEVEL_FLAGS)
                new = key if value else None
            else:
                drop = {key, f"no-{key}"}
                new = key if value else f"no-{key}"
        else:
            drop = None
            new = f"{key}={value}"
        items = _replace_param(items, key, drop, new)
    rest = node.params[1:] if node.params else ()
    return PassNode(node.name, (";".join(items),) + rest, node.children)


def _replace_param(items: list[str], key: str, drop: set[str] | None, new: str | None) -> list[str]:
    def matches(item: str) -> bool:
        return item in drop if drop is not None else item.split("=", 1)[0] == key
    out: list[str] = []
    placed = False
    for item in items:
        if matches(item):
            if not placed and new is not None:
                out.append(new)
                placed = True
            continue
        out.append(item)
    if not placed and new is not None:
        # Keep a trailing empty item last (opt prints "loop-vectorize<a;b;>").
        if out and out[-1] == "":
            out.insert(len(out) - 1, new)
        else:
            out.append(new)
    return out


# --------------------------------------------------------------------------- knobs


@dataclass(frozen=True)
class KnobSpec:
    """A ``cl::opt`` the tuner may set: ``-name=value`` on the opt command line."""

    name: str
    kind: type              # int or bool
    low: int = 0
    high: int = 0
    changes_fp: bool = False  # may reorder floating-point operations (refused by default)
    doc: str = ""


KNOBS: dict[str, KnobSpec] = {k.name: k for k in (
    KnobSpec("unroll-threshold", int, 0, 4000, doc="cost threshold for unrolling (O3: 300)"),
    KnobSpec("unroll-partial-threshold", int, 0, 4000, doc="cost threshold for partial unrolling"),
    # Counts above 8 made compile time explode on 3-D stencils; cap low.
    KnobSpec("unroll-count", int, 1, 8, doc="force this unroll count on every loop"),
    KnobSpec("unroll-max-count", int, 1, 32, doc="max count for partial/runtime unrolling"),
    KnobSpec("unroll-runtime", bool, doc="unroll loops with run-time trip counts"),
    KnobSpec("unroll-allow-partial", bool, doc="allow partial unrolling"),
    KnobSpec("unroll-peel-count", int, 0, 8, doc="peel this many iterations"),
    KnobSpec("unroll-max-upperbound", int, 0, 64, doc="max trip-count upper bound for unrolling"),
    KnobSpec("inline-threshold", int, -100, 2000, doc="inliner cost threshold (default 225)"),
    KnobSpec("slp-threshold", int, -20, 20, doc="SLP vectorizes if gain exceeds this (default 0)"),
    KnobSpec("slp-max-vf", int, 0, 64, doc="max SLP vectorization factor (0 = no limit)"),
    KnobSpec("vectorizer-min-trip-count", int, 1, 64, doc="min trip count for vectorizing"),
    KnobSpec("enable-loop-distribute", bool, doc="let loop-distribute split loops without a pragma"),
    KnobSpec("unroll-and-jam-count", int, 1, 8, doc="count for loop-unroll-and-jam"),
    # A forced width/interleave acts like a vectorize pragma, which permits reordering FP
    # reductions: outputs changed on 15/26 PolyBench kernels with width 4/8.
    KnobSpec("force-vector-width", int, 1, 16, changes_fp=True, doc="SIMD width (0 = auto)"),
    KnobSpec("force-vector-interleave", int, 1, 8, changes_fp=True, doc="interleave count"),
)}


def knob_args(knobs: dict[str, Any]) -> list[str]:
    """``{"unroll-count": 4, "unroll-runtime": True}`` -> ``["-unroll-count=4",
    "-unroll-runtime=true"]`` in a stable order."""
    args = []
    for name in sorted(knobs):
        value = knobs[name]
        shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
        args.append(f"-{name}={shown}")
    return args


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class EditSpace:
    """What edits are permitted for this TU (from settings and the user's flags)."""

    allow_fp_reassoc: bool = False
    allowed_cpus: tuple[str, ...] = ()


@dataclass(frozen=True)
class PipelineConfig:
    """A candidate: a pass pipeline plus process-global knobs and an optional tuning CPU."""

    passes: Pipeline
    knobs: dict[str, Any] = field(default_factory=dict)
    cpu: str | None = None

    @property
    def text(self) -> str:
        """The ``-passes=`` string."""
        return print_pipeline(self.passes)

    def opt_args(self) -> list[str]:
        """Extra opt arguments: the knobs. (``cpu`` is not an option: it is applied to the
        IR as a function attribute, ``llmcc.pipeline.cpu``.)"""
        return knob_args(self.knobs)

    def to_json(self) -> dict[str, Any]:
        """For the report."""
        return {"passes": self.text, "knobs": dict(self.knobs), "cpu": self.cpu}


def apply_edit(config: PipelineConfig, edit: dict[str, Any]) -> PipelineConfig:
    """Apply one (schema-checked) edit. Raises EditError when it cannot apply."""
    op = edit.get("op")
    if op == "insert":
        new = parse_pipeline(str(edit["pass"]))
        if len(new) != 1:
            raise EditError("insert takes exactly one pass")
        anchor_ref, before = (edit["before"], True) if "before" in edit else (edit["after"], False)
        anchor = resolve_ref(config.passes, anchor_ref)
        return _with(config, passes=insert_node(config.passes, anchor, new[0], before=before))
    if op == "remove":
        return _with(config, passes=remove_node(config.passes, resolve_ref(config.passes, edit["pass"])))
    if op == "move":
        source = resolve_ref(config.passes, edit["pass"])
        node = get_node(config.passes, source)
        remaining = remove_node(config.passes, source)
        anchor_ref, before = (edit["before"], True) if "before" in edit else (edit["after"], False)
        anchor = resolve_ref(remaining, anchor_ref)
        return _with(config, passes=insert_node(remaining, anchor, node, before=before))
    if op == "set_param":
        return _set_param(config, edit)
    if op == "set_knob":
        knobs = dict(config.knobs)
        knobs[edit["knob"]] = edit["value"]
        return _with(config, knobs=knobs)
    if op == "set_cpu":
        return _with(config, cpu=edit["cpu"])
    raise EditError(f"unknown op {op!r}")


def _set_param(config: PipelineConfig, edit: dict[str, Any]) -> PipelineConfig:
    ref = edit["pass"]
    if edit.get("all"):
        name = str(ref).partition("@")[0]
        paths = [p for p, n in iter_nodes(config.passes) if n.name == name and n.children is None]
        if not paths:
            raise EditError(f"pass '{name}' is not in the pipeline")
    else:
        paths = [resolve_ref(config.passes, ref)]
    passes = config.passes
    for path in paths:
        node = get_node(passes, path)
        siblings = list(children_at(passes, path[:-1]))
        siblings[path[-1]] = set_params(node, edit["params"])
        passes = replace_children(passes, path[:-1], tuple(siblings))
    return _with(config, passes=passes)


def _with(config: PipelineConfig, **changes: Any) -> PipelineConfig:
    values = {"passes": config.passes, "knobs": copy.copy(config.knobs), "cpu": config.cpu}
    values.update(changes)
    return PipelineConfig(**values)


def apply_edits(config: PipelineConfig, edits: list[dict[str, Any]]) -> PipelineConfig:
    """Apply edits in order; the first failing edit raises EditError naming its index."""
    for i, edit in enumerate(edits):
        try:
            config = apply_edit(config, edit)
        except (EditError, PipelineSyntaxError, KeyError, TypeError, ValueError) as e:
            raise EditError(f"edit {i} ({edit.get('op')}): {e}") from None
    return config
