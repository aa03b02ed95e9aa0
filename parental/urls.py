from django.urls import path

from . import api

urlpatterns = [
    path("parental/links", api.LinksApi.as_view(), name="parental-links"),
    path("parental/links/<str:link_id>", api.LinkApi.as_view(), name="parental-link"),
    path("parental/links/<str:link_id>/accept", api.LinkAcceptApi.as_view(), name="parental-link-accept"),
    path("parental/teens/<username:username>/controls", api.TeenControlsApi.as_view(), name="parental-teen-controls"),
    path("parental/controls", api.MyControlsApi.as_view(), name="parental-controls"),
]
