from django.urls import path

from editorial import guide_views

urlpatterns = [
    path("guides/", guide_views.guide_list, name="guide_list"),
    path("guides/<slug:slug>/", guide_views.guide_detail, name="guide_detail"),
    path("best-gpu/", guide_views.best_gpu, name="best_gpu"),
]
