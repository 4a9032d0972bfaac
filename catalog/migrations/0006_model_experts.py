"""MoE expert counts become fields; existing rows are filled from the notes that held them."""

import re

from django.db import migrations, models

# The phrasing models.csv notes used before the counts had columns of their own.
EXPERTS = re.compile(r"(\d+) (?:routed )?(?:experts|\+)")
ACTIVE = re.compile(r"top-(\d+)|(\d+) (?:routed )?(?:active|expert per token)")
SHARED = re.compile(r"(\d+ )?shared expert")


def fill_from_notes(apps, schema_editor):
    Model = apps.get_model("catalog", "Model")
    for model in Model.objects.filter(architecture="moe"):
        total, active = EXPERTS.search(model.notes), ACTIVE.search(model.notes)
        shared = SHARED.search(model.notes)
        model.expert_count = int(total.group(1)) if total else None
        model.experts_per_token = int(next(g for g in active.groups() if g)) if active else None
        model.shared_experts = int((shared.group(1) or "1").strip()) if shared else 0
        model.save(update_fields=["expert_count", "experts_per_token", "shared_experts"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_runtime_install")]

    operations = [
        migrations.AddField(
            model_name="model",
            name="expert_count",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="MoE: routed experts per MoE layer (config.json).", null=True
            ),
        ),
        migrations.AddField(
            model_name="model",
            name="experts_per_token",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="MoE: routed experts each token uses.", null=True
            ),
        ),
        migrations.AddField(
            model_name="model",
            name="shared_experts",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="MoE: experts every token uses besides the routed ones.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalmodel",
            name="expert_count",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="MoE: routed experts per MoE layer (config.json).", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalmodel",
            name="experts_per_token",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="MoE: routed experts each token uses.", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalmodel",
            name="shared_experts",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="MoE: experts every token uses besides the routed ones.",
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="model",
            constraint=models.CheckConstraint(
                condition=models.Q(experts_per_token__isnull=True)
                | models.Q(expert_count__isnull=True)
                | models.Q(experts_per_token__lte=models.F("expert_count")),
                name="model_active_experts_within_total",
            ),
        ),
        migrations.RunPython(fill_from_notes, migrations.RunPython.noop),
    ]
