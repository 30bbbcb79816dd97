"""Shared fixtures: run llmcc as a user would (a subprocess), in a private cache dir."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LLMCC = str(Path(sys.executable).parent / "llmcc")
CLANG = shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"
# Shared material (Alive2 fixtures, ...) sits beside the repository: <repo>/../shared.
SHARED = REPO.parent / "shared"


def alive2_fixtures() -> Path:
    """The recorded Alive2 inputs and outputs. Missing means a broken checkout, not a
    reason to skip: the tests that need them fail, naming the path."""
    path = SHARED / "fixtures" / "alive2"
    if not (path / "RUNS.tsv").is_file():
        pytest.fail(f"required fixtures missing: {path} (expected beside the repository, "
                    "as <repo>/../shared/fixtures/alive2)", pytrace=False)
    return path


@pytest.fixture
def llmcc_env(tmp_path):
    """Environment for a llmcc subprocess: own cache, no config file from above."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCC_")}
    env["LLMCC_CACHE_DIR"] = str(tmp_path / "cache")
    env["LLMCC_CONFIG"] = str(tmp_path / "llmcc.toml")
    (tmp_path / "llmcc.toml").write_text("")
    return env


def run(argv, cwd, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=600, **kw)


def baseline_tu(root: Path, name: str, text: str):
    """A user's TU ``root/src/<name>`` and its ``clang -O3 -c`` baseline object: returns
    (source directory, toolchain, baseline object)."""
    from llmcc.toolchain import find_toolchain
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / name).write_text(text)
    tc = find_toolchain()
    base = root / (Path(name).stem + ".o")
    subprocess.run([str(tc.clang), "-O3", "-c", name, "-o", str(base)], cwd=src, check=True)
    return src, tc, base


def scripted_context(tmp_path: Path, tu: tuple, source: str, url: str, hot, *, has_main: bool = False,
                     **env: str):
    """A TUContext for ``source`` (a ``baseline_tu``) whose LLM settings point at the scripted
    endpoint ``url``; ``env`` adds LLMCC_* settings; ``hot`` are its HotFunctions."""
    from llmcc.config import load_settings
    from llmcc.tu import TUContext
    src, tc, base = tu
    (tmp_path / "none.toml").write_text("")
    settings = load_settings(cwd=tmp_path, env={
        "LLMCC_CONFIG": str(tmp_path / "none.toml"), "LLMCC_LLM_BACKEND": "openai",
        "LLMCC_LLM_BASE_URL": url, "LLMCC_LLM_MODEL": "scripted",
        "LLMCC_CACHE_DIR": str(tmp_path / "cache"), **env})
    (tmp_path / "work").mkdir(exist_ok=True)
    return TUContext(source=source, cwd=src, flags=[], opt_level="-O3", toolchain=tc, settings=settings,
                     workdir=tmp_path / "work", baseline_object=base, hot_functions=list(hot),
                     has_main=has_main)
