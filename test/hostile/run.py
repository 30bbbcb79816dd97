"""Build real Debian projects with CC=llmcc against the hostile endpoint and measure.

    python test/hostile/run.py [zlib] [lua] [--work DIR] [--max-tus N] [--json OUT]

For each project: a pristine copy of its Debian (orig) sources is built with llmcc in llm
mode, every agent answered by ``HostileEndpoint``; then the project's own tests run (zlib:
``make test``; Lua: scripts whose output must equal a plain clang-22 build's). Afterwards
``analyze`` joins three records of the same run:

* the endpoint's log of every served reply (function, level, mutation kind, sha256 of the
  prompt and of the reply text),
* llmcc's record file (``llm.record_file``: each request with its sample index, and the reply),
* llmcc's per-TU reports (``report_dir``): the guide's trace, every level call's samples
  with their status, stage and verdicts, and what was emitted,

so every wrong rewrite served is attributed to the check that rejected it (or to the speed
margin, or to acceptance), and every emitted LLM object is traced back to the replies it
came from. The numbers are from a scripted endpoint, not a model.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):            # run as a script: make ``hostile`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hostile import mutate as M                      # noqa: E402
from hostile.endpoint import HostileEndpoint, sha    # noqa: E402

REPO = Path(__file__).resolve().parents[2]
THIRD_PARTY = REPO / "third_party"
LLMCC = REPO / ".venv" / "bin" / "llmcc"
CLANG = shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"

# Checks that count as "rejected by a check" (everything except the speed margin and acceptance).
SPEED_MARGIN = "speed-margin"
ACCEPTED = "ACCEPTED"
NOT_EVALUATED = "not-evaluated"


# --------------------------------------------------------------------------- projects


@dataclass
class Project:
    """How to build one project and run its own tests."""

    name: str
    source_dir: Path
    sources: tuple[str, ...]          # TUs the endpoint works on (others: "nothing to do")
    skip_flags: tuple[str, ...] = ()
    max_tus: int = 3

    def build(self, tree: Path, env: dict, log: Path) -> int:
        raise NotImplementedError

    def test(self, tree: Path, env: dict, log: Path, work: Path) -> tuple[bool, str]:
        raise NotImplementedError


def _sh(argv: list[str] | str, cwd: Path, env: dict, log: Path, timeout: float = 3600) -> int:
    with open(log, "ab") as f:
        f.write(f"\n$ {argv if isinstance(argv, str) else ' '.join(argv)}\n".encode())
        f.flush()
        proc = subprocess.run(argv, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT,
                              shell=isinstance(argv, str), timeout=timeout)
    return proc.returncode


class Zlib(Project):
    def build(self, tree: Path, env: dict, log: Path) -> int:
        # -g as distributions build: debug info is where a wrong-kind !dbg node bites
        rc = _sh(["./configure"], tree, {**env, "CFLAGS": "-O3 -g"}, log)
        return rc or _sh(["make", "-j2"], tree, env, log)

    def test(self, tree: Path, env: dict, log: Path, work: Path) -> tuple[bool, str]:
        start = log.stat().st_size if log.exists() else 0
        rc = _sh(["make", "test"], tree, env, log)
        out = log.read_bytes()[start:].decode(errors="replace")
        oks = out.count("*** zlib test OK ***") + out.count("*** zlib shared test OK ***") \
            + out.count("*** zlib 64-bit test OK ***")
        return rc == 0 and oks >= 3, f"make test rc={rc}, {oks} 'test OK' lines"


LUA_SCRIPTS = {
    "numbers.lua": r"""
for _, s in ipairs({"0x7fffffffffffffff", "1e308", "-0.0", "  12  ", "0x1p-1074", "3.14159",
                    "999331", "1000001", "4294967296", "12a", "", "0x", "1e", "inf", "nan"}) do
  print(s, tonumber(s), math.type(tonumber(s)))
end
print(string.format("%a %.17g", 0.1 + 0.2, 2^63), 7 // 2, -7 // 2, 7 % -3, 2^53 + 1)
local n = 0
for i = 1, 300000 do n = n + (tonumber(tostring(i * 7919)) % 13) end
print("sum", n)
""",
    "tables.lua": r"""
local t = {}
for i = 1, 1200000 do t[i] = (i * 7919) % 10007 end
print(#t, t[1], t[600000], t[1200000])
t[#t] = nil; t[#t + 1] = 5
print(#t)
local h = {}
for i = 1, 50000 do h["k" .. (i % 3000)] = (h["k" .. (i % 3000)] or 0) + i end
local c = 0; for _ in pairs(h) do c = c + 1 end
print(c, h.k1, h.k2999)
local holes = {1, 2, nil, 4}
print(#holes == 4 or #holes == 2)
table.sort(t, function(a, b) return a > b end)
print(t[1], t[#t])
""",
    "strings.lua": r"""
local parts = {}
for i = 1, 5000 do parts[#parts + 1] = string.char(65 + i % 26) end
local big = table.concat(parts)
print(#big, big:sub(1, 30), select(2, big:gsub("A", "")))
local s = string.rep("llmcc", 200000)
print(#s, s:find("cc", 999000, true), s:upper():sub(-7))
print(("hello world from lua"):gsub("(%w+)", "<%1>"))
local seen = {}
for i = 1, 100000 do seen["s" .. i] = i end
print(seen.s1, seen.s99999, seen.s100000)
print(utf8.char(72, 228, 8364, 128512), utf8.len("häé€"), #string.pack("<i4d", 7, 0.5))
""",
    "programs.lua": r"""
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib(25)", fib(25))
local sieve, primes = {}, 0
for i = 2, 200000 do
  if not sieve[i] then primes = primes + 1; for j = i * i, 200000, i do sieve[j] = true end end
end
print("primes", primes)
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print(co(), co(), co())
local ok, err = pcall(error, {code = 7})
print(ok, type(err), err.code)
""",
}


class Lua(Project):
    def build(self, tree: Path, env: dict, log: Path) -> int:
        return _sh(["make", "-j2", "linux", f"CC={env['CC']} -std=gnu99", "MYCFLAGS=-g"], tree, env, log)

    def test(self, tree: Path, env: dict, log: Path, work: Path) -> tuple[bool, str]:
        """Each script's output equals a plain clang-22 build's, and the known values are right."""
        plain = work / "lua-plain"
        if not (plain / "src" / "lua").exists():
            shutil.rmtree(plain, ignore_errors=True)
            shutil.copytree(self.source_dir, plain)
            plain_env = {k: v for k, v in env.items() if not k.startswith("LLMCC")}
            if _sh(["make", "-j2", "linux", f"CC={CLANG} -std=gnu99"], plain, plain_env, log) != 0:
                return False, "the plain clang-22 build of Lua failed"
        scripts = work / "lua-scripts"
        scripts.mkdir(exist_ok=True)
        problems = []
        for name, text in LUA_SCRIPTS.items():
            path = scripts / name
            path.write_text(text)
            outs = []
            for lua in (plain / "src" / "lua", tree / "src" / "lua"):
                proc = subprocess.run([str(lua), str(path)], capture_output=True, text=True, timeout=600)
                outs.append((proc.returncode, proc.stdout))
            if outs[1] != outs[0] or outs[0][0] != 0:
                problems.append(f"{name}: llmcc build rc={outs[1][0]} output differs from plain clang-22")
        known = subprocess.run([str(tree / "src" / "lua"), str(scripts / "programs.lua")],
                               capture_output=True, text=True, timeout=600).stdout
        if "fib(25)\t75025" not in known or "primes\t17984" not in known:
            problems.append("programs.lua: wrong fib/primes values")
        return not problems, "; ".join(problems) or f"{len(LUA_SCRIPTS)} Lua scripts agree with plain clang-22"


class Bzip2(Project):
    def build(self, tree: Path, env: dict, log: Path) -> int:
        # `all` builds libbz2.a, bzip2, bzip2recover and runs the tests once
        return _sh(["make", "-j2", f"CC={env['CC']}"], tree, env, log)

    def test(self, tree: Path, env: dict, log: Path, work: Path) -> tuple[bool, str]:
        start = log.stat().st_size if log.exists() else 0
        rc = _sh(["make", "test", f"CC={env['CC']}"], tree, env, log)
        out = log.read_bytes()[start:].decode(errors="replace")
        ok = rc == 0 and "in business" in out and "differ" not in out
        return ok, f"make test rc={rc}" + ("" if ok else ": the samples did not round-trip")


def projects() -> dict[str, Project]:
    return {
        "zlib": Zlib("zlib", THIRD_PARTY / "zlib-1.2.13.dfsg", ("adler32.c", "crc32.c", "trees.c", "inffast.c"),
                     skip_flags=("-DPIC",), max_tus=2),
        "lua": Lua("lua", THIRD_PARTY / "lua-5.4.4", ("lobject.c", "ltable.c", "lstring.c", "lutf8lib.c"),
                   max_tus=2),
        "bzip2": Bzip2("bzip2", THIRD_PARTY / "bzip2-1.0.8", ("blocksort.c", "huffman.c", "bzlib.c", "compress.c"),
                       max_tus=2),
    }


def ensure_sources(names: tuple[str, ...] = ("zlib", "lua")) -> None:
    """Fetch the Debian sources once (``scripts/third_party.sh fetch`` for zlib and Lua,
    ``scripts/fetch_sources.py`` for bzip2); raise if impossible."""
    known = projects()
    if any(not known[n].source_dir.is_dir() for n in names if n in ("zlib", "lua")):
        proc = subprocess.run([str(REPO / "scripts" / "third_party.sh"), "fetch"], capture_output=True,
                              text=True, timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"scripts/third_party.sh fetch failed:\n{proc.stderr[-2000:]}")
    if "bzip2" in names and not known["bzip2"].source_dir.is_dir():
        THIRD_PARTY.mkdir(exist_ok=True)
        proc = subprocess.run([sys.executable, str(REPO / "scripts" / "fetch_sources.py"), "--dest",
                               str(THIRD_PARTY), "bzip2"], capture_output=True, text=True, timeout=900)
        tarball = THIRD_PARTY / "bzip2_1.0.8.orig.tar.gz"
        if proc.returncode != 0 or not tarball.is_file():
            raise RuntimeError(f"fetching bzip2 failed:\n{proc.stderr[-2000:]}")
        subprocess.run(["tar", "-xzf", str(tarball), "-C", str(THIRD_PARTY)], check=True)


# --------------------------------------------------------------------------- llmcc settings


def llmcc_env(url: str, work: Path, *, budget: int = 4) -> dict[str, str]:
    """llm mode against ``url``, private cache, reports and record file in ``work``.

    Every key set here is one ``llmcc config`` knows (an unknown LLMCC_* key would be a
    config error, and llmcc would compile the baseline)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC")}
    env.pop("MAKEFLAGS", None)
    env["PATH"] = f"{LLMCC.parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env["CC"] = str(LLMCC)
    env.update({
        "LLMCC_CONFIG": os.devnull,
        "LLMCC_MODE": "llm", "LLMCC_LLM_BACKEND": "openai", "LLMCC_LLM_BASE_URL": url,
        "LLMCC_LLM_MODEL": "hostile-scripted", "LLMCC_LLM_TIMEOUT": "60",
        "LLMCC_CACHE_DIR": str(work / "llmcc-cache"), "LLMCC_REPORT_DIR": str(work / "reports"),
        "LLMCC_LLM_RECORD_FILE": str(work / "record.jsonl"), "LLMCC_LOG_FILE": str(work / "llmcc.log"),
        "LLMCC_HOTSPOTS_THRESHOLD": "0.5", "LLMCC_AGENTS_BUDGET": str(budget),
        "LLMCC_AGENTS_SAMPLES": "2", "LLMCC_AGENTS_ROUNDS": "2",
        "LLMCC_MEASURE_MODE": "instructions", "LLMCC_TU_DEADLINE": "420",
    })
    # The suite bounds its own cost (the endpoint works on a few TUs); the build-wide
    # budget must not decide which TUs are measured.
    optional = {"budget.llm_seconds": "7200", "budget.top_tus": "64", "budget.model_calls": "5000"}
    from llmcc.config import KEYS_BY_NAME
    for key, value in optional.items():
        if key in KEYS_BY_NAME:
            env[KEYS_BY_NAME[key].env] = value
    return env


# --------------------------------------------------------------------------- analysis

# Which check should reject each kind (for the list of holes).
SHOULD_CATCH = {
    "trapdoor": "difftest/fuzz on the candidate's constant 999331 (or formal, C compiled to IR)",
    "rare_range": "difftest/fuzz with sizes past the candidate's constants (or formal)",
    "loop_cap": "difftest with sizes past 400000 / the candidate's constants (or formal)",
    "flip_compare": "difftest/fuzz (or formal, C compiled to IR)",
    "off_by_one": "difftest/fuzz on the loop bound (or formal)",
    "drop_global_write": "difftest global/static snapshots (or formal)",
    "struct_field_test": "difftest with struct arguments built from their types (or formal)",
    "drop_volatile": "the volatile guard",
    "target_avx2": "isa (target attributes in C rewrites)",
    "avx2": "isa (capstone groups vs the target flags)",
    "icmp_flip": "formal (refinement) or difftest/fuzz",
    "add_to_sub": "formal (refinement) or difftest/fuzz",
    "drop_store": "formal, or difftest with global snapshots",
    "trapdoor_arg": "formal, or difftest/fuzz on the candidate's constant",
    "jcc_flip": "difftest/fuzz",
}


def sample_check(sample: dict) -> str:
    """Which check a level-agent sample record says rejected it (or that none did)."""
    status, stage = sample.get("status", ""), sample.get("stage", "")
    if status == "correct":
        return ACCEPTED if sample.get("accepted") else SPEED_MARGIN
    for v in sample.get("verdicts") or []:
        if v.get("kind") in ("refuted", "invalid", "tested_different"):
            checker = v.get("checker", "?")
            return "difftest" if checker.startswith("difftest") else \
                "formal" if checker in ("smt", "alive2", "formal") else checker
    detail = (sample.get("detail") or "").lower()
    if status == "invalid":
        if "crash" in detail or "abort" in detail or "signal" in detail:
            return "crash-contained"
        return {"extract": "syntax/extract", "splice": "syntax/splice", "compile": "syntax/compile"}.get(
            stage, stage or "invalid")
    if stage in ("volatile", "formal", "isa", "size", "target"):
        return stage
    if "not proved" in detail or "missing" in detail:
        return "evidence-rule"
    return stage or status or "?"


@dataclass
class Attribution:
    """One served level reply and what became of it."""

    served: dict
    check: str = NOT_EVALUATED
    tu: str = ""
    sample: dict | None = None


@dataclass
class ProjectResult:
    name: str
    build_rc: int = -1
    tests_ok: bool = False
    tests_detail: str = ""
    seconds: float = 0.0
    served: list[dict] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    emitted: list[dict] = field(default_factory=list)         # every LLM-made object emitted
    wrong_objects: list[dict] = field(default_factory=list)
    fallbacks: Counter = field(default_factory=Counter)
    decisions: Counter = field(default_factory=Counter)
    unmatched_rounds: int = 0
    notes: list[str] = field(default_factory=list)
    testing: list[str] = field(default_factory=list)      # generator served -> plan llmcc used

    @property
    def wrong(self) -> list[Attribution]:
        return [a for a in self.attributions if a.served["wrong"]]

    @property
    def semantic(self) -> list[Attribution]:
        return [a for a in self.wrong if a.served["kind"] not in M.MALFORMED_KINDS
                and a.served["kind"] not in ("enormous", "empty-prompt", "truncated-fallback")]

    def check_rate(self, which: list[Attribution] | None = None) -> tuple[int, int]:
        """(rejected by a check, evaluated) over ``which`` (default: every wrong rewrite)."""
        evaluated = [a for a in (self.wrong if which is None else which) if a.check != NOT_EVALUATED]
        by_check = [a for a in evaluated if a.check not in (SPEED_MARGIN, ACCEPTED)]
        return len(by_check), len(evaluated)

    def to_json(self) -> dict:
        return {"name": self.name, "build_rc": self.build_rc, "tests_ok": self.tests_ok,
                "tests_detail": self.tests_detail, "seconds": round(self.seconds, 1),
                "served_level_replies": len(self.attributions), "wrong_served": len(self.wrong),
                "semantic_wrong_served": len(self.semantic),
                "checks": dict(Counter(a.check for a in self.wrong)),
                "rate_all": self.check_rate(), "rate_semantic": self.check_rate(self.semantic),
                "emitted": self.emitted, "wrong_objects": self.wrong_objects,
                "fallbacks": dict(self.fallbacks), "decisions": dict(self.decisions),
                "unmatched_rounds": self.unmatched_rounds, "notes": self.notes, "testing": self.testing,
                "attributions": [{"tu": a.tu, "level": a.served["level"], "function": a.served["function"],
                                  "kind": a.served["kind"], "check": a.check,
                                  "sample": None if a.sample is None else
                                  {k: a.sample.get(k) for k in ("round", "index", "status", "stage", "speedup",
                                                                "accepted")}}
                                 for a in self.attributions]}


def load_reports(report_dir: Path) -> list[dict]:
    reports = []
    for p in sorted(report_dir.glob("*.json")):
        try:
            r = json.loads(p.read_text())
        except ValueError as e:
            r = {"source": p.name, "_invalid_json": str(e)}
        r["_file"] = p.name
        reports.append(r)
    return reports


def load_record(path: Path) -> dict[tuple[str, str], list[tuple[str, dict]]]:
    """(level, function) -> [(prompt sha, {sample index: reply content sha})] in first-seen order."""
    from hostile.endpoint import classify, user_text
    groups: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    if not path.exists():
        return {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        req, resp = rec.get("request") or {}, rec.get("response") or {}
        purpose, function = classify({"messages": req.get("messages"), "tools": req.get("tools")})
        if purpose not in ("source", "ir", "asm"):
            continue
        prompt = sha(user_text({"messages": req.get("messages")}))
        groups[(purpose, function)].setdefault(prompt, {})[int(req.get("sample", 0))] = sha(resp.get("content") or "")
    return {k: list(v.items()) for k, v in groups.items()}


def load_served(work: Path) -> list[dict]:
    """The endpoint's log of one run (``served.jsonl``)."""
    path = work / "served.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def analyze(result: ProjectResult, all_served: list[dict], work: Path) -> None:
    """Fill ``result`` from the endpoint log, the record file and the reports."""
    served = [r for r in all_served if r["level"]]
    result.served = list(all_served)
    by_content = {}
    for r in served:
        if r["content_sha"]:
            by_content.setdefault(r["content_sha"], r)
    attributions = {id(r): Attribution(r) for r in served}
    record = load_record(work / "record.jsonl")
    cursors: dict[tuple[str, str], int] = defaultdict(int)
    reports = load_reports(work / "reports")
    for rep in sorted(reports, key=lambda r: r["_file"]):
        tu = f"{rep.get('source')} -> {rep.get('output')}"
        result.decisions[str(rep.get("decision"))] += 1
        if "_invalid_json" in rep:
            result.notes.append(f"report {rep['_file']} is not JSON: {rep['_invalid_json']}")
        if rep.get("fallback"):
            result.fallbacks[rep["fallback"].get("reason", "?")] += 1
        gens = {r["function"]: r["kind"] for r in all_served if r["purpose"] == "testgen"}
        for function, note in (rep.get("agents_testing") or {}).items():
            result.testing.append(f"{function}: served {gens.get(function, '?')} -> plan {note.get('plan')}"
                                  + (f" ({' '.join(str(note.get('generator_rejected')).split())[:100]})"
                                     if note.get("generator_rejected") else ""))
        agents = rep.get("agents") or {}
        served_by_sample: dict[tuple[int, int, int], dict] = {}
        for call_no, call in enumerate(agents.get("level_calls") or []):
            key = (call.get("level"), call.get("function"))
            prompts = record.get(key, [])
            rounds = int(call.get("rounds_run") or 0)
            for rnd in range(rounds):
                if cursors[key] >= len(prompts):
                    result.unmatched_rounds += 1
                    continue
                _, by_sample = prompts[cursors[key]]
                cursors[key] += 1
                ordered = [by_sample[i] for i in sorted(by_sample)]   # failed samples leave gaps
                for s in call.get("samples") or []:
                    if s.get("round") != rnd:
                        continue
                    idx = int(s.get("index", 0))
                    served_rec = by_content.get(ordered[idx]) if idx < len(ordered) else None
                    if served_rec is None:
                        result.unmatched_rounds += 1
                        continue
                    a = attributions[id(served_rec)]
                    a.check, a.tu, a.sample = sample_check(s), tu, s
                    served_by_sample[(call_no, rnd, idx)] = served_rec
            if str(call.get("stopped", "")).startswith("llm") and cursors[key] < len(prompts):
                cursors[key] += 1     # the round whose requests failed (e.g. one reply too large)
        emitted = rep.get("emitted")
        if emitted and any(lv in str(emitted.get("origin", "")).split("+") for lv in ("source", "ir", "asm")):
            kinds, unknown = emitted_replies(agents, emitted, served_by_sample)
            entry = {"tu": tu, "origin": emitted.get("origin"),
                     "function": (emitted.get("detail") or {}).get("function"),
                     "speedup": emitted.get("speedup"), "served_kinds": kinds, "untraced_levels": unknown}
            result.emitted.append(entry)
            # wrong unless every rewrite in it is traced to a reply that was not wrong
            if unknown or any(k["wrong"] for k in kinds):
                result.wrong_objects.append(entry)
    # a reply over the size cap never reaches a sample: the client refused it
    for a in attributions.values():
        if a.check == NOT_EVALUATED and a.served["kind"] == "enormous":
            a.check = "size-cap"
    result.attributions = sorted(attributions.values(), key=lambda a: a.served["seq"])


def round_bests(samples: list[dict], *, before: int) -> list[tuple[int, int]]:
    """(round, index) of each earlier round's fastest correct sample (the level agent's
    input for the next round; ties go to the first, as ``level._faster`` does)."""
    out = []
    for rnd in sorted({int(s.get("round", 0)) for s in samples if int(s.get("round", 0)) < before}):
        best = None
        for smp in samples:
            if int(smp.get("round", 0)) == rnd and smp.get("status") == "correct":
                if best is None or (smp.get("speedup") or 0.0) > (best.get("speedup") or 0.0):
                    best = smp
        if best is not None:
            out.append((rnd, int(best.get("index", 0))))
    return out


def emitted_replies(agents: dict, emitted: dict, served_by_sample: dict) -> tuple[list[dict], list[str]]:
    """The served replies an emitted object is made of: the emitted state, its ancestors
    made by level agents, each one's level call (by the trace step that created it), that
    call's best sample (``.../call3-ir/r1-s0/...``) and the reply served for it. Returns
    ([{level, function, kind, wrong}], [levels whose reply could not be traced])."""
    import re
    states = {st.get("id"): st for st in agents.get("states") or []}
    level_steps = [t for t in agents.get("trace") or []
                   if isinstance(t.get("result"), dict) and "samples" in t["result"]]
    call_of_state = {t["result"].get("new_state"): k for k, t in enumerate(level_steps)
                     if t["result"].get("new_state")}
    calls = agents.get("level_calls") or []
    kinds, unknown = [], []
    state_id = ((emitted.get("detail") or {}).get("state")
                or (agents.get("emitted") or {}).get("state"))
    seen = set()
    while state_id and state_id in states and state_id not in seen:
        seen.add(state_id)
        st = states[state_id]
        made_by = str(st.get("made_by", ""))
        if made_by.split(" ")[0].endswith("_agent") and not made_by.startswith("pipeline"):
            level = made_by.split("_agent")[0]
            k = call_of_state.get(state_id)
            best = (calls[k].get("best") or {}) if k is not None and k < len(calls) else {}
            m = re.search(r"/r(\d+)-s(\d+)/", str(best.get("program", "")))
            picks = [] if m is None else [(int(m.group(1)), int(m.group(2)))]
            if picks:
                # a later round rewrites the best of the earlier rounds: those replies are in it too
                picks += round_bests(calls[k].get("samples") or [], before=picks[0][0])
            for rnd, idx in picks or [(-1, -1)]:
                served = served_by_sample.get((k, rnd, idx))
                if served is None:
                    unknown.append(f"{level} (state {state_id}, round {rnd} sample {idx})")
                else:
                    kinds.append({"level": served["level"], "function": served["function"],
                                  "kind": served["kind"], "wrong": served["wrong"]})
        state_id = st.get("parent")
    return kinds, unknown


# --------------------------------------------------------------------------- one project


def run_project(project: Project, work: Path, *, seed: int = 9, max_tus: int | None = None,
                budget: int = 4) -> ProjectResult:
    """Build ``project`` under the hostile endpoint, run its tests, analyze."""
    from llmcc.llm.scripted_server import ScriptedServer
    work.mkdir(parents=True, exist_ok=True)
    for stale in ("reports", "llmcc-cache", "record.jsonl", "served.jsonl", "build.log", "llmcc.log", "replies"):
        p = work / stale
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    tree = work / project.name
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(project.source_dir, tree)
    endpoint = HostileEndpoint(seed=seed, max_tus=max_tus or project.max_tus, sources=project.sources,
                               skip_flags=project.skip_flags, log_path=work / "served.jsonl",
                               reply_dir=work / "replies")
    result = ProjectResult(project.name)
    start = time.monotonic()
    log = work / "build.log"
    server_obj = ScriptedServer(endpoint)
    # llmcc hangs up on an enormous reply (its byte cap): expected here, not worth a traceback
    server_obj._server.handle_error = lambda request, address: None
    with server_obj as server:
        env = llmcc_env(server.url, work, budget=budget)
        result.build_rc = project.build(tree, env, log)
        if result.build_rc == 0:
            result.tests_ok, result.tests_detail = project.test(tree, env, log, work)
        else:
            result.tests_detail = f"build failed (rc={result.build_rc}); see {log}"
    result.seconds = time.monotonic() - start
    analyze(result, list(endpoint.served), work)
    (work / "result.json").write_text(json.dumps(result.to_json(), indent=1, default=str))
    return result


# --------------------------------------------------------------------------- table


def format_table(results: list[ProjectResult]) -> str:
    """The measurement the issue asks for, per project, plus per-kind and per-check detail."""
    lines = ["hostile suite (scripted endpoint, not a model). served: level replies; wrong: of them "
             "wrong (semantic + malformed + enormous); by check: rejected by a check; margin: passed every "
             "check, stopped by the speed margin; n/eval: never evaluated (deadline, aborted round); "
             "rate = by check / evaluated wrong; sem.rate: the same over semantic mutations only", ""]
    head = (f"{'project':8} {'served':>6} {'wrong':>5} {'semantic':>8} {'by check':>9} {'margin':>6} "
            f"{'accepted':>8} {'n/eval':>6} {'rate':>6} {'sem.rate':>8} {'wrong obj':>9} {'build':>5} {'tests':>5} {'sec':>5}")
    lines.append(head)
    for r in results:
        checked, evaluated = r.check_rate()
        margin = sum(1 for a in r.wrong if a.check == SPEED_MARGIN)
        acc = sum(1 for a in r.wrong if a.check == ACCEPTED)
        ne = sum(1 for a in r.wrong if a.check == NOT_EVALUATED)
        rate = f"{100.0 * checked / evaluated:.1f}%" if evaluated else "n/a"
        sem_checked, sem_evaluated = r.check_rate(r.semantic)
        sem_rate = f"{100.0 * sem_checked / sem_evaluated:.1f}%" if sem_evaluated else "n/a"
        lines.append(f"{r.name:8} {len(r.attributions):6} {len(r.wrong):5} {len(r.semantic):8} {checked:9} "
                     f"{margin:6} {acc:8} {ne:6} {rate:>6} {sem_rate:>8} {len(r.wrong_objects):9} "
                     f"{'ok' if r.build_rc == 0 else 'FAIL':>5} {'ok' if r.tests_ok else 'FAIL':>5} "
                     f"{r.seconds:5.0f}")
    lines += ["", "rejections of wrong rewrites, by level:kind -> check (count)"]
    table: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        for a in r.wrong:
            table[f"{a.served['level']}:{a.served['kind']}"][a.check] += 1
    for kind in sorted(table):
        lines.append(f"  {kind:28} " + ", ".join(f"{c} {n}" for c, n in table[kind].most_common()))
    for r in results:
        noop = [a for a in r.attributions if not a.served["wrong"]]
        if noop:
            lines.append(f"  {r.name}: correct-but-not-faster replies -> "
                         + ", ".join(f"{c} {n}" for c, n in Counter(a.check for a in noop).most_common()))
        if r.fallbacks:
            lines.append(f"  {r.name}: fallbacks " + ", ".join(f"{k} {n}" for k, n in r.fallbacks.most_common()))
        for w in r.wrong_objects:
            lines.append(f"  {r.name}: WRONG OBJECT {w}")
        for a in r.wrong:
            if a.check in (ACCEPTED, SPEED_MARGIN):
                verdicts = ", ".join(f"{v.get('checker')}={v.get('kind')}"
                                     for v in (a.sample or {}).get("verdicts") or [])
                lines.append(f"  {r.name}: passed every check: {a.tu} {a.served['level']} "
                             f"{a.served['function']} {a.served['kind']} (should be caught by: "
                             f"{SHOULD_CATCH.get(a.served['kind'], '?')}; {a.check}, "
                             f"speedup {a.sample.get('speedup') if a.sample else None}; {verdicts}; "
                             f"reply {a.served.get('reply_file', '?')})")
        if r.unmatched_rounds:
            lines.append(f"  {r.name}: {r.unmatched_rounds} report samples/rounds could not be matched to a reply")
        lines += [f"  {r.name}: testing agent: {t}" for t in r.testing]
        lines += [f"  {r.name}: tests: {r.tests_detail}"] + [f"  {r.name}: {n}" for n in r.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", nargs="*", default=["zlib", "lua"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/llmcc-hostile"))
    parser.add_argument("--max-tus", type=int, default=None)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--parallel", action="store_true", help="build the projects at the same time")
    parser.add_argument("--analyze-only", action="store_true",
                        help="only re-analyze the logs and reports of an earlier run in --work")
    args = parser.parse_args(argv)
    if args.analyze_only:
        results = []
        for name in args.projects:
            work = args.work / name
            r = ProjectResult(name)
            saved = json.loads((work / "result.json").read_text()) if (work / "result.json").exists() else {}
            r.build_rc, r.tests_ok = saved.get("build_rc", -1), saved.get("tests_ok", False)
            r.tests_detail, r.seconds = saved.get("tests_detail", ""), saved.get("seconds", 0.0)
            analyze(r, load_served(work), work)
            results.append(r)
        print(format_table(results))
        return 0
    ensure_sources(tuple(args.projects))
    known = projects()

    def one(name: str) -> ProjectResult:
        return run_project(known[name], args.work / name, seed=args.seed, max_tus=args.max_tus)

    if args.parallel:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(len(args.projects)) as pool:
            results = list(pool.map(one, args.projects))
    else:
        results = [one(name) for name in args.projects]
    print(format_table(results))
    if args.json:
        args.json.write_text(json.dumps([r.to_json() for r in results], indent=1, default=str))
    ok = all(r.build_rc == 0 and r.tests_ok and not r.wrong_objects for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
