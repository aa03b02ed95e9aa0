from django.urls import path

from . import api

urlpatterns = [
    path("videos/<str:video_id>/like", api.VideoLikeApi.as_view(), name="video-like"),
    path("videos/<str:video_id>/comments", api.VideoCommentsApi.as_view(), name="video-comments"),
    path("videos/<str:video_id>/views", api.VideoViewsApi.as_view(), name="video-views"),
    path("feed", api.FeedApi.as_view(), name="feed"),
    path("feed/steering", api.SteeringApi.as_view(), name="feed-steering"),
    path("feed/checkins/<str:checkin_id>", api.CheckinApi.as_view(), name="feed-checkin"),
]
