"""llmcc: an LLM-assisted optimizing C compiler driver that behaves like clang-22."""

__version__ = "0.1.0"
