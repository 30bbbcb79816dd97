"""Running Alive2's ``alive-tv`` and reading its text output.

alive-tv exits 0 even when a transformation is wrong, so the verdict comes from the text
only. The output is a sequence of sections separated by a dashed line; each section prints
the src and tgt functions (unless ``-quiet``) and then one verdict:

* ``Transformation seems to be correct!``  -> PROVED (within the unroll bound it was given)
* ``Transformation doesn't verify!``       -> REFUTED with the counterexample text, or
  INVALID when followed by ``ERROR: program doesn't type check!`` (signature mismatch)
* ``ERROR: Timeout`` / ``ERROR: Couldn't prove ...`` / other ``ERROR:`` -> INCONCLUSIVE

Errors before any section (unsupported IR, unreadable file) become one result for the
whole input. The optional ``Summary:`` block is parsed into ``AliveSummary``.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .deadline import run_with_deadline
from .verdict import Verdict, VerdictKind

log = logging.getLogger(__name__)

CHECKER = "alive2"
SECTION_SEPARATOR = "-" * 40
_DEFINE_NAME = re.compile(r"^define\b.*?@([-\w.$]+|\"[^\"]*\")\s*\(")
_SUMMARY_LINE = re.compile(
    r"^\s*(\d+)\s+(correct|incorrect|failed-to-prove)\s+transformations|^\s*(\d+)\s+Alive2 errors")
# Extra seconds on top of the solver timeout before the whole process is killed: parsing,
# LLVM startup and several queries per pair all take time of their own.
_WALL_MARGIN_S = 30.0

CORRECT = "Transformation seems to be correct!"
INCORRECT = "Transformation doesn't verify!"
TYPE_ERROR = "ERROR: program doesn't type check!"


@dataclass(frozen=True)
class AlivePairResult:
    """The verdict alive-tv gave one src/tgt function pair."""

    src_name: str       # "" when alive-tv did not print the functions (-quiet)
    tgt_name: str
    verdict: Verdict


@dataclass(frozen=True)
class AliveSummary:
    """The ``Summary:`` counts alive-tv prints after several pairs or two files."""

    correct: int = 0
    incorrect: int = 0
    failed_to_prove: int = 0
    errors: int = 0


@dataclass(frozen=True)
class AliveReport:
    pairs: list[AlivePairResult] = field(default_factory=list)
    summary: AliveSummary | None = None


def find_alive_tv(settings) -> Path | None:
    """Locate alive-tv: setting ``verify.alive_tv``, else ``$LLMCC_ALIVE_TV``, else PATH."""
    configured = ""
    try:
        configured = settings["verify.alive_tv"] if settings is not None else ""
    except KeyError:
        configured = ""
    for candidate in (configured, os.environ.get("LLMCC_ALIVE_TV", "")):
        if candidate:
            path = Path(candidate)
            if path.is_file() and os.access(path, os.X_OK):
                return path
            log.info("alive-tv %s is not an executable file; ignored", candidate)
    found = shutil.which("alive-tv")
    return Path(found) if found else None


def parse_alive_output(text: str) -> list[AlivePairResult]:
    """One result per src/tgt pair found in alive-tv's output (see the module docstring)."""
    return parse_alive_report(text).pairs


def parse_alive_report(text: str) -> AliveReport:
    """Pairs and the summary counts of one alive-tv run."""
    body, summary = _split_summary(text)
    sections = body.split(SECTION_SEPARATOR)
    pairs: list[AlivePairResult] = []
    for section in sections:
        pairs.extend(_parse_section(section))
    if not pairs:
        whole_input = _parse_input_error(body)
        if whole_input is not None:
            pairs.append(whole_input)
    return AliveReport(pairs=pairs, summary=summary)


def _split_summary(text: str) -> tuple[str, AliveSummary | None]:
    idx = text.find("\nSummary:")
    if idx < 0:
        return text, None
    counts: dict[str, int] = {}
    for line in text[idx:].splitlines():
        m = _SUMMARY_LINE.match(line)
        if m and m.group(2):
            counts[m.group(2)] = int(m.group(1))
        elif m:
            counts["errors"] = int(m.group(3))
    summary = AliveSummary(correct=counts.get("correct", 0), incorrect=counts.get("incorrect", 0),
                           failed_to_prove=counts.get("failed-to-prove", 0),
                           errors=counts.get("errors", 0))
    return text[:idx], summary


def _function_names(section: str) -> tuple[str, str]:
    """(src, tgt) names from the printed functions: the define before and after ``=>``."""
    src_name = tgt_name = ""
    seen_arrow = False
    for line in section.splitlines():
        if line.strip() == "=>":
            seen_arrow = True
            continue
        m = _DEFINE_NAME.match(line)
        if m:
            if seen_arrow and not tgt_name:
                tgt_name = m.group(1)
            elif not seen_arrow:
                src_name = m.group(1)  # the last define before "=>" (declarations come first)
    return src_name, tgt_name


def _verdict_starts(lines: list[str]) -> list[int]:
    """Indices of lines that open a verdict (one per pair in the section)."""
    starts = []
    for i, line in enumerate(lines):
        s = line.strip()
        if s in (CORRECT, INCORRECT):
            starts.append(i)
        elif s.startswith("ERROR:") and not (starts and _belongs_to_previous(lines, starts[-1], i)):
            starts.append(i)
    return starts


def _belongs_to_previous(lines: list[str], start: int, i: int) -> bool:
    """An ``ERROR:`` line right after "doesn't verify!" explains that verdict, and a chain of
    ``ERROR:`` lines (``Unsupported metadata`` then ``Could not translate``) is one failure.
    Timeouts and "Couldn't prove" are complete verdicts, so an ERROR after them is a new pair."""
    opener = lines[start].strip()
    chained_error = opener.startswith("ERROR:") and not opener.startswith(
        ("ERROR: Timeout", "ERROR: Couldn't prove"))
    if opener != INCORRECT and not chained_error:
        return False
    return all(not lines[j].strip() or lines[j].strip().startswith(("ERROR:", "NOTE:"))
               for j in range(start + 1, i))


def _parse_section(section: str) -> list[AlivePairResult]:
    lines = section.splitlines()
    starts = _verdict_starts(lines)
    if not starts:
        return []
    src_name, tgt_name = _function_names(section)
    untranslatable = _TRANSLATE_FAILED.search(section)
    if not src_name and untranslatable:
        src_name = untranslatable.group(1)
    results = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        # Warnings (e.g. "Source function is always UB") are printed before the verdict.
        warn_from = starts[n - 1] + 1 if n else 0
        warnings = _warnings(lines[warn_from:start])
        verdict = _verdict_of(lines[start:end], warnings)
        if verdict is not None:
            results.append(AlivePairResult(src_name, tgt_name, verdict))
    return results


def _warnings(lines: list[str]) -> list[str]:
    return [ln.strip() for ln in lines if ln.strip().startswith("WARNING:")]


def _verdict_of(lines: list[str], warnings: list[str]) -> Verdict | None:
    head = lines[0].strip()
    # A "****" banner opens the next pair's warning (printed before that pair's verdict).
    body = lines[1:]
    banner = next((k for k, ln in enumerate(body) if ln.startswith("****")), len(body))
    rest = "\n".join(body[:banner]).strip()
    extra = {"warnings": warnings} if warnings else {}
    if head == CORRECT:
        detail = "alive-tv: transformation seems to be correct"
        if warnings:
            detail += " (" + "; ".join(warnings) + ")"
        return Verdict(VerdictKind.PROVED, CHECKER, detail, data=extra)
    if head == INCORRECT:
        if TYPE_ERROR in rest:
            return Verdict(VerdictKind.INVALID, CHECKER,
                           "alive-tv: program doesn't type check (src/tgt signatures differ?)",
                           data=extra)
        error = next((ln.strip() for ln in lines[1:] if ln.strip().startswith("ERROR:")), "")
        reason = error.removeprefix("ERROR:").strip() or "transformation doesn't verify"
        return Verdict(VerdictKind.REFUTED, CHECKER, f"alive-tv: {reason}",
                       counterexample=rest or None, data=extra)
    if head.startswith("ERROR:"):
        return _error_verdict(head, rest, extra)
    return None


def _error_verdict(head: str, rest: str, extra: dict) -> Verdict:
    reason = head.removeprefix("ERROR:").strip()
    chained = [ln.strip().removeprefix("ERROR:").strip() for ln in rest.splitlines()
               if ln.strip().startswith("ERROR:")]
    if reason == "Timeout":
        detail = "alive-tv: SMT timeout"
    elif reason.startswith("Couldn't prove"):
        approximations = [ln.strip(" -") for ln in rest.splitlines() if ln.strip().startswith("- ")]
        detail = "alive-tv: couldn't prove (approximated: " + ", ".join(approximations) + ")" \
            if approximations else "alive-tv: couldn't prove the correctness"
    else:
        detail = "alive-tv: " + "; ".join([reason, *chained])
    return Verdict(VerdictKind.INCONCLUSIVE, CHECKER, detail, data={**extra, "alive_error": reason})


_TRANSLATE_FAILED = re.compile(r"Could not translate '([^']*)' to Alive IR")


def _parse_input_error(text: str) -> AlivePairResult | None:
    """Errors that stop alive-tv before any pair: unreadable input or unsupported IR."""
    stripped = text.strip()
    if not stripped:
        return None
    if "Could not read bitcode" in stripped or re.search(r":\d+:\d+: error:", stripped):
        first = next(ln for ln in stripped.splitlines() if ln.strip())
        return AlivePairResult("", "", Verdict(VerdictKind.INVALID, CHECKER,
                                               f"alive-tv could not parse the input: {first.strip()}"))
    errors = [ln.strip().removeprefix("ERROR:").strip() for ln in stripped.splitlines()
              if ln.strip().startswith("ERROR:")]
    if not errors:
        return None
    m = _TRANSLATE_FAILED.search(stripped)
    name = m.group(1) if m else ""
    return AlivePairResult(name, "", Verdict(VerdictKind.INCONCLUSIVE, CHECKER,
                                             "alive-tv: " + "; ".join(errors),
                                             data={"alive_error": errors[0]}))


def alive_tv_command(src: Path, tgt: Path | None, *, unroll: int, timeout_ms: int,
                     alive_tv: Path) -> list[str]:
    """The command line for one run, in the form RUNS.tsv records."""
    cmd = [str(alive_tv), str(src)]
    if tgt is not None:
        cmd.append(str(tgt))
    if unroll > 0:
        cmd += [f"--src-unroll={unroll}", f"--tgt-unroll={unroll}"]
    cmd.append(f"--smt-to={timeout_ms}")
    return cmd


def run_alive_tv(src: Path, tgt: Path | None, *, unroll: int, timeout_ms: int,
                 alive_tv: Path, extra_args: list[str] | None = None) -> list[AlivePairResult]:
    """Run alive-tv on a srctgt file (``tgt`` None) or a src/tgt file pair.

    Never raises for tool problems: a hung process, a crash or output without a verdict
    become one INCONCLUSIVE result.
    """
    cmd = alive_tv_command(src, tgt, unroll=unroll, timeout_ms=timeout_ms, alive_tv=alive_tv)
    cmd += list(extra_args or [])  # e.g. --src-fn=F --tgt-fn=G
    wall_s = timeout_ms / 1000.0 * 4 + _WALL_MARGIN_S
    try:
        returncode, stdout, stderr = run_with_deadline(cmd, wall_s)
    except subprocess.TimeoutExpired:
        return [_tool_problem(f"alive-tv exceeded {wall_s:.0f} s wall clock")]
    except OSError as e:
        return [_tool_problem(f"alive-tv could not be started: {e}")]
    output = stdout + ("\n" + stderr if stderr else "")
    results = parse_alive_output(output)
    if results:
        return results
    return [_tool_problem(f"alive-tv gave no verdict (exit {returncode}): "
                          f"{output.strip()[:300]}")]


def _tool_problem(detail: str) -> AlivePairResult:
    return AlivePairResult("", "", Verdict(VerdictKind.INCONCLUSIVE, CHECKER, detail))
