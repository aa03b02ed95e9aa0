from django.core.management.base import BaseCommand

from accounts.models import User
from moderation.roles import GROUP, SENIOR_GROUP, ensure_senior_group, ensure_trust_and_safety_group


class Command(BaseCommand):
    help = "Create or repair the reviewers' groups; optionally add staff users to them."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="users to make reviewers (they become staff)")
        parser.add_argument("--senior", action="store_true", help="also let them decide escalated cases")

    def handle(self, *args, usernames, senior=False, **options):
        group = ensure_trust_and_safety_group()
        seniors = ensure_senior_group()
        for username in usernames:
            user = User.objects.get(username=username)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
            if senior:
                user.groups.add(seniors)
        self.stdout.write(f"{GROUP}: {group.permissions.count()} permissions, {group.user_set.count()} reviewers")
        self.stdout.write(f"{SENIOR_GROUP}: {seniors.user_set.count()} senior reviewers")
