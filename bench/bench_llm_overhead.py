"""How much the LLM client itself costs: import time, a live loopback call, a cache hit.

Runs against the scripted server (no model): the numbers are client + HTTP overhead only.
Usage: ``.venv/bin/python bench/bench_llm_overhead.py [--calls N]``.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def import_time_ms() -> float:
    """Median wall time of a fresh interpreter importing the client, minus a bare interpreter."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - start) * 1000
    bare = statistics.median(run("pass") for _ in range(5))
    client = statistics.median(run("import llmcc.llm.client, llmcc.llm.prompts") for _ in range(5))
    return client - bare


def per_call_ms(calls: int) -> tuple[float, float, float]:
    """(first call incl. SDK import, median live call, median cache hit) in milliseconds."""
    from llmcc.llm.client import client_for_endpoint
    from llmcc.llm.scripted_server import ScriptedServer
    with tempfile.TemporaryDirectory() as tmp, ScriptedServer([{"content": "x", "repeat": -1}]) as srv:
        client = client_for_endpoint(srv.url, cache_dir=Path(tmp))
        prompt = [{"role": "user", "content": "warm up"}]
        start = time.perf_counter()
        client.chat(prompt)
        first = (time.perf_counter() - start) * 1000
        live, hits = [], []
        for i in range(calls):
            message = [{"role": "user", "content": f"question {i}"}]
            start = time.perf_counter()
            client.chat(message)
            live.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            assert client.chat(message)[0].cached
            hits.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(live), statistics.median(hits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    print(f"import llmcc.llm.client + prompts: {import_time_ms():7.1f} ms (over a bare interpreter)")
    first, live, hit = per_call_ms(args.calls)
    print(f"first call (imports openai):       {first:7.1f} ms")
    print(f"live loopback call, median:        {live:7.2f} ms  ({args.calls} calls, scripted server)")
    print(f"response-cache hit, median:        {hit:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
