from django.core.management.base import BaseCommand

from moderation.roles import GROUP, ensure_trust_and_safety_group


class Command(BaseCommand):
    help = "Create or repair the trust_and_safety group; optionally add staff users to it."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="users to make reviewers (they become staff)")

    def handle(self, *args, usernames, **options):
        from accounts.models import User

        group = ensure_trust_and_safety_group()
        for username in usernames:
            user = User.objects.get(username=username)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
        self.stdout.write(f"{GROUP}: {group.permissions.count()} permissions, {group.user_set.count()} reviewers")
