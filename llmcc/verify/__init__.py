"""Checks that decide whether a candidate may be emitted: formal (Alive2, built-in SMT),
differential tests, object checks. Every check answers with a ``Verdict``."""
