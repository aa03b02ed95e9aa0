from django.urls import path

from . import api

urlpatterns = [
    path("videos/<str:video_id>", api.VideoApi.as_view(), name="video"),
    path("videos/<str:video_id>/publish", api.VideoPublishApi.as_view(), name="video-publish"),
    path("videos/<str:video_id>/remixes", api.VideoRemixesApi.as_view(), name="video-remixes"),
    path("videos/<str:video_id>/lineage", api.VideoLineageApi.as_view(), name="video-lineage"),
    path("users/<username:username>/videos", api.UserVideosApi.as_view(), name="user-videos"),
]
