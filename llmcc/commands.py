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
@click.option("--decisions", "decisions_file", default=None, type=click.Path(dir_okay=False, exists=True),
              help="a tune session's decisions file for the HTML summary (default: ./llmcc-decisions.json "
                   "if present)")
def report(as_json: bool, html: str | None, limit: int, decisions_file: str | None) -> None:
    """What llmcc did to each optimized or scored TU: decision, hot functions, speedup.
    With --html, also the tune session (plot of the whole-program cost per accepted step,
    diffs of every accepted change)."""
    from .report import load_reports, render_html, render_text
    s = _settings_or_exit()
    d = Path(s["report_dir"]) if s["report_dir"] else s.cache_dir() / "reports"
    reports = load_reports(d)[-limit:]
    if as_json:
        click.echo(json.dumps(reports, indent=2, default=str))
    elif html:
        page = render_html(reports)
        tune_file = Path(decisions_file) if decisions_file else Path("llmcc-decisions.json")
        if tune_file.is_file():
            from .tune.report import render_session_html
            try:
                page += render_session_html(tune_file)
            except (OSError, ValueError, KeyError, TypeError) as e:
                page += f"<p>tune session in {tune_file} not shown: {type(e).__name__}</p>"
        Path(html).write_text(page)
        click.echo(f"wrote {html}")
    else:
        click.echo(render_text(reports, d))


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("name", type=click.Choice(["overhead", "pipeline", "checker", "sandbox", "agents", "llm",
                                          "rewrites"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(name: str, args: tuple[str, ...]) -> None:
    """Run a benchmark from bench/ (prints ratios measured side by side in one run)."""
    import runpy
    script = {"overhead": "bench_overhead.py", "pipeline": "bench_pipeline.py",
              "checker": "bench_checker.py", "sandbox": "bench_sandbox_noise.py",
              "agents": "bench_agents.py", "llm": "bench_llm_overhead.py",
              "rewrites": "bench_rewrites.py"}[name]
    path = Path(__file__).resolve().parents[1] / "bench" / script
    if not path.is_file():
        raise click.ClickException(f"{path} not found (benchmarks run from a source checkout)")
    sys.argv = [str(path), *args]
    runpy.run_path(str(path), run_name="__main__")


@cli.command()
@click.option("--build", "build_cmd", help="shell command that builds the project with llmcc as its compiler")
@click.option("--run", "run_cmd", help="shell command of the workload (its output must not change)")
@click.option("--check", "check_cmd", default=None, help="shell command that must pass (the project's tests)")
@click.option("--minutes", default=10.0, show_default=True, type=float, help="time budget of the session")
@click.option("--decisions", default="llmcc-decisions.json", show_default=True, type=click.Path(dir_okay=False),
              help="where to write the decisions file")
@click.option("--measure", type=click.Choice(["time", "instructions"]), default="time", show_default=True,
              help="time: interleaved CPU-time pairs; instructions: callgrind counts (deterministic)")
@click.option("--margin", default=None, type=float,
              help="minimum speedup to accept [default: 0.02 with time, 0.005 with instructions]")
@click.option("--pairs", default=5, show_default=True, type=int, help="timed pairs per comparison (time mode)")
@click.option("--clean", "clean_cmd", default=None, help="shell command that cleans the tree first (make clean)")
@click.option("--workdir", default=None, type=click.Path(file_okay=False), help="keep the session's trees here")
@click.option("--report", "report_file", default=None, type=click.Path(dir_okay=False, exists=True),
              help="show what a decisions file's session tried and accepted, and exit")
def tune(build_cmd, run_cmd, check_cmd, minutes, decisions, measure, margin, pairs, clean_cmd, workdir,
         report_file) -> None:
    """Tune a program on its own workload and write a decisions file every later build replays:
    llmcc tune --build 'make CC=llmcc' --run './prog input' --check 'make test'"""
    if report_file:
        from .tune.report import render_session
        click.echo(render_session(Path(report_file)))
        return
    if not build_cmd or not run_cmd:
        raise click.UsageError("--build and --run are required")
    from .tune.session import TuneError, TuneOptions, default_margin, run_session
    opts = TuneOptions(build=build_cmd, run=run_cmd, check=check_cmd, minutes=minutes, decisions=Path(decisions),
                       measure=measure, margin=default_margin(measure) if margin is None else margin,
                       pairs=pairs, clean=clean_cmd, project=Path.cwd(),
                       workdir=Path(workdir) if workdir else None)
    try:
        run_session(opts)
    except TuneError as e:
        raise click.ClickException(str(e)) from None


@cli.command(epilog="Exit status: 0 proved (every pair), 1 refuted, 3 inconclusive, 4 invalid input "
                    "(does not parse, missing function, signature mismatch), 2 usage error.")
@click.argument("src", type=click.Path(dir_okay=False))
@click.argument("tgt", type=click.Path(dir_okay=False), required=False)
@click.option("--src-fn", help="source function (default: @src, or same-named functions of two files)")
@click.option("--tgt-fn", help="target function (default: @tgt); an unnamed function is 0, 1, ...")
@click.option("--unroll", default=8, show_default=True, type=click.IntRange(0, 1000),
              help="loop unroll bound (a loop past it is inconclusive)")
@click.option("--timeout-ms", default=10000, show_default=True, type=click.IntRange(1, None),
              help="solver timeout per query")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def verify(src: str, tgt: str | None, src_fn: str | None, tgt_fn: str | None, unroll: int,
           timeout_ms: int, as_json: bool) -> None:
    """Check that TGT refines SRC (LLVM IR), like alive-tv: verdict, counterexample, and
    which checker answered (alive-tv when found, else the built-in z3 checker)."""
    from .verify.verify_cmd import run

    sys.exit(run(src, tgt, src_fn=src_fn, tgt_fn=tgt_fn, unroll=unroll, timeout_ms=timeout_ms,
                 as_json=as_json, echo=click.echo))
