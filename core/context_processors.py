from django.conf import settings


def site(request):
    """Values every page's frame needs (header, footer)."""
    return {
        "site_version": settings.SITE_VERSION,
        "site_url": settings.SITE_URL,
    }
