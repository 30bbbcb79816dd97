"""Optimization remarks: what -O3 did and failed to do, per function.

``collect_remarks`` runs the TU's -O pipeline through the compile service with LLVM's YAML
remark output (opt's ``-pass-remarks-output``);
``summarize_remarks`` counts the records per function by kind (passed / missed / analysis)
and ``pass:name`` key, e.g. ``loop-vectorize:Vectorized`` or ``slp-vectorizer:NotBeneficial``.
``semantic_hints`` adds AutoPass's name-based hints (a function called ``crc32_update`` is
probably a table-driven bit loop) so the pipeline agent knows what kind of code it faces.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..outcome import Fallback

log = logging.getLogger(__name__)

# LLVM's YAML remark tags, mapped to the three kinds the summary keeps. The Analysis
# variants are loop-vectorize's explanations of why reassociation / aliasing blocked it.
_KIND_BY_TAG = {
    "Passed": "passed",
    "Missed": "missed",
    "Failure": "missed",
    "Analysis": "analysis",
    "AnalysisFPCommute": "analysis",
    "AnalysisAliasing": "analysis",
}
_MAX_MESSAGES = 8          # per function: enough for a prompt, bounded for huge TUs
# Codegen remarks (clang's record has them, opt's does not) are counted but kept out of
# the messages: instruction-mix dumps would crowd out the middle-end's explanations.
_CODEGEN_PASSES = frozenset({"asm-printer", "regalloc", "prologepilog", "size-info",
                             "sdagisel", "machine-outliner", "stack-protector"})
_SOURCE_SUFFIXES = (".c", ".i", ".h")

# Name fragments -> hint words (AutoPass's "semantic hints"). Matched against the
# lower-cased name split at underscores and camel-case humps, and as substrings for the
# longer, unambiguous fragments.
_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("crc", "crc"), ("adler", "checksum"), ("checksum", "checksum"),
    ("hash", "hash"), ("md5", "crypto"), ("sha", "crypto"), ("aes", "crypto"),
    ("encrypt", "crypto"), ("decrypt", "crypto"), ("cipher", "crypto"),
    ("sort", "sort"), ("qsort", "sort"), ("partition", "sort"),
    ("matmul", "matmul"), ("gemm", "matmul"), ("mm", "matmul"), ("dot", "reduction"),
    ("sum", "reduction"), ("reduce", "reduction"), ("norm", "reduction"),
    ("popcount", "popcount"), ("bitcount", "popcount"), ("popcnt", "popcount"),
    ("search", "search"), ("find", "search"), ("lookup", "search"), ("bsearch", "search"),
    ("hist", "histogram"), ("histogram", "histogram"),
    ("fft", "fft"), ("dct", "transform"), ("conv", "stencil"), ("stencil", "stencil"),
    ("jacobi", "stencil"), ("blur", "stencil"), ("filter", "stencil"),
    ("copy", "memory-copy"), ("memcpy", "memory-copy"), ("memset", "memory-copy"),
    ("str", "string"), ("strlen", "string"), ("cmp", "compare"), ("compress", "compression"),
    ("deflate", "compression"), ("inflate", "compression"), ("huff", "compression"),
    ("lz", "compression"), ("rand", "prng"), ("random", "prng"), ("parse", "parser"),
    ("lex", "parser"), ("token", "parser"), ("interp", "interpreter"),
    ("execute", "interpreter"), ("dispatch", "interpreter"), ("dijkstra", "graph"),
    ("bfs", "graph"), ("dfs", "graph"), ("solve", "linear-algebra"),
    ("lu", "linear-algebra"), ("cholesky", "linear-algebra"), ("transpose", "matmul"),
)
_SUBSTRING_MIN = 4   # fragments this long also match inside words ("crc32update")


@dataclass
class RemarkSummary:
    """Remark counts for one function, keyed ``"pass:name"`` per kind, plus a few
    missed/analysis messages in LLVM's own words."""

    function: str
    passed: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    analysis: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)

    def count(self, kind: str, key: str | None = None) -> int:
        """Remarks of ``kind`` ('passed', 'missed', 'analysis'), all or one ``pass:name``.
        A key of just ``pass`` (no colon) counts every remark of that pass."""
        counter: Counter[str] = getattr(self, kind)
        if key is None:
            return sum(counter.values())
        if ":" in key:
            return counter[key]
        return sum(n for k, n in counter.items() if k.split(":", 1)[0] == key)

    def to_json(self) -> dict[str, Any]:
        """JSON for the analysis agent and the TU report."""
        return {"function": self.function, "passed": dict(self.passed),
                "missed": dict(self.missed), "analysis": dict(self.analysis),
                "messages": list(self.messages)}


# --------------------------------------------------------------------------- collecting


def collect_remarks(compiler, ir_or_source: str | Path, out: Path) -> Path | Fallback:
    """Run the TU's -O pipeline on ``ir_or_source`` through the compile service
    (``llmcc.tu.CompileService``: its flags, pipeline and stage timeout) and write LLVM's
    YAML remarks to ``out``. C source (``.c``/``.i``) goes through the service's frontend
    first; anything else is taken as unoptimized IR (text or bitcode, e.g. the frontend's
    output). Returns ``out``, or a Fallback when a stage fails or times out."""
    src = Path(ir_or_source)
    if src.suffix in _SOURCE_SUFFIXES:
        fe = compiler.frontend(src, out.with_suffix(".bc"))
        if isinstance(fe, Fallback):
            return Fallback("remarks-failed", fe.detail or fe.reason)
        src = out.with_suffix(".bc")
    run = compiler.middle_end(src, out.with_suffix(".opt.bc"), extra_args=[f"-pass-remarks-output={out}"])
    if isinstance(run, Fallback):
        return Fallback("remarks-timeout" if "timeout" in run.reason else "remarks-failed", run.detail or run.reason)
    if not out.exists():  # a module with no remarks at all still gets a file; be safe
        out.write_text("")
    return out


# --------------------------------------------------------------------------- parsing


def _remark_loader() -> type:
    """A YAML loader class that accepts LLVM's ``--- !Passed`` style tags, turning each
    document into its mapping plus a ``_tag`` key. libyaml's C parser when present: a
    Lua TU writes thousands of remarks."""
    import yaml  # only the remark paths need PyYAML

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class RemarkLoader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_remark(loader: Any, tag_suffix: str, node: Any) -> dict[str, Any]:
        if isinstance(node, yaml.MappingNode):
            doc = loader.construct_mapping(node, deep=True)
        else:
            doc = {"value": loader.construct_scalar(node)}
        doc["_tag"] = tag_suffix
        return doc

    RemarkLoader.add_multi_constructor("!", construct_remark)
    return RemarkLoader


def iter_remarks(yaml_path: str | Path) -> Iterator[dict[str, Any]]:
    """Every remark document of an LLVM YAML remark file, with ``_tag`` set to its tag
    (``Passed``, ``Missed``, ``Analysis``...). Raises OSError / yaml.YAMLError."""
    import yaml

    with open(yaml_path, encoding="utf-8", errors="replace") as f:
        for doc in yaml.load_all(f, Loader=_remark_loader()):
            if isinstance(doc, dict) and "_tag" in doc:
                yield doc


def _message(remark: dict[str, Any]) -> str:
    """LLVM's remark text: the concatenated values of its Args list."""
    parts = []
    for arg in remark.get("Args") or ():
        if isinstance(arg, dict):
            parts.extend(str(v) for k, v in arg.items() if k != "DebugLoc")
    return "".join(parts).strip()


def summarize_remarks(yaml_path: str | Path) -> dict[str, RemarkSummary]:
    """Per-function remark counts from an LLVM YAML remark file. A missing or
    malformed file yields {} (remarks are evidence, never a reason to fail)."""
    import yaml

    summaries: dict[str, RemarkSummary] = {}
    try:
        for remark in iter_remarks(yaml_path):
            _add_remark(summaries, remark)
    except (OSError, yaml.YAMLError) as e:
        log.warning("cannot read remarks %s: %s", yaml_path, e)
        return summaries
    return summaries


def _add_remark(summaries: dict[str, RemarkSummary], remark: dict[str, Any]) -> None:
    kind = _KIND_BY_TAG.get(remark["_tag"])
    function = remark.get("Function")
    if kind is None or function is None:
        return
    function = str(function)
    summary = summaries.setdefault(function, RemarkSummary(function))
    key = f"{remark.get('Pass', '?')}:{remark.get('Name', '?')}"
    getattr(summary, kind)[key] += 1
    if (kind != "passed" and len(summary.messages) < _MAX_MESSAGES
            and remark.get("Pass") not in _CODEGEN_PASSES):
        text = f"{key}: {_message(remark)}"
        if text not in summary.messages:
            summary.messages.append(text)


# --------------------------------------------------------------------------- hints


def _name_words(name: str) -> list[str]:
    """``crc32_update`` -> [crc, update]; ``matMulTiled`` -> [mat, mul, tiled]."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^a-zA-Z]+", spaced.lower()) if w]


def semantic_hints(name: str, features: Any | None = None) -> list[str]:
    """Hint words for a function from its name (AutoPass's semantic hints) and, when
    ``features`` (a FunctionFeatures) is given, from its instruction mix."""
    words = _name_words(name)
    joined = "".join(words)
    hints: list[str] = []
    for fragment, hint in _NAME_HINTS:
        hit = fragment in words or (len(fragment) >= _SUBSTRING_MIN and fragment in joined)
        if hit and hint not in hints:
            hints.append(hint)
    if features is not None:
        hints.extend(h for h in _feature_hints(features) if h not in hints)
    return hints


def _feature_hints(f: Any) -> list[str]:
    hints = []
    work = max(f.instructions, 1)
    if f.fp_ops * 5 >= work:
        hints.append("floating-point")
    if f.vector_ops:
        hints.append("vectorized")
    if f.switches or f.indirect_calls:
        hints.append("dispatch")
    if (f.loads + f.stores) * 2 >= work:
        hints.append("memory-bound")
    if f.io_calls:
        hints.append("io")
    return hints
