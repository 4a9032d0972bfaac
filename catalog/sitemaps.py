from catalog.models import Hardware, Model, Runtime
from core.sitemaps import PublishedSitemap


class HardwareSitemap(PublishedSitemap):
    model = Hardware
    priority = 0.8


class ModelSitemap(PublishedSitemap):
    model = Model
    priority = 0.8


class RuntimeSitemap(PublishedSitemap):
    model = Runtime


SECTIONS = {"hardware": HardwareSitemap, "models": ModelSitemap, "tools": RuntimeSitemap}
PAGES = [
    "catalog:home",
    "catalog:hardware_list",
    "catalog:model_list",
    "catalog:runtime_list",
    "catalog:benchmark_list",
    "catalog:compare",
]
