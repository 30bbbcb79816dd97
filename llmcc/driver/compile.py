"""The compile flow of a candidate TU, top to bottom (cf. ccache's ``do_cache_compilation``);
driver/entry.py routes here only what is "one C source -> one object" and not a cache hit:

    compile_candidate
      cache lookup  (again, under the key's lock: a parallel identical compile may have
                    stored it meanwhile; driver/lookup.py)
      baseline      the user's own command, run by the real clang (+ the feature
                    plugin); its object is what clang would emit, byte for byte
      optimize_or_fallback   THE one place where any Fallback or internal error
                    becomes "keep the baseline object", with the reason counted
      cache store, then replay clang's stdout/stderr and exit status

A user's own compile error is not a fallback: clang's output and status pass through.

Determinism: the key holds neither the output path nor (unless it lands in the object)
the working directory, and baseline + optimize + store run under the key's lock, so
concurrent compiles of one TU -- in one tree or in two -- wait for one decision, and the
stored result *is* the recorded decision: every later build sharing the cache gets the
same object instead of re-deciding by timing noise.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .. import __version__
from ..config import Settings
from ..outcome import Fallback
from ..toolchain import Toolchain, feature_plugin_path
from .args import Invocation
from .depfile import parse_depfile
from .lookup import direct_key as _direct_key, emit as _emit, result_key as _result_key, try_restore
from ..log import log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..cache import Cache


def direct_key(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path) -> str | None:
    """``lookup.direct_key`` for a Toolchain (see there)."""
    return _direct_key(tc.clang, settings, inv, cwd)


def _cache(settings: Settings):
    from ..cache import Cache   # lazy: hashing/tempfile imports cost start-up on pass-through
    return Cache(settings.cache_dir(), settings["cache_max_size"])


# --------------------------------------------------------------------------- candidate


class Baseline:
    """What the user's own compile produced (a plain class: see args.Invocation)."""

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes,
                 headers: list[str] | None = None, features: Path | None = None):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.headers = headers      # every header read (None: unknown, do not cache)
        self.features = features    # the plugin's JSON, if it ran


def compile_candidate(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path, *,
                      key1: str | None = None, looked_up: bool = False) -> int:
    """One C source -> one object: cache, baseline, optimize (or fall back), store, emit.
    ``looked_up``: the caller already computed ``key1`` and missed the cache with it."""
    import contextlib
    store = _cache(settings)       # also holds the statistics, even with caching off
    if not looked_up:
        key1 = direct_key(tc, settings, inv, cwd) if settings["cache"] else None
        if key1 and (rc := try_restore(str(store.root), key1, inv)) is not None:
            return rc
    with (store.lock(key1) if key1 else contextlib.nullcontext()):
        if key1 and (rc := try_restore(str(store.root), key1, inv)) is not None:
            return rc  # a parallel identical compile finished while we waited
        from ..tmpsweep import maybe_sweep, temp_dir
        maybe_sweep()  # work dirs of killed compiles (kill -9) are removed here, at most every 10 min
        with temp_dir() as tmp:
            work = Path(tmp)
            skip = _skip_before_baseline(settings)
            base = compile_baseline(tc, settings, inv, cwd, work, features=skip is None)
            if base.returncode != 0:
                store.bump("user_error")
                return _emit(base.stdout, base.stderr, base.returncode)
            outcome = optimize_or_fallback(tc, settings, inv, cwd, work, base, skip=skip)
            if key1 and base.headers is not None:  # None: header list unknown
                _store(store, key1, inv, cwd, base)
            store.bump_many({outcome: 1, ("cache_miss" if key1 else "uncached"): 1})
    return _emit(base.stdout, base.stderr, 0)


def _skip_before_baseline(settings: Settings) -> Fallback | None:
    """Why this TU cannot be optimized whatever it contains, known before its baseline
    compile: then it is compiled without the feature plugin and never scored, so it costs
    one clang run. Two such reasons, both read from small shared files:

    * ``endpoint-unavailable``: llm mode and the endpoint's circuit breaker is open (a
      dead endpoint must cost a build almost nothing; llm/breaker.py);
    * ``budget-exhausted``: the build's optimization budget is gone (llmcc/session.py).
    """
    if settings["mode"] in ("off", "score"):
        return None
    try:
        from .optimize import resolve_mode
        mode = resolve_mode(settings)
        if mode == "llm":
            from ..llm.breaker import endpoint_down
            if why := endpoint_down(settings):
                return Fallback("endpoint-unavailable", why)
        from ..session import BuildSession
        if spent := BuildSession.from_settings(settings, mode).spent_out():
            return Fallback("budget-exhausted", spent)
    except Exception as e:  # noqa: BLE001 - a budget/breaker question never breaks a build
        log.info("budget or breaker state unreadable (%s); scoring as usual", e)
    return None


# --------------------------------------------------------------------------- cache store


def _store(cache: Cache, key1: str, inv: Invocation, cwd: Path, base: Baseline) -> None:
    from ..cache import header_hash
    headers: list[tuple[str, str, str]] = []
    for h in base.headers or []:
        digest, signature = header_hash(str(cwd / h))
        if digest is None:
            return
        headers.append((h, digest, signature))
    files: dict[str, Path | bytes] = {"object": cwd / inv.output, "stdout": base.stdout,
                                      "stderr": base.stderr}
    if inv.dep_file:
        dep = cwd / inv.dep_file
        if dep.is_file():
            files["depfile"] = dep
    key2 = _result_key(key1, [d for _, d, _ in headers])
    if cache.store(key2, files):
        cache.write_manifest(key1, headers)


# --------------------------------------------------------------------------- baseline


def compile_baseline(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path,
                     work: Path, *, features: bool = True) -> Baseline:
    """Run the user's own command with the real clang. Two invisible additions: the
    feature plugin (analysis only: the object is byte-identical) and clang's header
    list for the cache manifest. If the compile fails with those additions, rerun the
    pure command so the user sees exactly clang's own diagnostics and status."""
    env = dict(os.environ)
    extra: list[str] = []
    headers_file = work / "headers.txt"
    features = work / "features.json"
    if not inv.user_headers_only_deps:
        # clang appends every header it reads to this file; with -MMD it would also
        # add system headers to the user's .d (a clang quirk), so -MMD uses _list_headers.
        env["CC_PRINT_HEADERS"] = "1"
        env["CC_PRINT_HEADERS_FILE"] = str(headers_file)
    plugin = feature_plugin_path() if settings["mode"] != "off" and features else None
    if plugin:
        extra.append(f"-fpass-plugin={plugin}")
        env["LLMCC_FEATURES_OUT"] = str(features)
    if sys.stderr.isatty() and not inv.color_flag:
        extra.append("-fcolor-diagnostics")  # we capture stderr; keep clang's tty colours
    proc = _run([str(tc.clang), *inv.args, *extra], env, cwd, work)
    if proc.returncode != 0 and plugin:
        env.pop("LLMCC_FEATURES_OUT", None)
        proc = _run([str(tc.clang), *inv.args, *extra[1:]], env, cwd, work)
    if proc.returncode != 0:
        headers: list[str] | None = None
    elif inv.user_headers_only_deps:
        headers = _list_headers(tc, inv, cwd, work)
    else:
        headers = _read_headers(headers_file)
    return Baseline(proc.returncode, proc.stdout, proc.stderr, headers,
                    features if features.is_file() else None)


def _list_headers(tc: Toolchain, inv: Invocation, cwd: Path, work: Path) -> list[str] | None:
    """Every header the TU reads, from a separate ``clang -M`` (costs a preprocessing
    run; only -MMD builds need it). None (= do not cache) if it fails."""
    dep = work / "all.d"
    proc = _run([str(tc.clang), *inv.codegen_flags, "-M", "-MF", str(dep), "-w", inv.source,
                 "-o", os.devnull], dict(os.environ), cwd, work)
    if proc.returncode != 0:
        return None
    deps = parse_depfile(dep.read_text(errors="surrogateescape"))
    return [d for d in deps if d != inv.source]


class _Ran:
    """A finished clang: status (negative: killed by that signal) and what it printed."""

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def _run(argv: list[str], env: dict, cwd: Path, work: Path) -> _Ran:
    """Run clang as ``subprocess.run(..., stdin=DEVNULL, capture_output=True)`` would,
    through ``os.posix_spawn`` with its output in files under ``work``: subprocess's
    imports (threading, selectors, signal handling, locale) cost every compiled TU more
    than the spawn itself. A call in another directory than ours uses subprocess."""
    if os.path.realpath(cwd) != os.path.realpath(os.getcwd()):
        import subprocess
        proc = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True)
        return _Ran(proc.returncode, proc.stdout, proc.stderr)
    import signal
    out, err = str(work / "clang.stdout"), str(work / "clang.stderr")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, out, flags, 0o600),
               (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o600)]
    spawn = os.posix_spawn if os.sep in argv[0] else os.posix_spawnp
    # Python ignores SIGPIPE (and SIGXFSZ); clang gets the defaults back, as subprocess does.
    pid = spawn(argv[0], argv, env, file_actions=actions,
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
    _, status = os.waitpid(pid, 0)
    with open(out, "rb") as f_out, open(err, "rb") as f_err:
        return _Ran(os.waitstatus_to_exitcode(status), f_out.read(), f_err.read())


def _read_headers(path: Path) -> list[str]:
    try:
        lines = path.read_text(errors="surrogateescape").splitlines()
    except OSError:
        return []
    seen: dict[str, None] = {}
    for line in lines:
        p = line.lstrip(". ").strip() if line.startswith(".") and " " in line else line.strip()
        if p:
            seen.setdefault(p, None)
    return list(seen)


# --------------------------------------------------------------------------- optimize


def optimize_or_fallback(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path,
                         work: Path, base: Baseline, *, skip: Fallback | None = None) -> str:
    """THE fallback place. Runs the optimizers (unless ``skip`` already says why not);
    any Fallback or exception keeps the baseline object (already in place). Returns the
    outcome counter for ``llmcc stats``."""
    start = time.monotonic()
    report: dict = {"source": inv.source, "output": inv.output, "cwd": str(cwd),
                    "llmcc_version": __version__, "mode": settings["mode"]}
    try:
        with _quiet(work / "optimizer-output.txt"):
            result = skip or _optimize(tc, settings, inv, cwd, work, base, report, start)
    except Exception as e:  # noqa: BLE001 - by design: nothing may break the build
        import traceback
        result = Fallback("internal-error", f"{type(e).__name__}: {e}")
        report["traceback"] = traceback.format_exc()
    if isinstance(result, Fallback):
        report["decision"] = "baseline"
        report["fallback"] = {"reason": result.reason, "detail": result.detail}
        outcome = f"fallback:{result.reason}"
        log.info("%s: fallback %s", inv.source, result)
    else:
        report["decision"] = result
        outcome = result
    report["seconds"] = round(time.monotonic() - start, 3)
    _write_report(settings, inv, report, own_fields_only=skip is not None and result is skip)
    return outcome


class _quiet:
    """Send everything written to fds 1 and 2 (Python warnings, C extensions, child
    processes) to a file while the optimizers run: the user's terminal shows clang's
    output and nothing else (DROPIN 9)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        import warnings
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        sys.stdout.flush()
        sys.stderr.flush()
        self._saved = (os.dup(1), os.dup(2))
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        return self

    def __exit__(self, *exc):
        sys.stdout.flush()
        sys.stderr.flush()
        for target, saved in zip((1, 2), self._saved):
            os.dup2(saved, target)
            os.close(saved)
        self._warnings.__exit__(*exc)
        return False


def _optimize(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path, work: Path,
              base: Baseline, report: dict, start: float) -> str | Fallback:
    """Returns "baseline" (nothing to do), "optimized", or a Fallback."""
    mode = settings["mode"]
    if mode == "off":
        return "baseline"
    from .optimize import optimize_tu   # lazy: only TUs that get this far pay for imports
    return optimize_tu(tc, settings, inv, cwd, work, base.features, report,
                       deadline=start + settings["tu_deadline"])


def _write_report(settings: Settings, inv: Invocation, report: dict, *,
                  own_fields_only: bool = False) -> None:
    """Per-TU JSON report (what was tried, verdicts, speedups). Only TUs that were
    scored as hot or fell back get one, so a large build does not write thousands.
    ``own_fields_only``: the report holds only this module's strings and numbers (a TU
    skipped before its baseline), so it needs no sanitizing and llmcc.report's imports
    (html, ...) are not paid by every TU of a build whose endpoint or budget is gone."""
    if report.get("decision") == "baseline" and "hot_functions" not in report and "fallback" not in report:
        return
    if own_fields_only:
        import json
        dumps_report = lambda r: json.dumps(r, indent=2, allow_nan=False)  # noqa: E731
    else:
        from ..report import dumps_report   # strict JSON: NaN/Infinity become null
    try:
        d = Path(settings["report_dir"]) if settings["report_dir"] else settings.cache_dir() / "reports"
        d.mkdir(parents=True, exist_ok=True)
        name = f"{int(time.time() * 1000)}-{os.getpid()}-{Path(inv.source).stem}.json"
        from ..cache import atomic_write_bytes
        atomic_write_bytes(d / name, dumps_report(report).encode())
    except (OSError, ValueError, RecursionError) as e:
        log.info("report not written: %s", e)


