"""Characters and brands people own: found in a prompt by name, refused unless the owner allows it.

The registry is `ProtectedCharacter` rows (admin-editable, seeded from
data/protected_characters.json). A prompt is read in the same forms as the
prompt policy's rules (`policy.normalize.match_forms`: case and accents
folded, leetspeak undone, spelled-out letters joined; repeated letters are
kept, since squeezed brand names collide with words), so "p1kachu" and
"mickey m0use" name them too; aliases in other scripts ("ミッキーマウス",
"皮卡丘") are found inside running text. A name after "my dog" or "a
plushie called" names a pet or a toy, as with public figures.

Every prompt that names one is logged for the owner (`ProtectedUse`), allowed
or not. Policies: blocked; verified (the accounts the owner verified may);
parody (the owner opted in to parody: a prompt that says it is one may).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max

from sora_social.errors import NotFound

from .errors import ProtectedCharacterRefused
from .models import ProtectedCharacter, ProtectedPolicy, ProtectedUse
from .policy.normalize import match_forms
from .policy.rules import names_rx, pet_named, spellings

SEED_PATH = Path(__file__).with_name("data") / "protected_characters.json"
# A prompt that says it is a parody, in the registry's languages.
_PARODY = re.compile(r"(?<!\w)(?:parod(?:y|ies|ia|ie)|spoof|satir[ea])(?!\w)|パロディ|恶搞|패러디|пароди[яи]")


@dataclass(frozen=True)
class Hit:
    character_id: int
    name: str
    owner: str
    policy: str


_lock = threading.Lock()
_compiled: tuple[tuple, re.Pattern, dict[str, int], dict[int, tuple[str, str, str]]] | None = None


def _registry() -> tuple[re.Pattern, dict[str, int], dict[int, tuple[str, str, str]]]:
    """The compiled registry, rebuilt when a row changed (one small aggregate query per check)."""
    global _compiled
    version = tuple(ProtectedCharacter.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())
    if _compiled is None or _compiled[0] != version:
        with _lock:
            rows = list(ProtectedCharacter.objects.values_list("pk", "name", "aliases", "owner", "policy"))
            forms = {form: pk for pk, name, aliases, _, _ in rows for form in spellings([name, *aliases])}
            rx, forms = names_rx(forms, squeezed=False) if forms else (re.compile(r"(?!)"), {})
            info = {pk: (name, owner, policy) for pk, name, _, owner, policy in rows}
            _compiled = (version, rx, forms, info)
    return _compiled[1], _compiled[2], _compiled[3]


def characters_named(text: str) -> list[Hit]:
    """The registered characters and brands `text` names, in order of first mention."""
    rx, forms, info = _registry()
    found: dict[int, Hit] = {}
    # Not the squeezed forms: "channel" squeezed reads "chanel", "eevee" reads "eve".
    for form in match_forms(text, squeezed=False):
        for m in rx.finditer(form):
            pk = forms.get(m.group(0))
            if pk is None or pk in found or pet_named(form, m.start()):
                continue
            name, owner, policy = info[pk]
            found[pk] = Hit(pk, name, owner, policy)
    return list(found.values())


def _allowed(hit: Hit, *, user, text: str) -> bool:
    if hit.policy == ProtectedPolicy.VERIFIED:
        return ProtectedCharacter.verified_accounts.through.objects.filter(
            protectedcharacter_id=hit.character_id, user_id=user.pk
        ).exists()
    if hit.policy == ProtectedPolicy.PARODY:
        return any(_PARODY.search(form) for form in [text.casefold(), *match_forms(text)])
    return False


def protected_check(*, user, text: str, parent_prompt: str | None = None) -> list[Hit]:
    """Refuse (422 `protected_character`, naming it and its owner) a prompt, or a remix of a
    video whose prompt, that names a character or brand its owner does not allow here.
    Every naming is logged for the owner, allowed or not. Returns the allowed hits."""
    hits = [(h, "prompt") for h in characters_named(text)]
    if parent_prompt:
        named = {h.character_id for h, _ in hits}
        hits += [(h, "remix") for h in characters_named(parent_prompt) if h.character_id not in named]
    if not hits:
        return []
    verdicts = [(h, where, _allowed(h, user=user, text=text)) for h, where in hits]
    with transaction.atomic():
        ProtectedUse.objects.bulk_create(
            [
                ProtectedUse(
                    character_id=h.character_id,
                    user=user,
                    prompt=text[:2000],
                    allowed=ok,
                    rule="remix" if where == "remix" and not ok else h.policy,
                )
                for h, where, ok in verdicts
            ]
        )
    refused = [(h, where) for h, where, ok in verdicts if not ok]
    if refused:
        hit, where = refused[0]
        what = "The video you are remixing names" if where == "remix" else "This prompt names"
        raise ProtectedCharacterRefused(
            f"{what} {hit.name}, which belongs to {hit.owner}; they do not allow it here.",
            character=hit.name,
            owner=hit.owner,
        )
    return [h for h, _, _ in verdicts]


def characters_of(*, rightsholder):
    """The characters and brands an account holds the rights to."""
    return ProtectedCharacter.objects.filter(rightsholder=rightsholder)


def character_uses(*, rightsholder, character_id):
    """The log of prompts that named one of the account's characters; 404 for anybody else's."""
    mine = characters_of(rightsholder=rightsholder)
    character = mine.filter(pk=character_id).first() if str(character_id).isdigit() else None
    if character is None:
        raise NotFound("No such character of yours.", code="character_not_found")
    return character.uses.select_related("user")


def load_registry(path: Path = SEED_PATH) -> tuple[int, int]:
    """Add or update the registry from a seed file (name, kind, owner, aliases). Policies,
    rightsholders and verified accounts set in the admin are kept. Returns (added, updated)."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["entries"]
    added = updated = 0
    with transaction.atomic():
        for row in entries:
            _, created = ProtectedCharacter.objects.update_or_create(
                name=row["name"],
                defaults={"kind": row["kind"], "owner": row["owner"], "aliases": list(row.get("aliases", []))},
            )
            added, updated = added + created, updated + (not created)
    return added, updated
