from django.urls import path

from . import api

urlpatterns = [
    path("generations", api.GenerationsApi.as_view(), name="generations"),
    path("generations/capabilities", api.CapabilitiesApi.as_view(), name="generation-capabilities"),
    path("generations/<str:job_id>", api.GenerationApi.as_view(), name="generation"),
    path("videos/<str:video_id>", api.VideoApi.as_view(), name="video"),
    path("videos/<str:video_id>/publish", api.VideoPublishApi.as_view(), name="video-publish"),
    path("videos/<str:video_id>/remixes", api.VideoRemixesApi.as_view(), name="video-remixes"),
    path("videos/<str:video_id>/lineage", api.VideoLineageApi.as_view(), name="video-lineage"),
    path("videos/<str:video_id>/provenance", api.VideoProvenanceApi.as_view(), name="video-provenance"),
    path("verify", api.VerifyApi.as_view(), name="verify"),
    path("users/<username:username>/videos", api.UserVideosApi.as_view(), name="user-videos"),
]
