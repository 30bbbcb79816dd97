"""Reading make-style dependency (.d) files: the driver's header list for -MMD builds
and ``llmcc tune``'s record of a build both need it, so it lives on its own (importing
it pulls in nothing else of the driver)."""
from __future__ import annotations


def parse_depfile(text: str) -> list[str]:
    """Prerequisites of a make-style .d file (continuations, escaped spaces; targets and
    -MP phony rules are skipped)."""
    body = text.replace("\\\n", " ").replace("\\\r\n", " ")
    out: list[str] = []
    for rule in body.splitlines():
        if ":" not in rule:
            continue
        _, _, prereqs = rule.partition(": ")
        token = ""
        i = 0
        while i < len(prereqs):
            c = prereqs[i]
            if c == "\\" and i + 1 < len(prereqs) and prereqs[i + 1] in " #":
                token += prereqs[i + 1]
                i += 2
                continue
            if c == "$" and prereqs[i + 1:i + 2] == "$":
                token += "$"
                i += 2
                continue
            if c.isspace():
                if token:
                    out.append(token)
                token = ""
            else:
                token += c
            i += 1
        if token:
            out.append(token)
    return list(dict.fromkeys(out))
