"""The content policies as the rest of the project sees them.

Prompts: `prompt_verdict` answers; `prompt_check` refuses. A generation
request calls `prompt_check`; `manage.py check_prompt` calls `prompt_verdict`.
Both run policy/classifier.py: normalisation, the MiniLM head, the rules and
the thresholds for this account (teen) and this prompt (cameo).

Comments and direct messages: `conversation_verdict` / `conversation_check`
run policy/conversation.py, which judges what people say to each other, not
what a video would show.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import PromptBlocked, PromptUnchecked
from .policy import blocked_categories, conversation, score
from .policy.coverage import MIN_COVERED_SHARE, script_of

log = logging.getLogger(__name__)

# Prompts are short; capping what the rules read keeps a pasted book from
# costing more than a prompt (the encoder itself stops at 128 tokens).
MAX_CHARS = 2000


@dataclass(frozen=True)
class PromptVerdict:
    allowed: bool
    categories: list[str] = field(default_factory=list)  # the categories it was blocked under
    scores: dict[str, float] = field(default_factory=dict)  # every category, 0..1


def prompt_verdict(
    *, text: str, teen: bool = False, has_cameo: bool = False, cameo_names: Sequence[str] = ()
) -> PromptVerdict:
    """Is this prompt allowed for this account?

    `teen`: the author is a teen account (stricter thresholds).
    `has_cameo`: the prompt puts a cameo (a real person's likeness) in the
    video, which makes sexual, humiliating and violent content stricter.
    `cameo_names`: display names of the cameos in the prompt; a public figure
    appearing through their own cameo is not `public_figure`.
    """
    text = (text or "")[:MAX_CHARS]
    if not text.strip():
        return PromptVerdict(allowed=True, categories=[], scores={})
    scored = score(text)
    categories = blocked_categories(scored, teen=teen, has_cameo=has_cameo, cameo_names=tuple(cameo_names))
    return PromptVerdict(
        allowed=not categories,
        categories=categories,
        scores={c: round(s, 4) for c, s in scored.scores.items()},
    )


def prompt_check(
    *, text: str, teen: bool = False, has_cameo: bool = False, cameo_names: Sequence[str] = ()
) -> PromptVerdict:
    """`prompt_verdict`, raising PromptBlocked (422 `prompt_blocked`, `categories`) when not allowed."""
    verdict = prompt_verdict(text=text, teen=teen, has_cameo=has_cameo, cameo_names=cameo_names)
    if not verdict.allowed:
        raise PromptBlocked(categories=verdict.categories)
    return verdict


def prompt_coverage_check(*, text: str, teen: bool, has_cameo: bool) -> None:
    """Refuse (422 `prompt_unchecked`) a generation prompt the policy cannot read, for a teen
    account or a video with a cameo. Every such prompt is logged (`policy.uncovered_script`,
    with the script), allowed or not: the count of what the policy does not cover."""
    script, share = script_of(text)
    if share >= MIN_COVERED_SHARE:
        return
    refused = teen or has_cameo
    log.info(
        "policy.uncovered_script",
        extra={
            "script": script,
            "covered_share": round(share, 2),
            "teen": teen,
            "cameo": has_cameo,
            "refused": refused,
        },
    )
    if refused:
        raise PromptUnchecked(
            "We cannot check prompts in this writing system yet for teen accounts or videos with a cameo. "
            "Please write it in English, Spanish, French, German, Portuguese, Italian, Chinese, "
            "Japanese, Hindi, Arabic, Russian, Turkish or Indonesian.",
            script=script.lower(),
        )


# --- comments and direct messages ---------------------------------------------------

RULE_WORDS = {
    "threat": "a threat",
    "harassment": "harassment",
    "hate": "hate",
    "grooming": "an approach to a minor",
    "self_harm": "encouraging self-harm",
    "doxxing": "sharing private information",
    "spam": "spam",
}


def conversation_verdict(*, text: str, teen_thread: bool = False) -> PromptVerdict:
    """May this comment or message be posted? `teen_thread`: a teen writes it, is written to,
    or made the video it is written under (stricter lines)."""
    text = (text or "")[:MAX_CHARS]
    if not text.strip():
        return PromptVerdict(allowed=True, categories=[], scores={})
    said = conversation.score(text)
    categories = conversation.blocked(said, teen=teen_thread)
    return PromptVerdict(
        allowed=not categories, categories=categories, scores={c: round(s, 4) for c, s in said.scores.items()}
    )


def conversation_check(*, text: str, teen_thread: bool = False) -> PromptVerdict:
    """`conversation_verdict`, raising PromptBlocked (422 `prompt_blocked`, `categories` naming
    the rule) when it may not be posted."""
    verdict = conversation_verdict(text=text, teen_thread=teen_thread)
    if not verdict.allowed:
        rules = " and ".join(RULE_WORDS[c] for c in verdict.categories)
        raise PromptBlocked(
            categories=verdict.categories, detail=f"Not posted: this reads as {rules}, against our community rules."
        )
    return verdict
