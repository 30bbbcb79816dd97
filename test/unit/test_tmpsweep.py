"""Work directories of killed compiles (kill -9) are removed by a later compile."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import LLMCC, run
from llmcc.llm.scripted_server import ScriptedServer
from llmcc.tmpsweep import maybe_sweep, sweep

OLD = 3600.0


def _age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def _orphan(tmp: Path) -> Path:
    """A temp_dir whose owner process died by SIGKILL (so nothing cleaned it up)."""
    code = ("import os, signal, sys\nfrom llmcc.tmpsweep import temp_dir\n"
            "d = temp_dir('io')\nprint(d.name, flush=True)\nos.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, TMPDIR=str(tmp)))
    assert proc.returncode == -signal.SIGKILL
    path = Path(proc.stdout.strip())
    assert path.is_dir() and path.parent == tmp
    return path


def test_dead_owner_old_dir_is_removed_others_are_kept(tmp_path):
    orphan = _orphan(tmp_path)
    young_orphan = _orphan(tmp_path)
    _age(orphan, OLD)
    mine = tmp_path / f"llmcc-{os.getpid()}-abcdefgh"   # same naming, live owner
    mine.mkdir()
    untouched = [tmp_path / n for n in ("llmcc-cache-1000", "llmcc-sandbox-0", "llmcc-tune-abcdefgh",
                                        "other-99999999-abcdefgh", "llmcc-4194304-toolong12")]
    for d in untouched:
        d.mkdir()
    for d in [mine, *untouched]:
        _age(d, OLD)
    removed = sweep(tmp_path)
    assert removed == [orphan] and not orphan.exists()
    assert young_orphan.is_dir() and mine.is_dir() and all(d.is_dir() for d in untouched)


def test_sweep_runs_at_most_once_per_interval(tmp_path):
    first = _orphan(tmp_path)
    _age(first, OLD)
    assert maybe_sweep(tmp_path) == [first]
    second = _orphan(tmp_path)
    _age(second, OLD)
    assert maybe_sweep(tmp_path) == []                   # swept a moment ago: skip
    assert second.is_dir()
    _age(tmp_path / f".llmcc-sweep-{os.getuid()}", 601)
    assert maybe_sweep(tmp_path) == [second]


def test_killed_compile_leaves_work_dir_that_the_next_compile_removes(tmp_path, llmcc_env):
    """kill -9 of a real llmcc while it waits on a hanging endpoint, then a later compile."""
    data = Path(__file__).parent / "data" / "agents"
    (tmp_path / "k.c").write_bytes((data / "kernels.c").read_bytes())
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with ScriptedServer([{"content": "late", "delay": 60, "repeat": -1}]) as srv:
        env = dict(llmcc_env, TMPDIR=str(tmp), LLMCC_MODE="llm", LLMCC_LLM_BACKEND="openai",
                   LLMCC_LLM_BASE_URL=srv.url, LLMCC_LLM_MODEL="scripted", LLMCC_LLM_TIMEOUT="60",
                   LLMCC_HOTSPOTS_THRESHOLD="0", LLMCC_CACHE="0")
        proc = subprocess.Popen([LLMCC, "-O2", "-c", "k.c", "-o", "k.o"], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while not srv.requests and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
            assert srv.requests, "the compile never reached the endpoint"
            # The compile's work dir is named by the pid of the process that compiles: this
            # one, or the compile server's worker for it (the native client).
            work = [d for d in tmp.iterdir()
                    if d.name.startswith("llmcc-") and d.name.split("-")[1].isdigit()]
            assert len(work) == 1
        finally:
            proc.kill()
            proc.wait()
    compiler_pid = int(work[0].name.split("-")[1])
    deadline = time.monotonic() + 30
    while Path(f"/proc/{compiler_pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)   # a server's worker dies with its client, a moment later
    assert work[0].is_dir()                              # kill -9: nothing cleaned up
    _age(work[0], OLD)
    _age(tmp / f".llmcc-sweep-{os.getuid()}", OLD)      # the killed compile swept at its start
    env = dict(llmcc_env, TMPDIR=str(tmp), LLMCC_MODE="off", LLMCC_CACHE="0")
    got = run([LLMCC, "-O2", "-c", "k.c", "-o", "k2.o"], tmp_path, env)
    assert got.returncode == 0
    assert not work[0].exists()
    assert not [d for d in tmp.iterdir() if d.name.startswith("llmcc-")]


def test_temp_dir_cleanup_removes_nested_content_but_never_follows_symlinks(tmp_path):
    from llmcc.tmpsweep import temp_dir
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    with temp_dir("io") as d:
        work = Path(d)
        assert work.name.startswith(f"llmcc-io-{os.getpid()}-") and oct(work.stat().st_mode)[-3:] == "700"
        (work / "opt" / "deep").mkdir(parents=True)
        (work / "opt" / "deep" / "x.o").write_bytes(b"obj")
        (work / "link").symlink_to(outside)
        (work / "opt" / "filelink").symlink_to(outside / "keep.txt")
    assert not work.exists()
    assert (outside / "keep.txt").read_text() == "keep"
