"""What of a command line and its working directory goes into the cache key (as ccache).

The key must change whenever the object (or the .d file, or clang's output) would, and
nothing else, so that a rebuild of the same sources in another directory -- a CI checkout,
an out-of-tree build -- is a hit:

* The output path (``-o``) is not keyed: where the object goes does not change it. It is
  keyed only where it lands in a file: as the target of a .d file without -MT/-MQ, or in
  a recorded command line (-frecord-command-line / -grecord-command-line).
* The .d file's location (``-MF``, ``-Wp,-MD,path``) is not keyed; its content is restored.
* The working directory is keyed only where it lands in the object: with debug info it is
  DW_AT_comp_dir, unless -fdebug-compilation-dir gives it, and after the user's
  -fdebug-prefix-map / -ffile-prefix-map (a cwd mapped to "." is keyed as ".").
  Relative ``__FILE__`` paths never contain it (they are keyed through the arguments).
* Profile-use files are keyed by content, not by name.
* ``base_dir`` (config ``cache_base_dir``, env ``LLMCC_CACHE_BASE_DIR``), as ccache's:
  an absolute path under it is hashed relative to the working directory -- but only
  where the path cannot reach the object as written: the OLD side of a prefix map, and
  include / source paths that a -ffile-prefix-map or -fmacro-prefix-map covers (and,
  with debug info, a debug map too). llmcc never rewrites the user's command (ccache
  does), so a path that would land in the object unmapped stays absolute in the key:
  a miss, never a wrong object. A TU with a .d file keeps its source and include paths
  absolute, since the .d names them as written.
"""
from __future__ import annotations

import os

# Options whose (separate or joined) value is a path that may reach the object or .d.
PATH_OPTIONS = ("-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros", "-isysroot",
                "--sysroot=", "--sysroot", "-iprefix", "-iwithprefix", "-iwithprefixbefore")
PROFILE_OPTIONS = ("-fprofile-use=", "-fprofile-instr-use=", "-fprofile-sample-use=")
DEBUG_MAPS = ("-fdebug-prefix-map=", "-ffile-prefix-map=")
MACRO_MAPS = ("-fmacro-prefix-map=", "-ffile-prefix-map=")
ALL_MAPS = ("-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=")
RECORDS_COMMAND = ("-frecord-command-line", "-frecord-gcc-switches", "-grecord-command-line",
                   "-grecord-gcc-switches")


def has_debug_info(args: list[str]) -> bool:
    """Whether the last -g option asks for debug info (over-answering only costs a miss)."""
    on = False
    for a in args:
        if a == "-g0" or a == "-gno-record-gcc-switches":
            on = False if a == "-g0" else on
        elif a.startswith("-g") and not a.startswith("-gno-"):
            on = True
    return on


def _maps(args: list[str], kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for a in args:
        for k in kinds:
            if a.startswith(k) and "=" in a[len(k):]:
                old, _, new = a[len(k):].partition("=")
                out.append((old, new))
    return out


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/") or "/"
    return path == prefix or path.startswith(prefix if prefix == "/" else prefix + "/")


def mapped_cwd(args: list[str], cwd: str) -> str:
    """The compilation directory as it lands in the debug info."""
    for a in args:
        if a.startswith(("-fdebug-compilation-dir=", "-ffile-compilation-dir=")):
            return ""          # given in the arguments, which are keyed
    hits = [(old, new) for old, new in _maps(args, DEBUG_MAPS) if _under(cwd, old)]
    if len(hits) != 1:
        # No map, or several (which one clang applies is its business): key the raw cwd,
        # so the worst case is a miss.
        return cwd
    old, new = hits[0]
    return new + cwd[len(old.rstrip("/")):]


def key_arguments(args: list[str], *, output: str | None, cwd: str, base_dir: str = "",
                  has_dep_file: bool = False) -> list[str]:
    """The arguments as they enter the key: no output / .d location, paths under
    ``base_dir`` made relative where that cannot hide a difference in the object, and
    the working directory (or what it maps to) where it lands in the object."""
    debug = has_debug_info(args)
    macro_maps = [old for old, _ in _maps(args, MACRO_MAPS)]
    debug_maps = [old for old, _ in _maps(args, DEBUG_MAPS)]
    base = os.path.normpath(base_dir) if base_dir else ""

    def rel(path: str, *, lands: bool) -> str:
        """``path`` relative to the cwd if it is under base_dir and (when it can land in
        the object or .d) every place it lands is mapped away."""
        if not base or not os.path.isabs(path) or not _under(os.path.normpath(path), base):
            return path
        if lands:
            if has_dep_file:
                return path
            if not any(_under(path, m) for m in macro_maps):
                return path
            if debug and not any(_under(path, m) for m in debug_maps):
                return path
        return os.path.relpath(path, cwd)

    out: list[str] = []
    keep_output = has_dep_file or any(a in RECORDS_COMMAND for a in args)
    if any(a in RECORDS_COMMAND for a in args):
        out.append(f"cwd={cwd}")   # the recorded command line may be resolved against it
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a == "-o":
            if keep_output and nxt is not None:
                out += ["-o", nxt]
            i += 2
            continue
        if a.startswith("-o") and len(a) > 2:
            if keep_output:
                out.append(a)
        elif a == "-MF":
            i += 2
            continue
        elif a.startswith("-MF"):
            pass
        elif a.startswith(("-Wp,-MD,", "-Wp,-MMD,")):
            out.append(a.split(",", 2)[0] + "," + a.split(",", 2)[1])
        elif a.startswith(ALL_MAPS) and "=" in a.split("map=", 1)[1]:
            kind, _, rest = a.partition("map=")
            old, _, new = rest.partition("=")
            out.append(f"{kind}map={rel(old, lands=False)}={new}")
        elif a == "-fprofile-use":
            out += [a, _profile_digest(cwd)]
        elif a.startswith(PROFILE_OPTIONS):
            out.append(a.split("=", 1)[0] + "=<content>")
            out.append(_profile_digest(os.path.join(cwd, a.split("=", 1)[1])))
        elif a in PATH_OPTIONS and nxt is not None:
            out += [a, rel(nxt, lands=True)]
            i += 2
            continue
        elif a.startswith(PATH_OPTIONS) and not a.startswith("-include-pch"):
            opt = next(p for p in PATH_OPTIONS if a.startswith(p))
            out.append(opt + rel(a[len(opt):], lands=True))
        elif not a.startswith("-"):
            out.append(rel(a, lands=True))      # the source
        else:
            out.append(a)
        i += 1
    if debug:   # what lands is the mapped cwd itself: never made relative
        out.append("comp_dir=" + mapped_cwd(args, cwd))
    return out


def _profile_digest(path: str) -> str:
    """Content hash of a profile (a directory means its default.profdata, as clang)."""
    from ..cache import hash_file
    if os.path.isdir(path):
        path = os.path.join(path, "default.profdata")
    return hash_file(path) or f"<missing {path}>"
