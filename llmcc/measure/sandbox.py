"""Run untrusted binaries (LLM-made candidates, generated tests) in a sandbox.

Layers, strongest first (``isolation_available()`` probes once and caches):

* ``bwrap``       bubblewrap: new net/pid/ipc/uts (and user, if allowed) namespaces, the whole
                  file system read-only, a private ``/tmp`` (in RAM, at most
                  ``file_size_bytes``), only ``workdir`` writable.
* ``namespaces``  ``unshare --net --pid --mount``: no network, contained process tree, the root
                  mount remounted read-only with ``workdir`` bound writable. Weaker than bwrap:
                  other mounts (a separate /tmp, /dev/shm) stay writable and /tmp is not private.
* ``rlimits-only`` resource limits and a process group only. Refused unless the caller passes
                  ``allow_unsandboxed=True`` (setting ``verify.allow_unsandboxed``).
* ``none``        no helper could be built; only the wall-clock kill (again only with
                  ``allow_unsandboxed=True``).

Every layer applies rlimits (CPU, address space, file size, process count, no core
files), starts the child in its own session and kills the whole group on the wall
timeout. Root ignores ``RLIMIT_NPROC``, so the fork-bomb defence comes from a cgroup
``pids.max`` when the pids controller is writable, plus the PID namespace (killing its
init kills every process in it).

A small C helper (the "reaper", compiled once with clang) sets the limits outside the
namespaces and, inside them, waits for the program and reports the real wait status
and rusage on a pipe: bubblewrap itself only reports ``128+N`` for a signal, which
cannot be told apart from ``exit(128+N)``.
"""
from __future__ import annotations

import errno
import functools
import hashlib
import itertools
import logging
import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..tmpsweep import temp_dir as _temp_dir

log = logging.getLogger(__name__)

MINIMAL_PATH = "/usr/local/bin:/usr/bin:/bin"
# Processes the sandbox machinery itself occupies inside the pids cgroup
# (reaper-turned-bwrap, bwrap's namespace init, the inner reaper).
_MACHINERY_PROCESSES = 4
# Killed by one of these with a peak RSS above this share of the limit: call it "memory"
# (RLIMIT_AS makes malloc return NULL; touching it then crashes the program).
_MEMORY_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGKILL})
_MEMORY_SHARE = 0.5


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run."""

    cpu_seconds: float = 10.0
    wall_seconds: float = 20.0
    memory_bytes: int = 1 << 30
    file_size_bytes: int = 64 << 20
    processes: int = 64


@dataclass
class RunResult:
    """What a sandboxed run did. ``returncode`` is None when the program was killed;
    then ``killed`` says why: "timeout" | "cpu" | "memory" | "filesize" | "signal:<NAME>"."""

    returncode: int | None
    stdout: bytes
    stderr: bytes
    killed: str | None
    wall_time: float
    cpu_time: float             # user+sys of the child tree
    isolation: str              # "bwrap" | "namespaces" | "rlimits-only" | "none"

    @property
    def ok(self) -> bool:
        """Exited normally with status 0."""
        return self.killed is None and self.returncode == 0


class SandboxUnavailable(Exception):
    """No isolation strong enough is available and unsandboxed runs were not allowed."""


# --------------------------------------------------------------------------- the helper

_REAPER_SOURCE = r"""
/* llmcc sandbox helper. Outer use: join a cgroup, set rlimits, exec the rest.
   Inner use (-s FD): fork+exec the rest, wait, write "exit N|signal N utime_us stime_us
   maxrss_kb" to FD, exit like the child. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void limit(int res, unsigned long long soft, unsigned long long hard) {
    struct rlimit rl = { (rlim_t)soft, (rlim_t)hard };
    setrlimit(res, &rl);
}

int main(int argc, char **argv) {
    int opt, status_fd = -1;
    const char *cgroup_procs = NULL;
    unsigned long long cpu = 0, as = 0, fsize = 0, nproc = 0;
    while ((opt = getopt(argc, argv, "+g:c:m:f:p:s:")) != -1) {
        switch (opt) {
        case 'g': cgroup_procs = optarg; break;
        case 'c': cpu = strtoull(optarg, NULL, 10); break;
        case 'm': as = strtoull(optarg, NULL, 10); break;
        case 'f': fsize = strtoull(optarg, NULL, 10); break;
        case 'p': nproc = strtoull(optarg, NULL, 10); break;
        case 's': status_fd = atoi(optarg); break;
        default: return 125;
        }
    }
    if (optind >= argc) return 125;
    if (cgroup_procs) {
        int fd = open(cgroup_procs, O_WRONLY);
        if (fd < 0) return 124;
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
        if (write(fd, buf, n) != n) return 124;
        close(fd);
    }
    limit(RLIMIT_CORE, 0, 0);
    if (cpu) limit(RLIMIT_CPU, cpu, cpu + 1);
    if (as) limit(RLIMIT_AS, as, as);
    if (fsize) limit(RLIMIT_FSIZE, fsize, fsize);
    if (nproc) limit(RLIMIT_NPROC, nproc, nproc);
    if (status_fd < 0) {
        execvp(argv[optind], argv + optind);
        return 127;
    }
    pid_t pid = fork();
    if (pid < 0) return 126;
    if (pid == 0) {
        close(status_fd);
        execvp(argv[optind], argv + optind);
        _exit(127);
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0) {
        if (errno != EINTR) return 126;
    }
    char out[160];
    long long ut = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    long long stt = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    int n = snprintf(out, sizeof out, "%s %d %lld %lld %ld\n",
                     WIFSIGNALED(st) ? "signal" : "exit",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), ut, stt, ru.ru_maxrss);
    if (write(status_fd, out, n) < 0) { /* the caller then decodes the exit code */ }
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}
"""


def _compiler_for_helper() -> str | None:
    for name in ("clang-22", "/usr/lib/llvm-22/bin/clang", "cc", "gcc", "clang"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _private_state_dir() -> Path:
    """A directory only this user can write (the helper binary lives there)."""
    base = Path(tempfile.gettempdir()) / f"llmcc-sandbox-{os.getuid()}"
    base.mkdir(mode=0o700, exist_ok=True)
    st = base.stat()
    # Someone else's directory could hold a planted helper: never use it.
    if st.st_uid != os.getuid() or (st.st_mode & 0o022):
        raise SandboxUnavailable(f"{base} is not private to this user")
    return base


_REAPER_BUILD_LOCK = threading.Lock()  # difftest runs inputs from several threads


def _reaper_path() -> Path | None:
    """Build the helper once per source version; None if no C compiler works."""
    with _REAPER_BUILD_LOCK:
        binary = _build_reaper()
        if binary is not None and not binary.is_file():
            _build_reaper.cache_clear()  # a /tmp cleaner removed it: build again
            binary = _build_reaper()
        return binary


@functools.lru_cache(maxsize=1)
def _build_reaper() -> Path | None:
    digest = hashlib.sha256(_REAPER_SOURCE.encode()).hexdigest()[:16]
    try:
        state = _private_state_dir()
    except (OSError, SandboxUnavailable) as e:
        log.warning("sandbox helper directory unusable: %s", e)
        return None
    binary = state / f"reaper-{digest}"
    if binary.is_file() and os.access(binary, os.X_OK):
        return binary
    cc = _compiler_for_helper()
    if cc is None:
        log.warning("no C compiler to build the sandbox helper")
        return None
    src = state / f"reaper-{digest}-{os.getpid()}.c"
    tmp_bin = state / f"reaper-{digest}-{os.getpid()}.tmp"
    try:
        src.write_text(_REAPER_SOURCE)
        proc = subprocess.run([cc, "-O2", "-w", str(src), "-o", str(tmp_bin)],
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log.warning("building the sandbox helper failed: %s", proc.stderr[-500:])
            return None
        os.replace(tmp_bin, binary)  # atomic: concurrent builders race harmlessly
        return binary
    except (OSError, subprocess.SubprocessError) as e:
        log.warning("building the sandbox helper failed: %s", e)
        return None
    finally:
        for leftover in (src, tmp_bin):
            leftover.unlink(missing_ok=True)


# --------------------------------------------------------------------------- isolation probe

_BWRAP_NAMESPACE_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("--unshare-all",),
    # Some containers forbid user namespaces even for root; the rest still isolates.
    ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"),
)


@functools.lru_cache(maxsize=1)
def _bwrap_supports_size() -> bool:
    """``--size`` (bounding the private /tmp) arrived in bubblewrap 0.8."""
    try:
        proc = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in proc.stdout


def _bwrap_argv(variant: tuple[str, ...], workdir: Path, helper: Path | None,
                tmp_bytes: int | None = None) -> list[str]:
    argv = ["bwrap", *variant, "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
            "--proc", "/proc"]
    # The private /tmp lives in RAM: bound it, or many files under RLIMIT_FSIZE could fill it.
    if tmp_bytes is not None and _bwrap_supports_size():
        argv += ["--size", str(tmp_bytes)]
    argv += ["--tmpfs", "/tmp"]
    # Bind after --tmpfs /tmp so paths under /tmp (pytest, TMPDIR) stay visible.
    if helper is not None:
        argv += ["--ro-bind", str(helper), str(helper)]
    argv += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
    return argv


def _probe(argv: list[str]) -> bool:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=30,
                              env={"PATH": MINIMAL_PATH, "LANG": "C"})
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


@functools.lru_cache(maxsize=1)
def _bwrap_variant() -> tuple[str, ...] | None:
    if shutil.which("bwrap") is None:
        return None
    with _temp_dir("probe") as d:
        workdir = Path(d).resolve()
        marker = workdir / "written"
        for variant in _BWRAP_NAMESPACE_VARIANTS:
            argv = _bwrap_argv(variant, workdir, None) + ["/bin/sh", "-c", f": > {marker}"]
            if _probe(argv) and marker.exists():
                return variant
    return None


@functools.lru_cache(maxsize=1)
def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    with _temp_dir("probe") as d:
        return _probe(_unshare_argv(Path(d).resolve()) + ["/bin/true"])


def _unshare_prefix() -> list[str]:
    return ["unshare", "--net", "--pid", "--mount", "--fork", "--kill-child", "--mount-proc"]


# Inside the new mount namespace: keep workdir writable as its own mount, then make the root
# mount read-only. "$1" is the workdir; the rest is the command to exec.
_READ_ONLY_ROOT_SCRIPT = ('mount --make-rprivate / && mount --bind "$1" "$1" && '
                          'mount -o remount,bind,ro / && shift && exec "$@"')


def _unshare_argv(workdir: Path) -> list[str]:
    return _unshare_prefix() + ["--", "/bin/sh", "-c", _READ_ONLY_ROOT_SCRIPT, "sh", str(workdir)]


@functools.lru_cache(maxsize=1)
def isolation_available() -> str:
    """Best isolation this machine offers: "bwrap" | "namespaces" | "rlimits-only" | "none"."""
    if _reaper_path() is None:
        return "none"
    if _bwrap_variant() is not None:
        return "bwrap"
    if _unshare_works():
        return "namespaces"
    return "rlimits-only"


# --------------------------------------------------------------------------- pids cgroup


class _PidsCgroup:
    """A throw-away cgroup with ``pids.max`` (fork-bomb defence that also works for root).
    ``create`` returns None when the pids controller is not writable here."""

    _counter = itertools.count()

    def __init__(self, path: Path):
        self.path = path
        self.removed = False

    @classmethod
    def create(cls, max_pids: int) -> "_PidsCgroup | None":
        base = _pids_cgroup_base()
        if base is None:
            return None
        path = base / f"llmcc-sandbox-{os.getpid()}-{next(cls._counter)}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(f"{max_pids}\n")
        except OSError as e:
            log.debug("pids cgroup unusable: %s", e)
            try:
                path.rmdir()
            except OSError:
                pass
            return None
        return cls(path)

    @property
    def procs_file(self) -> Path:
        return self.path / "cgroup.procs"

    def kill_all_and_remove(self) -> None:
        """SIGKILL whatever is left (escaped the process group), then remove the group."""
        if self.removed:
            return
        for _ in range(50):
            try:
                pids = [int(p) for p in self.procs_file.read_text().split()]
            except OSError:
                pids = []
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                self.path.rmdir()
                self.removed = True
                return
            except OSError as e:
                if e.errno not in (errno.EBUSY, errno.ENOTEMPTY):
                    break
            time.sleep(0.02)
        log.warning("could not remove cgroup %s", self.path)


@functools.lru_cache(maxsize=1)
def _pids_cgroup_base() -> Path | None:
    """Where a child cgroup with a pids controller can be made: the cgroup-v1 pids
    hierarchy, or the cgroup-v2 directory we are in when it delegates "pids"."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, rel = line.split(":", 2)
        rel = rel.lstrip("/")
        if "pids" in controllers.split(","):
            candidate = Path("/sys/fs/cgroup/pids") / rel
        elif controllers == "":
            candidate = Path("/sys/fs/cgroup") / rel
            try:
                if "pids" not in (candidate / "cgroup.subtree_control").read_text().split():
                    continue
            except OSError:
                continue
        else:
            continue
        if (candidate / "cgroup.procs").exists() and os.access(candidate, os.W_OK):
            return candidate
    return None


# --------------------------------------------------------------------------- running


def _minimal_env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {"PATH": MINIMAL_PATH, "LANG": "C"}
    if extra:
        env.update(extra)
    return env


def _helper_limits(limits: Limits) -> list[str]:
    # RLIMIT_CPU is whole seconds; round up so a limit never cuts a run short.
    return ["-c", str(max(1, math.ceil(limits.cpu_seconds))), "-m", str(limits.memory_bytes),
            "-f", str(limits.file_size_bytes), "-p", str(limits.processes)]


def _command(argv: list[str], workdir: Path, level: str, limits: Limits, helper: Path | None,
             status_fd: int, cgroup: _PidsCgroup | None) -> list[str]:
    if level == "none" or helper is None:
        return list(argv)
    outer = [str(helper)]
    if cgroup is not None:
        outer += ["-g", str(cgroup.procs_file)]
    outer += [*_helper_limits(limits), "--"]
    inner = [str(helper), "-s", str(status_fd), "--", *argv]
    if level == "bwrap":
        variant = _bwrap_variant() or _BWRAP_NAMESPACE_VARIANTS[-1]
        return (outer + _bwrap_argv(variant, workdir, helper, tmp_bytes=limits.file_size_bytes)
                + ["--", *inner])
    if level == "namespaces":
        return outer + _unshare_argv(workdir) + inner
    return outer + inner


def _choose_level(allow_unsandboxed: bool) -> str:
    level = isolation_available()
    if level in ("bwrap", "namespaces"):
        return level
    if not allow_unsandboxed:
        raise SandboxUnavailable(
            f"best isolation here is '{level}' (no namespaces); set verify.allow_unsandboxed "
            "to run candidates anyway")
    return level


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class _ChildStatus:
    """The program's own wait status as the inner helper saw it."""

    signaled: bool
    code: int
    cpu_time: float
    max_rss_bytes: int


def _parse_status(text: str) -> _ChildStatus | None:
    parts = text.split()
    if len(parts) != 5 or parts[0] not in ("exit", "signal"):
        return None
    try:
        code, utime, stime, rss_kb = (int(p) for p in parts[1:])
    except ValueError:
        return None
    return _ChildStatus(parts[0] == "signal", code, (utime + stime) / 1e6, rss_kb * 1024)


def _read_available(fd: int) -> str:
    os.set_blocking(fd, False)  # an escaped holder of the write end must not hang us
    chunks = []
    try:
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
    except BlockingIOError:
        pass
    return b"".join(chunks).decode(errors="replace")


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"SIG{signum}"


def _classify(status: _ChildStatus | None, outer_rc: int, timed_out: bool, cpu_time: float,
              limits: Limits) -> tuple[int | None, str | None]:
    """(returncode, killed) from what the helper reported, or from the exit code."""
    if timed_out:
        return None, "timeout"
    if status is None:
        # No report (helper absent or the sandbox failed to start): trust the exit code.
        if outer_rc < 0:
            return None, _killed_by(-outer_rc, cpu_time, 0, limits)
        return outer_rc, None
    if not status.signaled:
        return status.code, None
    return None, _killed_by(status.code, cpu_time, status.max_rss_bytes, limits)


def _killed_by(signum: int, cpu_time: float, max_rss: int, limits: Limits) -> str:
    if signum == signal.SIGXCPU or (signum == signal.SIGKILL
                                     and cpu_time >= math.ceil(limits.cpu_seconds) - 0.05):
        return "cpu"
    if signum == signal.SIGXFSZ:
        return "filesize"
    if signum in _MEMORY_SIGNALS and max_rss >= _MEMORY_SHARE * limits.memory_bytes:
        return "memory"
    return f"signal:{_signal_name(signum)}"


def run_sandboxed(argv: list[str], *, workdir: Path, stdin: bytes = b"", limits: Limits = Limits(),
                  env: dict[str, str] | None = None, allow_unsandboxed: bool = False) -> RunResult:
    """Run ``argv`` inside ``workdir`` (its only writable place, plus a private /tmp) with
    ``limits``; return its exit status, output and resource use.

    Raises ``SandboxUnavailable`` if this machine offers no namespaces and
    ``allow_unsandboxed`` is False. Output beyond ``limits.file_size_bytes`` kills the
    program ("filesize"), so a flood of output cannot exhaust the caller's memory.
    """
    workdir = Path(workdir).resolve()
    if not workdir.is_dir():
        raise FileNotFoundError(f"sandbox workdir {workdir} does not exist")
    level = _choose_level(allow_unsandboxed)
    helper = _reaper_path()
    cgroup = _PidsCgroup.create(limits.processes + _MACHINERY_PROCESSES) if helper else None
    try:
        with _temp_dir("io") as io_dir:
            return _run_with_files(argv, workdir, stdin, limits, env, level, helper, cgroup,
                                   Path(io_dir))
    finally:
        if cgroup is not None:
            cgroup.kill_all_and_remove()


def _run_with_files(argv: list[str], workdir: Path, stdin: bytes, limits: Limits,
                    env: dict[str, str] | None, level: str, helper: Path | None,
                    cgroup: _PidsCgroup | None, io_dir: Path) -> RunResult:
    # Files, not pipes: no deadlock on big outputs, and RLIMIT_FSIZE bounds their size.
    (io_dir / "stdin").write_bytes(stdin)
    status_r, status_w = os.pipe()
    try:
        command = _command(argv, workdir, level, limits, helper, status_w, cgroup)
        outer_rc, timed_out, wall, tree_cpu = _spawn_and_wait(command, workdir, env, limits,
                                                              cgroup, status_w, io_dir)
        status_w = -1  # _spawn_and_wait closed our copy so EOF comes when the child ends
        status = _parse_status(_read_available(status_r))
    finally:
        os.close(status_r)
        if status_w >= 0:
            os.close(status_w)
    cpu_time = status.cpu_time if status is not None else tree_cpu
    returncode, killed = _classify(status, outer_rc, timed_out, cpu_time, limits)
    if status is None and level != "none" and not timed_out:
        log.debug("sandbox helper gave no status (rc=%s) for %s", outer_rc, argv[:1])
    return RunResult(returncode=returncode, stdout=(io_dir / "stdout").read_bytes(),
                     stderr=(io_dir / "stderr").read_bytes(), killed=killed, wall_time=wall,
                     cpu_time=cpu_time, isolation=level)


def _spawn_and_wait(command: list[str], workdir: Path, env: dict[str, str] | None, limits: Limits,
                    cgroup: _PidsCgroup | None, status_w: int,
                    io_dir: Path) -> tuple[int, bool, float, float]:
    """Start ``command`` in its own session; kill the group on the wall limit.
    Returns (outer exit code, timed out, wall seconds, CPU seconds of the reaped tree).
    Always closes ``status_w``."""
    timed_out = False
    try:
        fin = open(io_dir / "stdin", "rb")
        fout = open(io_dir / "stdout", "wb")
        ferr = open(io_dir / "stderr", "wb")
    except OSError:
        os.close(status_w)
        raise
    with fin, fout, ferr:
        start = time.monotonic()
        usage_before = os.times()
        try:
            proc = subprocess.Popen(command, stdin=fin, stdout=fout, stderr=ferr, cwd=workdir,
                                    env=_minimal_env(env), start_new_session=True,
                                    pass_fds=(status_w,), close_fds=True)
        finally:
            os.close(status_w)
        try:
            outer_rc = proc.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            if cgroup is not None:
                cgroup.kill_all_and_remove()
            outer_rc = proc.wait()
        # Leftovers of the group (possible without a PID namespace) must not outlive the run.
        _kill_group(proc)
        wall = time.monotonic() - start
        usage_after = os.times()
    tree_cpu = ((usage_after.children_user - usage_before.children_user)
                + (usage_after.children_system - usage_before.children_system))
    return outer_rc, timed_out, wall, tree_cpu
