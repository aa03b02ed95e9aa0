"""The prompt policy (issue 7): normalisation, rules, the MiniLM head, thresholds.

Django-free; `moderation.services.prompt_verdict` is the one entry point
other apps call.
"""

from .classifier import Scored, blocked_categories, score, thresholds_for
from .dataset import CATEGORIES

__all__ = ["CATEGORIES", "Scored", "blocked_categories", "score", "thresholds_for"]
