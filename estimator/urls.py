from django.urls import include, path

from estimator import views

app_name = "estimator"
urlpatterns = [
    path("will-it-run/", views.will_it_run, name="will_it_run"),
    path("api/v1/estimate", views.api_estimate, name="api_estimate"),
    path("api/v1/runs-on", views.api_runs_on, name="api_runs_on"),
    path("api/v1/calibration", views.calibration_json, name="calibration_json"),
    path("methodology/", views.methodology, name="methodology"),
    path("", include("estimator.tool_urls")),
]
