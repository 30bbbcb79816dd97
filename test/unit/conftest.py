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
