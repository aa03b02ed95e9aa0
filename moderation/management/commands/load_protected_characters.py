from django.core.management.base import BaseCommand

from moderation.characters import SEED_PATH, load_registry


class Command(BaseCommand):
    help = "Add or update protected characters and brands from a seed file (admin-set policies are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SEED_PATH), help="JSON with an 'entries' list")

    def handle(self, *args, file, **options):
        added, updated = load_registry(file)
        self.stdout.write(f"protected characters: {added} added, {updated} updated")
