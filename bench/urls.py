"""findus' URLs, plus /bench/ for the variants the send path is compared with."""

from django.urls import include, path

from findus.urls import urlpatterns as findus_urlpatterns

urlpatterns = [path("bench/", include("bench.variants")), *findus_urlpatterns]
