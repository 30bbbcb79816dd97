"""The test plan of a TU: how its candidates are tested (mode, harness, inputs).

It lives here, apart from both its producer (``evaluate.build_test_plan``, the testing
agent) and its consumers (``difftest``, ``fuzz``, ``evaluate``), so none of them has to
import another just for the type (that made ``difftest`` and ``evaluate`` import each
other).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


def _reference_observations() -> Any:
    # Imported lazily: the cache type belongs to difftest, which imports this module.
    from .difftest import ReferenceObservations
    return ReferenceObservations()


@dataclass
class TestPlan:
    """How a TU is tested: mode, harness, inputs. Built once per TU by
    ``llmcc.verify.evaluate.build_test_plan`` (or the testing agent).

    ``correctness`` / ``scale`` hold ``inputs.FunctionInput`` (function mode: the harness
    binary takes ``kind index``) or ``inputs.ProgramInput`` (program mode: argv + stdin;
    ``origin="model-written"`` for a model generator's inputs).
    ``builtin``: under a plan made by the testing agent (``detail["generator"]`` set: a
    model-written harness, or model-written program inputs), the deterministic plan; it is
    always run too (model tests add, never replace; ``all_plans``).
    """

    mode: str                                   # "function" | "program"
    function: str | None
    harness_c: Path | None
    correctness: list
    scale: list
    seed: int
    detail: dict = field(default_factory=dict)
    signature: Any = None                       # harness.FunctionSignature in function mode
    stub_object: Path | None = None             # trapping stand-ins for other TUs' symbols
    reference_cache: Any = field(default_factory=_reference_observations, repr=False)
    builtin: "TestPlan | None" = field(default=None, repr=False)
    __test__ = False          # not a pytest test class, despite the name

    def cache_key(self) -> str:
        """Identifies the harness + inputs (executables linked for this plan are cached by it)."""
        harness = self.harness_c.read_text() if self.harness_c is not None else ""
        text = f"{self.mode}:{self.function}:{self.seed}:{harness}:" + "|".join(
            i.describe() for i in [*self.correctness, *self.scale])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def params(self) -> tuple:
        return self.signature.params if self.signature is not None else ()

    def reference_observation(self, ref_key: str, test_input,
                              run: Callable[[], Any]) -> Any:
        return self.reference_cache.get(ref_key, test_input, run)

    def all_plans(self) -> list["TestPlan"]:
        """This plan, then the built-in plan it extends (if any): every plan a candidate
        must pass."""
        return [self] + ([self.builtin] if self.builtin is not None else [])
