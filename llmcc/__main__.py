"""``python -m llmcc ARGS``: the Python entry, exactly as the console script runs it.

It never goes through the compile server (llmcc/server.py), so it is also the way to
run llmcc without one. argv[0] is set to "llmcc": the driver tells the compiler,
launcher and masquerade forms apart by it.
"""
import sys

from llmcc.cli import main

sys.argv[0] = "llmcc"
sys.exit(main())
