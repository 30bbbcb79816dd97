"""The LLM pipeline policy (AutoPass's reasoning agent).

It shows the model the evidence (hot functions' features and remark summaries, the
target, the -O3 pipeline, earlier candidates with their measurements) and asks for one
JSON object ``{"edits": [...], "rationale": "..."}`` per sample. The reply is untrusted:
this module only extracts and shape-checks the JSON; the tuning loop then repairs names,
validates the edits against the allowed space and opt, and measures. A reply that is not
such an object becomes a failed attempt with the reason, never an exception.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from . import passes as pass_table
from .model import KNOBS
from .policy import Proposal, TuningState

logger = logging.getLogger(__name__)

PROMPT_TEMPLATE = "pipeline_edit"
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class ReplyFormatError(ValueError):
    """The model's reply is not a ``{"edits": [...], "rationale": ...}`` object."""


def parse_reply(content: str) -> tuple[list[dict[str, Any]], str]:
    """The edits and rationale of one reply. Accepts bare JSON, a fenced block, or JSON
    surrounded by prose; raises ReplyFormatError otherwise."""
    for text in _json_candidates(content or ""):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            continue
        if not isinstance(value, dict):
            continue
        edits = value.get("edits")
        if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
            raise ReplyFormatError("'edits' must be a list of objects")
        if not edits:
            raise ReplyFormatError("'edits' is empty")
        return edits, str(value.get("rationale", ""))
    raise ReplyFormatError("no JSON object in the reply")


def _json_candidates(content: str) -> list[str]:
    out = [content.strip()]
    out += [m.group(1).strip() for m in _FENCE.finditer(content)]
    start, end = content.find("{"), content.rfind("}")
    if 0 <= start < end:
        out.append(content[start:end + 1])
    return out


def _history_for_prompt(history: list[dict[str, Any]], limit: int = 12) -> list[dict[str, Any]]:
    rows = []
    for h in history[-limit:]:
        evaluation = h.get("evaluation") or {}
        rows.append({"edits": h.get("edits", []), "decision": h.get("decision", "?"),
                     "speedup": evaluation.get("speedup"), "reason": str(h.get("reason", ""))[:300]})
    return rows


class LLMPipelinePolicy:
    """Asks the model for ``k`` candidates per round (``n=k`` samples of one prompt)."""

    name = "llm"

    def __init__(self, client: Any) -> None:
        self.client = client

    def render_messages(self, state: TuningState) -> tuple[list[dict[str, str]], str]:
        """System + user messages for this round, and the template version."""
        from ..llm.prompts import render
        system, _ = render("system")
        hot = state.hot_functions
        user, version = render(
            PROMPT_TEMPLATE, target=state.target, signals=state.signals.to_json(),
            hot_functions=[{"name": getattr(h, "name", ""), "score": getattr(h, "score", 0),
                            "evidence": getattr(h, "evidence", {})} for h in hot],
            best_edits=state.best_edits, history=_history_for_prompt(state.history),
            allowed_cpus=list(state.space.allowed_cpus),
            knobs=[{"name": k.name, "kind": k.kind.__name__, "low": k.low, "high": k.high, "doc": k.doc}
                   for k in KNOBS.values() if state.space.allow_fp_reassoc or not k.changes_fp],
            insertable=sorted(pass_table.insertable_pass_names()), pipeline=state.pipeline_text)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}], version

    def propose(self, state: TuningState, k: int) -> list[Proposal]:
        """One proposal per reply; malformed replies and client errors come back as
        proposals with ``error`` set, so the loop records them as failed attempts."""
        if self.client is None:
            return [Proposal(edits=[], rationale="", error="no LLM client configured")]
        from ..llm.client import LLMError
        from ..llm.prompts import PromptError
        try:
            messages, version = self.render_messages(state)
            replies = self.client.chat(messages, n=max(1, k), purpose="pipeline",
                                       template_version=version)
        except (LLMError, PromptError) as e:
            return [Proposal(edits=[], rationale="", error=f"llm: {type(e).__name__}: {e}")]
        return [self._proposal(getattr(r, "content", "") or "", len(state.history) + i, state.best_edits)
                for i, r in enumerate(replies)]

    @staticmethod
    def _proposal(content: str, index: int, best_edits: list[dict[str, Any]]) -> Proposal:
        try:
            edits, rationale = parse_reply(content)
        except ReplyFormatError as e:
            return Proposal(edits=[], rationale="", error=f"malformed reply: {e}", raw=content,
                            name=f"llm-{index}")
        # The model's edits apply on top of the best pipeline so far (as the prompt says),
        # like the built-in policies' moves.
        return Proposal(edits=[*best_edits, *edits], rationale=rationale, evidence=["llm"], raw=content,
                        name=f"llm-{index}")
