"""The structure docs/architecture.md promises, checked on the source (no database)."""

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["sora_social", "accounts", "videos", "inbox", "cameos", "generation", "feed", "moderation", "parental"]


def _contract_layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in layer.split("|")] for layer in layers]


def _documented_layers() -> list[list[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    block = text.split("## Layers", 1)[1].split("```", 2)[1]
    rows = []
    for line in block.strip().splitlines():
        names = re.split(r"\s{2,}", line.strip())[0]
        rows.append([name.strip() for name in names.split("|")])
    return rows


def _sources(*, skip_migrations=True):
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if skip_migrations and "migrations" in path.parts:
                continue
            yield app, path


def test_the_layer_diagram_is_the_contract_ci_checks():
    documented = _documented_layers()
    assert documented == _contract_layers()
    assert sorted(name for layer in documented for name in layer) == sorted(APPS)


def test_imports_between_apps_are_at_the_top_of_the_file_except_in_app_ready():
    local = []
    for app, path in _sources():
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and not node.level:
                    root = node.module.split(".")[0]
                    in_ready = path.name == "apps.py" and fn.name == "ready"
                    if root in APPS and root != app and not in_ready:
                        local.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    assert local == []


def test_only_the_videos_app_writes_video_rows():
    write = re.compile(
        r"Video\.objects\b[^\n]*\.(create|get_or_create|update_or_create|update|bulk_create|bulk_update|delete)\("
    )
    writers = [
        f"{path.relative_to(ROOT)}:{n}"
        for app, path in _sources()
        if app != "videos"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if write.search(line)
    ]
    assert writers == []


# A message can share a video and a notification can name one, yet accounts sits below
# videos: the two foreign keys are declared by name (no import), and are the only
# relations that point up. Anything else that does is a new dependency to design away.
RELATIONS_UP = {"accounts.Message.video", "accounts.Notification.video"}


def test_model_relations_point_down_the_layers_but_two_named_ones():
    from django.apps import apps

    rank = {name: depth for depth, layer in enumerate(reversed(_contract_layers())) for name in layer}
    up = set()
    for model in apps.get_models():
        app = model._meta.app_label
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model is not None):
                continue
            other = field.related_model._meta.app_label
            if app in rank and other in rank and other != app and rank[other] >= rank[app]:
                up.add(f"{app}.{model.__name__}.{field.name}")
    assert up == RELATIONS_UP
