"""The reviewers' group and exactly the permissions it needs: see the queue and decide."""

PERMISSIONS = [
    ("moderation", "view_reviewcase"),
    ("moderation", "change_reviewcase"),
    ("moderation", "view_report"),
    ("moderation", "view_appeal"),
    ("moderation", "change_appeal"),
    ("moderation", "view_decision"),
    ("moderation", "view_strike"),
    ("generation", "view_video"),
    ("cameos", "view_cameo"),
    ("accounts", "view_user"),
]
GROUP = "trust_and_safety"


def ensure_trust_and_safety_group(Group=None, Permission=None):
    """Create or repair the group; takes historical models when run from a migration."""
    if Group is None:
        from django.contrib.auth.models import Group, Permission
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group
