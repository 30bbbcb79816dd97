"""llmcc's own hostile suite (issue 9, item 10).

A scripted OpenAI-compatible endpoint (``endpoint.py``) answers every agent llmcc runs in
llm mode with hostile replies: level rewrites that each carry ONE seeded semantic mutation
(``mutate.py``), malformed, enormous and garbage replies, useless test generators and
odd pipeline edits. ``run.py`` builds real Debian projects with ``CC=llmcc`` against it,
runs their own tests, and counts from llmcc's per-TU reports which check rejected each
wrong rewrite, and whether any reached an emitted object.

Nothing here is a model; results obtained with it are scripted and labelled so.
The package is imported as ``hostile`` with ``<repo>/test`` on ``sys.path`` (the stdlib
owns the top-level name ``test``); ``python test/hostile/run.py`` does that itself.
"""
