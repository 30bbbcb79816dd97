"""The masquerade wrappers (wrappers/cc, clang, clang-22): a build that puts the wrappers
directory first on PATH compiles through llmcc, gets clang's results, and never loops."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WRAPPERS = REPO / "wrappers"
VENV_LLMCC = REPO / ".venv" / "bin" / "llmcc"
CLANG = shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
TIMEOUT = 120  # a wrapper that recursed would hang; fail instead of waiting forever

SOURCE = """
unsigned mix(const unsigned *v, int n)
{
    unsigned h = 0;
    for (int i = 0; i < n; i++)
        h = h * 31 + v[i];
    return h;
}
"""

# A stand-in llmcc that records how it was called, so wrapper behaviour is observable
# without the real driver.
RECORDER = """#!/bin/sh
{
  echo "argv: $*"
  echo "wrapper_dir: ${LLMCC_WRAPPER_DIR:-}"
  echo "me: $0"
} > "$RECORD_FILE"
"""


def clean_env(**extra: str) -> dict[str, str]:
    """Environment without any LLMCC_* setting or LLMCC override, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC")}
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "mix.c"
    path.write_text(SOURCE)
    return path


@pytest.fixture
def recorder(tmp_path: Path) -> Path:
    path = tmp_path / "bin" / "llmcc"
    path.parent.mkdir()
    path.write_text(RECORDER)
    path.chmod(0o755)
    return path


def read_record(tmp_path: Path) -> dict[str, str]:
    lines = (tmp_path / "record.txt").read_text().splitlines()
    return dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in lines)


@pytest.mark.parametrize("name", ["cc", "clang", "clang-22"])
def test_each_masquerade_name_runs_llmcc_with_the_same_arguments(tmp_path, recorder, name):
    env = clean_env(LLMCC=str(recorder), RECORD_FILE=str(tmp_path / "record.txt"),
                    PATH=f"{WRAPPERS}:{SYSTEM_PATH}")
    proc = run([name, "-O2", "-c", "a file.c", "-o", "x.o"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    record = read_record(tmp_path)
    assert record["argv"] == "-O2 -c a file.c -o x.o"
    assert Path(record["wrapper_dir"]).resolve() == WRAPPERS.resolve()


def test_llmcc_on_path_is_used_when_LLMCC_is_unset(tmp_path, recorder):
    env = clean_env(RECORD_FILE=str(tmp_path / "record.txt"),
                    PATH=f"{WRAPPERS}:{recorder.parent}:{SYSTEM_PATH}")
    proc = run(["cc", "-c", "x.c"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert read_record(tmp_path)["me"] == str(recorder)


@pytest.mark.skipif(not VENV_LLMCC.exists(), reason="needs the repository venv (.venv/bin/llmcc)")
def test_repo_venv_llmcc_is_found_through_a_symlinked_wrapper(tmp_path):
    """No LLMCC, no llmcc on PATH: the wrapper falls back to <repo>/.venv/bin/llmcc, even
    when it is reached through a symlink installed elsewhere (e.g. /usr/local/bin/cc)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "cc").symlink_to(WRAPPERS / "cc")
    env = clean_env(PATH=f"{bindir}:{SYSTEM_PATH}")
    proc = run(["cc", "--version"], env, tmp_path)
    expected = run([CLANG, "--version"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected.stdout


def test_wrapper_without_any_llmcc_fails_with_a_message(tmp_path):
    lonely = tmp_path / "wrappers"
    lonely.mkdir()
    shutil.copy(WRAPPERS / "llmcc-wrapper", lonely / "cc")
    env = clean_env(PATH=f"{lonely}:{SYSTEM_PATH}")
    proc = run(["cc", "-c", "x.c"], env, tmp_path)
    assert proc.returncode == 127
    assert "llmcc not found" in proc.stderr


@pytest.mark.skipif(not VENV_LLMCC.exists(), reason="needs the repository venv (.venv/bin/llmcc)")
@pytest.mark.parametrize("opt_level, mode", [("-O0", "auto"), ("-O2", "off")])
def test_cc_on_wrapped_path_builds_clangs_object_without_recursing(tmp_path, source,
                                                                   opt_level, mode):
    """clang-22 is *also* a wrapper on this PATH: llmcc must skip the wrappers directory
    when it looks for the real compiler (otherwise: endless recursion)."""
    env = clean_env(PATH=f"{WRAPPERS}:{VENV_LLMCC.parent}:{SYSTEM_PATH}",
                    LLMCC_MODE=mode, LLMCC_CACHE_DIR=str(tmp_path / "cache"))
    proc = run(["cc", opt_level, "-c", source.name, "-o", "wrapped.o"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    subprocess.run([CLANG, opt_level, "-c", source.name, "-o", "plain.o"], cwd=tmp_path,
                   check=True, timeout=TIMEOUT)
    assert (tmp_path / "wrapped.o").read_bytes() == (tmp_path / "plain.o").read_bytes()


@pytest.mark.skipif(not VENV_LLMCC.exists(), reason="needs the repository venv (.venv/bin/llmcc)")
def test_real_compiler_pointing_back_at_a_wrapper_stops_with_an_error(tmp_path, source):
    """LLMCC_CLANG misconfigured to a wrapper: an error, not an endless exec loop."""
    env = clean_env(PATH=f"{WRAPPERS}:{SYSTEM_PATH}", LLMCC_CLANG=str(WRAPPERS / "clang-22"),
                    LLMCC_CACHE_DIR=str(tmp_path / "cache"))
    proc = run(["cc", "-O2", "-c", source.name, "-o", "x.o"], env, tmp_path)
    assert proc.returncode != 0
    assert "llmcc" in proc.stderr


@pytest.mark.skipif(not VENV_LLMCC.exists(), reason="needs the repository venv (.venv/bin/llmcc)")
def test_example_project_builds_and_checks_through_the_wrappers(tmp_path):
    """`make check` of the bundled example with cc = the wrapper (baseline mode, so the
    test is quick): the program built through llmcc prints the expected checksum."""
    project = tmp_path / "hotloops"
    shutil.copytree(REPO / "examples" / "hotloops", project,
                    ignore=shutil.ignore_patterns("*.o", "hotloops", "hotloops.out"))
    env = clean_env(PATH=f"{WRAPPERS}:{SYSTEM_PATH}", LLMCC_MODE="off",
                    LLMCC_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("MAKEFLAGS", None)
    proc = run(["make", "CC=cc", "check"], env, project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checksum OK" in proc.stdout
    assert (project / "bits.o").is_file()


# --------------------------------------------------------------------------- CMake

CMAKE_PROJECT = """cmake_minimum_required(VERSION 3.16)
project(probe C)
add_library(mix STATIC mix.c)
add_executable(probe main.c)
target_link_libraries(probe mix)
"""

CMAKE_MAIN = """#include <stdio.h>
unsigned mix(const unsigned *v, int n);
int main(void)
{
    unsigned v[4] = {1, 2, 3, 4};
    printf("mix=%u\\n", mix(v, 4));
    return 0;
}
"""


def expected_probe_output() -> str:
    """What probe must print: mix() of CMAKE_MAIN's vector, computed independently."""
    h = 0
    for x in (1, 2, 3, 4):
        h = (h * 31 + x) & 0xFFFFFFFF
    return f"mix={h}\n"


def make_cmake_project(root: Path) -> Path:
    src = root / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(CMAKE_PROJECT)
    (src / "mix.c").write_text(SOURCE)
    (src / "main.c").write_text(CMAKE_MAIN)
    return src


def cmake_cache_value(build: Path, name: str) -> str:
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} not in CMakeCache.txt")


def compiler_id(build: Path) -> str:
    """CMake's record of the C compiler (path, id, version) from CMakeCCompiler.cmake."""
    matches = list(build.glob("CMakeFiles/*/CMakeCCompiler.cmake"))
    assert matches, "CMake did not identify a C compiler"
    text = matches[0].read_text()
    ident = [line for line in text.splitlines()
             if line.startswith(("set(CMAKE_C_COMPILER ", "set(CMAKE_C_COMPILER_ID ",
                                     "set(CMAKE_C_COMPILER_VERSION "))]
    return "\n".join(ident)


needs_cmake = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")


@needs_cmake
@pytest.mark.skipif(not VENV_LLMCC.exists(), reason="needs the repository venv (.venv/bin/llmcc)")
def test_cmake_toolchain_file_identifies_clang_22_and_builds_through_llmcc(tmp_path):
    src = make_cmake_project(tmp_path)
    build = tmp_path / "build"
    log = tmp_path / "llmcc.log"
    env = clean_env(PATH=f"{VENV_LLMCC.parent}:{SYSTEM_PATH}", LLMCC_MODE="off",
                    LLMCC_CACHE_DIR=str(tmp_path / "cache"), LLMCC_LOG_FILE=str(log))
    configure = run(["cmake", "-S", str(src), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     f"-DCMAKE_TOOLCHAIN_FILE={REPO / 'cmake' / 'llmcc-toolchain.cmake'}"],
                    env, tmp_path)
    assert configure.returncode == 0, configure.stdout + configure.stderr
    assert Path(cmake_cache_value(build, "LLMCC_EXECUTABLE")) == VENV_LLMCC
    ident = compiler_id(build)
    assert f'set(CMAKE_C_COMPILER "{VENV_LLMCC}")' in ident
    assert '"Clang"' in ident and '"22.' in ident
    built = run(["cmake", "--build", str(build)], env, tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    assert run([str(build / "probe")], env, tmp_path).stdout == expected_probe_output()


@needs_cmake
@pytest.mark.skipif(not VENV_LLMCC.exists(), reason="needs the repository venv (.venv/bin/llmcc)")
def test_cmake_compiler_launcher_runs_llmcc_in_front_of_clang(tmp_path, recorder):
    """-DCMAKE_C_COMPILER_LAUNCHER=llmcc: every compile is `llmcc <clang> args`. A
    recording launcher shows the form; then the real llmcc builds the project."""
    src = make_cmake_project(tmp_path)
    env = clean_env(PATH=f"{VENV_LLMCC.parent}:{SYSTEM_PATH}", LLMCC_MODE="off",
                    LLMCC_CACHE_DIR=str(tmp_path / "cache"))
    build = tmp_path / "build"
    configure = run(["cmake", "-S", str(src), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     f"-DCMAKE_C_COMPILER={CLANG}", f"-DCMAKE_C_COMPILER_LAUNCHER={VENV_LLMCC}"],
                    env, tmp_path)
    assert configure.returncode == 0, configure.stdout + configure.stderr
    verbose = run(["cmake", "--build", str(build), "--verbose"], env, tmp_path)
    assert verbose.returncode == 0, verbose.stdout + verbose.stderr
    assert f"{VENV_LLMCC} {CLANG}" in verbose.stdout
    assert run([str(build / "probe")], env, tmp_path).stdout == expected_probe_output()
