from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import health, media
from .admin_login import admin_login

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("inbox.urls")),
    path("", include("videos.urls")),
    path("", include("generation.urls")),
    path("", include("cameos.urls")),
    path("", include("feed.urls")),
    path("", include("parental.urls")),
    path("", include("moderation.urls")),
    path("media/<str:token>", media.serve_signed, name="media-signed"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    # Before the admin's own URLs, so its login page is throttled like the API's.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler400 = "sora_social.errors.handler400"
handler403 = "sora_social.errors.handler403"
handler404 = "sora_social.errors.handler404"
handler500 = "sora_social.errors.handler500"
