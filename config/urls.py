from django.contrib import admin
from django.urls import include, path

from catalog.feeds import BenchmarkFeed
from editorial.feeds import PulseFeed
from editorial.stale import stale_view

urlpatterns = [
    path("admin/stale/", admin.site.admin_view(stale_view), name="admin_stale"),
    path("admin/", admin.site.urls),
    path("pulse/feed/", PulseFeed(), name="pulse_feed"),
    path("benchmarks/feed/", BenchmarkFeed(), name="benchmark_feed"),
    path("", include("core.urls")),
    path("", include("catalog.urls")),
    path("", include("estimator.urls")),
    path("", include("glossary.urls")),
    path("", include("editorial.urls")),
]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
