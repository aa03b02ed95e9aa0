"""python manage.py check_prompt < prompts.jsonl

One JSON object per input line: {"prompt": "...", "teen": false, "has_cameo": false}
(`teen` and `has_cameo` optional). One JSON line out per line in:
{"allowed": bool, "categories": [...], "scores": {...}}, or {"error": "..."}
for a line that is not such an object; the command carries on after it.
Same code path as the API: moderation.services.prompt_verdict.

`--conversation` checks comments and direct messages instead, with the
conversation policy (moderation.services.conversation_verdict): the same
lines, where `teen` means a teen is in the thread and `has_cameo` is ignored.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from moderation.services import conversation_verdict, prompt_verdict


def _parse(line: str) -> dict:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}")
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    prompt = data.get("prompt")
    if not isinstance(prompt, str):
        raise ValueError('"prompt" must be a string')
    for flag in ("teen", "has_cameo"):
        if not isinstance(data.get(flag, False), bool):
            raise ValueError(f'"{flag}" must be true or false')
    return {"text": prompt, "teen": data.get("teen", False), "has_cameo": data.get("has_cameo", False)}


class Command(BaseCommand):
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in tests
    help = "Check prompts against the prompt policy: JSON lines on stdin, one JSON verdict line per input."

    def add_arguments(self, parser):
        parser.add_argument(
            "--conversation", action="store_true", help="comments and direct messages: the conversation policy"
        )

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        for line in stdin:
            if not line.strip():
                continue
            try:
                kwargs = _parse(line)
            except ValueError as exc:
                out = {"error": str(exc)}
            else:
                if options.get("conversation"):
                    verdict = conversation_verdict(text=kwargs["text"], teen_thread=kwargs["teen"])
                else:
                    verdict = prompt_verdict(**kwargs)
                out = {"allowed": verdict.allowed, "categories": verdict.categories, "scores": verdict.scores}
            self.stdout.write(json.dumps(out))
            self.stdout.flush()
