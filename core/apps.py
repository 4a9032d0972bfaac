from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the publish workflow, the page cache and its invalidation,
    rate limits, charts, structured data, the seeding framework and HTMX partials."""

    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from core.caching import connect_invalidation

        connect_invalidation()
