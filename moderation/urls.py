from django.urls import path

from . import api

urlpatterns = [
    path("reports", api.ReportsApi.as_view(), name="reports"),
    path("appeals", api.AppealsApi.as_view(), name="appeals"),
]
