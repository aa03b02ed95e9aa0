from django.urls import path

from . import api

urlpatterns = [
    path("generations", api.GenerationsApi.as_view(), name="generations"),
    path("generations/images", api.GenerationImagesApi.as_view(), name="generation-images"),
    path("generations/capabilities", api.CapabilitiesApi.as_view(), name="generation-capabilities"),
    path("generations/<str:job_id>", api.GenerationApi.as_view(), name="generation"),
    path("videos/<str:video_id>/extend", api.VideoExtendApi.as_view(), name="video-extend"),
    path("videos/<str:video_id>/provenance", api.VideoProvenanceApi.as_view(), name="video-provenance"),
    path("verify", api.VerifyApi.as_view(), name="verify"),
]
