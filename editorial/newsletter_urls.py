from django.urls import path

from editorial import newsletter_views as views

urlpatterns = [
    path("newsletter/", views.newsletter, name="newsletter"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="newsletter_confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="newsletter_unsubscribe"),
    path("newsletter/archive/", views.archive, name="newsletter_archive"),
    path(
        "newsletter/archive/<year:year>/<month:month>/",
        views.digest_detail,
        name="newsletter_digest",
    ),
]
