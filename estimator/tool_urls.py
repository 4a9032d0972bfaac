from django.urls import path

from estimator import tool_views

urlpatterns = [
    path("choose-my-gpu/", tool_views.choose_my_gpu, name="choose_my_gpu"),
    path("cost-vs-cloud/", tool_views.cost_vs_cloud, name="cost_vs_cloud"),
]
