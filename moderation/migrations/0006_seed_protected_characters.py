"""Seed the registry of protected characters and brands from data/protected_characters.json.

Later additions to the file are loaded with `manage.py load_protected_characters`.
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "data" / "protected_characters.json"


def seed(apps, schema_editor):
    ProtectedCharacter = apps.get_model("moderation", "ProtectedCharacter")
    entries = json.loads(SEED.read_text(encoding="utf-8"))["entries"]
    ProtectedCharacter.objects.bulk_create(
        [
            ProtectedCharacter(name=e["name"], kind=e["kind"], owner=e["owner"], aliases=list(e.get("aliases", [])))
            for e in entries
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_protected_characters")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
