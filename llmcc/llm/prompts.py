"""Prompt templates: one Jinja2 file per purpose under ``llmcc/prompts/``.

Conventions (every template, whoever owns it):

* ``llmcc/prompts/<purpose>.j2``; the first line declares its version:
  ``{# version: N #}``. Bump N when the meaning of the prompt changes.
* Rendering uses ``StrictUndefined``: a missing variable is an error, never an empty
  string. Optional variables are tested with ``{% if x is defined %}``.
* ``system.j2`` is the shared system prompt (llmcc's role and output rules); purpose
  templates write the user message and may ``{% include "system.j2" %}`` if they need it.
* Owners: ``system.j2`` (llm engineer), level/guide/testgen templates (agents engineer),
  ``pipeline_*.j2`` (pipeline engineer).

``render`` returns the text and a version string ``<name>@<N>-<hash8>`` (declared version
plus a hash of the template source). Pass it as ``template_version`` to
``LLMClient.chat``: it enters the response-cache key, so editing a template invalidates
the replies cached for it.
"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

_VERSION_LINE = re.compile(r"\A\{#\s*version:\s*(\d+)\s*#\}[ \t]*\n?")


class PromptError(Exception):
    """A template is missing, lacks its version line, or uses an undefined variable."""


@functools.lru_cache(maxsize=8)
def _environment(directory: Path) -> Any:
    import jinja2  # lazily: the driver's fast path never renders prompts
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(directory)),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              autoescape=False)


def template_version(name: str, directory: Path = PROMPTS_DIR) -> str:
    """``<name>@<declared version>-<hash8 of the source>`` for ``<directory>/<name>.j2``."""
    path = directory / f"{name}.j2"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as e:
        raise PromptError(f"prompt template {name!r}: {e}") from None
    match = _VERSION_LINE.match(source)
    if match is None:
        raise PromptError(f"prompt template {path} must start with '{{# version: N #}}'")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]
    return f"{name}@{match.group(1)}-{digest}"


def render(name: str, *, prompts_dir: Path = PROMPTS_DIR, **variables: Any) -> tuple[str, str]:
    """Render ``<name>.j2`` with ``variables``; returns (text, version). Raises PromptError."""
    import jinja2
    version = template_version(name, prompts_dir)
    try:
        template = _environment(prompts_dir).get_template(f"{name}.j2")
        text = template.render(**variables)
    except jinja2.UndefinedError as e:
        raise PromptError(f"prompt template {name!r}: {e.message}") from None
    except jinja2.TemplateError as e:
        raise PromptError(f"prompt template {name!r}: {e}") from None
    return text.lstrip("\n"), version


def profile_of(settings: Any) -> str:
    """``llm.profile`` of ``settings``: "full", or "compact" for small local models
    (shorter system prompt, small context budget, text tool protocol)."""
    try:
        value = settings.get("llm.profile", "full")
    except Exception:  # settings without the key (older config): the full profile
        return "full"
    return "compact" if value == "compact" else "full"


def uses_text_tools(settings: Any) -> bool:
    """Tool calls go as text when asked for (``llm.tool_protocol``) or by the compact
    profile: small local models are poor at native tool calling."""
    try:
        protocol = settings.get("llm.tool_protocol", "native")
    except Exception:
        protocol = "native"
    return protocol == "text" or profile_of(settings) == "compact"


def available() -> list[str]:
    """Names of the templates shipped in ``llmcc/prompts``."""
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.j2"))
