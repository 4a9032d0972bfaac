"""Loaders for the editor-maintained prices in catalog/data/: cloud GPU rentals and API prices.

Each row names its provider's pricing page and the day the figure was read there; a figure
without both is refused, so nothing undated reaches the cost comparison.
"""

from decimal import Decimal

from catalog.loaders import DATA_DIR
from catalog.models import ApiPrice, CloudOffer, Hardware, Model
from core.seeding import read_rows, save_by_key


def _price(row, name, positive=True):
    value = row.number(name, required=True, positive=positive, kind=Decimal)
    if value < 0:
        row.fail(f"'{name}' cannot be negative, got {value}")
    return value


def load_cloud_offers(report, data_dir=DATA_DIR):
    hardware = {h.slug: h for h in Hardware.objects.all()}
    for row in read_rows(data_dir / "cloud_offers.csv"):
        lookup = {
            "provider": row.text("provider", True),
            "hardware": row.lookup("hardware", hardware, "hardware"),
            "gpu_count": row.integer("gpu_count") or 1,
        }
        values = {
            "usd_per_hour": _price(row, "usd_per_hour"),
            "checked_on": row.date("checked_on", required=True),
            "source_url": row.sources(),
            "notes": row.text("notes")[:255],
        }
        save_by_key(row, CloudOffer, lookup, values, report, "cloud offers")


def load_api_prices(report, data_dir=DATA_DIR):
    models = {m.slug: m for m in Model.objects.all()}
    for row in read_rows(data_dir / "api_prices.csv"):
        lookup = {
            "provider": row.text("provider", True),
            "model": row.lookup("model", models, "model"),
        }
        values = {
            "input_usd_per_m": _price(row, "input_usd_per_m", positive=False),
            "output_usd_per_m": _price(row, "output_usd_per_m", positive=False),
            "checked_on": row.date("checked_on", required=True),
            "source_url": row.sources(),
        }
        save_by_key(row, ApiPrice, lookup, values, report, "API prices")


PRICE_LOADERS = [load_cloud_offers, load_api_prices]
