from django.contrib.sitemaps import Sitemap

from catalog.sitemaps import PublishedSitemap
from editorial.digest import Digest
from editorial.models import Article, BuyerGuide, ErrorEntry, PromptingKit, PulseEntry, QuickAnswer


class ErrorSitemap(PublishedSitemap):
    model = ErrorEntry


class ArticleSitemap(PublishedSitemap):
    model = Article


class GuideSitemap(PublishedSitemap):
    model = BuyerGuide
    priority = 0.8


class PulseSitemap(PublishedSitemap):
    model = PulseEntry
    changefreq = "monthly"


class QuickAnswerSitemap(PublishedSitemap):
    model = QuickAnswer


class PromptingKitSitemap(PublishedSitemap):
    model = PromptingKit


class DigestSitemap(Sitemap):
    """Sent monthly digests; a draft or queued digest has no public page yet."""

    changefreq = "yearly"
    priority = 0.4

    def items(self):
        return Digest.objects.sent().order_by("-month")

    def lastmod(self, digest):
        return digest.sent_at
