"""The one result type every pipeline stage shares: a value, or a Fallback(reason).

A stage never raises to the user. It returns ``Fallback`` and the driver's single
fallback place (``llmcc.driver.compile.optimize_or_fallback``) turns it into the
baseline object, counting the reason for ``llmcc stats``.
"""
from __future__ import annotations

from typing import NamedTuple, TypeVar, Union

T = TypeVar("T")


class Fallback(NamedTuple):
    """Why llmcc gave up on optimizing and emits the baseline object instead.

    ``reason`` is a short stable slug (counted by ``llmcc stats``, e.g.
    ``"cache-unwritable"``, ``"plugin-missing"``, ``"internal-error"``); ``detail`` is free
    text for the report and the log.
    """

    reason: str
    detail: str = ""
    # A NamedTuple rather than a dataclass: this module is imported by every compile,
    # and dataclasses costs ~10 ms of start-up (it imports inspect).

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class NoWin(NamedTuple):
    """An optimizer ran as it should and found nothing worth emitting: every candidate
    was slower, unproven or rejected, or the TU could not be tested. Not a failure:
    counted as ``no_improvement``; ``reason`` says why, for the report."""

    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


# What an optimizer returns: its candidate (a value), a NoWin, or a Fallback.
Result = Union[T, Fallback]


def is_fallback(value: object) -> bool:
    return isinstance(value, Fallback)
