"""What site search finds in the catalog (registered in CatalogConfig.ready)."""

from core.search import Kind

KINDS = [
    Kind("hardware", "Hardware", "catalog.Hardware", ("name", "slug"), ("memory_type", "notes")),
    Kind("models", "Models", "catalog.Model", ("name", "slug"), ("organisation", "notes")),
    Kind("tools", "Tools", "catalog.Runtime", ("name", "slug"), ("notes", "install_command")),
]
