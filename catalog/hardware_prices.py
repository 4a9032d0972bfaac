"""The schema of catalog/data/hardware_prices.csv: street prices as they were seen, one offer a
row (new or used, at a retailer, on a day, with the page it was read on). Nothing undated or
unsourced gets in; whether a price is still current is PricePoint.is_stale's call."""

from catalog.columns import Choice, Column, Date, Lookup, Money, SchemaResource, Sources, Text
from catalog.models import Condition, Hardware, PricePoint


class HardwarePriceResource(SchemaResource):
    hardware = Column(Lookup(Hardware, "slug", "hardware"))
    price_usd = Column(Money(required=True))
    observed_on = Column(Date(required=True))
    condition = Column(Choice(Condition.values))
    retailer = Column(Text(required=True, max_length=80))
    source_url = Column(Sources(), "source")

    class Meta:
        model = PricePoint
        import_id_fields = ["hardware", "observed_on", "condition", "retailer"]
