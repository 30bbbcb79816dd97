"""The hostile endpoint: a ScriptedServer script that answers every llmcc agent.

Requests are told apart by their prompts (``llmcc/prompts/*.j2``):

* guiding agent (the request carries ``tools``): one tool call per turn, sending the TU's
  hottest functions to ``source_agent``, then ``ir_agent`` and ``asm_agent`` on the state
  the previous call produced (so a wrong state that got through is built upon), plus one
  ``pipeline_agent`` call and, in some TUs, a call to a tool that does not exist. TUs not
  selected (``max_tus`` / ``sources``) get "nothing to do" at once, which bounds the run.
* level agents: the function shown in the prompt with ONE seeded mutation
  (``mutate.py``), or an enormous reply, or now and then the unchanged code with a
  comment (the "correct but not faster" kind).
* testing agent: generators that never call the function, or that fail on one input.
* pipeline agent: garbage, hallucinated passes, or a plausible knob edit.
* now and then a body that is not JSON at all (the client must retry, not crash).

Every served reply is logged (``served``; also appended to ``log_path`` as JSONL) with the
function, level, mutation kind, and the sha256 of the prompt and of the reply text, so the
runner can attribute each of llmcc's sample verdicts to the mutation that caused it.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import mutate as M

ENORMOUS_BYTES = 4 * 1024 * 1024
# One in this many level replies is enormous; one in GARBAGE_EVERY first requests of a
# prompt gets a non-JSON body (kept rare: three transport failures in a row open llmcc's
# circuit breaker for the whole build).
ENORMOUS_EVERY = 17
GARBAGE_EVERY = 23
# One in this many level replies is correct but not faster (the code shown, plus a comment).
NOOP_EVERY = 8


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def user_text(body: dict) -> str:
    """The first user message (the rendered template)."""
    for m in body.get("messages") or []:
        if m.get("role") == "user":
            c = m.get("content")
            return c if isinstance(c, str) else "".join(p.get("text", "") for p in c or [] if isinstance(p, dict))
    return ""


def fenced_after(text: str, heading: str) -> str | None:
    """The fenced block that follows ``heading`` in a prompt."""
    at = text.find(heading)
    if at < 0:
        return None
    m = re.search(r"```[\w+-]*\n(.*?)\n```", text[at:], re.DOTALL)
    return m.group(1) if m else None


def classify(body: dict) -> tuple[str, str]:
    """(purpose, function) of a request: guide / source / ir / asm / testgen / pipeline / unknown."""
    if body.get("tools"):
        return "guide", ""
    text = user_text(body)
    patterns = (("source", r"Rewrite the C function `([^`]+)`"),
                ("ir", r"Rewrite the LLVM \d+ IR function\s+`@([^`]+)`"),
                ("asm", r"Rewrite the x86-64 assembly.*?function\s+`([^`]+)`"),
                ("testgen", r"test-input generator for the C function\s+`([^`]+)`"))
    for purpose, pattern in patterns:
        m = re.search(pattern, text, re.DOTALL)
        if m:
            return purpose, m.group(1)
    if "pass pipeline" in text and "JSON object" in text:
        return "pipeline", ""
    return "unknown", ""


CODE_HEADINGS = {"source": "The function to rewrite:", "ir": "The function to rewrite:",
                 "asm": "The current code, from its label to its last instruction:"}
# The level prompts show the declarations a function uses (llmcc.agents.context) under this
# heading; without that context they show the code before the function.
C_CONTEXT_HEADING = "What the function uses"
CONTEXT_HEADINGS = {"source": "Code before the function", "ir": "Module context", "asm": "Constants it may refer to"}


@dataclass
class HostileEndpoint:
    """The script (a callable for ``ScriptedServer``) plus its log. Thread-safe.

    ``max_tus``: how many distinct TUs (guide conversations, by source and flags) get work;
    ``sources``: if given, only TUs whose file name is listed get work; ``skip_flags``:
    TUs compiled with any of these flags get none (zlib builds each file twice, once -DPIC);
    ``functions_per_tu``: how many hot functions each selected TU sends to the level agents."""

    seed: int = 9
    max_tus: int = 3
    sources: tuple[str, ...] = ()
    skip_flags: tuple[str, ...] = ()
    functions_per_tu: int = 1
    pipeline_calls: bool = True
    log_path: Path | None = None
    reply_dir: Path | None = None        # every level reply's text is kept here (for repros)
    served: list[dict] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _occurrences: dict[str, int] = field(default_factory=dict, repr=False)
    _tus: list[str] = field(default_factory=list, repr=False)

    # -- the script ----------------------------------------------------------------------

    def __call__(self, body: dict) -> dict:
        purpose, function = classify(body)
        text = user_text(body)
        prompt = sha(text)
        with self._lock:
            occurrence = self._occurrences.get(prompt + purpose, 0)
            self._occurrences[prompt + purpose] = occurrence + 1
        s = M.seed_of(self.seed, purpose, function, prompt, occurrence)
        if purpose != "guide" and occurrence == 0 and s % GARBAGE_EVERY == 5:
            return self._log({"raw": "<html>502 Bad Gateway</html> {\"choices\": [", "status_note": "garbage"},
                             purpose, function, prompt, occurrence, kind="garbage-body", wrong=False)
        if purpose == "guide":
            entry, kind = self._guide(body, text)
            return self._log(entry, purpose, function, prompt, occurrence, kind=kind, wrong=False)
        if purpose in ("source", "ir", "asm"):
            return self._level(purpose, function, text, prompt, occurrence, s)
        if purpose == "testgen":
            kind, content = _testgen(function, s)
            return self._log({"content": content}, purpose, function, prompt, occurrence, kind=kind, wrong=False)
        if purpose == "pipeline":
            kind, content = _pipeline(s)
            return self._log({"content": content}, purpose, function, prompt, occurrence, kind=kind, wrong=False)
        return self._log({"content": "I cannot help with that."}, purpose, function, prompt, occurrence,
                         kind="unknown-prompt", wrong=False)

    def _log(self, entry: dict, purpose: str, function: str, prompt: str, occurrence: int, *,
             kind: str, wrong: bool, level: str = "") -> dict:
        content = entry.get("content") or ""
        record = {"purpose": purpose, "level": level, "function": function, "kind": kind, "wrong": wrong,
                  "prompt_sha": prompt, "occurrence": occurrence, "content_sha": sha(content) if content else "",
                  "bytes": len(content) + len(entry.get("raw", "")),
                  "tool_calls": [c["name"] for c in entry.get("tool_calls") or []]}
        entry = {k: v for k, v in entry.items() if k != "status_note"}
        with self._lock:
            record["seq"] = len(self.served)
            if self.reply_dir is not None and level and content:
                safe = re.sub(r"[^\w.-]", "_", function)
                record["reply_file"] = str(self.reply_dir / f"{record['seq']:04d}-{level}-{safe}-{kind}.txt")
            self.served.append(record)
            if self.log_path is not None:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record) + "\n")
            if "reply_file" in record:
                self.reply_dir.mkdir(parents=True, exist_ok=True)
                Path(record["reply_file"]).write_text(content[:200_000])
        return entry

    # -- level agents ----------------------------------------------------------------------

    def _level(self, level: str, function: str, text: str, prompt: str, occurrence: int, s: int) -> dict:
        code = fenced_after(text, CODE_HEADINGS[level]) or ""
        # the asm mutators read the C source (which register holds which parameter)
        context = fenced_after(text, "The C source it was compiled from") or "" if level == "asm" \
            else fenced_after(text, CONTEXT_HEADINGS[level]) or fenced_after(text, C_CONTEXT_HEADING) or ""
        log = dict(purpose=level, function=function, prompt=prompt, occurrence=occurrence, level=level)
        if not code.strip():
            # llmcc showed an empty code block (e.g. a definition it could not extract):
            # the reply has nothing to rewrite, and says so in code.
            return self._log({"content": M.reply_text(level, f"/* {function}: no code was shown */", s)},
                             kind="empty-prompt", wrong=True, **log)
        if s % NOOP_EVERY == 6:
            return self._log({"content": M.reply_text(level, M.noop(level, code, s), s)},
                             kind=M.NOOP_KIND, wrong=False, **log)
        if s % ENORMOUS_EVERY == 3:
            mutation = M.mutate(level, code, s, context=context)
            body = mutation.text if mutation else code
            pad = {"source": "/* {} */", "ir": "; {}", "asm": "# {}"}[level]
            filler = "\n".join(pad.format("x" * 100) for _ in range(ENORMOUS_BYTES // 104))
            return self._log({"content": M.reply_text(level, filler + "\n" + body, s)},
                             kind="enormous", wrong=True, **log)
        mutation = M.mutate(level, code, s, context=context)
        if mutation is None:
            # nothing applies (no compare, no loop, no integer argument...): cut it short
            truncated = code[: max(1, len(code) // 2)]
            return self._log({"content": M.reply_text(level, truncated, s)}, kind="truncated-fallback",
                             wrong=True, **log)
        return self._log({"content": M.reply_text(level, mutation.text, s)}, kind=mutation.kind,
                         wrong=mutation.wrong, **log)

    # -- guiding agent ---------------------------------------------------------------------

    def _selected(self, source: str, flags: str) -> bool:
        name = Path(source).name
        if self.sources and name not in self.sources:
            return False
        if any(f in flags.split() for f in self.skip_flags):
            return False
        key = f"{source}\0{flags}"
        with self._lock:
            if key not in self._tus:
                if len(self._tus) >= self.max_tus:
                    return False
                self._tus.append(key)
        return True

    def _guide(self, body: dict, text: str) -> tuple[dict, str]:
        m = re.search(r"translation unit, `([^`]*)` \(flags: `([^`]*)`\)", text)
        source, flags = (m.group(1), m.group(2)) if m else ("?", "")
        hot_m = re.search(r"Hot functions, hottest first: (.*?)\.\n", text)
        hot = [h.strip() for h in hot_m.group(1).split(",")] if hot_m else []
        hot = [h for h in hot if h and not h.startswith("(")]
        if not hot or not self._selected(source, flags):
            return {"content": "Nothing worth doing here."}, "guide-done"
        plan = self.guide_plan(source, hot)
        results = [_json(m.get("content")) for m in body.get("messages") or [] if m.get("role") == "tool"]
        step = len(results)
        if step >= len(plan):
            return {"content": "Done: the best validated state is emitted."}, "guide-done"
        tool, args = plan[step]
        args = dict(args)
        if args.get("state") == "@prev":
            # the state the previous level call produced, if any (build on it), else p0
            prev = results[-1] if results else {}
            args["state"] = prev.get("new_state") if isinstance(prev, dict) and prev.get("new_state") else "p0"
        return {"content": None, "tool_calls": [{"name": tool, "arguments": args}]}, f"guide-{tool}"

    def guide_plan(self, source: str, hot: list[str]) -> list[tuple[str, dict]]:
        """The deterministic list of tool calls for one TU."""
        plan: list[tuple[str, dict]] = []
        if M.seed_of(self.seed, "bad-tool", source) % 3 == 0:
            plan.append(("shell", {"command": "rm -rf /"}))          # must cost a step, nothing else
        for f in hot[: self.functions_per_tu]:
            plan += [("source_agent", {"state": "p0", "function": f}),
                     ("ir_agent", {"state": "@prev", "function": f}),
                     ("asm_agent", {"state": "@prev", "function": f})]
        if self.pipeline_calls:
            plan.append(("pipeline_agent", {"state": "p0"}))
        return plan

    # -- summaries -------------------------------------------------------------------------

    def level_replies(self) -> list[dict]:
        return [r for r in self.served if r["level"]]


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}


_USELESS_GENERATOR = r"""#include <stdio.h>
#include <stdlib.h>
/* Prints the input index: deterministic, distinct, exits 0, and never calls the function. */
int main(int argc, char **argv) {
    if (argc < 3) return 0;
    long i = atol(argv[2]);
    if (argv[1][0] == 's') {
        if (i < 2) printf("scale %ld\n", i);   /* nothing useful for large inputs */
        return 0;
    }
    printf("case %ld\n", i);
    return 0;
}
"""

_FAILING_GENERATOR = r"""#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    long i = atol(argv[2]);
    if (i == 3) { int *p = 0; return *p; }   /* crashes on one input */
    printf("%s %ld\n", argv[1], i);
    return 0;
}
"""


def _testgen(function: str, s: int) -> tuple[str, str]:
    kind = ("testgen-useless", "testgen-useless", "testgen-crashes", "testgen-no-code")[s % 4]
    if kind == "testgen-no-code":
        return kind, "I would test it with random inputs of growing size."
    program = _USELESS_GENERATOR if kind == "testgen-useless" else _FAILING_GENERATOR
    return kind, f"```c\n{program}```\n"


_PIPELINES = (
    ("pipeline-garbage", "{\"edits\": [ {\"op\": \"insert\", \"after\": "),
    ("pipeline-hallucinated", json.dumps({"edits": [{"op": "insert", "after": "instcombine", "pass": "hyper-vectorize"},
                                                    {"op": "set_knob", "knob": "unroll-everything", "value": 1}],
                                          "rationale": "more vectors"})),
    ("pipeline-plausible", json.dumps({"edits": [{"op": "set_knob", "knob": "unroll-threshold", "value": 600}],
                                       "rationale": "hot loops are small"})),
)


def _pipeline(s: int) -> tuple[str, str]:
    return _PIPELINES[s % len(_PIPELINES)]
