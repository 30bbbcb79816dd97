"""The two ways the checker declines: the IR is broken, or it is outside the model."""
from __future__ import annotations


class MalformedIR(Exception):
    """The IR does not parse or does not verify."""


class Unsupported(Exception):
    """The IR uses a construct outside the checker's subset (message names it)."""
