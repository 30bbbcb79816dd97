"""Pulling code out of model replies, and finding one function inside a program text.

Model replies are untrusted prose: code may sit in several fenced blocks, with or without
a language tag, surrounded by explanations, or be cut off by the token limit. Everything
here is pure text processing (no compiler, no model) so it is cheap and testable.

Three program levels share one vocabulary:

* ``"source"``: C. A definition is found with a brace matcher that ignores comments,
  string/char literals and preprocessor lines. Old-style (K&R) definitions
  (``int f(a, b) int a; char *b; { ... }``, all of zlib 1.2.13) and macro-named ones
  (``int BZ_API(BZ2_bzWrite)(...) { ... }``, bzip2) are definitions too.
* ``"ir"``: LLVM IR. A definition is the ``define ... @name(...) ... {`` line through the
  closing ``}`` line (indentation tolerated: replies are not always flush left).
* ``"asm"``: x86-64 AT&T assembly as clang emits it. The body is the lines after the
  ``name:`` label up to the function's end label (``.Lfunc_endN:``) or ``.size name``.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

LEVELS = ("source", "ir", "asm")

# An opening fence: three or more backticks or tildes, an optional info string.
_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+.-]*)[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block of a reply. ``closed`` is False when the reply ended inside it."""

    lang: str
    text: str
    closed: bool


def code_blocks(reply: str) -> list[CodeBlock]:
    """All fenced code blocks of ``reply`` in order, including a trailing unclosed one."""
    blocks: list[CodeBlock] = []
    pos = 0
    while True:
        m = _FENCE_OPEN.search(reply, pos)
        if m is None:
            return blocks
        fence, lang = m.group(1), m.group(2).lower()
        body_start = m.end() + 1
        # The closing fence uses the same character, at least as long, alone on its line.
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        c = close.search(reply, body_start) if body_start <= len(reply) else None
        if c is None:
            blocks.append(CodeBlock(lang, reply[body_start:], closed=False))
            return blocks
        blocks.append(CodeBlock(lang, reply[body_start:c.start()], closed=True))
        pos = c.end()


# --------------------------------------------------------------------------- C source


def mask_c(text: str, *, branch: str = "first") -> str:
    """``text`` with comments, string/char literals and preprocessor lines blanked to
    spaces (newlines kept), so brace/paren matching sees only real code. Same length.

    A preprocessor line's ``#`` becomes ``;`` so it still separates top-level
    declarations (the start of a definition never reaches back into an ``#include``).
    Only one branch of an ``#if``/``#elif``/``#else`` group is kept (``branch``: "first"
    or "last"): the others are blanked too, since each branch may open its own brace
    (zlib's trees.c does). Which branch the compiler takes is not known here."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True
    groups: list[bool] = []     # per open #if: are we past its first branch?
    while i < n:
        ch = text[i]
        if ch == "\n":
            at_line_start = True
            i += 1
            continue
        if at_line_start and ch in " \t":
            i += 1
            continue
        if at_line_start and ch == "#":
            j = i
            while j < n and not (text[j] == "\n" and text[j - 1] != "\\"):
                j += 1
            _track_conditional(text[i + 1:j], groups, keep_last=branch == "last")
            _blank(out, i, j)
            out[i] = ";"
            i = j
            continue
        if at_line_start and any(groups):      # a later branch of a conditional: not code
            j = text.find("\n", i)
            j = n if j < 0 else j
            _blank(out, i, j)
            i = j
            continue
        at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            _blank(out, i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            _blank(out, i, j)
            i = j
        elif ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            _blank(out, i, j)
            i = j
        else:
            i += 1
    return "".join(out)


def _track_conditional(directive: str, groups: list[bool], *, keep_last: bool) -> None:
    """Update the open-conditional stack (True: skipping) for one preprocessor line (the
    text after ``#``). ``keep_last``: skip every branch but the last (``#else``) one, else
    every branch but the first."""
    word = directive.strip().split(None, 1)[0] if directive.strip() else ""
    if word in ("if", "ifdef", "ifndef"):
        groups.append(keep_last)
    elif word in ("elif", "elifdef", "elifndef") and groups:
        groups[-1] = True
    elif word == "else" and groups:
        groups[-1] = not keep_last
    elif word == "endif" and groups:
        groups.pop()


def _blank(chars: list[str], start: int, end: int) -> None:
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def _match_close(masked: str, open_pos: int, open_ch: str, close_ch: str) -> int | None:
    """Index just past the bracket closing the one at ``open_pos``; None if unbalanced."""
    depth = 0
    for k in range(open_pos, len(masked)):
        c = masked[k]
        if c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return k + 1
    return None


_ATTRIBUTE = re.compile(r"\s*(__attribute__\s*\(|__asm__\s*\(|asm\s*\()")


def find_c_function(text: str, name: str) -> tuple[int, int] | None:
    """(start, end) character offsets of the definition of C function ``name`` in
    ``text``: from its first declaration specifier to just past its closing brace.
    Comments before the definition are not part of it. Prototype-style, K&R and
    macro-named (``BZ_API(name)(...)``) definitions are found. None if there is no
    definition (only declarations, a macro-generated function, unbalanced braces).
    A definition inside an ``#if`` group is looked for in its first branch, then in its
    ``#else`` branch."""
    return _find_c_function(mask_c(text), name) or _find_c_function(mask_c(text, branch="last"), name)


def _find_c_function(masked: str, name: str) -> tuple[int, int] | None:
    depth = 0
    boundary = 0          # just past the last top-level ';' or '}'
    i = 0
    # The name and its parameter list's '(' ; or MACRO(name) and then the '('.
    pattern = re.compile(rf"{re.escape(name)}\s*\(|[A-Za-z_]\w*\s*\(\s*{re.escape(name)}\s*\)\s*\(")
    while i < len(masked):
        c = masked[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                boundary = i + 1
        elif c == ";" and depth == 0:
            boundary = i + 1
        elif depth == 0 and (i == 0 or not _is_ident(masked[i - 1])) and (m := pattern.match(masked, i)):
            body = _definition_body(masked, m.end() - 1)
            if body is not None:
                start = boundary + (len(masked[boundary:i]) - len(masked[boundary:i].lstrip()))
                return start, body
            i = m.end()
            continue
        i += 1
    return None


def _is_ident(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# An old-style parameter list: identifiers only, at least one.
_KR_PARAMS = re.compile(r"\(\s*[A-Za-z_]\w*\s*(?:,\s*[A-Za-z_]\w*\s*)*\)")


def _definition_body(masked: str, paren: int) -> int | None:
    """Given the '(' after a function name, the end of the definition if one follows
    (parameter list, optional attributes / asm labels, K&R parameter declarations, then
    a braced body)."""
    after_params = _match_close(masked, paren, "(", ")")
    if after_params is None:
        return None
    k = after_params
    while (a := _ATTRIBUTE.match(masked, k)) is not None:
        end = _match_close(masked, a.end() - 1, "(", ")")
        if end is None:
            return None
        k = end
    while k < len(masked) and masked[k].isspace():
        k += 1
    if k < len(masked) and masked[k] != "{" and _KR_PARAMS.fullmatch(masked, paren, after_params):
        k = _kr_declarations_end(masked, k)
        if k is None:
            return None
    if k >= len(masked) or masked[k] != "{":
        return None      # a declaration or a call
    return _match_close(masked, k, "{", "}")


def _kr_declarations_end(masked: str, k: int) -> int | None:
    """Position of the body's '{' after K&R parameter declarations starting at ``k``
    (``int a; char *b;``: declarations ending in ';', no braces, no initializers), or None."""
    saw_declaration = False
    while k < len(masked):
        semi = masked.find(";", k)
        brace = masked.find("{", k)
        if brace != -1 and (semi == -1 or brace < semi):
            gap = masked[k:brace]
            return brace if saw_declaration and not gap.strip() else None
        if semi == -1:
            return None
        declaration = masked[k:semi]
        if not re.search(r"[A-Za-z_]", declaration) or any(ch in declaration for ch in "{}="):
            return None
        saw_declaration = True
        k = semi + 1
        while k < len(masked) and masked[k].isspace():
            k += 1
    return None


# --------------------------------------------------------------------------- LLVM IR


def _ir_name_pattern(name: str) -> str:
    quoted = re.escape(name)
    return rf'@(?:{quoted}|"{quoted}")\('


def find_ir_function(text: str, name: str) -> tuple[int, int] | None:
    """(start, end) of ``define ... @name(...) {`` through its closing ``}`` line."""
    # The header is one line, or reflowed over several (then without braces before the body's).
    m = re.search(rf"^[ \t]*define\b[^\n]*{_ir_name_pattern(name)}(?:[^\n]*|[^{{}}]*?)\{{[ \t]*$",
                  text, re.MULTILINE)
    if m is None:
        return None
    close = re.compile(r"^[ \t]*\}[ \t]*$", re.MULTILINE).search(text, m.end())
    if close is None:
        return None
    return m.start(), close.end()


def ir_declarations(text: str) -> list[str]:
    """The ``declare`` lines of an IR text (so a rewrite may bring in new intrinsics)."""
    return [d.strip() for d in re.findall(r"^[ \t]*declare\b[^\n]*$", text, re.MULTILINE)]


# --------------------------------------------------------------------------- assembly


def find_asm_body(text: str, name: str, *, open_ended: bool = False) -> tuple[int, int] | None:
    """(start, end) of a function's body in clang's x86-64 assembly: the lines after
    the ``name:`` label up to the function's end label / ``.size`` / ``.cfi_endproc``
    (exclusive). The body may contain local labels and constants referenced by name.
    ``open_ended``: a missing end marker means "to the end of the text" (model replies
    often show just the label and the instructions)."""
    label = re.search(rf"^[ \t]*{re.escape(name)}:[^\n]*\n", text, re.MULTILINE)
    if label is None:
        return None
    end = re.compile(
        rf"^(?:[ \t]*\.Lfunc_end\d+:|[ \t]*\.size[ \t]+{re.escape(name)}\s*,|[ \t]*\.cfi_endproc\b|"
        rf"[ \t]*#\s*--\s*End function)", re.MULTILINE).search(text, label.end())
    if end is None:
        return (label.end(), len(text)) if open_ended else None
    return label.end(), end.start()


# --------------------------------------------------------------------------- replies


_LEVEL_TAGS = {
    "source": ("c", "h", "cpp", "c++", "cc"),
    "ir": ("llvm", "ll", "llvm-ir", "ir"),
    "asm": ("asm", "s", "x86asm", "assembly", "gas", "nasm", "x86", "x86-64"),
}


def extract_function(reply: str, name: str, level: str, *, original: str | None = None) -> str | None:
    """The rewritten definition of ``name`` at ``level`` from a model reply, or None if
    the reply holds no complete definition (a truncated reply is invalid).

    Preference: a closed fenced block that defines ``name``, tagged for this level if
    several do, the last such block if still tied (models revise as they go). A block
    that only quotes ``original`` (the current definition, "for comparison") loses to one
    that changes it. A reply without any fence is accepted only if it defines ``name`` as
    a whole."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    reply = reply.replace("\r\n", "\n")
    if not code_blocks(reply):
        return _definition_in(reply, name, level)
    chosen = _choose_block(reply, name, level, original)
    return None if chosen is None else chosen[1]


def extract_block_defining(reply: str, name: str, level: str, *,
                           original: str | None = None) -> str | None:
    """The whole closed block (not just the definition) that defines ``name``: used to
    bring along helpers the model wrote next to it (IR ``declare`` lines). Same choice
    as ``extract_function``."""
    reply = reply.replace("\r\n", "\n")
    if not code_blocks(reply):
        return reply if _definition_in(reply, name, level) else None
    chosen = _choose_block(reply, name, level, original)
    return None if chosen is None else chosen[0].text


def _choose_block(reply: str, name: str, level: str, original: str | None) -> tuple[CodeBlock, str] | None:
    defining = [(b, d) for b in code_blocks(reply) if b.closed and (d := _definition_in(b.text, name, level))]
    if original is not None:
        same = _normal_form(original, level)
        changed = [(b, d) for b, d in defining if _normal_form(d, level) != same]
        defining = changed or defining
    if not defining:
        return None
    tagged = [(b, d) for b, d in defining if b.lang in _LEVEL_TAGS[level]]
    return (tagged or defining)[-1]


def _normal_form(code: str, level: str) -> str:
    return c_tokens(code) if level == "source" else " ".join(code.split())


def source_blocks(reply: str, name: str, *, original: str | None = None) -> list[tuple[str, bool]]:
    """The C code blocks of a reply in order, each with whether it is the block the
    rewritten ``name`` is taken from (``extract_block_defining``). Other blocks that
    define ``name`` (a quote of the original, an earlier draft) are left out; blocks
    tagged for another language are too. Models often put a table or a helper in a block
    of its own before or after the function."""
    reply = reply.replace("\r\n", "\n")
    chosen = extract_block_defining(reply, name, "source", original=original)
    if chosen is None:
        return []
    blocks = [b for b in code_blocks(reply) if b.closed]
    if not blocks:
        return [(chosen, True)]
    out: list[tuple[str, bool]] = []
    taken = False
    for b in reversed(blocks):     # the chosen block is the last one with its text
        if b.text == chosen and not taken:
            out.append((b.text, True))
            taken = True
        elif (b.lang in _LEVEL_TAGS["source"] or not b.lang) and find_c_function(b.text, name) is None:
            out.append((b.text, False))
    return out[::-1]


def _definition_in(text: str, name: str, level: str) -> str | None:
    if level == "source":
        span = find_c_function(text, name)
    elif level == "ir":
        span = find_ir_function(text, name)
    else:
        span = find_asm_body(text, name, open_ended=True)
        if span is not None:
            body = text[span[0]:span[1]]
            return body if _has_instruction(body) else None
    if span is None:
        return None
    if level == "ir":
        # An indented reply (a block nested in a list item) goes in flush left, as the
        # module's other definitions are.
        line_start = text.rfind("\n", 0, span[0]) + 1
        return textwrap.dedent(text[line_start:span[1]])
    return text[span[0]:span[1]]


def _has_instruction(asm_body: str) -> bool:
    """True if an asm body holds at least one instruction (not only labels/comments)."""
    for line in asm_body.splitlines():
        s = line.split("#", 1)[0].strip()
        if s and not s.endswith(":") and not s.startswith("."):
            return True
    return False


# --------------------------------------------------------------------------- "no improvement"

# How models say they leave a function alone. Looked for only in replies that bring no
# usable rewrite, so a phrase inside an explanation of a real rewrite changes nothing.
_NO_IMPROVEMENT = re.compile(
    r"\bno\s+(?:further\s+|meaningful\s+|significant\s+|obvious\s+|safe\s+|substantial\s+)*"
    r"(?:improvements?|optimi[sz]ations?|speed-?ups?|changes?\s+(?:are\s+)?(?:needed|necessary|required))\b"
    r"|\balready\s+(?:(?:near|close\s+to|essentially|well|fully|highly|very|quite)[\s-]+)*"
    r"(?:optimal|optimi[sz]ed|efficient|as\s+fast)"
    r"|\b(?:cannot|can\s*not|can't|couldn't|could\s+not|unable\s+to)\s+(?:be\s+)?"
    r"(?:further\s+|meaningfully\s+|significantly\s+|safely\s+)*(?:improved?|optimi[sz]ed?|made\s+faster|faster|speed)"
    r"|\b(?:don't|do\s+not|doesn't|does\s+not)\s+(?:think|see|believe|expect)\b[^.\n]{0,60}?"
    r"\b(?:improv|faster|speed|optimi[sz]|gain)"
    r"|\bnothing\s+(?:left\s+)?to\s+(?:improve|optimi[sz]e|gain)"
    r"|\b(?:leave|keep)\s+(?:it|the\s+(?:function|code))\s+(?:as\s+is|unchanged)",
    re.IGNORECASE)


def no_improvement_statement(reply: str) -> str | None:
    """The sentence in which a reply says the function cannot be made faster, or None.

    Code blocks are ignored (a model often quotes the unchanged function next to its
    verdict); the caller asks only when the reply yields no usable rewrite."""
    prose = reply
    for block in code_blocks(reply):
        prose = prose.replace(block.text, " ")
    m = _NO_IMPROVEMENT.search(prose)
    if m is None:
        return None
    start = max(prose.rfind(".", 0, m.start()), prose.rfind("\n", 0, m.start())) + 1
    end_candidates = [i for i in (prose.find(".", m.end()), prose.find("\n", m.end())) if i >= 0]
    end = min(end_candidates) + 1 if end_candidates else len(prose)
    return " ".join(prose[start:end].split())[:300]


# --------------------------------------------------------------------------- C file-scope items


@dataclass(frozen=True)
class CItem:
    """One file-scope item of a C text: a preprocessor directive, a function definition,
    or a declaration (types, tables, prototypes, globals) up to its ';'."""

    kind: str                 # "directive" | "function" | "declaration"
    text: str                 # the original text
    start: int
    end: int
    names: tuple[str, ...]    # ordinary identifiers and tags it declares (macro name for #define)
    exports: bool = False     # defines a function or object with external linkage

    @property
    def directive(self) -> str:
        """``include``, ``define``, ``if``... for a directive, else ""."""
        if self.kind != "directive":
            return ""
        m = re.match(r"\s*#\s*(\w*)", self.text)
        return m.group(1) if m else ""


_ATTR_SPEC = re.compile(r"\b(?:__attribute__|__declspec)\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\)")
_C_WORDS = frozenset("""auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Bool _Complex _Alignas _Alignof _Atomic _Noreturn _Static_assert
_Thread_local __inline __inline__ __restrict __restrict__ __const __volatile__ __extension__ bool
__asm__ asm __int128 typeof __typeof__ _Float16 __thread""".split())


def c_items(text: str) -> list[CItem]:
    """The file-scope items of ``text`` in order. Comments between items belong to none;
    a K&R definition comes out as several pieces (its parameter declarations end in ';'),
    which compares equal between two texts all the same."""
    masked = mask_c(text)
    items: list[CItem] = []
    n = len(text)
    pos = 0
    while pos < n:
        while pos < n and masked[pos].isspace():
            pos += 1
        if pos >= n:
            break
        line_start = text.rfind("\n", 0, pos) + 1
        if text[pos] == "#" and not text[line_start:pos].strip():
            end = pos
            while end < n and not (text[end] == "\n" and text[end - 1] != "\\"):
                end += 1
            items.append(_directive_item(text, pos, end))
            pos = end
            continue
        if masked[pos] in ";}":
            pos += 1
            continue
        end, is_function = _item_end(masked, pos)
        piece = text[pos:end]
        if is_function:
            head = masked[pos:masked.index("{", pos)]
            name = _function_name(head)
            items.append(CItem("function", piece, pos, end, (name,) if name else (),
                               exports=not re.search(r"\bstatic\b", head)))
        else:
            names, exports = _declared_names(masked[pos:end])
            items.append(CItem("declaration", piece, pos, end, names, exports))
        pos = end
    return items


def _directive_item(text: str, start: int, end: int) -> CItem:
    piece = text[start:end]
    m = re.match(r"\s*#\s*(?:define|undef)\s+([A-Za-z_]\w*)", piece)
    return CItem("directive", piece, start, end, (m.group(1),) if m else ())


def _item_end(masked: str, pos: int) -> tuple[int, bool]:
    """End of the item starting at ``pos`` (past its ';' or a function body's '}') and
    whether it is a function definition."""
    depth = 0
    brace_open = -1
    k = pos
    while k < len(masked):
        c = masked[k]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "{":
            if depth == 0 and brace_open < 0:
                brace_open = k
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and brace_open >= 0 and _is_function_head(masked[pos:brace_open]):
                return k + 1, True
        elif c == ";" and depth == 0:
            return k + 1, False
        k += 1
    return len(masked), False


_TYPE_HEAD = re.compile(r"(?:[A-Za-z_]\w*\s+)*(?:struct|union|enum)\b\s*[A-Za-z_]?\w*\s*", re.S)


def _is_function_head(head: str) -> bool:
    """Does the text before a '{' end a function declarator (not ``struct s``/``= {``)?"""
    bare = _ATTR_SPEC.sub(" ", head).strip()
    if "=" in bare or _TYPE_HEAD.fullmatch(bare) or re.match(r"typedef\b", bare):
        return False
    return bare.endswith(")")


def _function_name(head: str) -> str | None:
    bare = _ATTR_SPEC.sub(" ", head)
    m = re.search(r"\b([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\s*\)\s*\(", bare)   # MACRO(name)(...)
    if m and m.group(2) not in _C_WORDS and not re.search(rf"\b{m.group(1)}\s*\(", bare[:m.start()]):
        first = re.search(r"\b([A-Za-z_]\w*)\s*\(", bare)
        if first and first.start() == m.start() and m.group(1).isupper():
            return m.group(2)
    first = re.search(r"\(\s*\*+\s*([A-Za-z_]\w*)\s*\)\s*\(|\b([A-Za-z_]\w*)\s*\(", bare)
    if first is None:
        return None
    return first.group(1) or first.group(2)


def _declared_names(masked: str) -> tuple[tuple[str, ...], bool]:
    """Identifiers a declaration declares (tags, enumerators, declarators) and whether it
    defines an object or function with external linkage."""
    text = _ATTR_SPEC.sub(" ", masked).rstrip().rstrip(";")
    names: list[str] = []
    for tag in re.finditer(r"\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{", text):
        names.append(tag.group(2))
    for body in re.finditer(r"\benum\b[^{;]*\{([^{}]*)\}", text):
        names += [e.split("=")[0].strip() for e in body.group(1).split(",") if e.strip()]
    flat = _drop_braces(text)
    head_words = set(re.findall(r"[A-Za-z_]\w*", flat.split("(")[0]))
    is_typedef = "typedef" in head_words
    linkage = not ({"static", "extern"} & head_words) and not is_typedef
    exports = False
    for declarator in _split_top(flat, ","):
        declarator = _split_top(declarator, "=")[0]
        declarator = re.sub(r"\[[^\]]*\]", "[]", declarator)
        fp = re.search(r"\(\s*\*+\s*(?:const\s+)?([A-Za-z_]\w*)\s*\)", declarator)
        fn = re.search(r"\b([A-Za-z_]\w*)\s*\(", declarator)
        if fp:
            name, is_function = fp.group(1), False
        elif fn:
            name, is_function = fn.group(1), True
        else:
            words = [w for w in re.findall(r"[A-Za-z_]\w*", declarator) if w not in _C_WORDS]
            if not words or (len(words) == 1 and re.search(r"\b(?:struct|union|enum)\s*$",
                                                           declarator[:declarator.rfind(words[0])])):
                continue         # ``struct s;`` or a bare type: a tag, not an object
            name, is_function = words[-1], False
        if name in _C_WORDS:
            continue
        names.append(name)
        if linkage and not is_function:
            exports = True
    return tuple(dict.fromkeys(names)), exports


def _drop_braces(text: str) -> str:
    out, depth = [], 0
    for c in text:
        if c == "{":
            depth += 1
            if depth == 1:
                out.append(" ")
        elif c == "}":
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside parentheses and brackets."""
    parts, depth, last = [], 0, 0
    for k, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[last:k])
            last = k + 1
    parts.append(text[last:])
    return parts


_C_TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|[A-Za-z_]\w*|\d[\w.]*|\S')
_C_COMMENT = re.compile(r'//[^\n]*|/\*.*?\*/|("(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\')', re.S)


def c_tokens(text: str) -> str:
    """``text`` as a token string without comments or layout (two items that differ only
    in formatting or comments compare equal)."""
    bare = _C_COMMENT.sub(lambda m: m.group(1) or " ", text.replace("\\\n", " "))
    return " ".join(_C_TOKEN.findall(bare))
