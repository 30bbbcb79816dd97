"""The ``set_cpu`` pipeline edit made real: rewrite the ``"tune-cpu"`` function attribute.

clang stamps every function with ``"target-cpu"``, ``"target-features"`` and (with
``-mtune``) ``"tune-cpu"`` attributes, and those win over ``opt -mcpu`` / ``llc -mcpu``: a
command-line CPU changes nothing. So the edit rewrites the attribute in the IR before opt
(the middle end's cost models) and the backend (scheduling, instruction choices) see it.

Only the *tuning* CPU changes. ``"target-cpu"`` and ``"target-features"`` decide which
instructions exist and stay exactly the user's: a tuning edit can never make the object
need an instruction the user's target flags do not enable (``llmcc.verify.objcheck``
checks that too). Only the named functions are retuned (the tested ones): the attribute is
per function, so the rest of the TU keeps clang's code.

The edit is textual and contained: each retuned function gets a copy of its attribute
group with the new ``"tune-cpu"``; a function without an attribute group is refused
(``ValueError``), and opt's verifier checks the result.
"""
from __future__ import annotations

import re
from typing import Iterable

_GROUP = re.compile(r"^attributes #(\d+) = \{(.*)\}\s*$", re.M)
_TUNE = re.compile(r'\s*"tune-cpu"="[^"]*"')
_CPU_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_DEFINE_NAME = re.compile(r'@("(?:[^"\\]|\\.)*"|[-\w$.]+)\s*\(')


def retune(ir_text: str, cpu: str, functions: Iterable[str] | None = None) -> tuple[str, list[str]]:
    """``ir_text`` with ``"tune-cpu"="<cpu>"`` on the defined ``functions`` (every defined
    function if None). Returns the new text and the retuned function names, in order."""
    if not _CPU_NAME.match(cpu):
        raise ValueError(f"not a CPU name: {cpu!r}")
    wanted = None if functions is None else set(functions)
    groups = {int(m.group(1)): m.group(2) for m in _GROUP.finditer(ir_text)}
    next_id = max(groups, default=-1) + 1
    retuned_group: dict[int, int] = {}      # original group -> its retuned copy
    retuned: list[str] = []
    lines = ir_text.split("\n")
    for i, line in enumerate(lines):
        if not line.startswith("define "):
            continue
        name_match = _DEFINE_NAME.search(line)
        name = name_match.group(1).strip('"') if name_match else None
        if name is None or (wanted is not None and name not in wanted):
            continue
        # The function attribute group is the one `#N` after the parameter list.
        head, sep, tail = _split_after_params(line)
        ref = re.search(r"(?<![\w\"])#(\d+)\b", tail)
        if not sep or ref is None or int(ref.group(1)) not in groups:
            raise ValueError(f"@{name} has no attribute group to retune")
        group = int(ref.group(1))
        if group not in retuned_group:
            retuned_group[group] = next_id
            next_id += 1
        tail = tail[:ref.start()] + f"#{retuned_group[group]}" + tail[ref.end():]
        lines[i] = head + sep + tail
        retuned.append(name)
    new_groups = [f'attributes #{copy} = {{{_TUNE.sub("", groups[orig]).rstrip()} "tune-cpu"="{cpu}" }}'
                  for orig, copy in retuned_group.items()]
    return "\n".join(lines).rstrip("\n") + "\n" + "\n".join(new_groups) + "\n", retuned


def _split_after_params(line: str) -> tuple[str, str, str]:
    """``define ... @f(params)`` and what follows, split at the parameter list's closing
    parenthesis (parameters may hold nested parentheses and quoted strings)."""
    start = _DEFINE_NAME.search(line)
    if start is None:
        return line, "", ""
    depth, quoted = 0, False
    for j in range(start.end() - 1, len(line)):
        c = line[j]
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")":
            depth -= 1
            if depth == 0:
                return line[:j], ")", line[j + 1:]
    return line, "", ""
