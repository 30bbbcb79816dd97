"""Profile data (setting ``hotspots.profile``) as per-function weights for scoring.

Accepted inputs:

* an instrumentation profile: indexed ``.profdata`` (``llvm-profdata merge`` output) or a
  raw ``.profraw`` (merged here first), read through ``llvm-profdata show --all-functions
  --counts``. A function's count is its entry count plus all its block counts, which is
  proportional to how often its code ran;
* a sample (AutoFDO) profile, text or binary; a function's count is its total samples.

``load_profile`` returns ``{function: weight}`` with weights scaled so that the hottest
function has 1.0. Static functions appear as ``file.c:name`` in instrumentation profiles;
the file prefix is dropped (two statics of one name keep the larger count).
"""
from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

from ..outcome import Fallback
from ..tmpsweep import temp_dir as _temp_dir
from ..toolchain import Toolchain, ToolchainError

log = logging.getLogger(__name__)

_INDEXED_MAGIC = b"\xfflprofi\x81"
_RAW_MAGICS = (b"\x81rforpl\xff", b"\xfflprofr\x81")   # little- and big-endian .profraw
_FUNC_LINE = re.compile(r"^  (\S.*):$")
_FUNCTION_COUNT = re.compile(r"^\s+Function count: (\d+)")
_BLOCK_COUNTS = re.compile(r"^\s+Block counts: \[([\d, ]*)\]")
# Text sample profile: top-level "name:total:head" lines; bodies are indented.
_SAMPLE_HEAD = re.compile(r"^([^\s:][^:]*):(\d+):(\d+)\s*$")
_TIMEOUT = 120.0


def parse_instr_profile_listing(text: str) -> dict[str, int]:
    """Per-function executed counts from ``llvm-profdata show --all-functions --counts``."""
    counts: dict[str, int] = {}
    current: str | None = None
    for line in text.splitlines():
        m = _FUNC_LINE.match(line)
        if m:
            current = _strip_file_prefix(m.group(1))
            counts[current] = max(counts.get(current, 0), 0)
            continue
        if current is None:
            continue
        if (m := _FUNCTION_COUNT.match(line)):
            counts[current] += int(m.group(1))
        elif (m := _BLOCK_COUNTS.match(line)):
            counts[current] += sum(int(x) for x in m.group(1).replace(",", " ").split())
    return counts


def parse_sample_profile_text(text: str) -> dict[str, int]:
    """Per-function total samples from a text sample profile (top-level lines only)."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        m = _SAMPLE_HEAD.match(line)
        if m:
            name = _strip_file_prefix(m.group(1))
            counts[name] = counts.get(name, 0) + int(m.group(2))
    return counts


def _strip_file_prefix(name: str) -> str:
    # "lua.c:l_message" -> "l_message"; C identifiers never contain ':'.
    return name.rsplit(":", 1)[-1].strip()


def normalize(counts: dict[str, int]) -> dict[str, float]:
    """Scale counts so the hottest function weighs 1.0; all-zero profiles give {}."""
    top = max(counts.values(), default=0)
    if top <= 0:
        return {}
    return {name: n / top for name, n in counts.items() if n > 0}


def load_profile(path: str | Path, tc: Toolchain) -> dict[str, float] | Fallback:
    """Per-function weights (hottest = 1.0) from an instrumentation or sample profile."""
    path = Path(path)
    try:
        head = path.read_bytes()[:8]
    except OSError as e:
        return Fallback("profile-unreadable", str(e))
    try:
        profdata = tc.tool("llvm-profdata")
    except ToolchainError as e:
        profdata = None
        tool_error = str(e)
    if head.startswith(_INDEXED_MAGIC) or head in _RAW_MAGICS:
        if profdata is None:
            return Fallback("profile-unreadable", tool_error)
        counts = _instr_counts(profdata, path, raw=head in _RAW_MAGICS)
    else:
        counts = _sample_counts(profdata, path)
    if isinstance(counts, Fallback):
        return counts
    return normalize(counts)


def _run(argv: list[str]) -> str | Fallback:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Fallback("profile-unreadable", str(e))
    if proc.returncode != 0:
        return Fallback("profile-unreadable", proc.stderr.strip()[-1000:])
    return proc.stdout


def _instr_counts(profdata: Path, path: Path, *, raw: bool) -> dict[str, int] | Fallback:
    with _temp_dir("profile") as tmp:
        indexed = path
        if raw:  # `show` wants the indexed form
            indexed = Path(tmp) / "merged.profdata"
            merged = _run([str(profdata), "merge", "-o", str(indexed), str(path)])
            if isinstance(merged, Fallback):
                return merged
        listing = _run([str(profdata), "show", "--all-functions", "--counts", str(indexed)])
    if isinstance(listing, Fallback):
        return listing
    return parse_instr_profile_listing(listing)


def _sample_counts(profdata: Path | None, path: Path) -> dict[str, int] | Fallback:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = None   # binary sample profile
    except OSError as e:
        return Fallback("profile-unreadable", str(e))
    if text is not None:
        counts = parse_sample_profile_text(text)
        if counts:
            return counts
    if profdata is None:
        return Fallback("profile-unreadable", f"{path}: not a text sample profile")
    # Binary (or extended) sample profiles: let llvm-profdata turn them into text.
    converted = _run([str(profdata), "merge", "--sample", "--text", "-o", "-", str(path)])
    if isinstance(converted, Fallback):
        return converted
    return parse_sample_profile_text(converted)
