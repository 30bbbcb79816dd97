"""The verdict vocabulary shared by every check (formal, differential, object)."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class VerdictKind(str, enum.Enum):
    PROVED = "proved"                    # formally equivalent / refines
    REFUTED = "refuted"                  # formal check found a counterexample
    INCONCLUSIVE = "inconclusive"        # timeout, unsupported construct, loop bound, ...
    INVALID = "invalid"                  # does not parse / compile / link
    TESTED_EQUAL = "tested_equal"        # differential tests agreed on every input
    TESTED_DIFFERENT = "tested_different"  # differential tests found a differing input


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    checker: str                 # "alive2", "smt", "difftest-program", "difftest-function", "objcheck", ...
    detail: str = ""             # human-readable reason / summary
    counterexample: str | None = None  # refuting input, failing test, alive2 counterexample text
    data: dict = field(default_factory=dict)  # checker-specific extras (tests run, time, ...)

    @property
    def may_emit(self) -> bool:
        """Only a proof or agreeing differential tests can let a candidate through. An
        object check passing (symbols and code sane) says nothing about behaviour."""
        return self.kind in (VerdictKind.PROVED, VerdictKind.TESTED_EQUAL) and self.checker != "objcheck"

    def to_json(self) -> dict:
        return {"kind": self.kind.value, "checker": self.checker, "detail": self.detail,
                "counterexample": self.counterexample, "data": self.data}
