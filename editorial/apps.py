from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"

    def ready(self):
        from core import search as site_search
        from core import sitemaps as site_sitemaps
        from editorial import search, sitemaps

        site_search.register(*search.KINDS)
        site_sitemaps.register(sitemaps.SECTIONS, sitemaps.PAGES)
