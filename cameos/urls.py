from django.urls import path

from . import api

urlpatterns = [
    path("cameos/enrollments", api.EnrollmentsApi.as_view(), name="cameo-enrollments"),
    path("cameos/enrollments/<str:enrollment_id>", api.EnrollmentApi.as_view(), name="cameo-enrollment"),
    path("cameos/enrollments/<str:enrollment_id>/capture", api.CaptureApi.as_view(), name="cameo-capture"),
    path("cameos/mine", api.MyCameosApi.as_view(), name="cameos-mine"),
    path("cameos/available", api.AvailableCameosApi.as_view(), name="cameos-available"),
    path("cameos/characters", api.CharactersApi.as_view(), name="cameo-characters"),
    path("cameos/approvals", api.PendingApprovalsApi.as_view(), name="cameo-approvals-pending"),
    path("cameos/<str:cameo_id>", api.CameoApi.as_view(), name="cameo"),
    path("cameos/<str:cameo_id>/approvals/<username:username>", api.ApprovalApi.as_view(), name="cameo-approval"),
    path("cameos/<str:cameo_id>/appearances", api.AppearancesApi.as_view(), name="cameo-appearances"),
    path("cameos/<str:cameo_id>/refusals", api.RefusalsApi.as_view(), name="cameo-refusals"),
    path("cameos/<str:cameo_id>/appearances/<str:video_id>", api.AppearanceApi.as_view(), name="cameo-appearance"),
    path(
        "cameos/<str:cameo_id>/appearances/<str:video_id>/decision",
        api.AppearanceDecisionApi.as_view(),
        name="cameo-appearance-decision",
    ),
]
