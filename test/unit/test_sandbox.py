"""The sandbox really stops what untrusted candidate code might do.

Every attack is a small C program compiled with clang-22; each test checks that the
program was stopped AND that nothing outside its workdir changed.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from llmcc.measure import sandbox
from llmcc.measure.sandbox import Limits, SandboxUnavailable, run_sandboxed

CLANG = shutil.which("clang-22")
pytestmark = pytest.mark.skipif(CLANG is None, reason="clang-22 is needed to build the attacks")

PROGRAMS = {
    "hello": r"""
        #include <stdio.h>
        int main(int argc, char **argv) {
            char line[64] = {0};
            fgets(line, sizeof line, stdin);
            printf("got:%s|argc=%d\n", line, argc);
            fprintf(stderr, "to stderr\n");
            FILE *f = fopen("result.txt", "w");
            fputs("written in workdir", f);
            fclose(f);
            return 42;
        }""",
    "write_outside": r"""
        #include <stdio.h>
        int main(int argc, char **argv) {
            int opened = 0;
            for (int i = 1; i < argc; i++) {
                FILE *f = fopen(argv[i], "w");
                if (f) { fputs("escaped", f); fclose(f); opened++; }
            }
            printf("opened=%d\n", opened);
            return opened;
        }""",
    "connect": r"""
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/socket.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a = {0};
            a.sin_family = AF_INET;
            a.sin_port = htons(atoi(argv[1]));
            inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
            int rc = connect(s, (struct sockaddr *)&a, sizeof a);
            if (rc == 0) write(s, "escaped", 7);
            printf("connect=%d\n", rc);
            return rc == 0 ? 0 : 1;
        }""",
    "daemon": r"""
        #include <stdio.h>
        #include <unistd.h>
        int main(void) {
            if (fork() == 0) {           /* detach like a daemon, then act later */
                setsid();
                if (fork() == 0) {
                    sleep(1);
                    FILE *f = fopen("late.txt", "w");
                    if (f) { fputs("still alive", f); fclose(f); }
                }
                return 0;
            }
            return 0;
        }""",
    "forkbomb": r"""
        #include <unistd.h>
        int main(void) { for (;;) fork(); }""",
    "hog_memory": r"""
        #include <stdlib.h>
        #include <string.h>
        char *volatile sink;  /* keeps clang from deleting the allocations */
        int main(void) {
            for (;;) { char *p = malloc(1 << 20); memset(p, 1, 1 << 20); sink = p; }
        }""",
    "spin": r"""
        int main(void) { volatile unsigned long x = 0; for (;;) x++; }""",
    "big_file": r"""
        #include <stdio.h>
        int main(void) {
            static char block[1 << 16];
            FILE *f = fopen("big.bin", "wb");
            for (;;) fwrite(block, 1, sizeof block, f);
        }""",
}

SMALL = Limits(cpu_seconds=1, wall_seconds=2, memory_bytes=256 << 20, file_size_bytes=1 << 20,
               processes=32)
# For tests that expect a specific limit (cpu, memory, filesize) to fire: the wall limit
# must leave room for it even when the two shared cores are busy with other work.
LOAD_TOLERANT = Limits(cpu_seconds=1, wall_seconds=15, memory_bytes=256 << 20,
                   file_size_bytes=1 << 20, processes=32)


@pytest.fixture(scope="module")
def binaries(tmp_path_factory) -> dict[str, Path]:
    build = tmp_path_factory.mktemp("attacks")
    out = {}
    for name, source in PROGRAMS.items():
        src = build / f"{name}.c"
        src.write_text(source)
        subprocess.run([CLANG, "-O1", "-w", str(src), "-o", str(build / name)], check=True)
        out[name] = build / name
    return out


@pytest.fixture
def workdir(tmp_path) -> Path:
    d = tmp_path / "work"
    d.mkdir()
    return d


def _install(binaries: dict[str, Path], name: str, workdir: Path) -> list[str]:
    shutil.copy2(binaries[name], workdir / name)
    return [f"./{name}"]


def _processes_running(exe_name: str) -> int:
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/exe").endswith("/" + exe_name):
                count += 1
        except OSError:
            pass
    return count


def test_normal_program_output_and_exit_code_come_back_exactly(binaries, workdir):
    result = run_sandboxed(_install(binaries, "hello", workdir) + ["x", "y"], workdir=workdir,
                           stdin=b"abc\n", limits=SMALL)
    assert result.killed is None
    assert result.returncode == 42
    assert result.stdout == b"got:abc\n|argc=3\n"
    assert result.stderr == b"to stderr\n"
    assert (workdir / "result.txt").read_text() == "written in workdir"
    assert result.isolation == sandbox.isolation_available()


def test_concurrent_runs_from_threads_keep_their_results_apart(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    def run(i: int):
        work = tmp_path / f"w{i}"
        work.mkdir()
        return run_sandboxed(["/bin/sh", "-c", f"echo {i}; echo {i} > out; exit {i}"],
                             workdir=work, limits=SMALL)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(8)))
    assert [(r.returncode, r.stdout) for r in results] == [(i, f"{i}\n".encode()) for i in range(8)]
    assert [(tmp_path / f"w{i}" / "out").read_text() for i in range(8)] == [f"{i}\n" for i in range(8)]


def test_writes_outside_workdir_do_not_land(binaries, workdir, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    home_victim = Path(os.environ.get("HOME", "/root")) / f"llmcc-escape-{uuid.uuid4().hex}"
    result = run_sandboxed(_install(binaries, "write_outside", workdir)
                           + [str(victim), str(home_victim), "/tmp/llmcc-escape-probe"],
                           workdir=workdir, limits=SMALL)
    assert result.killed is None
    assert not victim.exists()
    assert not home_victim.exists()
    # /tmp inside is private: the write may succeed there but must not reach the real /tmp.
    assert not Path("/tmp/llmcc-escape-probe").exists()
    assert list(outside.iterdir()) == []


def _connect_to_local_listener(binaries, workdir):
    """Run the connecting program against a listener opened here; assert nothing arrived."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        port = listener.getsockname()[1]
        result = run_sandboxed(_install(binaries, "connect", workdir) + [str(port)],
                               workdir=workdir, limits=SMALL)
        with pytest.raises(socket.timeout):
            listener.accept()
    return result


def test_no_network_connection_reaches_a_local_listener(binaries, workdir):
    result = _connect_to_local_listener(binaries, workdir)
    assert result.returncode == 1
    assert b"connect=-1" in result.stdout


def test_no_process_outlives_the_run(binaries, workdir):
    result = run_sandboxed(_install(binaries, "daemon", workdir), workdir=workdir, limits=SMALL)
    assert (result.returncode, result.killed) == (0, None)
    time.sleep(1.5)
    assert not (workdir / "late.txt").exists()
    assert _processes_running("daemon") == 0


def test_fork_bomb_is_stopped_within_the_wall_limit(binaries, workdir):
    result = run_sandboxed(_install(binaries, "forkbomb", workdir), workdir=workdir, limits=SMALL)
    assert result.killed in ("timeout", "cpu")
    assert result.wall_time < SMALL.wall_seconds + 3
    assert _processes_running("forkbomb") == 0
    # The machine can still start processes afterwards.
    assert subprocess.run(["true"]).returncode == 0


def test_unbounded_memory_is_killed_as_memory(binaries, workdir):
    result = run_sandboxed(_install(binaries, "hog_memory", workdir), workdir=workdir,
                           limits=LOAD_TOLERANT)
    assert result.returncode is None
    assert result.killed == "memory"


def test_infinite_loop_is_killed_by_cpu_limit(binaries, workdir):
    result = run_sandboxed(_install(binaries, "spin", workdir), workdir=workdir, limits=LOAD_TOLERANT)
    assert result.returncode is None
    assert result.killed == "cpu"
    assert result.cpu_time >= 0.5


def test_wall_limit_kills_a_sleeping_program(workdir):
    limits = Limits(cpu_seconds=5, wall_seconds=1)
    result = run_sandboxed(["/bin/sleep", "30"], workdir=workdir, limits=limits)
    assert result.killed == "timeout"
    assert result.wall_time < 5


def test_huge_file_write_is_killed_as_filesize(binaries, workdir):
    result = run_sandboxed(_install(binaries, "big_file", workdir), workdir=workdir,
                           limits=LOAD_TOLERANT)
    assert result.killed == "filesize"
    assert (workdir / "big.bin").stat().st_size <= LOAD_TOLERANT.file_size_bytes


def test_private_tmp_is_bounded(workdir):
    # Many files each under the file-size limit must not fill RAM through the private /tmp.
    script = ("i=0; while [ $i -lt 8 ]; do head -c 524288 /dev/zero > /tmp/f$i || exit 7; "
              "i=$((i+1)); done; exit 0")
    result = run_sandboxed(["/bin/sh", "-c", script], workdir=workdir, limits=LOAD_TOLERANT)
    if result.isolation != "bwrap" or not sandbox._bwrap_supports_size():
        pytest.skip("only bubblewrap >= 0.8 bounds the private /tmp")
    assert result.returncode == 7  # 8 x 512 KiB does not fit in a 1 MiB /tmp


def test_exit_code_above_128_is_not_mistaken_for_a_signal(workdir):
    result = run_sandboxed(["/bin/sh", "-c", "exit 139"], workdir=workdir, limits=SMALL)
    assert (result.returncode, result.killed) == (139, None)


def test_environment_is_minimal(workdir, monkeypatch):
    monkeypatch.setenv("LLMCC_SECRET_PROBE", "leak")
    result = run_sandboxed(["/usr/bin/env"], workdir=workdir, limits=SMALL, env={"EXTRA": "1"})
    names = {line.split(b"=", 1)[0] for line in result.stdout.splitlines()}
    assert b"LLMCC_SECRET_PROBE" not in names
    assert {b"PATH", b"LANG", b"EXTRA"} <= names


def test_without_namespaces_runs_are_refused_unless_allowed(binaries, workdir, monkeypatch):
    monkeypatch.setattr(sandbox, "isolation_available", lambda: "rlimits-only")
    argv = _install(binaries, "spin", workdir)
    with pytest.raises(SandboxUnavailable):
        run_sandboxed(argv, workdir=workdir, limits=LOAD_TOLERANT)
    result = run_sandboxed(argv, workdir=workdir, limits=LOAD_TOLERANT, allow_unsandboxed=True)
    assert result.isolation == "rlimits-only"
    assert result.killed == "cpu"  # limits still apply without namespaces


def test_namespace_level_blocks_writes_outside_workdir(binaries, workdir, tmp_path, monkeypatch):
    if not sandbox._unshare_works():
        pytest.skip("unshare namespaces are not available on this machine")
    monkeypatch.setattr(sandbox, "isolation_available", lambda: "namespaces")
    victim = Path(os.environ.get("HOME", "/root")) / f"llmcc-escape-{uuid.uuid4().hex}"
    inside = workdir / "inside.txt"
    result = run_sandboxed(_install(binaries, "write_outside", workdir) + [str(victim), str(inside)],
                           workdir=workdir, limits=SMALL)
    assert result.isolation == "namespaces"
    assert not victim.exists()
    assert inside.read_text() == "escaped"  # the workdir itself stays writable


def test_namespace_level_also_blocks_the_network(binaries, workdir, monkeypatch):
    if not sandbox._unshare_works():
        pytest.skip("unshare namespaces are not available on this machine")
    monkeypatch.setattr(sandbox, "isolation_available", lambda: "namespaces")
    result = _connect_to_local_listener(binaries, workdir)
    assert result.isolation == "namespaces"
    assert result.returncode == 1
