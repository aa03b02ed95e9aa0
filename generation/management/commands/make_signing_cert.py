"""Make the development C2PA signing certificate (CA + es256 leaf) under C2PA_CERT_DIR."""

from django.core.management.base import BaseCommand

from generation.provenance import ensure_signing_cert


class Command(BaseCommand):
    help = "Create a development CA and C2PA signing certificate (idempotent; --force rotates)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace an existing certificate and key")
        parser.add_argument("--dir", dest="directory", default=None, help="write here instead of C2PA_CERT_DIR")

    def handle(self, *args, force=False, directory=None, **options):
        material = ensure_signing_cert(directory=directory, force=force)
        verb = "Created" if material.created else "Kept existing"
        self.stdout.write(f"{verb} signing chain {material.chain_path} and key {material.key_path}")
