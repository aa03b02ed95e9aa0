"""Refusals the moderation app raises; rendered by sora_social.errors.exception_handler."""

from __future__ import annotations

from sora_social.errors import PolicyRefused


class PromptBlocked(PolicyRefused):
    """422 `prompt_blocked`, with the policy categories it fell under in the body."""

    code = "prompt_blocked"
    default_detail = "This prompt is not allowed by the content policy."

    def __init__(self, *, categories: list[str], detail: str | None = None):
        self.categories = list(categories)
        super().__init__(detail, categories=self.categories)


class PromptUnchecked(PolicyRefused):
    """422 `prompt_unchecked`, with the `script` the policy cannot read yet."""

    code = "prompt_unchecked"
    default_detail = "This prompt cannot be checked yet."


class ProtectedCharacterRefused(PolicyRefused):
    """422 `protected_character`, with the `character` and its `owner`."""

    code = "protected_character"
    default_detail = "This names a character or brand someone owns."
