"""Steering parsers: plain words -> {boost, avoid, sources, objective, notes}.

`parse(instruction)` uses the configured backend (`SORA_FEED_STEERING_PARSER`:
"embedded", the default, or "llm"). A failing LLM backend falls back to the
embedded parser (fail-open: the viewer still gets a sensible reading) and
says so in `notes`.
"""

from __future__ import annotations

import logging

from ..conf import feed_settings
from . import embedded
from .schema import JSON_SCHEMA, empty, validate

log = logging.getLogger(__name__)

__all__ = ["JSON_SCHEMA", "empty", "parse", "validate"]


def parse(instruction: str) -> tuple[dict, str]:
    """(parsed, backend name that produced it)."""
    cfg = feed_settings()
    if cfg.steering_parser == "llm":
        try:
            from .llm import LlmParser

            return LlmParser(cfg.steering_model_path).parse(instruction), "llm"
        except Exception:
            log.exception("LLM steering parser failed; using the embedded parser")
    return validate(embedded.parse(instruction)), "embedded"
