from django.core.management.base import BaseCommand

from feed import services


class Command(BaseCommand):
    help = "Label and embed published videos that lack features, then rebuild the vector index."

    def handle(self, *args, **options):
        done = services.videos_backfill()
        version = services.index_rebuild()
        self.stdout.write(f"labelled {done} videos; index version {version}")
