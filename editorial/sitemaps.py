from catalog.sitemaps import PublishedSitemap
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
