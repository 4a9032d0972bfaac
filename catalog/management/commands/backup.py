from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.backups import backup


class Command(BaseCommand):
    help = "Write the catalog and editorial content (no personal data) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="File to write, e.g. backup.json")

    def handle(self, *args, output, **options):
        backup(output)
        self.stdout.write(f"Backed up to {output} ({output.stat().st_size:,} bytes).")
