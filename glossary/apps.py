from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"

    def ready(self):
        from core import search as site_search
        from core import sitemaps as site_sitemaps
        from glossary import search, sitemaps

        site_search.register(*search.KINDS)
        site_sitemaps.register(sitemaps.SECTIONS, sitemaps.PAGES)
