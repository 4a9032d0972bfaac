from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_new_content_permissions(sender, apps, using, **kwargs):
    """Models added after the data migration still reach the Editors group."""
    from catalog.permissions import sync_editors_group

    sync_editors_group(apps, using=using)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        post_migrate.connect(
            grant_new_content_permissions, sender=self, dispatch_uid="editors_group_sync"
        )
