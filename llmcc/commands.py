"""llmcc's own commands (``llmcc stats``, ``cache``, ``config``, ``score``, ``report``, ``bench``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .cache import Cache
from .config import ConfigError, Settings, load_settings


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as e:
        raise click.ClickException(f"config error: {e}") from None


def _cache(settings: Settings) -> Cache:
    return Cache(settings.cache_dir(), settings["cache_max_size"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmcc")
def cli() -> None:
    """llmcc: a drop-in clang-22 that optimizes hot C functions and never breaks a build.

    Compile with `llmcc [clang args]` or `llmcc clang-22 [clang args]`; these commands
    inspect and manage llmcc itself."""


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--zero", is_flag=True, help="reset the counters")
def stats(as_json: bool, zero: bool) -> None:
    """Counts of compiles, cache hits, optimizations and fallbacks by reason."""
    cache = _cache(_settings_or_exit())
    if zero:
        cache.reset_stats()
        click.echo("statistics zeroed")
        return
    counters = {k: v for k, v in cache.read_stats().items() if k != "bytes_stored_since_evict"}
    if as_json:
        click.echo(json.dumps(counters, indent=2, sort_keys=True))
        return
    click.echo(f"cache directory  {cache.root}")
    if not counters:
        click.echo("no compilations recorded yet")
    groups = [("outcomes", lambda k: ":" not in k), ("fallbacks by reason", lambda k: k.startswith("fallback:"))]
    for title, pred in groups:
        rows = sorted((k, v) for k, v in counters.items() if pred(k))
        if rows:
            click.echo(f"{title}:")
            for k, v in rows:
                click.echo(f"  {k.removeprefix('fallback:'):<28} {v:>8}")


@cli.group()
def cache() -> None:
    """Inspect or empty the result cache."""


@cache.command("stats")
def cache_stats() -> None:
    """Entries and size of the cache."""
    c = _cache(_settings_or_exit())
    s = c.summary()
    counters = c.read_stats()
    click.echo(f"cache directory  {c.root}")
    click.echo(f"entries          {s['entries']}")
    click.echo(f"size             {s['size'] / 1e6:.1f} MB of {s['max_size'] / 1e6:.0f} MB")
    for k in ("cache_hit", "cache_miss", "cache_corrupt", "evicted"):
        click.echo(f"{k:<16} {counters.get(k, 0)}")


@cache.command("clear")
def cache_clear() -> None:
    """Remove every cached result (statistics are kept)."""
    n = _cache(_settings_or_exit()).clear()
    click.echo(f"removed {n} entries")


@cli.command()
def config() -> None:
    """The effective settings and where each one came from (secrets are never shown)."""
    s = _settings_or_exit()
    click.echo(f"# llmcc {__version__}; config file: {s.config_file or '(none found)'}")
    click.echo(f"# cache directory: {s.cache_dir()}")
    for key, value, source in s.describe():
        click.echo(f"{key:<28} = {value:<24} # {source}")


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def score(args: tuple[str, ...]) -> None:
    """Rank the functions of FILE.c by hotness, with evidence: llmcc score FILE.c [clang flags] [--json] [--top K]"""
    from .hotspots.command import score_command
    sys.exit(score_command(list(args)))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print the newest reports as JSON")
@click.option("--html", type=click.Path(dir_okay=False), help="write an HTML summary here")
@click.option("-n", "limit", default=20, show_default=True, help="how many reports")
def report(as_json: bool, html: str | None, limit: int) -> None:
    """What llmcc did to each optimized or scored TU: decision, hot functions, speedup."""
    from .report import load_reports, render_html, render_text
    s = _settings_or_exit()
    d = Path(s["report_dir"]) if s["report_dir"] else s.cache_dir() / "reports"
    reports = load_reports(d)[-limit:]
    if as_json:
        click.echo(json.dumps(reports, indent=2, default=str))
    elif html:
        Path(html).write_text(render_html(reports))
        click.echo(f"wrote {html}")
    else:
        click.echo(render_text(reports, d))


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("name", type=click.Choice(["overhead", "pipeline", "checker", "sandbox", "agents", "llm"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(name: str, args: tuple[str, ...]) -> None:
    """Run a benchmark from bench/ (prints ratios measured side by side in one run)."""
    import runpy
    script = {"overhead": "bench_overhead.py", "pipeline": "bench_pipeline.py",
              "checker": "bench_checker.py", "sandbox": "bench_sandbox_noise.py",
              "agents": "bench_agents.py", "llm": "bench_llm_overhead.py"}[name]
    path = Path(__file__).resolve().parents[1] / "bench" / script
    if not path.is_file():
        raise click.ClickException(f"{path} not found (benchmarks run from a source checkout)")
    sys.argv = [str(path), *args]
    runpy.run_path(str(path), run_name="__main__")
