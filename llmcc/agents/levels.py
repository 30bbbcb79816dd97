"""The three program levels the ACCLAIM level agent works at: C source, LLVM IR, x86-64 asm.

Each level knows four things, and nothing about models or loops (that is ``level.py``):

* how to show the hot function to the model (``function_text`` + ``context_text``),
* how to splice a rewritten definition back into the whole program text, keeping every
  other byte identical,
* how to lower a program text at this level to an object with the user's flags,
* how to validate a lowered candidate (formal check for IR, then the evaluator's
  differential tests / UBSan / object checks for every level).

Program texts live in files under the TU's workdir. A rewritten C file is compiled with
``#line 1 "<original path>"`` prepended and the original directory on the quote-include
path, so ``__FILE__``, diagnostics, debug info and ``#include "x.h"`` behave as for the
user's own file.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Set

from ..outcome import Fallback
from ..tu import TUContext
from .extract import (CItem, c_items, c_tokens, extract_block_defining, extract_function,
                      find_asm_body, find_c_function, find_ir_function, ir_declarations,
                      source_blocks)

log = logging.getLogger(__name__)

# The prompt shows at most this much of the surrounding program (the model needs types
# and helpers, not a whole preprocessed TU).
CONTEXT_CHARS = 6000


@dataclass(frozen=True)
class Lowered:
    """A program at some level turned into an object (plus the IR it came from, if any)."""

    object_path: Path
    ir_path: Path | None = None


@dataclass(frozen=True)
class SpliceError:
    """Why a sample could not be turned into a program (fed back to the model)."""

    stage: str         # "extract" | "splice" | "compile"
    message: str


def source_flags(ctx: TUContext, program: Path | None = None) -> list[str]:
    """User flags for compiling ``program`` (a copy of the user's C file in the workdir):
    the original directory on the quote path, and debug-info paths mapped back to the
    user's directory, so the object looks as if the user's file had been compiled."""
    flags = [*ctx.flags, "-iquote", str(ctx.source_path.parent)]
    if program is not None and program.resolve() != ctx.source_path.resolve():
        flags.append(f"-ffile-prefix-map={program.parent}={os.path.dirname(ctx.source) or '.'}")
    return flags


def program_file(ctx: TUContext, level: str, directory: Path) -> Path:
    """Where a program text at ``level`` is written. A C copy keeps the user's base name:
    it becomes the object's STT_FILE symbol and the module's source_filename."""
    directory.mkdir(parents=True, exist_ok=True)
    name = {"source": Path(ctx.source).name, "ir": "program.ll", "asm": "program.s"}[level]
    return directory / name


def line_directive(ctx: TUContext) -> str:
    """Prepended to a rewritten C file so it keeps the original name everywhere."""
    escaped = ctx.source.replace("\\", "\\\\").replace('"', '\\"')
    return f'#line 1 "{escaped}"\n'


def strip_line_directive(ctx: TUContext, text: str) -> str:
    """Inverse of prepending ``line_directive`` (the model sees the user's text)."""
    head = line_directive(ctx)
    return text[len(head):] if text.startswith(head) else text


def presumed_line(text: str, pos: int) -> int:
    """The line number the compiler gives position ``pos`` of a C text that starts at line
    1, honouring ``#line N`` directives in it (the ones earlier splices left)."""
    line_no, start = 1, 0
    for m in re.finditer(r"^[ \t]*#[ \t]*line[ \t]+(\d+)[^\n]*\n", text[:pos], re.MULTILINE):
        line_no, start = int(m.group(1)), m.end()
    return line_no + text.count("\n", start, pos)


_QUOTE_INCLUDE = re.compile(r'^([ \t]*#[ \t]*include[ \t]*)"([^"/][^"]*)"', re.MULTILINE)


def anchor_includes(ctx: TUContext, text: str) -> str:
    """Quote includes that resolve next to the user's file, made absolute, so the copy in
    the workdir compiles with the user's flags alone (the evaluator's UBSan build too)."""
    base = ctx.source_path.parent

    def anchor(m: re.Match) -> str:
        target = base / m.group(2)
        return f'{m.group(1)}"{target}"' if target.is_file() else m.group(0)

    return _QUOTE_INCLUDE.sub(anchor, text)


def unanchor_includes(ctx: TUContext, text: str) -> str:
    """Inverse of ``anchor_includes`` (the model keeps seeing the user's spelling)."""
    prefix = re.escape(str(ctx.source_path.parent) + "/")
    return re.sub(rf'^([ \t]*#[ \t]*include[ \t]*)"{prefix}([^"]+)"', r'\1"\2"', text, flags=re.MULTILINE)


def write_source_program(ctx: TUContext, text: str, path: Path) -> None:
    """Write a C program text as a compilable copy that keeps the user's file name."""
    path.write_text(line_directive(ctx) + anchor_includes(ctx, text))


def read_source_program(ctx: TUContext, path: Path) -> str:
    """The C program text of ``path`` as the user would write it (no llmcc additions)."""
    return unanchor_includes(ctx, strip_line_directive(ctx, path.read_text(errors="replace")))


class Level:
    """One program level. Subclasses fill in the level-specific parts."""

    name = ""
    template = ""

    def function_text(self, program: str, function: str) -> str | None:
        raise NotImplementedError

    def context_text(self, program: str, function: str) -> str:
        """What the model sees around the function (types, globals, declarations)."""
        span = self._span(program, function)
        if span is None:
            return program[:CONTEXT_CHARS]
        before = program[:span[0]]
        return before[-CONTEXT_CHARS:]

    def _span(self, program: str, function: str) -> tuple[int, int] | None:
        raise NotImplementedError

    def extract(self, reply: str, function: str, original: str | None = None) -> str | None:
        """The rewritten definition from a model reply, or None (``original``: the current
        definition, so a block that merely quotes it is not taken for the rewrite)."""
        return extract_function(reply, function, self.name, original=original)

    def splice(self, program: str, function: str, reply: str) -> str | SpliceError:
        """The whole program with ``function`` replaced by the reply's definition."""
        span = self._span(program, function)
        new_def = self.extract(reply, function, program[span[0]:span[1]] if span else None)
        if new_def is None:
            return SpliceError("extract", f"no complete definition of '{function}' found in the reply "
                               "(put the whole function in one fenced code block)")
        if span is None:
            return SpliceError("splice", f"'{function}' is not defined in the current program")
        return program[:span[0]] + new_def + program[span[1]:]

    def lower(self, ctx: TUContext, program_path: Path, out_dir: Path, *,
              deadline: float | None = None) -> Lowered | Fallback:
        raise NotImplementedError


class SourceLevel(Level):
    """C source: rewrite the function's definition in the TU text."""

    name = "source"
    template = "source_rewrite"

    def _span(self, program: str, function: str) -> tuple[int, int] | None:
        return find_c_function(program, function)

    def function_text(self, program: str, function: str) -> str | None:
        span = self._span(program, function)
        return program[span[0]:span[1]] if span else None

    def splice(self, program: str, function: str, reply: str, *,
               header_names: Callable[[], Set[str]] | None = None,
               header_tokens: Callable[[], Set[str]] | None = None) -> str | SpliceError:
        """The rewritten definition in place of the old one, followed by a ``#line`` that
        gives the code after it its original line numbers: debug info and ``__LINE__`` of
        every untouched function stay exactly as in the user's file.

        What the reply's block adds beside the function (static helpers, tables, macros,
        types, includes the TU lacks) goes right before it; what it restates of the TU is
        left alone (a whole-file reply replaces nothing but the function). A new name that
        the TU (or, via ``header_names``, its headers) already declares is refused, unless
        the item restates a header's own declaration (``header_tokens``: ``c_tokens`` of
        every item of the preprocessed TU; the prompt's context shows such declarations)."""
        reply = reply.replace("\r\n", "\n")
        span = self._span(program, function)
        if span is None:
            return super().splice(program, function, reply)
        # Helpers an earlier rewrite of this function added are the rewrite's own: a new
        # reply may restate, change or drop them, so they are set aside and rebuilt.
        region = helper_region(program, function, span[0])
        old_helpers = program[region:span[0]] if region is not None else ""
        if region is not None:
            program = program[:region] + program[span[0]:]
            span = (region, region + span[1] - span[0])
        spliced = super().splice(program, function, reply)
        if isinstance(spliced, SpliceError):
            return spliced
        blocks = source_blocks(reply, function, original=program[span[0]:span[1]])
        added = (source_additions(program, blocks, function, header_names, header_tokens)
                 if blocks else [])
        if isinstance(added, SpliceError):
            return added
        helpers = _merge_helpers(old_helpers, added)
        if helpers:
            spliced = spliced[:span[0]] + _helper_block(function, helpers) + spliced[span[0]:]
        new_end = len(spliced) - (len(program) - span[1])
        if re.match(r"\n[ \t]*#[ \t]*line\b", spliced[new_end:]):
            return spliced   # an earlier splice's directive already follows the function
        # The rest of the closing brace's line moves to a line of its own: it keeps the
        # brace's line number, so the line after it keeps its own.
        return f"{spliced[:new_end]}\n#line {presumed_line(program, span[1])}\n{spliced[new_end:]}"

    def lower(self, ctx: TUContext, program_path: Path, out_dir: Path, *,
              deadline: float | None = None) -> Lowered | Fallback:
        """frontend -> middle_end(the user's -O pipeline) -> backend, under the original name."""
        compiler = ctx.compiler
        stem = out_dir / program_path.stem
        unopt = compiler.frontend(program_path, stem.with_suffix(".O0.bc"),
                                  flags=source_flags(ctx, program_path), deadline=deadline)
        if isinstance(unopt, Fallback):
            return unopt
        opt = compiler.middle_end(unopt.output, stem.with_suffix(".ll"), emit_text=True, deadline=deadline)
        if isinstance(opt, Fallback):
            return opt
        obj = compiler.backend(opt.output, stem.with_suffix(".o"), deadline=deadline)
        if isinstance(obj, Fallback):
            return obj
        return Lowered(obj.output, opt.output)


def _helpers_open(function: str) -> str:
    return f"/* llmcc: helpers of {function} (added by a rewrite) */\n"


def _helpers_close(function: str) -> str:
    return f"/* llmcc: end of helpers of {function} */\n"


def helper_region(program: str, function: str, start: int) -> int | None:
    """Where the helper block an earlier rewrite put right before ``function`` (defined
    at ``start``) begins, or None if there is none."""
    close = _helpers_close(function)
    if not program[:start].endswith(close):
        return None
    found = program.rfind(_helpers_open(function), 0, start - len(close))
    return None if found < 0 else found


def _helper_block(function: str, items: list[str]) -> str:
    return _helpers_open(function) + "\n\n".join(items) + "\n" + _helpers_close(function)


def _merge_helpers(old_block: str, added: list[CItem]) -> list[str]:
    """The earlier rewrite's helpers the reply does not redefine (the new function may
    still call them; an unused static helper costs nothing), then the reply's new ones."""
    inner = old_block.split("\n", 1)[1] if old_block else ""
    inner = inner[:inner.rfind("/* llmcc: end of helpers")] if inner else ""
    new_names = {name for it in added for name in it.names}
    new_tokens = {c_tokens(it.text) for it in added}
    kept = [it.text.strip() for it in c_items(inner)
            if not (set(it.names) & new_names) and c_tokens(it.text) not in new_tokens]
    return kept + [it.text.strip() for it in added]


# Directives a reply may add before the function; others (#pragma, #undef, #if groups,
# #line) are not taken from a reply: they could change how the rest of the TU compiles.
_ADDABLE_DIRECTIVES = ("include", "define")


def source_additions(program: str, blocks: list[tuple[str, bool]], function: str,
                     header_names: Callable[[], Set[str]] | None = None,
                     header_tokens: Callable[[], Set[str]] | None = None) -> list[CItem] | SpliceError:
    """What to put before ``function``: the items of the reply's code blocks that are
    new to ``program`` (helpers, tables, macros, types, includes), in the reply's order.
    ``blocks``: (text, is the block the function comes from), as ``source_blocks`` gives.

    Items the program already has (same tokens) are restated context and skipped, as are
    prototypes of functions it already declares. A new item whose name the program or its
    headers already use is refused (it would redefine or shadow something the rest of the
    TU relies on), and so is a new definition with external linkage (it would change the
    object's exported symbols) in the function's block; in another block such an item
    (a ``main`` showing how to call it, say) is an illustration and is left out."""
    block_items: list[tuple[CItem, bool]] = []
    for text, main in blocks:
        target = find_c_function(text, function) if main else None
        block_items += [(it, main) for it in c_items(text)
                        if target is None or it.end <= target[0] or it.start >= target[1]]
    if not block_items:
        return []
    program_items = c_items(program)
    known_tokens = {c_tokens(it.text) for it in program_items}
    tu_names = {name for it in program_items for name in it.names}
    program_words = functools.cache(lambda: set(re.findall(r"[A-Za-z_]\w*", program)))
    headers: Set[str] | None = None
    added: list[CItem] = []
    for item, main in block_items:
        if c_tokens(item.text) in known_tokens:
            continue
        if not main and (item.exports or (item.kind != "directive" and not item.names)):
            continue         # an example or a fragment beside the rewrite
        if item.kind == "directive" and item.directive not in _ADDABLE_DIRECTIVES:
            continue
        if function in item.names:
            if item.kind == "declaration" and len(item.names) == 1:
                continue     # a prototype of the function being rewritten
            return SpliceError("splice", f"your reply declares '{function}' a second time, in "
                               f"'{_first_line(item.text)}'; give only one definition of it")
        # A macro rewrites every later use of its name, locals and members included.
        scope = program_words() if item.directive == "define" else tu_names
        clash = [name for name in item.names if name in scope]
        if not clash and item.names and header_names is not None:
            if headers is None:
                headers = header_names()
            clash = [name for name in item.names if name in headers]
        if clash:
            if item.kind == "declaration" and (_is_prototype(item) or not main):
                continue     # the TU declares it already; or a quote of its types
            if header_tokens is not None and c_tokens(item.text) in header_tokens():
                continue     # a header's declaration, restated from the prompt's context
            return SpliceError(
                "splice", f"'{clash[0]}' (in '{_first_line(item.text)}') is already declared in "
                f"the translation unit or its headers, and your reply defines it differently. "
                f"Only '{function}' may change: give new helpers, tables and macros names that "
                f"are not used yet, and leave the rest of the file as it is")
        if item.exports:
            return SpliceError(
                "splice", f"the new '{item.names[0] if item.names else _first_line(item.text)}' "
                f"would be a new exported symbol: declare new helpers and tables 'static'")
        if item.kind != "directive" and not item.names:
            continue         # nothing it declares can be used (e.g. a stray block)
        added.append(item)
    return added


def _is_prototype(item: CItem) -> bool:
    """A declaration of functions only (no object, no body, no type definition)."""
    bare = item.text.strip()
    return ("{" not in bare and "=" not in bare and not re.match(r"typedef\b", bare)
            and re.search(r"\w\s*\(", bare) is not None and not re.search(r"\(\s*\*", bare))


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:80]


class IRLevel(Level):
    """LLVM IR: swap the function's ``define`` block; bring along new declarations."""

    name = "ir"
    template = "ir_rewrite"

    def _span(self, program: str, function: str) -> tuple[int, int] | None:
        return find_ir_function(program, function)

    def function_text(self, program: str, function: str) -> str | None:
        span = self._span(program, function)
        return program[span[0]:span[1]] if span else None

    def context_text(self, program: str, function: str) -> str:
        """Type definitions, globals and declarations: what the function may refer to."""
        keep = [line for line in program.splitlines()
                if line.startswith(("%", "@", "declare ", "target "))]
        return "\n".join(keep)[:CONTEXT_CHARS]

    def splice(self, program: str, function: str, reply: str) -> str | SpliceError:
        spliced = super().splice(program, function, reply)
        if isinstance(spliced, SpliceError):
            return spliced
        span = self._span(program, function)
        block = extract_block_defining(reply, function, self.name,
                                       original=program[span[0]:span[1]] if span else None) or ""
        spliced = _add_missing_declarations(spliced, ir_declarations(block))
        additions = ir_additions(program, block, function)
        if isinstance(additions, SpliceError):
            return additions
        if additions:
            spliced = spliced.rstrip("\n") + "\n\n" + "\n\n".join(additions) + "\n"
        spliced = _drop_dangling_metadata(spliced, function)
        problem = parse_ir_problem(spliced, reply)
        if problem:
            return SpliceError("compile", f"the module does not parse/verify with the new function: {problem}")
        return spliced

    def lower(self, ctx: TUContext, program_path: Path, out_dir: Path, *,
              deadline: float | None = None) -> Lowered | Fallback:
        obj = ctx.compiler.backend(program_path, out_dir / (program_path.stem + ".o"), deadline=deadline)
        if isinstance(obj, Fallback):
            return obj
        return Lowered(obj.output, program_path)


_IR_GLOBAL = re.compile(r'^[ \t]*@("[^"]+"|[-\w.$]+)[ \t]*=[^\n]*$', re.MULTILINE)
_IR_DEFINE = re.compile(r'^[ \t]*define\b[^\n]*?@("[^"]+"|[-\w.$]+)\(', re.MULTILINE)
_LOCAL_LINKAGE = re.compile(r"=\s*(?:private|internal)\b|^[ \t]*define\s+(?:private|internal)\b")


def ir_additions(module: str, block: str, function: str) -> list[str] | SpliceError:
    """New globals (a lookup table) and new helper functions the reply's block defines
    beside ``function``, to append to the module. Restated ones are skipped (the rest of
    the module is not replaced); a new one must be ``private``/``internal`` (no new
    exported symbol); one whose name the module already uses differently is refused."""
    known_globals = {m.group(1): " ".join(m.group(0).split()) for m in _IR_GLOBAL.finditer(module)}
    known_functions = set(re.findall(r'^[ \t]*(?:define|declare)\b[^\n]*?@("[^"]+"|[-\w.$]+)\(',
                                     module, re.MULTILINE))
    out: list[str] = []
    for m in _IR_GLOBAL.finditer(block):
        name, text = m.group(1), " ".join(m.group(0).split())
        if known_globals.get(name) == text:
            continue
        if name in known_globals or name in known_functions:
            return SpliceError("splice", f"@{name} already exists in the module with another "
                               f"definition: new globals need new names")
        if not _LOCAL_LINKAGE.search(text):
            return SpliceError("splice", f"the new global @{name} would be a new exported symbol: "
                               "give it private or internal linkage")
        out.append(text)
    for m in _IR_DEFINE.finditer(block):
        name = m.group(1)
        if name.strip('"') == function or name in known_functions:
            continue     # the rewrite itself, or a restated function (not replaced)
        span = find_ir_function(block, name.strip('"'))
        if span is None:
            continue
        if not _LOCAL_LINKAGE.search(block[span[0]:span[1]].split("\n", 1)[0]):
            return SpliceError("splice", f"the new function @{name} would be a new exported symbol: "
                               "define it private or internal")
        out.append(textwrap.dedent(block[block.rfind("\n", 0, span[0]) + 1:span[1]]))
    return out


def _add_missing_declarations(module: str, declarations: list[str]) -> str:
    """Append the reply's ``declare`` lines for functions the module does not know yet."""
    missing = []
    for decl in declarations:
        m = re.search(r'@("?[^\s("]+"?)\(', decl)
        if m and not re.search(rf"^(?:declare|define)\b[^\n]*@{re.escape(m.group(1))}\(", module, re.MULTILINE):
            missing.append(decl)
    return module + ("\n" + "\n".join(missing) + "\n" if missing else "")


def _drop_dangling_metadata(module: str, function: str) -> str:
    """Remove metadata attachments (``, !tbaa !7``) in the rewritten function that name
    metadata the module does not define. Dropping TBAA/loop/range hints only weakens
    what the optimizer may assume, so it never changes the program's meaning."""
    span = find_ir_function(module, function)
    if span is None:
        return module
    defined = set(re.findall(r"^!(\d+)\s*=", module, re.MULTILINE))
    body = module[span[0]:span[1]]

    def keep_or_drop(m: re.Match) -> str:
        return m.group(0) if m.group(2) in defined else ""

    body = re.sub(r",\s*!([A-Za-z_.][\w.]*)\s+!(\d+)", keep_or_drop, body)
    return module[:span[0]] + body + module[span[1]:]


_VOLATILE_ACCESS = re.compile(r"\b(?:load|store|atomicrmw|cmpxchg)\s+volatile\b|"
                              r"@llvm\.mem(?:cpy|move|set)[\w.]*\([^\n]*,\s*i1 true\)")


def volatile_accesses(module: str, function: str) -> int | None:
    """Static count of volatile memory operations in ``function``'s IR (None: not found).

    Differential tests cannot see a dropped volatile access (the outputs agree), so a
    rewrite with fewer volatile operations than its input is rejected outright."""
    span = find_ir_function(module, function)
    if span is None:
        return None
    return len(_VOLATILE_ACCESS.findall(module[span[0]:span[1]]))


def parse_ir_problem(module: str, reply: str = "") -> str | None:
    """None if ``module`` parses and verifies with llvmlite; else the first error.

    Model-written IR can crash llvmlite (an assertion abort()s the process), so the parse
    runs in a contained child (``llmcc.untrusted``). A crash rejects the sample, and the
    cached reply that caused it (``reply``: its text) is marked bad so no rebuild replays it."""
    from ..untrusted import check_ir
    checked = check_ir(module)
    if checked.ok:
        return None
    if checked.crashed and reply:
        from ..llm.client import quarantine_reply
        quarantine_reply(reply, checked.problem)
    return checked.problem or "invalid IR"


class AsmLevel(Level):
    """x86-64 assembly: replace the instructions between the function's label and its end."""

    name = "asm"
    template = "asm_rewrite"

    def _span(self, program: str, function: str) -> tuple[int, int] | None:
        return find_asm_body(program, function)

    def function_text(self, program: str, function: str) -> str | None:
        span = self._span(program, function)
        return f"{function}:\n{program[span[0]:span[1]]}" if span else None

    def context_text(self, program: str, function: str) -> str:
        """Constant pools and data the body may reference by label."""
        consts = re.findall(r"^\.LCPI[^\n]*\n(?:[ \t]+\.[^\n]*\n)+", program, re.MULTILINE)
        return "".join(consts)[:CONTEXT_CHARS]

    def extract(self, reply: str, function: str, original: str | None = None) -> str | None:
        """The new instructions; constants the reply puts in a data section are not part
        of them (``splice`` moves them to the end of the program)."""
        body = super().extract(reply, function, original)
        return None if body is None else intel_wrapped(split_asm_data(body)[0])

    def splice(self, program: str, function: str, reply: str) -> str | SpliceError:
        spliced = super().splice(program, function, reply)
        if isinstance(spliced, SpliceError):
            return spliced
        span = self._span(program, function)
        body = super().extract(reply, function, program[span[0]:span[1]] if span else None)
        data = split_asm_data(body or "")[1]
        if data:
            # In the function's place the data would sit between its label and its end
            # label in another section (``.size`` could not be computed); at the end of
            # the program it is just one more constant pool.
            spliced = spliced.rstrip("\n") + "\n" + data
        # The original body opened the CFI frame; keep it opened if the rewrite dropped it,
        # since the original's .cfi_endproc stays in place.
        span = self._span(program, function)
        original = program[span[0]:span[1]] if span else ""
        new_span = self._span(spliced, function)
        if new_span and ".cfi_startproc" in original and ".cfi_startproc" not in spliced[new_span[0]:new_span[1]]:
            spliced = spliced[:new_span[0]] + "\t.cfi_startproc\n" + spliced[new_span[0]:]
        return spliced

    def lower(self, ctx: TUContext, program_path: Path, out_dir: Path, *,
              deadline: float | None = None) -> Lowered | Fallback:
        obj = ctx.compiler.assemble(program_path, out_dir / (program_path.stem + ".o"), deadline=deadline)
        if isinstance(obj, Fallback):
            return obj
        return Lowered(obj.output)


_INTEL_OPERANDS = re.compile(r"^[ \t]*[a-z][a-z0-9.]*[ \t]+(?:[re]?[abcd]x|[re]?[sd]i|[re]?[sb]p|r\d+[dwb]?|[xyz]mm\d+)"
                             r"[ \t]*,", re.MULTILINE | re.IGNORECASE)


def intel_wrapped(body: str) -> str:
    """An Intel-syntax body (``mov eax, edi``: bare register names, destination first,
    as models write when they think in NASM) between ``.intel_syntax noprefix`` and
    ``.att_syntax prefix``, so the rest of clang's AT&T program is read as before. A body
    with any ``%`` register is AT&T and is left alone."""
    if "%" in body or ".intel_syntax" in body or not _INTEL_OPERANDS.search(body):
        return body
    return f"\t.intel_syntax noprefix\n{body.rstrip()}\n\t.att_syntax prefix\n"


_DATA_SECTION = re.compile(r"^[ \t]*\.(?:section[ \t]+(?!\.?text\b)|data\b|bss\b|rodata\b)")
_TEXT_SECTION = re.compile(r"^[ \t]*\.(?:text\b|section[ \t]+\.?text\b|previous\b|popsection\b)")


def split_asm_data(body: str) -> tuple[str, str]:
    """(instructions, data sections) of an asm body: lines from a data-section directive
    up to the next ``.text`` (dropped) are data; everything else is code."""
    code: list[str] = []
    data: list[str] = []
    in_data = False
    for line in body.splitlines(keepends=True):
        if _DATA_SECTION.match(line):
            in_data = True
        elif in_data and _TEXT_SECTION.match(line):
            in_data = False
            continue
        (data if in_data else code).append(line)
    text = "".join(data)
    return "".join(code), text if not text or text.endswith("\n") else text + "\n"


LEVEL_BY_NAME: dict[str, Level] = {lv.name: lv for lv in (SourceLevel(), IRLevel(), AsmLevel())}


def c_function_of(ctx: TUContext, function: str) -> str | None:
    """The user's C definition of ``function`` (shown to IR/asm agents for meaning)."""
    try:
        text = ctx.source_path.read_text(errors="replace")
    except OSError:
        return None
    return SourceLevel().function_text(text, function)


def formal_verdict(ctx: TUContext, candidate_ir: str, function: str) -> Any:
    """The formal IR check (alive-tv or the built-in SMT checker) of ``function`` in
    ``candidate_ir`` against the *original* TU's function, as a ``Verdict``; an absent or
    crashing checker is ``inconclusive``, never a pass."""
    from ..verify.verdict import Verdict, VerdictKind
    try:
        from ..verify.evaluate import formal_against_baseline
    except ImportError:
        return Verdict(VerdictKind.INCONCLUSIVE, "formal", "formal checker not available")
    try:
        return formal_against_baseline(ctx, candidate_ir, function)
    except Exception as e:  # a checker bug must not let a candidate through or crash the agent
        log.warning("formal check of %s crashed: %s", function, e)
        return Verdict(VerdictKind.INCONCLUSIVE, "formal", f"checker error: {e}")
