from django.urls import include, path, re_path, register_converter

from core.converters import MonthConverter, YearConverter
from editorial import views

register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

app_name = "editorial"
urlpatterns = [
    path("errors/", views.error_list, name="error_list"),
    path("errors/<slug:slug>/", views.error_detail, name="error_detail"),
    path("learn/", views.learn_list, name="learn_list"),
    path("learn/<slug:slug>/", views.learn_detail, name="learn_detail"),
    path("start/", views.start, name="start"),
    path("pulse/", views.pulse_list, name="pulse_list"),
    path("pulse/<year:year>/<month:month>/", views.pulse_list, name="pulse_month"),
    path("pulse/<slug:slug>/", views.pulse_detail, name="pulse_detail"),
    path("quick-answers/", views.quick_answer_list, name="quick_answer_list"),
    path("quick-answers/<slug:slug>/", views.quick_answer_detail, name="quick_answer_detail"),
    path("prompting-kits/", views.prompting_kit_list, name="prompting_kit_list"),
    path("prompting-kits/<slug:slug>/", views.prompting_kit_detail, name="prompting_kit_detail"),
    path("authors/", views.author_list, name="author_list"),
    path("author/<slug:slug>/", views.author_detail, name="author_detail"),
    path("sitemap/", views.html_sitemap, name="html_sitemap"),
    path("contact/", views.contact, name="contact"),
    path("", include("editorial.newsletter_urls")),
    path("", include("editorial.guide_urls")),
    re_path(rf"^(?P<slug>{'|'.join(views.PAGE_SLUGS)})/$", views.page, name="page"),
]
