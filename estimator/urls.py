app_name = "estimator"
urlpatterns = []
