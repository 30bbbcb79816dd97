"""The driver seen from a build: same objects, diagnostics, .d files and exit codes as
clang-22; cache hits; every internal problem ends in the baseline object."""
from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import CLANG, LLMCC, run

HELLO = '#include <stdio.h>\n#include "util.h"\nint main(void){printf("%s %d\\n", __FILE__, twice(21));return 0;}\n'
UTIL_H = "static inline int twice(int x){ return 2*x; }\n"
WARN = "int f(int x){ int unused; return x; }\n"


@pytest.fixture
def proj(tmp_path):
    d = tmp_path / "proj"
    d.mkdir()
    (d / "hello.c").write_text(HELLO)
    (d / "util.h").write_text(UTIL_H)
    (d / "warn.c").write_text(WARN)
    return d


def both(proj, env, args):
    """Compile with clang and with llmcc (outputs under ref/ and out/ names)."""
    ref = run([CLANG, *args("ref")], proj)
    got = run([LLMCC, *args("out")], proj, env)
    return ref, got


def stats(env, proj):
    return json.loads(run([LLMCC, "stats", "--json"], proj, env).stdout or "{}")


def test_object_is_byte_identical_to_clang(proj, llmcc_env):
    ref, got = both(proj, llmcc_env, lambda o: ["-O2", "-g", "-c", "hello.c", "-o", f"{o}.o"])
    assert ref.returncode == got.returncode == 0
    assert (proj / "out.o").read_bytes() == (proj / "ref.o").read_bytes()
    assert got.stdout == b"" and got.stderr == b""


def test_user_compile_error_passes_through_exactly(proj, llmcc_env):
    (proj / "bad.c").write_text("int f( { }\n")
    ref, got = both(proj, llmcc_env, lambda o: ["-O2", "-c", "bad.c", "-o", f"{o}.o"])
    assert got.returncode == ref.returncode == 1
    assert got.stderr == ref.stderr and b"error:" in got.stderr
    assert not (proj / "out.o").exists()
    assert stats(llmcc_env, proj).get("user_error") == 1


def test_warnings_are_shown_once_and_replayed_from_cache(proj, llmcc_env):
    ref = run([CLANG, "-O2", "-Wall", "-c", "warn.c", "-o", "ref.o"], proj)
    first = run([LLMCC, "-O2", "-Wall", "-c", "warn.c", "-o", "out.o"], proj, llmcc_env)
    second = run([LLMCC, "-O2", "-Wall", "-c", "warn.c", "-o", "out.o"], proj, llmcc_env)
    assert b"unused variable" in ref.stderr
    assert first.stderr == ref.stderr == second.stderr
    assert stats(llmcc_env, proj).get("cache_hit") == 1


def test_werror_fails_exactly_like_clang(proj, llmcc_env):
    ref, got = both(proj, llmcc_env, lambda o: ["-O2", "-Wall", "-Werror", "-c", "warn.c", "-o", f"{o}.o"])
    assert ref.returncode == got.returncode != 0 and ref.stderr == got.stderr


@pytest.mark.parametrize("depflags", [
    ["-MD"], ["-MMD"], ["-MD", "-MP"], ["-MD", "-MT", "custom-target"], ["-MD", "-MQ", "$(weird)"],
])
def test_dependency_files_are_identical(proj, llmcc_env, depflags):
    ref, got = both(proj, llmcc_env, lambda o: ["-O2", *depflags, "-MF", f"{o}.d", "-c", "hello.c", "-o", "x.o"])
    assert got.returncode == 0
    assert (proj / "out.d").read_text() == (proj / "ref.d").read_text()


def test_wp_md_dependency_file(proj, llmcc_env):
    got = run([LLMCC, "-O2", "-Wp,-MD,.hello.o.d", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    assert got.returncode == 0
    text = (proj / ".hello.o.d").read_text()
    assert text.startswith("hello.o:") and "util.h" in text


def test_cached_depfile_is_restored_and_not_stale(proj, llmcc_env):
    args = [LLMCC, "-O2", "-MD", "-c", "hello.c", "-o", "hello.o"]
    assert run(args, proj, llmcc_env).returncode == 0
    first = (proj / "hello.d").read_text()
    (proj / "hello.d").unlink()
    (proj / "hello.o").unlink()
    assert run(args, proj, llmcc_env).returncode == 0
    assert (proj / "hello.d").read_text() == first and (proj / "hello.o").exists()
    assert stats(llmcc_env, proj).get("cache_hit") == 1


@pytest.mark.parametrize("deps", [[], ["-MMD"]])
def test_header_change_invalidates_the_cache(proj, llmcc_env, deps):
    args = [LLMCC, "-O2", *deps, "-c", "hello.c", "-o", "hello.o"]
    run(args, proj, llmcc_env)
    (proj / "util.h").write_text("static inline int twice(int x){ return 3*x; }\n")
    run(args, proj, llmcc_env)
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()
    assert stats(llmcc_env, proj).get("cache_hit", 0) == 0


def test_no_dash_o_writes_basename_in_cwd(proj, llmcc_env):
    sub = proj / "build"
    sub.mkdir()
    got = run([LLMCC, "-O2", "-c", "../hello.c"], sub, llmcc_env)
    assert got.returncode == 0 and (sub / "hello.o").exists() and not (proj / "hello.o").exists()


def test_corrupt_cache_entry_is_ignored_and_replaced(proj, llmcc_env):
    args = [LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"]
    run(args, proj, llmcc_env)
    objs = list((Path(llmcc_env["LLMCC_CACHE_DIR"]) / "results").rglob("object"))
    assert len(objs) == 1
    objs[0].write_bytes(b"garbage")
    assert run(args, proj, llmcc_env).returncode == 0
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()
    s = stats(llmcc_env, proj)
    assert s.get("cache_corrupt") == 1 and s.get("cache_hit", 0) == 0
    assert run(args, proj, llmcc_env).returncode == 0
    assert stats(llmcc_env, proj).get("cache_hit") == 1   # the entry was replaced


@pytest.mark.skipif(os.getuid() == 0, reason="root ignores directory permissions; see the read-only-path test")
def test_unwritable_cache_dir_still_builds(proj, llmcc_env):
    cache = Path(llmcc_env["LLMCC_CACHE_DIR"])
    cache.mkdir()
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    got = run([LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    assert got.returncode == 0 and got.stderr == b""


def test_cache_dir_on_an_impossible_path_still_builds(proj, llmcc_env):
    # A regular file where a directory should be: every cache write fails (as on a full
    # or read-only disk); the build must succeed, silently, with clang's object.
    blocker = proj / "not-a-dir"
    blocker.write_text("x")
    llmcc_env["LLMCC_CACHE_DIR"] = str(blocker / "cache")
    got = run([LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert got.returncode == 0 and got.stderr == b""
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()


def test_disable_is_pure_pass_through(proj, llmcc_env):
    llmcc_env["LLMCC_DISABLE"] = "1"
    got = run([LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    assert got.returncode == 0 and (proj / "hello.o").exists()
    assert not Path(llmcc_env["LLMCC_CACHE_DIR"]).exists()


def test_bad_config_names_the_key_and_still_builds(proj, llmcc_env):
    Path(llmcc_env["LLMCC_CONFIG"]).write_text("[agents]\nbudget = 'lots'\n")
    got = run([LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert got.returncode == 0
    lines = got.stderr.decode().splitlines()
    assert len(lines) == 1 and "agents.budget" in lines[0]
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()


def test_internal_failure_falls_back_to_the_baseline(proj, llmcc_env):
    # A profile that does not exist makes scoring fail inside llmcc: the build must not.
    (proj / "hot.c").write_text("void k(int n, int *a){ for (int i=0;i<n;i++) for (int j=0;j<n;j++) a[i*n+j] += i^j; }\n")
    llmcc_env["LLMCC_HOTSPOTS_PROFILE"] = str(proj / "missing.profdata")
    llmcc_env["LLMCC_MODE"] = "score"
    got = run([LLMCC, "-O2", "-c", "hot.c", "-o", "hot.o"], proj, llmcc_env)
    run([CLANG, "-O2", "-c", "hot.c", "-o", "ref.o"], proj)
    assert got.returncode == 0 and got.stderr == b""
    assert (proj / "hot.o").read_bytes() == (proj / "ref.o").read_bytes()
    assert any(k.startswith("fallback:") for k in stats(llmcc_env, proj))


def test_launcher_form(proj, llmcc_env):
    got = run([LLMCC, CLANG, "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert got.returncode == 0
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()


def test_launcher_with_another_compiler_runs_it_untouched(proj, llmcc_env, tmp_path):
    fake = tmp_path / "gcc"
    fake.write_text("#!/bin/sh\necho \"fake gcc $*\"\n")
    fake.chmod(0o755)
    got = run([LLMCC, str(fake), "-O2", "-c", "hello.c"], proj, llmcc_env)
    assert got.returncode == 0 and got.stdout == b"fake gcc -O2 -c hello.c\n"


def test_masquerade_symlink_does_not_recurse(proj, llmcc_env, tmp_path):
    wrappers = tmp_path / "wrappers"
    wrappers.mkdir()
    (wrappers / "clang-22").symlink_to(LLMCC)
    (wrappers / "cc").symlink_to(LLMCC)
    llmcc_env["PATH"] = f"{wrappers}:{os.environ['PATH']}"
    got = run(["cc", "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert got.returncode == 0, got.stderr
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()


def test_wrong_clang_version_is_refused_clearly(proj, llmcc_env, tmp_path):
    fake = tmp_path / "clang"
    fake.write_text("#!/bin/sh\necho 'Debian clang version 14.0.6'\n")
    fake.chmod(0o755)
    llmcc_env["LLMCC_CLANG"] = str(fake)
    got = run([LLMCC, "-O2", "-c", "hello.c"], proj, llmcc_env)
    assert got.returncode == 1 and b"clang 14" in got.stderr and b"LLMCC_CLANG" in got.stderr


def test_llmcc_clang_pointing_at_llmcc_is_refused(proj, llmcc_env):
    llmcc_env["LLMCC_CLANG"] = LLMCC
    got = run([LLMCC, "-O2", "-c", "hello.c"], proj, llmcc_env, )
    assert got.returncode == 1 and b"llmcc itself" in got.stderr


def test_signal_death_of_the_compiler_is_128_plus_n(proj, llmcc_env, tmp_path):
    fake = tmp_path / "clang"
    fake.write_text("#!/bin/sh\ncase \"$1\" in --version) echo 'clang version 22.1.8';; *) kill -SEGV $$;; esac\n")
    fake.chmod(0o755)
    llmcc_env["LLMCC_CLANG"] = str(fake)
    got = run([LLMCC, "-O2", "-c", "hello.c"], proj, llmcc_env)
    assert got.returncode == 128 + 11


def test_the_baseline_clang_runs_with_default_sigpipe_and_no_stdin(proj, llmcc_env, tmp_path):
    """The baseline compile is spawned as subprocess would: SIGPIPE / SIGXFSZ back to their
    defaults (Python ignores SIGPIPE), stdin from /dev/null, in the user's directory."""
    fake = tmp_path / "clang"
    log = tmp_path / "child.txt"
    fake.write_text("#!/bin/sh\ncase \"$1\" in --version) echo 'clang version 22.1.8'; exit 0;; esac\n"
                    f"grep SigIgn /proc/self/status > {log}\n"
                    f"readlink /proc/self/fd/0 >> {log}\npwd >> {log}\n"
                    f"exec {CLANG} \"$@\"\n")
    fake.chmod(0o755)
    llmcc_env["LLMCC_CLANG"] = str(fake)
    got = run([LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env, stdin=subprocess.PIPE)
    assert got.returncode == 0 and (proj / "hello.o").is_file()
    ignored, stdin, cwd = log.read_text().splitlines()
    mask = int(ignored.split()[1], 16)
    assert not mask & (1 << (13 - 1)) and not mask & (1 << (25 - 1)), ignored   # SIGPIPE, SIGXFSZ
    assert stdin == "/dev/null" and cwd == str(proj)


@pytest.mark.parametrize("args", [["--version"], ["-dumpmachine"], ["-print-resource-dir"],
                                  ["-###", "-c", "x.c"], ["-v"]])
def test_identification_is_byte_identical(proj, llmcc_env, args):
    ref = run([CLANG, *args], proj)
    got = run([LLMCC, *args], proj, llmcc_env)
    assert (got.returncode, got.stdout, got.stderr.replace(LLMCC.encode(), CLANG.encode())) == \
        (ref.returncode, ref.stdout, ref.stderr)


def test_link_and_run_through_llmcc(proj, llmcc_env):
    got = run([LLMCC, "-O2", "hello.c", "-o", "hello"], proj, llmcc_env)
    assert got.returncode == 0
    assert run(["./hello"], proj).stdout == b"hello.c 42\n"


def test_file_macro_and_debug_info_name_the_original_source(proj, llmcc_env):
    run([LLMCC, "-O3", "-g", "-c", "hello.c", "-o", "hello.o"], proj, llmcc_env)
    data = (proj / "hello.o").read_bytes()
    assert b"hello.c\x00" in data and b"/tmp/llmcc-" not in data


def test_stats_and_config_commands(proj, llmcc_env):
    Path(llmcc_env["LLMCC_CONFIG"]).write_text('[agents]\nbudget = 9\n')
    out = run([LLMCC, "config"], proj, llmcc_env).stdout.decode()
    assert "agents.budget" in out and "= 9" in out and llmcc_env["LLMCC_CONFIG"] in out
    run([LLMCC, "-O2", "-c", "hello.c"], proj, llmcc_env)
    run([LLMCC, "-O2", "-c", "hello.c"], proj, llmcc_env)
    text = run([LLMCC, "stats"], proj, llmcc_env).stdout.decode()
    assert "cache_hit" in text and "cache_miss" in text
    assert run([LLMCC, "cache", "clear"], proj, llmcc_env).returncode == 0
    assert run([LLMCC, "cache", "stats"], proj, llmcc_env).stdout.decode().count("entries          0") == 1


def test_optimizer_output_never_reaches_the_build_log(proj, llmcc_env):
    """Whatever the optimizers print (warnings, child processes) stays out of the user's
    stdout/stderr: a hot TU through the whole pipeline-tuning path prints nothing."""
    (proj / "hot.c").write_text(
        "unsigned pc(unsigned *a, int n){ unsigned c=0; for(int i=0;i<n;i++){ unsigned x=a[i];"
        " while(x){ c+=x&1; x>>=1; } } return c; }\n")
    llmcc_env.update({"LLMCC_MODE": "pipeline", "LLMCC_MEASURE_MODE": "instructions",
                      "LLMCC_PIPELINE_ROUNDS": "1", "LLMCC_PIPELINE_CANDIDATES": "1"})
    got = run([LLMCC, "-O2", "-c", "hot.c", "-o", "hot.o"], proj, llmcc_env)
    assert got.returncode == 0 and got.stdout == b"" and got.stderr == b""
    assert (proj / "hot.o").exists()


def test_colours_match_clang_on_a_terminal(proj, llmcc_env):
    """clang colours diagnostics only on a terminal; llmcc captures stderr, so it must
    ask for colour itself there and replay the same bytes (DROPIN 10)."""
    import pty
    import select

    def on_pty(argv, env):
        master, slave = pty.openpty()
        p = __import__("subprocess").Popen(argv, cwd=proj, env=env, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            r, _, _ = select.select([master], [], [], 30)
            if not r:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        p.wait(timeout=60)
        os.close(master)
        return out

    ref = on_pty([CLANG, "-O2", "-Wall", "-c", "warn.c", "-o", "ref.o"], None)
    got = on_pty([LLMCC, "-O2", "-Wall", "-c", "warn.c", "-o", "out.o"], llmcc_env)
    hit = on_pty([LLMCC, "-O2", "-Wall", "-c", "warn.c", "-o", "out.o"], llmcc_env)
    assert b"\x1b[" in ref          # clang coloured its warning
    assert got == ref == hit


def test_wl_version_is_passed_through(proj, llmcc_env):
    ref = run([CLANG, "-Wl,--version"], proj)
    got = run([LLMCC, "-Wl,--version"], proj, llmcc_env)
    assert ref.stdout.strip()   # the linker printed its version
    assert (got.returncode, got.stdout, got.stderr) == (ref.returncode, ref.stdout, ref.stderr)


def test_parallel_identical_compiles_do_the_work_once(proj, llmcc_env):
    """make -j may start the same compile twice; the per-key lock lets one compile and
    the others restore its result (DROPIN 18)."""
    import subprocess
    argv = [LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"]
    procs = [subprocess.Popen(argv, cwd=proj, env=llmcc_env) for _ in range(4)]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], proj)
    assert (proj / "hello.o").read_bytes() == (proj / "ref.o").read_bytes()
    s = stats(llmcc_env, proj)
    assert s.get("cache_miss") == 1 and s.get("cache_hit") == 3


def test_cpath_is_part_of_the_cache_key(proj, llmcc_env, tmp_path):
    inc = tmp_path / "inc"
    inc.mkdir()
    (inc / "val.h").write_text("#define VAL 1\n")
    (proj / "v.c").write_text('#include <val.h>\nint v(void){ return VAL; }\n')
    args = [LLMCC, "-O2", "-c", "v.c", "-o", "v.o"]
    run(args, proj, {**llmcc_env, "CPATH": str(inc)})
    other = tmp_path / "inc2"
    other.mkdir()
    (other / "val.h").write_text("#define VAL 2\n")
    run(args, proj, {**llmcc_env, "CPATH": str(other)})
    run([CLANG, "-O2", "-c", "v.c", "-o", "ref.o"], proj, {**os.environ, "CPATH": str(other)})
    assert (proj / "v.o").read_bytes() == (proj / "ref.o").read_bytes()
    assert stats(llmcc_env, proj).get("cache_hit", 0) == 0


def test_time_macros_are_never_served_from_the_cache(proj, llmcc_env):
    (proj / "t.c").write_text('const char *built(void){ return __DATE__ " " __TIME__; }\n')
    for _ in range(2):
        assert run([LLMCC, "-O2", "-c", "t.c"], proj, llmcc_env).returncode == 0
    assert stats(llmcc_env, proj).get("cache_hit", 0) == 0
    llmcc_env["SOURCE_DATE_EPOCH"] = "1700000000"   # reproducible builds: cacheable again
    for _ in range(2):
        run([LLMCC, "-O2", "-c", "t.c"], proj, llmcc_env)
    assert stats(llmcc_env, proj).get("cache_hit") == 1


def test_march_native_key_includes_the_cpu(proj, monkeypatch):
    """-march=native means different code on another CPU: the key must say which CPU."""
    from llmcc.config import load_settings
    from llmcc.driver import lookup
    from llmcc.driver.args import classify_invocation
    from llmcc.toolchain import locate_clang
    clang, settings = locate_clang(), load_settings(env={})
    native = classify_invocation(["-O2", "-march=native", "-c", "hello.c"], cwd=proj)
    plain = classify_invocation(["-O2", "-c", "hello.c"], cwd=proj)
    monkeypatch.setattr(lookup, "native_cpu", lambda: b"cpu A")
    a_native, a_plain = lookup.direct_key(clang, settings, native, proj), lookup.direct_key(clang, settings, plain, proj)
    monkeypatch.setattr(lookup, "native_cpu", lambda: b"cpu B")
    assert lookup.direct_key(clang, settings, native, proj) != a_native
    assert lookup.direct_key(clang, settings, plain, proj) == a_plain


def test_save_optimization_record_side_file_is_clangs(proj, llmcc_env):
    got = run([LLMCC, "-O2", "-fsave-optimization-record", "-c", "hello.c", "-o", "sub.o"], proj, llmcc_env)
    assert got.returncode == 0 and (proj / "sub.opt.yaml").exists()


def test_stats_are_kept_with_the_cache_switched_off(proj, llmcc_env):
    llmcc_env["LLMCC_CACHE"] = "0"
    for _ in range(2):
        assert run([LLMCC, "-O2", "-c", "hello.c"], proj, llmcc_env).returncode == 0
    s = stats(llmcc_env, proj)
    assert s.get("uncached") == 2 and "cache_hit" not in s and "cache_miss" not in s


def test_links_are_counted_but_bare_queries_are_not(proj, llmcc_env):
    run([LLMCC, "--version"], proj, llmcc_env)
    run([LLMCC, "-dumpmachine"], proj, llmcc_env)
    assert "passthrough" not in stats(llmcc_env, proj)
    run([LLMCC, "-O2", "hello.c", "-o", "hello"], proj, llmcc_env)
    assert stats(llmcc_env, proj).get("passthrough") == 1


# --------------------------------------------------------------------------- keys as ccache's


def _tree(root: Path, name: str) -> Path:
    d = root / name / "proj"
    d.mkdir(parents=True)
    (d / "hello.c").write_text(HELLO)
    (d / "util.h").write_text(UTIL_H)
    return d


def test_rebuild_in_another_directory_hits_and_the_output_path_does_not_matter(tmp_path, llmcc_env):
    a, b = _tree(tmp_path, "a"), _tree(tmp_path, "b")
    run([LLMCC, "-O2", "-c", "hello.c", "-o", "hello.o"], a, llmcc_env)
    got = run([LLMCC, "-O2", "-c", "hello.c", "-o", "sub-dir-less-name.o"], b, llmcc_env)
    assert got.returncode == 0
    s = stats(llmcc_env, a)
    assert s.get("cache_miss") == 1 and s.get("cache_hit") == 1
    run([CLANG, "-O2", "-c", "hello.c", "-o", "ref.o"], b)
    assert (b / "sub-dir-less-name.o").read_bytes() == (b / "ref.o").read_bytes()


def test_debug_info_keys_the_directory_it_records(tmp_path, llmcc_env):
    """-g records the cwd (DW_AT_comp_dir): another directory must miss, because the
    object really differs."""
    a, b = _tree(tmp_path, "a"), _tree(tmp_path, "b")
    for d in (a, b):
        assert run([LLMCC, "-O2", "-g", "-c", "hello.c", "-o", "hello.o"], d, llmcc_env).returncode == 0
        run([CLANG, "-O2", "-g", "-c", "hello.c", "-o", "ref.o"], d)
        assert (d / "hello.o").read_bytes() == (d / "ref.o").read_bytes()
    assert (a / "hello.o").read_bytes() != (b / "hello.o").read_bytes()
    s = stats(llmcc_env, a)
    assert s.get("cache_miss") == 2 and s.get("cache_hit", 0) == 0


def test_base_dir_with_a_debug_prefix_map_hits_across_directories(tmp_path, llmcc_env):
    """ccache's recipe for relocatable builds: base_dir over both trees and the cwd mapped
    to "." -- the objects are then identical and the second build is served."""
    a, b = _tree(tmp_path, "a"), _tree(tmp_path, "b")
    env = {**llmcc_env, "LLMCC_CACHE_BASE_DIR": str(tmp_path)}
    for d in (a, b):
        argv = ["-O2", "-g", f"-fdebug-prefix-map={d}=.", "-c", "hello.c", "-o", "hello.o"]
        assert run([LLMCC, *argv], d, env).returncode == 0
        run([CLANG, *argv[:-1], "ref.o"], d)
        assert (d / "hello.o").read_bytes() == (d / "ref.o").read_bytes()
    s = stats(env, a)
    assert s.get("cache_miss") == 1 and s.get("cache_hit") == 1
    # Without base_dir the map's own argument differs between the trees: a miss.
    (b / "hello.o").unlink()
    other = {**llmcc_env, "LLMCC_CACHE_DIR": str(tmp_path / "cache2")}
    for d in (a, b):
        run([LLMCC, "-O2", "-g", f"-fdebug-prefix-map={d}=.", "-c", "hello.c", "-o", "hello.o"], d, other)
    assert stats(other, a).get("cache_hit", 0) == 0


def test_key_arguments_rules(tmp_path):
    from llmcc.driver.cache_key import key_arguments
    cwd = str(tmp_path / "a" / "proj")
    base = str(tmp_path)
    k = lambda args, **kw: key_arguments(args, output="x.o", cwd=cwd, **kw)  # noqa: E731
    # No output, no .d location; the cwd appears only with debug info.
    plain = k(["-O2", "-c", "x.c", "-o", "x.o", "-MD", "-MF", "deps/x.d"], has_dep_file=True)
    assert "deps/x.d" not in plain and not any(cwd in a for a in plain)
    assert "x.o" in plain                      # .d target without -MT is the output path
    assert "x.o" not in k(["-O2", "-c", "x.c", "-o", "x.o"])
    assert f"comp_dir={cwd}" in k(["-O2", "-g", "-c", "x.c"])
    assert not any("comp_dir" in a for a in k(["-O2", "-g", "-g0", "-c", "x.c"]))
    assert "comp_dir=." in k(["-g", f"-ffile-prefix-map={cwd}=.", "-c", "x.c"])
    # base_dir: an absolute include dir that could land in __FILE__ stays absolute unless
    # a macro prefix map covers it; the map's own OLD side is always made relative.
    inc = f"{tmp_path}/a/inc"
    assert f"-I{inc}" in k([f"-I{inc}", "-c", "x.c"], base_dir=base)
    mapped = k([f"-I{inc}", f"-fmacro-prefix-map={tmp_path}/a=/src", "-c", "x.c"], base_dir=base)
    assert "-I../inc" in mapped and "-fmacro-prefix-map=..=/src" in mapped
    # ... but not when a .d file names the include path as written.
    assert f"-I{inc}" in k([f"-I{inc}", f"-fmacro-prefix-map={tmp_path}/a=/src", "-c", "x.c"],
                           base_dir=base, has_dep_file=True)
    # Outside base_dir nothing changes.
    assert "-I/usr/include/foo" in k(["-I/usr/include/foo", "-c", "x.c"], base_dir=base)


def test_profile_use_is_keyed_by_content(tmp_path):
    from llmcc.driver.cache_key import key_arguments
    prof = tmp_path / "p.profdata"
    prof.write_bytes(b"one")
    args = ["-O2", f"-fprofile-use={prof}", "-c", "x.c"]
    first = key_arguments(args, output="x.o", cwd=str(tmp_path))
    prof.write_bytes(b"two")
    assert key_arguments(args, output="x.o", cwd=str(tmp_path)) != first
