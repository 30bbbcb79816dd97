"""Built-in translation validation for a subset of LLVM IR, used when alive-tv is absent.

``check_refinement`` proves (z3) that a target function refines a source function:
for every input, including poison and undef inputs, the target's return value and final
memory are one of the source's possible behaviours, unless the source is UB. Loops are
unrolled up to a bound; anything the model does not cover answers INCONCLUSIVE with the
construct named. The checker never answers PROVED when in doubt.
"""
from __future__ import annotations

from .checker import check_refinement

__all__ = ["check_refinement"]
