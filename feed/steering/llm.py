"""The LLM steering parser: a local causal language model, output constrained
to the steering JSON schema.

The model never writes free JSON. We write the JSON skeleton ourselves and ask
the model only at the decision points, scoring each allowed continuation by
its log-probability under the model: which topic next (or close the list),
which `sources`, which `objective`; `notes` is sampled greedily with the
quote, backslash and newline tokens masked out. So every output parses and
validates whatever the model is, from a test's random 2-layer toy to a real
instruction-tuned model; the quality of the choices is the model's.

Loaded from a local directory only (`SORA_FEED_STEERING_MODEL_PATH`); nothing
is downloaded. Cost: one forward pass per option per decision (batched), so
about 30 small batches per instruction: fine for a 0.5B model on a GPU worker,
slow on CPU (see docs/feed.md).
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache

from ..topics import TOPICS
from .schema import MAX_TOPICS, OBJECTIVES, SOURCES, validate

PROMPT = (
    "Turn the viewer's instruction about their video feed into JSON.\n"
    "Topics: " + ", ".join(TOPICS) + ".\n"
    'Fields: boost (topics to show more), avoid (topics to hide), sources ("everything", "following_heavy", '
    '"following_only"), objective ("default", "remixable", "fresh", "calm"), notes (a short summary).\n'
    "Instruction: {instruction}\nJSON: "
)
NOTES_MAX_TOKENS = 24

_lock = threading.Lock()


@lru_cache(maxsize=2)
def _load(path: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
    model.eval()
    return tokenizer, model


class LlmParser:
    def __init__(self, path: str):
        if not path:
            raise ValueError("SORA_FEED_STEERING_MODEL_PATH is not set")
        self.tokenizer, self.model = _load(path)

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def _forward(self, input_ids, keep: int):
        try:
            return self.model(input_ids=input_ids, logits_to_keep=keep).logits
        except TypeError:  # a model class without logits_to_keep
            return self.model(input_ids=input_ids).logits

    def choose(self, prefix: str, options: list[str]) -> str:
        """The option with the highest total log-probability after `prefix`."""
        import torch

        prefix_ids = self._ids(prefix)
        option_ids = [self._ids(o) or [self.tokenizer.unk_token_id or 0] for o in options]
        longest = max(len(o) for o in option_ids)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        batch = torch.tensor([prefix_ids + o + [pad] * (longest - len(o)) for o in option_ids])  # (B, P+L)
        keep = longest + 1  # only the positions that predict option tokens need the vocabulary projection
        with torch.inference_mode():
            logits = self._forward(batch, keep)[:, -keep:]  # (B, L+1, V)
            logprobs = torch.log_softmax(logits.float(), dim=-1)
        scores = []
        for row, ids in enumerate(option_ids):
            # token j of the option is predicted at position P + j - 1, i.e. at j of the kept tail
            positions = torch.arange(0, len(ids))
            scores.append(logprobs[row, positions, torch.tensor(ids)].sum().item())
        return options[max(range(len(options)), key=scores.__getitem__)]

    def _banned(self):
        """(V,) bool: tokens that may not appear inside the notes string."""
        import torch

        if getattr(self, "_banned_mask", None) is None:
            special = set(self.tokenizer.all_special_ids)
            vocab = self.tokenizer.convert_ids_to_tokens(list(range(len(self.tokenizer))))
            mask = torch.zeros(len(vocab), dtype=torch.bool)
            for i, tok in enumerate(vocab):
                mask[i] = tok is None or i in special or any(c in tok for c in '"\\\n')
            self._banned_mask = mask
        return self._banned_mask

    def _notes(self, prefix: str) -> str:
        import torch

        banned = self._banned()
        closing = self._ids('"')
        ids = self._ids(prefix)
        out: list[int] = []
        for _ in range(NOTES_MAX_TOKENS):
            with torch.inference_mode():
                logits = self._forward(torch.tensor([ids + out]), 1)[0, -1].float()  # (V,)
                stop_score = logits[closing[0]].item() if closing else float("-inf")
                logits = logits.masked_fill(banned, float("-inf"))
                best = int(logits.argmax())
                best_score = logits[best].item()
            if stop_score > best_score:
                break
            out.append(best)
        text = self.tokenizer.decode(out, skip_special_tokens=True)
        return "".join(c for c in text if c not in '"\\\n').strip()[:200]

    def parse(self, instruction: str) -> dict:
        with _lock:  # one generation at a time per process: the model is not re-entrant-cheap
            text = PROMPT.format(instruction=instruction.replace("\n", " "))
            result: dict = {}
            for key in ("boost", "avoid"):
                text += f'{{"{key}": [' if key == "boost" else f'], "{key}": ['
                chosen: list[str] = []
                taken = set(result.get("boost", []))
                while len(chosen) < MAX_TOPICS:
                    options = [
                        ("" if not chosen else ", ") + f'"{t}"' for t in TOPICS if t not in chosen and t not in taken
                    ]
                    pick = self.choose(text, options + ["]"])
                    if pick == "]":
                        break
                    chosen.append(pick.strip(', "'))
                    text += pick
                result[key] = chosen
            text += '], "sources": "'
            result["sources"] = self.choose(text, list(SOURCES))
            text += result["sources"] + '", "objective": "'
            result["objective"] = self.choose(text, list(OBJECTIVES))
            text += result["objective"] + '", "notes": "'
            result["notes"] = self._notes(text)
            # Round-trip: what we return is exactly what a JSON consumer would read.
            return validate(json.loads(json.dumps(result)))
