class CatalogSlugConverter:
    """Slugs that may contain dots, as model names do (llama-3.1-8b)."""

    regex = r"[a-z0-9]+(?:[.-][a-z0-9]+)*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
