from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from catalog import sitemaps as catalog_sitemaps
from catalog.feeds import BenchmarkFeed
from editorial import sitemaps as editorial_sitemaps
from editorial.feeds import PulseFeed
from glossary.sitemaps import TermSitemap

SITEMAPS = {
    "pages": catalog_sitemaps.StaticViewSitemap,
    "hardware": catalog_sitemaps.HardwareSitemap,
    "models": catalog_sitemaps.ModelSitemap,
    "tools": catalog_sitemaps.RuntimeSitemap,
    "glossary": TermSitemap,
    "errors": editorial_sitemaps.ErrorSitemap,
    "articles": editorial_sitemaps.ArticleSitemap,
    "guides": editorial_sitemaps.GuideSitemap,
    "pulse": editorial_sitemaps.PulseSitemap,
    "quick-answers": editorial_sitemaps.QuickAnswerSitemap,
    "prompting-kits": editorial_sitemaps.PromptingKitSitemap,
    "newsletter": editorial_sitemaps.DigestSitemap,
}


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /go/",
        "Disallow: /newsletter/confirm/",
        "Disallow: /newsletter/unsubscribe/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_xml"),
    path("pulse/feed/", PulseFeed(), name="pulse_feed"),
    path("benchmarks/feed/", BenchmarkFeed(), name="benchmark_feed"),
    path("", include("catalog.urls")),
    path("", include("estimator.urls")),
    path("", include("glossary.urls")),
    path("", include("editorial.urls")),
]

handler404 = "catalog.views.page_not_found"
handler500 = "catalog.views.server_error"
