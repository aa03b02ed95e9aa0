"""The reviewers' group and exactly the permissions it needs: see the queue and decide."""

PERMISSIONS = [
    ("moderation", "view_reviewcase"),
    ("moderation", "change_reviewcase"),
    ("moderation", "view_report"),
    ("moderation", "view_appeal"),
    ("moderation", "change_appeal"),
    ("moderation", "view_decision"),
    ("moderation", "view_strike"),
    ("videos", "view_video"),
    ("cameos", "view_cameo"),
    ("accounts", "view_user"),
    # the registry of characters and brands people own, and the log of their uses
    ("moderation", "view_protectedcharacter"),
    ("moderation", "add_protectedcharacter"),
    ("moderation", "change_protectedcharacter"),
    ("moderation", "view_protecteduse"),
]
GROUP = "trust_and_safety"
# Senior reviewers decide what others escalate; they are also reviewers.
SENIOR_GROUP = "trust_and_safety_senior"
SENIOR_PERMISSIONS = [("moderation", "decide_escalated")]


def ensure_trust_and_safety_group(Group=None, Permission=None):
    """Create or repair the group; takes historical models when run from a migration (where a
    permission of a model a later migration creates does not exist yet: a later migration adds it)."""
    if Group is None:
        from django.contrib.auth.models import Group, Permission
    return _ensure(GROUP, PERMISSIONS, Group, Permission)


def ensure_senior_group(Group=None, Permission=None):
    """The senior reviewers' group: deciding escalated cases (members are in the reviewers' group too)."""
    if Group is None:
        from django.contrib.auth.models import Group, Permission
    return _ensure(SENIOR_GROUP, SENIOR_PERMISSIONS, Group, Permission)


def _ensure(name, permissions, Group, Permission):
    group, _ = Group.objects.get_or_create(name=name)
    for app_label, codename in permissions:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            group.permissions.add(permission)
    return group


def groups_in_migration(apps, *ensure) -> None:
    """From a data migration: create the permissions the migrated models define so far, then
    run each `ensure_*_group` with the historical Group and Permission models."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for make in ensure:
        make(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
