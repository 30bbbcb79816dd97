"""One compile service: every frontend / middle-end / backend / assembler run of llmcc goes
through ``llmcc.tu.CompileService``, so flags, the -O pipeline and timeouts have one owner."""
from __future__ import annotations

import ast
import time
from pathlib import Path

from llmcc.toolchain import Toolchain
from llmcc.tu import CompileService

PACKAGE = Path(__file__).resolve().parents[2] / "llmcc"
COMPONENTS = {"frontend", "middle_end", "backend", "assemble"}


def _component_users() -> dict[str, set[str]]:
    """module -> the compiler components it imports from llmcc.toolchain (any import form)."""
    users: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("toolchain"):
                names = {a.name for a in node.names} & COMPONENTS
                if names:
                    users.setdefault(str(path.relative_to(PACKAGE)), set()).update(names)
            elif isinstance(node, ast.Attribute) and node.attr in COMPONENTS \
                    and isinstance(node.value, ast.Name) and node.value.id == "toolchain":
                users.setdefault(str(path.relative_to(PACKAGE)), set()).add(node.attr)
    return users


def test_only_the_compile_service_calls_the_compiler_components():
    assert _component_users() == {"tu.py": COMPONENTS}


def test_the_service_clamps_a_stage_to_the_deadline_but_never_below_one_second():
    service = CompileService(Toolchain(Path("/bin/false"), Path("/bin"), 22), ("-O2",), "-O2", timeout=300.0)
    assert service.stage_timeout() == 300.0
    assert 58.0 < service.stage_timeout(time.monotonic() + 60) <= 60.0
    assert service.stage_timeout(time.monotonic() - 5) == 1.0
    assert service.pipeline == "default<O2>"
