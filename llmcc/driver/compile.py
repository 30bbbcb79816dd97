"""The compile flow, top to bottom (cf. ccache's ``do_cache_compilation``):

    run_compiler          which compiler, which settings, is this a candidate?
      -> pass_through     anything that is not "one C source -> one object": exec clang
      -> compile_candidate
           cache lookup (direct mode: source + flags + the headers it read last time)
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
from ..config import ConfigError, Settings, load_settings
from ..outcome import Fallback
from ..toolchain import Toolchain, ToolchainError, feature_plugin_path, find_toolchain
from .args import Invocation, classify_invocation
from .depfile import parse_depfile
from ..log import log


LLMCC_NAMES = ("llmcc", "llmc++")
# A launcher's first argument names a compiler: clang, clang-22, cc, gcc, x86_64-linux-gnu-gcc-12 ...
COMPILER_NAMES = ("clang", "cc", "gcc", "c89", "c99", "c11")
# Environment that changes what the preprocessor sees (DROPIN 19).
KEY_ENV_VARS = ("CPATH", "C_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "SOURCE_DATE_EPOCH",
                "LANG", "LC_ALL", "LC_CTYPE")
TIME_MACROS = (b"__DATE__", b"__TIME__", b"__TIMESTAMP__")


# --------------------------------------------------------------------------- entry


def run_compiler(argv0: str, args: list[str]) -> int:
    """Handle one compiler invocation in compiler, launcher or masquerade form."""
    explicit, skip_dirs, clang_args = _split_form(argv0, args)
    settings, config_error = _settings()
    _setup_logging(settings)
    if config_error is not None:
        # The build goes on (baseline), but the user must learn about the bad key.
        sys.stderr.write(f"llmcc: config error: {config_error} (compiling without llmcc)\n")
        sys.stderr.flush()
    try:
        tc = find_toolchain(explicit=explicit, skip_dirs=skip_dirs)
    except ToolchainError as e:
        if explicit:  # launcher form with a compiler we do not optimize for: run it untouched
            return _exec(explicit, clang_args)
        sys.stderr.write(f"llmcc: error: {e}\n")
        return 1
    if settings is None or settings["disable"]:
        return _exec(str(tc.clang), clang_args)
    cwd = Path.cwd()
    inv = classify_invocation(clang_args, cwd=cwd, min_opt_level=int(settings["min_opt_level"]))
    if (os.environ.get("LLMCC_TUNE_RECORD") or os.environ.get("LLMCC_TUNE_INSTRUMENT") or settings["decisions"]
            or any((d / "llmcc-decisions.json").is_file() for d in (cwd, *cwd.parents))):
        from ..tune.hooks import on_compile   # `llmcc tune` sessions and decisions files only
        if (rc := on_compile(tc, settings, clang_args, inv, cwd)) is not None:
            return rc
    if not inv.candidate:
        log.info("pass-through (%s): %s", inv.why_not, " ".join(clang_args))
        if any(not a.startswith("-") for a in clang_args):
            # Links and other real work are counted; bare queries (--version, -dumpmachine,
            # -print-*) are not: configure scripts run many, and they must stay fast.
            _cache(settings).bump("passthrough")
        return _exec(str(tc.clang), clang_args)
    return compile_candidate(tc, settings, inv, cwd)


def _split_form(argv0: str, args: list[str]) -> tuple[str | None, tuple[Path, ...], list[str]]:
    """(explicit compiler, PATH dirs to skip, clang args) for the three forms:
    launcher ``llmcc clang-22 -c x.c``, masquerade ``cc -c x.c`` (argv0 is a wrapper),
    compiler ``llmcc -c x.c``."""
    skip: list[Path] = []
    if os.environ.get("LLMCC_WRAPPER_DIR"):
        skip.append(Path(os.environ["LLMCC_WRAPPER_DIR"]))
    name = Path(argv0).name
    if name not in LLMCC_NAMES and not name.startswith("python"):
        # Masquerade: this script was called as cc/clang from a wrappers dir.
        skip.append(Path(argv0).parent if os.sep in argv0 else Path("."))
        return None, tuple(skip), args
    if args and not args[0].startswith("-") and _names_compiler(args[0]):
        return args[0], tuple(skip), args[1:]
    return None, tuple(skip), args


def _names_compiler(arg: str) -> bool:
    base = Path(arg).name
    if base.endswith((".c", ".o", ".s", ".S", ".i", ".a", ".so", ".h")):
        return False
    # Plain string logic rather than a regex: `re` costs ~4 ms at every start-up.
    stem, _, version = base.rpartition("-")
    if stem and version.replace(".", "").isdigit():
        base = stem
    return base.rpartition("-")[2] in COMPILER_NAMES


def _settings() -> tuple[Settings | None, str | None]:
    try:
        return load_settings(), None
    except ConfigError as e:
        # Bad config: compile the baseline with default settings otherwise untouched.
        try:
            return load_settings(env={k: v for k, v in os.environ.items()
                                      if k in ("LLMCC_CACHE_DIR", "LLMCC_DISABLE")}
                                 | {"LLMCC_CONFIG": os.devnull, "LLMCC_MODE": "off"}), str(e)
        except ConfigError:
            return None, str(e)


def _setup_logging(settings: Settings | None) -> None:
    """Logs go to a file, never to stdout/stderr (they belong to clang)."""
    if settings and settings["log_file"]:
        log.to_file(settings["log_file"])


def _cache(settings: Settings):
    from ..cache import Cache   # lazy: hashing/tempfile imports cost start-up on pass-through
    return Cache(settings.cache_dir(), settings["cache_max_size"])


def _exec(compiler: str, args: list[str]) -> int:
    """Become the real compiler: stdin/stdout/stderr, exit status and signals are clang's."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(compiler, [compiler, *args])
    except OSError as e:
        sys.stderr.write(f"llmcc: error: cannot run {compiler}: {e}\n")
        return 1
    return 0  # not reached


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


def compile_candidate(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path) -> int:
    """One C source -> one object: cache, baseline, optimize (or fall back), store, emit."""
    import contextlib
    store = _cache(settings)       # also holds the statistics, even with caching off
    key1 = direct_key(tc, settings, inv, cwd) if settings["cache"] else None
    if key1 and (rc := _try_restore(store, key1, inv)) is not None:
        return rc
    with (store.lock(key1) if key1 else contextlib.nullcontext()):
        if key1 and (rc := _try_restore(store, key1, inv)) is not None:
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


def _emit(stdout: bytes, stderr: bytes, returncode: int) -> int:
    sys.stdout.buffer.write(stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(stderr)
    sys.stderr.flush()
    if returncode < 0:  # clang died of a signal: report it the way a shell would (DROPIN 8)
        return 128 - returncode
    return returncode


# --------------------------------------------------------------------------- cache keys


def direct_key(tc: Toolchain, settings: Settings, inv: Invocation, cwd: Path) -> str | None:
    """Key of everything but the headers: llmcc version and settings, compiler identity,
    the arguments as ``cache_key.key_arguments`` keys them (no output path; the cwd only
    where it lands in the object; paths under ``cache.base_dir`` relative), the source
    text, the preprocessor-relevant environment, and whether stderr is a terminal
    (clang colours diagnostics only then). None if the TU cannot be cached."""
    try:
        src = (cwd / inv.source).read_bytes()
    except OSError:
        return None
    if "SOURCE_DATE_EPOCH" not in os.environ and any(m in src for m in TIME_MACROS):
        return None
    if os.environ.get("CC_PRINT_HEADERS") or os.environ.get("CC_PRINT_HEADERS_FILE"):
        return None   # the user already uses clang's header printing; we must not disturb it
    from ..cache import hash_bytes, hash_file
    from .cache_key import key_arguments
    env = "\0".join(f"{k}={os.environ.get(k, '')}" for k in KEY_ENV_VARS)
    plugin = feature_plugin_path()
    native = _native_cpu() if any(a.endswith("=native") for a in inv.expanded) else b""
    parts = [__version__.encode(), settings.fingerprint().encode(), tc.identity().encode(), native,
             "\0".join(key_arguments(inv.expanded, output=inv.output, cwd=str(cwd),
                                     base_dir=settings["cache_base_dir"],
                                     has_dep_file=bool(inv.dep_file))).encode(),
             src, env.encode(),
             str(sys.stderr.isatty()).encode(),
             (hash_file(plugin) or "").encode() if plugin else b""]
    return hash_bytes(*parts)


def _native_cpu() -> bytes:
    """What -march=native / -mtune=native resolve to on this machine (DROPIN 19): the
    CPU's model and feature flags, so a cache shared between machines stays right."""
    try:
        with open("/proc/cpuinfo", "rb") as f:
            lines = f.read().splitlines()
    except OSError:
        return b"unknown-cpu"
    keep = (b"model name", b"flags", b"vendor_id", b"cpu family", b"model\t")
    return b"\n".join(sorted({line for line in lines if line.startswith(keep)}))


def _result_key(key1: str, header_hashes: list[str]) -> str:
    from ..cache import hash_bytes
    return hash_bytes(key1.encode(), "\0".join(header_hashes).encode())


def _try_restore(cache: Cache, key1: str, inv: Invocation) -> int | None:
    """On a hit, write the object (and .d) exactly as stored and replay clang's output."""
    from ..cache import atomic_copy, hash_file
    manifest = cache.read_manifest(key1)
    if manifest is None:
        return None
    hashes = []
    for path, digest in manifest:
        if hash_file(path) != digest:
            return None
        hashes.append(digest)
    files = cache.lookup(_result_key(key1, hashes))
    if files is None or "object" not in files:
        return None
    try:
        atomic_copy(files["object"], Path(inv.output))
        if inv.dep_file and "depfile" in files:
            atomic_copy(files["depfile"], Path(inv.dep_file))
    except OSError as e:
        log.info("cache: restore failed (%s); compiling", e)
        return None
    cache.bump("cache_hit")
    return _emit(_read(files.get("stdout")), _read(files.get("stderr")), 0)


def _read(p: Path | None) -> bytes:
    return p.read_bytes() if p else b""


def _store(cache: Cache, key1: str, inv: Invocation, cwd: Path, base: Baseline) -> None:
    from ..cache import hash_file
    headers: list[tuple[str, str]] = []
    for h in base.headers or []:
        digest = hash_file(cwd / h)
        if digest is None:
            return
        headers.append((h, digest))
    files: dict[str, Path | bytes] = {"object": cwd / inv.output, "stdout": base.stdout,
                                      "stderr": base.stderr}
    if inv.dep_file:
        dep = cwd / inv.dep_file
        if dep.is_file():
            files["depfile"] = dep
    key2 = _result_key(key1, [d for _, d in headers])
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
    proc = _run([str(tc.clang), *inv.args, *extra], env, cwd)
    if proc.returncode != 0 and plugin:
        env.pop("LLMCC_FEATURES_OUT", None)
        proc = _run([str(tc.clang), *inv.args, *extra[1:]], env, cwd)
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
                 "-o", os.devnull], dict(os.environ), cwd)
    if proc.returncode != 0:
        return None
    deps = parse_depfile(dep.read_text(errors="surrogateescape"))
    return [d for d in deps if d != inv.source]


def _run(argv: list[str], env: dict, cwd: Path):
    import subprocess   # lazy: pass-through and cache hits never start a child this way
    return subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True)


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
    _write_report(settings, inv, report)
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


def _write_report(settings: Settings, inv: Invocation, report: dict) -> None:
    """Per-TU JSON report (what was tried, verdicts, speedups). Only TUs that were
    scored as hot or fell back get one, so a large build does not write thousands."""
    if report.get("decision") == "baseline" and "hot_functions" not in report and "fallback" not in report:
        return
    from ..report import dumps_report   # strict JSON: NaN/Infinity become null
    try:
        d = Path(settings["report_dir"]) if settings["report_dir"] else settings.cache_dir() / "reports"
        d.mkdir(parents=True, exist_ok=True)
        name = f"{int(time.time() * 1000)}-{os.getpid()}-{Path(inv.source).stem}.json"
        from ..cache import atomic_write_bytes
        atomic_write_bytes(d / name, dumps_report(report).encode())
    except (OSError, ValueError, RecursionError) as e:
        log.info("report not written: %s", e)


