from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("catalog.urls")),
    path("", include("estimator.urls")),
    path("", include("glossary.urls")),
    path("", include("editorial.urls")),
]

handler404 = "catalog.views.page_not_found"
handler500 = "catalog.views.server_error"
