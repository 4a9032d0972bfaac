"""Benchmark speeds get a plausible ceiling in the database, so no write path can store a speed
that is infinite, NaN or absurdly large (such numbers broke every chart that showed them), and a
runtime version may no longer start like a spreadsheet formula (it is exported in the public
CSV); stored versions that do get a leading apostrophe, which spreadsheets show as text.

Rows that already hold such a speed keep their other measurement and their pasted output; the
impossible number moves into the notes. A row left without any plausible speed held no usable
measurement and is removed, with its id and values printed by the migration.
"""

import math

from django.core import validators
from django.db import migrations, models

MAX_DECODE_TOK_S = 100_000
MAX_PREFILL_TOK_S = 1_000_000
FORMULA_START = r"^[=+\-@\t\r]"


def runtime_version_field():
    return models.CharField(
        blank=True,
        max_length=120,
        validators=[
            validators.RegexValidator(
                FORMULA_START,
                inverse_match=True,
                message=(
                    "Start with a letter or digit (a leading =, +, - or @ is read as a formula)."
                ),
            )
        ],
    )


def _plausible(value, ceiling):
    return value is None or (math.isfinite(value) and 0 < value <= ceiling)


def set_aside_impossible_speeds(apps, schema_editor):
    Benchmark = apps.get_model("catalog", "Benchmark")
    suspects = Benchmark.objects.filter(
        models.Q(decode_tok_s__gt=MAX_DECODE_TOK_S) | models.Q(prefill_tok_s__gt=MAX_PREFILL_TOK_S)
    )
    for row in suspects:
        removed = []
        for name, ceiling in (
            ("decode_tok_s", MAX_DECODE_TOK_S),
            ("prefill_tok_s", MAX_PREFILL_TOK_S),
        ):
            value = getattr(row, name)
            if not _plausible(value, ceiling):
                removed.append(f"{name}={value!r}")
                setattr(row, name, None)
        if row.decode_tok_s is None and row.prefill_tok_s is None:
            print(f"\n  Removing benchmark {row.pk}: no plausible speed ({', '.join(removed)})")
            row.delete()
            continue
        note = f"Submitted {', '.join(removed)} removed: above the plausible ceiling."
        row.notes = f"{row.notes}\n{note}".strip()
        row.save(update_fields=["decode_tok_s", "prefill_tok_s", "notes"])
    for row in Benchmark.objects.filter(runtime_version__regex=FORMULA_START):
        row.runtime_version = f"'{row.runtime_version}"[:120]
        row.save(update_fields=["runtime_version"])
    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks now: PostgreSQL refuses to alter a table that
        # still has pending trigger events in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_model_experts")]

    operations = [
        migrations.RunPython(set_aside_impossible_speeds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="benchmark",
            constraint=models.CheckConstraint(
                condition=(models.Q(decode_tok_s__isnull=True) | models.Q(decode_tok_s__lte=100000))
                & (models.Q(prefill_tok_s__isnull=True) | models.Q(prefill_tok_s__lte=1000000)),
                name="benchmark_speeds_plausible",
                violation_error_message="A speed is above the plausible ceiling.",
            ),
        ),
        migrations.AlterField("benchmark", "runtime_version", runtime_version_field()),
        migrations.AlterField("historicalbenchmark", "runtime_version", runtime_version_field()),
    ]
