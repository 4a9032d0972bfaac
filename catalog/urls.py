from django.urls import path, register_converter

from catalog import views
from core.converters import CatalogSlugConverter

register_converter(CatalogSlugConverter, "cslug")

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("hardware/", views.hardware_list, name="hardware_list"),
    path("hardware/<cslug:slug>/", views.hardware_detail, name="hardware_detail"),
    path("models/", views.model_list, name="model_list"),
    path("models/<cslug:slug>/", views.model_detail, name="model_detail"),
    path("tools/", views.runtime_list, name="runtime_list"),
    path("tools/<cslug:slug>/", views.runtime_detail, name="runtime_detail"),
    path("benchmarks/", views.benchmark_list, name="benchmark_list"),
    path("benchmarks/submit/", views.submit_benchmark, name="submit_benchmark"),
    path("go/<int:pk>/", views.offer_redirect, name="offer_redirect"),
    path("compare/", views.compare, name="compare"),
]
