"""The one result type every pipeline stage shares: a value, or a Fallback(reason).

A stage never raises to the user. It returns ``Fallback`` and the driver's single
fallback place (``llmcc.driver.compile.optimize_or_fallback``) turns it into the
baseline object, counting the reason for ``llmcc stats``.
"""
from __future__ import annotations

from collections import namedtuple

# collections.namedtuple rather than typing.NamedTuple or a dataclass: every compile
# imports this module, and typing / dataclasses cost milliseconds of start-up
# (collections is already loaded by then).


class Fallback(namedtuple("Fallback", "reason detail", defaults=("",))):
    """Why llmcc gave up on optimizing and emits the baseline object instead.

    ``reason`` is a short stable slug (counted by ``llmcc stats``, e.g.
    ``"cache-unwritable"``, ``"plugin-missing"``, ``"internal-error"``); ``detail`` is free
    text for the report and the log.
    """

    __slots__ = ()
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class NoWin(namedtuple("NoWin", "reason detail", defaults=("",))):
    """An optimizer ran as it should and found nothing worth emitting: every candidate
    was slower, unproven or rejected, or the TU could not be tested. Not a failure:
    counted as ``no_improvement``; ``reason`` says why, for the report."""

    __slots__ = ()
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def __getattr__(name: str):
    """``Result`` (what an optimizer returns: its candidate, a NoWin, or a Fallback) and
    its ``T``, for annotations: built on first use, so a compile never imports typing."""
    if name in ("Result", "T"):
        from typing import TypeVar, Union
        t = TypeVar("T")
        globals().update(T=t, Result=Union[t, Fallback])
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_fallback(value: object) -> bool:
    return isinstance(value, Fallback)
