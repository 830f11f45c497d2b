from django.contrib import admin
from django.urls import include, path

from chat.api import api
from chat.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("chat.urls")),
]
