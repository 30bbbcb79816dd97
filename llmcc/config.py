"""Settings: one table of keys, read from defaults, a config file, then the environment.

The config file is found without HOME (DROPIN 17): ``$LLMCC_CONFIG`` if set, else the first
``.llmcc.toml`` searching upward from the working directory. Environment variables
(``LLMCC_<KEY>`` with dots as underscores, e.g. ``LLMCC_LLM_MODEL``) override the file.

A bad value is a ``ConfigError`` naming the key; the driver then compiles the baseline
(the build goes on) and records the reason.
"""
from __future__ import annotations

import os

# No pathlib or typing here: every compile loads its settings before it knows whether it
# is anything but "run clang" (llmcc/driver/entry.py), so this module stays cheap to
# import. Paths are strings inside; ``Settings.cache_dir()`` / ``config_file`` build a
# ``Path`` on demand for the rest of llmcc.
TYPE_CHECKING = False   # typing's own constant would cost its import
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Callable


class ConfigError(Exception):
    """A setting has a bad value or the config file is unreadable. Message names the key."""


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected a boolean (1/0, true/false), got {v!r}")


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        s = str(v)
        if s not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {v!r}")
        return s
    return parse


def _positive(kind: type) -> Callable[[Any], Any]:
    def parse(v: Any):
        if isinstance(v, bool):
            raise ValueError(f"expected a number, got {v!r}")
        x = kind(v)
        if x < 0:
            raise ValueError(f"must be >= 0, got {v!r}")
        return x
    return parse


def _size(v: Any) -> int:
    """Bytes, with optional K/M/G suffix (``5G``)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    s = str(v).strip().upper()
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    num = s[:-1] if s[-1:] in "KMG" else s
    try:
        n = int(float(num) * mult)
    except ValueError:
        raise ValueError(f"expected a size like 500M or 5G, got {v!r}") from None
    if n < 0:
        raise ValueError(f"must be >= 0, got {v!r}")
    return n


def _str(v: Any) -> str:
    return str(v)


class Key:
    """One setting: dotted name as in the TOML file ("llm.model"), parser, default, doc.
    (A plain class: typing.NamedTuple would cost the typing import at every compile.)"""

    __slots__ = ("name", "parse", "default", "doc", "secret", "env")

    def __init__(self, name: str, parse: Callable[[Any], Any], default: Any, doc: str,
                 secret: bool = False):
        self.name = name
        self.parse = parse
        self.default = default
        self.doc = doc
        self.secret = secret
        self.env = "LLMCC_" + name.upper().replace(".", "_").replace("-", "_")

    def __repr__(self) -> str:
        return f"Key({self.name!r})"


KEYS: tuple[Key, ...] = (
    # driver
    Key("disable", _bool, False, "pure pass-through to clang (LLMCC_DISABLE=1)"),
    Key("mode", _choice("off", "score", "pipeline", "llm", "auto"), "auto",
        "off: baseline only; score: score+report; pipeline: AutoPass tuning; llm: LLM agents; "
        "auto: llm if an endpoint is configured, else pipeline"),
    Key("min_opt_level", _choice("1", "2", "3"), "2", "lowest -O level whose TUs are optimized"),
    Key("log_file", _str, "", "append a log of llmcc's decisions here (never stdout/stderr)"),
    Key("report_dir", _str, "", "write per-TU JSON reports here (default: <cache_dir>/reports)"),
    Key("stage_timeout", _positive(float), 300.0, "seconds allowed for one internal compile stage"),
    Key("tu_deadline", _positive(float), 600.0, "seconds llmcc may spend optimizing one TU"),
    Key("decisions", _str, "", "decisions file written by `llmcc tune` (default: the first "
        "llmcc-decisions.json upward from the compile's directory)"),
    # cache
    Key("cache_dir", _str, "", "cache directory (default: $XDG_CACHE_HOME/llmcc, ~/.cache/llmcc, "
        "or .llmcc-cache next to the config file)"),
    Key("cache_max_size", _size, 5 << 30, "cache size bound; least recently used entries are evicted"),
    Key("cache", _bool, True, "use the result cache"),
    Key("cache_base_dir", _str, "", "absolute paths under this directory are keyed relative to the "
        "working directory where they cannot reach the object (as ccache's base_dir)"),
    # build-wide budget (llmcc/session.py)
    Key("budget.seconds", _positive(float), 3.0,
        "seconds of pipeline tuning one build may spend, over all its TUs (best-scored first)"),
    Key("budget.llm_seconds", _positive(float), 900.0, "the same in llm mode (model calls are slow)"),
    Key("budget.model_calls", _positive(int), 200, "model requests one build may make (llm mode)"),
    Key("budget.top_tus", _positive(int), 8,
        "a TU is optimized only while its score is among the best N hot TUs the build has seen (0: any)"),
    Key("budget.min_tu_seconds", _positive(float), 2.0, "a TU is not started with less budget left than this"),
    Key("budget.idle_reset", _positive(float), 600.0, "a build session idle this long is over"),
    # hotspots
    Key("hotspots.top_k", _positive(int), 10, "functions kept per build"),
    Key("hotspots.threshold", _positive(float), 1.0, "minimum score for a function to be optimized"),
    Key("hotspots.profile", _str, "", "instrumentation (.profdata) or sample profile to weight scores"),
    # pipeline tuning (AutoPass)
    Key("pipeline.rounds", _positive(int), 3, "tuning rounds per TU"),
    Key("pipeline.candidates", _positive(int), 4, "candidates per round (non-LLM policy)"),
    Key("pipeline.allow_fp_reassoc", _bool, False, "allow knobs that may change floating-point results"),
    # verification
    Key("verify.alive_tv", _str, "", "path to alive-tv (default: $LLMCC_ALIVE_TV or PATH)"),
    Key("verify.unroll", _positive(int), 8, "loop unroll bound for formal checks"),
    Key("verify.smt_timeout_ms", _positive(int), 10000, "SMT solver timeout per query"),
    Key("verify.allow_unsandboxed", _bool, False, "run candidates even if no isolation is available"),
    Key("verify.fuzz_seconds", _positive(float), 3.0,
        "differential fuzzing budget per candidate not formally proved (0: off)"),
    Key("verify.fuzz_seconds_asm", _positive(float), 10.0, "fuzzing budget for asm candidates"),
    # measurement
    Key("measure.margin", _positive(float), 0.03, "minimum speedup over the baseline to accept"),
    Key("measure.repetitions", _positive(int), 9, "timed runs per variant (interleaved)"),
    Key("measure.mode", _choice("time", "instructions"), "time",
        "time: CPU time with a significance test; instructions: deterministic counts"),
    # LLM
    Key("llm.backend", _choice("openai", "replay", "none"), "none", "model backend"),
    Key("llm.base_url", _str, "", "OpenAI-compatible endpoint, e.g. http://localhost:8000/v1"),
    Key("llm.model", _str, "", "model name"),
    Key("llm.api_key_env", _str, "OPENAI_API_KEY", "name of the env var holding the API key"),
    Key("llm.temperature", _positive(float), 0.2, "sampling temperature"),
    Key("llm.max_tokens", _positive(int), 4096, "max tokens per reply"),
    Key("llm.timeout", _positive(float), 120.0, "seconds per request"),
    Key("llm.max_reply_bytes", _size, 256 << 10, "replies over this are rejected (not cached or recorded)"),
    Key("llm.retries", _positive(int), 3, "attempts per sample for transient endpoint errors"),
    Key("llm.breaker_failures", _positive(int), 3, "consecutive endpoint failures that open the circuit breaker"),
    Key("llm.breaker_cooldown", _positive(float), 60.0,
        "seconds the breaker stays open before one probe (doubles per failed probe)"),
    Key("llm.params", _choice("auto", "classic", "reasoning"), "auto",
        "classic: max_tokens + temperature; reasoning: max_completion_tokens, no temperature; "
        "auto: learn from the endpoint's 400"),
    Key("llm.concurrency", _positive(int), 2, "parallel requests"),
    Key("llm.tool_protocol", _choice("native", "text"), "native",
        "native: chat-completions tools; text: tool calls as JSON in plain replies (models without tools)"),
    Key("llm.profile", _choice("full", "compact"), "full", "compact: shorter prompts, small context, text tool protocol (small local models)"),
    Key("llm.replay_file", _str, "", "JSONL of recorded exchanges for the replay backend"),
    Key("llm.record_file", _str, "", "append every exchange here (for later replay)"),
    Key("llm.cost_per_1k_input", _positive(float), 0.0, "price per 1000 prompt tokens"),
    Key("llm.cost_per_1k_output", _positive(float), 0.0, "price per 1000 completion tokens"),
    # agents (ACCLAIM)
    Key("agents.budget", _positive(int), 6, "guiding agent budget b (level-agent calls)"),
    Key("agents.samples", _positive(int), 2, "samples per round n"),
    Key("agents.rounds", _positive(int), 2, "refinement rounds k"),
    Key("agents.max_steps", _positive(int), 24, "guiding agent step limit (incl. malformed calls)"),
)
KEYS_BY_NAME = {k.name: k for k in KEYS}


class Settings:
    """The resolved settings: ``values`` (key -> value), ``sources`` (key -> "default" |
    "<file>" | "env LLMCC_X") and the config file they came from (a path string inside)."""

    __slots__ = ("values", "sources", "config_path")

    def __init__(self, values: dict[str, Any], sources: dict[str, str], config_path: str | None):
        self.values = values
        self.sources = sources
        self.config_path = config_path

    @property
    def config_file(self) -> Path | None:
        if self.config_path is None:
            return None
        from pathlib import Path
        return Path(self.config_path)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def fingerprint(self) -> str:
        """Settings that change what llmcc emits, for the cache key (no secrets, no paths
        that only affect logging)."""
        skip = {"log_file", "report_dir", "cache_dir", "cache_max_size", "cache", "cache_base_dir",
                "llm.record_file", "llm.timeout", "llm.concurrency", "decisions",
                "llm.retries", "llm.breaker_failures", "llm.breaker_cooldown"}
        items = sorted((k, v) for k, v in self.values.items() if k not in skip and not KEYS_BY_NAME[k].secret)
        return repr(items)

    def cache_dir(self) -> Path:
        from pathlib import Path
        return Path(self.cache_root())

    def cache_root(self) -> str:
        """The cache directory as a string (what ``cache_dir`` returns as a Path)."""
        if self.values["cache_dir"]:
            return self.values["cache_dir"]
        xdg = os.environ.get("XDG_CACHE_HOME")
        if xdg:
            return os.path.join(xdg, "llmcc")
        home = os.environ.get("HOME")
        if home:
            return os.path.join(home, ".cache", "llmcc")
        if self.config_path is not None:  # under lit there is no HOME (DROPIN 17)
            return os.path.join(os.path.dirname(self.config_path), ".llmcc-cache")
        return os.path.join(os.environ.get("TMPDIR", "/tmp"), f"llmcc-cache-{os.getuid()}")

    def describe(self) -> list[tuple[str, str, str]]:
        """(key, shown value, source) rows for ``llmcc config``; secrets are masked."""
        rows = []
        for k in KEYS:
            v = self.values[k.name]
            shown = "****" if (k.secret and v) else repr(v) if isinstance(v, str) else str(v)
            rows.append((k.name, shown, self.sources[k.name]))
        return rows


def find_config_file(cwd: Path | str | None = None, env=None) -> Path | None:
    found = find_config_path(cwd, env)
    if found is None:
        return None
    from pathlib import Path
    return Path(found)


def find_config_path(cwd: Path | str | None = None, env=None) -> str | None:
    """``$LLMCC_CONFIG``, else the first ``.llmcc.toml`` upward from ``cwd`` (resolved)."""
    env = os.environ if env is None else env
    explicit = env.get("LLMCC_CONFIG")
    if explicit:
        return explicit
    d = os.path.realpath(os.fspath(cwd) if cwd else os.getcwd())
    while True:
        cand = os.path.join(d, ".llmcc.toml")
        if os.path.isfile(cand):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in table.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, name + "."))
        else:
            out[name] = v
    return out


def _read_table(path: str, env) -> dict[str, Any]:
    """The config file's table, flattened to dotted keys. Raises ``ConfigError``.

    Every compile of a configured project reads the file, and tomllib's imports cost
    more than the rest of a pass-through, so the parsed table is remembered in a small
    JSON file keyed by the file's identity (path, device, inode, size, mtime, ctime):
    any edit changes the key. As ccache does with its inode cache, a file changed in the
    last two seconds is not remembered (it might change again within one timestamp tick).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ConfigError(f"LLMCC_CONFIG: {path}: no such file") from None
    except OSError as e:
        raise ConfigError(f"{path}: {e}") from None
    if st.st_size == 0 and os.path.isfile(path):
        return {}
    memo = _memo_file(path, st, env)
    if memo is not None:
        import json
        try:
            with open(memo, "rb") as f:
                table = json.loads(f.read())
            if isinstance(table, dict):
                return table
        except (OSError, ValueError):
            pass
    import tomllib
    try:
        with open(path, "rb") as f:
            table = _flatten(tomllib.load(f))
    except FileNotFoundError:
        raise ConfigError(f"LLMCC_CONFIG: {path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from None
    import time
    plain = all(type(v) in (str, int, float, bool) for v in table.values())
    if memo is not None and plain and time.time() - max(st.st_mtime, st.st_ctime) > 2.0:
        import json
        from .cache import atomic_write_bytes
        try:
            os.makedirs(os.path.dirname(memo), exist_ok=True)
            atomic_write_bytes(memo, json.dumps(table).encode())
        except OSError:
            pass   # only a lost shortcut
    return table


def _memo_file(path: str, st: os.stat_result, env) -> str | None:
    """Where the parsed table of ``path`` (in the state ``st``) is remembered: under the
    cache directory the environment names (the config file's own ``cache_dir`` is not
    known before it is parsed), or nowhere."""
    root = env.get("LLMCC_CACHE_DIR")
    if not root:
        base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
        if not base:
            return None
        root = os.path.join(base, "llmcc")
    from .cache import hash_bytes
    ident = f"{os.path.realpath(path)}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0" \
            f"{st.st_mtime_ns}\0{st.st_ctime_ns}"
    return os.path.join(root, "config", hash_bytes(ident.encode()) + ".json")


def load_settings(cwd: Path | str | None = None, env=None) -> Settings:
    """Defaults < config file < environment. Raises ``ConfigError`` naming the bad key."""
    env = os.environ if env is None else env
    values = {k.name: k.default for k in KEYS}
    sources = {k.name: "default" for k in KEYS}
    path = find_config_path(cwd, env)
    if path is not None and path != os.devnull:   # LLMCC_CONFIG=/dev/null: no file
        table = _read_table(path, env)
        for name, raw in table.items():
            key = KEYS_BY_NAME.get(name)
            if key is None:
                raise ConfigError(f"{path}: unknown key '{name}'")
            values[name] = _parse(key, raw, str(path))
            sources[name] = str(path)
    for key in KEYS:
        if key.env in env:
            values[key.name] = _parse(key, env[key.env], f"env {key.env}")
            sources[key.name] = f"env {key.env}"
    return Settings(values=values, sources=sources, config_path=path)


def _parse(key: Key, raw: Any, where: str) -> Any:
    try:
        return key.parse(raw)
    except (ValueError, TypeError) as e:
        raise ConfigError(f"{where}: bad value for '{key.name}': {e}") from None
