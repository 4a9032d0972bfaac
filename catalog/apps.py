from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_new_content_permissions(sender, apps=None, using="default", **kwargs):
    """Models added after the data migration still reach the Editors group."""
    from django.apps import apps as global_apps

    from catalog.permissions import sync_editors_group

    sync_editors_group(apps or global_apps, using=using)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog import search, sitemaps
        from core import search as site_search
        from core import sitemaps as site_sitemaps

        site_search.register(*search.KINDS)
        site_sitemaps.register(sitemaps.SECTIONS, sitemaps.PAGES)
        post_migrate.connect(
            grant_new_content_permissions, sender=self, dispatch_uid="editors_group_sync"
        )
