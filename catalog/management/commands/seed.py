"""Load the project's fixture files (catalog, editorial content, glossary) in one transaction."""

from importlib import import_module
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.seeding import SeedError, SeedReport

# Order matters: editorial content names catalog rows and authors; glossary terms name both.
SEEDED_APPS = ["catalog", "editorial", "glossary"]


class Command(BaseCommand):
    help = "Load catalog and content fixtures. Idempotent: a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=SEEDED_APPS, help="Seed a single app's fixtures.")
        parser.add_argument(
            "--data-dir", type=Path, help="Read the fixtures of --only from this folder instead."
        )

    def handle(self, *args, only=None, data_dir=None, **options):
        if data_dir and not only:
            raise CommandError("--data-dir needs --only to say whose fixtures it holds.")
        report = SeedReport()
        try:
            with transaction.atomic():
                for app in [only] if only else SEEDED_APPS:
                    module = import_module(f"{app}.loaders")
                    kwargs = {"data_dir": data_dir} if data_dir else {}
                    for loader in module.LOADERS:
                        loader(report, **kwargs)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        except FileNotFoundError as error:
            raise CommandError(
                f"Nothing was loaded. Missing fixture file: {error.filename}"
            ) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Seed complete: {report.changed} rows changed."))
