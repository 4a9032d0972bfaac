"""The "Editors" group: editors change content and catalog rows, never users or groups."""

from django.contrib.auth.management import create_permissions

EDITORS_GROUP = "Editors"
CONTENT_APPS = ["catalog", "estimator", "glossary", "editorial"]
EDITOR_ACTIONS = ["add", "change", "delete", "view"]


def sync_editors_group(apps, using="default"):
    """Create the group and grant it every content permission that exists right now."""
    for app_config in apps.get_app_configs():
        # Migration-state app configs have no models module, which create_permissions skips.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    codename_prefixes = tuple(f"{action}_" for action in EDITOR_ACTIONS)
    permissions = [
        permission
        for permission in Permission.objects.using(using).filter(
            content_type__app_label__in=CONTENT_APPS
        )
        if permission.codename.startswith(codename_prefixes)
    ]
    group.permissions.add(*permissions)
    return group
