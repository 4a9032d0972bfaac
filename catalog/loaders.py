"""The catalog's seed tables in catalog/data/, loaded in this order (a table names rows of the
ones above it) through the resources that define their columns (catalog/resources.py)."""

from functools import partial
from pathlib import Path

from catalog import hardware_prices, resources
from core.seeding import load_csv

DATA_DIR = Path(__file__).resolve().parent / "data"

# (file, resource, what the seed report calls its rows)
TABLES = [
    ("vendors.csv", resources.VendorResource, "vendors"),
    ("hardware.csv", resources.HardwareResource, "hardware"),
    ("models.csv", resources.ModelResource, "models"),
    ("quant_formats.csv", resources.QuantFormatResource, "quant formats"),
    ("model_files.csv", resources.ModelFileResource, "model files"),
    ("runtimes.csv", resources.RuntimeResource, "runtimes"),
    ("runtime_installs.csv", resources.RuntimeInstallResource, "install routes"),
    ("benchmarks.csv", resources.BenchmarkResource, "benchmarks"),
    ("cloud_offers.csv", resources.CloudOfferResource, "cloud offers"),
    ("api_prices.csv", resources.ApiPriceResource, "API prices"),
    ("hardware_prices.csv", hardware_prices.HardwarePriceResource, "hardware prices"),
]


def load_table(file_name, resource_class, label, report, data_dir=DATA_DIR):
    load_csv(Path(data_dir) / file_name, resource_class(check_constraints=False), report, label)


LOADERS = [partial(load_table, *table) for table in TABLES]
