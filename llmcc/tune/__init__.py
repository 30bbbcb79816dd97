"""``llmcc tune``: the user's own workload as the oracle, and a decisions file every build replays.

A tune session is PGO's instrument -> train -> use, extended with llmcc's candidates and an
accept-or-roll-back loop measured on the whole program (``session.run_session``)::

    pristine copy of the project tree (before anything is built)
    record      build a copy with LLMCC_MODE=off and LLMCC_TUNE_RECORD=<file>: the compile
                hook appends one JSON line per C compile (source, flags, header hashes,
                output); the objects are clang's own
    baseline    run --check (must pass) and --run (its stdout and status are the oracle)
    profile     build another copy with LLMCC_TUNE_INSTRUMENT=1 (the hook adds
                -fprofile-instr-generate to every compile AND link), run --run there,
                llvm-profdata merge, and rank functions of the whole build by their share
                of the block counts; a function's TU comes from the objects' symbol tables
    candidates  within --minutes: first clang's PGO for every profiled TU at once; then
                for the hottest TUs (a) the profile for that TU alone (if the whole-build
                one was refused), (b) pipeline edits from the non-LLM greedy policy
                (``pipeline.policy``), hill-climbing on what was accepted for the TU, and
                (c) with an endpoint configured, pipeline edits from the LLM policy
                (repaired and validated first), and (d) LLM source (then IR) rewrites of the TU's
                hottest function by the level agent, with every check of the in-build
                path against the original TU (``rewrite.py``) before the workload
                judges it
    try one     copy the best tree, write a tentative decisions file, delete the TU's
                object, rerun the build command with LLMCC_DECISIONS=<tentative>: llmcc
                compiles that TU by the decision -- the same code path every later build
                takes, which is what makes the final file reproducible -- and the build
                relinks; --check must pass, --run's output must equal the baseline's, and
                the run is measured against the best tree (interleaved CPU-time pairs with
                a margin and a significance rule, or callgrind instruction counts of the
                whole run with --measure instructions); accept (the copy becomes the best)
                or roll back
    end         write the decisions file (every recorded TU: its transformation, or plain
                clang, so the validated program is what later builds produce), copy the
                accepted profile next to it, and rebuild the project tree itself with it

Builds apply decisions (``hooks.on_compile``, called from the driver only when a decisions
file is configured or found, or a tune variable is set): a TU whose source, header and flag
hashes match a decision is compiled with it, deterministically and without model calls; a
decision whose source changed is ignored, logged and counted (``decision_stale``).
A rewrite decision is re-validated on every build: its object must be byte-identical to
the one the level agent's checks validated, else clang's object (``decision_invalid``).
Decided TUs do not go through llmcc's result cache: they are recompiled from the decision
each time (a clang compile, plus opt/llc for pipeline decisions), so no cached object made
without the decision can be served for them.
"""
