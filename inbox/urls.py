from django.urls import path

from . import api

urlpatterns = [
    path("messages/<username:username>", api.MessagesApi.as_view(), name="messages"),
    path("notifications", api.NotificationsApi.as_view(), name="notifications"),
    path("notifications/read", api.NotificationsReadApi.as_view(), name="notifications-read"),
]
