"""The compile server behind llmcc's native client (llmcc/native/client.c).

A build runs the compiler hundreds of times; most calls are "just clang" (configure
probes, links, cache hits) and would spend more time starting Python than working. The
client passes each call here over a per-user UNIX socket; this long-lived process has
llmcc's driver imported already and forks one worker per call. The worker takes the
caller's working directory, umask, environment and stdin/stdout/stderr, then runs the same
``llmcc.cli.main`` as the Python entry, so behaviour (LLMCC_* settings included) is that
of a fresh ``llmcc`` process. The worker's exit status, or the signal that killed it, goes
back to the client.

One process, one event loop (no threads, so forking stays safe): the listening socket,
each client connection (EOF = the client was killed: the worker's process group is killed
too; a forwarded signal is passed on) and each worker's pidfd (exit -> status to client).

The server exits after ``LLMCC_SERVER_IDLE`` seconds (default 60) without calls, on
SIGTERM (``python -m llmcc.server stop --dir DIR``), or when a module it imported changed
on disk or a client of another install calls (it answers 'R' and the client runs Python
instead); it stops listening at once and finishes the calls it has. On exit it leaves
``<socket>.<pid>.cpu.json``, its own and its workers' CPU time, for benchmarks: that CPU
is nobody's child in the build, so the build's rusage does not see it.
"""
from __future__ import annotations

import os
import selectors
import signal
import socket
import struct
import sys
import time

PROTOCOL = b"LLMCC/3"
DEFAULT_IDLE = 60.0
KILL_GRACE = 5.0   # seconds between SIGTERM and SIGKILL for a worker whose client is gone


def warm_imports() -> None:
    """What every worker would import anyway: the entry, the cache lookup and the compile
    flow (pure Python; heavy libraries stay lazy, and nothing here starts a thread)."""
    import llmcc.cli  # noqa: F401
    import llmcc.driver.entry  # noqa: F401
    import llmcc.driver.lookup  # noqa: F401
    import llmcc.driver.compile  # noqa: F401
    import llmcc.cache  # noqa: F401
    import llmcc.driver.cache_key  # noqa: F401
    import llmcc.driver.optimize  # noqa: F401
    import llmcc.hotspots.features  # noqa: F401  (every scored TU: ~20 ms of imports)
    import llmcc.hotspots.score  # noqa: F401
    import llmcc.tu  # noqa: F401
    import llmcc.llm.breaker  # noqa: F401  (llm mode asks it before each baseline)
    import llmcc.report  # noqa: F401
    import llmcc.session  # noqa: F401
    import llmcc.tmpsweep  # noqa: F401
    import contextlib, fcntl, json, shutil, signal, subprocess, traceback, warnings  # noqa: E401,F401
    import llmcc.commands  # noqa: F401  (llmcc stats / report through the client)


def module_stamps() -> dict[str, int]:
    """mtime of every llmcc module this process has imported: a worker must not run code
    older than the files on disk (an upgrade, or a developer's edit)."""
    root = os.path.dirname(os.path.abspath(__file__))
    stamps = {}
    for mod in list(sys.modules.values()):
        path = getattr(mod, "__file__", None)
        if path and path.startswith(root):
            try:
                stamps[path] = os.stat(path).st_mtime_ns
            except OSError:
                stamps[path] = -1
    return stamps


def stale(stamps: dict[str, int]) -> bool:
    for path, mtime in stamps.items():
        try:
            if os.stat(path).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


class Request:
    """One client call as received: argv, environment, umask, process group, passed fds."""

    def __init__(self, identity: bytes, umask: int, pgrp: int, nice: int, argv: list[bytes],
                 env: list[bytes], fds: list[int]):
        self.identity, self.umask, self.pgrp, self.nice = identity, umask, pgrp, nice
        self.argv, self.env, self.fds = argv, env, fds


def read_request(conn: socket.socket) -> Request:
    """Parse the client's request (see build_request in client.c); ValueError if malformed."""
    fds: list[int] = []
    try:
        head, anc, _flags, _addr = conn.recvmsg(4, socket.CMSG_SPACE(4 * 4))
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.extend(struct.unpack(f"{len(data) // 4}i", data[: len(data) // 4 * 4]))
        if len(head) != 4 or len(fds) != 4:
            raise ValueError("no header or fds")
        (size,) = struct.unpack("<I", head)
        if size > 64 << 20:
            raise ValueError("request too big")
        body = bytearray()
        while len(body) < size:
            chunk = conn.recv(size - len(body))
            if not chunk:
                raise ValueError("short request")
            body += chunk
        fields = bytes(body).split(b"\0")
        if fields[0] != PROTOCOL:
            raise ValueError("protocol")
        identity, umask, pgrp = fields[1], int(fields[2], 8), int(fields[3])
        nice, argc = int(fields[4]), int(fields[5])
        argv = fields[6:6 + argc]
        envc = int(fields[6 + argc])
        env = fields[7 + argc:7 + argc + envc]
        if len(argv) != argc or len(env) != envc or argc < 1:
            raise ValueError("counts")
        return Request(identity, umask, pgrp, nice, argv, env, fds)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def run_worker(req: Request, libc, ready: int) -> None:
    """In the forked child: become the caller's process, run llmcc's entry, exit with its
    status. Never returns. A byte on ``ready`` tells the server the caller's process was
    set up: without it, the exit status is ours, not the compile's, and the client runs
    the Python entry instead (the build never sees a server problem)."""
    try:
        os.setpgid(0, 0)
        if libc is not None:
            libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG: die with the server
        for sig in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        for target, fd in enumerate(req.fds[:3]):
            os.dup2(fd, target)
        os.fchdir(req.fds[3])
        os.closerange(3, ready)   # the socket, the passed fds, the selector
        os.closerange(ready + 1, 1 << 16)
        os.umask(req.umask)
        try:   # `nice make -j`: the compile runs at the caller's priority
            if os.getpriority(os.PRIO_PROCESS, 0) != req.nice:
                os.setpriority(os.PRIO_PROCESS, 0, req.nice)
        except OSError:
            pass   # a lower nice value than the server's needs privileges: keep the server's
        os.environb.clear()
        for entry in req.env:
            name, sep, value = entry.partition(b"=")
            if sep and name:
                os.environb[name] = value
        if not os.environb.get(b"LLMCC_BUILD_ID"):
            # The build a compile belongs to is its caller's process group (session.py);
            # the worker has a group of its own, so it is named here.
            os.environb[b"LLMCC_BUILD_ID"] = f"pgrp-{req.pgrp}".encode()
        sys.argv = [os.fsdecode(a) for a in req.argv]
        _fresh_std_streams()
        from llmcc.cli import main
        os.write(ready, b"1")
        os.close(ready)
        try:
            rc = main(sys.argv[1:])
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if not isinstance(e.code, int) and e.code is not None:
                sys.stderr.write(f"{e.code}\n")
        except BaseException:   # as an uncaught exception in the Python entry: traceback, 1
            import traceback
            traceback.print_exc()
            rc = 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(rc & 0xFF if isinstance(rc, int) else 1)
    except BaseException:
        os._exit(70)   # unreachable in practice; the client still gets a status


def _fresh_std_streams() -> None:
    """sys.std* as a freshly started Python would set them up on the caller's fds."""
    import io
    enc = sys.getfilesystemencoding()
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)),
                                 encoding=enc, errors="strict")
    for fd, name, errors in ((1, "stdout", "strict"), (2, "stderr", "backslashreplace")):
        raw = io.FileIO(fd, "w", closefd=False)
        tty = raw.isatty()
        stream = io.TextIOWrapper(io.BufferedWriter(raw), encoding=enc, errors=errors,
                                  line_buffering=tty or name == "stderr", write_through=False)
        setattr(sys, name, stream)


class Job:
    def __init__(self, conn: socket.socket, pid: int, pidfd: int, ready: int):
        self.conn, self.pid, self.pidfd, self.ready = conn, pid, pidfd, ready
        self.kill_at: float | None = None


class Server:
    """The event loop. ``serve`` returns when idle, stopped or stale."""

    def __init__(self, path: str, identity: bytes, idle: float, lock_fd: int):
        self.path, self.identity, self.idle, self.lock_fd = path, identity, idle, lock_fd
        self.sel = selectors.DefaultSelector()
        self.jobs: dict[int, Job] = {}   # by pidfd
        self.by_conn: dict[int, Job] = {}
        self.draining = False
        self.listener: socket.socket | None = None
        self.stamps: dict[str, int] = {}
        self.inode = 0
        self.libc = None
        self.calls = 0   # compiles run (reported in <socket>.cpu.json)

    def start(self) -> None:
        try:
            os.unlink(self.path)   # stale: we hold the lock, so no live server owns it
        except FileNotFoundError:
            pass
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(self.path)
        self.inode = os.stat(self.path).st_ino   # to unlink only our own socket file
        os.chmod(self.path, 0o600)
        ls.listen(128)
        # Clients stamp the lock file when they start a server and hold back for a few
        # seconds after (client.c, spawn_server); a server that came up clears the stamp.
        os.utime(self.lock_fd, (0, 0))
        ls.setblocking(False)
        self.listener = ls
        self.sel.register(ls, selectors.EVENT_READ, "listen")
        # SIGTERM (stop) must wake the loop: select() resumes after a Python handler.
        wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.sel.register(wake_r, selectors.EVENT_READ, "wake")
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGTERM, lambda *_: self.drain())
        try:
            import ctypes
            self.libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            self.libc = None
        warm_imports()
        self.stamps = module_stamps()

    def drain(self) -> None:
        """Stop taking calls; finish the running ones."""
        if self.draining:
            return
        self.draining = True
        try:
            if os.stat(self.path).st_ino == self.inode:
                os.unlink(self.path)
        except OSError:
            pass
        self.sel.unregister(self.listener)
        self.listener.close()
        os.close(self.lock_fd)   # a new server may take the socket now
        self.lock_fd = -1

    def serve(self) -> None:
        last = time.monotonic()
        while True:
            if self.draining and not self.jobs:
                return
            timeout = max(0.0, last + self.idle - time.monotonic()) if not self.jobs else 1.0
            events = self.sel.select(timeout)
            now = time.monotonic()
            if self.jobs:
                last = now
            elif not events and now >= last + self.idle:
                return
            for key, _mask in events:
                if key.data == "listen":
                    self.accept()
                elif key.data == "wake":
                    try:
                        os.read(key.fd, 512)
                    except BlockingIOError:
                        pass
                elif key.data == "conn":
                    self.client_event(key.fileobj)
                else:
                    self.reap(key.data)
            for job in list(self.jobs.values()):
                if job.kill_at is not None and now >= job.kill_at:
                    _killpg(job.pid, signal.SIGKILL)
                    job.kill_at = None

    def accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        conn.setblocking(True)
        conn.settimeout(5.0)   # the client sends its request at once; a stuck one is dropped
        try:
            req = read_request(conn)
        except (ValueError, OSError):
            conn.close()
            return
        if req.identity != self.identity or stale(self.stamps):
            _send(conn, b"R")
            conn.close()
            for fd in req.fds:
                os.close(fd)
            self.drain()
            return
        self.calls += 1
        ready_r, ready_w = os.pipe2(os.O_NONBLOCK)
        pid = os.fork()
        if pid == 0:
            run_worker(req, self.libc, ready_w)
        os.close(ready_w)
        for fd in req.fds:
            os.close(fd)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        pidfd = os.pidfd_open(pid)
        job = Job(conn, pid, pidfd, ready_r)
        self.jobs[pidfd] = job
        self.by_conn[conn.fileno()] = job
        self.sel.register(pidfd, selectors.EVENT_READ, job)
        self.sel.register(conn, selectors.EVENT_READ, "conn")
        _send(conn, b"S")

    def client_event(self, conn: socket.socket) -> None:
        job = self.by_conn.get(conn.fileno())
        try:
            data = conn.recv(64)
        except OSError:
            data = b""
        if job is None:
            return
        if not data:   # the client is gone (killed): its compile must not run on
            self.sel.unregister(conn)
            _killpg(job.pid, signal.SIGTERM)
            job.kill_at = time.monotonic() + KILL_GRACE
            return
        for i in range(0, len(data) - 1, 2):
            if data[i:i + 1] == b"G":
                _killpg(job.pid, data[i + 1])

    def reap(self, job: Job) -> None:
        _pid, status = os.waitpid(job.pid, 0)
        self.sel.unregister(job.pidfd)
        os.close(job.pidfd)
        del self.jobs[job.pidfd]
        self.by_conn.pop(job.conn.fileno(), None)
        try:
            self.sel.unregister(job.conn)
        except (KeyError, ValueError):
            pass
        try:
            started = os.read(job.ready, 1) == b"1"
        except OSError:
            started = False
        os.close(job.ready)
        if not started:   # the worker failed before the compile: the client runs Python
            _send(job.conn, b"F" + struct.pack("<i", 0))
        elif os.WIFSIGNALED(status):
            _send(job.conn, b"K" + struct.pack("<i", os.WTERMSIG(status)))
        else:
            _send(job.conn, b"X" + struct.pack("<i", os.waitstatus_to_exitcode(status)))
        job.conn.close()


def _send(conn: socket.socket, data: bytes) -> None:
    try:
        conn.sendall(data)
    except OSError:
        pass


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except OSError:
        pass


def write_cpu(record_path: str, calls: int) -> None:
    import json
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    tmp = f"{record_path}.tmp"
    with open(tmp, "w") as f:
        json.dump({"self": own.ru_utime + own.ru_stime,
                   "children": kids.ru_utime + kids.ru_stime, "calls": calls}, f)
    os.replace(tmp, record_path)


def serve(path: str, identity: str) -> int:
    """Run a server on ``path`` unless another holds its lock; 0 either way.

    The lock is held while listening: a draining server (stopped, stale) releases it at
    once, so a fresh server can take the socket while the old one finishes its calls.
    ``<path>.<pid>.pid`` exists for the server's whole life; ``<path>.<pid>.cpu.json`` is
    written just before that file goes."""
    import fcntl
    lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + 2.0
    while True:   # a server that is about to drain releases the lock soon
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(lock)
                return 0
            time.sleep(0.05)
    pidfile = f"{path}.{os.getpid()}.pid"
    record = bool(os.environ.get("LLMCC_SERVER_RECORD"))   # benchmarks and tests only
    try:
        with open(pidfile, "w") as f:
            f.write(str(os.getpid()))
        try:
            idle = float(os.environ.get("LLMCC_SERVER_IDLE") or DEFAULT_IDLE)
        except ValueError:
            idle = DEFAULT_IDLE
        server = Server(path, identity.encode(), idle, lock)
        server.start()
        server.serve()
        server.drain()
        if record:
            write_cpu(f"{path}.{os.getpid()}.cpu.json", server.calls)
    finally:
        try:
            os.close(lock)
        except OSError:
            pass
        try:
            os.unlink(pidfile)
        except OSError:
            pass
    return 0


def stop_all(directory: str, timeout: float = 600.0) -> list[dict]:
    """Ask every server in ``directory`` (LLMCC_SERVER_DIR) to finish its calls and exit;
    wait for them. Returns the CPU records of the servers that have exited there so far
    (``{"self": s, "children": s, "calls": n}``) and removes those records."""
    import glob
    import json
    pidfiles = glob.glob(os.path.join(glob.escape(directory), "*.pid"))
    for pidfile in pidfiles:
        try:
            with open(pidfile) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + timeout
    while any(os.path.exists(p) for p in pidfiles) and time.monotonic() < deadline:
        time.sleep(0.02)
    records = []
    for path in glob.glob(os.path.join(glob.escape(directory), "*.cpu.json")):
        try:
            with open(path) as f:
                records.append(json.load(f))
            os.unlink(path)
        except (OSError, ValueError):
            pass
    return records


def main(argv: list[str] | None = None) -> int:
    import argparse
    p = argparse.ArgumentParser(prog="python -m llmcc.server")
    p.add_argument("command", nargs="?", default="serve", choices=("serve", "stop"))
    p.add_argument("--socket", help="serve: the socket path")
    p.add_argument("--dir", help="stop: the server directory (LLMCC_SERVER_DIR)")
    p.add_argument("--identity", default="dev")
    a = p.parse_args(argv)
    if a.command == "stop":
        print(stop_all(a.dir or os.path.dirname(a.socket)))
        return 0
    return serve(a.socket, a.identity)


if __name__ == "__main__":
    sys.exit(main())
