from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap_xml"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
