"""Dated new-condition offers become the street price (PricePoint.save does so from now on)."""

from django.db import migrations


def take_newest_new_offers(apps, schema_editor):
    Hardware = apps.get_model("catalog", "Hardware")
    PricePoint = apps.get_model("catalog", "PricePoint")
    newest = {}
    for point in PricePoint.objects.filter(condition="new").order_by("observed_on", "pk"):
        newest[point.hardware_id] = point
    for hardware_id, point in newest.items():
        hardware = Hardware.objects.get(pk=hardware_id)
        if hardware.street_price_date and hardware.street_price_date > point.observed_on:
            continue
        hardware.street_price_usd = point.price_usd
        hardware.street_price_date = point.observed_on
        hardware.street_price_source_url = point.source_url
        hardware.save(
            update_fields=["street_price_usd", "street_price_date", "street_price_source_url"]
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_hardware_architecture")]

    operations = [migrations.RunPython(take_newest_new_offers, migrations.RunPython.noop)]
