"""The driver in llm mode, end to end: `llmcc -O2 -c` against a scripted OpenAI-compatible
server on loopback (real HTTP, real client). Scripted answers, not a model."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import CLANG, LLMCC, run
from llmcc.llm.scripted_server import ScriptedServer

DATA = Path(__file__).parent / "data" / "agents"
REWRITES = {r["name"]: r for r in json.loads((DATA / "rewrites.json").read_text())}
GUIDE = "You steer"
NO_GENERATOR = {"match": "test-input generator", "content": "I cannot write that.", "repeat": -1}
MAIN = ('#include <stdio.h>\n#include <stdint.h>\n#include <stddef.h>\n'
        'uint64_t popcount_sum(const uint32_t *words, size_t n);\n'
        'int main(void){ static uint32_t w[1000]; for (int i=0;i<1000;i++) w[i]=i*2654435761u;'
        ' printf("%llu\\n", (unsigned long long)popcount_sum(w, 1000)); return 0; }\n')


def llm_env(env, url):
    env.update({"LLMCC_MODE": "llm", "LLMCC_LLM_BACKEND": "openai", "LLMCC_LLM_BASE_URL": url,
                "LLMCC_LLM_MODEL": "scripted", "LLMCC_MEASURE_MODE": "instructions",
                "LLMCC_AGENTS_BUDGET": "1", "LLMCC_AGENTS_SAMPLES": "1", "LLMCC_AGENTS_ROUNDS": "1",
                "LLMCC_TU_DEADLINE": "240", "LLMCC_HOTSPOTS_THRESHOLD": "0"})
    return env


def test_good_rewrite_is_emitted_by_the_driver_and_rebuild_makes_no_calls(tmp_path, llmcc_env):
    (tmp_path / "kernels.c").write_bytes((DATA / "kernels.c").read_bytes())
    (tmp_path / "main.c").write_text(MAIN)
    script = [NO_GENERATOR,
              {"match": GUIDE, "tool_calls": [{"name": "source_agent",
                                               "arguments": {"state": "p0", "function": "popcount_sum"}}]},
              {"match": GUIDE, "content": "Done.", "repeat": -1},
              {"match": "Rewrite the C function", "content": REWRITES["popcount-builtin"]["reply"]}]
    with ScriptedServer(script) as srv:
        env = llm_env(llmcc_env, srv.url)
        got = run([LLMCC, "-O2", "-c", "kernels.c", "-o", "kernels.o"], tmp_path, env)
        assert got.returncode == 0 and got.stdout == b"" and got.stderr == b""
        calls = len(srv.requests)
        assert calls >= 3
        report = json.loads(run([LLMCC, "report", "--json"], tmp_path, env).stdout)[-1]
        assert report["decision"] == "optimized" and report["emitted"]["origin"] == "source"
        assert report["agents"]["trace"]
        # The emitted object behaves like clang's on a real program.
        run([CLANG, "-O2", "-c", "kernels.c", "-o", "ref.o"], tmp_path)
        assert (tmp_path / "kernels.o").read_bytes() != (tmp_path / "ref.o").read_bytes()
        outs = []
        for obj in ("kernels.o", "ref.o"):
            subprocess.run([CLANG, "-O2", "main.c", obj, "-o", f"prog-{obj}"], cwd=tmp_path, check=True)
            outs.append(subprocess.run([f"./prog-{obj}"], cwd=tmp_path, capture_output=True).stdout)
        assert outs[0] == outs[1] and outs[0].strip().isdigit()
        # An identical rebuild is served without asking the model again.
        (tmp_path / "kernels.o").unlink()
        assert run([LLMCC, "-O2", "-c", "kernels.c", "-o", "kernels.o"], tmp_path, env).returncode == 0
        assert len(srv.requests) == calls


def test_dead_endpoint_gives_clangs_object(tmp_path, llmcc_env):
    (tmp_path / "kernels.c").write_bytes((DATA / "kernels.c").read_bytes())
    import socket
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = llm_env(llmcc_env, f"http://127.0.0.1:{port}/v1")
    env["LLMCC_TU_DEADLINE"] = "60"
    got = run([LLMCC, "-O2", "-c", "kernels.c", "-o", "kernels.o"], tmp_path, env)
    run([CLANG, "-O2", "-c", "kernels.c", "-o", "ref.o"], tmp_path)
    assert got.returncode == 0 and got.stderr == b""
    assert (tmp_path / "kernels.o").read_bytes() == (tmp_path / "ref.o").read_bytes()


def test_guide_crash_is_a_fallback_of_its_own(tmp_path, llmcc_env):
    """A bug inside the guiding agent keeps clang's object and is counted as
    fallback:guide-internal-error, not as no_improvement (the TU was never really tried)."""
    (tmp_path / "kernels.c").write_bytes((DATA / "kernels.c").read_bytes())
    crash = ("import sys\n"
             "import llmcc.agents.guiding as g\n"
             "def boom(self):\n"
             "    raise ZeroDivisionError('planted guide bug')\n"
             "g.GuideSession.run = boom\n"
             "from llmcc.cli import main\n"
             "sys.argv[0] = 'llmcc'\n"
             "sys.exit(main(sys.argv[1:]))\n")
    with ScriptedServer([{"match": GUIDE, "content": "Done.", "repeat": -1}]) as srv:
        env = llm_env(llmcc_env, srv.url)
        got = run([str(Path(LLMCC).parent / "python"), "-c", crash, "-O2", "-c", "kernels.c",
                   "-o", "kernels.o"], tmp_path, env)
        assert got.returncode == 0 and got.stderr == b"", got.stderr
        run([CLANG, "-O2", "-c", "kernels.c", "-o", "ref.o"], tmp_path)
        assert (tmp_path / "kernels.o").read_bytes() == (tmp_path / "ref.o").read_bytes()
        stats = json.loads(run([LLMCC, "stats", "--json"], tmp_path, env).stdout)
        assert stats.get("fallback:guide-internal-error") == 1, stats
        assert "no_improvement" not in stats
        report = json.loads(run([LLMCC, "report", "--json"], tmp_path, env).stdout)[-1]
        assert report["fallback"]["reason"] == "guide-internal-error"
        assert "planted guide bug" in report["fallback"]["detail"]
