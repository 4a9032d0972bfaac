from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.backups import restore
from catalog.models import Hardware


class Command(BaseCommand):
    help = "Load a backup written by `manage.py backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument(
            "--into-non-empty",
            action="store_true",
            help="Load even though the catalog has rows (rows with the same ids are replaced).",
        )

    def handle(self, *args, input, into_non_empty=False, **options):
        if not input.exists():
            raise CommandError(f"No backup file at {input}.")
        if Hardware.objects.exists() and not into_non_empty:
            raise CommandError(
                "The database already holds a catalog; restore into an empty database "
                "(migrate a fresh one), or pass --into-non-empty."
            )
        restore(input)
        self.stdout.write(f"Restored {input}: {Hardware.objects.count()} hardware rows.")
