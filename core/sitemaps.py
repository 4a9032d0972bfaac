"""The site's sitemap, built from the sections each app registers in its AppConfig.ready()."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

_SECTIONS = {}
_PAGES = []


class PublishedSitemap(Sitemap):
    """Published rows of one model, with their last change as lastmod."""

    model = None
    changefreq = "weekly"

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    """Pages with no row behind them (lists, tools), by URL name."""

    priority = 0.9
    changefreq = "daily"

    def items(self):
        return list(_PAGES)

    def location(self, item):
        return reverse(item)


def register(sections=None, pages=()):
    """Add an app's sitemap sections ({name: Sitemap class}) and its pages' URL names."""
    for name, sitemap in (sections or {}).items():
        _SECTIONS.setdefault(name, sitemap)
    _PAGES.extend(page for page in pages if page not in _PAGES)


def sections():
    return {"pages": PageSitemap, **_SECTIONS}
