from django.urls import path

from . import api

urlpatterns = [
    path("reports", api.ReportsApi.as_view(), name="reports"),
    path("appeals", api.AppealsApi.as_view(), name="appeals"),
    path("characters/mine", api.MyCharactersApi.as_view(), name="characters-mine"),
    path("characters/<str:character_id>/uses", api.CharacterUsesApi.as_view(), name="character-uses"),
]
