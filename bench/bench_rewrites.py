"""Known-good rewrites on SCRIPTED ANSWERS, end to end through the driver.

No model is involved. ``bench/rewrite_corpus/<case>/`` holds one hot function copied from
the bench kernels or a real project (``kernel.c``, a self-contained TU), a known-good
rewrite of it (``rewrite.c``, or ``rewrite.ll`` for an IR reply), the reply a model would
write (``reply.md``: prose plus fenced code, a whole file, a function plus a table...),
a timing/equivalence driver (``driver.c``, using ``harness.h``) and ``case.json``
(function, level, kind of rewrite, reply shape, where the function comes from).

For each case the runner:

1. checks the rewrite is equivalent: ``driver check`` prints a digest of every output on
   seeded random and edge inputs; the original and the rewrite (both plain ``clang-22
   -O2``) must print the same digest (a mismatch is a corpus bug and is reported);
2. collects an instrumentation profile of the case, the PGO data a user would hand llmcc:
   ``kernel.c`` + ``driver.c`` built with ``clang-22 -O2 -fprofile-instr-generate``, one
   run of ``driver time <time_reps>`` (the timed workload), ``llvm-profdata-22 merge``;
   the result is llmcc's ``hotspots.profile`` (``LLMCC_HOTSPOTS_PROFILE``) for every case
   alike (``--no-profile`` leaves it out). Without it, loop-free functions that are hot
   only through the driver's loop in another TU (mmed3, luaV_shiftl) score as trivial;
3. serves the reply from the scripted OpenAI-compatible server on loopback (the guide
   sends the function to the level agent once, then stops) and compiles ``kernel.c`` with
   ``llmcc -O2 -c`` in llm mode through the real driver, with a fresh cache;
4. reads llmcc's report: accepted or not (and which stage/check refused it), and the
   speedup llmcc measured;
5. times, interleaved with llmcc's own timing (``llmcc.measure.timing.compare_runtimes``
   over sandboxed runs of ``driver time``): clang's object vs the rewrite compiled by
   clang (the STANDALONE speedup) and clang's object vs llmcc's EMITTED object, each at
   two code placements (as linked, and with a 32-byte pad object linked before the kernel
   object) and keeping the SMALLER speedup of the two: a loop that happens to straddle a
   32/64-byte boundary in one link is not counted as the rewrite's speedup (zlib_slide_hash
   measured 2.4x standalone that way while clang vectorizes both versions identically).
   A pad, not ``-falign-loops=32``, because it moves llmcc's emitted object exactly like
   the others without changing how any of them was compiled. An emitted program whose
   loaded image (``loaded_image``) is the standalone rewrite's is not timed again: its
   speedup is the standalone one at that placement (two timings of one program differ
   only by noise, which the 5% delta would otherwise count).

Done when (issue 12): >= 90% of the cases accepted, and every accepted case's emitted
speedup within 5% of its standalone speedup.

Usage: ``.venv/bin/python bench/bench_rewrites.py [--only CASE ...] [--reps N] [--json OUT]
[--no-profile]``
(or ``llmcc bench rewrites ...``).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO / "bench" / "rewrite_corpus"
CLANG = shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"
PROFDATA = shutil.which("llvm-profdata-22") or "/usr/lib/llvm-22/bin/llvm-profdata"
LLMCC = Path(sys.executable).parent / "llmcc"
FLAGS = ["-O2"]
PAD_BYTES = 32            # the second placement moves the kernel's code by this much
DONE_ACCEPTED = 0.90      # share of known-good rewrites that must be accepted
DONE_DELTA = 0.05         # |emitted / standalone - 1| allowed for an accepted case
GUIDE = "You steer"
LEVEL_TOOLS = {"source": "source_agent", "ir": "ir_agent", "asm": "asm_agent"}
LEVEL_PROMPTS = {"source": "Rewrite the C function", "ir": "Rewrite the LLVM", "asm": "Rewrite the x86-64"}


@dataclass
class Case:
    """One corpus entry (see the module docstring for the files)."""

    name: str
    path: Path
    function: str
    level: str
    kind: str
    shape: str
    origin: str
    time_reps: int = 1

    @property
    def reply(self) -> str:
        return (self.path / "reply.md").read_text()

    @property
    def rewrite(self) -> Path:
        """The rewritten TU: C, or an LLVM IR module for an IR-level reply."""
        ll = self.path / "rewrite.ll"
        return ll if ll.exists() else self.path / "rewrite.c"


def load_cases(corpus: Path = CORPUS, only: list[str] | None = None) -> list[Case]:
    """Every case directory (one with a ``case.json``), sorted by name."""
    cases = []
    for meta in sorted(corpus.glob("*/case.json")):
        d = json.loads(meta.read_text())
        if only and meta.parent.name not in only:
            continue
        cases.append(Case(name=meta.parent.name, path=meta.parent, function=d["function"],
                          level=d.get("level", "source"), kind=d["kind"], shape=d["shape"],
                          origin=d["origin"], time_reps=int(d.get("time_reps", 1))))
    return cases


# --------------------------------------------------------------------------- building


def _run(argv: list, cwd: Path | None = None, timeout: float = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def compile_object(tu: Path, obj: Path) -> None:
    """``clang-22 -O2 -c`` (a .ll is compiled the same way, from its IR)."""
    got = _run([CLANG, *FLAGS, "-c", tu, "-o", obj])
    if got.returncode != 0:
        raise RuntimeError(f"clang failed on {tu}:\n{got.stderr[-2000:]}")


def pad_object(work: Path) -> Path:
    """An object whose ``.text`` is PAD_BYTES of int3 (byte-aligned, no symbols): linked
    between the driver and the kernel object it moves all of the kernel's code by
    PAD_BYTES (the kernel's sections are at most 16-byte aligned, so no alignment
    padding absorbs the shift)."""
    src, obj = work / "pad.s", work / "pad.o"
    # the empty .note.GNU-stack keeps the link's stack non-executable, as without the pad
    src.write_text(f".text\n.fill {PAD_BYTES}, 1, 0xcc\n.section .note.GNU-stack,\"\",@progbits\n")
    got = _run([CLANG, "-c", src, "-o", obj])
    if got.returncode != 0:
        raise RuntimeError(f"assembling the pad object failed:\n{got.stderr[-2000:]}")
    return obj


def link_driver(case: Case, obj: Path, exe: Path, pad: Path | None = None) -> None:
    """The case's driver linked with one object of the kernel (driver at -O2, like the TU);
    ``pad`` (see ``pad_object``) goes right before the kernel object."""
    got = _run([CLANG, *FLAGS, f"-I{CORPUS}", case.path / "driver.c", *([pad] if pad else []), obj,
                "-o", exe, "-lm"])     # libm: kernels call floor, sqrt... (llmcc's test links add it too)
    if got.returncode != 0:
        raise RuntimeError(f"linking {case.name}'s driver failed:\n{got.stderr[-2000:]}")


def check_output(exe: Path) -> str:
    """The digest ``driver check`` prints (raises if the program failed)."""
    got = _run([exe, "check"], timeout=120)
    if got.returncode != 0:
        raise RuntimeError(f"{exe.name} check failed (rc={got.returncode}): {got.stderr[-500:]}")
    return got.stdout.strip()


def equivalence(case: Case, work: Path) -> tuple[str, str]:
    """(original's digest, rewrite's digest), both built with plain clang."""
    work.mkdir(parents=True, exist_ok=True)
    outs = []
    for tag, tu in (("orig", case.path / "kernel.c"), ("rewrite", case.rewrite)):
        obj, exe = work / f"{tag}.o", work / f"{tag}-check"
        compile_object(tu, obj)
        link_driver(case, obj, exe)
        outs.append(check_output(exe))
    return outs[0], outs[1]


def collect_profile(case: Case, work: Path) -> Path:
    """An indexed instrumentation profile of the case's timed workload (what a user with
    PGO data has): build kernel + driver instrumented at -O2, run ``driver time
    <time_reps>`` once, merge. Raises if any step fails."""
    work.mkdir(parents=True, exist_ok=True)
    exe, raw, merged = work / "profile-gen", work / "profile.profraw", work / "profile.profdata"
    got = _run([CLANG, *FLAGS, "-fprofile-instr-generate", f"-I{CORPUS}", case.path / "kernel.c",
                case.path / "driver.c", "-o", exe, "-lm"])
    if got.returncode != 0:
        raise RuntimeError(f"instrumented build of {case.name} failed:\n{got.stderr[-2000:]}")
    got = _run([exe, "time", case.time_reps], cwd=work, timeout=300,
               env={**os.environ, "LLVM_PROFILE_FILE": str(raw)})
    if got.returncode != 0 or not raw.exists():
        raise RuntimeError(f"instrumented run of {case.name} failed (rc={got.returncode}): {got.stderr[-500:]}")
    got = _run([PROFDATA, "merge", "-o", merged, raw])
    if got.returncode != 0:
        raise RuntimeError(f"llvm-profdata merge failed for {case.name}: {got.stderr[-500:]}")
    return merged


# --------------------------------------------------------------------------- llmcc run


def generator_reply(case: Case) -> str:
    """What a model answers to the testing agent's prompt: the case's driver as one
    self-contained program (``harness.h`` inlined), which speaks the ``correctness I`` /
    ``scale I`` protocol the prompt asks for."""
    program = (case.path / "driver.c").read_text().replace('#include "harness.h"',
                                                            (CORPUS / "harness.h").read_text())
    return ("This generator seeds a xorshift generator with I, calls the function on edge cases and "
            "random inputs, and prints a digest of every result and written buffer.\n\n"
            f"```c\n{program}```\n")


def script_for(case: Case):
    """The scripted endpoint: the guide sends ``case.function`` to the case's level agent
    once and then stops; the level agent answers with the case's reply; the testing agent
    gets the case's driver as its generator (a capable model writes one)."""
    return [{"match": "test-input generator", "content": generator_reply(case), "repeat": -1},
            {"match": GUIDE, "tool_calls": [{"name": LEVEL_TOOLS[case.level],
                                             "arguments": {"state": "p0", "function": case.function}}]},
            {"match": GUIDE, "content": "Done: the validated state is emitted.", "repeat": -1},
            {"match": LEVEL_PROMPTS[case.level], "content": case.reply, "repeat": -1}]


def llmcc_env(url: str, work: Path, profile: Path | None = None) -> dict[str, str]:
    """llm mode against ``url`` with a fresh cache and private report dir; n = k = b = 1;
    ``profile`` (if any) as ``hotspots.profile``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC")}
    env.update({
        "LLMCC_CONFIG": os.devnull, "LLMCC_MODE": "llm", "LLMCC_LLM_BACKEND": "openai",
        "LLMCC_LLM_BASE_URL": url, "LLMCC_LLM_MODEL": "scripted-corpus", "LLMCC_LLM_TIMEOUT": "60",
        "LLMCC_CACHE_DIR": str(work / "cache"), "LLMCC_REPORT_DIR": str(work / "reports"),
        "LLMCC_LOG_FILE": str(work / "llmcc.log"), "LLMCC_AGENTS_BUDGET": "1",
        "LLMCC_AGENTS_SAMPLES": "1", "LLMCC_AGENTS_ROUNDS": "1", "LLMCC_TU_DEADLINE": "400",
        "LLMCC_HOTSPOTS_THRESHOLD": "0"})
    if profile is not None:
        env["LLMCC_HOTSPOTS_PROFILE"] = str(Path(profile).resolve())
    return env


def compile_with_llmcc(case: Case, work: Path, profile: Path | None = None) -> tuple[Path, dict, int]:
    """Compile ``kernel.c`` with llmcc against the scripted endpoint: (object, report, requests)."""
    from llmcc.llm.scripted_server import ScriptedServer
    shutil.copy(case.path / "kernel.c", work / "kernel.c")
    obj = work / "kernel-llmcc.o"
    with ScriptedServer(script_for(case)) as srv:
        got = _run([LLMCC, *FLAGS, "-c", "kernel.c", "-o", obj.name], cwd=work, timeout=600,
                   env=llmcc_env(srv.url, work, profile))
        requests = len(srv.requests)
    if got.returncode != 0 or got.stdout or got.stderr:
        raise RuntimeError(f"llmcc rc={got.returncode} stdout={got.stdout[-300:]!r} stderr={got.stderr[-300:]!r}")
    reports = sorted((work / "reports").glob("*.json"))
    report = json.loads(reports[-1].read_text()) if reports else {}
    return obj, report, requests


def verdict_of(report: dict, case: Case) -> tuple[bool, str, float | None]:
    """(accepted, stage that decided, speedup llmcc measured) from a per-TU report."""
    if report.get("decision") == "optimized" and (report.get("emitted") or {}).get("origin"):
        return True, "emitted:" + report["emitted"]["origin"], report["emitted"].get("speedup")
    if not report:
        return False, "no report", None
    if report.get("fallback"):
        fb = report["fallback"]
        return False, f"fallback:{fb.get('reason', '?')}", None
    samples = [s for call in (report.get("agents") or {}).get("level_calls") or []
               if call.get("function") == case.function for s in call.get("samples") or []]
    for s in samples:
        if s.get("status") == "correct":
            why = "speed-margin" if not s.get("accepted") else "not re-measured faster"
            for e in report.get("agents_emission") or []:
                if e.get("decision") != "emit":
                    why = f"emission: {e.get('reason', '')[:80]}"
            return False, why, s.get("speedup")
    if samples:
        s = samples[0]
        refuting = [f"{v.get('checker')}:{v.get('kind')}" for v in s.get("verdicts") or []
                    if v.get("kind") in ("refuted", "invalid", "tested_different")]
        stage = s.get("stage") or s.get("status") or "?"
        detail = (s.get("detail") or "").replace("\n", " ")[:90]
        return False, f"{s.get('status')}/{stage}" + (f" ({refuting[0]})" if refuting else "") + f": {detail}", \
            s.get("speedup")
    errors = [t["result"]["error"] for t in (report.get("agents") or {}).get("trace") or []
              if isinstance(t.get("result"), dict) and t["result"].get("error")]
    if errors:
        return False, f"guide tool error: {errors[0][:80]}", None
    calls = (report.get("agents") or {}).get("level_calls")
    return False, f"decision={report.get('decision')} (level calls: {len(calls or [])})", None


def text_sections(obj: Path) -> bytes:
    """The bytes of every executable section, in order: equal for two objects whose code
    is the same (then any timing difference between them is measurement noise)."""
    from elftools.elf.elffile import ELFFile
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        return b"".join(sec.data() for sec in elf.iter_sections()
                        if sec["sh_type"] == "SHT_PROGBITS" and sec["sh_flags"] & 0x4)


def loaded_image(exe: Path) -> list[tuple[int, int, bytes]]:
    """What the loader maps of an executable: (address, size, bytes) of every allocated
    section except the build-id note (a hash of the whole file, symbol table included).
    Two programs with the same image run the same instructions at the same addresses, so
    any difference between their timings is noise."""
    from elftools.elf.elffile import ELFFile
    with open(exe, "rb") as f:
        elf = ELFFile(f)
        return [(sec["sh_addr"], sec["sh_size"], b"" if sec["sh_type"] == "SHT_NOBITS" else sec.data())
                for sec in elf.iter_sections() if sec["sh_flags"] & 0x2 and sec.name != ".note.gnu.build-id"]


# --------------------------------------------------------------------------- timing


def timed(exe: Path, reps: int, workdir: Path):
    """A callable for ``compare_runtimes``: CPU seconds of one sandboxed ``driver time``."""
    from llmcc.measure.sandbox import Limits, run_sandboxed
    from llmcc.measure.timing import cpu_time_of
    limits = Limits(cpu_seconds=60, wall_seconds=120)

    def run() -> float:
        return cpu_time_of(run_sandboxed([str(exe), "time", str(reps)], workdir=workdir, limits=limits,
                                         allow_unsandboxed=True))
    return run


def measure_three(placements: list[tuple[Path, Path, Path | None]], reps: int, repetitions: int,
                  workdir: Path) -> list[tuple[float, float | None]]:
    """(standalone x, emitted x) over clang's object at each placement, from one
    interleaved series.

    ``placements`` holds one (ref, standalone, emitted-or-None) triple of programs per code
    placement. All of them run in rotating order inside llmcc's machine-wide timing slot,
    after one discarded warm-up each, and each placement's ratios are
    ``llmcc.measure.timing.decide`` medians against that placement's SAME reference
    samples, so machine drift hits both alike and their delta is not two independent
    noises."""
    from llmcc.measure.timing import decide, timing_slot
    progs = [timed(exe, reps, workdir) for triple in placements for exe in triple if exe is not None]
    samples: list[list[float]] = [[] for _ in progs]
    with timing_slot():
        for run in progs:
            run()
        for i in range(repetitions):
            for j in range(len(progs)):
                k = (i + j) % len(progs)
                samples[k].append(progs[k]())
    out, k = [], 0
    for ref, _, emitted in placements:
        std = decide(samples[k], samples[k + 1]).speedup
        emit = decide(samples[k], samples[k + 2]).speedup if emitted is not None else None
        out.append((std, emit))
        k += 3 if emitted is not None else 2
    return out


def smaller(values: list[float | None]) -> float | None:
    """The smallest finite value (None if there is none)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return min(finite) if finite else None


# --------------------------------------------------------------------------- one case


@dataclass
class Result:
    case: str
    shape: str
    kind: str
    level: str
    equivalent: bool = False
    accepted: bool = False
    stage: str = ""
    llmcc_x: float | None = None
    standalone_x: float | None = None
    emitted_x: float | None = None
    standalone_by_placement: list = field(default_factory=list)   # [as linked, padded]
    emitted_by_placement: list = field(default_factory=list)
    emitted_differs: bool = False
    same_code_as_standalone: bool = False
    same_program_as_standalone: bool = False   # emitted program's loaded image == the rewrite's
    requests: int = 0
    profiled: bool = False       # llmcc got the case's instrumentation profile
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def delta(self) -> float | None:
        if self.standalone_x and self.emitted_x and math.isfinite(self.standalone_x) and math.isfinite(self.emitted_x):
            return self.emitted_x / self.standalone_x - 1
        return None


def run_case(case: Case, work: Path, repetitions: int, timing: bool = True, profile: bool = True) -> Result:
    """Everything the module docstring lists, for one case; failures become notes."""
    res = Result(case.name, case.shape, case.kind, case.level)
    start = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    try:
        a, b = equivalence(case, work)
        res.equivalent = a == b
        if not res.equivalent:
            res.notes.append(f"NOT EQUIVALENT: original {a} vs rewrite {b}")
        prof = collect_profile(case, work) if profile else None
        res.profiled = prof is not None
        obj, report, res.requests = compile_with_llmcc(case, work, prof)
        res.accepted, res.stage, res.llmcc_x = verdict_of(report, case)
        res.emitted_differs = obj.read_bytes() != (work / "orig.o").read_bytes()
        res.same_code_as_standalone = text_sections(obj) == text_sections(work / "rewrite.o")
        link_driver(case, obj, work / "emitted-time")
        emitted_digest = check_output(work / "emitted-time")
        if emitted_digest != a:
            res.notes.append(f"EMITTED OBJECT DIFFERS IN OUTPUT: {emitted_digest} vs {a}")
        if timing:
            pad = pad_object(work)
            placements, same = [], []
            for tag, p in (("", None), ("-pad", pad)):
                exes = [work / f"{name}-time{tag}" for name in ("orig", "rewrite", "emitted")]
                for exe, o in zip(exes, (work / "orig.o", work / "rewrite.o", obj)):
                    if not exe.exists():
                        link_driver(case, o, exe, p)
                # The emitted program is timed only if it is not the standalone one: an
                # identical image would only add noise to the delta.
                same.append(res.emitted_differs and loaded_image(exes[2]) == loaded_image(exes[1]))
                placements.append((exes[0], exes[1], exes[2] if res.emitted_differs and not same[-1] else None))
            res.same_program_as_standalone = all(same)
            measured = measure_three(placements, case.time_reps, repetitions, work)
            res.standalone_by_placement = [std for std, _ in measured]
            res.emitted_by_placement = [std if s else emit for (std, emit), s in zip(measured, same)]
            res.standalone_x = smaller(res.standalone_by_placement)
            res.emitted_x = smaller(res.emitted_by_placement)
            if not res.emitted_differs:
                res.emitted_x = 1.0          # byte-identical to clang's object: nothing to time
    except Exception as e:   # a broken case is a row with a note, never a crashed run
        res.notes.append(f"{type(e).__name__}: {str(e)[:300]}")
    res.seconds = time.monotonic() - start
    return res


# --------------------------------------------------------------------------- table


def _x(v: float | None) -> str:
    return "-" if v is None or not math.isfinite(v) else f"{v:.2f}x"


def render_table(results: list[Result]) -> str:
    profiled = sum(r.profiled for r in results)
    lines = ["Known-good rewrite corpus -- SCRIPTED ANSWERS (no model), llmcc -O2 -c in llm mode, "
             f"instrumentation profile given to llmcc (hotspots.profile) in {profiled}/{len(results)} cases",
             f"{'case':<22} {'level':<6} {'shape':<28} {'accepted/stage':<42} {'llmcc':>6} "
             f"{'standalone':>10} {'emitted':>8} {'delta':>7} code"]
    for r in results:
        stage = ("yes " if r.accepted else "no  ") + r.stage
        delta = "-" if r.delta is None else f"{100 * r.delta:+.1f}%"
        lines.append(f"{r.case:<22} {r.level:<6} {r.shape[:28]:<28} {stage[:42]:<42} {_x(r.llmcc_x):>6} "
                     f"{_x(r.standalone_x):>10} {_x(r.emitted_x):>8} {delta:>7} "
                     f"{'same' if r.same_code_as_standalone else 'other'}")
        if len(r.standalone_by_placement) > 1:
            lines.append("    placements (as linked / padded): standalone "
                         + " / ".join(_x(v) for v in r.standalone_by_placement) + ", emitted "
                         + " / ".join(_x(v) for v in r.emitted_by_placement)
                         + (" (the emitted program's loaded image is the standalone rewrite's: timed once)"
                            if r.same_program_as_standalone else ""))
        for n in r.notes:
            lines.append(f"    note: {n}")
    n = len(results)
    accepted = [r for r in results if r.accepted]
    within = [r for r in accepted if r.delta is not None and abs(r.delta) <= DONE_DELTA]
    lines.append(f"accepted {len(accepted)}/{n} ({100 * len(accepted) / max(n, 1):.0f}%; done-when >= "
                 f"{DONE_ACCEPTED:.0%}); accepted within {DONE_DELTA:.0%} of standalone: "
                 f"{len(within)}/{len(accepted)}; equivalent rewrites: {sum(r.equivalent for r in results)}/{n}")
    lines.append("llmcc = the speedup llmcc measured on its own tests; standalone = clang -O2 of the rewrite vs "
                 "clang -O2 of the original (the smaller of two code placements: as linked, and moved "
                 f"{PAD_BYTES} bytes by a pad object); emitted = llmcc's object vs clang's (likewise); "
                 "delta = emitted/standalone - 1; "
                 "code = emitted .text identical to the standalone rewrite's (then delta is timing noise)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="case names (default: all)")
    ap.add_argument("--reps", type=int, default=9, help="timed runs per program (interleaved)")
    ap.add_argument("--no-timing", action="store_true", help="skip the standalone/emitted timing")
    ap.add_argument("--no-profile", action="store_true",
                    help="do not give llmcc the case's instrumentation profile (hotspots.profile)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--work", help="keep build products here (default: a temp dir, removed)")
    args = ap.parse_args(argv)
    cases = load_cases(only=args.only)
    if not cases:
        print("no cases", file=sys.stderr)
        return 2
    root = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="llmcc-rewrites-"))
    results = []
    try:
        for case in cases:
            r = run_case(case, root / case.name, args.reps, timing=not args.no_timing,
                         profile=not args.no_profile)
            results.append(r)
            print(f"[{len(results)}/{len(cases)}] {case.name}: {'accepted' if r.accepted else 'not accepted'} "
                  f"({r.stage}) {r.seconds:.0f}s", file=sys.stderr, flush=True)
    finally:
        if not args.work:
            shutil.rmtree(root, ignore_errors=True)
    print(render_table(results))
    if args.json:
        Path(args.json).write_text(json.dumps([{**r.__dict__, "delta": r.delta} for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
