"""Soundness by mutation: mutate the target of correct pairs (constants, operand order,
predicates, flags, dropped instructions, replaced operands) and check every PROVED verdict
against brute-force evaluation over all inputs at small bit widths. Zero wrong PROVED.
REFUTED verdicts are checked the same way (the counterexample must be a real one)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from conftest import alive2_fixtures

from llmcc.verify.smt import check_refinement
from llmcc.verify.smt.ir import find_function, parse_module
from llmcc.verify.verdict import VerdictKind

from test_smt_interp import CORPUS, NotModelled, find_violation

FIXTURES = alive2_fixtures()
PREDICATES = ["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"]
FLAGGABLE = {"add": ["nsw", "nuw"], "sub": ["nsw", "nuw"], "mul": ["nsw", "nuw"],
             "shl": ["nsw", "nuw"], "udiv": ["exact"], "sdiv": ["exact"], "lshr": ["exact"],
             "ashr": ["exact"], "or": ["disjoint"]}
MUTANTS_PER_PAIR = 30


def _narrowed_fixture(name: str) -> str:
    """Correct fixture pairs at i8 so brute force stays cheap."""
    return (FIXTURES / f"{name}.srctgt.ll").read_text().replace("i32", "i8").replace("i64", "i8")


def correct_pairs() -> list[tuple[str, str]]:
    pairs = [(p.stem, p.read_text()) for p in CORPUS]
    if FIXTURES.is_dir():
        pairs += [(n, _narrowed_fixture(n)) for n in ("01_correct_mul_shl", "04_correct_nsw_fold",
                                                      "09_twofile_pair")
                  if (FIXTURES / f"{n}.srctgt.ll").exists()]
        two = ((FIXTURES / "09_twofile_src.ll").read_text().replace("@f", "@src")
               + (FIXTURES / "09_twofile_tgt.ll").read_text().replace("@f", "@tgt"))
        pairs.append(("09_twofile", two))
    return pairs


def _split_tgt(text: str) -> tuple[str, list[str], str]:
    """(text before @tgt's body, body lines, text after)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("define") and "@tgt(" in ln)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("}"))
    return "\n".join(lines[:start + 1]), lines[start + 1:end], "\n".join(lines[end:])


OPCODE_SWAPS = {"add": "sub", "sub": "add", "and": "or", "or": "xor", "xor": "and", "lshr": "ashr",
                "ashr": "lshr", "udiv": "sdiv", "sdiv": "udiv", "urem": "srem", "srem": "urem",
                "shl": "lshr", "mul": "shl", "smax": "smin", "smin": "smax", "umax": "umin",
                "umin": "umax", "usub.sat": "ssub.sat", "fshl": "fshr", "ctpop": "ctlz",
                "zext": "sext", "sext": "zext"}


def _mutations(line: str, params: list[str], rng: random.Random) -> list[str]:
    """Single-point edits of one instruction line."""
    out = []
    for m in re.finditer(r"(?<![%\w.])(-?\d+|true|false)(?![\w.])", line):
        before = line[:m.start()].rstrip()
        if before.endswith(("i", "x")) or re.search(r"\bi\d*$", before) and m.group(1).isdigit() \
                and line[m.start() - 1] != " ":
            continue
        word = m.group(1)
        if word in ("true", "false"):
            news = ["false" if word == "true" else "true"]
        else:
            value = int(word)
            news = [str(v) for v in {value + 1, value - 1, 0, 1, -1, 2 * value, value + 3} if v != value]
        out += [line[:m.start()] + new + line[m.end():] for new in news]
    for pred in PREDICATES:
        if re.search(rf"\bicmp {pred}\b", line):
            others = [p for p in PREDICATES if p != pred]
            out += [re.sub(rf"\bicmp {pred}\b", f"icmp {o}", line) for o in rng.sample(others, 3)]
    opcode = re.search(r"=\s+(\w+)", line)
    if opcode and opcode.group(1) in FLAGGABLE:
        op = opcode.group(1)
        for flag in FLAGGABLE[op]:
            if re.search(rf"\b{flag}\b", line):
                out.append(re.sub(rf"\s{flag}\b", "", line, count=1))
            else:
                out.append(line.replace(f"= {op} ", f"= {op} {flag} ", 1))
    for old, new in OPCODE_SWAPS.items():
        if re.search(rf"(= |@llvm\.){re.escape(old)}[ .]", line):
            out.append(re.sub(rf"(= |@llvm\.){re.escape(old)}([ .])", rf"\g<1>{new}\g<2>", line, count=1))
    operands = re.match(r"(.*=\s+[\w ]+ i\d+ )([^,]+), ([^,]+)$", line)
    if operands and "call" not in line:
        out.append(f"{operands.group(1)}{operands.group(3)}, {operands.group(2)}")
    if "=" in line:
        lhs, rhs = line.split("=", 1)
        for used in set(re.findall(r"%[\w.]+", rhs)):
            out += [lhs + "=" + re.sub(rf"{re.escape(used)}\b", p, rhs, count=1)
                    for p in params if p != used]
    elif line.strip().startswith("ret "):
        for used in set(re.findall(r"%[\w.]+", line)):
            out += [line.replace(used, p) for p in params if p != used]
    return out


def _drop_instruction(body: list[str], k: int) -> list[str] | None:
    """Remove instruction k, using its first local operand in place of its result."""
    m = re.match(r"\s*(%[\w.]+) = .*?(%[\w.]+)", body[k])
    if not m:
        return None
    result, replacement = m.group(1), m.group(2)
    rest = [re.sub(rf"{re.escape(result)}\b", replacement, ln) for ln in body[k + 1:]]
    return body[:k] + rest


def _single_mutants(body: list[str], params: list[str], rng: random.Random) -> list[list[str]]:
    found = []
    for k, line in enumerate(body):
        if not line.strip() or line.rstrip().endswith(":"):
            continue
        for new in _mutations(line, params, rng):
            found.append(body[:k] + [new] + body[k + 1:])
        dropped = _drop_instruction(body, k)
        if dropped is not None:
            found.append(dropped)
    return found


def mutants(text: str, seed: int) -> list[str]:
    """Single mutants, then double mutants (a second edit on top), shuffled and capped."""
    rng = random.Random(seed)
    head, body, tail = _split_tgt(text)
    params = re.findall(r"%[\w.]+", head.split("@tgt", 1)[1])
    singles = _single_mutants(body, params, rng)
    doubles = []
    for first in rng.sample(singles, min(len(singles), 8)):
        doubles += rng.sample(_single_mutants(first, params, rng) or [first], 1)
    rng.shuffle(singles)
    chosen = singles[:MUTANTS_PER_PAIR - len(doubles)] + doubles
    return [f"{head}\n" + "\n".join(b) + f"\n{tail}\n" for b in chosen]


def _brute_force(src_text: str, mutant: str):
    try:
        src = find_function(parse_module(src_text), "src")
        tgt = find_function(parse_module(mutant), "tgt")
        return find_violation(src, tgt)
    except NotModelled:
        return "not-modelled"


PAIRS = correct_pairs()


@pytest.mark.parametrize("name,text", PAIRS, ids=[p[0] for p in PAIRS])
def test_original_pair_is_not_refuted(name, text):
    verdict = check_refinement(text, text, "src", "tgt", unroll=8, timeout_ms=2000)
    assert verdict.kind in (VerdictKind.PROVED, VerdictKind.INCONCLUSIVE), verdict.detail


def test_no_wrong_proof_among_mutants():
    tally = {k: 0 for k in VerdictKind}
    wrong = []
    for index, (name, text) in enumerate(PAIRS):
        for mutant in mutants(text, seed=index):
            verdict = check_refinement(text, mutant, "src", "tgt", unroll=8, timeout_ms=2000)
            tally[verdict.kind] += 1
            if verdict.kind not in (VerdictKind.PROVED, VerdictKind.REFUTED):
                continue
            violation = _brute_force(text, mutant)
            if violation == "not-modelled":
                continue
            if verdict.kind == VerdictKind.PROVED and violation is not None:
                wrong.append((name, "wrong PROVED", violation, mutant))
            # Refutations through undef inputs are beyond the (deterministic) interpreter.
            if verdict.kind == VerdictKind.REFUTED and violation is None \
                    and not verdict.data.get("undef_input"):
                wrong.append((name, "wrong REFUTED", verdict.counterexample, mutant))
    assert not wrong, wrong[:3]
    checked = tally[VerdictKind.PROVED] + tally[VerdictKind.REFUTED]
    # The test is only meaningful if most mutants get a definite answer.
    assert tally[VerdictKind.REFUTED] >= 100 and checked >= 0.6 * sum(tally.values()), tally
