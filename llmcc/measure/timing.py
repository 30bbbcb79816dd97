"""Noise-aware comparison of a reference and a candidate, and the costs it compares.

Timing on shared machines is noisy (two runs of one binary differ by up to ~7% here), so
a candidate is accepted only when all three hold:

* the median speedup reaches ``1 + margin``,
* the lower end of a (seeded) bootstrap confidence interval of that speedup is above 1,
* a one-sided Mann-Whitney U test says the reference is slower with ``p < alpha``.

Runs are interleaved in an ABBA order (ref, cand, cand, ref, ...) so slow drifts of the
machine hit both sides alike. For tests and CI there is a deterministic cost,
``instruction_count`` (``perf stat`` where the PMU is usable, else callgrind), compared with
``compare_instruction_counts``.
"""
from __future__ import annotations

import functools
import logging
import math
import re
import shutil
import statistics
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .sandbox import Limits, RunResult, run_sandboxed

log = logging.getLogger(__name__)

BOOTSTRAP_RESAMPLES = 2000
DEFAULT_SEED = 20240611
# Valgrind runs ~50x slower than native; instruction counts are taken with these limits
# unless the caller passes its own.
INSTRUCTION_COUNT_LIMITS = Limits(cpu_seconds=120, wall_seconds=240, memory_bytes=4 << 30)


@dataclass
class Comparison:
    """Reference-vs-candidate measurement and the acceptance decision."""

    ref_samples: list[float]
    cand_samples: list[float]
    speedup: float          # median(ref) / median(cand); > 1 means the candidate is faster
    ci_low: float
    ci_high: float
    p_value: float          # one-sided: the reference costs more than the candidate
    accepted: bool
    margin: float
    alpha: float
    deterministic: bool = False
    notes: list[str] = field(default_factory=list)
    timed_on: str = ""      # which inputs were timed (set by the caller; not a reason to reject)
    shifted_speedup: float | None = None    # the same, with the code moved (the emission gate)

    def why_not(self) -> str:
        """Which part of the acceptance rule failed (empty if accepted)."""
        if self.accepted:
            return ""
        # The rule's own verdict first, then the notes (a note may be only informational,
        # e.g. which clock was read: it must not hide "below the margin").
        if self.speedup < 1 + self.margin:
            rule = [f"below the {self.margin:.1%} margin"]
        elif not self.deterministic and (self.ci_low <= 1.0 or self.p_value >= self.alpha):
            rule = [f"not significant (CI low {self.ci_low:.3f}, p={self.p_value:.3f})"]
        else:
            rule = []
        return "; ".join(rule + list(self.notes)) or "not faster"

    def to_json(self) -> dict:
        """Plain-JSON form for the per-TU report (inf/nan become None)."""
        def num(x: float) -> float | None:
            return x if math.isfinite(x) else None
        return {"ref_samples": [num(x) for x in self.ref_samples],
                "cand_samples": [num(x) for x in self.cand_samples],
                "speedup": num(self.speedup), "ci_low": num(self.ci_low),
                "ci_high": num(self.ci_high), "p_value": num(self.p_value),
                "accepted": self.accepted, "margin": self.margin, "alpha": self.alpha,
                "deterministic": self.deterministic, "notes": list(self.notes),
                "timed_on": self.timed_on,
                "shifted_speedup": None if self.shifted_speedup is None else num(self.shifted_speedup)}


# --------------------------------------------------------------------------- comparison


def _interleaved_order(repetitions: int) -> list[bool]:
    """True = reference. ABBA blocks: ref, cand, cand, ref, ref, cand, ..."""
    order: list[bool] = []
    for i in range(repetitions):
        order += [True, False] if i % 2 == 0 else [False, True]
    return order


def _ratio(ref_median: float, cand_median: float) -> float:
    if cand_median <= 0:
        return math.inf if ref_median > 0 else 1.0
    return ref_median / cand_median


def _bootstrap_ci(ref: list[float], cand: list[float], alpha: float, seed: int) -> tuple[float, float]:
    """Percentile bootstrap of median(ref)/median(cand), both sides resampled independently."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ref_arr, cand_arr = np.asarray(ref, dtype=float), np.asarray(cand, dtype=float)
    ref_medians = np.median(rng.choice(ref_arr, size=(BOOTSTRAP_RESAMPLES, ref_arr.size)), axis=1)
    cand_medians = np.median(rng.choice(cand_arr, size=(BOOTSTRAP_RESAMPLES, cand_arr.size)), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(cand_medians > 0, ref_medians / np.maximum(cand_medians, 1e-300), np.inf)
    low, high = np.quantile(ratios, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _mann_whitney_greater(ref: list[float], cand: list[float]) -> float:
    """p-value of 'reference costs more than candidate'."""
    from scipy.stats import mannwhitneyu

    if len(set(ref) | set(cand)) == 1:
        return 1.0  # all samples identical: no evidence either way (scipy would warn)
    return float(mannwhitneyu(ref, cand, alternative="greater").pvalue)


def decide(ref_samples: list[float], cand_samples: list[float], *, margin: float = 0.03,
           alpha: float = 0.05, seed: int = DEFAULT_SEED) -> Comparison:
    """Apply the acceptance rule to samples already measured."""
    if not ref_samples or not cand_samples:
        raise ValueError("need at least one sample on each side")
    notes = []
    speedup = _ratio(statistics.median(ref_samples), statistics.median(cand_samples))
    if not all(math.isfinite(x) for x in cand_samples):
        notes.append("a candidate run failed (infinite cost)")
    if statistics.median(cand_samples) <= 0 or statistics.median(ref_samples) <= 0:
        # A cost of zero is below the clock's resolution, not infinitely fast.
        notes.append("cost below measurement resolution")
    ci_low, ci_high = _bootstrap_ci(ref_samples, cand_samples, alpha, seed)
    p_value = _mann_whitney_greater(ref_samples, cand_samples)
    accepted = (not notes and speedup >= 1 + margin and ci_low > 1.0 and p_value < alpha)
    return Comparison(ref_samples=list(ref_samples), cand_samples=list(cand_samples),
                      speedup=speedup, ci_low=ci_low, ci_high=ci_high, p_value=p_value,
                      accepted=accepted, margin=margin, alpha=alpha, notes=notes)


# Timing runs of parallel compiles (make -j) would compete for the same cores and turn
# each other's noise into "speedups": every timed comparison on the machine takes this
# slot first. An flock dies with its process, so a killed compile never blocks others.
SLOT_WAIT_SECONDS = 300.0


def timing_slot_path() -> Path:
    """The machine-wide slot: ``$LLMCC_TIMING_SLOT`` or a per-user file in the temp dir
    (machine-wide rather than per cache: two builds with two caches share the cores)."""
    import os
    import tempfile
    explicit = os.environ.get("LLMCC_TIMING_SLOT")
    return Path(explicit) if explicit else Path(tempfile.gettempdir()) / f"llmcc-timing-{os.getuid()}.lock"


class timing_slot:
    """Hold the machine-wide timing slot (waiting up to ``wait`` seconds). ``held`` says
    whether it was taken; if it could not be, timing goes on and the comparison notes it
    (the significance rule still applies)."""

    def __init__(self, wait: float = SLOT_WAIT_SECONDS, path: Path | None = None):
        self.wait = wait
        self.path = path or timing_slot_path()
        self.held = False
        self.waited = 0.0
        self._fd: int | None = None

    def __enter__(self) -> "timing_slot":
        import fcntl
        import os
        import time
        start = time.monotonic()
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            log.info("timing slot unavailable (%s)", e)
            return self
        delay = 0.01
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.held = True
                break
            except BlockingIOError:
                if time.monotonic() - start >= self.wait:
                    break
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
            except OSError:
                break
        self.waited = time.monotonic() - start
        return self

    def __exit__(self, *exc) -> bool:
        import os
        if self._fd is not None:
            os.close(self._fd)      # closing releases the flock (``held`` keeps its answer)
            self._fd = None
        return False


def compare_runtimes(run_ref: Callable[[], float], run_cand: Callable[[], float], *,
                     repetitions: int, margin: float = 0.03, warmup: int = 1,
                     alpha: float = 0.05, seed: int = DEFAULT_SEED,
                     slot_wait: float = SLOT_WAIT_SECONDS) -> Comparison:
    """Measure both sides ``repetitions`` times, interleaved, after ``warmup`` discarded runs
    each, and decide whether the candidate is faster by at least ``margin``. The runs hold
    the machine-wide timing slot (``timing_slot``), so parallel compiles take turns.

    Each callable runs its program once and returns its cost (CPU seconds, instructions);
    exceptions propagate. A failed run should cost ``math.inf``: it is never accepted.
    """
    if repetitions < 1:
        raise ValueError("repetitions must be >= 1")
    with timing_slot(slot_wait) as slot:
        comparison = _measure(run_ref, run_cand, repetitions, margin, warmup, alpha, seed)
    if not slot.held:
        comparison.notes.append("measured without the machine-wide timing slot (busy)")
        comparison.accepted = False     # a contended measurement never decides a win
    return comparison


def _measure(run_ref, run_cand, repetitions, margin, warmup, alpha, seed) -> Comparison:
    for _ in range(warmup):
        run_ref()
        run_cand()
    ref_samples: list[float] = []
    cand_samples: list[float] = []
    for is_ref in _interleaved_order(repetitions):
        if is_ref:
            ref_samples.append(float(run_ref()))
        else:
            cand_samples.append(float(run_cand()))
    return decide(ref_samples, cand_samples, margin=margin, alpha=alpha, seed=seed)


def compare_instruction_counts(ref_count: int, cand_count: int, *,
                               margin: float = 0.03) -> Comparison:
    """Deterministic mode (``measure.mode=instructions``): counts do not vary between runs,
    so one run per side decides; there is no noise to test against."""
    speedup = _ratio(float(ref_count), float(cand_count))
    return Comparison(ref_samples=[float(ref_count)], cand_samples=[float(cand_count)],
                      speedup=speedup, ci_low=speedup, ci_high=speedup,
                      p_value=0.0 if cand_count < ref_count else 1.0,
                      accepted=speedup >= 1 + margin, margin=margin, alpha=0.0,
                      deterministic=True)


# --------------------------------------------------------------------------- costs


def cpu_time_of(result: RunResult) -> float:
    """CPU seconds (user+sys) of a sandboxed run; ``math.inf`` if it did not exit cleanly,
    so a crashing candidate can never look fast."""
    if result.killed is not None or result.returncode != 0:
        return math.inf
    return result.cpu_time


@functools.lru_cache(maxsize=1)
def perf_instructions_available() -> bool:
    """True if ``perf stat -e instructions:u`` counts here (virtual machines often lack a PMU)."""
    if shutil.which("perf") is None:
        return False
    try:
        proc = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", "true"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and _parse_perf_csv(proc.stderr) is not None


def _parse_perf_csv(text: str) -> int | None:
    for line in text.splitlines():
        fields = line.split(",")
        if len(fields) >= 3 and fields[2].startswith("instructions"):
            return int(fields[0]) if fields[0].isdigit() else None
    return None


_CALLGRIND_TOTAL = re.compile(r"^(?:totals|summary):\s*(\d+)", re.MULTILINE)


def _parse_callgrind_out(text: str) -> int | None:
    match = _CALLGRIND_TOTAL.search(text)
    return int(match.group(1)) if match else None


def instruction_count(argv: list[str], *, workdir: Path, stdin: bytes = b"",
                      limits: Limits = INSTRUCTION_COUNT_LIMITS,
                      allow_unsandboxed: bool = False) -> int | None:
    """User-space instructions retired by one sandboxed run of ``argv``: ``perf stat`` when it
    works here, else ``valgrind --tool=callgrind``. None if no counter is available, the
    run was killed, or the count could not be read."""
    workdir = Path(workdir)
    out_file = workdir / f".llmcc-icount-{uuid.uuid4().hex}.out"
    if perf_instructions_available():
        counter = ["perf", "stat", "-x,", "-o", str(out_file), "-e", "instructions:u", "--"]
        parse = _parse_perf_csv
    elif shutil.which("valgrind") is not None:
        counter = ["valgrind", "-q", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
        parse = _parse_callgrind_out
    else:
        log.info("no instruction counter (perf without PMU, no valgrind)")
        return None
    try:
        result = run_sandboxed(counter + list(argv), workdir=workdir, stdin=stdin, limits=limits,
                               allow_unsandboxed=allow_unsandboxed)
        if result.killed is not None:
            log.info("instruction count run killed (%s)", result.killed)
            return None
        try:
            return parse(out_file.read_text(errors="replace"))
        except OSError:
            return None
    finally:
        out_file.unlink(missing_ok=True)
