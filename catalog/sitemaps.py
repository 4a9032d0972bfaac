from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Hardware, Model, Runtime


class PublishedSitemap(Sitemap):
    """Published rows of one model, with their last change as lastmod."""

    model = None
    changefreq = "weekly"

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class HardwareSitemap(PublishedSitemap):
    model = Hardware
    priority = 0.8


class ModelSitemap(PublishedSitemap):
    model = Model
    priority = 0.8


class RuntimeSitemap(PublishedSitemap):
    model = Runtime


class StaticViewSitemap(Sitemap):
    priority = 0.9
    changefreq = "daily"

    def items(self):
        return [
            "catalog:home",
            "catalog:hardware_list",
            "catalog:model_list",
            "catalog:runtime_list",
            "catalog:benchmark_list",
            "catalog:compare",
            "estimator:will_it_run",
            "estimator:methodology",
            "estimator:choose_my_gpu",
            "estimator:cost_vs_cloud",
            "editorial:guide_list",
            "glossary:term_list",
            "editorial:error_list",
            "editorial:learn_list",
            "editorial:pulse_list",
            "editorial:quick_answer_list",
            "editorial:prompting_kit_list",
            "editorial:start",
            "editorial:newsletter_archive",
        ]

    def location(self, item):
        return reverse(item)
