from django.apps import AppConfig


class EstimatorConfig(AppConfig):
    name = "estimator"

    def ready(self):
        from core import sitemaps as site_sitemaps
        from estimator import sitemaps

        site_sitemaps.register(pages=sitemaps.PAGES)
