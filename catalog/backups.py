"""Back up the catalog and editorial content to one JSON file, and restore it."""

from django.apps import apps
from django.core.management import call_command

# Everything editors maintain: catalog, content, calibration runs and their change history.
# Users, sessions, signups' personal data and logs are deliberately not in the file.
BACKED_UP_APPS = ["catalog", "estimator", "glossary", "editorial"]
EXCLUDED_MODELS = ["editorial.ContactMessage"]


def excluded_models():
    names = list(EXCLUDED_MODELS)
    for label in ("Subscriber", "Delivery"):
        try:
            apps.get_model("editorial", label)
        except LookupError:
            continue
        names.append(f"editorial.{label}")
    return names


def backup(path):
    call_command(
        "dumpdata",
        *BACKED_UP_APPS,
        *[arg for model in excluded_models() for arg in ("--exclude", model)],
        "--natural-foreign",
        "--indent",
        "1",
        "--output",
        str(path),
        verbosity=0,
    )


def restore(path):
    call_command("loaddata", str(path), verbosity=0)
