"""``llmcc verify``: translation validation of LLVM IR from the command line, like alive-tv.

    llmcc verify SRC.ll [TGT.ll] [--src-fn F] [--tgt-fn G] [--unroll N] [--json]

One file holds the pairs ``@src``/``@tgt`` (and ``@srcX``/``@tgtX``); two files compare the
functions defined in both under the same name (or ``@src`` in the first with ``@tgt`` in
the second). ``--src-fn``/``--tgt-fn`` pick one pair; an unnamed function is ``0``, ``1``...

alive-tv answers when it is found (``$LLMCC_ALIVE_TV`` or PATH), else the built-in z3
checker. Input is checked with ``llvm-as`` first and every check runs in a child process,
so IR that makes LLVM abort is reported as invalid input, not as a crash.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .verdict import Verdict, VerdictKind

EXIT_PROVED = 0
EXIT_REFUTED = 1
EXIT_INCONCLUSIVE = 3
EXIT_INVALID = 4
EXIT_CODES_HELP = ("Exit status: 0 proved (every pair), 1 refuted (some pair has a counterexample), "
                   "3 inconclusive (nothing refuted, something not proved), 4 invalid input (does not "
                   "parse, missing function, signature mismatch); 2 is a usage error.")
_DEFINE = re.compile(r'^define\b[^@\n]*@("[^"]*"|[-\w.$]+)\s*\(', re.M)
_RANK = {VerdictKind.INVALID: 3, VerdictKind.REFUTED: 2, VerdictKind.INCONCLUSIVE: 1, VerdictKind.PROVED: 0}
_EXIT = {VerdictKind.INVALID: EXIT_INVALID, VerdictKind.REFUTED: EXIT_REFUTED,
         VerdictKind.INCONCLUSIVE: EXIT_INCONCLUSIVE, VerdictKind.PROVED: EXIT_PROVED}


@dataclass(frozen=True)
class PairResult:
    src_fn: str
    tgt_fn: str
    verdict: Verdict

    def to_json(self) -> dict:
        return {"src": self.src_fn, "tgt": self.tgt_fn, **self.verdict.to_json()}


def defined_functions(text: str) -> list[str]:
    """Names of the functions a module defines, in order (quotes removed)."""
    return [m.group(1).strip('"') for m in _DEFINE.finditer(text)]


def choose_pairs(src_text: str, tgt_text: str | None, src_fn: str | None,
                 tgt_fn: str | None) -> list[tuple[str, str]]:
    """The (source, target) function pairs to check, alive-tv style."""
    if src_fn or tgt_fn:
        if tgt_text is None:
            return [(src_fn or "src", tgt_fn or "tgt")]
        return [(src_fn or tgt_fn, tgt_fn or src_fn)]  # two files: same name unless told
    src_names = defined_functions(src_text)
    if tgt_text is None:
        names = set(src_names)
        return [(n, "tgt" + n[3:]) for n in src_names if n.startswith("src") and "tgt" + n[3:] in names]
    tgt_names = defined_functions(tgt_text)
    same = [n for n in src_names if n in tgt_names]
    if same:
        return [(n, n) for n in same]
    if "src" in src_names and "tgt" in tgt_names:
        return [("src", "tgt")]
    return []


def _llvm_as() -> str | None:
    return shutil.which("llvm-as-22") or shutil.which("llvm-as") or \
        (lambda p: p if Path(p).exists() else None)("/usr/lib/llvm-22/bin/llvm-as")


def precheck(path: Path) -> str | None:
    """The assembler's error for a file that is not valid IR, else None."""
    tool = _llvm_as()
    if tool is None:
        return None  # the child process still parses it; a crash there is "invalid" too
    proc = subprocess.run([tool, "-o", "/dev/null", str(path)], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return (proc.stderr.strip() or f"{tool} exited {proc.returncode}")[:1000]
    return None


def verify(src_path: Path, tgt_path: Path | None, *, src_fn: str | None = None, tgt_fn: str | None = None,
           unroll: int = 8, timeout_ms: int = 10000, alive_tv: Path | None = None) -> list[PairResult]:
    """Check every pair; never raises for bad input (it becomes an INVALID result)."""
    paths = [src_path] + ([tgt_path] if tgt_path is not None else [])
    texts = []
    for path in paths:
        try:
            texts.append(path.read_text())
        except (OSError, UnicodeDecodeError) as e:
            return [_invalid(src_fn, tgt_fn, f"cannot read {path}: {e}")]
        error = precheck(path)
        if error is not None:
            return [_invalid(src_fn, tgt_fn, f"{path} is not valid LLVM IR: {error}")]
    src_text, tgt_text = texts[0], texts[1] if len(texts) > 1 else None
    pairs = choose_pairs(src_text, tgt_text, src_fn, tgt_fn)
    if not pairs:
        return [_invalid(src_fn, tgt_fn, "no function pair to check (expected @src and @tgt, "
                                         "functions of the same name in both files, or --src-fn/--tgt-fn)")]
    if alive_tv is not None:
        return _with_alive(src_path, tgt_path, pairs, unroll, timeout_ms, alive_tv,
                           explicit=bool(src_fn or tgt_fn))
    from .smt.isolated import run_isolated

    results = []
    for s, t in pairs:
        verdict = run_isolated("llmcc.verify.smt.checker:check_refinement",
                               {"src_ir": src_text, "tgt_ir": tgt_text if tgt_text is not None else src_text,
                                "src_fn": s, "tgt_fn": t, "unroll": unroll, "timeout_ms": timeout_ms},
                               wall_s=60.0 + 6 * timeout_ms / 1000.0)
        results.append(PairResult(s, t, verdict))
    return results


def _invalid(src_fn: str | None, tgt_fn: str | None, detail: str) -> PairResult:
    return PairResult(src_fn or "src", tgt_fn or "tgt", Verdict(VerdictKind.INVALID, "llmcc-verify", detail))


def _with_alive(src_path: Path, tgt_path: Path | None, pairs: list[tuple[str, str]], unroll: int,
                timeout_ms: int, alive_tv: Path, explicit: bool) -> list[PairResult]:
    from .alive2 import run_alive_tv

    extra = []
    if explicit:
        s, t = pairs[0]
        extra = [f"--src-fn={s}", f"--tgt-fn={t}"]
    results = run_alive_tv(src_path, tgt_path, unroll=unroll, timeout_ms=timeout_ms, alive_tv=alive_tv,
                           extra_args=extra)
    out = []
    for k, r in enumerate(results):
        s, t = pairs[k] if k < len(pairs) else (r.src_name, r.tgt_name)
        out.append(PairResult(r.src_name.strip('"') or s, r.tgt_name.strip('"') or t, r.verdict))
    return out


def overall(results: list[PairResult]) -> VerdictKind:
    return max((r.verdict.kind for r in results), key=lambda k: _RANK.get(k, 1))


def exit_code(results: list[PairResult]) -> int:
    return _EXIT.get(overall(results), EXIT_INCONCLUSIVE)


def render_text(results: list[PairResult]) -> str:
    lines = []
    for r in results:
        v = r.verdict
        lines.append(f"@{r.src_fn} => @{r.tgt_fn}: {v.kind.value.upper()} (checker: {v.checker})")
        if v.detail:
            lines.append(f"  {v.detail}")
        if v.counterexample:
            lines += ["  " + ln for ln in v.counterexample.splitlines()]
    if len(results) > 1:
        counts = {k: sum(r.verdict.kind == k for r in results) for k in _RANK}
        lines.append("Summary: " + ", ".join(f"{n} {k.value}" for k, n in counts.items() if n))
    return "\n".join(lines)


def run(src: str, tgt: str | None, *, src_fn: str | None, tgt_fn: str | None, unroll: int,
        timeout_ms: int, as_json: bool, echo) -> int:
    """The ``llmcc verify`` command: check, print, return the exit status."""
    from .alive2 import find_alive_tv

    try:
        alive_tv = find_alive_tv(None)
    except Exception:  # a broken environment only costs alive-tv
        alive_tv = None
    results = verify(Path(src), Path(tgt) if tgt else None, src_fn=src_fn, tgt_fn=tgt_fn,
                     unroll=unroll, timeout_ms=timeout_ms, alive_tv=alive_tv)
    code = exit_code(results)
    if as_json:
        echo(json.dumps({"verdict": overall(results).value, "exit_status": code,
                         "pairs": [r.to_json() for r in results]}, indent=2, default=str))
    else:
        echo(render_text(results))
    return code
