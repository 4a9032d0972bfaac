from django.contrib.sitemaps import Sitemap

from core.sitemaps import PublishedSitemap
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


SECTIONS = {
    "errors": ErrorSitemap,
    "articles": ArticleSitemap,
    "guides": GuideSitemap,
    "pulse": PulseSitemap,
    "quick-answers": QuickAnswerSitemap,
    "prompting-kits": PromptingKitSitemap,
    "newsletter": DigestSitemap,
}
PAGES = [
    "editorial:guide_list",
    "editorial:error_list",
    "editorial:learn_list",
    "editorial:pulse_list",
    "editorial:quick_answer_list",
    "editorial:prompting_kit_list",
    "editorial:start",
    "editorial:newsletter_archive",
]
