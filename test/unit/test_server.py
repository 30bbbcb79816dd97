"""The compile server and its native client (llmcc/server.py, llmcc/native/client.c).

Each test builds the client from source with its own identity and runs it against a server
in a private directory (LLMCC_SERVER_DIR), so tests never share a server with each other or
with the user's builds. What must hold: a call through the server behaves exactly as the
Python entry (objects, stderr, exit codes, signals, stdin); any problem on the client side
ends in the Python entry, never in a failed build; a killed client takes its compile with it.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import CLANG, REPO, run

PYTHON = sys.executable
SRC = "int f(int x) { return x * 3 + 1; }\n"
# A compiler the launcher form runs untouched (it is not clang 22): its behaviour is the test's.
FAKE_CC = """#!/bin/sh
case "$1" in --version) echo "fake compiler 1.0"; exit 0;; esac
{action}
"""


def fnv1a(text: str) -> int:
    h = 1469598103934665603
    for b in text.encode():
        h = ((h ^ b) * 1099511628211) & (2**64 - 1)
    return h


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("client") / "llmcc"
    subprocess.run([CLANG, "-O2", "-Wall", "-Werror", "-o", str(out),
                    str(REPO / "llmcc" / "native" / "client.c"),
                    f'-DLLMCC_PYTHON="{PYTHON}"', '-DLLMCC_CLIENT_ID="pytest"'], check=True)
    return out


class Env(dict):
    """A llmcc environment with a private server directory; stops its server at the end."""

    @property
    def socket(self) -> str:
        return f"{self['LLMCC_SERVER_DIR']}/s-{fnv1a(PYTHON + chr(10) + 'pytest'):016x}"

    def server_pid(self) -> int | None:
        """The pid of the server listening on the socket (a draining one has let go)."""
        for pidfile in Path(self["LLMCC_SERVER_DIR"]).glob("*.pid"):
            return int(pidfile.read_text())
        return None

    def wait_for_server(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if Path(self.socket).exists() and self.server_pid():
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(self.socket)
                    return
                except OSError:
                    pass
                finally:
                    s.close()
            time.sleep(0.05)
        raise AssertionError("the server did not come up")

    def stop(self) -> list[dict]:
        from llmcc.server import stop_all
        return stop_all(self["LLMCC_SERVER_DIR"], timeout=60)


@pytest.fixture
def env(llmcc_env, tmp_path):
    d = tmp_path / "srv"
    d.mkdir(mode=0o700)
    e = Env(llmcc_env, LLMCC_SERVER_DIR=str(d), LLMCC_MODE="off", LLMCC_SERVER_IDLE="30",
            LLMCC_SERVER_RECORD="1")
    yield e
    e.stop()


@pytest.fixture
def warm(client, env, tmp_path):
    """A running server: the first call falls back to Python and starts it."""
    (tmp_path / "warmup.c").write_text("int w;\n")
    assert run([str(client), "-c", "warmup.c", "-o", "warmup.o"], tmp_path, env).returncode == 0
    env.wait_for_server()
    return env


def python_entry(args, cwd, env, **kw):
    return run([str(Path(PYTHON).parent / "llmcc"), *args], cwd, dict(env, LLMCC_SERVER="0"), **kw)


def calls(env: Env) -> int:
    records = env.stop()
    assert records, "no server answered"
    return sum(r["calls"] for r in records)


def test_first_call_falls_back_and_starts_a_server(client, env, tmp_path):
    (tmp_path / "a.c").write_text(SRC)
    got = run([str(client), "-O2", "-c", "a.c", "-o", "a.o"], tmp_path, env)
    assert got.returncode == 0 and got.stderr == b""
    subprocess.run([CLANG, "-O2", "-c", "a.c", "-o", "ref.o"], cwd=tmp_path, check=True)
    assert (tmp_path / "a.o").read_bytes() == (tmp_path / "ref.o").read_bytes()
    env.wait_for_server()
    assert calls(env) == 0   # that call ran in Python: the server had not started


def test_calls_run_in_the_server_with_identical_results(client, warm, tmp_path):
    (tmp_path / "a.c").write_text(SRC)
    for i in range(3):
        got = run([str(client), "-O2", "-g", "-c", "a.c", "-o", f"s{i}.o"], tmp_path, warm)
        assert got.returncode == 0, got.stderr
    ref = python_entry(["-O2", "-g", "-c", "a.c", "-o", "p.o"], tmp_path, warm)
    assert ref.returncode == 0
    assert (tmp_path / "s0.o").read_bytes() == (tmp_path / "p.o").read_bytes()
    assert calls(warm) == 3


def test_compile_error_stderr_and_exit_code_are_the_python_entrys(client, warm, tmp_path):
    (tmp_path / "bad.c").write_text("int f( { }\n")
    got = run([str(client), "-O2", "-c", "bad.c", "-o", "bad.o"], tmp_path, warm)
    ref = python_entry(["-O2", "-c", "bad.c", "-o", "bad.o"], tmp_path, warm)
    assert got.returncode == ref.returncode == 1
    assert got.stderr == ref.stderr and b"error:" in got.stderr
    assert calls(warm) == 1


def test_stdin_is_the_callers(client, warm, tmp_path):
    got = run([str(client), "-x", "c", "-", "-O2", "-c", "-o", "s.o"], tmp_path, warm,
              input=SRC.encode())
    assert got.returncode == 0, got.stderr
    subprocess.run([CLANG, "-x", "c", "-", "-O2", "-c", "-o", "ref.o"], cwd=tmp_path,
                   input=SRC.encode(), check=True)
    assert (tmp_path / "s.o").read_bytes() == (tmp_path / "ref.o").read_bytes()
    pre = run([str(client), "-E", "-P", "-x", "c", "-"], tmp_path, warm, input=b"#define X 42\nint y = X;\n")
    assert pre.returncode == 0 and b"int y = 42;" in pre.stdout   # stdout is the caller's too
    assert calls(warm) == 2


def test_exit_codes_and_signals_pass_through(client, warm, tmp_path):
    for name, action in (("exit42-cc", "exit 42"), ("segv-cc", "kill -SEGV $$")):
        (tmp_path / name).write_text(FAKE_CC.format(action=action))
        (tmp_path / name).chmod(0o755)
    got = run([str(client), "./exit42-cc", "x.o"], tmp_path, warm)
    assert got.returncode == 42
    got = run([str(client), "./segv-cc", "x.o"], tmp_path, warm)
    assert got.returncode == -signal.SIGSEGV   # the client dies by the same signal
    assert calls(warm) == 2


def test_environment_and_directory_are_per_call(client, warm, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.c").write_text(SRC)
    (tmp_path / "bad.toml").write_text("mode = 'no-such-mode'\n")
    bad = run([str(client), "-c", "a.c", "-o", "a.o"], tmp_path / "sub",
              dict(warm, LLMCC_CONFIG=str(tmp_path / "bad.toml")))
    assert bad.returncode == 0 and b"llmcc: config error" in bad.stderr
    good = run([str(client), "-c", "a.c", "-o", "b.o"], tmp_path / "sub", warm)
    assert good.returncode == 0 and good.stderr == b""
    assert (tmp_path / "sub" / "b.o").exists()
    old = os.umask(0o077)
    try:
        run([str(client), "-c", "a.c", "-o", "c.o"], tmp_path / "sub", warm)
    finally:
        os.umask(old)
    assert (tmp_path / "sub" / "c.o").stat().st_mode & 0o077 == 0   # the caller's umask
    assert calls(warm) == 3


def test_concurrent_calls(client, warm, tmp_path):
    for i in range(8):
        (tmp_path / f"c{i}.c").write_text(f"int f{i}(int x) {{ return x * {i + 2}; }}\n")

    def one(i):
        return run([str(client), "-O2", "-c", f"c{i}.c", "-o", f"c{i}.o"], tmp_path, warm)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(8)))
    assert all(r.returncode == 0 and r.stderr == b"" for r in results)
    for i in range(8):
        subprocess.run([CLANG, "-O2", "-c", f"c{i}.c", "-o", f"r{i}.o"], cwd=tmp_path, check=True)
        assert (tmp_path / f"c{i}.o").read_bytes() == (tmp_path / f"r{i}.o").read_bytes()
    assert calls(warm) == 8


def test_disabled_server_runs_python(client, env, tmp_path):
    (tmp_path / "a.c").write_text(SRC)
    got = run([str(client), "-c", "a.c", "-o", "a.o"], tmp_path, dict(env, LLMCC_SERVER="0"))
    assert got.returncode == 0 and (tmp_path / "a.o").exists()
    time.sleep(0.5)
    assert not Path(env.socket).exists()   # and started none


def test_stale_socket_falls_back_and_is_replaced(client, env, tmp_path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(env.socket)   # a socket file nobody listens on: a crashed server's leftover
    s.close()
    (tmp_path / "a.c").write_text(SRC)
    assert run([str(client), "-c", "a.c", "-o", "a.o"], tmp_path, env).returncode == 0
    env.wait_for_server()
    assert run([str(client), "-c", "a.c", "-o", "b.o"], tmp_path, env).returncode == 0
    assert calls(env) == 1


def test_server_of_another_install_is_told_to_go(client, env, tmp_path):
    old = subprocess.Popen([PYTHON, "-m", "llmcc.server", "--socket", env.socket,
                            "--identity", "older-install"], env=env, cwd=REPO)
    env.wait_for_server()
    (tmp_path / "a.c").write_text(SRC)
    got = run([str(client), "-c", "a.c", "-o", "a.o"], tmp_path, env)
    assert got.returncode == 0 and (tmp_path / "a.o").exists()   # ran in Python instead
    assert old.wait(timeout=30) == 0                               # and the old server left
    assert [r["calls"] for r in env.stop()] == [0]


def test_server_dying_mid_call_falls_back_to_python(client, warm, tmp_path):
    marker = tmp_path / "runs"
    (tmp_path / "slow-cc").write_text(FAKE_CC.format(
        action=f'echo run >> {marker}; sleep 2; echo done'))
    (tmp_path / "slow-cc").chmod(0o755)
    proc = subprocess.Popen([str(client), "./slow-cc", "x.o"], cwd=tmp_path, env=warm,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(warm.server_pid(), signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and out == b"done\n"
    assert marker.read_text() == "run\nrun\n"   # the server's run died with it; Python ran it again


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_client_takes_its_compile_with_it(client, warm, tmp_path, how):
    pidfile = tmp_path / "pid"
    (tmp_path / "hang-cc").write_text(FAKE_CC.format(action=f"echo $$ > {pidfile}; exec sleep 300"))
    (tmp_path / "hang-cc").chmod(0o755)
    proc = subprocess.Popen([str(client), "./hang-cc", "x.o"], cwd=tmp_path, env=warm)
    deadline = time.monotonic() + 20
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    proc.send_signal(how)
    proc.wait(timeout=30)
    if how == signal.SIGTERM:
        assert proc.returncode == -signal.SIGTERM   # the worker died by it; so did the client
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and b"zombie" not in _state(pid):
        assert time.monotonic() < deadline, "the compile outlived its client"
        time.sleep(0.05)


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/status").read_bytes().lower()
    except OSError:
        return b"zombie"


def test_stale_module_stamps(tmp_path):
    from llmcc.server import stale
    f = tmp_path / "m.py"
    f.write_text("x = 1\n")
    stamps = {str(f): f.stat().st_mtime_ns}
    assert not stale(stamps)
    os.utime(f, ns=(0, f.stat().st_mtime_ns + 1))
    assert stale(stamps)
    assert stale({str(tmp_path / "gone.py"): 1})


def test_python_m_llmcc_is_the_python_entry(env, tmp_path):
    """``python -m llmcc`` compiles without any server (and the commands work there too)."""
    (tmp_path / "a.c").write_text(SRC)
    got = run([PYTHON, "-m", "llmcc", "-O2", "-c", "a.c", "-o", "a.o"], tmp_path, env)
    assert got.returncode == 0 and got.stderr == b""
    subprocess.run([CLANG, "-O2", "-c", "a.c", "-o", "ref.o"], cwd=tmp_path, check=True)
    assert (tmp_path / "a.o").read_bytes() == (tmp_path / "ref.o").read_bytes()
    assert run([PYTHON, "-m", "llmcc", "stats"], tmp_path, env).returncode == 0
    assert not Path(env.socket).exists()


def test_a_draining_server_lets_a_new_one_take_over(client, warm, tmp_path):
    """A stopped or stale server finishes its long calls, but new calls must not wait for
    them (nor all run in Python meanwhile): a fresh server takes the socket at once."""
    pidfile = tmp_path / "pid"
    (tmp_path / "hang-cc").write_text(FAKE_CC.format(action=f"echo $$ > {pidfile}; exec sleep 300"))
    (tmp_path / "hang-cc").chmod(0o755)
    hanging = subprocess.Popen([str(client), "./hang-cc", "x.o"], cwd=tmp_path, env=warm)
    deadline = time.monotonic() + 20
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(warm.server_pid(), signal.SIGTERM)
    deadline = time.monotonic() + 20
    while Path(warm.socket).exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    (tmp_path / "a.c").write_text(SRC)
    assert run([str(client), "-c", "a.c", "-o", "a.o"], tmp_path, warm).returncode == 0
    warm.wait_for_server()
    assert run([str(client), "-c", "a.c", "-o", "b.o"], tmp_path, warm).returncode == 0
    assert len(list(Path(warm["LLMCC_SERVER_DIR"]).glob("*.pid"))) == 2   # old one still busy
    hanging.send_signal(signal.SIGTERM)
    assert hanging.wait(timeout=30) == -signal.SIGTERM
    assert calls(warm) == 2   # the hanging call in the old server, b.o in the new one


def test_the_build_is_the_callers_process_group(client, warm, tmp_path):
    """The build-wide budget groups compiles by their process group (llmcc/session.py); a
    worker has a group of its own, so it must be told the caller's."""
    (tmp_path / "env-cc").write_text(FAKE_CC.format(action='echo "id=$LLMCC_BUILD_ID"'))
    (tmp_path / "env-cc").chmod(0o755)
    proc = subprocess.Popen([str(client), "./env-cc", "x.o"], cwd=tmp_path, env=warm,
                            stdout=subprocess.PIPE, start_new_session=True)
    out, _ = proc.communicate(timeout=60)
    assert out == f"id=pgrp-{proc.pid}\n".encode()   # a new session: its group is its pid
    given = run([str(client), "./env-cc", "x.o"], tmp_path, dict(warm, LLMCC_BUILD_ID="mine"))
    assert given.stdout == b"id=mine\n"
    assert calls(warm) == 2


def test_warm_imports_start_no_thread_and_no_heavy_library():
    """The server forks a worker per call: a thread or a native library's state (z3,
    llvmlite, openai's HTTP pools) in the forking process would be copied half-way."""
    probe = ("import sys, threading\n"
             "from llmcc.server import warm_imports\n"
             "warm_imports()\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('z3', 'llvmlite', 'openai', 'httpx', 'scipy', 'numpy', 'capstone', 'elftools'))\n"
             "print(threading.active_count(), heavy, 'llmcc.driver.compile' in sys.modules)\n")
    got = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert got.returncode == 0, got.stderr
    assert got.stdout.split(None, 1) == ["1", "[] True\n"]


def test_the_compile_runs_at_the_callers_priority(client, warm, tmp_path):
    """``nice make -j``: a worker forked by the (un-niced) server must not run the compile
    at a higher priority than its caller."""
    (tmp_path / "nice-cc").write_text(FAKE_CC.format(action="echo nice=$(nice)"))
    (tmp_path / "nice-cc").chmod(0o755)
    got = run(["nice", "-n", "7", str(client), "./nice-cc", "x.o"], tmp_path, warm)
    assert got.stdout == b"nice=7\n"
    assert calls(warm) == 1


def test_a_worker_that_fails_before_the_compile_is_no_exit_status(warm, tmp_path):
    """The server's own problem (here: the 'working directory' is a file, so fchdir fails)
    must not become the compile's exit status: the server says 'F' and the client then
    runs the Python entry."""
    (tmp_path / "a.c").write_text(SRC)
    not_a_dir = os.open(tmp_path / "a.c", os.O_RDONLY)
    body = b"\0".join([b"LLMCC/3", b"pytest", b"22", b"%d" % os.getpgrp(), b"0", b"2",
                       b"llmcc", b"--version", b"0", b""])
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(warm.socket)
        s.sendmsg([len(body).to_bytes(4, "little") + body],
                  [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                    struct.pack("4i", 0, 1, 2, not_a_dir))])
        reply = b""
        while len(reply) < 6:
            chunk = s.recv(6 - len(reply))
            assert chunk
            reply += chunk
    finally:
        s.close()
        os.close(not_a_dir)
    assert reply == b"S" + b"F" + struct.pack("<i", 0)
