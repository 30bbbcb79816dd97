"""The driver's entry: every compiler invocation starts here (cf. ccache's main).

    run_compiler     which compiler (launcher, masquerade or compiler form), which settings
      -> exec clang  llmcc disabled, or anything that is not "one C source -> one object"
      -> cache hit   direct-mode key + manifest (driver/lookup.py): write the stored object
      -> compile.compile_candidate   everything else: baseline, optimize, store

Most calls in a real build end in one of the first two ("just clang"): configure probes,
links, cached objects. They pay Python's start-up and this module's imports and nothing
else, so this module and what it imports at the top (config, toolchain, args, log) use
plain strings and no pathlib, subprocess, typing or json imports;
test/unit/test_startup.py holds that line. A compile that really runs clang loads the
rest (driver/compile.py) -- its clang run dwarfs the imports.
"""
from __future__ import annotations

import os
import sys

from ..config import ConfigError, load_settings
from ..log import log
from ..toolchain import ToolchainError, locate_clang
from .args import classify_invocation

LLMCC_NAMES = ("llmcc", "llmc++")
# A launcher's first argument names a compiler: clang, clang-22, cc, gcc, x86_64-linux-gnu-gcc-12 ...
COMPILER_NAMES = ("clang", "cc", "gcc", "c89", "c99", "c11")


def run_compiler(argv0: str, args: list[str]) -> int:
    """Handle one compiler invocation in compiler, launcher or masquerade form."""
    explicit, skip_dirs, clang_args = split_form(argv0, args)
    settings, config_error = _settings()
    if settings and settings["log_file"]:   # logs go to a file, never to stdout/stderr
        log.to_file(settings["log_file"])
    if config_error is not None:
        # The build goes on (baseline), but the user must learn about the bad key.
        sys.stderr.write(f"llmcc: config error: {config_error} (compiling without llmcc)\n")
        sys.stderr.flush()
    try:
        clang = locate_clang(explicit=explicit, skip_dirs=skip_dirs)
    except ToolchainError as e:
        if explicit:  # launcher form with a compiler we do not optimize for: run it untouched
            return exec_compiler(explicit, clang_args)
        sys.stderr.write(f"llmcc: error: {e}\n")
        return 1
    if settings is None or settings["disable"]:
        return exec_compiler(clang, clang_args)
    cwd = os.getcwd()
    inv = classify_invocation(clang_args, cwd=cwd, min_opt_level=int(settings["min_opt_level"]))
    if (os.environ.get("LLMCC_TUNE_RECORD") or os.environ.get("LLMCC_TUNE_INSTRUMENT")
            or settings["decisions"] or _decisions_file_above(cwd)):
        from pathlib import Path
        from ..toolchain import toolchain_for
        from ..tune.hooks import on_compile   # `llmcc tune` sessions and decisions files only
        if (rc := on_compile(toolchain_for(clang), settings, clang_args, inv, Path(cwd))) is not None:
            return rc
    if not inv.candidate:
        log.info("pass-through (%s): %s", inv.why_not, " ".join(clang_args))
        if any(not a.startswith("-") for a in clang_args):
            # Links and other real work are counted; bare queries (--version, -dumpmachine,
            # -print-*) are not: configure scripts run many, and they must stay fast.
            from ..cache import bump_stats
            bump_stats(settings.cache_root(), {"passthrough": 1})
        return exec_compiler(clang, clang_args)
    key1 = None
    if settings["cache"]:
        from .lookup import direct_key, try_restore
        key1 = direct_key(clang, settings, inv, cwd)
        if key1 and (rc := try_restore(settings.cache_root(), key1, inv)) is not None:
            return rc
    from pathlib import Path
    from ..toolchain import toolchain_for
    from .compile import compile_candidate   # a miss: the clang run dwarfs these imports
    return compile_candidate(toolchain_for(clang), settings, inv, Path(cwd), key1=key1, looked_up=True)


def _decisions_file_above(cwd: str) -> bool:
    """Whether a ``llmcc-decisions.json`` (``llmcc tune``) sits in ``cwd`` or above."""
    d = cwd
    while True:
        if os.path.isfile(os.path.join(d, "llmcc-decisions.json")):
            return True
        parent = os.path.dirname(d)
        if parent == d:
            return False
        d = parent


def split_form(argv0: str, args: list[str]) -> tuple[str | None, tuple[str, ...], list[str]]:
    """(explicit compiler, PATH dirs to skip, clang args) for the three forms:
    launcher ``llmcc clang-22 -c x.c``, masquerade ``cc -c x.c`` (argv0 is a wrapper),
    compiler ``llmcc -c x.c``."""
    skip: list[str] = []
    if os.environ.get("LLMCC_WRAPPER_DIR"):
        skip.append(os.environ["LLMCC_WRAPPER_DIR"])
    name = os.path.basename(argv0)
    if name not in LLMCC_NAMES and not name.startswith("python"):
        # Masquerade: this script was called as cc/clang from a wrappers dir.
        skip.append((os.path.dirname(argv0) or ".") if os.sep in argv0 else ".")
        return None, tuple(skip), args
    if args and not args[0].startswith("-") and _names_compiler(args[0]):
        return args[0], tuple(skip), args[1:]
    return None, tuple(skip), args


def _names_compiler(arg: str) -> bool:
    base = os.path.basename(arg)
    if base.endswith((".c", ".o", ".s", ".S", ".i", ".a", ".so", ".h")):
        return False
    # Plain string logic rather than a regex.
    stem, _, version = base.rpartition("-")
    if stem and version.replace(".", "").isdigit():
        base = stem
    return base.rpartition("-")[2] in COMPILER_NAMES


def _settings():
    """(settings, None), or on a bad config (default settings in mode off, the error):
    the baseline is compiled either way. (None, error) if even that fails."""
    try:
        return load_settings(), None
    except ConfigError as e:
        try:
            return load_settings(env={k: v for k, v in os.environ.items()
                                      if k in ("LLMCC_CACHE_DIR", "LLMCC_DISABLE")}
                                 | {"LLMCC_CONFIG": os.devnull, "LLMCC_MODE": "off"}), str(e)
        except ConfigError:
            return None, str(e)


def exec_compiler(compiler: str, args: list[str]) -> int:
    """Become the real compiler: stdin/stdout/stderr, exit status and signals are clang's."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(compiler, [compiler, *args])
    except OSError as e:
        sys.stderr.write(f"llmcc: error: cannot run {compiler}: {e}\n")
        return 1
    return 0  # not reached
